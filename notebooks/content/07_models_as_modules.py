TITLE = "7. Models as modules: parameters, saving, regularization, batches, optimizers"
CELLS = [
("md", """
A model is a Python class: layers assigned as attributes are discovered
automatically, so `parameters()`, `state_dict()` and `train()`/`eval()` just work.
This is how PyTorch organizes models, and the names here are PyTorch's.
"""),
("code", """
import os, tempfile
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
import optim
from autograd_cli import examples
ag.tune_allocator()  # keep each training step's freed memory for the next (README: Speed tips)

class Classifier(nn.Module):
    def __init__(self, hidden=64, p_drop=0.2):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(p_drop))
        self.head = nn.Linear(hidden, 10)

    def forward(self, x):
        return self.head(self.body(x))

model = Classifier()
print(model)
for name, p in model.named_parameters():
    print(f"{name:18} {str(p.shape):12} {p.size:6}")
print("total parameters:", model.num_parameters())
"""),
("md", """
## Parameters and hyperparameters

Seed 003 separates the two. **Parameters** (W, b) are what training changes: they are
the tensors `parameters()` returns and the optimizer updates. **Hyperparameters** are
the choices that decide what the parameters become and are not learned by gradient
descent: the learning rate, the number of layers L, the units per layer n[l], the
activation g, the number of iterations (the notes' list), and also the batch size and
the regularization strength.
Below, one model's parameter count follows from its hyperparameters (a Linear layer
from n[l−1] to n[l] has n[l]·n[l−1] weights and n[l] biases), and one training step
changes every parameter and no hyperparameter.
"""),
("code", """
hyper = {"hidden units": 64, "dropout p": 0.2, "learning rate": 0.01, "batch size": 32}
model = Classifier(hidden=hyper["hidden units"], p_drop=hyper["dropout p"])
n_hidden = hyper["hidden units"]
print("parameters predicted from the hyperparameters:", 64 * n_hidden + n_hidden + n_hidden * 10 + 10,
      "  counted by the module:", model.num_parameters())
before = {name: p.data.copy() for name, p in model.named_parameters()}
opt = optim.SGD(model.parameters(), lr=hyper["learning rate"])
xb = ag.tensor(np.random.default_rng(0).random((hyper["batch size"], 8, 8), dtype=np.float32))
loss = F.cross_entropy(model(xb), np.arange(hyper["batch size"]) % 10)
opt.zero_grad(); loss.backward(); opt.step()
print("parameters changed by one step:", [name for name, p in model.named_parameters() if not np.array_equal(p.data, before[name])])
print("hyperparameters after the step:", hyper)
"""),
("md", "## Saving and loading (`.npz`, loaded with pickling disabled)"),
("code", """
path = os.path.join(tempfile.mkdtemp(), "classifier.npz")
nn.save(model, path)
restored = Classifier()
restored.load_state_dict(nn.load(path))
x = ag.tensor(np.random.default_rng(0).random((3, 8, 8), dtype=np.float32))
model.eval(); restored.eval()
print("same outputs after reload:", np.array_equal(model(x).data, restored(x).data))
"""),
("md", """
## Batches, epochs, iterations

An **epoch** is one pass over the training set; an **iteration** is one parameter
update on one **batch**. With 1,347 training images and batches of 64, an epoch is
22 iterations (the last batch has 3 images).
"""),
("code", """
x_train, y_train, x_test, y_test, source = examples.load_digits()
loader = nn.data.DataLoader((x_train, y_train), batch_size=64, shuffle=True, seed=0)
print(f"{len(x_train)} images, batch 64 -> {len(loader)} iterations per epoch; last batch {len(x_train) % 64} images")
"""),
("md", """
## A learning rate that is too large

Gradient descent takes steps of size lr · gradient. Too small and the loss creeps
down; too large and a step overshoots the valley it was descending, so the loss goes
*up*. The same classifier (64 hidden ReLU units, no dropout), full-batch SGD on 300
images, for four learning rates:
"""),
("code", """
def sgd_run(lr, steps=40):
    nn.init.manual_seed(0)
    model = Classifier(hidden=64, p_drop=0.0)
    opt = optim.SGD(model.parameters(), lr=lr)
    xb, yb = ag.tensor(x_train[:300]), y_train[:300]
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(xb), yb)
        losses.append(loss.item())
        opt.zero_grad(); loss.backward(); opt.step()
    with ag.no_grad():
        hidden = model.body(xb).data
    return losses, (hidden.max(axis=0) == 0).mean()

plt.figure(figsize=(6, 3.6))
for lr in (0.1, 1.0, 3.0, 10.0):
    losses, dead = sgd_run(lr)
    plt.plot(losses, label=f"lr = {lr}")
    print(f"lr = {lr:5}: loss at start {losses[0]:.2f}, highest {max(losses):.3g}, last {losses[-1]:.2f};  "
          f"hidden units that are 0 on every image: {dead:.0%}")
plt.axhline(np.log(10), color="0.6", linestyle=":", label="log 10 (uniform guess)")
plt.yscale("log"); plt.xlabel("SGD step"); plt.ylabel("training loss (log scale)"); plt.title("full-batch SGD, four learning rates"); plt.legend(fontsize=8)
plt.show()
"""),
("md", """
The printed lines read as follows. At lr = 0.1 the loss falls slowly, at lr = 1 fast.
At lr = 3 and 10 the first steps overshoot: the highest loss is well above the starting
one, and the run then settles at log 10 ≈ 2.30, the loss of a uniform guess, because the
overshooting steps left ReLU units that are 0 on every image (the last column): dead
units get no gradient and never recover. This is the failure seed 000 warns of (with a
too-large learning rate "40% of the network's neurons may die").

## Batch size and gradient noise

A minibatch gradient is an average of B per-example gradients, so it is a noisy
estimate of the full-batch gradient, and its spread around it shrinks like 1/√B.
Below, for the same fixed network, the full-batch gradient over all 1,347 images is
compared with 50 minibatch gradients for each batch size (examples drawn at random
with replacement): the root-mean-square distance ‖g_B − g_full‖, and that distance
times √B, which should stay about constant.
"""),
("code", """
nn.init.manual_seed(0)
probe = Classifier(hidden=64, p_drop=0.0)
probe_params = list(probe.parameters())

def gradient(index):
    probe.zero_grad()
    F.cross_entropy(probe(ag.tensor(x_train[index])), y_train[index]).backward()
    return np.concatenate([p.grad.data.ravel() for p in probe_params]).astype(np.float64)

full = gradient(np.arange(len(x_train)))
pick = np.random.default_rng(0)
sizes, spreads = (1, 4, 16, 64, 256), []
print(f"norm of the full-batch gradient: {np.linalg.norm(full):.2f}")
for B in sizes:
    distances = [np.linalg.norm(gradient(pick.integers(0, len(x_train), B)) - full) for _ in range(50)]
    spreads.append(np.sqrt(np.mean(np.square(distances))))
    print(f"batch {B:3}: spread of minibatch gradients {spreads[-1]:.2f},  spread x sqrt(B) {spreads[-1] * np.sqrt(B):.1f}")
print(f"spread at batch 1 / spread at batch 256: {spreads[0] / spreads[-1]:.0f}   (sqrt(256) = 16)")
plt.figure(figsize=(4.8, 3.4))
plt.loglog(sizes, spreads, "o-", label="measured")
plt.loglog(sizes, spreads[0] / np.sqrt(sizes), "k--", label="spread at B = 1, divided by √B")
plt.xlabel("batch size B"); plt.ylabel("RMS ‖g_B − g_full‖"); plt.title("gradient noise vs batch size"); plt.legend(fontsize=8)
plt.show()
"""),
("md", """
With one example per step the noise is far larger than the gradient itself (compare the
first line's spread with the full gradient's norm); with 256 examples it is about 15
times smaller (the last line; 1/√B predicts 16), and the product column stays nearly
constant, as 1/√B predicts: each spread is an estimate from 50 draws.

## Regularization: seeing overfitting

The notes add λ/2·Σw² (L2) or λ·Σ|w| (L1) to the cost, or drop hidden units at random
during training (dropout; `eval()` turns it off). A regularizer can only help where the
model overfits: where the training error is far below the test error. To see that, a
problem made to overfit on purpose: 16 noisy samples
of y = sin(3x) + noise (noise standard deviation 0.3, so even the true function has an
expected test mean squared error of 0.3² = 0.09; on the 500 test points drawn here it is
printed first), and a network with two hidden layers of 64 tanh
units, far more weights than points. Each regularizer is trained with Adam for the same
number of steps; the curves show the training and test error along the way.
"""),
("code", """
data_rng = np.random.default_rng(0)
def noisy_sine(n):
    x = data_rng.uniform(-1, 1, (n, 1))
    return x, np.sin(3 * x) + 0.3 * data_rng.standard_normal((n, 1))
x_small, y_small = noisy_sine(16)
x_fresh, y_fresh = noisy_sine(500)
print(f"true sin(3x) on the 500 test points: MSE {np.mean((np.sin(3 * x_fresh) - y_fresh) ** 2):.3f}")

def fit_curve(optimizer="adam", weight_decay=0.0, p_drop=0.0, steps=1000):
    nn.init.manual_seed(0)
    net = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Dropout(p_drop),
                        nn.Linear(64, 64), nn.Tanh(), nn.Dropout(p_drop), nn.Linear(64, 1)).to(np.float64)
    make = optim.AdamW if optimizer == "adamw" else optim.Adam
    opt = make(net.parameters(), lr=0.01, weight_decay=weight_decay)
    history = []
    for step in range(steps):
        net.train()
        loss = F.mse_loss(net(ag.tensor(x_small)), y_small)
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 25 == 0 or step == steps - 1:
            net.eval()
            with ag.no_grad():
                history.append((step, F.mse_loss(net(ag.tensor(x_small)), y_small).item(),
                                F.mse_loss(net(ag.tensor(x_fresh)), y_fresh).item()))
    return net, np.array(history)

runs = {"no regularization": {}, "L2 in Adam (weight_decay=1e-2)": dict(weight_decay=1e-2),
        "AdamW, decoupled decay 0.1": dict(optimizer="adamw", weight_decay=0.1), "dropout p=0.2": dict(p_drop=0.2)}
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
line = np.linspace(-1, 1, 200)[:, None]
for (label, kwargs), colour in zip(runs.items(), ("tab:red", "tab:blue", "tab:green", "tab:purple")):
    net, history = fit_curve(**kwargs)
    axes[0].plot(history[:, 0], history[:, 1], "--", color=colour)
    axes[0].plot(history[:, 0], history[:, 2], "-", color=colour, label=label)
    with ag.no_grad():
        axes[1].plot(line, net(ag.tensor(line)).data, color=colour, label=label)
    print(f"{label:31} final train MSE {history[-1, 1]:.3f}   test MSE {history[-1, 2]:.3f}   "
          f"gap {history[-1, 2] - history[-1, 1]:.3f}")
axes[0].axhline(0.09, color="0.5", linestyle=":", label="noise variance 0.09")
axes[0].set(yscale="log", xlabel="Adam step", ylabel="mean squared error (log scale)",
            title="training (dashed) and test (solid) error")
axes[1].plot(line, np.sin(3 * line), "k:", label="true sin(3x)")
axes[1].scatter(x_small, y_small, c="k", s=15, zorder=3, label="16 training points")
axes[1].set(xlabel="x", ylabel="y", title="fitted functions", ylim=(-2, 2))
for ax in axes:
    ax.legend(fontsize=7)
plt.show()
"""),
("md", """
Unregularized, the network drives its training error far below the noise level (it
fits the noise) while its test error climbs after an early minimum: overfitting; its
fitted curve bulges away from the sine in the gap without training points near x = 0.
Each regularizer ends with a lower test error and a smaller train-test gap than no
regularization (the printed lines), and a fitted curve closer to the sine. The
strengths are not tuned; the point is the gap, not a ranking.

## L2 under Adam is not weight decay

With plain SGD, adding λ/2·‖w‖² to the loss *is* weight decay: the step
w ← w − lr(g + λw) = (1 − lr·λ) w − lr·g shrinks every weight by the same factor.
`optim.SGD(weight_decay=λ)` and `optim.Adam(weight_decay=λ)` both add λw to the
gradient (PyTorch's convention). But Adam then divides each coordinate's step by the
running root-mean-square of its gradient, so the added λw is rescaled too: a weight
whose data gradient is large is hardly decayed, and a weight with no data gradient
moves by about lr per step whatever λ is. AdamW (Loshchilov and Hutter) decouples the
two: it applies w ← w − lr·λ·w directly, outside the adaptive scaling. Two weights,
both starting at 1, one with no data gradient and one with a large data gradient that
alternates ±10 (mean 0), 100 steps with lr = 0.001. Printed is the decay λ causes:
the weight after 100 steps with λ = 0 minus the weight after 100 steps with λ.
"""),
("code", """
def final_weights(make, lam, steps=100):
    w = ag.tensor(np.ones(2), requires_grad=True)
    opt = make([w], lr=0.001, weight_decay=lam)
    for step in range(steps):
        w.grad = ag.tensor(np.array([0.0, 10.0 if step % 2 == 0 else -10.0]))
        opt.step()
    return w.data

def decay(make, lam):
    return final_weights(make, 0.0) - final_weights(make, lam)

w = ag.tensor(np.array([0.5, -2.0]), requires_grad=True)
opt = optim.SGD([w], lr=0.1, weight_decay=0.3)
w.grad = ag.tensor(np.array([1.0, 1.0])); opt.step()
print("SGD(weight_decay) step equals (1 - lr*lam) w - lr g:",
      np.allclose(w.data, (1 - 0.1 * 0.3) * np.array([0.5, -2.0]) - 0.1 * np.array([1.0, 1.0])))
print("decay caused by lambda in 100 steps (quiet weight, noisy weight):")
for lam in (0.01, 0.1, 1.0):
    l2, decoupled = decay(optim.Adam, lam), decay(optim.AdamW, lam)
    print(f"  lambda = {lam:4}:  Adam + L2 {l2.round(4)}   AdamW {decoupled.round(4)}")
"""),
("md", """
Under Adam + L2 the quiet weight shrinks by about the same amount (about 100 · lr) for
every λ, and the noisy weight about 10 times less than under AdamW (its gradient's
scale, 10, divides the added λw): how much λ decays a weight depends on that weight's
gradient, not on λ alone. Under AdamW both weights shrink alike, by 1 − (1 − lr·λ)^100, in proportion
to λ: that is weight decay. This is why PyTorch has `AdamW`, and why the λ of Adam + L2
and the λ of AdamW are not comparable numbers (1e-2 and 0.1 above).

## L1 and sparsity

The L1 penalty's gradient is λ·sign(w), a constant push towards 0 whatever the weight's
size; L2's push λw fades as w shrinks. With plain SGD, L1 therefore drives weights whose data
gradient is weaker than λ to zero (then they hop across it by lr·λ = 10⁻³ per step),
while L2 only makes weights smaller. Under Adam both pushes are rescaled by the adaptive step,
and the difference blurs. Measured on softmax regression (a Linear(64 → 10) layer, 640
weights) on 300 digits, 300 full-batch steps, λ = 10⁻² for both penalties: the
fraction of weights with |w| < 10⁻³.
Some pixels are 0 in every training image (the printed count); their weights get no
data gradient at all, only the penalty's. The last column is the largest |w| among them.
"""),
("code", """
X300, Y300 = ag.tensor(x_train[:300].reshape(300, 64)), y_train[:300]
blank_pixels = x_train[:300].reshape(300, 64).max(axis=0) == 0
print(f"pixels that are 0 in all 300 training images: {blank_pixels.sum()} of 64 ({blank_pixels.sum() * 10} of the 640 weights, "
      f"{blank_pixels.mean():.1%})")

def sparsity(penalty, optimizer, lam=1e-2, steps=300):
    nn.init.manual_seed(0)
    linear = nn.Linear(64, 10)
    opt = optim.SGD(linear.parameters(), lr=0.1) if optimizer == "SGD" else optim.Adam(linear.parameters(), lr=0.01)
    for _ in range(steps):
        loss = F.cross_entropy(linear(X300), Y300)
        if penalty == "L2":
            loss = loss + (lam / 2) * (linear.weight * linear.weight).sum()
        if penalty == "L1":
            loss = loss + lam * linear.weight.abs().sum()
        opt.zero_grad(); loss.backward(); opt.step()
    with ag.no_grad():
        test_acc = (linear(ag.tensor(x_test.reshape(-1, 64))).data.argmax(1) == y_test).mean()
    near_zero = np.abs(linear.weight.data) < 1e-3
    return near_zero.mean(), near_zero[:, blank_pixels].sum(), test_acc, np.abs(linear.weight.data[:, blank_pixels]).max()

for optimizer in ("SGD", "Adam"):
    for penalty in ("none", "L2", "L1"):
        near_zero, blank_near_zero, test_acc, blank_largest = sparsity(penalty, optimizer)
        print(f"{optimizer:4} {penalty:4}: weights with |w| < 1e-3: {near_zero:6.1%} "
              f"(blank-pixel weights among them: {blank_near_zero:2} of {blank_pixels.sum() * 10})   test accuracy {test_acc:.3f}   "
              f"largest blank-pixel |w| {blank_largest:.0e}")
"""),
("md", """
With SGD, L1 leaves far more weights at (almost) zero than L2, which leaves about as
few as no penalty: that is L1's sparsity. Under Adam, L2 also leaves a share of the
weights near zero, all the blank-pixel weights among them (their only gradient is λw,
which Adam turns into steps of about lr that walk them to 0, as in the previous
section; the largest is left far below 10⁻³). Under Adam, L1's blank-pixel weights
come from about 10⁻¹ (the rows without a penalty) to within 10⁻² of 0, but no closer:
Adam rescales the constant ±λ into steps that do not shrink near 0, so they keep
hopping around it, and only about half of them are under 10⁻³ at the end. So the contrast between L1 and L2
is smaller than with SGD. L1 costs a few
points of test accuracy here at this λ.

## Optimizers on one problem

The `Classifier` from the top, now with 128 hidden units and dropout 0.2, 300 training
images in batches of 32,
10 epochs, five optimizers:
"""),
("code", """
def train_digits(optimizer, epochs=10):
    nn.init.manual_seed(0)
    model = Classifier(hidden=128, p_drop=0.2)
    opt = {"sgd": lambda ps: optim.SGD(ps, lr=0.1), "momentum": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9),
           "rmsprop": lambda ps: optim.RMSprop(ps, lr=0.003), "adam": lambda ps: optim.Adam(ps, lr=0.003),
           "adagrad": lambda ps: optim.Adagrad(ps, lr=0.05)}[optimizer](model.parameters())
    small = nn.data.DataLoader((x_train[:300], y_train[:300]), batch_size=32, shuffle=True, seed=0)
    losses = []
    for _ in range(epochs):
        model.train()
        for xb, yb in small:
            loss = F.cross_entropy(model(ag.tensor(xb)), yb)
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.item())
    model.eval()
    with ag.no_grad():
        return losses, (model(ag.tensor(x_test)).data.argmax(1) == y_test).mean()

plt.figure(figsize=(6.5, 3.8))
for name in ("sgd", "momentum", "rmsprop", "adagrad", "adam"):
    losses, te = train_digits(name)
    plt.plot(np.convolve(losses, np.ones(10) / 10, "valid"), label=f"{name} (test {te:.2f})")
plt.yscale("log"); plt.xlabel("iteration"); plt.ylabel("training loss (moving average)"); plt.legend()
plt.title("five optimizers, same model and data")
plt.show()
"""),
("md", """
## Exercises

**Exercise 1.** How many parameters does `Classifier(hidden=32)` have? Write
`n_params` from the layer sizes (64 inputs, 32 hidden units, 10 classes).
"""),
("code", """
# Solution (try it yourself before reading on)
n_params = 64 * 32 + 32 + 32 * 10 + 10
print(n_params)
"""),
("code", """
assert n_params == Classifier(hidden=32).num_parameters()
print("correct")
"""),
("md", """
**Exercise 2.** With the 1,347 training images and batches of 50, how many iterations
make one epoch? Write `iterations`.
"""),
("code", """
# Solution (try it yourself before reading on)
iterations = -(-len(x_train) // 50)   # ceiling division: the last, partial batch counts
print(iterations)
"""),
("code", """
assert iterations == len(nn.data.DataLoader((x_train, y_train), batch_size=50))
print("correct")
"""),
("md", """
**Exercise 3.** Write one step of SGD with weight decay by hand: `sgd_step(w, g, lr,
lam)` returns the new weights (numpy arrays in, numpy array out).
"""),
("code", """
# Solution (try it yourself before reading on)
def sgd_step(w, g, lr, lam):
    return w - lr * (g + lam * w)
"""),
("code", """
w0, g0 = np.array([1.0, -3.0, 0.5]), np.array([0.2, 0.1, -1.0])
param = ag.tensor(w0.copy(), requires_grad=True)
param.grad = ag.tensor(g0)
optim.SGD([param], lr=0.05, weight_decay=0.1).step()
assert np.allclose(sgd_step(w0, g0, 0.05, 0.1), param.data)
print("correct")
"""),
]
