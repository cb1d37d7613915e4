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
The softmax of the notes' example (logits 4, 1, −4): the notes print 95.25 %, 4.71 %,
0.04 %, which do not match exp(4), exp(1), exp(−4) normalized; the engine's values:
"""),
("code", """
probabilities = F.softmax(ag.tensor(np.array([4.0, 1.0, -4.0]))).data * 100
print("  ".join(f"{p:.3f} %" for p in probabilities))
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
        dead[act] = int((hidden.max(axis=0) == 0).sum())

plt.figure(figsize=(7, 4))
for act, losses in curves.items():
    plt.plot(losses, label=f"{act} ({accuracy[act]:.0%})")
plt.yscale("log"); plt.xlabel("iteration"); plt.ylabel("training loss"); plt.legend(fontsize=8)
plt.title("same network, different activations")
plt.show()
print("ReLU units in the first hidden layer that never fire on the data (dead):", dead["relu"], "of 16")
"""),
("md", """
Sigmoid learns slowest: its derivative is at most 1/4, so every layer shrinks the
gradient. tanh (derivative up to 1, zero-centred) does better; the ReLU family keeps
gradients of size 1 on the active side. A ReLU unit whose input is negative for every
example receives no gradient at all and can never recover — a dead unit; Leaky ReLU,
PReLU, ELU and RReLU keep a small slope there.
"""),
]
