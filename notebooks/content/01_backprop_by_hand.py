TITLE = "1. Backpropagation by hand and by engine"
CELLS = [
("md", """
The course notes (seed 002) work two small sigmoid networks by hand. Here the engine
computes the same quantities: first with the scalar `Value` engine (every number is a
node, like the notes' diagrams), then with `Tensor`s (the vectorized form of seed 003).
Every number below is computed by the engine; the notes' printed values are quoted
only in the text. Where the two differ, the text gives the reason for each case: the
notes carry rounded intermediates through the chain rule, truncate instead of
rounding, or misprint. Example 3 (seed 001) has no numbers in the notes; there the
engine catches a slip in the notes' formula. Three exercises with checks close the
notebook.
"""),
("code", """
import shutil
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
from autograd_core import Value
from autograd_core.graph import op_name, parents, topological_order

def show(graph):
    '''Render with Graphviz when its `dot` program is installed, else print the DOT text.'''
    return graph if shutil.which("dot") else print(graph.source[:1500])

def count_ops(root):
    '''Op nodes (non-leaves) in the graph that produced `root`, counted by walking it.'''
    return sum(1 for node in topological_order(root, parents) if op_name(node))
"""),
("md", """
## Example 1: a 2-2-1 network, no biases, target 0.5

x = [0.35, 0.9], hidden weights W0 = [[0.1, 0.8], [0.4, 0.6]], output weights
W1 = [0.3, 0.9], sigmoid everywhere, cost C = ½ (y − 0.5)².
"""),
("code", """
def example1(w31, w32, w41, w42, w53, w54):
    '''Forward pass of example 1; returns (h3, h4, y5, C) as Values.'''
    x1, x2 = Value(0.35, "x1"), Value(0.9, "x2")
    h3 = (w31 * x1 + w32 * x2).sigmoid(); h3.label = "h3"
    h4 = (w41 * x1 + w42 * x2).sigmoid(); h4.label = "h4"
    y5 = (w53 * h3 + w54 * h4).sigmoid(); y5.label = "y5"
    C = 0.5 * (y5 - 0.5) ** 2; C.label = "C"
    return h3, h4, y5, C

START = dict(w31=0.1, w32=0.8, w41=0.4, w42=0.6, w53=0.3, w54=0.9)
weights = {name: Value(v, name) for name, v in START.items()}
h3, h4, y5, C = example1(**weights)
C.backward()
print(f"y5 = {y5.data:.6f}   C = {C.data:.7f}")
for name, w in weights.items():
    print(f"dC/d{name} = {w.grad:.7f}")
"""),
("md", """
| quantity | notes | engine | why they differ |
|---|---|---|---|
| y5 | 0.690 | 0.690283 | agree (the notes round to 3 digits) |
| C | 0.01805 | 0.0181039 | the notes square the rounded y5 = 0.690; exact C rounds to 0.01810 |
| ∂C/∂w53 | 0.02763 | 0.0276740 | the notes multiply rounded factors (0.19 · 0.69 · 0.31 · 0.68 = 0.027636, next cell) and truncate |
| ∂C/∂w54 | 0.02711 | 0.0270016 | a slip: the notes' own rounded factors give 0.02694 (next cell) |

The next cell redoes the notes' chain rule with their rounded intermediates, so each
mismatch is explained by a computation, not by a claim.
"""),
("code", """
y5_r, y3_r, y4_r = Value(0.69), Value(0.68), Value(0.663)
common = (y5_r - 0.5) * y5_r * (1 - y5_r)
print(f"C from the rounded y5:        {(0.5 * (y5_r - 0.5) ** 2).data:.5f}")
print(f"dC/dw53 from rounded factors: {(common * y3_r).data:.6f}")
print(f"dC/dw54 from rounded factors: {(common * y4_r).data:.5f}")
"""),
("md", """
Every box below is a value with its gradient, every ellipse an operation.
"""),
("code", "show(ag.draw_graph(C, rankdir=\"TB\"))"),
("md", """
### One step of gradient descent (learning rate 1)

The notes update the hidden weights to w31 = 0.096, w32 = 0.798, w41 = 0.396,
w42 = 0.589 and report a new cost of 0.165. The engine's update:
"""),
("code", """
stepped = {name: w.data - 1.0 * w.grad for name, w in weights.items()}
print("after one step:", "  ".join(f"{name} = {v:.4f}" for name, v in stepped.items()))
print(f"cost after one step: {example1(**{k: Value(v) for k, v in stepped.items()})[3].data:.6f}")
"""),
("md", """
The exact hidden-weight gradients are small (∂C/∂w31 ≈ 0.0009), so w31 moves from 0.1
only to 0.0991. Of the notes' four values only w32 = 0.798 agrees (with 0.7976); 0.096,
0.396 and 0.589 do not follow from the gradients the notes define. The new cost
0.016565 is below the old 0.0181039, as a descent step should be; the notes' "0.165"
would be about nine times the starting cost: a misplaced digit of 0.0165.

### The notes' 100 iterations

The notes say that 100 steps give cost 5.92e−07 with W0 = [[0.0993309, 0.6425254],
[0.3993309, 0.4425254]] and W1 = [−0.30032342, 0.31508797]. The engine, running the
stated procedure (learning rate 1, 100 steps):
"""),
("code", """
current = dict(START)
for _ in range(100):
    ws = {name: Value(v) for name, v in current.items()}
    cost = example1(**ws)[3]
    cost.backward()
    current = {name: w.data - w.grad for name, w in ws.items()}
print(f"cost after 100 steps: {example1(**{k: Value(v) for k, v in current.items()})[3].data:.3e}")
print("W0 =", np.round([[current['w31'], current['w32']], [current['w41'], current['w42']]], 7).tolist())
print("W1 =", np.round([current['w53'], current['w54']], 7).tolist())
moved = {k: current[k] - START[k] for k in ("w31", "w32", "w41", "w42")}
print(f"(w32 moved) / (w31 moved) = {moved['w32'] / moved['w31']:.4f},  "
      f"(w42 moved) / (w41 moved) = {moved['w42'] / moved['w41']:.4f},  x2 / x1 = {0.9 / 0.35:.4f}")
"""),
("md", """
Why the notes' figures cannot come from this procedure, with any learning rate or
number of steps: the gradient of a hidden unit's weights is δ_h · x, and x = [0.35, 0.9]
never changes, so every step moves (w31, w32) along the same direction x, and so does
the sum of all steps. The engine's ratio above is x2/x1 = 2.5714 for both hidden
units. In the notes' final W0, w32 moved by 0.1574746 and w31 by 0.0006691, a ratio of
about 235, and both hidden units moved by exactly the same amounts although their
output weights differ (0.3 and 0.9). Those numbers come from some other computation
(other data, or another update rule), not from gradient descent on this example.

## Example 2: a 2-2-2 network with biases, learning rate 0.5

i = [0.02, 0.7]; w1..w8 = 0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.1, 0.2; b1 = 0.3 (shared by
the hidden layer), b2 = 0.2 (shared by the output layer); targets [0, 1]. The notes'
numbers follow when only the weights are updated and the biases stay fixed, which is
what we do.

First the notes' forward and backward steps one quantity at a time, with scalar
`Value`s named as the notes name them:
"""),
("code", """
def example2(w):
    '''Forward pass of example 2 on Values w[1..8]; returns every named intermediate.'''
    i1, i2, b1, b2 = 0.02, 0.7, 0.3, 0.2
    v = {"net_h1": w[1] * i1 + w[2] * i2 + b1, "net_h2": w[3] * i1 + w[4] * i2 + b1}
    v["out_h1"], v["out_h2"] = v["net_h1"].sigmoid(), v["net_h2"].sigmoid()
    v["net_o1"] = w[5] * v["out_h1"] + w[6] * v["out_h2"] + b2
    v["net_o2"] = w[7] * v["out_h1"] + w[8] * v["out_h2"] + b2
    v["out_o1"], v["out_o2"] = v["net_o1"].sigmoid(), v["net_o2"].sigmoid()
    v["E_o1"], v["E_o2"] = 0.5 * (0 - v["out_o1"]) ** 2, 0.5 * (1 - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]
    return v

W_START = dict(zip(range(1, 9), (0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.1, 0.2)))
w = {k: Value(x, f"w{k}") for k, x in W_START.items()}
v = example2(w)
for name in ("net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2", "E_o1", "E_o2", "E_total"):
    print(f"{name:8} = {v[name].data:.7f}")
"""),
("md", """
The notes print net_h1 = 0.442, out_h1 = 0.608, out_h2 = 0.642, net_o1 = 0.514,
out_o1 = 0.625, out_o2 = 0.596 and E_total = 0.27741. Two kinds of mismatch:
- **truncation**: out_h1 = 0.60874 and out_o1 = 0.62586 are printed as 0.608 and 0.625;
  rounded they are 0.609 and 0.626 (the notes' own later line uses 0.62586).
- **adding rounded parts**: E_total = 0.19585 + 0.08156 = 0.27741 adds two rounded
  terms; the exact sum 0.2774039 rounds to 0.27740.

The backward step for w1 as the notes split it: ∂E_o1/∂out_h1 and ∂E_o2/∂out_h1 are
the two paths from out_h1 to the error (run one backward per error term to see each
share), their sum is ∂E_total/∂out_h1, then ∂out_h1/∂net_h1 and ∂net_h1/∂w1 = i1.
"""),
("code", """
def share(term, node):
    '''d(term)/d(node) from one backward pass on a fresh copy of the network.'''
    fresh = example2({k: Value(x) for k, x in W_START.items()})
    fresh[term].backward()
    return fresh[node].grad

v["E_total"].backward()
print(f"dE_o1/dout_h1     = {share('E_o1', 'out_h1'):.5f}")
print(f"dE_o2/dout_h1     = {share('E_o2', 'out_h1'):.5f}")
print(f"dE_total/dout_h1  = {v['out_h1'].grad:.5f}")
print(f"dout_h1/dnet_h1   = {v['out_h1'].data * (1 - v['out_h1'].data):.5f}")
print(f"dE_total/dw1      = {w[1].grad:.6f}")
print("after one step (lr 0.5):", "  ".join(f"w{k} = {w[k].data - 0.5 * w[k].grad:.5f}" for k in w))
"""),
("md", """
The notes print 0.029, −0.009, 0.019, 0.238, 0.00009 and w1 = 0.099. Against the
engine's lines above: 0.029 (0.02931), 0.238 (0.23818) and 0.00009 (0.000093) are
roundings; −0.009, 0.019 and 0.099 are once more truncations, of −0.00972, 0.01959
and 0.09995, which round to −0.010, 0.020 and 0.100.

### The same network with Tensors

A layer is one matrix product: z = W a + b.
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
E.backward()
print("outputs", out.data.round(6), f"  E_total = {E.item():.7f}")
print("dE/dW0 =\\n", W0.grad.data.round(6))
print("dE/dW1 =\\n", W1.grad.data.round(6))
print("same gradients as the Value graph:",
      np.allclose([w[k].grad for k in range(1, 9)], np.r_[W0.grad.data.ravel(), W1.grad.data.ravel()]))
print(f"op nodes per forward pass: {count_ops(v['E_total'])} Value ops, {count_ops(E)} Tensor ops")
wide = [ag.tensor(np.full(shape, 0.1), requires_grad=True) for shape in ((64, 2), (2, 64))]
print(f"the same network with 64 hidden units instead of 2: {count_ops(error(forward(*wide)[1]))} Tensor ops")
"""),
("md", """
The two engines compute the same gradients; the scalar graph needs one node per
multiplication and addition, the tensor graph one per matrix product, so its size
does not depend on the width of the layers (counts measured by walking each graph;
the last line widens the hidden layer from 2 units to 64).

The tensor graph below is coloured by the size of each gradient and numbered in the
order the backward sweep ran. It is drawn after a plain `backward()`, which frees the
arrays saved for the sweep but keeps the graph's structure and every gradient summary.
Only the weights W0 and W1 (leaves that require grad) and the output E show their
data. The intermediate boxes show none because `backward()` freed their arrays
(`backward(retain_graph=True)` would keep them). The two data inputs (the network's input and the
target, the boxes titled "input") show only a shape: the graph never holds a tensor
that needs no gradient, only a stub with its name, shape and dtype, so a batch is not
kept alive by the graph.
"""),
("code", "show(ag.draw_graph(E, color_by=\"grad\", show_order=True, rankdir=\"TB\"))"),
("md", """
### The δ-recursion, checked against the engine

For the squared error of this example the output error is
δ(L) = (a(L) − y) ⊙ a(L)(1 − a(L)); the hidden error is
δ(l) = (W(l)ᵀ δ(l+1)) ⊙ a(l)(1 − a(l)) and the weight gradient δ(l+1) a(l)ᵀ (seed 000).
Written out in numpy, it must give the engine's gradients exactly:
"""),
("code", """
a1, a2 = hidden.data, out.data
delta2 = (a2 - TARGET) * a2 * (1 - a2)
delta1 = (W1.data.T @ delta2) * a1 * (1 - a1)
print("dE/dW1 by the recursion:", np.allclose(np.outer(delta2, a1), W1.grad.data))
print("dE/dW0 by the recursion:", np.allclose(np.outer(delta1, INPUT), W0.grad.data))
"""),
("md", """
Seed 000 derives the recursion for the **cross-entropy** cost
−[y log a + (1 − y) log(1 − a)] instead, where ∂J/∂a = (a − y)/(a(1 − a)) cancels the
sigmoid's derivative and leaves δ(L) = a(L) − y. The engine shows the cancellation: the
gradient reaching the output pre-activation z is exactly a − y.
"""),
("code", """
import nn.functional as F
z = ag.tensor(hidden.data) @ ag.tensor(W1.data, requires_grad=True).T + 0.2
z.retain_grad()
F.binary_cross_entropy(z.sigmoid(), TARGET, reduction="sum").backward()
a = z.sigmoid().data
print("dJ/dz by the engine:", z.grad.data.round(6), "  a - y:", (a - TARGET).round(6))
print("equal:", np.allclose(z.grad.data, a - TARGET))
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
print(f"after 1 step: {history[1]:.7f}")
print(f"after 10,000 steps: E = {error(final).item():.4e}, outputs {final.data.round(5)}")
"""),
("md", """
The notes print 0.265 after one step, and 0.0000636 with outputs [0.008, 0.991] after
10,000: 0.2653703 and 6.3612e−05 agree; 0.99198 is again truncated (it rounds to 0.992).
"""),
("code", """
plt.figure(figsize=(6, 3))
plt.semilogy(history)
plt.xlabel("iteration"); plt.ylabel("E_total (log scale)"); plt.title("example 2: 10,000 steps of gradient descent")
plt.show()
"""),
("md", """
## Example 3: seed 001's 3-3-3 network, and a slip in its formula

Seed 001 takes a network with three inputs, three sigmoid hidden units and three
sigmoid outputs, the loss L = ⅓ Σᵢ (ŷᵢ − yᵢ)², and writes the derivative for a weight
w7 that leaves hidden unit h1 for output o1:
δ7 = ∂L/∂w7 = ∂L/∂ŷ1 · ∂ŷ1/∂in_o1 · ∂in_o1/∂w7, with ∂in_o1/∂w7 = out_h1.
For w1 (from x1 into h1) it sums the three paths through h1 and concludes
∂L/∂w1 = (δ7 + δ8 + δ9) · ∂out_h1/∂in_h1 · ∂in_h1/∂w1,
where w8 and w9 leave h1 for o2 and o3. The notes give no numbers, so we pick some:
x = (1.0, 0.5, −1.0), y = (1, 0, 0), weights from a seeded generator. V holds the
input-to-hidden weights (w1 = V[0, 0]) and W the hidden-to-output ones
(w7, w8, w9 = W[0, 0], W[1, 0], W[2, 0]).
"""),
("code", """
rng = np.random.default_rng(0)
x3, y3 = np.array([1.0, 0.5, -1.0]), np.array([1.0, 0.0, 0.0])
V = ag.tensor(rng.normal(0, 1, (3, 3)), requires_grad=True, name="V")
W = ag.tensor(rng.normal(0, 1, (3, 3)), requires_grad=True, name="W")
out_h = (V @ ag.tensor(x3)).sigmoid()
y_hat = (W @ out_h).sigmoid()
L = ((y_hat - ag.tensor(y3)) ** 2).mean()
L.backward()

h1, yh = out_h.data[0], y_hat.data
delta_789 = W.grad.data[:, 0]                     # dL/dw7, dL/dw8, dL/dw9 by the engine
notes_formula = delta_789.sum() * h1 * (1 - h1) * x3[0]
through_h1 = (2 / 3 * (yh - y3) * yh * (1 - yh) * W.data[:, 0]).sum()  # the bracket the notes expand
corrected = through_h1 * h1 * (1 - h1) * x3[0]
print(f"delta7, delta8, delta9 (engine) = {np.round(delta_789, 6)}")
print(f"dL/dw1 by the engine:              {V.grad.data[0, 0]:.6f}")
print(f"notes' (d7 + d8 + d9) formula:     {notes_formula:.6f}")
print(f"corrected (w7, w8, w9 as factors): {corrected:.6f}")
print(f"each delta has the factor out_h1 = {h1:.4f}; the paths need w7, w8, w9 = {np.round(W.data[:, 0], 4)}")
print("each delta with out_h1 swapped for its weight, summed, equals the bracket:",
      np.isclose((delta_789 / h1 * W.data[:, 0]).sum(), through_h1))
"""),
("md", """
The engine's ∂L/∂w1 and the notes' formula disagree (even in sign), and the
corrected formula reproduces the engine. The slip is in the last step. The
bracket of three path terms has factors ∂in_ok/∂out_h1, and in_ok = … + w(6+k)·out_h1 + …,
so each factor is the **weight** w7, w8 or w9. δ7, δ8 and δ9 were defined with
∂in_ok/∂w(6+k) instead, and that factor is the **activation** out_h1. So δ7 + δ8 + δ9 is not the
bracket; replacing it is right only if w7 = w8 = w9 = out_h1. The correct recursion
is the one checked above: the error signal of h1 is Σₖ (output error of ok) · w(6+k),
and the weights, not the activations, carry it back.

## Exercises
"""),
("md", """
**Exercise 1.** For example 1, compute ∂C/∂w31 by the chain rule with plain Python
floats (no `Value`): δ5 = (y5 − 0.5)·y5(1 − y5) at the output, δ3 = δ5·w53·h3(1 − h3)
at h3, then ∂C/∂w31 = δ3·x1. Store it in `my_dC_dw31`.
"""),
("code", """
# Solution (try it yourself before reading on)
import math
sig = lambda t: 1 / (1 + math.exp(-t))
h3_, h4_ = sig(0.1 * 0.35 + 0.8 * 0.9), sig(0.4 * 0.35 + 0.6 * 0.9)
y5_ = sig(0.3 * h3_ + 0.9 * h4_)
delta5 = (y5_ - 0.5) * y5_ * (1 - y5_)
my_dC_dw31 = delta5 * 0.3 * h3_ * (1 - h3_) * 0.35
"""),
("code", """
assert abs(my_dC_dw31 - weights["w31"].grad) < 1e-12, (my_dC_dw31, weights["w31"].grad)
print(f"matches the engine: {my_dC_dw31:.10f}")
"""),
("md", """
**Exercise 2.** Check a gradient without the chain rule: estimate ∂E_total/∂w5 of
example 2 by a central difference (E(w5 + h) − E(w5 − h)) / 2h with h = 1e−6, using
`example2` on plain `Value`s. Store it in `fd_dE_dw5`.
"""),
("code", """
# Solution (try it yourself before reading on)
def E_at(w5):
    ws = {k: Value(x) for k, x in W_START.items()}
    ws[5] = Value(w5)
    return example2(ws)["E_total"].data

h = 1e-6
fd_dE_dw5 = (E_at(W_START[5] + h) - E_at(W_START[5] - h)) / (2 * h)
"""),
("code", """
assert abs(fd_dE_dw5 - w[5].grad) < 1e-8, (fd_dE_dw5, w[5].grad)
print(f"finite difference {fd_dE_dw5:.8f}, engine {w[5].grad:.8f}")
"""),
("md", """
**Exercise 3.** In example 3, compute ∂L/∂V[1, 2] (the weight from x3 into h2) with the
corrected recursion: the error signal of h2 is Σₖ ∂L/∂ŷk · ŷk(1 − ŷk) · W[k, 1], times
out_h2(1 − out_h2), times x3. Store it in `my_dL_dV12`.
"""),
("code", """
# Solution (try it yourself before reading on)
h2 = out_h.data[1]
signal_h2 = (2 / 3 * (yh - y3) * yh * (1 - yh) * W.data[:, 1]).sum()
my_dL_dV12 = signal_h2 * h2 * (1 - h2) * x3[2]
"""),
("code", """
assert np.isclose(my_dL_dV12, V.grad.data[1, 2], rtol=1e-12, atol=0), (my_dL_dV12, V.grad.data[1, 2])
print(f"matches the engine: {my_dL_dV12:.8f}")
"""),
]
