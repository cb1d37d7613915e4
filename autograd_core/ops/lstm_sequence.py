"""A whole LSTM layer over a sequence as one primitive: the hand-written numpy loop, inside the registry.

Reason: speed and memory. Step by step, the graph keeps every step's gate
pre-activations next to their activations and computes W_hh's gradient as 28 small
products; here the gate activations overwrite the pre-activations in one (T, N, 4H)
buffer and W_hh's gradient is one product over all steps, as hand-written code does.
nn.LSTM uses it by default; `fused=False` records the same equations op by op.

Under `create_graph=True` the VJP rebuilds those composed equations with engine ops
and differentiates them, so the gradient stays differentiable.
"""
import numpy as np

from ..primitive import Primitive
from .recurrent import _sigmoid


def _sigmoid_(x):
    """Logistic sigmoid in place."""
    np.copyto(x, _sigmoid(x))


class LSTMSequence(Primitive):
    """out[t] = [h_t | c_t] for t = 1..T: z = x_t W_ihᵀ + b + h_{t-1} W_hhᵀ split (i, f, g, o);
    c_t = σ(f) c_{t-1} + σ(i) tanh(g), h_t = σ(o) tanh(c_t); x (T, N, I), h0 and c0 (N, H), b (4H,) or None"""

    def sample_inputs(rng):
        t, n, i, h = 3, 2, 3, 2
        yield (rng.standard_normal((t, n, i)), rng.standard_normal((4 * h, i)), rng.standard_normal((4 * h, h)),
               rng.standard_normal(4 * h), rng.standard_normal((n, h)), rng.standard_normal((n, h))), {}
        yield (rng.standard_normal((2, 1, 2)), rng.standard_normal((12, 2)), rng.standard_normal((12, 3)),
               rng.standard_normal(12), rng.standard_normal((1, 3)), rng.standard_normal((1, 3))), {}

    def forward(ctx, x, w_ih, w_hh, b, h0, c0):
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        gates = np.matmul(x.reshape(steps * n, -1), w_ih.T).reshape(steps, n, 4 * hid)
        if b is not None:
            gates += b
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

    def vjp(ctx, xp, g_out, out, x, w_ih, w_hh, b, h0, c0):
        if xp.name != "numpy":
            return _composed_vjp(ctx, xp, g_out, x, w_ih, w_hh, b, h0, c0)
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
            dz = np.matmul(dh, w_hh.T)
            if dw_hh is not None:
                dz += np.matmul(h, dw_hh.T)
            if dx is not None:
                dz += np.matmul(dx[t], w_ih.T)
            if dw_ih is not None:
                dz += np.matmul(x[t], dw_ih.T)
            if db is not None:
                dz += db
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


def _composed_vjp(ctx, xp, g_out, *inputs):
    """Cotangents by differentiating the composed equations with the engine (create_graph)."""
    from ..engine import grad_of
    wanted = [i for i, need in enumerate(ctx.needs) if need]
    out = lstm_sequence_composed(*inputs, xp)
    grads = grad_of(out, [inputs[i] for i in wanted], g_out, retain_graph=True, create_graph=True)
    result = [None] * len(inputs)
    for i, g in zip(wanted, grads):
        result[i] = g
    return tuple(result)
