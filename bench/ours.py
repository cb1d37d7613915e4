"""Our engine's side of every workload: nn layers + optim.SGD, weights copied from the shared init."""
import numpy as np

import autograd_core as ag
import nn
import nn.functional as F
import optim


class _Step:
    def __init__(self, model, lr):
        self.model = model
        self.opt = optim.SGD(model.parameters(), lr=lr)

    def step(self, x, y):
        loss = F.cross_entropy(self.model(ag.tensor(x)), y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()


def _load(model, weights, names):
    for p, key in zip(model.parameters(), names):
        p.data[...] = weights[key]


def mlp(weights, lr):
    model = nn.MLP([784, 256, 128, 10])
    _load(model, weights, ["W0", "b0", "W1", "b1", "W2", "b2"])
    return _Step(model, lr)


def cnn(weights, lr):
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1),
                          nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(784, 10))
    _load(model, weights, ["C1", "c1", "C2", "c2", "W", "b"])
    return _Step(model, lr)


class _LastStep(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(28, 128)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[-1])


def lstm(weights, lr):
    model = _LastStep(nn.LSTM)
    _load(model, weights, ["Wih", "Whh", "bih", "bhh", "W", "b"])
    return _Step(model, lr)


def gru(weights, lr):
    model = _LastStep(nn.GRU)
    _load(model, weights, ["Wih", "Whh", "bih", "bhh", "W", "b"])
    return _Step(model, lr)


def value_mlp_step(weights, x, y, lr=0.05):
    """One full-batch step of a 2-16-16-1 ReLU MLP of scalar Values (hinge loss, SGD)."""
    layers = [[[ag.Value(w) for w in row] for row in layer] for layer in weights]
    biases = [[ag.Value(0.0) for _ in layer] for layer in weights]
    params = [w for layer in layers for row in layer for w in row] + [b for bias in biases for b in bias]

    def step():
        losses = []
        for xi, yi in zip(x, y):
            h = xi
            for depth, (layer, bias) in enumerate(zip(layers, biases)):
                h = [ag.Value.sum([w * v for w, v in zip(row, h)] + [b]) for row, b in zip(layer, bias)]
                if depth < len(layers) - 1:
                    h = [v.relu() for v in h]
            losses.append((1 - yi * h[0]).relu())
        loss = ag.Value.sum(losses) * (1.0 / len(losses))
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data
    return step


def forward_mode_jvps(n=1000):
    """n JVPs of f(x) = sum(tanh(W x)), one forward-mode pass per basis direction."""
    rng = np.random.default_rng(0)
    w = ag.tensor((rng.standard_normal((16, n)) / np.sqrt(n)).astype(np.float32))
    x = rng.standard_normal(n).astype(np.float32)
    eye = np.eye(n, dtype=np.float32)

    def run():
        f = lambda v: (w @ v).tanh().sum()
        return [ag.jvp(f, (x,), (eye[i],))[1] for i in range(n)]
    return run
