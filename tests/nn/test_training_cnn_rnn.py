"""End to end for the CNN and recurrent layers: they learn, in train and eval mode, with flat memory.

Complements test_training.py: a CNN with a strided convolution, BatchNorm2d, Dropout and
average pooling judged in eval mode (so the running statistics must be right); Embedding +
RNN/LSTM/GRU (fused and composed steps) on a counting task; memory of GRU and composed LSTM.
"""
import gc

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F
import optim


def _bars(rng, n, size=8):
    """size x size images with one horizontal (label 0) or vertical (label 1) bar, plus noise."""
    x = rng.normal(0, 0.2, (n, 1, size, size)).astype(np.float32)
    y = rng.integers(0, 2, n)
    pos = rng.integers(0, size, n)
    for i in range(n):
        if y[i] == 0:
            x[i, 0, pos[i], :] += 1
        else:
            x[i, 0, :, pos[i]] += 1
    return x, y


def _tokens(rng, n, length=8):
    """Tokens 0..4 stand for -2..2; label 1 when the sequence's sum is positive (ties redrawn away)."""
    x = rng.integers(0, 5, (n, length))
    total = (x - 2).sum(1)
    x[total == 0, 0] = np.where(x[total == 0, 0] < 4, x[total == 0, 0] + 1, 3)
    return x, ((x - 2).sum(1) > 0).astype(np.int64)


def _fit(model, batches, steps, lr):
    opt = optim.Adam(model.parameters(), lr=lr)
    model.train()
    for step in range(steps):
        x, y = batches()
        loss = F.cross_entropy(model(x if x.dtype.kind == "i" else ag.tensor(x)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def _accuracy(model, x, y):
    with ag.no_grad():
        return (model(x if x.dtype.kind == "i" else ag.tensor(x)).data.argmax(1) == y).mean()


def test_cnn_with_batchnorm_and_dropout_separates_bars_in_eval_mode():
    nn.init.manual_seed(4)
    rng = np.random.default_rng(4)
    model = nn.Sequential(nn.Conv2d(1, 6, 3, stride=2, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
                          nn.AvgPool2d(2), nn.Flatten(), nn.Dropout(0.2, rng=4), nn.Linear(6 * 2 * 2, 2))
    _fit(model, lambda: _bars(rng, 32), 80, 0.02)
    assert model[1].num_batches_tracked.data == 80
    x, y = _bars(np.random.default_rng(98), 300)
    assert _accuracy(model, x, y) >= 0.95


class TokenClassifier(nn.Module):
    def __init__(self, kind, fused):
        super().__init__()
        self.embed = nn.Embedding(5, 8)
        extra = {} if kind == "RNN" else {"fused": fused}
        self.rnn = getattr(nn, kind)(8, 16, batch_first=True, **extra)
        self.head = nn.Linear(16, 2)

    def forward(self, tokens):
        _, state = self.rnn(self.embed(tokens))
        h = state[0] if isinstance(state, tuple) else state
        return self.head(h.reshape(h.shape[1], h.shape[2]))


@pytest.mark.parametrize("kind,fused", [("RNN", False), ("LSTM", True), ("LSTM", False), ("GRU", True), ("GRU", False)])
def test_recurrent_layers_learn_whether_a_sum_is_positive(kind, fused):
    nn.init.manual_seed(5)
    rng = np.random.default_rng(5)
    model = TokenClassifier(kind, fused)
    _fit(model, lambda: _tokens(rng, 64), 150, 0.02)
    x, y = _tokens(np.random.default_rng(11), 500)
    accuracy = _accuracy(model, x, y)
    assert accuracy >= 0.85, f"{kind} (fused={fused}) reached only {accuracy:.2f}"


def _live_tensors():
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, ag.Tensor))


@pytest.mark.parametrize("kind,fused", [("GRU", True), ("GRU", False), ("LSTM", True), ("LSTM", False)])
def test_memory_stays_flat_over_200_recurrent_training_steps(kind, fused):
    rng = np.random.default_rng(6)
    model = TokenClassifier(kind, fused)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    counts = []
    for step in range(200):
        x, y = _tokens(rng, 8)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step in (20, 199):
            counts.append(_live_tensors())
    assert counts[1] <= counts[0], f"{kind}: live tensors grew {counts}"


def test_memory_stays_flat_over_200_cnn_steps_alternating_train_and_eval():
    rng = np.random.default_rng(7)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, stride=2, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.3), nn.Linear(3 * 2 * 2, 2))
    opt = optim.SGD(model.parameters(), lr=0.01)
    counts = []
    for step in range(200):
        x, y = _bars(rng, 8)
        model.train()
        loss = F.cross_entropy(model(ag.tensor(x)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        model.eval()
        model(ag.tensor(x))
        if step in (20, 199):
            counts.append(_live_tensors())
    assert counts[1] <= counts[0], f"live tensors grew {counts}"
