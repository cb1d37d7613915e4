"""The workloads: seeded data and initial weights shared by every implementation.

Weights are PyTorch state dicts as numpy arrays (Linear (out, in); Conv2d (out, in, kh, kw);
LSTM gates i,f,g,o and GRU gates r,z,n stacked in weight_ih / weight_hh), so that every
implementation loads the same numbers one-to-one. Sizes are arguments so tests can shrink them.
"""
import numpy as np


def _uniform(rng, shape, fan_in, dtype):
    """PyTorch's default Linear/Conv/RNN initialisation range, U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, shape).astype(dtype)


def _linear(rng, weights, prefix, n_in, n_out, dtype):
    weights[prefix + "weight"] = _uniform(rng, (n_out, n_in), n_in, dtype)
    weights[prefix + "bias"] = _uniform(rng, (n_out,), n_in, dtype)


def mlp(seed=0, batch=128, sizes=(784, 256, 128, 10), dtype=np.float32):
    """Sequential(Linear, ReLU, Linear, ReLU, Linear): keys 0.*, 2.*, 4.*; x (batch, in), y (batch,)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        _linear(rng, weights, f"{2 * i}.", n_in, n_out, dtype)
    x = rng.standard_normal((batch, sizes[0])).astype(dtype)
    return weights, x, rng.integers(0, sizes[-1], batch)


def cnn(seed=0, batch=64, side=28, channels=(1, 8, 16), classes=10, dtype=np.float32):
    """Conv-ReLU-Pool-Conv-ReLU-Pool-Flatten-Linear as a Sequential: keys 0.*, 3.*, 7.*; x NCHW."""
    rng = np.random.default_rng(seed)
    c0, c1, c2 = channels
    weights = {"0.weight": _uniform(rng, (c1, c0, 3, 3), 9 * c0, dtype), "0.bias": _uniform(rng, (c1,), 9 * c0, dtype),
               "3.weight": _uniform(rng, (c2, c1, 3, 3), 9 * c1, dtype), "3.bias": _uniform(rng, (c2,), 9 * c1, dtype)}
    _linear(rng, weights, "7.", c2 * (side // 4) ** 2, classes, dtype)
    x = rng.standard_normal((batch, c0, side, side)).astype(dtype)
    return weights, x, rng.integers(0, classes, batch)


def recurrent(gates, seed=0, batch=64, steps=28, n_in=28, hidden=128, classes=10, dtype=np.float32, num_layers=1,
              bidirectional=False):
    """An LSTM (gates=4) or GRU (gates=3) keyed rnn.*_l0 (rnn.*_l1, rnn.*_l0_reverse, ... as PyTorch names a stack),
    then head.* on the last step's output.

    x is (steps, batch, n_in), sequence first as PyTorch's default. Layers are drawn in state-dict order before
    the head, so the one-layer data do not depend on the options.
    """
    rng = np.random.default_rng(seed)
    weights = {}
    directions = 2 if bidirectional else 1
    for layer in range(num_layers):
        for suffix in ("", "_reverse")[:directions]:
            size_in = n_in if layer == 0 else directions * hidden
            key = f"_l{layer}{suffix}"
            weights.update({"rnn.weight_ih" + key: _uniform(rng, (gates * hidden, size_in), hidden, dtype),
                            "rnn.weight_hh" + key: _uniform(rng, (gates * hidden, hidden), hidden, dtype),
                            "rnn.bias_ih" + key: _uniform(rng, (gates * hidden,), hidden, dtype),
                            "rnn.bias_hh" + key: _uniform(rng, (gates * hidden,), hidden, dtype)})
    _linear(rng, weights, "head.", directions * hidden, classes, dtype)
    x = rng.standard_normal((steps, batch, n_in)).astype(dtype)
    return weights, x, rng.integers(0, classes, batch)


def lstm(seed=0, **sizes):
    """LSTM(28, 128) over 28 steps, batch 64, unless sizes say otherwise."""
    return recurrent(4, seed, **sizes)


def lstm2(seed=0, **sizes):
    """The lstm workload with num_layers=2 (the second layer reads 128 wide)."""
    return recurrent(4, seed, num_layers=2, **sizes)


def bilstm(seed=0, **sizes):
    """The lstm workload with bidirectional=True (the head reads both directions, 256 wide)."""
    return recurrent(4, seed, bidirectional=True, **sizes)


def gru(seed=0, **sizes):
    """GRU(28, 128) over 28 steps, batch 64, unless sizes say otherwise."""
    return recurrent(3, seed, **sizes)


def value_mlp(seed=0, points=100, sizes=(2, 16, 16, 1)):
    """Two-moons-like points (labels ±1) and float64 weights of a ReLU MLP 2-16-16-1 for scalar engines."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, points)
    upper = rng.random(points) < 0.5
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = x + rng.normal(0, 0.1, x.shape)
    weights = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        _linear(rng, weights, f"{2 * i}.", n_in, n_out, np.float64)
    return weights, x, np.where(upper, 1.0, -1.0)


def jvp_mlp(n, seed=0, hidden=64):
    """f(x) = sum(tanh(W2 tanh(W1 x))) from R^n to R (issue 17's benchmark): data for n JVPs along the basis."""
    def data():
        rng = np.random.default_rng(seed)
        weights = {"w1": rng.standard_normal((hidden, n)) / np.sqrt(n),
                   "w2": rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)}
        return weights, rng.standard_normal(n), np.eye(n)
    return data


def jvp(seed=0, n=1000, rows=16):
    """f(v) = sum(tanh(W v)) from R^n to R with W (rows, n): n JVPs along the basis give its gradient."""
    rng = np.random.default_rng(seed)
    weights = {"weight": (rng.standard_normal((rows, n)) / np.sqrt(n)).astype(np.float32)}
    return weights, rng.standard_normal(n).astype(np.float32), np.eye(n, dtype=np.float32)


def persample(seed=0, batch=256, sizes=(784, 128, 10), dtype=np.float32):
    """Sequential(Linear, Tanh, Linear) weights (keys 0.*, 2.*) and a batch for per-sample gradients."""
    rng = np.random.default_rng(seed)
    weights = {}
    _linear(rng, weights, "0.", sizes[0], sizes[1], dtype)
    _linear(rng, weights, "2.", sizes[1], sizes[2], dtype)
    x = rng.standard_normal((batch, sizes[0])).astype(dtype)
    return weights, x, rng.integers(0, sizes[-1], batch)


def gpt(seed=0, batch=16, vocab=65, block=64, n_embd=128, n_layer=2, dtype=np.float32):
    """The small GPT of autograd_cli/gpt.py (4 heads: models.GPT_HEADS) as a nanoGPT state dict, GPT-2's
    initialisation (N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer), zero biases, LayerNorm 1 and 0),
    plus the causal-mask buffers; x and y are (batch, block) token ids, y the next token of x.
    """
    rng = np.random.default_rng(seed)

    def normal(shape, std=0.02):
        return rng.normal(0.0, std, shape).astype(dtype)
    proj_std = 0.02 / np.sqrt(2 * n_layer)
    weights = {"transformer.wte.weight": normal((vocab, n_embd)), "transformer.wpe.weight": normal((block, n_embd))}
    for i in range(n_layer):
        p = f"transformer.h.{i}."
        weights.update({
            p + "ln_1.weight": np.ones(n_embd, dtype), p + "ln_1.bias": np.zeros(n_embd, dtype),
            p + "attn.c_attn.weight": normal((3 * n_embd, n_embd)), p + "attn.c_attn.bias": np.zeros(3 * n_embd, dtype),
            p + "attn.c_proj.weight": normal((n_embd, n_embd), proj_std), p + "attn.c_proj.bias": np.zeros(n_embd, dtype),
            p + "attn.bias": np.tril(np.ones((block, block), dtype)).reshape(1, 1, block, block),
            p + "ln_2.weight": np.ones(n_embd, dtype), p + "ln_2.bias": np.zeros(n_embd, dtype),
            p + "mlp.c_fc.weight": normal((4 * n_embd, n_embd)), p + "mlp.c_fc.bias": np.zeros(4 * n_embd, dtype),
            p + "mlp.c_proj.weight": normal((n_embd, 4 * n_embd), proj_std), p + "mlp.c_proj.bias": np.zeros(n_embd, dtype),
        })
    weights.update({"transformer.ln_f.weight": np.ones(n_embd, dtype), "transformer.ln_f.bias": np.zeros(n_embd, dtype),
                    "lm_head.weight": normal((vocab, n_embd))})
    tokens = rng.integers(0, vocab, (batch, block + 1))
    return weights, np.ascontiguousarray(tokens[:, :-1]), np.ascontiguousarray(tokens[:, 1:])
