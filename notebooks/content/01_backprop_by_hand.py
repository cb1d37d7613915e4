TITLE = "1. Backpropagation by hand and by engine"
CELLS = [
("md", """
The course notes (seed 002) work two small sigmoid networks by hand. Here the engine
computes the same quantities: first with the scalar `Value` engine (every number is a
node, like the notes' diagrams), then with `Tensor`s (the vectorized form of seed 003).
Notice that the engine's numbers agree with the notes to the digits the notes print,
and where they do not, the notes rounded intermediate values.
"""),
("code", """
import shutil
import numpy as np
import autograd_core as ag
from autograd_core import Value

def show(graph):
    '''Render with Graphviz when its `dot` program is installed, else print the DOT text.'''
    return graph if shutil.which("dot") else print(graph.source[:1500])
"""),
("md", """
## Example 1: a 2-2-1 network, no biases, target 0.5

x = [0.35, 0.9], hidden weights W0 = [[0.1, 0.8], [0.4, 0.6]], output weights
W1 = [0.3, 0.9], sigmoid everywhere, cost C = ½ (y − 0.5)².
"""),
("code", """
x1, x2 = Value(0.35, "x1"), Value(0.9, "x2")
w31, w32, w41, w42 = Value(0.1, "w31"), Value(0.8, "w32"), Value(0.4, "w41"), Value(0.6, "w42")
w53, w54 = Value(0.3, "w53"), Value(0.9, "w54")
h3 = (w31 * x1 + w32 * x2).sigmoid(); h3.label = "h3"
h4 = (w41 * x1 + w42 * x2).sigmoid(); h4.label = "h4"
y5 = (w53 * h3 + w54 * h4).sigmoid(); y5.label = "y5"
C = 0.5 * (y5 - 0.5) ** 2; C.label = "C"
C.backward()
print(f"y5 = {y5.data:.6f}   (notes: 0.690)")
print(f"C  = {C.data:.7f}  (notes: 0.01805)")
print(f"dC/dw53 = {w53.grad:.7f}  (notes: 0.02763)")
print(f"dC/dw54 = {w54.grad:.7f}  (notes: 0.02711)")
"""),
("md", """
The notes print ∂C/∂w53 ≈ 0.02763 and ∂C/∂w54 ≈ 0.02711 because they carry rounded
intermediates (0.19, 0.2139, ...) through the chain rule; the exact values are
0.0276740 and 0.0270016. Every box below is a value with its gradient, every ellipse
an operation. The backward pass visited each edge once.
"""),
("code", "show(ag.draw_graph(C))"),
("md", """
One gradient-descent step with learning rate 1 lowers the cost to 0.016565 (the notes
misprint it as 0.165).
"""),
("code", """
params = [w31, w32, w41, w42, w53, w54]
for p in params:
    p.data -= 1.0 * p.grad
h3 = (w31 * x1 + w32 * x2).sigmoid(); h4 = (w41 * x1 + w42 * x2).sigmoid()
y5 = (w53 * h3 + w54 * h4).sigmoid()
print(f"cost after one step: {(0.5 * (y5 - 0.5) ** 2).data:.6f}")
"""),
("md", """
## Example 2: a 2-2-2 network with biases, learning rate 0.5

i = [0.02, 0.7]; w1..w8 = 0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.1, 0.2; b1 = 0.3 (shared by
the hidden layer), b2 = 0.2 (shared by the output layer); targets [0, 1]. The notes'
numbers follow when only the weights are updated and the biases stay fixed, which is
what we do. With Tensors, a layer is one matrix product: z = W a + b.
"""),
("code", """
INPUT, TARGET = np.array([0.02, 0.7]), np.array([0.0, 1.0])

def forward(W0, W1):
    hidden = (ag.tensor(INPUT) @ W0.T + 0.3).sigmoid()
    return hidden, (hidden @ W1.T + 0.2).sigmoid()

def error(out):
    return 0.5 * ((ag.tensor(TARGET) - out) ** 2).sum()

W0 = ag.tensor(np.array([[0.1, 0.2], [0.3, 0.4]]), requires_grad=True, name="W0")
W1 = ag.tensor(np.array([[0.2, 0.3], [0.1, 0.2]]), requires_grad=True, name="W1")
hidden, out = forward(W0, W1)
E = error(out)
E.backward(retain_graph=True)
print("outputs", out.data.round(6), "  (notes: [0.625, 0.596])")
print(f"E_total = {E.item():.7f}  (notes: 0.27741)")
print("dE/dW0 =\\n", W0.grad.data.round(6))
print("dE/dW1 =\\n", W1.grad.data.round(6))
"""),
("code", "show(ag.draw_graph(E, color_by='grad', show_order=True))"),
("md", """
### The δ-recursion of seed 000, checked against the engine

The notes derive: output error δ(L) = (a(L) − y) ⊙ a(L)(1 − a(L)) for the squared error,
hidden error δ(l) = (W(l)ᵀ δ(l+1)) ⊙ a(l)(1 − a(l)), and the weight gradient
δ(l+1) a(l)ᵀ. Written out in numpy, it must give the engine's gradients exactly:
"""),
("code", """
a1, a2 = hidden.data, out.data
delta2 = (a2 - TARGET) * a2 * (1 - a2)
delta1 = (W1.data.T @ delta2) * a1 * (1 - a1)
print("dE/dW1 by the recursion:", np.allclose(np.outer(delta2, a1), W1.grad.data))
print("dE/dW0 by the recursion:", np.allclose(np.outer(delta1, INPUT), W0.grad.data))
"""),
("md", "### One step, then the full 10,000 steps of the notes"),
("code", """
def train(steps, lr=0.5):
    W0 = ag.tensor(np.array([[0.1, 0.2], [0.3, 0.4]]), requires_grad=True)
    W1 = ag.tensor(np.array([[0.2, 0.3], [0.1, 0.2]]), requires_grad=True)
    history = []
    for _ in range(steps):
        loss = error(forward(W0, W1)[1])
        history.append(loss.item())
        W0.grad = W1.grad = None
        loss.backward()
        W0.data -= lr * W0.grad.data
        W1.data -= lr * W1.grad.data
    return W0, W1, history

W0, W1, history = train(10_000)
final = forward(W0, W1)[1]
print(f"after 1 step: {history[1]:.7f}   (notes: 0.265)")
print(f"after 10,000 steps: E = {error(final).item():.4e}, outputs {final.data.round(5)}   (notes: 6.36e-05, [0.008, 0.991])")
"""),
("code", """
import matplotlib.pyplot as plt
plt.figure(figsize=(6, 3))
plt.semilogy(history)
plt.xlabel("iteration"); plt.ylabel("E_total"); plt.title("example 2: 10,000 steps of gradient descent")
plt.show()
"""),
("md", """
The same network with scalar `Value`s takes 40 nodes per forward pass instead of 12
tensor ops; the gradients are identical:
"""),
("code", """
w = [Value(v) for v in (0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.1, 0.2)]
i1, i2 = 0.02, 0.7
h1 = (w[0] * i1 + w[1] * i2 + 0.3).sigmoid(); h2 = (w[2] * i1 + w[3] * i2 + 0.3).sigmoid()
o1 = (w[4] * h1 + w[5] * h2 + 0.2).sigmoid(); o2 = (w[6] * h1 + w[7] * h2 + 0.2).sigmoid()
E_value = 0.5 * (0 - o1) ** 2 + 0.5 * (1 - o2) ** 2
E_value.backward()
W0, W1, _ = train(0)
error(forward(W0, W1)[1]).backward()
print("same gradients:", np.allclose([v.grad for v in w], np.r_[W0.grad.data.ravel(), W1.grad.data.ravel()]))
"""),
]
