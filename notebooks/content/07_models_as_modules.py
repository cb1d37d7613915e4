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
activation g, the number of iterations, the batch size, the regularization strength.
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
## Regularization: L2, L1 and dropout

The notes add λ/2·Σw² (L2, weight decay) or λ·Σ|w| (L1) to the cost. With the engine
these are just more terms in the loss. Dropout zeroes hidden units at random during
training (and scales the rest by 1/(1−p)); `eval()` turns it off.
"""),
("code", """
def fit(penalty=None, lam=0.0, p_drop=0.0, optimizer="adam", epochs=15, seed=0):
    nn.init.manual_seed(seed)
    model = Classifier(hidden=128, p_drop=p_drop)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    opt = {"sgd": lambda ps: optim.SGD(ps, lr=0.1), "momentum": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9),
           "rmsprop": lambda ps: optim.RMSprop(ps, lr=0.003), "adam": lambda ps: optim.Adam(ps, lr=0.003),
           "adagrad": lambda ps: optim.Adagrad(ps, lr=0.05)}[optimizer](model.parameters())
    small = nn.data.DataLoader((x_train[:300], y_train[:300]), batch_size=32, shuffle=True, seed=seed)
    losses = []
    for _ in range(epochs):
        model.train()
        for xb, yb in small:
            loss = F.cross_entropy(model(ag.tensor(xb)), yb)
            if penalty == "l2":
                loss = loss + (lam / 2) * sum((w * w).sum() for w in weights)
            if penalty == "l1":
                loss = loss + lam * sum(w.abs().sum() for w in weights)
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.item())
    model.eval()
    with ag.no_grad():
        train_acc = (model(ag.tensor(x_train[:300])).data.argmax(1) == y_train[:300]).mean()
        test_acc = (model(ag.tensor(x_test)).data.argmax(1) == y_test).mean()
    zero = sum(int((np.abs(w.data) < 1e-3).sum()) for w in weights) / sum(w.size for w in weights)
    return losses, train_acc, test_acc, zero

print("training on only 300 images, so overfitting is easy to see")
for label, kwargs in [("no regularization", {}), ("L2, lambda=1e-3", dict(penalty="l2", lam=1e-3)),
                      ("L1, lambda=1e-4", dict(penalty="l1", lam=1e-4)), ("dropout p=0.5", dict(p_drop=0.5))]:
    _, tr, te, zero = fit(**kwargs)
    print(f"{label:20} train {tr:.3f}  test {te:.3f}  weights below 1e-3: {zero:.1%}")
"""),
("md", """
L1 pushes weights to (almost) exactly zero — sparsity. Both penalties also zero the
weights of the border pixels that are blank in every image: no data gradient reaches
them, only the penalty's. With 300 training images the test accuracies differ by a
point or so; the regularizers matter more as the gap between training and test
accuracy grows. `weight_decay=λ` in the optimizers is the L2 term folded into the
gradient.

## Optimizers on one problem
"""),
("code", """
plt.figure(figsize=(6.5, 3.8))
for name in ("sgd", "momentum", "rmsprop", "adagrad", "adam"):
    losses, _, te, _ = fit(optimizer=name, epochs=10)
    plt.plot(np.convolve(losses, np.ones(10) / 10, "valid"), label=f"{name} (test {te:.2f})")
plt.yscale("log"); plt.xlabel("iteration"); plt.ylabel("training loss (moving average)"); plt.legend()
plt.show()
"""),
]
