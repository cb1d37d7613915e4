TITLE = "3. Activation functions and their derivatives"
CELLS = [
("md", """
Seeds 000 and 004 compare sigmoid, tanh, ReLU, Leaky ReLU, PReLU, ELU, RReLU and
Maxout. The engine computes every derivative for us: `ag.grad` of the sum of the
activation gives the elementwise derivative. A Maxout unit takes the maximum of
several learned linear functions; the one plotted has three fixed pieces
(−x, x/2, 3x/2 − 1), so its derivative is a staircase of their slopes. Notice where each derivative is small
(saturation: vanishing gradients) and where it is exactly zero (dead ReLUs).
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
import optim
ag.tune_allocator()  # keep each training step's freed memory for the next (README: Speed tips)

x = np.linspace(-4, 4, 401)

def maxout_unit():
    '''One Maxout unit on a scalar input: the maximum of three lines, max(-x, x/2, 3x/2 - 1).'''
    unit = nn.Maxout(1, 1, 3).to(np.float64)  # the plotted x is float64
    unit.linear.weight.data[:] = np.array([[-1.0], [0.5], [1.5]])
    unit.linear.bias.data[:] = np.array([0.0, 0.0, -1.0])
    return lambda t: unit(t.reshape(-1, 1)).reshape(-1)

acts = {
    "sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
    "leaky_relu(0.1)": lambda t: F.leaky_relu(t, 0.1), "elu": F.elu,
    "rrelu (eval)": lambda t: F.rrelu(t, training=False), "prelu(0.25)": lambda t: F.prelu(t, ag.tensor([0.25])),
    "maxout (3 pieces)": maxout_unit(),
}
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for name, fn in acts.items():
    axes[0].plot(x, fn(ag.tensor(x)).data, label=name)
    axes[1].plot(x, ag.grad(lambda t: fn(t).sum())(x), label=name)
axes[0].set(title="activation f(x)", xlabel="x", ylabel="f(x)")
axes[1].set(title="derivative f'(x), computed by the engine", xlabel="x", ylabel="f'(x)")
for ax in axes:
    ax.legend(fontsize=7); ax.grid(alpha=0.3)
plt.show()
print("tanh(x) = 2 sigmoid(2x) - 1:", np.allclose(np.tanh(x), 2 / (1 + np.exp(-2 * x)) - 1))
"""),
("md", """
The softmax of the notes' example (logits 4, 1, −4): the notes (seed 001) print
95.25 %, 4.71 %, 0.04 %, which do not match exp(4), exp(1), exp(−4) normalized. The
engine's values, then the notes' arithmetic redone with the exponentials rounded as
54.6, 2.7 and 0.02 (one, one and two decimals):
"""),
("code", """
logits = np.array([4.0, 1.0, -4.0])
probabilities = F.softmax(ag.tensor(logits)).data * 100
print("engine:                   ", "  ".join(f"{p:.3f} %" for p in probabilities))
print("exact exponentials:       ", "  ".join(f"{v:.4f}" for v in np.exp(logits)))
rounded = np.array([round(np.exp(4), 1), round(np.exp(1), 1), round(np.exp(-4), 2)])
from_rounded = rounded / rounded.sum() * 100
print("rounded exponentials:     ", "  ".join(f"{v:g}" for v in rounded), f"  (sum {rounded.sum():.2f})")
print("softmax of the rounded:   ", "  ".join(f"{p:.2f} %" for p in from_rounded))
print(f"100 % minus the first two: {100 - from_rounded[0].round(2) - from_rounded[1].round(2):.2f} %")
"""),
("md", """
So the notes' first two percentages are the softmax of the rounded exponentials
(the exponentials, not the division, carry the error), and their third
matches what is left of 100 % after the first two, not 0.02 / 57.32 (0.03 %). The
exact values are the engine's first line.
"""),
("md", """
## Training on the two-curves problem of seed 004

Two interleaved curves in the plane, not linearly separable. The same 2-16-16-2
network is trained with each activation (Maxout: 2 pieces per unit).
"""),
("code", """
def two_curves(n=400, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 3 * np.pi, n)
    label = rng.integers(0, 2, n)
    r = t / (3 * np.pi) * 2 + 0.3
    sign = np.where(label == 0, 1, -1)
    pts = np.c_[sign * r * np.cos(t), sign * r * np.sin(t)] + rng.normal(0, 0.05, (n, 2))
    return pts.astype(np.float32), label

X, Y = two_curves()

def make(act):
    if act == "maxout":
        return nn.Sequential(nn.Maxout(2, 16, 2), nn.Maxout(16, 16, 2), nn.Linear(16, 2))
    layer = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU,
             "prelu": nn.PReLU, "elu": nn.ELU, "rrelu": nn.RReLU}[act]
    return nn.Sequential(nn.Linear(2, 16), layer(), nn.Linear(16, 16), layer(), nn.Linear(16, 2))

curves, accuracy, dead = {}, {}, {}
for act in ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "rrelu", "maxout"]:
    nn.init.manual_seed(0)
    model = make(act)
    opt = optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for step in range(300):
        loss = F.cross_entropy(model(ag.tensor(X)), Y)
        opt.zero_grad(); loss.backward(); opt.step()
        losses.append(loss.item())
    model.eval()
    curves[act] = losses
    accuracy[act] = (model(ag.tensor(X)).data.argmax(1) == Y).mean()
    if act == "relu":
        hidden = model[1](model[0](ag.tensor(X))).data
        never_fires = hidden.max(axis=0) == 0
        dead[act] = int(never_fires.sum())
        model.zero_grad()
        F.cross_entropy(model(ag.tensor(X)), Y).backward()
        dead_grad = np.abs(model[0].weight.grad.data[never_fires]).max(initial=0.0)
        live_grad = np.abs(model[0].weight.grad.data[~never_fires]).max(axis=1).min()

plt.figure(figsize=(7, 4))
for act, losses in curves.items():
    plt.plot(losses, label=f"{act} ({accuracy[act]:.0%})")
plt.yscale("log"); plt.xlabel("iteration"); plt.ylabel("training loss"); plt.legend(fontsize=8)
plt.title("same network, different activations")
plt.show()
print("ReLU units in the first hidden layer that never fire on the data (dead):", dead["relu"], "of 16")
print("largest |gradient| of the loss with respect to their incoming weights:", dead_grad,
      f"(every other unit has one of at least {live_grad:.0e})")
"""),
("md", """
Sigmoid learns slowest: its derivative is at most 1/4, so every layer shrinks the
gradient. tanh (derivative up to 1, zero-centred) does better; the ReLU family keeps
gradients of size 1 on the active side. A ReLU unit whose input is negative for every
example receives no gradient at all (the last line: exactly 0), so the data can no
longer push it back into firing — a dead unit; Leaky ReLU, PReLU, ELU and RReLU keep a
small slope there.

## Why the activation must be nonlinear

Seed 001: a single-layer perceptron cannot represent XOR, and a multilayer network
gets its power from composing **nonlinear** maps. With the identity as activation,
Linear → Linear → Linear is W₃(W₂(W₁x + b₁) + b₂) + b₃ = A x + c: one affine map, however
many layers. The best affine fit to XOR's four points is the constant 0.5 (by
symmetry; least squares below), so such a network cannot do better. Train the same
2-8-8-1 network on XOR with identity and with tanh activations:
"""),
("code", """
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)

def train_xor(act):
    nn.init.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), act(), nn.Linear(8, 8), act(), nn.Linear(8, 1))
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        loss = ((model(ag.tensor(XOR_X)) - ag.tensor(XOR_Y)) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    return model, loss.item()

for name, act in (("identity", nn.Identity), ("tanh", nn.Tanh)):
    model, loss = train_xor(act)
    out = model(ag.tensor(XOR_X)).data.ravel().round(3) + 0.0  # + 0.0 prints -0.0 as 0.0
    print(f"{name:8}: outputs {out} for targets {XOR_Y.ravel()}, mean squared error {loss:.4f}")
    if name == "identity":
        linear_model = model

l1, l2, l3 = linear_model[0], linear_model[2], linear_model[4]
A = l3.weight.data @ l2.weight.data @ l1.weight.data
c = l3.weight.data @ (l2.weight.data @ l1.bias.data + l2.bias.data) + l3.bias.data
print("the identity network is one affine map A x + c:",
      np.allclose(XOR_X @ A.T + c, linear_model(ag.tensor(XOR_X)).data, atol=1e-5),
      "  A =", A.round(3) + 0.0, " c =", c.round(3))
coef = np.linalg.lstsq(np.c_[XOR_X, np.ones(4)], XOR_Y, rcond=None)[0].ravel()
print("least-squares affine fit to XOR: weights", coef[:2].round(6) + 0.0, " bias", coef[2].round(6))
"""),
("md", """
The identity network ends at the least-squares affine fit: outputs 0.5 for every input
(mean squared error 0.25), with A ≈ 0 and c ≈ 0.5, exactly what the collapse to one
affine map predicts. The same network with tanh fits all four points.

## Exercises

**Exercise 1.** Write the sigmoid's derivative from its formula, σ'(x) = σ(x)(1 − σ(x)),
as a numpy function `my_sigmoid_grad(x)`, and find its largest value on the grid `x`.
"""),
("code", """
# Solution (try it yourself before reading on)
def my_sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)
my_max = my_sigmoid_grad(x).max()
"""),
("code", """
engine_grad = ag.grad(lambda t: F.sigmoid(t).sum())(x)
assert np.allclose(my_sigmoid_grad(x), engine_grad, atol=1e-12)
assert np.isclose(my_max, engine_grad.max())
print(f"largest sigmoid derivative on the grid: {my_max}")
"""),
("md", """
**Exercise 2.** The Jacobian of softmax is diag(p) − p pᵀ. Build it for the notes'
logits (4, 1, −4) as `my_softmax_jacobian` and compare with the engine's `ag.jacrev`.
"""),
("code", """
# Solution (try it yourself before reading on)
p = np.exp(logits) / np.exp(logits).sum()
my_softmax_jacobian = np.diag(p) - np.outer(p, p)
"""),
("code", """
engine_jacobian = ag.jacrev(lambda z: F.softmax(z))(logits)
assert np.allclose(my_softmax_jacobian, engine_jacobian, atol=1e-12)
print(engine_jacobian.round(5))
"""),
("md", """
**Exercise 3.** A nonlinearity is enough: choose the weights of a 2-2-1 ReLU network by
hand so that it computes XOR exactly (hint: h1 = relu(x1 + x2), h2 = relu(x1 + x2 − 1)).
Fill `hidden` (an `nn.Linear(2, 2)`) and `output` (an `nn.Linear(2, 1)`).
"""),
("code", """
# Solution (try it yourself before reading on)
hidden, output = nn.Linear(2, 2), nn.Linear(2, 1)
hidden.weight.data[:] = [[1, 1], [1, 1]]; hidden.bias.data[:] = [0, -1]
output.weight.data[:] = [[1, -2]]; output.bias.data[:] = [0]
"""),
("code", """
by_hand = nn.Sequential(hidden, nn.ReLU(), output)
assert np.array_equal(by_hand(ag.tensor(XOR_X)).data, XOR_Y)
print("XOR by a hand-set ReLU network:", by_hand(ag.tensor(XOR_X)).data.ravel())
"""),
]
