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
matrix), and that generator is seeded separately from the data's. After the study come
the variance argument behind Xavier and He (with a slip in the notes' statement of
them), symmetry breaking, BatchNorm in training and in evaluation mode, and exercises.
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
PROBE = np.random.default_rng(3).standard_normal((500, WIDTH)).astype(np.float32)  # a fixed random linear loss

def deep_net(act, init, batchnorm=False, width=WIDTH, layers=LAYERS):
    '''layers x (Linear without bias [+ BatchNorm] + activation); init(weight, rng) fills each weight.'''
    rng = np.random.default_rng(WEIGHT_SEED)
    mods = []
    for _ in range(layers):
        lin = nn.Linear(width, width, bias=False)
        init(lin.weight, rng)
        mods += [lin] + ([nn.BatchNorm1d(width)] if batchnorm else []) + [ACTIVATIONS[act]()]
    return nn.Sequential(*mods)

def activations_and_grads(model, x, loss="square"):
    '''Each activation layer's output and the gradient of the loss with respect to it.

    loss="square" is mean(out²); loss="linear" is mean(out * PROBE), whose gradient does not depend on out.'''
    x = ag.tensor(x)
    outs = []
    for m in model:
        x = m(x)
        if isinstance(m, tuple(ACTIVATIONS.values())):
            x.retain_grad()
            outs.append(x)
    (x ** 2 if loss == "square" else x * ag.tensor(PROBE)).mean().backward()
    return [o.data for o in outs], [o.grad.data for o in outs]

def study(act, inits, title):
    '''Histograms of activations (top) and mean |gradient| per layer (bottom), one column per init.'''
    fig, axes = plt.subplots(2, len(inits), figsize=(3.4 * len(inits), 5.6), squeeze=False)
    for ax in axes[1, 1:]:
        ax.sharey(axes[1, 0])  # one gradient scale per figure, so the columns compare directly
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
the last (the gradient panels of one figure share their y-axis). Orders of magnitude
below 1 mean the gradient vanishes on its way to the input, orders of magnitude above
1 that it explodes; within a small factor of 1 over ten layers it does neither.

- **σ = 0.01**: activations shrink to a narrow peak at 0 (tanh) or 0.5 (sigmoid) and the
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
HE = lambda w, rng: nn.init.kaiming_normal_(w, nonlinearity="relu", rng=rng)
study("tanh", [("Xavier", lambda w, rng: nn.init.xavier_normal_(w, gain=5 / 3, rng=rng), False),
               ("N(0, 0.01²) + BatchNorm", normal(0.01), True)], "tanh")
study("relu", [("N(0, 0.01²)", normal(0.01), False), ("He (Kaiming)", HE, False),
               ("N(0, 0.01²) + BatchNorm", normal(0.01), True)], "relu")
"""),
("md", """
For tanh, Xavier (1.3) and BatchNorm (0.89) keep the gradient's size through all ten
layers. For ReLU, N(0, 0.01²) makes it vanish (1.9e−08). He prints 6.2 and ReLU with
BatchNorm 4.8: above 1, but by a factor of a few over ten layers, not the 5e+03 of tanh
at σ = 1, and for two different reasons. Swap the test loss mean(out²) for a fixed
random linear loss mean(out · R), whose gradient does not depend on the output:
"""),
("code", """
def layer_ratio(init, batchnorm, loss):
    '''mean |grad| at layer 1 / at the last layer, for a ReLU stack.'''
    size = [np.abs(g).mean() for g in activations_and_grads(deep_net("relu", init, batchnorm), X, loss)[1]]
    return size[0] / size[-1]

for name, init, bn in (("He (Kaiming)", HE, False), ("N(0, 0.01²) + BatchNorm", normal(0.01), True)):
    print(f"relu {name:24} layer 1 / layer 10 with mean(out²): {layer_ratio(init, bn, 'square'):.1f},"
          f"  with a fixed random linear loss: {layer_ratio(init, bn, 'linear'):.1f}")

bn_acts = activations_and_grads(deep_net("relu", normal(0.01), True), X)[0]
rms_over_std = np.mean([np.sqrt((a ** 2).mean(0)).mean() / a.std(0).mean() for a in bn_acts[:-1]])
per_layer = layer_ratio(normal(0.01), True, "linear") ** (1 / (LAYERS - 1))
print(f"BatchNorm stack: gradient growth per layer {per_layer:.3f}; rms/std of the ReLU outputs {rms_over_std:.3f};"
      f" sqrt(pi/(pi-1)) = {np.sqrt(np.pi / (np.pi - 1)):.3f}")
"""),
("md", """
- **He**: with the linear loss the ratio is 1.0, so the initialization itself keeps
  the gradient's size; the 6.2 comes from the test loss. The gradient of mean(out²) is
  2·out/N, a function of the network's own output, so it is correlated with the
  weights the backward pass multiplies it by; the variance argument (next section),
  run backwards, assumes they are independent.
- **BatchNorm**: the ratio stays above 1 with the linear loss too: BatchNorm itself
  grows the gradient, a known property of deep BatchNorm networks at initialization
  (Yang et al., *A Mean Field Theory of Batch Normalization*, ICLR 2019). Each
  BatchNorm divides the gradient by the batch standard deviation of its input
  z = W a, which is proportional to std(a); the weights and the ReLU mask scale the
  gradient as they scale rms(a) (the variance argument of the next section, run
  backwards). ReLU outputs are never negative, so std(a) < rms(a), and the gradient
  grows by about rms(a)/std(a) per layer. For ReLU of a unit Gaussian that is
  √(π/(π − 1)); the last line shows the three numbers agree.

## The variance argument behind Xavier and He

A unit computes z = Σₖ wₖ xₖ over its n inputs. With the weights drawn independently
of the inputs, with mean 0: Var(wₖ xₖ) = E[wₖ²] E[xₖ²] = Var(w) · E[x²], and the n terms
are uncorrelated, so

  Var(z) = n · Var(w) · E[x²].

- If the inputs have mean 0 (a linear or tanh layer near 0), E[x²] = Var(x), so
  Var(z) = n · Var(w) · Var(x): the variance is multiplied by n · Var(w) per layer.
  Var(w) = 1/n keeps it constant: Xavier (Glorot and Bengio average this with the
  backward pass's condition, Var(w) = 2/(fan_in + fan_out), which is 1/n for square
  layers).
- After a ReLU, x = max(z′, 0) with z′ symmetric about 0, so E[x²] = Var(z′)/2: half the
  variance is lost per layer, and Var(w) = 2/n makes up for it: He.

Measured layer by layer on 10 layers of width 256: the variance of z at each layer, and
the prediction n · Var(w) · E[x²] computed from that layer's measured input:
"""),
("code", """
def variance_table(act, var_w):
    '''Var(z) after each Linear of a width-256 stack with weights N(0, var_w), and n * var_w * E[x²] of its input.'''
    model = deep_net(act, normal(np.sqrt(var_w)))
    x, measured, predicted = ag.tensor(X), [], []
    for m in model:
        if isinstance(m, nn.Linear):
            predicted.append(WIDTH * var_w * float((x.data ** 2).mean()))
            x = m(x)
            measured.append(float(x.data.var()))
        else:
            x = m(x)
    return measured, predicted

ACTIVATIONS["identity"] = nn.Identity
for act, c in (("identity", 0.5), ("identity", 1.0), ("identity", 2.0), ("relu", 1.0), ("relu", 2.0)):
    measured, predicted = variance_table(act, c / WIDTH)
    worst = max(abs(m / p - 1) for m, p in zip(measured, predicted))
    print(f"{act:8} Var(w) = {c:g}/n: Var(z) at layers 1, 2, 5, 10 = "
          + ", ".join(f"{measured[i]:.3g}" for i in (0, 1, 4, 9))
          + f";  measured / predicted within {worst:.1%} at every layer")
"""),
("md", """
Each layer's variance is the prediction from its input to within the printed margin
(the weights are one random draw, not the distribution). Without an activation,
Var(w) = 1/n keeps Var(z) near 1, and 0.5/n or 2/n halve or double it per layer. After
ReLU, 1/n roughly halves it per layer, and He's 2/n roughly holds it (1.99 at layer 1,
1.74 at layer 10). The argument is about the average over weight draws; one draw
deviates from it, more so after ReLU, as the margins show.

### A slip in the notes: standard deviation called variance

Seed 004 states Xavier as "方差为sqrt(2/(fan_in+fan_out))的正太分布" and He as
"方差为sqrt(2/fan_in)的正太分布": a normal distribution whose **variance** is
sqrt(2/fan_in). Their code, `np.random.randn(node_in, node_out) * np.sqrt(2/node_in)`,
scales a unit normal by sqrt(2/fan_in): that is the **standard deviation**, the
variance is 2/fan_in. The code is right and the sentence is not; for n = 256 the
difference is large:
"""),
("code", """
n = WIDTH
w_code = np.random.default_rng(WEIGHT_SEED).standard_normal((n, n)) * np.sqrt(2 / n)  # the notes' He code
print(f"the notes' code: std {w_code.std():.4f}, variance {w_code.var():.5f};  sqrt(2/n) = {np.sqrt(2 / n):.4f}, 2/n = {2 / n:.5f}")
for label, var_w in (("variance 2/n (He, as the code does)", 2 / n), ("variance sqrt(2/n) (the sentence)", np.sqrt(2 / n))):
    measured, _ = variance_table("relu", var_w)
    print(f"ReLU stack, {label:36}: Var(z) at layer 1 = {measured[0]:.3g}, at layer 10 = {measured[9]:.3g}")
"""),
("md", """
Read literally, the sentence gives a variance of sqrt(2/256) ≈ 0.088 instead of
2/256 ≈ 0.0078: each ReLU layer then multiplies the variance by n · sqrt(2/n) / 2 = sqrt(n/2),
about 11, and after ten layers it has grown by about 11⁹ (second line), where the
code's He keeps it near where it started.
"""),
("md", """
## Why not all zeros? Symmetry

Seed 003: "if all parameters are set to 0, all layers and units do the same computation,
wasting many units".
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

def train_small(zero_init, width=16):
    nn.init.manual_seed(WEIGHT_SEED)
    model = nn.Sequential(nn.Linear(2, width), nn.Sigmoid(), nn.Linear(width, 2))
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
print(f"one hidden unit, random init: training accuracy {train_small(False, width=1)[1]:.1%}")

zero_tanh = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
for p in zero_tanh.parameters():
    nn.init.zeros_(p)
F.cross_entropy(zero_tanh(ag.tensor(XM)), YM).backward()
print("all-zero tanh network, largest |gradient| per parameter:",
      {name: round(float(np.abs(p.grad.data).max()), 4) for name, p in zero_tanh.named_parameters()})
"""),
("md", """
With zeros, the 16 hidden units are still one unit repeated after training, and the
network does no better than a network with a single hidden unit (third line), which
cannot separate the rings; random initialization breaks the symmetry. With tanh (or
ReLU) hidden units an all-zero network is stuck even harder: the hidden outputs are 0,
so no weight receives any gradient at all, only the output bias (last line).

## BatchNorm in training and in evaluation mode

Seed 004: in training, BatchNorm normalizes with the mean and variance of the current
batch; at test time it uses values saved during training. In the library (as in
PyTorch) a BatchNorm layer in training mode also updates running averages,
running = 0.9 · running + 0.1 · batch statistic (momentum 0.1, the variance unbiased),
starting from mean 0 and variance 1; `eval()` switches to normalizing with them.
"""),
("code", """
rng = np.random.default_rng(DATA_SEED)
batch = rng.normal(3.0, 2.0, (64, 3)).astype(np.float32)   # three features, mean 3, std 2
print("the batch's own mean:", batch.mean(0).round(3), " variance (unbiased):", batch.var(0, ddof=1).round(3))
norm = nn.BatchNorm1d(3)
train_out = norm(ag.tensor(batch)).data
print("training mode, output mean per feature:", train_out.mean(0).round(3) + 0.0, " std:", train_out.std(0).round(3))
print("running mean after that one batch:", norm.running_mean.data.round(3), " running var:", norm.running_var.data.round(3))
norm.eval()
eval_out = norm(ag.tensor(batch)).data
print("eval mode, same batch, output mean per feature: ", eval_out.mean(0).round(3), " std:", eval_out.std(0).round(3))

norm.train()
for _ in range(100):
    norm(ag.tensor(rng.normal(3.0, 2.0, (64, 3)).astype(np.float32)))
norm.eval()
print("after 100 more training batches: running mean", norm.running_mean.data.round(2),
      " running var", norm.running_var.data.round(2))
eval_out = norm(ag.tensor(batch)).data
print("eval mode, same batch, output mean per feature: ", eval_out.mean(0).round(3), " std:", eval_out.std(0).round(3))

one = batch[:1]
others = [rng.normal(3.0, 2.0, (7, 3)).astype(np.float32) for _ in range(2)]
norm.train()
in_batches = [norm(ag.tensor(np.r_[one, o])).data[0] for o in others]
norm.eval()
alone = [norm(ag.tensor(np.r_[one, o])).data[0] for o in others]
print("one example in two different batches, training mode:", in_batches[0].round(3), in_batches[1].round(3))
print("the same, eval mode:                                 ", alone[0].round(3), alone[1].round(3))
"""),
("md", """
- In training mode the output of each feature has mean 0 and standard deviation 1 over
  the batch, whatever the input's scale: the batch's own statistics are used.
- One training batch moves the running statistics only a tenth of the way from (0, 1)
  towards the batch's own mean and variance (first line), so evaluation mode right after
  it normalizes with the wrong values, and the same batch gives a different output
  (mean far from 0).
- After 100 more batches the running statistics are near the data's mean 3 and
  variance 4, and evaluation mode roughly standardizes the batch (means within 0.26 of
  0, standard deviations about 0.9), though not exactly as training mode does: the
  running statistics describe the data, not this particular batch.
- In training mode an example's output depends on the other examples in its batch (two
  batches, two outputs); in evaluation mode it does not. That is why a model must be
  switched with `eval()` before testing: predictions should not depend on which
  examples happen to share a batch. A batch of one has no variance to normalize by, so
  training mode refuses it:
"""),
("code", """
norm.train()
try:
    norm(ag.tensor(one))
except ValueError as error:
    print("ValueError:", error)
norm.eval()
print("eval mode, the same single example:", norm(ag.tensor(one)).data.round(3))
"""),
("md", """
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
("md", """
## Exercises

**Exercise 1.** Xavier's uniform form draws w from U(−a, a). A uniform distribution on
(−a, a) has variance a²/3. Which a gives Var(w) = 2/(fan_in + fan_out) for a 256 x 128
layer? Store it in `my_bound`, and fill a weight with `nn.init.xavier_uniform_` to check.
"""),
("code", """
# Solution (try it yourself before reading on)
fan_in, fan_out = 256, 128
my_bound = np.sqrt(6 / (fan_in + fan_out))
"""),
("code", """
layer = nn.Linear(256, 128, bias=False)
nn.init.xavier_uniform_(layer.weight, rng=np.random.default_rng(0))
w_drawn = layer.weight.data
assert np.abs(w_drawn).max() <= my_bound and np.abs(w_drawn).max() > 0.99 * my_bound
assert abs(w_drawn.var() / (my_bound ** 2 / 3) - 1) < 0.02
print(f"bound {my_bound:.4f}, largest |w| drawn {np.abs(w_drawn).max():.4f}, variance {w_drawn.var():.6f}")
"""),
("md", """
**Exercise 2.** Use the variance argument to predict Var(z) at layer 10 of a ReLU stack
of width 256 with weights N(0, 1.5/n), from the measured Var(z) at layer 1 (each layer
multiplies it by n · Var(w) / 2). Store the prediction in `my_prediction`.
"""),
("code", """
# Solution (try it yourself before reading on)
first = variance_table("relu", 1.5 / WIDTH)[0][0]
my_prediction = first * (WIDTH * (1.5 / WIDTH) / 2) ** 9
"""),
("code", """
measured = variance_table("relu", 1.5 / WIDTH)[0][9]
assert abs(measured / my_prediction - 1) < 0.15, (measured, my_prediction)  # one factor too many or too few is off by more
print(f"predicted {my_prediction:.4f}, measured {measured:.4f}")
"""),
("md", """
**Exercise 3.** Write BatchNorm's training-mode forward pass yourself for `batch`:
(x − mean) / sqrt(var + eps) per feature, with the biased batch variance and eps = 1e−5
(γ = 1, β = 0 at initialization). Store the result in `my_bn`.
"""),
("code", """
# Solution (try it yourself before reading on)
my_bn = (batch - batch.mean(0)) / np.sqrt(batch.var(0) + 1e-5)
"""),
("code", """
fresh = nn.BatchNorm1d(3)
assert np.allclose(my_bn, fresh(ag.tensor(batch)).data, atol=1e-5)
print("same as nn.BatchNorm1d in training mode")
"""),
]
