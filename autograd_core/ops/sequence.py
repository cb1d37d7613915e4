"""Whole LSTM and GRU layers over a sequence as primitives: the hand-written numpy loops, inside the registry.

Reason: speed and memory. Step by step, the graph keeps every step's gate
pre-activations next to their activations and computes W_hh's gradient as T small
products; here the gate activations overwrite the pre-activations in one (T, N, kH)
buffer and W_hh's gradient is one product over all steps, as hand-written code does.
nn.LSTM and nn.GRU use them by default; `fused=False` records the same equations op by op.

Under `create_graph=True` the VJP rebuilds those composed equations with engine ops
and differentiates them, so the gradient stays differentiable.
"""
import numpy as np

from ..primitive import Primitive
from ._rules import composed_vjp
from .recurrent import _sigmoid


def _input_projection(x, w_ih, b):
    """x_t W_ihᵀ + b for every time step at once, (T, N, gates * H): the buffer the gate activations then fill."""
    steps, n, _ = x.shape
    gates = np.matmul(x.reshape(steps * n, -1), w_ih.T).reshape(steps, n, len(w_ih))
    if b is not None:
        gates += b
    return gates


def _sigmoid_(x):
    """Logistic sigmoid in place."""
    np.copyto(x, _sigmoid(x))


class LSTMSequence(Primitive):
    """out[t] = [h_t | c_t] for t = 1..T: z = x_t W_ihᵀ + b + h_{t-1} W_hhᵀ split (i, f, g, o);
    c_t = σ(f) c_{t-1} + σ(i) tanh(g), h_t = σ(o) tanh(c_t); x (T, N, I), h0 and c0 (N, H), b (4H,) or None"""

    @staticmethod
    def sample_inputs(rng):
        t, n, i, h = 3, 2, 3, 2
        yield (rng.standard_normal((t, n, i)), rng.standard_normal((4 * h, i)), rng.standard_normal((4 * h, h)),
               rng.standard_normal(4 * h), rng.standard_normal((n, h)), rng.standard_normal((n, h))), {}
        yield (rng.standard_normal((2, 1, 2)), rng.standard_normal((12, 2)), rng.standard_normal((12, 3)),
               rng.standard_normal(12), rng.standard_normal((1, 3)), rng.standard_normal((1, 3))), {}

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b, h0, c0):
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        gates = _input_projection(x, w_ih, b)
        out = np.empty((steps, n, 2 * hid), dtype=gates.dtype)
        tanh_c = np.empty((steps, n, hid), dtype=gates.dtype)
        h, c = h0, c0
        for t in range(steps):
            g = gates[t]
            g += np.matmul(h, w_hh.T)
            _sigmoid_(g[:, :2 * hid])
            np.tanh(g[:, 2 * hid:3 * hid], out=g[:, 2 * hid:3 * hid])
            _sigmoid_(g[:, 3 * hid:])
            i, f, gg, o = g[:, :hid], g[:, hid:2 * hid], g[:, 2 * hid:3 * hid], g[:, 3 * hid:]
            h, c_new = out[t, :, :hid], out[t, :, hid:]
            np.multiply(f, c, out=c_new)
            c_new += i * gg
            np.tanh(c_new, out=tanh_c[t])
            np.multiply(o, tanh_c[t], out=h)
            c = c_new
        if ctx is not None:
            ctx.gates, ctx.tanh_c = gates, tanh_c
        return out

    @staticmethod
    def vjp(ctx, xp, g_out, out, x, w_ih, w_hh, b, h0, c0):
        if xp.name != "numpy":
            return composed_vjp(ctx, lstm_sequence_composed, g_out, (x, w_ih, w_hh, b, h0, c0), xp)
        gates, tanh_c = ctx.gates, ctx.tanh_c
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        dgates = np.empty_like(gates)
        dh = np.zeros((n, hid), dtype=gates.dtype)
        dc = np.zeros((n, hid), dtype=gates.dtype)
        for t in reversed(range(steps)):
            dh += g_out[t, :, :hid]
            dc += g_out[t, :, hid:]
            i, f, gg, o = (gates[t, :, k * hid:(k + 1) * hid] for k in range(4))
            tc = tanh_c[t]
            c_prev = c0 if t == 0 else out[t - 1, :, hid:]
            d = dgates[t]
            np.multiply(dh * tc, o * (1 - o), out=d[:, 3 * hid:])
            dc += dh * o * (1 - tc * tc)
            np.multiply(dc * gg, i * (1 - i), out=d[:, :hid])
            np.multiply(dc * c_prev, f * (1 - f), out=d[:, hid:2 * hid])
            np.multiply(dc * i, 1 - gg * gg, out=d[:, 2 * hid:3 * hid])
            dh = np.matmul(d, w_hh)
            dc *= f
        flat = dgates.reshape(steps * n, 4 * hid)
        needs = ctx.needs
        dx = np.matmul(flat, w_ih).reshape(x.shape) if needs[0] else None
        dw_ih = np.matmul(flat.T, x.reshape(steps * n, -1)) if needs[1] else None
        dw_hh = None
        if needs[2]:
            h_prev = np.concatenate([h0[None], out[:-1, :, :hid]]).reshape(steps * n, hid)
            dw_hh = np.matmul(flat.T, h_prev)
        db = flat.sum(axis=0) if b is not None and needs[3] else None
        return dx, dw_ih, dw_hh, db, dh, dc

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w_ih, w_hh, b, h0, c0):
        gates, tanh_c = ctx.gates, ctx.tanh_c
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        dx, dw_ih, dw_hh, db, dh, dc = ts
        dh = np.zeros_like(h0) if dh is None else dh
        dc = np.zeros_like(c0) if dc is None else dc
        tangent = np.empty_like(out)
        h = h0
        for t in range(steps):
            dz = _tangent_of_affine(h, w_hh, dh, dw_hh, None) + _tangent_of_affine(
                x[t], w_ih, None if dx is None else dx[t], dw_ih, db)
            i, f, gg, o = (gates[t, :, k * hid:(k + 1) * hid] for k in range(4))
            c_prev = c0 if t == 0 else out[t - 1, :, hid:]
            di, df = dz[:, :hid] * i * (1 - i), dz[:, hid:2 * hid] * f * (1 - f)
            dg, do = dz[:, 2 * hid:3 * hid] * (1 - gg * gg), dz[:, 3 * hid:] * o * (1 - o)
            dc = df * c_prev + f * dc + di * gg + i * dg
            tc = tanh_c[t]
            dh = do * tc + o * (1 - tc * tc) * dc
            tangent[t, :, :hid], tangent[t, :, hid:] = dh, dc
            h = out[t, :, :hid]
        return tangent

    @staticmethod
    def flops(out, x, w_ih, w_hh, b, h0, c0):
        steps, n, _ = x.shape
        return 2 * steps * n * w_ih.shape[0] * (x.shape[2] + w_hh.shape[1]) + 12 * steps * n * w_hh.shape[1]


def lstm_sequence_composed(x, w_ih, w_hh, b, h0, c0, xp):
    """The same layer as engine ops, step by step (what create_graph differentiates)."""
    hid = w_hh.shape[1]
    proj = xp.affine(x, w_ih, b)
    h, c, outputs = h0, c0, []
    for t in range(x.shape[0]):
        z = xp.affine(h, w_hh, proj[t])
        i, f = xp.sigmoid(z[:, :hid]), xp.sigmoid(z[:, hid:2 * hid])
        gg, o = xp.tanh(z[:, 2 * hid:3 * hid]), xp.sigmoid(z[:, 3 * hid:])
        c = f * c + i * gg
        h = o * xp.tanh(c)
        outputs.append(xp.concatenate([h, c], axis=1))
    return xp.stack(outputs, axis=0)


class GRUSequence(Primitive):
    """out[t] = h_t for t = 1..T: a = x_t W_ihᵀ + b_ih, b = h_{t-1} W_hhᵀ + b_hh split (r, z, n);
    r, z = σ(a + b), n = tanh(a_n + r b_n), h_t = (1 - z) n + z h_{t-1}; x (T, N, I), h0 (N, H)"""

    @staticmethod
    def sample_inputs(rng):
        t, n, i, h = 3, 2, 3, 2
        yield (rng.standard_normal((t, n, i)), rng.standard_normal((3 * h, i)), rng.standard_normal((3 * h, h)),
               rng.standard_normal(3 * h), rng.standard_normal(3 * h), rng.standard_normal((n, h))), {}
        yield (rng.standard_normal((2, 1, 2)), rng.standard_normal((9, 2)), rng.standard_normal((9, 3)),
               rng.standard_normal(9), rng.standard_normal(9), rng.standard_normal((1, 3))), {}

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh, h0):
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        gates = _input_projection(x, w_ih, b_ih)
        out = np.empty((steps, n, hid), dtype=gates.dtype)
        hidden_n = np.empty((steps, n, hid), dtype=gates.dtype)  # W_hn h + b_hn, which r scales
        h = h0
        for t in range(steps):
            hg = np.matmul(h, w_hh.T)
            if b_hh is not None:
                hg += b_hh
            rz, cand = gates[t, :, :2 * hid], gates[t, :, 2 * hid:]
            rz += hg[:, :2 * hid]
            _sigmoid_(rz)
            hidden_n[t] = hg[:, 2 * hid:]
            cand += rz[:, :hid] * hidden_n[t]
            np.tanh(cand, out=cand)
            h_new = out[t]
            np.subtract(h, cand, out=h_new)
            h_new *= rz[:, hid:]
            h_new += cand
            h = h_new
        if ctx is not None:
            ctx.gates, ctx.hidden_n = gates, hidden_n
        return out

    @staticmethod
    def vjp(ctx, xp, g_out, out, x, w_ih, w_hh, b_ih, b_hh, h0):
        if xp.name != "numpy":
            return composed_vjp(ctx, gru_sequence_composed, g_out, (x, w_ih, w_hh, b_ih, b_hh, h0), xp)
        gates, hidden_n = ctx.gates, ctx.hidden_n
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        d_hidden = np.empty_like(gates)  # cotangents of W_hh h + b_hh, per step
        d_cand = np.empty((steps, n, hid), dtype=gates.dtype)  # of the input side's n pre-activation
        dh = np.zeros((n, hid), dtype=gates.dtype)
        for t in reversed(range(steps)):
            dh += g_out[t]
            r, z, cand = gates[t, :, :hid], gates[t, :, hid:2 * hid], gates[t, :, 2 * hid:]
            h_prev = h0 if t == 0 else out[t - 1]
            dc = d_cand[t]
            np.multiply(dh * (1 - z), 1 - cand * cand, out=dc)
            np.multiply(dc * hidden_n[t], r * (1 - r), out=d_hidden[t, :, :hid])
            np.multiply((h_prev - cand) * dh, z * (1 - z), out=d_hidden[t, :, hid:2 * hid])
            np.multiply(dc, r, out=d_hidden[t, :, 2 * hid:])
            dh = dh * z + np.matmul(d_hidden[t], w_hh)
        dhf = d_hidden.reshape(steps * n, 3 * hid)
        dcf = d_cand.reshape(steps * n, hid)
        xf = x.reshape(steps * n, -1)
        needs = ctx.needs
        # NOTE: the input side's r and z cotangents equal the hidden side's; only n differs (no r factor)
        dx = dw_ih = db_ih = dw_hh = db_hh = None
        if needs[0]:
            dx = (np.matmul(dhf[:, :2 * hid], w_ih[:2 * hid]) + np.matmul(dcf, w_ih[2 * hid:])).reshape(x.shape)
        if needs[1]:
            dw_ih = np.concatenate([np.matmul(dhf[:, :2 * hid].T, xf), np.matmul(dcf.T, xf)])
        if b_ih is not None and needs[3]:
            db_ih = np.concatenate([dhf[:, :2 * hid].sum(axis=0), dcf.sum(axis=0)])
        if needs[2]:
            h_prev = np.concatenate([h0[None], out[:-1]]).reshape(steps * n, hid)
            dw_hh = np.matmul(dhf.T, h_prev)
        if b_hh is not None and needs[4]:
            db_hh = dhf.sum(axis=0)
        return dx, dw_ih, dw_hh, db_ih, db_hh, dh

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w_ih, w_hh, b_ih, b_hh, h0):
        gates, hidden_n = ctx.gates, ctx.hidden_n
        hid = w_hh.shape[1]
        dx, dw_ih, dw_hh, db_ih, db_hh, dh = ts
        dh = np.zeros_like(h0) if dh is None else dh
        tangent = np.empty_like(out)
        h = h0
        for t in range(x.shape[0]):
            d_in = _tangent_of_affine(x[t], w_ih, None if dx is None else dx[t], dw_ih, db_ih)
            d_hid = _tangent_of_affine(h, w_hh, dh, dw_hh, db_hh)
            r, z, cand = gates[t, :, :hid], gates[t, :, hid:2 * hid], gates[t, :, 2 * hid:]
            dr = (d_in[:, :hid] + d_hid[:, :hid]) * r * (1 - r)
            dz = (d_in[:, hid:2 * hid] + d_hid[:, hid:2 * hid]) * z * (1 - z)
            d_cand = (d_in[:, 2 * hid:] + dr * hidden_n[t] + r * d_hid[:, 2 * hid:]) * (1 - cand * cand)
            dh = dz * (h - cand) + (1 - z) * d_cand + z * dh
            tangent[t] = dh
            h = out[t]
        return tangent

    @staticmethod
    def flops(out, x, w_ih, w_hh, b_ih, b_hh, h0):
        steps, n, _ = x.shape
        return 2 * steps * n * w_ih.shape[0] * (x.shape[2] + w_hh.shape[1]) + 12 * steps * n * w_hh.shape[1]


def _tangent_of_affine(x, w, dx, dw, db):
    """Tangent of x @ wᵀ + b given the tangents of x, w and b (None: no tangent); zeros if none."""
    total = np.zeros((x.shape[0], w.shape[0]), dtype=np.result_type(x, w))
    if dx is not None:
        total += np.matmul(dx, w.T)
    if dw is not None:
        total += np.matmul(x, dw.T)
    if db is not None:
        total += db
    return total


def gru_sequence_composed(x, w_ih, w_hh, b_ih, b_hh, h0, xp):
    """The same layer as engine ops, step by step (what create_graph differentiates)."""
    hid = w_hh.shape[1]
    proj = xp.affine(x, w_ih, b_ih)
    h, outputs = h0, []
    for t in range(x.shape[0]):
        a, b = proj[t], xp.affine(h, w_hh, b_hh)
        r = xp.sigmoid(a[:, :hid] + b[:, :hid])
        z = xp.sigmoid(a[:, hid:2 * hid] + b[:, hid:2 * hid])
        n = xp.tanh(a[:, 2 * hid:] + r * b[:, 2 * hid:])
        h = (1 - z) * n + z * h
        outputs.append(h)
    return xp.stack(outputs, axis=0)
