TITLE = "11. Per-sample gradients with vmap(grad): gradient norms per example and the DP-SGD clip"
CELLS = [
("md", """
Backpropagation on a batch gives one gradient: the mean of the examples' gradients. Some
methods need each example's gradient on its own: differential privacy (DP-SGD clips every
example's gradient before averaging), influence functions, studies of gradient noise. A loop
over the examples gives them, one backward pass each. `ag.vmap(ag.grad(loss))` gives them
all in one vectorised pass, as `torch.func.vmap(torch.func.grad(...))` and JAX's
`vmap(grad(...))` do.

The model is a small MLP on scikit-learn's 8x8 digits (bundled, no download).
"""),
("code", """
import time
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import nn.functional as F
import optim
from nn.utils import functional_call
from autograd_cli.examples import load_digits
ag.tune_allocator();  # keep each training step's freed memory for the next (README: Speed tips); ';' hides its True

x_train, y_train, x_test, y_test, source = load_digits(seed=0)
print(source, "|", x_train.shape, "train,", x_test.shape, "test")

nn.init.manual_seed(0)
model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
opt = optim.Adam(model.parameters(), lr=1e-2)
for step in range(30):  # a short warm-up: gradients of a trained model differ from example to example
    idx = np.random.default_rng(step).integers(0, len(x_train), 64)
    opt.zero_grad()
    F.cross_entropy(model(ag.tensor(x_train[idx])), ag.tensor(y_train[idx])).backward()
    opt.step()
with ag.no_grad():
    print(f"test accuracy after 30 Adam steps: {(model(ag.tensor(x_test)).data.argmax(1) == y_test).mean():.1%}")
"""),
("md", """
## One gradient per example

The loss is written for **one** example (`x` of shape (8, 8), `y` a class index), as a
function of the parameters given as a dict; `functional_call` runs the model with those
parameters in place of its own. `ag.grad(loss)` is its gradient with respect to the
first argument (the dict), and `ag.vmap(..., in_dims=(None, 0, 0))` maps it over a batch:
the parameters are shared (`None`), x and y are batched along axis 0.
"""),
("code", """
params = {name: p.data for name, p in model.named_parameters()}

def loss(p, x, y):
    return F.cross_entropy(functional_call(model, p, (x[None],)), y[None])

batch = 64
xb, yb = x_train[:batch], y_train[:batch]
per_sample = ag.vmap(ag.grad(loss), in_dims=(None, 0, 0))(params, xb, yb)
for name, g in per_sample.items():
    print(f"{name:9} parameter {str(params[name].shape):9} per-sample gradients {g.shape}")
"""),
("md", """
The same numbers from a Python loop, one `grad` call per example, and the largest difference:
"""),
("code", """
loop = [ag.grad(loss)(params, xb[i], yb[i]) for i in range(batch)]
diff = max(np.abs(per_sample[name][i] - loop[i][name]).max() for i in range(batch) for name in params)
print(f"max |vmap - loop| over all examples and parameters: {diff:.1e}")
print("equal to float32 rounding:", diff < 1e-6)
"""),
("md", """
The batch gradient that `loss.backward()` computes on the whole batch (the mean cross-entropy)
is the mean of the per-sample gradients:
"""),
("code", """
model.zero_grad()
F.cross_entropy(model(ag.tensor(xb)), ag.tensor(yb)).backward()
gap = max(np.abs(per_sample[name].mean(axis=0) - p.grad.data).max() for name, p in model.named_parameters())
print(f"max |mean of per-sample gradients - batch gradient|: {gap:.1e}")
print("equal to float32 rounding:", gap < 1e-6)
"""),
("md", """
## Gradient norms per example

Each example's gradient is one vector across all parameters; its norm says how hard that
example pulls on the weights. Examples the model already classifies confidently give small
gradients (the cross-entropy's gradient with respect to the logits is p − onehot(y)); the
misclassified ones pull hardest. The histogram is over 512 training examples (8 batches of 64):
"""),
("code", """
def per_sample_norms(params, x, y):
    g = ag.vmap(ag.grad(loss), in_dims=(None, 0, 0))(params, x, y)
    return np.sqrt(sum((v.reshape(len(x), -1) ** 2).sum(axis=1) for v in g.values()))

x512, y512 = x_train[:512], y_train[:512]
norms = np.concatenate([per_sample_norms(params, x512[i:i + 64], y512[i:i + 64]) for i in range(0, 512, 64)])
with ag.no_grad():
    wrong = model(ag.tensor(x512)).data.argmax(1) != y512
print(f"{wrong.sum()} of 512 misclassified")
print(f"median gradient norm: correctly classified {np.median(norms[~wrong]):.3f}, misclassified {np.median(norms[wrong]):.3f}")
print(f"of the 20 largest norms, {wrong[np.argsort(norms)[-20:]].sum()} belong to misclassified examples")

plt.figure(figsize=(6, 3.2))
bins = np.linspace(0, norms.max(), 40)
plt.hist(norms[~wrong], bins=bins, label="classified correctly")
plt.hist(norms[wrong], bins=bins, label="misclassified", alpha=0.8)
plt.xlabel("per-example gradient norm ‖∇θ loss_i‖"); plt.ylabel("number of examples")
plt.title("512 training digits, after 30 Adam steps"); plt.legend(); plt.show()
"""),
("md", """
## The DP-SGD step

DP-SGD (Abadi et al., 2016) bounds what any one example can do to the weights: clip each
example's gradient to norm at most C (scale it by min(1, C/‖g_i‖)), average the clipped
gradients, then add Gaussian noise of standard deviation σ·C / batch to the average. The
clip is only possible with per-sample gradients: after averaging, the examples cannot be
told apart. C here is the median of the 512 norms above, so about half of a batch is clipped
(the first line below counts them):
"""),
("code", """
def dp_gradient(g, C, sigma, rng):
    '''Clip each example's gradient (dict of (batch, ...) arrays) to norm C, average, add N(0, (sigma C / batch)^2).'''
    n = len(next(iter(g.values())))
    norms = np.sqrt(sum((v.reshape(n, -1) ** 2).sum(axis=1) for v in g.values()))
    scale = np.minimum(1.0, C / np.maximum(norms, 1e-12))
    out = {}
    for name, v in g.items():
        clipped = (v * scale.reshape((n,) + (1,) * (v.ndim - 1))).mean(axis=0)
        out[name] = clipped + rng.normal(0.0, sigma * C / n, clipped.shape).astype(v.dtype)
    return out, norms * scale

def flat(d):
    return np.concatenate([d[name].ravel() for name in params])

C = float(np.median(norms))
clipped_only, clipped_norms = dp_gradient(per_sample, C, sigma=0.0, rng=np.random.default_rng(0))
noisy, _ = dp_gradient(per_sample, C, sigma=1.0, rng=np.random.default_rng(0))
mean_grad = flat({k: v.mean(axis=0) for k, v in per_sample.items()})
cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)
print(f"C = {C:.3f}; clipped: {(norms[:batch] > C).sum()} of {batch} examples of this batch")
print(f"largest norm after clipping: {clipped_norms.max():.3f} (at most C: {clipped_norms.max() <= C + 1e-6})")
print(f"norm of the mean gradient: plain {np.linalg.norm(mean_grad):.3f}, clipped {np.linalg.norm(flat(clipped_only)):.3f}, "
      f"clipped + noise (sigma 1) {np.linalg.norm(flat(noisy)):.3f}")
print(f"cosine with the plain mean gradient: clipped {cos(mean_grad, flat(clipped_only)):.3f}, "
      f"clipped + noise {cos(mean_grad, flat(noisy)):.3f}")
n_params = len(mean_grad)
print(f"norm of the noise alone (sigma 1): about sigma C / batch * sqrt({n_params} parameters) = {C / batch * np.sqrt(n_params):.3f}")
"""),
("md", """
Clipping shrinks the average and turns it a little (the cosine above, below 1). The noise is
larger than the clipped average itself: its standard deviation σC/64 per coordinate, over every
parameter, adds up to the norm on the last line, and it turns the step much further. Training still
makes progress with such steps (next cell): fresh noise is drawn at every step, while the
clipped gradients keep pointing downhill. Training with it: plain SGD against DP-SGD (clip C, noise σ = 1) from the same
start, 150 steps of batch 64 each, with the same learning rate:
"""),
("code", """
def train(dp, steps=150, lr=0.5, C=C, sigma=1.0):
    p = {name: v.copy() for name, v in params.items()}
    rng = np.random.default_rng(1)
    grad_all = ag.vmap(ag.grad(loss), in_dims=(None, 0, 0))
    for step in range(steps):
        idx = rng.integers(0, len(x_train), 64)
        g = grad_all(p, x_train[idx], y_train[idx])
        step_grad = dp_gradient(g, C, sigma, rng)[0] if dp else {k: v.mean(axis=0) for k, v in g.items()}
        for name in p:
            p[name] = p[name] - lr * step_grad[name]
    with ag.no_grad():
        logits = functional_call(model, {k: ag.tensor(v) for k, v in p.items()}, (ag.tensor(x_test),))
    return (logits.data.argmax(1) == y_test).mean()

start = time.perf_counter()
plain_acc, dp_acc = train(dp=False), train(dp=True)
print(f"test accuracy: start {(model(ag.tensor(x_test)).data.argmax(1) == y_test).mean():.1%}, "
      f"plain SGD {plain_acc:.1%}, DP-SGD {dp_acc:.1%}   ({time.perf_counter() - start:.0f} s for both)")
"""),
("md", """
Both improve on the start; DP-SGD pays for its guarantee with accuracy (the printed gap). How
much privacy σ = 1 buys over 150 steps is the job of a privacy accountant (the moments
accountant of Abadi et al.), which this notebook does not compute.

## vmap against the loop: time

vmap records `grad(loss)` on single examples and replays the recorded ops once on the whole
batch, with the batch axis in front (docs/transforms.md); the loop runs 64 forward and backward
passes on one example each. The printed ratio depends on the machine, its load, the batch size
and the model.
"""),
("code", """
def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return min(times)

t_vmap = best_of(lambda: ag.vmap(ag.grad(loss), in_dims=(None, 0, 0))(params, xb, yb))
t_loop = best_of(lambda: [ag.grad(loss)(params, xb[i], yb[i]) for i in range(batch)])
print(f"batch of {batch}: vmap {t_vmap * 1e3:.1f} ms, loop {t_loop * 1e3:.1f} ms, loop / vmap = {t_loop / t_vmap:.1f}")
"""),
("md", """
## Exercises

**1.** The per-sample gradient of the last layer's bias is p − onehot(y) (the softmax
probabilities minus the one-hot label; notebook 8). Check it against `per_sample["3.bias"]`.
"""),
("code", """
# Solution (try it yourself before reading on)
with ag.no_grad():
    probs = F.softmax(model(ag.tensor(xb)), dim=-1).data
by_formula = probs - np.eye(10, dtype=probs.dtype)[yb]
print(f"max |formula - vmap|: {np.abs(by_formula - per_sample['3.bias']).max():.1e}")
"""),
("code", """
assert np.allclose(by_formula, per_sample["3.bias"], atol=1e-6)
print("the bias gradient is p - onehot(y), example by example")
"""),
("md", """
**2.** The gradient norm of one example is also available without vmap, from one backward pass
on a batch of one. Compute the norm of example 5's gradient that way and compare with the
histogram's `norms[5]`.
"""),
("code", """
# Solution (try it yourself before reading on)
model.zero_grad()
F.cross_entropy(model(ag.tensor(x512[5:6])), ag.tensor(y512[5:6])).backward()
norm_5 = np.sqrt(sum((p.grad.data ** 2).sum() for p in model.parameters()))
print(f"one backward pass: {norm_5:.5f}; vmap: {norms[5]:.5f}")
"""),
("code", """
assert np.isclose(norm_5, norms[5], rtol=1e-5)
print("the same norm both ways")
"""),
("md", """
**3.** Clip by hand: scale each example's gradient in `per_sample` (all parameters as one vector)
by min(1, C/‖g_i‖) and divide it by the batch size: that is the example's contribution to the
averaged gradient. Check that no contribution exceeds C / 64 in norm, however large the
example's gradient was, and that the contributions add up to `clipped_only`, the average
`dp_gradient` returned with σ = 0.
"""),
("code", """
# Solution (try it yourself before reading on)
g_flat = np.concatenate([per_sample[name].reshape(batch, -1) for name in params], axis=1)  # (64, parameters)
g_norms = np.linalg.norm(g_flat, axis=1)
contributions = g_flat * np.minimum(1.0, C / g_norms)[:, None] / batch
shares = np.linalg.norm(contributions, axis=1)
print(f"largest contribution {shares.max():.5f}, C / batch = {C / batch:.5f}; unclipped it would be {g_norms.max() / batch:.5f}")
"""),
("code", """
assert (shares <= C / batch * (1 + 1e-6)).all()
assert np.allclose(contributions.sum(axis=0), flat(clipped_only), rtol=1e-5, atol=1e-8)
print("every example's share is bounded by C / batch, and the shares add up to the clipped average")
"""),
]
