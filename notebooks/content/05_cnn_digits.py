TITLE = "5. Convolutional networks on handwritten digits"
CELLS = [
("md", """
Seed 001 introduces convolution, padding, stride, receptive fields and pooling. The
output size along each axis is (w − F + 2P)/S + 1 for input size w, kernel F, padding
P and stride S. Our `Conv2d` layer is one engine op: the padded image is cut into
windows laid out as columns (im2col), then one matrix product with the kernels; its
backward is the two matching products and col2im, which adds each column back onto its
window. `ag.ops.conv2d_composed(x, w, b, ag.ops)` records the same computation as six
separate ops, for a closer look at the graph.
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
from autograd_cli import examples

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
plt.figure(figsize=(5, 3)); plt.plot(losses); plt.xlabel("iteration"); plt.ylabel("loss"); plt.show()
"""),
("md", "## What the first layer sees: kernels and feature maps of one digit"),
("code", """
image = ag.tensor(x_test[:1, None])
maps = model[1](model[0](image)).data[0]
fig, axes = plt.subplots(2, 9, figsize=(13, 3))
axes[0, 0].imshow(x_test[0], cmap="gray"); axes[0, 0].set_title(f"digit {y_test[0]}")
axes[1, 0].axis("off")
for k in range(8):
    axes[0, k + 1].imshow(model[0].weight.data[k, 0], cmap="RdBu"); axes[0, k + 1].set_title(f"kernel {k}", fontsize=8)
    axes[1, k + 1].imshow(maps[k], cmap="viridis")
for ax in axes.ravel():
    ax.set_xticks([]); ax.set_yticks([])
plt.show()
"""),
("md", """
Each kernel responds to a different local pattern (edges at different orientations);
max pooling keeps the strongest response in each 2x2 window, which makes the features
tolerant to small shifts, and routes the gradient to that one winner in backward.
"""),
]
