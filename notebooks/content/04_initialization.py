TITLE = "4. Weight initialization: vanishing and exploding activations and gradients"
CELLS = [
("md", """
Seed 004's study: a deep stack of layers, weights drawn from N(0, σ²). With σ too
small, activations collapse towards zero layer after layer and so do the gradients;
with σ too large, sigmoid and tanh saturate, and for tanh the gradient grows layer
after layer towards the input (梯度爆炸, the exploding gradient). Xavier (Glorot)
initialization keeps the variance constant for tanh, He initialization for ReLU, and
batch normalization re-normalizes every layer regardless of the weights.

Every layer draws its own weights from one generator (so no two layers share a
matrix), and that generator is seeded separately from the data's.
"""),
("code", """
import shutil
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
import optim
ag.tune_allocator()  # keep each training step's freed memory for the next (README: Speed tips)

def show(graph):
    return graph if shutil.which("dot") else print(graph.source[:1500])

LAYERS, WIDTH = 10, 256
DATA_SEED, WEIGHT_SEED = 1, 2
X = np.random.default_rng(DATA_SEED).standard_normal((500, WIDTH)).astype(np.float32)
ACTIVATIONS = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}

def deep_net(act, init, batchnorm=False, width=WIDTH, layers=LAYERS):
    '''layers x (Linear without bias [+ BatchNorm] + activation); init(weight, rng) fills each weight.'''
    rng = np.random.default_rng(WEIGHT_SEED)
    mods = []
    for _ in range(layers):
        lin = nn.Linear(width, width, bias=False)
        init(lin.weight, rng)
        mods += [lin] + ([nn.BatchNorm1d(width)] if batchnorm else []) + [ACTIVATIONS[act]()]
    return nn.Sequential(*mods)

def activations_and_grads(model, x):
    '''Each activation layer's output and the gradient of the loss mean(out²) with respect to it.'''
    x = ag.tensor(x)
    outs = []
    for m in model:
        x = m(x)
        if isinstance(m, tuple(ACTIVATIONS.values())):
            x.retain_grad()
            outs.append(x)
    (x ** 2).mean().backward()
    return [o.data for o in outs], [o.grad.data for o in outs]

def study(act, inits, title):
    '''Histograms of activations (top) and mean |gradient| per layer (bottom), one column per init.'''
    fig, axes = plt.subplots(2, len(inits), figsize=(3.4 * len(inits), 5.6), squeeze=False)
    for col, (name, init, bn) in enumerate(inits):
        acts, grads = activations_and_grads(deep_net(act, init, bn), X)
        for layer in (0, 4, 9):
            axes[0, col].hist(acts[layer].ravel(), bins=50, histtype="step", label=f"layer {layer + 1}")
        axes[0, col].set_title(f"{act}, {name}", fontsize=9)
        axes[0, col].set_xlabel("activation value", fontsize=8); axes[0, col].set_ylabel("count", fontsize=8)
        axes[0, col].legend(fontsize=7)
        size = [np.abs(g).mean() for g in grads]
        axes[1, col].semilogy(range(1, LAYERS + 1), np.array(size) + 1e-30, "o-", label="mean |dL/da|")
        axes[1, col].set_xlabel("layer", fontsize=8); axes[1, col].set_ylabel("mean |grad| (log scale)", fontsize=8)
        axes[1, col].legend(fontsize=7)
        print(f"{act:8} {name:26} mean |grad| at layer 1 / at layer {LAYERS}: {size[0] / size[-1]:.2g}")
    fig.suptitle(title); fig.tight_layout(); plt.show()

def normal(std):
    return lambda w, rng: nn.init.normal_(w, 0.0, std, rng=rng)

for act in ("sigmoid", "tanh"):
    study(act, [(f"N(0, {s}²)", normal(s), False) for s in (0.01, 0.1, 1.0)], "activations (top) and gradients (bottom)")
"""),
("md", """
Read the ratio printed above each figure: mean |gradient| at the first layer divided by
the last. Below 1 the gradient vanishes on its way to the input; above 1 it explodes.

- **σ = 0.01**: activations shrink to a spike at 0 (tanh) or 0.5 (sigmoid) and the
  gradient falls by orders of magnitude towards the first layer: it vanishes.
- **σ = 0.1**, the notes' balanced case for tanh: with 256 inputs per unit the
  pre-activations have standard deviation about 0.1·√256 = 1.6, so tanh's outputs spread
  over (−1, 1) in every layer and the gradient keeps the same order of magnitude
  through all ten layers. (For sigmoid, whose derivative is at most 1/4, it still
  shrinks.)
- **σ = 1**: tanh saturates at ±1, where its derivative is nearly 0, yet the gradient
  **explodes** towards the input: each layer multiplies it by Wᵀ, whose entries are
  ten times larger than at σ = 0.1, and the units that are not saturated pass it on.
  This is the 梯度爆炸 the notes name. Sigmoid with σ = 1 saturates too (its outputs
  pile up at 0 and 1, nearly binary, as the notes observe), and its gradient no longer vanishes.

Now the principled initializations:
"""),
("code", """
study("tanh", [("Xavier", lambda w, rng: nn.init.xavier_normal_(w, gain=5 / 3, rng=rng), False),
               ("N(0, 0.01²) + BatchNorm", normal(0.01), True)], "tanh")
study("relu", [("N(0, 0.01²)", normal(0.01), False),
               ("He (Kaiming)", lambda w, rng: nn.init.kaiming_normal_(w, nonlinearity="relu", rng=rng), False),
               ("N(0, 0.01²) + BatchNorm", normal(0.01), True)], "relu")
"""),
("md", """
## Why not all zeros? Symmetry

Seed 003: "if all parameters are 0, every unit of a layer does the same computation".
If two hidden units start with the same weights, they compute the same output, receive
the same gradient and get the same update: they stay identical forever, and a layer of
16 units is no better than one unit. Train a 2-16-2 network to tell two concentric
rings apart (one hidden unit cannot: its output depends on a single direction of the
plane), once with every weight and bias zero (sigmoid hidden units, so the gradient
is not exactly zero) and once with the default random initialization:
"""),
("code", """
def rings(n=400, seed=DATA_SEED):
    '''Two noisy concentric rings (radius 0.5 and 1): no single straight line separates them.'''
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(label == 0, 0.5, 1.0) + rng.normal(0, 0.08, n)
    return (radius[:, None] * np.c_[np.cos(angle), np.sin(angle)]).astype(np.float32), label

def train_small(zero_init):
    nn.init.manual_seed(WEIGHT_SEED)
    model = nn.Sequential(nn.Linear(2, 16), nn.Sigmoid(), nn.Linear(16, 2))
    if zero_init:
        for p in model.parameters():
            nn.init.zeros_(p)
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        loss = F.cross_entropy(model(ag.tensor(XM)), YM)
        opt.zero_grad(); loss.backward(); opt.step()
    distinct = len(np.unique(model[0].weight.data.round(6), axis=0))
    accuracy = (model(ag.tensor(XM)).data.argmax(1) == YM).mean()
    return distinct, accuracy

XM, YM = rings()
for label, zero in (("all zeros", True), ("random (default)", False)):
    distinct, accuracy = train_small(zero)
    print(f"{label:17}: distinct hidden units after 500 steps: {distinct:2} of 16, training accuracy {accuracy:.1%}")
"""),
("md", """
With zeros, the 16 hidden units are still one unit repeated after training, and the
network does no better than a single sigmoid unit, which cannot separate the rings;
random initialization breaks the symmetry. (With tanh or ReLU hidden units an all-zero network is stuck even harder:
the hidden outputs are 0, so no weight receives any gradient at all.)

## The vanishing gradient in the graph

The graph of a small deep network, coloured by the size of each gradient (pale:
small, dark: large). With σ = 0.01 the colours fade from the loss (bottom) towards the
input (top).
"""),
("code", """
small = deep_net("tanh", normal(0.01), width=8, layers=4)
loss = (small(ag.tensor(X[:16, :8])) ** 2).mean()
loss.backward()
show(ag.draw_graph(loss, color_by="grad", show_data=False, rankdir="TB"))
"""),
]
