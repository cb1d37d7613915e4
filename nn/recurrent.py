"""Recurrent layers: RNN, LSTM and GRU cells and their single-layer sequence versions.

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

import numpy as np

import autograd_core as ag
from autograd_core.tensor import shared_tensor
from autograd_core.ops import affine, gru_sequence, lstm_sequence
from autograd_core.ops.recurrent import gru_step, lstm_step

from . import init
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
        self.input_size, self.hidden_size = input_size, hidden_size

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

    def _state_parts(self, state, n, expected, what):
        """The given state as a tuple of (n, H) tensors, each checked to have shape `expected`."""
        if self.pair and (not isinstance(state, (tuple, list)) or len(state) != 2):
            raise ValueError(f"{type(self).__name__}: the state must be a pair (h, c), got {type(state).__name__}")
        parts = []
        for s in (state if self.pair else (state,)):
            s = s if isinstance(s, ag.Tensor) else shared_tensor(s)
            if tuple(s.shape) != expected:
                raise ValueError(f"{type(self).__name__}: {what} must have shape {expected}, got {s.shape}")
            parts.append(s.reshape(n, self.hidden_size))
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

    Returns (output (T, N, H), state), each state part shaped (1, N, H) as in PyTorch.
    """

    def __init__(self, input_size, hidden_size, bias=True, batch_first=False, rng=None):
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")  # PyTorch's check; a cell may have none
        super().__init__(input_size, hidden_size)
        self.batch_first = batch_first
        self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0 = _initial_weights(
            self.gates, input_size, hidden_size, bias, rng)

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
        if state is None:
            parts = self._zero_state(n, x.dtype)
        else:
            expected = (1, self.hidden_size) if unbatched else (1, n, self.hidden_size)
            parts = self._state_parts(state, n, expected, "initial state")
        out, parts = self._run(x, parts)
        if unbatched:
            return out.reshape(steps, self.hidden_size), self._given_shape(parts, (1, self.hidden_size))
        return (out.transpose(1, 0, 2) if self.batch_first else out), self._given_shape(parts, (1, n, self.hidden_size))

    def _run(self, x, parts):
        """(outputs (T, N, H), last state) over the sequence x (T, N, in), one recorded step at a time."""
        proj = self._project(x, self.weight_ih_l0, self.bias_ih_l0, self.bias_hh_l0)
        outputs = []
        for t in range(x.shape[0]):
            parts = self.step(proj[t], parts, self.weight_hh_l0, self.bias_hh_l0)
            outputs.append(parts[0])
        return ag.stack(outputs, axis=0), parts

    def extra_repr(self):
        return super().extra_repr() + (", batch_first=True" if self.batch_first else "")


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
    """Elman RNN: returns (output (T, N, H), h_n (1, N, H))."""

    def __init__(self, input_size, hidden_size, nonlinearity="tanh", bias=True, batch_first=False, rng=None):
        super().__init__(input_size, hidden_size, bias, batch_first, rng)
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

    def __init__(self, input_size, hidden_size, bias=True, batch_first=False, rng=None, fused=True):
        super().__init__(input_size, hidden_size, bias, batch_first, rng)
        self.fused = fused

    def _run(self, x, parts):
        return self._run_fused(x, parts) if self.fused else super()._run(x, parts)


class LSTM(_FusedLayer):
    """Returns (output (T, N, H), (h_n, c_n)), each state (1, N, H)."""

    gates, pair = 4, True
    step = staticmethod(_lstm_step)

    def _run_fused(self, x, parts):
        bias = self._input_bias(self.bias_ih_l0, self.bias_hh_l0)
        both = lstm_sequence(x, self.weight_ih_l0, self.weight_hh_l0, bias, *parts)
        hidden = self.hidden_size
        return both[:, :, :hidden], (both[-1, :, :hidden], both[-1, :, hidden:])


class GRU(_FusedLayer):
    """Returns (output (T, N, H), h_n (1, N, H))."""

    gates, folds_hidden_bias = 3, False
    step = staticmethod(_gru_step)

    def _run_fused(self, x, parts):
        out = gru_sequence(x, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0, *parts)
        return out, (out[-1],)
