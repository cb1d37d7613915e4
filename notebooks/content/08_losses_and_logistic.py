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
What the cancellation buys: a sigmoid output that is confidently wrong (z = −6 for a
target of 1) is saturated, a(1 − a) ≈ 0.0025, so the squared error's gradient nearly
vanishes exactly when the model most needs to learn. Cross-entropy's does not:
"""),
("code", """
for loss_name in ("squared error", "cross-entropy"):
    z = ag.tensor(np.array([-6.0]), requires_grad=True)
    a = z.sigmoid()
    loss = 0.5 * ((a - 1.0) ** 2).sum() if loss_name == "squared error" else F.binary_cross_entropy(a, np.array([1.0]))
    loss.backward()
    print(f"{loss_name:14} at z = -6, target 1: dJ/dz = {z.grad.item():.5f}")
"""),
("md", """
## Logistic regression is one neuron

Seed 000: logistic regression, a = σ(wᵀx + b), is a network without hidden layers.
Seed 003 derives its gradient for m examples: dw = (1/m) X (a − y), db = mean(a − y),
the δ = a − y above again. The engine's gradient of the mean cross-entropy must equal
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
plt.xlabel("x1"); plt.ylabel("x2"); plt.ylim(-3, 3); plt.legend(fontsize=8); plt.title("logistic regression")
plt.show()
"""),
("md", """
## The perceptron and XOR

Rosenblatt's perceptron (seed 001) thresholds wᵀx + b at 0 and, for every misclassified
example, moves the weights by w ← w + η (y − ŷ) x. It needs no derivative, and it
converges whenever a straight line separates the classes: AND and OR. XOR is not
linearly separable, and the rule never stops making mistakes:
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

Trained by gradient descent, logistic regression on XOR stays at chance: any single
line leaves at least one of the four points on the wrong side, so the best it can do
is 3 of 4, and the cross-entropy optimum is to predict 0.5 everywhere. With one hidden
layer of a few tanh units (seed 000's table: one hidden layer gives convex regions, two
hidden layers any shape), the network bends the boundary and gets all four right.
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
    correct = int((np.abs(probability - GATES["XOR"]) < 0.5).sum())
    print(f"{name}: loss {loss:.4f}, predicted P(1) {probability.round(3)}, {correct} of 4 on the right side of 0.5")
    regions = ax.contourf(grid[:, 0].reshape(101, 101), grid[:, 1].reshape(101, 101), surface,
                          levels=np.linspace(0, 1, 11), cmap="RdBu_r", vmin=0, vmax=1)
    for t, marker in ((0, "o"), (1, "s")):
        ax.scatter(*INPUTS[GATES["XOR"] == t].T, marker=marker, c="k", s=60, label=f"XOR = {t}")
    ax.set(title=name, xlabel="x1", ylabel="x2"); ax.legend(fontsize=8, loc="center")
fig.colorbar(regions, ax=axes.tolist(), label="predicted P(XOR = 1)")
plt.show()
"""),
]
