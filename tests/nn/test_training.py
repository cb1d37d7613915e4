"""End to end: small models actually learn, and memory stays flat while they do."""
import gc

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F
import optim


def _train(model, opt, batches, loss_fn, steps):
    for step in range(steps):
        x, y = batches(step)
        loss = loss_fn(model(ag.tensor(x)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def test_mlp_learns_xor():
    nn.init.manual_seed(0)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    model = nn.MLP([2, 8, 2], activation="tanh")
    _train(model, optim.Adam(model.parameters(), lr=0.05), lambda s: (x, y), F.cross_entropy, 300)
    assert (model(ag.tensor(x)).data.argmax(1) == y).all()


def _bars(rng, n):
    """8x8 images with one horizontal (label 0) or vertical (label 1) bar, plus noise."""
    x = rng.normal(0, 0.1, (n, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 2, n)
    pos = rng.integers(0, 8, n)
    for i in range(n):
        if y[i] == 0:
            x[i, 0, pos[i], :] += 1
        else:
            x[i, 0, :, pos[i]] += 1
    return x, y


def test_cnn_separates_horizontal_from_vertical_bars():
    nn.init.manual_seed(1)
    rng = np.random.default_rng(1)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(4 * 4 * 4, 2))
    _train(model, optim.Adam(model.parameters(), lr=0.01), lambda s: _bars(rng, 32), F.cross_entropy, 60)
    x, y = _bars(np.random.default_rng(99), 200)
    assert (model(ag.tensor(x)).data.argmax(1) == y).mean() >= 0.95


class SequenceClassifier(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(1, 16, batch_first=True)
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def _remember_first(rng, n, length=6):
    """Label = sign of the FIRST element of a noisy sequence: needs memory across steps."""
    x = rng.normal(0, 1, (n, length, 1)).astype(np.float32)
    return x, (x[:, 0, 0] > 0).astype(np.int64)


def test_lstm_and_gru_learn_to_remember_the_first_element():
    for cell in (nn.LSTM, nn.GRU):
        nn.init.manual_seed(2)
        rng = np.random.default_rng(2)
        model = SequenceClassifier(cell)
        _train(model, optim.Adam(model.parameters(), lr=0.02), lambda s: _remember_first(rng, 64), F.cross_entropy, 150)
        x, y = _remember_first(np.random.default_rng(7), 400)
        accuracy = (model(ag.tensor(x)).data.argmax(1) == y).mean()
        assert accuracy >= 0.85, f"{cell.__name__} reached only {accuracy:.2f}"


def _live_tensors():
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, ag.Tensor))


def test_memory_stays_flat_over_200_training_steps():
    rng = np.random.default_rng(3)
    models = [
        (nn.MLP([10, 32, 3]), lambda: (rng.standard_normal((16, 10)).astype(np.float32), rng.integers(0, 3, 16))),
        (nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                       nn.Dropout(0.2), nn.Linear(2 * 4 * 4, 2)), lambda: _bars(rng, 8)),
        (SequenceClassifier(nn.LSTM), lambda: _remember_first(rng, 8)),
    ]
    for model, batch in models:
        opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        counts = []
        for step in range(200):
            x, y = batch()
            loss = F.cross_entropy(model(ag.tensor(x)), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step in (20, 199):
                counts.append(_live_tensors())
        assert counts[1] <= counts[0], f"{type(model).__name__}: live tensors grew {counts}"
