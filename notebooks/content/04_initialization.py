TITLE = "4. Weight initialization: vanishing and exploding activations and gradients"
CELLS = [
("md", """
Seed 004's study: a deep stack of layers, weights drawn from N(0, σ²). With σ too
small, activations collapse towards zero layer after layer and so do the gradients;
with σ too large, sigmoid and tanh saturate and their derivatives vanish. Xavier
(Glorot) initialization keeps the variance constant for tanh, He initialization for
ReLU, and batch normalization re-normalizes every layer regardless of the weights.
"""),
("code", """
import shutil
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn

def show(graph):
    return graph if shutil.which("dot") else print(graph.source[:1500])

LAYERS, WIDTH = 10, 256
X = np.random.default_rng(0).standard_normal((500, WIDTH)).astype(np.float32)

def deep_net(act, init, batchnorm=False):
    nn.init.manual_seed(0)
    mods = []
    for _ in range(LAYERS):
        lin = nn.Linear(WIDTH, WIDTH, bias=False)
        init(lin.weight)
        mods += [lin] + ([nn.BatchNorm1d(WIDTH)] if batchnorm else []) + [{"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}[act]()]
    return nn.Sequential(*mods)

def activations_and_grads(model):
    x = ag.tensor(X)
    outs = []
    for m in model:
        x = m(x)
        if isinstance(m, (nn.Tanh, nn.Sigmoid, nn.ReLU)):
            x.retain_grad()
            outs.append(x)
    (x ** 2).mean().backward()
    return [o.data for o in outs], [o.grad.data for o in outs]

def study(act, inits, title):
    fig, axes = plt.subplots(2, len(inits), figsize=(3.2 * len(inits), 5.2), squeeze=False)
    for col, (name, init, bn) in enumerate(inits):
        acts, grads = activations_and_grads(deep_net(act, init, bn))
        for layer in (0, 4, 9):
            axes[0, col].hist(acts[layer].ravel(), bins=50, histtype="step", label=f"layer {layer + 1}")
        axes[0, col].set_title(f"{act}, {name}", fontsize=9)
        axes[1, col].semilogy(range(1, LAYERS + 1), [np.abs(g).mean() + 1e-30 for g in grads], "o-")
        axes[1, col].set_xlabel("layer"); axes[1, col].set_ylabel("mean |grad|", fontsize=8)
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title); fig.tight_layout(); plt.show()

normal = lambda s: (lambda w: nn.init.normal_(w, 0.0, s, rng=0))
for act in ("sigmoid", "tanh"):
    study(act, [(f"N(0, {s}²)", normal(s), False) for s in (0.01, 0.1, 1.0)], "activations (top) and gradients (bottom)")
"""),
("md", """
σ = 0.01: activations shrink to a spike at 0 (tanh) or 0.5 (sigmoid), and the
gradients fall by orders of magnitude towards the first layer. σ = 1: tanh saturates
at ±1, where its derivative is 0. Now the principled initializations:
"""),
("code", """
study("tanh", [("Xavier", lambda w: nn.init.xavier_normal_(w, gain=5 / 3, rng=0), False),
               ("N(0, 0.01²) + BatchNorm", normal(0.01), True)], "tanh")
study("relu", [("N(0, 0.01²)", normal(0.01), False), ("He (Kaiming)", lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu", rng=0), False),
               ("N(0, 0.01²) + BatchNorm", normal(0.01), True)], "relu")
"""),
("md", """
The graph of a small deep network, coloured by the size of each gradient (pale:
small, dark: large). With σ = 0.01 the colours fade from the loss towards the input:
the vanishing gradient, at a glance.
"""),
("code", """
LAYERS, WIDTH = 4, 8
X = X[:16, :WIDTH]
model = deep_net("tanh", normal(0.01))
loss = (model(ag.tensor(X)) ** 2).mean()
loss.backward(retain_graph=True)
show(ag.draw_graph(loss, color_by="grad", show_data=False))
"""),
]
