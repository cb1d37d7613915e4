"""The same training steps in PyTorch (CPU, one thread): the anchor column, when torch is importable."""
import numpy as np

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None


def _params(module, weights, names):
    with torch.no_grad():
        for p, key in zip(module.parameters(), names):
            p.copy_(torch.from_numpy(weights[key]))


class _Step:
    def __init__(self, model, lr):
        self.model = model
        self.opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step(self, x, y):
        loss = torch.nn.functional.cross_entropy(self.model(torch.from_numpy(x)), torch.from_numpy(y))
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()


def mlp(weights, lr):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    _params(model, weights, ["W0", "b0", "W1", "b1", "W2", "b2"])
    return _Step(model, lr)


def cnn(weights, lr):
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1),
                          nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(784, 10))
    _params(model, weights, ["C1", "c1", "C2", "c2", "W", "b"])
    return _Step(model, lr)


def _recurrent(kind, weights, lr):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(torch.nn, kind)(28, 128)
            self.head = torch.nn.Linear(128, 10)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[-1])
    model = Net()
    _params(model, weights, ["Wih", "Whh", "bih", "bhh", "W", "b"])
    return _Step(model, lr)


def lstm(weights, lr):
    return _recurrent("LSTM", weights, lr)


def gru(weights, lr):
    return _recurrent("GRU", weights, lr)


def forward_mode_jvps(n=1000):
    """n JVPs of f(x) = sum(tanh(W x)) with torch.func.jvp, one per basis direction."""
    from torch.func import jvp
    rng = np.random.default_rng(0)
    w = torch.from_numpy((rng.standard_normal((16, n)) / np.sqrt(n)).astype(np.float32))
    x = torch.from_numpy(rng.standard_normal(n).astype(np.float32))
    eye = torch.eye(n)

    def run():
        f = lambda v: torch.tanh(w @ v).sum()
        return [jvp(f, (x,), (eye[i],))[1] for i in range(n)]
    return run
