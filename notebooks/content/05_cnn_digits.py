TITLE = "5. Convolutional networks on handwritten digits"
CELLS = [
("md", """
Seed 001 introduces convolution, padding, stride, receptive fields and pooling. The
output size along each axis is (w − F + 2P)/S + 1 for input size w, kernel F, padding
P and stride S. Our `Conv2d` layer is one engine op: the padded image is cut into
windows laid out as columns (im2col), then one matrix product with the kernels; its
backward is the two matching products and col2im, which adds each column back onto its
window. `ag.ops.conv2d_composed(ag.ops, x, w, b)` records the same computation as six
separate ops, for a closer look at the graph.
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
from autograd_cli import examples
ag.tune_allocator()  # keep each training step's freed memory for the next (README: Speed tips)

for w, F_, P, S in [(28, 3, 0, 1), (28, 3, 1, 1), (28, 5, 2, 2), (8, 3, 1, 2)]:
    out = nn.Conv2d(1, 1, F_, stride=S, padding=P)(ag.zeros(1, 1, w, w))
    print(f"w={w} F={F_} P={P} S={S}: formula {(w - F_ + 2 * P) // S + 1}, engine {out.shape[-1]}")
"""),
("md", """
## Training a small CNN on scikit-learn's 8x8 digits

Conv(1→8, 3x3, padding 1) → ReLU → MaxPool(2) → Conv(8→16, 3x3, padding 1) → ReLU →
MaxPool(2) → Linear(16·2·2 → 10). The data ships inside scikit-learn: no download.
"""),
("code", """
import optim
x_train, y_train, x_test, y_test, source = examples.load_digits()
print(source)
nn.init.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(16 * 2 * 2, 10))
print(model)
opt = optim.Adam(model.parameters(), lr=0.01)
loader = nn.data.DataLoader((x_train[:, None], y_train), batch_size=64, shuffle=True, seed=0)
losses = []
for epoch in range(8):
    for xb, yb in loader:
        loss = nn.functional.cross_entropy(model(ag.tensor(xb)), yb)
        opt.zero_grad(); loss.backward(); opt.step()
        losses.append(loss.item())
model.eval()
with ag.no_grad():
    test_acc = (model(ag.tensor(x_test[:, None])).data.argmax(1) == y_test).mean()
print(f"test accuracy after 8 epochs: {test_acc:.3f}")
plt.figure(figsize=(5, 3)); plt.plot(losses); plt.xlabel("iteration (batch of 64)"); plt.ylabel("training loss")
plt.title("small CNN on 8x8 digits, Adam"); plt.show()
"""),
("md", """
## What the first layer sees: kernels and feature maps of one digit

Kernel weights are signed, so they are drawn with a diverging colour map centred at
zero (red positive, blue negative, white 0) on one shared scale; feature maps are
non-negative after the ReLU.
"""),
("code", """
image = ag.tensor(x_test[:1, None])
maps = model[1](model[0](image)).data[0]
kernels = model[0].weight.data[:, 0]
limit = np.abs(kernels).max()
fig, axes = plt.subplots(2, 9, figsize=(14, 3.4))
axes[0, 0].imshow(x_test[0], cmap="gray"); axes[0, 0].set_title(f"digit {y_test[0]}", fontsize=8)
axes[1, 0].axis("off")
for k in range(8):
    kernel_image = axes[0, k + 1].imshow(kernels[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[0, k + 1].set_title(f"kernel {k}", fontsize=8)
    map_image = axes[1, k + 1].imshow(maps[k], cmap="viridis", vmin=0, vmax=maps.max())
    axes[1, k + 1].set_title(f"feature map {k}", fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([]); ax.set_yticks([])
fig.colorbar(kernel_image, ax=axes[0, :].tolist(), label="kernel weight", shrink=0.9)
fig.colorbar(map_image, ax=axes[1, :].tolist(), label="activation", shrink=0.9)
plt.show()
"""),
("md", """
The kernels differ from one another, so each feature map lights up on a different
local pattern of the same digit. Max pooling keeps the strongest response in each 2x2
window, and in backward routes the gradient to that one winner (shown below).
"""),
("md", """
## Backpropagation through a convolution

For L = Σ out ⊙ G (G the cotangent arriving from above), the two gradients of a
convolution are again convolutions:
- ∂L/∂w is the correlation of the input with G: each weight collects input × G over
  every position where it was used;
- ∂L/∂x is the "full" correlation of G with the kernel flipped in both axes (pad G by
  k − 1 − P and slide the flipped kernel): each input pixel collects G from every
  output that saw it.

The engine's one-op `Conv2d`, its six-op composed form `conv2d_composed` and these
two formulas written with `F.conv2d` must all agree, and `gradcheck` compares the
engine's derivatives (reverse and forward mode) with finite differences.
"""),
("code", """
import nn.functional as F
from autograd_core.ops import conv2d_composed

rng = np.random.default_rng(0)
x = ag.tensor(rng.standard_normal((1, 1, 6, 6)), requires_grad=True)
w = ag.tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
b = ag.tensor(rng.standard_normal(1), requires_grad=True)
G = rng.standard_normal((1, 1, 6, 6))

fused = F.conv2d(x, w, b, padding=1)
(fused * ag.tensor(G)).sum().backward()
grads_fused = [t.grad.data.copy() for t in (x, w, b)]
for t in (x, w, b):
    t.grad = None
composed = conv2d_composed(ag.ops, x, w, b, padding=(1, 1))
(composed * ag.tensor(G)).sum().backward()
from autograd_core.graph import op_name, parents, topological_order
def count_ops(root):
    '''Op nodes (non-leaves) in the graph that produced `root`, counted by walking it.'''
    return sum(1 for node in topological_order(root, parents) if op_name(node))
print("op nodes recorded, fused:", count_ops(fused), "  composed:", count_ops(composed))
print("forward, fused vs composed:  ", np.allclose(fused.data, composed.data))
print("gradients, fused vs composed:", all(np.allclose(g, t.grad.data) for g, t in zip(grads_fused, (x, w, b))))

dw_formula = F.conv2d(ag.tensor(x.data.transpose(1, 0, 2, 3)), ag.tensor(G.transpose(1, 0, 2, 3)), padding=1).data
dx_formula = F.conv2d(ag.tensor(G), ag.tensor(w.data[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)), padding=1).data
print("dL/dw = correlation of x with G:      ", np.allclose(dw_formula.transpose(1, 0, 2, 3), grads_fused[1]))
print("dL/dx = G correlated with flipped w:  ", np.allclose(dx_formula, grads_fused[0]))
print("dL/db = sum of G:                     ", np.allclose(G.sum(), grads_fused[2]))
print("gradcheck, fused Conv2d:   ", ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding=1), (x, w, b)))
print("gradcheck, composed form:  ", ag.gradcheck(lambda x, w, b: conv2d_composed(ag.ops, x, w, b, padding=(1, 1)), (x, w, b)))
print("gradcheck, stride 2:       ", ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=2), (x, w, b)))
"""),
("md", """
## Backpropagation through pooling

Max pooling passes each window's gradient to the one input that was the maximum (the
others get 0); average pooling spreads it evenly, 1/4 to each input of a 2×2 window.
The composed form of 2×2 max pooling is a reshape into windows and a maximum over the
two window axes; with no ties it gives the same gradient.
"""),
("code", """
x = ag.tensor(rng.standard_normal((1, 1, 4, 4)), requires_grad=True)
F.max_pool2d(x, 2).sum().backward()
max_grad = x.grad.data[0, 0].copy()
x.grad = None
windows_max = x.reshape(1, 1, 2, 2, 2, 2).max(axis=(3, 5))
windows_max.sum().backward()
print("input:\\n", x.data[0, 0].round(2))
print("gradient of sum(max_pool2d(x, 2)):\\n", max_grad)
print("same as the composed form:", np.array_equal(max_grad, x.grad.data[0, 0]))
x.grad = None
F.avg_pool2d(x, 2).sum().backward()
print("gradient of sum(avg_pool2d(x, 2)):\\n", x.grad.data[0, 0])
print("gradcheck, max pooling:", ag.gradcheck(lambda x: F.max_pool2d(x, 2), (x,)),
      "  average pooling:", ag.gradcheck(lambda x: F.avg_pool2d(x, 2), (x,)),
      "  composed max:", ag.gradcheck(lambda x: x.reshape(1, 1, 2, 2, 2, 2).max(axis=(3, 5)), (x,)))
"""),
("md", """
## The receptive field, computed

The receptive field of a unit is the set of input pixels it depends on (seed 001). The
usual recursion over layers: with r the field size and j the distance in input pixels
between neighbouring units, a layer of kernel k and stride s gives r ← r + (k − 1)·j and
j ← j·s. The engine can measure it directly: the gradient of one output unit with
respect to the input is non-zero exactly on the pixels that unit depends on. To see
the whole field (max pooling would route the gradient to single pixels, and a ReLU
could block it), the same geometry is built with positive kernels, average pooling
and no activations, on a 32×32 input.
"""),
("code", """
geometry = [("conv 3x3", 3, 1), ("pool 2x2", 2, 2), ("conv 3x3", 3, 1), ("pool 2x2", 2, 2)]
size, jump = 1, 1
for name, k, s in geometry:
    size, jump = size + (k - 1) * jump, jump * s
    print(f"after {name}: receptive field {size}x{size}, units {jump} input pixels apart")

probe = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.AvgPool2d(2),
                      nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.AvgPool2d(2))
for layer in (probe[0], probe[2]):
    nn.init.ones_(layer.weight)
image = ag.tensor(np.zeros((1, 1, 32, 32), dtype=np.float32), requires_grad=True)
probe(image)[0, 0, 4, 4].backward()
rows, cols = np.nonzero(image.grad.data[0, 0])
print(f"measured by backprop: output unit (4, 4) depends on rows {rows.min()}..{rows.max()}, "
      f"columns {cols.min()}..{cols.max()}: {rows.max() - rows.min() + 1}x{cols.max() - cols.min() + 1} pixels")
field_weights = image.grad.data[0, 0, rows.min():rows.max() + 1, cols.min():cols.max() + 1]
print(f"largest weight in the field / weight at its corner: {field_weights.max() / field_weights[0, 0]:.0f}")
plt.figure(figsize=(5, 4))
plt.imshow(image.grad.data[0, 0], cmap="viridis")
plt.colorbar(label="d out[4, 4] / d pixel")
plt.title("receptive field of output unit (4, 4)", fontsize=9)
plt.xlabel("column"); plt.ylabel("row")
plt.show()
"""),
("md", """
The nominal field of a final unit, 10×10 = 100 pixels, is larger than the whole 8×8
digit, but only 49 of those 100 pixels lie on the digit (printed below); the other 51 lie
in the zero padding. On the digit itself the same probe, fed an 8×8 image,
gives a 2×2 grid of final units (the classifier's 16·2·2 inputs are 16 channels at
these four positions); backprop shows which pixels each one depends on:
"""),
("code", """
digit = ag.tensor(np.zeros((1, 1, 8, 8), dtype=np.float32), requires_grad=True)
final = probe(digit)
print("final feature map of an 8x8 digit:", final.shape[-2:])
seen = np.zeros((2, 2, 8, 8), dtype=bool)
for i in range(2):
    for j in range(2):
        digit.grad = None
        probe(digit)[0, 0, i, j].backward()
        seen[i, j] = digit.grad.data[0, 0] != 0
        rows, cols = np.nonzero(seen[i, j])
        print(f"final unit ({i}, {j}) sees rows {rows.min()}..{rows.max()}, columns {cols.min()}..{cols.max()}: "
              f"{seen[i, j].sum()} of 64 pixels")
print("pixels seen by all four units:", int(seen.all(axis=(0, 1)).sum()), "  by at least one:", int(seen.any(axis=(0, 1)).sum()))
"""),
("md", """
So no single input of the classifier sees the entire image: each final unit sees a 7×7
corner of the 8×8 digit (49 of 64 pixels), the four corners overlap in the middle 6×6,
and only the Linear layer, which reads all four positions, combines information from
the whole digit. The weights inside a field are not uniform either (in the 32×32 picture
above, the centre is reached by more paths than the corner and weighs more, by the
factor printed there), the reason the *effective*
receptive field is smaller than the nominal one.

## A fully-connected layer is a 1×1 convolution

Seed 001 notes that a fully-connected computation is equivalent to a convolution with
a 1×1 kernel. Precisely: a Linear layer from C to D features applied at every pixel of
a C-channel feature map is a Conv2d(C, D, 1) whose kernel is the Linear weight reshaped
to (D, C, 1, 1). (Our classifier's final Linear reads a flattened 16×2×2 map, so it is
a 1×1 convolution on a 1×1 map of 64 channels.) Same weights, same outputs, and the
engine gives the same gradients for the input, the weight and the bias:
"""),
("code", """
C, D = 16, 10
nn.init.manual_seed(1)
fc = nn.Linear(C, D)
conv = nn.Conv2d(C, D, 1)
conv.weight.data[:] = fc.weight.data.reshape(D, C, 1, 1)
conv.bias.data[:] = fc.bias.data
features = rng.standard_normal((3, C, 2, 2)).astype(np.float32)
x_fc = ag.tensor(features.transpose(0, 2, 3, 1), requires_grad=True)   # (N, H, W, C): Linear acts on the last axis
x_conv = ag.tensor(features, requires_grad=True)                        # (N, C, H, W)
G = rng.standard_normal((3, D, 2, 2)).astype(np.float32)
out_fc, out_conv = fc(x_fc), conv(x_conv)
(out_fc * ag.tensor(G.transpose(0, 2, 3, 1))).sum().backward()
(out_conv * ag.tensor(G)).sum().backward()
print("outputs equal:       ", np.allclose(out_fc.data.transpose(0, 3, 1, 2), out_conv.data, atol=1e-6))
print("d/dinput equal:      ", np.allclose(x_fc.grad.data.transpose(0, 3, 1, 2), x_conv.grad.data, atol=1e-5))
print("d/dweight equal:     ", np.allclose(fc.weight.grad.data.reshape(D, C, 1, 1), conv.weight.grad.data, atol=1e-5))
print("d/dbias equal:       ", np.allclose(fc.bias.grad.data, conv.bias.grad.data, atol=1e-5))
head = model[7]
as_conv = nn.Conv2d(64, 10, 1)
as_conv.weight.data[:] = head.weight.data.reshape(10, 64, 1, 1); as_conv.bias.data[:] = head.bias.data
with ag.no_grad():
    flat = model[:7](ag.tensor(x_test[:5, None]))
    print("the trained classifier's Linear(64 -> 10) as Conv2d(64, 10, 1) on a 1x1 map, same logits:",
          np.allclose(head(flat).data, as_conv(flat.reshape(5, 64, 1, 1)).data.reshape(5, 10), atol=1e-5))
"""),
("md", """
## Exercises

**Exercise 1.** A Conv2d(3, 4, kernel_size=5, stride=3, padding=1) reads a 17×17 image.
Compute the output width `out_width` with the formula (w − F + 2P)/S + 1 (integer
division), without running the layer.
"""),
("code", """
# Solution (try it yourself before reading on)
out_width = (17 - 5 + 2 * 1) // 3 + 1
print(out_width)
"""),
("code", """
assert out_width == nn.Conv2d(3, 4, 5, stride=3, padding=1)(ag.zeros(1, 3, 17, 17)).shape[-1]
print("correct")
"""),
("md", """
**Exercise 2.** Three 3×3 convolutions with stride 1 and no pooling are stacked. Use the
recursion r ← r + (k − 1)·j, j ← j·s to compute the receptive field size `field` of one
final unit; the assert measures it by backprop, as above.
"""),
("code", """
# Solution (try it yourself before reading on)
field, jump = 1, 1
for k, s in [(3, 1), (3, 1), (3, 1)]:
    field, jump = field + (k - 1) * jump, jump * s
print(field)
"""),
("code", """
stack = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1, bias=False) for _ in range(3)])
for layer in stack:
    nn.init.ones_(layer.weight)
probe_image = ag.tensor(np.zeros((1, 1, 20, 20), dtype=np.float32), requires_grad=True)
stack(probe_image)[0, 0, 10, 10].backward()
rows, cols = np.nonzero(probe_image.grad.data[0, 0])
assert field == rows.max() - rows.min() + 1 == cols.max() - cols.min() + 1
print("correct")
"""),
("md", """
**Exercise 3.** A 2×2 max pooling reads x = [[1, 5], [3, 2]]. Write the gradient
`pool_grad` (a 2×2 array) of the pooled output with respect to x.
"""),
("code", """
# Solution (try it yourself before reading on)
pool_grad = np.array([[0.0, 1.0], [0.0, 0.0]])
print(pool_grad)
"""),
("code", """
x = ag.tensor(np.array([[[[1.0, 5.0], [3.0, 2.0]]]]), requires_grad=True)
F.max_pool2d(x, 2).sum().backward()
assert np.array_equal(pool_grad, x.grad.data[0, 0])
print("correct")
"""),
]
