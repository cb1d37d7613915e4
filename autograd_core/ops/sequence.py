"""Whole LSTM and GRU layers over a sequence as primitives: backpropagation through time written out.

Reason: speed and memory. Step by step, the graph keeps every step's gate
pre-activations next to their activations and computes W_hh's gradient as T small
products; here the gate activations overwrite the pre-activations in one (T, N, kH)
buffer and each weight's gradient is one product over all steps, as hand-written code
does. nn.LSTM and nn.GRU use them by default; `fused=False` records the same steps op by op.

Both run the one written-out step of `recurrent.py` (on numpy arrays in forward); each
declares its composed form, that step as engine ops, which create_graph differentiates.
"""
import numpy as np

from ..backend import numpy_ops
from ..primitive import Primitive
from .recurrent import blocks, gru_gates, gru_state, gru_step, lstm_gates, lstm_state, lstm_step


class _Sequence(Primitive):
    """What both layers share: their cost, both matmuls of every step and about a dozen operations per hidden unit."""

    @staticmethod
    def flops(out, x, w_ih, w_hh, *biases_and_states):
        steps, n, size_in = x.shape
        return 2 * steps * n * len(w_ih) * (size_in + w_hh.shape[1]) + 12 * steps * n * w_hh.shape[1]


class LSTMSequence(_Sequence):
    """out[t] = [h_t | c_t] for t = 1..T: (h_t, c_t) = lstm_step(x_t W_ihᵀ + b + h_{t-1} W_hhᵀ, c_{t-1});
    x (T, N, I), w_ih (4H, I), w_hh (4H, H), b (4H,) or None, h0 and c0 (N, H)"""

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b, h0, c0):
        hidden = w_hh.shape[1]
        gates = _input_projection(x, w_ih, b)
        out = np.empty(gates.shape[:2] + (2 * hidden,), dtype=gates.dtype)
        tanh_c = np.empty(gates.shape[:2] + (hidden,), dtype=gates.dtype)
        h, c = h0, c0
        for t in range(len(x)):
            acts = lstm_gates(numpy_ops, gates[t] + h @ w_hh.T)
            np.concatenate(acts, axis=1, out=gates[t])  # keep the activations, not the pre-activations
            h, c, tanh_c[t] = lstm_state(numpy_ops, acts, c)
            out[t, :, :hidden], out[t, :, hidden:] = h, c
        if ctx is not None:
            ctx.gates, ctx.tanh_c = gates, tanh_c
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, w_ih, w_hh, b, h0, c0):
        hidden = w_hh.shape[1]
        gates, cells, tanh_c = ctx.gates, out[:, :, hidden:], ctx.tanh_c
        d_pre = _activation_slopes(gates, tanh_at=slice(2 * hidden, 3 * hidden))  # times each step's cotangents below
        dh, dc = np.zeros(h0.shape, gates.dtype), np.zeros(c0.shape, gates.dtype)
        for t in reversed(range(len(x))):
            i, f, cand, o = blocks(gates[t], 4)
            dh += g[t, :, :hidden]
            dc += g[t, :, hidden:] + dh * o * (1 - tanh_c[t] ** 2)
            d_i, d_f, d_cand, d_o = blocks(d_pre[t], 4)  # each slope, times its activation's cotangent
            d_i *= dc * cand
            d_f *= dc * (c0 if t == 0 else cells[t - 1])
            d_cand *= dc * i
            d_o *= dh * tanh_c[t]
            dh, dc = d_pre[t] @ w_hh, dc * f
        needs = ctx.needs
        dw_hh, _ = _hidden_side_grads(needs[2], False, d_pre, np.concatenate([h0[None], out[:-1, :, :hidden]]))
        dx, dw_ih, db = _input_side_grads(needs[0], needs[1], needs[3], d_pre, x, w_ih)
        return dx, dw_ih, dw_hh, db, dh, dc

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w_ih, w_hh, b, h0, c0):
        hidden = w_hh.shape[1]
        dx, dw_ih, dw_hh, db, dh, dc = ts
        dh = np.zeros_like(h0) if dh is None else dh
        dc = np.zeros_like(c0) if dc is None else dc
        tangent = np.empty_like(out)
        h, c = h0, c0
        for t in range(len(x)):
            i, f, cand, o = blocks(ctx.gates[t], 4)
            dz = _affine_tangent(x[t], w_ih, None if dx is None else dx[t], dw_ih, db) + _affine_tangent(
                h, w_hh, dh, dw_hh, None)
            di, df, dcand, do = blocks(dz, 4)
            dc = df * f * (1 - f) * c + f * dc + di * i * (1 - i) * cand + i * dcand * (1 - cand ** 2)
            h, c, tanh_c = out[t, :, :hidden], out[t, :, hidden:], ctx.tanh_c[t]
            dh = do * o * (1 - o) * tanh_c + o * (1 - tanh_c ** 2) * dc
            tangent[t, :, :hidden], tangent[t, :, hidden:] = dh, dc
        return tangent

    @staticmethod
    def composed(xp, x, w_ih, w_hh, b, h0, c0):
        proj = xp.affine(x, w_ih, b)
        h, c, outputs = h0, c0, []
        for t in range(x.shape[0]):
            h, c = lstm_step(xp, xp.affine(h, w_hh, proj[t]), c)
            outputs.append(xp.concatenate([h, c], axis=1))
        return xp.stack(outputs, axis=0)

    @staticmethod
    def sample_inputs(rng):
        return _sample_layers(rng, gates=4, biases=1, states=2)


class GRUSequence(_Sequence):
    """out[t] = h_t for t = 1..T: h_t = gru_step(x_t W_ihᵀ + b_ih, h_{t-1} W_hhᵀ + b_hh, h_{t-1});
    x (T, N, I), w_ih (3H, I), w_hh (3H, H), b_ih and b_hh (3H,) or None, h0 (N, H)"""

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh, h0):
        hidden = w_hh.shape[1]
        gates = _input_projection(x, w_ih, b_ih)
        h_n = np.empty(gates.shape[:2] + (hidden,), dtype=gates.dtype)  # W_hn h + b_hn, which r scales
        out = np.empty_like(h_n)
        h = h0
        for t in range(len(x)):
            h_part = h @ w_hh.T if b_hh is None else h @ w_hh.T + b_hh
            acts = gru_gates(numpy_ops, gates[t], h_part)
            np.concatenate(acts, axis=1, out=gates[t])  # keep the activations, not the input part
            h_n[t] = h_part[:, 2 * hidden:]
            out[t] = h = gru_state(acts, h)
        if ctx is not None:
            ctx.gates, ctx.h_n = gates, h_n
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, w_ih, w_hh, b_ih, b_hh, h0):
        hidden = w_hh.shape[1]
        gates, h_n = ctx.gates, ctx.h_n
        h_prev = np.concatenate([h0[None], out[:-1]])
        d_hid = _activation_slopes(gates, tanh_at=slice(2 * hidden, None))  # times the cotangents of W_hh h + b_hh
        d_n = np.empty_like(h_n)  # of n's pre-activation x_n + r h_n; for the hidden part r times it
        dh = np.zeros(h0.shape, gates.dtype)
        for t in reversed(range(len(x))):
            r, z, n = blocks(gates[t], 3)
            d_r, d_z, d_rn = blocks(d_hid[t], 3)  # each slope, times its activation's cotangent
            dh += g[t]
            np.multiply(d_rn, dh * (1 - z), out=d_n[t])
            d_r *= d_n[t] * h_n[t]
            d_z *= dh * (h_prev[t] - n)
            np.multiply(d_n[t], r, out=d_rn)
            dh = dh * z + d_hid[t] @ w_hh
        needs = ctx.needs
        dw_hh, db_hh = _hidden_side_grads(needs[2], needs[4], d_hid, h_prev)
        d_in = d_hid  # becomes the input part's cotangents in place: the same for r and z, without r for n
        d_in[:, :, 2 * hidden:] = d_n
        dx, dw_ih, db_ih = _input_side_grads(needs[0], needs[1], needs[3], d_in, x, w_ih)
        return dx, dw_ih, dw_hh, db_ih, db_hh, dh

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w_ih, w_hh, b_ih, b_hh, h0):
        hidden = w_hh.shape[1]
        dx, dw_ih, dw_hh, db_ih, db_hh, dh = ts
        dh = np.zeros_like(h0) if dh is None else dh
        tangent = np.empty_like(out)
        h = h0
        for t in range(len(x)):
            r, z, n = blocks(ctx.gates[t], 3)
            d_in = _affine_tangent(x[t], w_ih, None if dx is None else dx[t], dw_ih, db_ih)
            d_hid = _affine_tangent(h, w_hh, dh, dw_hh, db_hh)
            dr = (d_in[:, :hidden] + d_hid[:, :hidden]) * r * (1 - r)
            dz = (d_in[:, hidden:2 * hidden] + d_hid[:, hidden:2 * hidden]) * z * (1 - z)
            dn = (d_in[:, 2 * hidden:] + dr * ctx.h_n[t] + r * d_hid[:, 2 * hidden:]) * (1 - n * n)
            dh = dz * (h - n) + (1 - z) * dn + z * dh
            tangent[t], h = dh, out[t]
        return tangent

    @staticmethod
    def composed(xp, x, w_ih, w_hh, b_ih, b_hh, h0):
        proj = xp.affine(x, w_ih, b_ih)
        h, outputs = h0, []
        for t in range(x.shape[0]):
            h = gru_step(xp, proj[t], xp.affine(h, w_hh, b_hh), h)
            outputs.append(h)
        return xp.stack(outputs, axis=0)

    @staticmethod
    def sample_inputs(rng):
        return _sample_layers(rng, gates=3, biases=2, states=1)


def _sample_layers(rng, gates, biases, states):
    """Test cases (x, w_ih, w_hh, *biases, *states, {}) of a layer whose weights stack `gates` blocks."""
    for steps, n, size_in, hidden in ((3, 2, 3, 2), (2, 1, 2, 3)):
        weights = [rng.standard_normal((gates * hidden, size_in)), rng.standard_normal((gates * hidden, hidden))]
        yield (rng.standard_normal((steps, n, size_in)), *weights,
               *(rng.standard_normal(gates * hidden) for _ in range(biases)),
               *(rng.standard_normal((n, hidden)) for _ in range(states))), {}


def _activation_slopes(gates, tanh_at):
    """Each activation's derivative from its value: σ(1 - σ) for the sigmoids, 1 - tanh² for the slice `tanh_at`."""
    slopes = 1 - gates
    slopes *= gates  # in place, here and below: one buffer the size of the gates and no temporaries
    tanh_slopes = slopes[..., tanh_at]
    np.square(gates[..., tanh_at], out=tanh_slopes)
    np.subtract(1, tanh_slopes, out=tanh_slopes)
    return slopes


def _input_projection(x, w_ih, b):
    """x_t W_ihᵀ + b for every time step at once, (T, N, gates * H): the buffer the gate activations then fill."""
    proj = (x.reshape(-1, x.shape[-1]) @ w_ih.T).reshape(x.shape[:2] + (len(w_ih),))
    if b is not None:
        proj += b
    return proj


def _input_side_grads(need_x, need_w_ih, need_b, d_in, x, w_ih):
    """(dx, dW_ih, db_ih) from the cotangents of every step's input part W_ih x + b_ih, one product each."""
    rows = d_in.reshape(-1, d_in.shape[-1])
    return ((rows @ w_ih).reshape(x.shape) if need_x else None,
            rows.T @ x.reshape(-1, x.shape[-1]) if need_w_ih else None,
            rows.sum(axis=0) if need_b else None)


def _hidden_side_grads(need_w_hh, need_b, d_hid, h_prev):
    """(dW_hh, db_hh) from the cotangents of every step's hidden part W_hh h_{t-1} + b_hh, one product each."""
    rows = d_hid.reshape(-1, d_hid.shape[-1])
    return (rows.T @ h_prev.reshape(-1, h_prev.shape[-1]) if need_w_hh else None,
            rows.sum(axis=0) if need_b else None)


def _affine_tangent(x, w, dx, dw, db):
    """Tangent of x @ wᵀ + b given the tangents of x, w and b (None: no tangent); zeros if none."""
    total = np.zeros((x.shape[0], w.shape[0]), dtype=np.result_type(x, w))
    if dx is not None:
        total += dx @ w.T
    if dw is not None:
        total += x @ dw.T
    if db is not None:
        total += db
    return total
