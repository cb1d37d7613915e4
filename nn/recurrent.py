"""Recurrent layers: RNN, LSTM and GRU cells and their single-layer sequence versions.

Equations and weight layouts are PyTorch's, so weights copy one-to-one:
  RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
  LSTM: i, f, g, o = split(W_ih x + b_ih + W_hh h + b_hh)       (weight_ih: (4H, in))
        c' = σ(f) c + σ(i) tanh(g);  h' = σ(o) tanh(c')
  GRU:  r, z from σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z});  (weight_ih: (3H, in))
        n = tanh(W_in x + b_in + r (W_hn h + b_hn));  h' = (1 - z) n + z h
NOTE: GRU's z follows PyTorch: z is the share of the OLD state kept. The course notes
(seed 001) write h_t = (1 - z) h_{t-1} + z h~, the opposite convention; their z is our 1 - z.
Sequence layers run the cell in a Python loop over time (backpropagation through time
is then just the engine's reverse sweep), after projecting all inputs with one matmul.
With `fused=True` (the default, for speed and memory) nn.LSTM and nn.GRU are one engine
primitive for the whole sequence (LSTMSequence, GRUSequence; the cells use one primitive
per step's gate arithmetic); `fused=False` records the same equations op by op, which is
easier to read in a graph rendering. Both give the same numbers.
"""
import math

import numpy as np

import autograd_core as ag

from . import init
from .module import Module, Parameter, check_input_dtype


def _uniform_parameter(shape, bound, rng):
    p = Parameter(np.empty(shape, dtype=np.float32))
    return init.uniform_(p, -bound, bound, rng=rng)


class _Recurrent(Module):
    """Shared weights and the time loop; subclasses define `gates` (how many blocks of H) and `step`."""

    gates = 1
    suffix = ""

    def __init__(self, input_size, hidden_size, bias=True, batch_first=False, rng=None, fused=True):
        super().__init__()
        self.input_size, self.hidden_size, self.batch_first = input_size, hidden_size, batch_first
        self.fused = fused
        k = 1.0 / math.sqrt(hidden_size)
        rows = self.gates * hidden_size
        setattr(self, "weight_ih" + self.suffix, _uniform_parameter((rows, input_size), k, rng))
        setattr(self, "weight_hh" + self.suffix, _uniform_parameter((rows, hidden_size), k, rng))
        setattr(self, "bias_ih" + self.suffix, _uniform_parameter((rows,), k, rng) if bias else None)
        setattr(self, "bias_hh" + self.suffix, _uniform_parameter((rows,), k, rng) if bias else None)

    @property
    def _w(self):
        s = self.suffix
        return (getattr(self, "weight_ih" + s), getattr(self, "weight_hh" + s),
                getattr(self, "bias_ih" + s), getattr(self, "bias_hh" + s))

    def _check_input(self, x, ndims, what):
        if x.ndim not in ndims or x.shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__}: expected {what} with last dimension {self.input_size}, got shape {x.shape}")
        check_input_dtype(self, x, self._w[0])

    def _project(self, x):
        """W_ih x + b_ih (+ b_hh where it can be folded in), for every time step at once."""
        w_ih, _, b_ih, b_hh = self._w
        return ag.ops.affine(x, w_ih, self._folded_bias(b_ih, b_hh))

    def _folded_bias(self, b_ih, b_hh):
        if b_ih is None:
            return None
        return b_ih + b_hh

    def _recurrent(self, h, plus=None):
        """W_hh h + plus, one op."""
        return ag.ops.affine(h, self._w[1], plus)

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + (", batch_first=True" if self.batch_first else "")


class _Cell(_Recurrent):
    """One time step: x (N, in) or (in,), state (N, H) or (H,)."""

    def forward(self, x, state=None):
        x = x if isinstance(x, ag.Tensor) else ag.tensor(x)
        self._check_input(x, (1, 2), "input (N, in) or (in,)")
        unbatched = x.ndim == 1
        if unbatched:
            x = x.reshape(1, -1)
        n = x.shape[0]
        state = self._initial_state(n, x.dtype) if state is None else self._batch_state(state, n, unbatched)
        out = self.step(self._project(x), state)
        return self._unbatch_state(out) if unbatched else out

    def _batch_state(self, state, n, unbatched):
        return self._one_state(state, n, unbatched)

    def _one_state(self, s, n, unbatched):
        s = s if isinstance(s, ag.Tensor) else ag.tensor(s)
        expected = (self.hidden_size,) if unbatched else (n, self.hidden_size)
        if tuple(s.shape) != expected:
            raise ValueError(f"{type(self).__name__}: state must have shape {expected} for an input of "
                             f"{'shape (in,)' if unbatched else f'batch {n}'}, got {s.shape}")
        return s.reshape(1, -1) if unbatched else s

    def _unbatch_state(self, state):
        return state.reshape(-1)

    def _initial_state(self, n, dtype):
        return ag.zeros((n, self.hidden_size), dtype=dtype)


class _Sequence(_Recurrent):
    """A whole sequence: x (T, N, in), (N, T, in) with batch_first, or unbatched (T, in)."""

    suffix = "_l0"

    def forward(self, x, state=None):
        x = x if isinstance(x, ag.Tensor) else ag.tensor(x)
        self._check_input(x, (2, 3), "input (T, N, in), (N, T, in) with batch_first, or (T, in)")
        unbatched = x.ndim == 2
        if unbatched:
            x = x.reshape(x.shape[0], 1, x.shape[1])
        elif self.batch_first:
            x = x.transpose(1, 0, 2)
        steps, n = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(f"{type(self).__name__}: expected a sequence of length at least 1, got input shape {x.shape}")
        state = self._initial_state(n, x.dtype) if state is None else self._unpack_state(state, n, unbatched)
        out, state = self._run(x, state)
        if unbatched:
            return out.reshape(steps, self.hidden_size), self._pack_state(state, unbatched)
        if self.batch_first:
            out = out.transpose(1, 0, 2)
        return out, self._pack_state(state, unbatched)

    def _run(self, x, state):
        """(outputs (T, N, H), last state) over the whole sequence x (T, N, in), step by step."""
        proj = self._project(x)
        outputs = []
        for t in range(x.shape[0]):
            state = self.step(proj[t], state)
            outputs.append(self._hidden(state))
        return ag.stack(outputs, axis=0), state

    def _initial_state(self, n, dtype):
        return ag.zeros((n, self.hidden_size), dtype=dtype)

    def _one_state(self, h, n, unbatched):
        expected = (1, self.hidden_size) if unbatched else (1, n, self.hidden_size)
        h = h if isinstance(h, ag.Tensor) else ag.tensor(h)
        if tuple(h.shape) != expected:
            raise ValueError(f"{type(self).__name__}: initial state must have shape {expected}, got {h.shape}")
        return h.reshape(n, self.hidden_size)

    def _unpack_state(self, state, n, unbatched):
        return self._one_state(state, n, unbatched)

    def _pack_state(self, h, unbatched):
        return h.reshape(1, self.hidden_size) if unbatched else h.reshape(1, h.shape[0], self.hidden_size)

    def _hidden(self, state):
        return state


class _RNNStep:
    """h' = act(W_ih x + b_ih + W_hh h + b_hh)."""

    gates = 1

    def _init_nonlinearity(self, nonlinearity):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"{type(self).__name__}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity

    def step(self, proj, h):
        pre = self._recurrent(h, proj)
        return pre.tanh() if self.nonlinearity == "tanh" else pre.relu()


class RNNCell(_RNNStep, _Cell):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", rng=None):
        super().__init__(input_size, hidden_size, bias, rng=rng, fused=False)
        self._init_nonlinearity(nonlinearity)


class RNN(_RNNStep, _Sequence):
    """Elman RNN: returns (output (T, N, H), h_n (1, N, H))."""

    def __init__(self, input_size, hidden_size, nonlinearity="tanh", bias=True, batch_first=False, rng=None):
        super().__init__(input_size, hidden_size, bias, batch_first, rng, fused=False)
        self._init_nonlinearity(nonlinearity)


def _state_pair(layer, state):
    """An LSTM state must be the pair (h, c)."""
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        raise ValueError(f"{type(layer).__name__}: the state must be a pair (h, c), got {type(state).__name__}")
    return state


class _LSTMStep:
    """Four gates i, f, g, o from one matmul per step; state is (h, c)."""

    gates = 4

    def step(self, proj, state):
        h, c = state
        z = self._recurrent(h, proj)
        hs = self.hidden_size
        if self.fused:
            both = ag.ops.lstm_cell_update(z, c)
            return both[:, :hs], both[:, hs:]
        i = z[:, :hs].sigmoid()
        f = z[:, hs:2 * hs].sigmoid()
        g = z[:, 2 * hs:3 * hs].tanh()
        o = z[:, 3 * hs:].sigmoid()
        c = f * c + i * g
        return o * c.tanh(), c

    def _initial_state(self, n, dtype):
        zeros = ag.zeros((n, self.hidden_size), dtype=dtype)
        return zeros, zeros


class LSTMCell(_LSTMStep, _Cell):
    """forward(x, (h, c)) -> (h', c')."""

    def _batch_state(self, state, n, unbatched):
        return tuple(self._one_state(s, n, unbatched) for s in _state_pair(self, state))

    def _unbatch_state(self, state):
        return tuple(s.reshape(-1) for s in state)


class LSTM(_LSTMStep, _Sequence):
    """Returns (output (T, N, H), (h_n, c_n)), each state (1, N, H)."""

    def _unpack_state(self, state, n, unbatched):
        h, c = _state_pair(self, state)
        return self._one_state(h, n, unbatched), self._one_state(c, n, unbatched)

    def _pack_state(self, state, unbatched):
        return tuple(_Sequence._pack_state(self, s, unbatched) for s in state)

    def _hidden(self, state):
        return state[0]

    def _run(self, x, state):
        if not self.fused:
            return _Sequence._run(self, x, state)
        w_ih, w_hh, b_ih, b_hh = self._w
        both = ag.ops.lstm_sequence(x, w_ih, w_hh, self._folded_bias(b_ih, b_hh), *state)
        hs = self.hidden_size
        return both[:, :, :hs], (both[-1, :, :hs], both[-1, :, hs:])


class _GRUStep:
    """Gates r, z, n; b_hn stays inside r * (W_hn h + b_hn), so only the r and z biases fold."""

    gates = 3

    def _folded_bias(self, b_ih, b_hh):
        if b_ih is None or self.fused:
            return b_ih
        hs = self.hidden_size
        return b_ih + ag.concatenate([b_hh[:2 * hs], ag.zeros(hs, dtype=b_hh.dtype)])

    def _run(self, x, h):
        if not self.fused:
            return _Sequence._run(self, x, h)
        out = ag.ops.gru_sequence(x, *self._w, h)
        return out, out[-1]

    def step(self, proj, h):
        b_hh = self._w[3]
        hs = self.hidden_size
        if self.fused:
            return ag.ops.gru_cell_update(proj, self._recurrent(h, b_hh), h)
        rec = self._recurrent(h)
        r = (proj[:, :hs] + rec[:, :hs]).sigmoid()
        z = (proj[:, hs:2 * hs] + rec[:, hs:2 * hs]).sigmoid()
        hn = rec[:, 2 * hs:] if b_hh is None else rec[:, 2 * hs:] + b_hh[2 * hs:]
        n = (proj[:, 2 * hs:] + r * hn).tanh()
        return (1.0 - z) * n + z * h


class GRUCell(_GRUStep, _Cell):
    """forward(x, h) -> h'."""


class GRU(_GRUStep, _Sequence):
    """Returns (output (T, N, H), h_n (1, N, H))."""
