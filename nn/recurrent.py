"""Recurrent layers: RNN, LSTM and GRU cells and their (stacked, optionally bidirectional) sequence versions.

Equations and weight layouts are PyTorch's, so weights copy one-to-one:
  RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
  LSTM: i, f, g, o = split(W_ih x + b_ih + W_hh h + b_hh)       (weight_ih: (4H, in))
        c' = σ(f) c + σ(i) tanh(g);  h' = σ(o) tanh(c')
  GRU:  r, z from σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z});  (weight_ih: (3H, in))
        n = tanh(W_in x + b_in + r (W_hn h + b_hn));  h' = (1 - z) n + z h
NOTE: GRU's z follows PyTorch: z is the share of the OLD state kept. The course notes
(seed 001) write h_t = (1 - z) h_{t-1} + z h~, the opposite convention; their z is our 1 - z.
The LSTM and GRU steps are written once, in `autograd_core.ops.recurrent`. Cells record
one step as engine ops; sequence layers project all inputs with one matmul, then run the
step in a Python loop over time (backpropagation through time is then just the engine's
reverse sweep). With `fused=True` (the default, for speed and memory) nn.LSTM and nn.GRU
are instead one engine primitive for the whole sequence (LSTMSequence, GRUSequence);
`fused=False` records every step op by op, which is easier to read in a graph rendering.
Both give the same numbers.
"""
import math
import warnings

import numpy as np

import autograd_core as ag
from autograd_core.checks import check_int
from autograd_core.tensor import shared_tensor
from autograd_core.ops import affine, gru_sequence, lstm_sequence
from autograd_core.ops.recurrent import gru_step, lstm_step

from . import init
from .functional import dropout
from .module import Module, Parameter, check_input_dtype, named_like


def _initial_weights(gates, input_size, hidden_size, bias, rng):
    """weight_ih (gates·H, in), weight_hh (gates·H, H), bias_ih and bias_hh (gates·H,) or None, as PyTorch
    initialises them: uniform in ±1/√H."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    rows = gates * hidden_size

    def uniform(*shape):
        return init.uniform_(Parameter(np.empty(shape, dtype=np.float32)), -bound, bound, rng=rng)

    weights = (uniform(rows, input_size), uniform(rows, hidden_size))  # drawn first, as PyTorch does
    return weights + ((uniform(rows), uniform(rows)) if bias else (None, None))


class _Recurrent(Module):
    """What cells and layers share: sizes, checks, and one step of their equations.

    A state is handled as a tuple of (N, H) tensors: (h,), or (h, c) for an LSTM.
    Subclasses set `gates` (blocks of H rows in the weights), `pair` (the state is (h, c))
    and `folds_hidden_bias` (b_hh can join b_ih in the input projection), and define `step`.
    """

    gates, pair, folds_hidden_bias = 1, False, True

    def __init__(self, input_size, hidden_size):
        super().__init__()
        where = type(self).__name__
        self.input_size = check_int(where, "input_size", input_size, 0)
        self.hidden_size = check_int(where, "hidden_size", hidden_size, 0)

    def _project(self, x, w_ih, b_ih, b_hh):
        """W_ih x + b_ih (+ b_hh where it folds in), for every row of x at once."""
        return affine(x, w_ih, self._input_bias(b_ih, b_hh))

    def _input_bias(self, b_ih, b_hh):
        """The bias added with W_ih x: b_ih, plus b_hh where it folds in (None without biases)."""
        return b_ih + b_hh if self.folds_hidden_bias and b_ih is not None else b_ih

    def _check_input(self, x, weight, ndims, what):
        x = x if isinstance(x, ag.Tensor) else shared_tensor(x)
        if x.ndim not in ndims or x.shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__}: expected {what} with last dimension {self.input_size}, "
                             f"got shape {x.shape}")
        check_input_dtype(self, x, weight)
        return x

    def _state_parts(self, state, n, expected, what, layers=1):
        """The given state as a tuple of (n, H) tensors ((layers, n, H) for a stack), each checked to have shape
        `expected`."""
        if self.pair and (not isinstance(state, (tuple, list)) or len(state) != 2):
            raise ValueError(f"{type(self).__name__}: the state must be a pair (h, c), got {type(state).__name__}")
        parts = []
        for s in (state if self.pair else (state,)):
            s = s if isinstance(s, ag.Tensor) else shared_tensor(s)
            if tuple(s.shape) != expected:
                raise ValueError(f"{type(self).__name__}: {what} must have shape {expected}, got {s.shape}")
            parts.append(s.reshape(n, self.hidden_size) if layers == 1 else s.reshape(layers, n, self.hidden_size))
        return tuple(parts)

    def _zero_state(self, n, dtype):
        """The default initial state, named as graph drawings show it: (h0,), or (h0, c0) for an LSTM."""
        h0 = shared_tensor(np.zeros((n, self.hidden_size), dtype=dtype), name="h0")
        return (h0, shared_tensor(np.zeros_like(h0.data), name="c0")) if self.pair else (h0,)

    def _given_shape(self, parts, shape):
        """The state as it is returned: each part reshaped to `shape`, a pair only for an LSTM."""
        parts = tuple(p.reshape(shape) for p in parts)
        return parts if self.pair else parts[0]

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}"


class _Cell(_Recurrent):
    """One time step: x (N, in) or (in,), state (N, H) or (H,) (an LSTM's: a pair of them)."""

    def __init__(self, input_size, hidden_size, bias=True, rng=None):
        super().__init__(input_size, hidden_size)
        self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh = _initial_weights(
            self.gates, input_size, hidden_size, bias, rng)

    def forward(self, x, state=None):
        x = self._check_input(x, self.weight_ih, (1, 2), "input (N, in) or (in,)")
        unbatched = x.ndim == 1
        n = 1 if unbatched else x.shape[0]
        if state is None:
            parts = self._zero_state(n, x.dtype)
        else:
            expected = (self.hidden_size,) if unbatched else (n, self.hidden_size)
            parts = self._state_parts(state, n, expected, "state")
        proj = self._project(x.reshape(n, self.input_size), self.weight_ih, self.bias_ih, self.bias_hh)
        parts = self.step(proj, parts, self.weight_hh, self.bias_hh)
        return self._given_shape(parts, (self.hidden_size,) if unbatched else (n, self.hidden_size))


class _Layer(_Recurrent):
    """A whole sequence: x (T, N, in), (N, T, in) with batch_first, or unbatched (T, in).

    Returns (output (T, N, D·H), state), each state part shaped (num_layers·D, N, H) as in
    PyTorch, D = 2 when bidirectional. Layer k > 0 reads layer k - 1's output, through dropout
    in training; the reverse direction runs the same step over the time-flipped sequence.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, rng=None):
        # PyTorch's checks, in its order (a cell may have hidden_size 0)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers=1",
                          UserWarning, stacklevel=3)
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        super().__init__(input_size, hidden_size)
        if self.input_size == 0:  # PyTorch's check; a cell may have none
            raise ValueError(f"{type(self).__name__}: input_size must be greater than zero")
        self.batch_first, self.num_layers, self.dropout = batch_first, num_layers, float(dropout)
        self.bidirectional = bool(bidirectional)
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            size_in = input_size if layer == 0 else hidden_size * directions
            for suffix in ("", "_reverse")[:directions]:
                w_ih, w_hh, b_ih, b_hh = _initial_weights(self.gates, size_in, hidden_size, bias, rng)
                for name, p in zip(_WEIGHT_NAMES, (w_ih, w_hh, b_ih, b_hh)):
                    setattr(self, f"{name}_l{layer}{suffix}", p)

    def _weights(self, layer, reverse=False):
        """(weight_ih, weight_hh, bias_ih, bias_hh) of one layer and direction."""
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        return tuple(getattr(self, name + suffix) for name in _WEIGHT_NAMES)

    def forward(self, x, state=None):
        x = self._check_input(x, self.weight_ih_l0, (2, 3), "input (T, N, in), (N, T, in) with batch_first, or (T, in)")
        unbatched = x.ndim == 2
        if unbatched:
            x = named_like(x.reshape(x.shape[0], 1, x.shape[1]), x)
        elif self.batch_first:
            x = named_like(x.transpose(1, 0, 2), x)
        steps, n = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(f"{type(self).__name__}: expected a sequence of length at least 1, got input shape {x.shape}")
        layers = self.num_layers * (2 if self.bidirectional else 1)
        if state is None:
            parts = self._zero_state(n, x.dtype)
        else:
            expected = (layers, self.hidden_size) if unbatched else (layers, n, self.hidden_size)
            parts = self._state_parts(state, n, expected, "initial state", layers)
        if layers == 1:
            out, parts = self._run(x, parts, self._weights(0))
        else:
            out, parts = self._run_stack(x, parts if state is not None else None, n)
        hidden_out = out.shape[-1]
        if unbatched:
            return out.reshape(steps, hidden_out), self._given_shape(parts, (layers, self.hidden_size))
        return ((out.transpose(1, 0, 2) if self.batch_first else out),
                self._given_shape(parts, (layers, n, self.hidden_size)))

    def _run_stack(self, x, parts, n):
        """(output (T, N, D·H), last states stacked (L·D, N, H)) through every layer and direction.

        `parts`: the initial state parts shaped (L·D, N, H), or None for zeros.
        """
        directions = 2 if self.bidirectional else 1
        finals, layer_in = [], x
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                layer_in = dropout(layer_in, self.dropout, True)
            outs = []
            for d in range(directions):
                k = layer * directions + d
                init = self._zero_state(n, x.dtype) if parts is None else tuple(p[k] for p in parts)
                seq = layer_in if d == 0 else layer_in[::-1]
                out, last = self._run(seq, init, self._weights(layer, d == 1))
                outs.append(out if d == 0 else out[::-1])
                finals.append(last)
            layer_in = outs[0] if directions == 1 else ag.concatenate(outs, axis=2)
        return layer_in, tuple(ag.stack([f[i] for f in finals], axis=0) for i in range(len(finals[0])))

    def _run(self, x, parts, weights):
        """(outputs (T, N, H), last state) over the sequence x (T, N, in), one recorded step at a time."""
        w_ih, w_hh, b_ih, b_hh = weights
        proj = self._project(x, w_ih, b_ih, b_hh)
        outputs = []
        for t in range(x.shape[0]):
            parts = self.step(proj[t], parts, w_hh, b_hh)
            outputs.append(parts[0])
        return ag.stack(outputs, axis=0), parts

    def extra_repr(self):
        options = [f"num_layers={self.num_layers}" if self.num_layers != 1 else "",
                   "batch_first=True" if self.batch_first else "",
                   f"dropout={self.dropout}" if self.dropout else "",
                   "bidirectional=True" if self.bidirectional else ""]
        return ", ".join([super().extra_repr()] + [o for o in options if o])


_WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _checked_nonlinearity(layer, nonlinearity):
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{type(layer).__name__}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return nonlinearity


def _rnn_step(layer, proj, parts, w_hh, b_hh):
    """(h',) = (act(W_hh h + proj),) with both biases already in proj."""
    pre = affine(parts[0], w_hh, proj)
    return (pre.tanh() if layer.nonlinearity == "tanh" else pre.relu(),)


class RNNCell(_Cell):
    """Elman cell: forward(x, h) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", rng=None):
        super().__init__(input_size, hidden_size, bias, rng)
        self.nonlinearity = _checked_nonlinearity(self, nonlinearity)

    step = _rnn_step


class RNN(_Layer):
    """Elman RNN: returns (output (T, N, D·H), h_n (num_layers·D, N, H))."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, rng=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, rng)
        self.nonlinearity = _checked_nonlinearity(self, nonlinearity)

    step = _rnn_step


def _lstm_step(proj, parts, w_hh, b_hh):
    """(h', c') from the input projection (both biases in it) and (h, c)."""
    h, c = parts
    return lstm_step(ag.ops, affine(h, w_hh, proj), c)


def _gru_step(proj, parts, w_hh, b_hh):
    """(h',) from the input projection (b_ih in it) and (h,): b_hn must stay inside r (W_hn h + b_hn)."""
    h, = parts
    return (gru_step(ag.ops, proj, affine(h, w_hh, b_hh), h),)


class LSTMCell(_Cell):
    """forward(x, (h, c)) -> (h', c')."""

    gates, pair = 4, True
    step = staticmethod(_lstm_step)


class GRUCell(_Cell):
    """forward(x, h) -> h'."""

    gates, folds_hidden_bias = 3, False
    step = staticmethod(_gru_step)


class _FusedLayer(_Layer):
    """A layer that by default runs as one fused primitive (`_run_fused`); `fused=False` records every step."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, rng=None, fused=True):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, rng)
        self.fused = fused

    def _run(self, x, parts, weights):
        return self._run_fused(x, parts, weights) if self.fused else super()._run(x, parts, weights)


class LSTM(_FusedLayer):
    """Returns (output (T, N, D·H), (h_n, c_n)), each state (num_layers·D, N, H)."""

    gates, pair = 4, True
    step = staticmethod(_lstm_step)

    def _run_fused(self, x, parts, weights):
        w_ih, w_hh, b_ih, b_hh = weights
        both = lstm_sequence(x, w_ih, w_hh, self._input_bias(b_ih, b_hh), *parts)
        hidden = self.hidden_size
        return both[:, :, :hidden], (both[-1, :, :hidden], both[-1, :, hidden:])


class GRU(_FusedLayer):
    """Returns (output (T, N, D·H), h_n (num_layers·D, N, H))."""

    gates, folds_hidden_bias = 3, False
    step = staticmethod(_gru_step)

    def _run_fused(self, x, parts, weights):
        out = gru_sequence(x, *weights, *parts)
        return out, (out[-1],)
