"""Ready-made data, models and a training loop for the command line and the notebooks.

The data is scikit-learn's bundled 8x8 handwritten digits (no download); without
scikit-learn a generated stand-in of the same shape is used and `source` says so.
"""
import math
import time

import numpy as np

import autograd_core as ag
import nn
from nn.module import named_like
import optim

MODELS = ("mlp", "cnn", "lstm", "gru")


def load_digits(seed=0, test_fraction=0.25):
    """(x_train, y_train, x_test, y_test, source): images (N, 8, 8) float32 in [0, 1], labels int64."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
        bunch = sklearn_digits()
        images, labels, source = bunch.images / 16.0, bunch.target, "scikit-learn's 8x8 digits (1,797 images)"
    except ImportError:
        images, labels = _generated_digits(np.random.default_rng(seed))
        source = "generated stand-in data (scikit-learn is not installed; pip install scikit-learn for the real digits)"
    order = np.random.default_rng(seed).permutation(len(labels))
    images, labels = images[order].astype(np.float32), labels[order].astype(np.int64)
    cut = int(len(labels) * (1 - test_fraction))
    return images[:cut], labels[:cut], images[cut:], labels[cut:], source


def _generated_digits(rng, n=1800):
    """Ten noisy 8x8 prototype patterns, one per class: learnable, but not real handwriting."""
    prototypes = rng.random((10, 8, 8)) > 0.6
    labels = rng.integers(0, 10, n)
    return np.clip(prototypes[labels] * 0.8 + rng.normal(0, 0.15, (n, 8, 8)), 0, 1), labels


def build_model(name, seed=0):
    """One of MODELS, sized for 8x8 digits and 10 classes; input is a batch of (8, 8) images."""
    nn.init.manual_seed(seed)
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    if name == "cnn":
        return nn.Sequential(_AddChannel(), nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(8 * 4 * 4, 10))
    if name in ("lstm", "gru"):
        return _RowReader(name)
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")


class _AddChannel(nn.Module):
    """(N, 8, 8) -> (N, 1, 8, 8)."""

    def forward(self, x):
        return named_like(x.unsqueeze(1), x)


class _RowReader(nn.Module):
    """Reads the 8 image rows as a sequence of 8 features; classifies from the last hidden state."""

    def __init__(self, kind, hidden=32):
        super().__init__()
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(8, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


class Diverged(ArithmeticError):
    """The training loss became NaN or infinite; the message says when."""


def accuracy(model, x, y, batch_size=512):
    """Fraction of correct argmax predictions, evaluated without recording a graph."""
    model.eval()
    correct = 0
    with ag.no_grad():
        for start in range(0, len(y), batch_size):
            logits = model(ag.tensor(x[start:start + batch_size]))
            correct += int((logits.data.argmax(1) == y[start:start + batch_size]).sum())
    model.train()
    return correct / max(len(y), 1)


def train(model, x, y, epochs=5, lr=1e-2, batch_size=64, seed=0, progress=True):
    """Adam on cross-entropy; returns the per-iteration losses. Shows a tqdm bar when available.

    Raises `Diverged` as soon as a loss is NaN or infinite (too large an lr, usually), so a
    caller never saves the weights of a run that blew up.
    """
    loader = nn.data.DataLoader((x, y), batch_size=batch_size, shuffle=True, seed=seed)
    opt = optim.Adam(model.parameters(), lr=lr)
    return fit(model, loader, opt, epochs, lambda xb, yb: nn.functional.cross_entropy(model(xb), yb), progress=progress)


def fit(model, loader, opt, epochs, loss_of, clip=None, progress=True):
    """The training loop: `loss_of(xb, yb)` on each batch, backward, gradient clipping to `clip` (None: none),
    `opt.step()`; returns the per-iteration losses, and raises `Diverged` at the first NaN or infinite one."""
    losses = []
    bar = _Progress(epochs * len(loader), progress)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        for xb, yb in loader:
            loss = loss_of(xb, yb)  # the loader yields Tensors
            losses.append(loss.item())
            if not math.isfinite(losses[-1]):
                bar.close(time.perf_counter() - start)
                raise Diverged(f"the loss became {losses[-1]} at iteration {len(losses)} (epoch {epoch}); "
                               "stopped without saving: try a smaller learning rate (--lr)")
            opt.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            bar.update(losses[-1])
    bar.close(time.perf_counter() - start)
    return losses


class _Progress:
    """tqdm progress bar if installed, else a line every epoch-ish; `update(loss)`, `close(seconds)`."""

    def __init__(self, total, enabled):
        self.total, self.enabled, self.count, self.bar = total, enabled, 0, None
        if enabled:
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, desc="training", unit="it", mininterval=0.5)
            except ImportError:
                self.bar = None

    def update(self, loss):
        self.count += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{loss:.3f}")
        elif self.enabled and (self.count % max(self.total // 10, 1) == 0 or self.count == self.total):
            print(f"  iteration {self.count}/{self.total}  loss {loss:.4f}", flush=True)

    def close(self, seconds):
        if self.bar is not None:
            self.bar.close()
        if self.enabled:
            print(f"  {self.count} iterations in {seconds:.1f} s", flush=True)
