"""The benchmark workloads: sizes, data and initial weights shared by every implementation.

Weights use PyTorch's layouts (Linear (out, in); Conv2d (out, in, kh, kw); LSTM gates
i,f,g,o and GRU gates r,z,n stacked in weight_ih / weight_hh), so every implementation
starts from the same numbers.
"""
import numpy as np

LR = 0.01


def _uniform(rng, shape, fan_in):
    bound = 1 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, shape).astype(np.float32)


def mlp(seed=0, batch=128, sizes=(784, 256, 128, 10)):
    rng = np.random.default_rng(seed)
    weights = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        weights[f"W{i}"] = _uniform(rng, (n_out, n_in), n_in)
        weights[f"b{i}"] = _uniform(rng, (n_out,), n_in)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch)
    return weights, x, y


def cnn(seed=0, batch=64):
    rng = np.random.default_rng(seed)
    weights = {"C1": _uniform(rng, (8, 1, 3, 3), 9), "c1": _uniform(rng, (8,), 9),
               "C2": _uniform(rng, (16, 8, 3, 3), 72), "c2": _uniform(rng, (16,), 72),
               "W": _uniform(rng, (10, 784), 784), "b": _uniform(rng, (10,), 784)}
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    return weights, x, y


def recurrent(gates, seed=0, batch=64, steps=28, n_in=28, hidden=128):
    """gates = 4 for LSTM, 3 for GRU."""
    rng = np.random.default_rng(seed)
    weights = {"Wih": _uniform(rng, (gates * hidden, n_in), hidden), "Whh": _uniform(rng, (gates * hidden, hidden), hidden),
               "bih": _uniform(rng, (gates * hidden,), hidden), "bhh": _uniform(rng, (gates * hidden,), hidden),
               "W": _uniform(rng, (10, hidden), hidden), "b": _uniform(rng, (10,), hidden)}
    x = rng.standard_normal((steps, batch, n_in)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    return weights, x, y


def lstm(seed=0):
    return recurrent(4, seed)


def gru(seed=0):
    return recurrent(3, seed)


def scalar_mlp(seed=0, points=100):
    """2-16-16-1 tanh-free ReLU MLP on 100 two-moons-like points (labels ±1), for Value engines."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, points)
    upper = rng.random(points) < 0.5
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = (x + rng.normal(0, 0.1, x.shape)).tolist()
    y = np.where(upper, 1.0, -1.0).tolist()
    weights = [rng.uniform(-1, 1, (n_out, n_in)).tolist() for n_in, n_out in ((2, 16), (16, 16), (16, 1))]
    return weights, x, y
