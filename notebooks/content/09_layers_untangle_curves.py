TITLE = "9. Layers as transformations: untangling two curves"
CELLS = [
("md", """
Seed 004's intuition (after colah's "Neural Networks, Manifolds, and Topology"): each
hidden layer is a transformation of the plane, and training finds transformations
that pull two tangled curves apart until one straight line separates them. Here a
network with **two units per layer** learns to separate two interleaved sine curves,
so every layer's output is itself a point in a plane we can draw.
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
import optim
ag.tune_allocator()  # keep each training step's freed memory for the next (README: Speed tips)

rng = np.random.default_rng(0)
t = rng.uniform(-1, 1, 200)
label = rng.integers(0, 2, 200)
X = np.c_[t, 0.5 * np.sin(3 * t) + np.where(label == 1, 0.15, -0.15)].astype(np.float32)

def train(seed, steps=1500):
    '''2 -> 2 -> 2 -> 1 with tanh, trained by Adam on the logistic loss.'''
    nn.init.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(ag.tensor(X)).reshape(-1), label.astype(np.float32))
        opt.zero_grad(); loss.backward(); opt.step()
    accuracy = ((model(ag.tensor(X)).data.ravel() > 0) == label).mean()
    gradient_norm = np.sqrt(sum((p.grad.data.astype(np.float64) ** 2).sum() for p in model.parameters()))
    return model, loss.item(), accuracy, gradient_norm

runs = {seed: train(seed) for seed in range(4)}
for seed, (_, loss, accuracy, gradient_norm) in runs.items():
    print(f"initialization seed {seed}: final loss {loss:.4f}, training accuracy {accuracy:.1%}, "
          f"gradient norm at the last step below 1e-3: {gradient_norm < 1e-3}")
best = max(runs, key=lambda s: runs[s][2])
model = runs[best][0]
"""),
("md", """
The result depends on where training starts: with only two units per layer some
initializations stop where the gradient is nearly zero (the printed gradient norms)
while their loss is far above the other runs': a local minimum or a flat region
(seed 004's 局部最低点). They classify about three quarters of the points. We follow the best run. Below, the plane is drawn three
times: the input, the output of the first tanh layer, and the output of the second.
The grey lines are a square grid of the input plane carried through the same layers,
which shows how each layer bends, stretches and folds the plane. In the last panel the
output layer is linear, so its decision boundary is a straight line.
"""),
("code", """
def layer_outputs(points):
    '''The input and each tanh layer's output, as arrays of 2-D points.'''
    with ag.no_grad():
        first = model[1](model[0](ag.tensor(points)))
        second = model[3](model[2](first))
    return [points, first.data, second.data]

grid_lines = [np.c_[np.full(100, v), np.linspace(-1.2, 1.2, 100)] for v in np.linspace(-1.2, 1.2, 13)]
grid_lines += [np.c_[np.linspace(-1.2, 1.2, 100), np.full(100, v)] for v in np.linspace(-1.2, 1.2, 13)]
titles = ["input plane", "after layer 1 (tanh)", "after layer 2 (tanh)"]
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
for line in grid_lines:
    for ax, mapped in zip(axes, layer_outputs(line.astype(np.float32))):
        ax.plot(*mapped.T, color="0.85", linewidth=0.7)
for ax, mapped, title in zip(axes, layer_outputs(X), titles):
    for value, colour in ((0, "tab:blue"), (1, "tab:red")):
        ax.scatter(*mapped[label == value].T, s=8, color=colour, label=f"curve {value}")
    ax.set(title=title, xlabel="unit 1" if title != titles[0] else "x1", ylabel="unit 2" if title != titles[0] else "x2")

xx, yy = np.meshgrid(np.linspace(-1.2, 1.2, 200), np.linspace(-1.2, 1.2, 200))
with ag.no_grad():
    logits = model(ag.tensor(np.c_[xx.ravel(), yy.ravel()].astype(np.float32))).data.reshape(xx.shape)
axes[0].contour(xx, yy, logits, levels=[0.0], colors="k", linewidths=1.5)
axes[0].plot([], [], "k-", label="learned decision boundary")
w, b = model[4].weight.data[0], model[4].bias.data[0]
h1 = np.linspace(-1, 1, 2)
axes[2].plot(h1, -(w[0] * h1 + b) / w[1], "k-", label="output layer's line")
axes[2].set_xlim(-1.05, 1.05); axes[2].set_ylim(-1.05, 1.05)
for ax in axes:
    ax.legend(fontsize=7, loc="best")
fig.tight_layout()
plt.show()
"""),
("md", """
In the input plane the boundary has to wind between the two curves; after two tanh
layers the same points lie on either side of a straight line. A hidden layer does not
classify anything by itself: it moves the data until classifying is easy for the
linear layer at the end.
"""),
]
CELLS += [
("md", """
## Exercises

**Exercise 1.** How many parameters does the 2 → 2 → 2 → 1 network have? Write
`n_params` from the layer sizes (each Linear(m → n) has n·m weights and n biases).
"""),
("code", """
# Solution (try it yourself before reading on)
n_params = (2 * 2 + 2) + (2 * 2 + 2) + (1 * 2 + 1)
print(n_params)
"""),
("code", """
assert n_params == model.num_parameters()
print("correct")
"""),
("md", """
**Exercise 2.** Where does the first tanh layer send the point (0.5, 0.2)? Compute
`h1` = tanh(W p + b) with numpy from `model[0].weight.data` and `model[0].bias.data`.
"""),
("code", """
# Solution (try it yourself before reading on)
point = np.array([0.5, 0.2], dtype=np.float32)
h1 = np.tanh(model[0].weight.data @ point + model[0].bias.data)
print(h1)
"""),
("code", """
assert np.allclose(h1, layer_outputs(np.array([[0.5, 0.2]], dtype=np.float32))[1][0], atol=1e-6)
print("correct")
"""),
("md", """
**Exercise 3.** The output layer's line is w·h + b = 0 in the plane of the second
layer's outputs h. For the first training point, compute its logit `logit` = w·h + b
from `layer_outputs(X)[2][0]` and `model[4]`; its sign is the class the network predicts.
"""),
("code", """
# Solution (try it yourself before reading on)
h2 = layer_outputs(X)[2][0]
logit = model[4].weight.data[0] @ h2 + model[4].bias.data[0]
print(logit, "-> class", int(logit > 0), "; true class", label[0])
"""),
("code", """
with ag.no_grad():
    assert np.isclose(logit, model(ag.tensor(X[:1])).item(), atol=1e-5)
print("correct")
"""),
]
