TITLE = "8. Loss functions, logistic regression, the perceptron and XOR"
CELLS = [
("md", """
Seed 001 introduces the two common losses with a worked example, seed 000 derives the
output error δ(L) = a − y that cross-entropy gives, and seeds 000, 001 and 003 build
up from one neuron (logistic regression, the perceptron) to the XOR problem that one
layer cannot solve. Every number here is computed by the engine.
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
import optim
ag.tune_allocator();  # keep each training step's freed memory for the next (README: Speed tips); ';' hides its True
"""),
("md", """
## Mean squared error and cross-entropy: the notes' worked example

Three samples of a 3-class problem, true classes 3, 2, 1, and two models' predicted
distributions (seed 001):

| sample | true class | model 1 | model 2 |
|---|---|---|---|
| 1 | 3 | (0.3, 0.3, 0.4) | (0.1, 0.2, 0.7) |
| 2 | 2 | (0.3, 0.4, 0.3) | (0.1, 0.7, 0.2) |
| 3 | 1 | (0.1, 0.2, 0.7) | (0.3, 0.4, 0.3) |

Cross-entropy H(p, q) = −Σ p log q with a one-hot p keeps only −log q(true class);
the mean squared error compares the whole distribution with the one-hot target.
"""),
("code", """
TRUE_CLASS = np.array([2, 1, 0])
MODELS = {"model 1": np.array([[0.3, 0.3, 0.4], [0.3, 0.4, 0.3], [0.1, 0.2, 0.7]]),
          "model 2": np.array([[0.1, 0.2, 0.7], [0.1, 0.7, 0.2], [0.3, 0.4, 0.3]])}
one_hot = np.eye(3)[TRUE_CLASS]
for name, q in MODELS.items():
    q = ag.tensor(q)
    cross_entropy = F.nll_loss(q.log(), TRUE_CLASS)
    per_sample_squared = ((q - ag.tensor(one_hot)) ** 2).sum(1).mean()
    print(f"{name}: average cross-entropy {cross_entropy.item():.3f},  "
          f"MSE over all 9 entries {F.mse_loss(q, one_hot).item():.4f},  "
          f"squared error summed over classes, averaged over samples {per_sample_squared.item():.4f}")
"""),
("md", """
The notes print ≈ 1.38 and ≈ 0.64 for the cross-entropies. Both losses rank model 2
first; cross-entropy looks only at the probability of the true class, squared error
also at how the remaining probability is spread.

## Both losses are negative log-likelihoods

Neither loss is arbitrary: each is −log of the probability the model assigns to the
observed data, under an assumption about the noise.
- **Gaussian noise.** If y = ŷ + ε with ε ~ N(0, σ²), the density of y is
  exp(−(y − ŷ)²/(2σ²)) / √(2πσ²), and −Σ log of it is Σ(y − ŷ)²/(2σ²) + n·log √(2πσ²):
  half the summed squared error (for σ = 1) plus a constant that does not depend on
  the model. Minimizing it is minimizing the squared error, with the same gradient.
- **Bernoulli labels.** If y ∈ {0, 1} and the model says P(y = 1) = a, the probability of
  the observed label is a^y (1 − a)^(1−y), and −Σ log of it is the binary cross-entropy.

The engine computes both likelihoods literally (the density, then its log) and compares
values and gradients with the losses:
"""),
("code", """
lik_rng = np.random.default_rng(4)
y_obs = lik_rng.standard_normal(6)
y_hat = ag.tensor(lik_rng.standard_normal(6), requires_grad=True)
density = (-(ag.tensor(y_obs) - y_hat) ** 2 / 2).exp() / np.sqrt(2 * np.pi)
gaussian_nll = -density.log().sum()
constant = len(y_obs) * 0.5 * np.log(2 * np.pi)
half_sse = 0.5 * len(y_obs) * F.mse_loss(y_hat, y_obs)
print(f"Gaussian NLL {gaussian_nll.item():.6f} = half the summed squared error {half_sse.item():.6f} "
      f"+ constant {constant:.6f}:", np.isclose(gaussian_nll.item(), half_sse.item() + constant))
g_nll = ag.grad(lambda t: -((-(ag.tensor(y_obs) - t) ** 2 / 2).exp() / np.sqrt(2 * np.pi)).log().sum())(y_hat)
g_mse = ag.grad(lambda t: 0.5 * len(y_obs) * F.mse_loss(t, y_obs))(y_hat)
print("same gradient with respect to the predictions:", np.allclose(g_nll.data, g_mse.data))

labels = (lik_rng.random(6) < 0.5).astype(float)
a = ag.tensor(lik_rng.uniform(0.05, 0.95, 6), requires_grad=True)
bernoulli_nll = -(a ** ag.tensor(labels) * (1 - a) ** ag.tensor(1 - labels)).log().sum()
bce = F.binary_cross_entropy(a, labels, reduction="sum")
print(f"Bernoulli NLL {bernoulli_nll.item():.6f}, binary cross-entropy {bce.item():.6f}:",
      np.isclose(bernoulli_nll.item(), bce.item()))
g_nll = ag.grad(lambda t: -(t ** ag.tensor(labels) * (1 - t) ** ag.tensor(1 - labels)).log().sum())(a)
g_bce = ag.grad(lambda t: F.binary_cross_entropy(t, labels, reduction="sum"))(a)
print("same gradient with respect to the probabilities:", np.allclose(g_nll.data, g_bce.data))
"""),
("md", """
So the choice between them is a choice of noise model: squared error for real-valued
targets with Gaussian noise, cross-entropy for labels. (The same derivation with a
categorical distribution over classes gives the softmax cross-entropy.)

## Why cross-entropy goes with sigmoid and softmax: δ(L) = a − y

For one sigmoid output a = σ(z), the gradient reaching z is
- with squared error ½(a − y)²: δ = (a − y) · a(1 − a);
- with cross-entropy −[y log a + (1 − y) log(1 − a)]: ∂J/∂a = (a − y)/(a(1 − a)), whose
  denominator cancels the sigmoid's derivative, leaving δ = a − y (seed 000).

For a softmax output p = softmax(z) with cross-entropy and a one-hot y, the same
cancellation gives δ = p − y. The engine finds both without being told:
"""),
("code", """
z = ag.tensor(np.array([-3.0, 0.0, 2.0, 5.0]), requires_grad=True)
y = np.array([1.0, 0.0, 1.0, 0.0])
F.binary_cross_entropy(z.sigmoid(), y, reduction="sum").backward()
a = z.sigmoid().data
print("sigmoid + cross-entropy: dJ/dz =", z.grad.data.round(6), "  a - y =", (a - y).round(6),
      "  equal:", np.allclose(z.grad.data, a - y))

logits = ag.tensor(np.array([[4.0, 1.0, -4.0], [0.5, 2.0, -1.0]]), requires_grad=True)
target = np.array([0, 2])
F.cross_entropy(logits, target, reduction="sum").backward()
p = F.softmax(logits, dim=1).data
print("softmax + cross-entropy: dJ/dz =\\n", logits.grad.data.round(6), "\\np - y =\\n", (p - np.eye(3)[target]).round(6),
      "\\nequal:", np.allclose(logits.grad.data, p - np.eye(3)[target]))
"""),
("md", """
What the cancellation buys: a sigmoid output that is confidently wrong (z very negative
for a target of 1) is saturated, a(1 − a) is tiny, so the squared error's gradient
(a − y)·a(1 − a) nearly vanishes exactly when the model most needs to learn.
Cross-entropy's gradient a − y stays near −1 however wrong the output is. The engine's
gradients, for targets of 1 and ever more wrong outputs:
"""),
("code", """
for z0 in (0.0, -2.0, -4.0, -6.0, -10.0):
    grads = []
    for loss_name in ("squared error", "cross-entropy"):
        z = ag.tensor(np.array([z0]), requires_grad=True)
        a = z.sigmoid()
        loss = 0.5 * ((a - 1.0) ** 2).sum() if loss_name == "squared error" else F.binary_cross_entropy(a, np.array([1.0]))
        loss.backward()
        grads.append(z.grad.item())
    print(f"z = {z0:5}: a = {a.item():.3g}, a(1 - a) = {a.item() * (1 - a.item()):.3g};  "
          f"dJ/dz squared error {grads[0]:.3g}, cross-entropy {grads[1]:.5f};  ratio {grads[1] / grads[0]:.3g}")
"""),
("md", """
At z = −10 the squared error's gradient is about 2·10⁴ times smaller than
cross-entropy's (the last line's ratio): gradient descent on squared
error would barely move this output, while cross-entropy pushes it with almost full
force.
"""),
("md", """
## Logistic regression is one neuron

Seed 000: logistic regression, a = σ(wᵀx + b), is a network without hidden layers.
Seed 003 derives its gradient for m examples: dw = (1/m) X (a − y), db = mean(a − y),
the δ = a − y above again (the notes' X has one column per example; the code's X has
one row per example, hence the Xᵀ printed below). The engine's gradient of the mean cross-entropy must equal
that formula; then gradient descent learns a straight decision boundary.
"""),
("code", """
rng = np.random.default_rng(0)
X = np.r_[rng.normal([-1, -1], 0.7, (100, 2)), rng.normal([1, 1], 0.7, (100, 2))]
Y = np.r_[np.zeros(100), np.ones(100)]

w = ag.tensor(np.zeros(2), requires_grad=True)
b = ag.tensor(np.zeros(1), requires_grad=True)
a = (ag.tensor(X) @ w + b).sigmoid()
F.binary_cross_entropy(a, Y).backward()
print("engine gradient equals (1/m) X^T (a - y):", np.allclose(w.grad.data, X.T @ (a.data - Y) / len(Y)),
      "  and mean(a - y):", np.allclose(b.grad.data, (a.data - Y).mean()))

for _ in range(300):
    w.grad = b.grad = None
    loss = F.binary_cross_entropy((ag.tensor(X) @ w + b).sigmoid(), Y)
    loss.backward()
    w.data -= 0.5 * w.grad.data
    b.data -= 0.5 * b.grad.data
accuracy = (((X @ w.data + b.data) > 0) == Y).mean()
print(f"after 300 steps: loss {loss.item():.4f}, training accuracy {accuracy:.1%}")

plt.figure(figsize=(4.5, 4))
plt.scatter(*X[Y == 0].T, s=10, label="class 0"); plt.scatter(*X[Y == 1].T, s=10, label="class 1")
xs = np.linspace(-3, 3, 2)
plt.plot(xs, -(w.data[0] * xs + b.data[0]) / w.data[1], "k-", label="decision boundary a = 0.5")
plt.xlabel("x1"); plt.ylabel("x2"); plt.ylim(-3, 3); plt.legend(fontsize=8, loc="upper left"); plt.title("logistic regression")
plt.show()
"""),
("md", """
## The perceptron and XOR

Rosenblatt's perceptron (seed 001) thresholds wᵀx + b at 0; its learning rule, which the
notes describe but do not write out, moves the weights for every misclassified example
by w ← w + η (y − ŷ) x. It needs no derivative, and it converges whenever a straight
line separates the classes: AND and OR. XOR is not linearly separable (the next section
says why), and the rule is still making mistakes after 25 epochs:
"""),
("code", """
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]), "XOR": np.array([0, 1, 1, 0])}

def perceptron(targets, epochs=25, lr=1.0):
    '''The perceptron learning rule; returns the weights and the mistakes made in each epoch.'''
    w, b, mistakes = np.zeros(2), 0.0, []
    for _ in range(epochs):
        wrong = 0
        for x, t in zip(INPUTS, targets):
            predicted = float(w @ x + b > 0)
            w, b = w + lr * (t - predicted) * x, b + lr * (t - predicted)
            wrong += int(predicted != t)
        mistakes.append(wrong)
    return w, b, mistakes

for gate, targets in GATES.items():
    w, b, mistakes = perceptron(targets)
    print(f"{gate:3}: mistakes per epoch {mistakes[:8]} ... last epoch {mistakes[-1]};  w = {w}, b = {b}")
"""),
("md", """
## One layer cannot compute XOR, two can

Any single line leaves at least one of the four XOR points on the wrong side: a
half-plane holding (0, 1) and (1, 0) holds their midpoint (0.5, 0.5), which is also the
midpoint of (0, 0) and (1, 1), so the other half-plane cannot hold both of those. A line
could still classify 3 of 4 correctly, but that is not what minimizing cross-entropy
finds: its optimum is w = 0, b = 0 (the gradient there is zero and the loss is
convex), P = 0.5 at every point, a
loss of log 2 ≈ 0.6931, and no point on either side of the boundary. Below, a point
counts as on the right side only if its P(1) is more than 10⁻⁶ from 0.5 on the correct
side. With one hidden layer of a few tanh units the network bends the boundary and
gets all four right.
"""),
("code", """
def fit_xor(model, steps=500):
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(ag.tensor(INPUTS)).reshape(-1), GATES["XOR"].astype(float))
        opt.zero_grad(); loss.backward(); opt.step()
    return loss.item()

nn.init.manual_seed(0)
models = {"one layer (logistic regression)": nn.Linear(2, 1).to(np.float64),
          "two layers (2-4-1, tanh)": nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)).to(np.float64)}
grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 101), np.linspace(-0.5, 1.5, 101)), axis=-1).reshape(-1, 2)
fig, axes = plt.subplots(1, 2, figsize=(10.5, 4))
for ax, (name, model) in zip(axes, models.items()):
    loss = fit_xor(model)
    with ag.no_grad():
        outputs = model(ag.tensor(INPUTS)).data.ravel().astype(float)
        surface = model(ag.tensor(grid)).sigmoid().data.reshape(101, 101)
    probability = 1 / (1 + np.exp(-outputs))
    correct = int((np.abs(probability - GATES["XOR"]) < 0.5 - 1e-6).sum())
    print(f"{name}: loss {loss:.4f}, predicted P(1) {probability.round(3)}, largest |P - 0.5| "
          f"{'below 1e-6' if np.abs(probability - 0.5).max() < 1e-6 else f'{np.abs(probability - 0.5).max():.3f}'}, "
          f"{correct} of 4 on the right side of 0.5")
    regions = ax.contourf(grid[:, 0].reshape(101, 101), grid[:, 1].reshape(101, 101), surface,
                          levels=np.linspace(0, 1, 11), cmap="RdBu_r", vmin=0, vmax=1)
    for t, marker in ((0, "o"), (1, "s")):
        ax.scatter(*INPUTS[GATES["XOR"] == t].T, marker=marker, c="k", s=60, label=f"XOR = {t}")
    ax.set(title=name, xlabel="x1", ylabel="x2"); ax.legend(fontsize=8, loc="upper center")
fig.colorbar(regions, ax=axes.tolist(), label="predicted P(XOR = 1)")
plt.show()
logistic = models["one layer (logistic regression)"]
with ag.no_grad():
    flat_surface = logistic(ag.tensor(grid)).sigmoid().data
print("logistic regression's trained weights:", logistic.weight.data.ravel().round(6) + 0.0, " bias:",
      logistic.bias.data.round(6) + 0.0, "  largest |P - 0.5| over the whole plotted grid below 1e-6:",
      np.abs(flat_surface - 0.5).max() < 1e-6)
"""),
("md", """
(In the left panel the two faint shades are P within 10⁻⁶ of 0.5 on either side: the
boundary drawn between them is rounding noise, not a learned line.)

## One hidden layer, and regions that are not convex

Seed 000's table says a network with one hidden layer gives open or closed convex
decision regions (单隐层: 开凸区域或闭凸区域), and only two hidden layers give arbitrary
shapes. The figure above contradicts it, and the engine can check: a region is convex
only if it contains the midpoint of any two of its points. The XOR = 0 points (0, 0)
and (1, 1) have the midpoint (0.5, 0.5), as do the XOR = 1 points (0, 1) and (1, 0); the
midpoint belongs to one class, so the other class's region is not convex. Counting the
connected pieces of each region on the plotted grid (`scipy.ndimage.label`) shows more:
"""),
("code", """
from scipy import ndimage
two_layer = models["two layers (2-4-1, tanh)"]
with ag.no_grad():
    p_mid = two_layer(ag.tensor(np.array([[0.5, 0.5]]))).sigmoid().item()
    surface = two_layer(ag.tensor(grid)).sigmoid().data.reshape(101, 101)
print(f"P(XOR = 1) at the midpoint (0.5, 0.5): {p_mid:.3f}, so the midpoint is in the XOR = {int(p_mid > 0.5)} region "
      f"and the XOR = {int(p_mid <= 0.5)} region is not convex")
def grid_index(v):
    return int(round((v + 0.5) / 0.02))   # the grid runs from -0.5 to 1.5 in steps of 0.02
for value, region in ((1, surface > 0.5), (0, surface <= 0.5)):
    pieces, count = ndimage.label(region)
    corners = [tuple(int(c) for c in point) for point in INPUTS[GATES["XOR"] == value]]
    labels_at = [pieces[grid_index(x2), grid_index(x1)] for x1, x2 in corners]
    print(f"XOR = {value} region on the grid: {count} connected piece(s); "
          f"its points {corners[0]} and {corners[1]} in different pieces: {labels_at[0] != labels_at[1]}")
"""),
("md", """
The XOR = 1 region comes in two disconnected pieces, one around (0, 1) and one around
(1, 0), made by a single hidden layer. So the notes' row is wrong: one hidden layer
already gives non-convex, even disconnected, decision regions.
"""),
]
CELLS += [
("md", """
## Exercises

**Exercise 1.** The logits of one example are z = (2, 1, 0) and its class is 0. Compute
the softmax cross-entropy `ce` = −log softmax(z)_0 = log Σ_j e^{z_j} − z_0 with numpy.
"""),
("code", """
# Solution (try it yourself before reading on)
z_ex = np.array([2.0, 1.0, 0.0])
ce = np.log(np.exp(z_ex).sum()) - z_ex[0]
print(ce)
"""),
("code", """
assert np.isclose(ce, F.cross_entropy(ag.tensor(np.array([[2.0, 1.0, 0.0]])), np.array([0])).item())
print("correct")
"""),
("md", """
**Exercise 2.** For a sigmoid output with cross-entropy, target y = 1 and logit z = −3,
write the gradient `dz` = ∂J/∂z using δ = a − y.
"""),
("code", """
# Solution (try it yourself before reading on)
dz = 1 / (1 + np.exp(3.0)) - 1.0
print(dz)
"""),
("code", """
logit = ag.tensor(np.array([-3.0]), requires_grad=True)
F.binary_cross_entropy_with_logits(logit, np.array([1.0])).backward()
assert np.isclose(dz, logit.grad.item())
print("correct")
"""),
("md", """
**Exercise 3.** With Gaussian noise of standard deviation σ = 2, write the negative
log-likelihood `nll(y, y_hat)` of observations y (numpy arrays) as the squared error
term plus the constant, Σ(y − ŷ)²/(2σ²) + n·log √(2πσ²).
"""),
("code", """
# Solution (try it yourself before reading on)
def nll(y, y_hat, sigma=2.0):
    return ((y - y_hat) ** 2).sum() / (2 * sigma ** 2) + len(y) * np.log(np.sqrt(2 * np.pi * sigma ** 2))
"""),
("code", """
y_ex, y_hat_ex = np.array([0.5, -1.0, 2.0]), ag.tensor(np.array([0.0, 0.0, 1.0]))
density_ex = (-(ag.tensor(y_ex) - y_hat_ex) ** 2 / 8).exp() / np.sqrt(2 * np.pi * 4)
assert np.isclose(nll(y_ex, y_hat_ex.data), -density_ex.log().sum().item())
print("correct")
"""),
]
