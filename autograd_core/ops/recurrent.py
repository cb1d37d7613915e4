"""Fused recurrent-cell updates: one primitive per LSTM / GRU time step after the matmuls.

Reason: speed. A composed LSTM step records about 17 ops (slices, three sigmoids, two
tanh, products, sums); at batch 64 the per-op bookkeeping then costs as much as the
arithmetic. nn's cells use these by default and keep the composed form (`fused=False`)
for teaching and for checking one against the other.

Under an ordinary backward the rules reuse the activations saved by forward; under
`create_graph=True` they recompute them from the inputs with engine ops, so the
gradient stays differentiable.
"""
import numpy as np

from ..primitive import Primitive
from .elementwise import Sigmoid


def _sigmoid(x):
    return Sigmoid.forward(None, x)


def _lstm_gates(xp, z, hidden, ctx):
    if xp.name == "numpy":
        return ctx.gates
    h = hidden
    return (xp.sigmoid(z[:, :h]), xp.sigmoid(z[:, h:2 * h]), xp.tanh(z[:, 2 * h:3 * h]), xp.sigmoid(z[:, 3 * h:]))


class LSTMCellUpdate(Primitive):
    """[h' | c'] from gate pre-activations z = (i, f, g, o) and c: c' = σf c + σi tanh g, h' = σo tanh c'"""

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 8)), rng.standard_normal((3, 2))), {}
        yield (rng.standard_normal((1, 12)) * 2, rng.standard_normal((1, 3))), {}

    @staticmethod
    def forward(ctx, z, c):
        h = c.shape[-1]
        i, f, o = _sigmoid(z[:, :h]), _sigmoid(z[:, h:2 * h]), _sigmoid(z[:, 3 * h:])
        g = np.tanh(z[:, 2 * h:3 * h])
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        if ctx is not None:
            ctx.gates, ctx.tc = (i, f, g, o), tc
        return np.concatenate([o * tc, c_new], axis=1)

    @staticmethod
    def vjp(ctx, xp, g_out, out, z, c):
        h = c.shape[-1]
        i, f, g, o = _lstm_gates(xp, z, h, ctx)
        tc = ctx.tc if xp.name == "numpy" else xp.tanh(out[:, h:])
        gh, gc = g_out[:, :h], g_out[:, h:]
        dc = gc + gh * o * (1 - tc * tc)
        dz = xp.concatenate([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g),
                             gh * tc * o * (1 - o)], axis=1)
        return dz, dc * f

    @staticmethod
    def jvp(ctx, xp, ts, out, z, c):
        h = c.shape[-1]
        dz, dc = ts
        i, f, g, o = ctx.gates
        tc = ctx.tc
        if dz is None:
            dz = np.zeros_like(z)
        di, df, dg, do = (dz[:, :h] * i * (1 - i), dz[:, h:2 * h] * f * (1 - f),
                          dz[:, 2 * h:3 * h] * (1 - g * g), dz[:, 3 * h:] * o * (1 - o))
        dc_new = df * c + di * g + i * dg + (0 if dc is None else f * dc)
        return np.concatenate([do * tc + o * (1 - tc * tc) * dc_new, dc_new], axis=1)

    @staticmethod
    def flops(out, z, c):
        return 12 * c.size


class GRUCellUpdate(Primitive):
    """h' = (1 - z) n + z h with r, z = σ(a + b), n = tanh(a_n + r b_n); a = input part, b = hidden part"""

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 6)), rng.standard_normal((3, 6)), rng.standard_normal((3, 2))), {}
        yield (rng.standard_normal((1, 9)) * 2, rng.standard_normal((1, 9)), rng.standard_normal((1, 3))), {}

    @staticmethod
    def forward(ctx, a, b, h):
        n_h = h.shape[-1]
        r = _sigmoid(a[:, :n_h] + b[:, :n_h])
        z = _sigmoid(a[:, n_h:2 * n_h] + b[:, n_h:2 * n_h])
        n = np.tanh(a[:, 2 * n_h:] + r * b[:, 2 * n_h:])
        if ctx is not None:
            ctx.gates = (r, z, n)
        return (1 - z) * n + z * h

    @staticmethod
    def vjp(ctx, xp, g, out, a, b, h):
        n_h = h.shape[-1]
        if xp.name == "numpy":
            r, z, n = ctx.gates
        else:
            r = xp.sigmoid(a[:, :n_h] + b[:, :n_h])
            z = xp.sigmoid(a[:, n_h:2 * n_h] + b[:, n_h:2 * n_h])
            n = xp.tanh(a[:, 2 * n_h:] + r * b[:, 2 * n_h:])
        bn = b[:, 2 * n_h:]
        dn = g * (1 - z) * (1 - n * n)
        dr = dn * bn * r * (1 - r)
        dz = g * (h - n) * z * (1 - z)
        return xp.concatenate([dr, dz, dn], axis=1), xp.concatenate([dr, dz, dn * r], axis=1), g * z

    @staticmethod
    def jvp(ctx, xp, ts, out, a, b, h):
        n_h = h.shape[-1]
        r, z, n = ctx.gates
        da, db, dh = (np.zeros_like(x) if t is None else t for t, x in zip(ts, (a, b, h)))
        dr = (da[:, :n_h] + db[:, :n_h]) * r * (1 - r)
        dz = (da[:, n_h:2 * n_h] + db[:, n_h:2 * n_h]) * z * (1 - z)
        dn = (da[:, 2 * n_h:] + dr * b[:, 2 * n_h:] + r * db[:, 2 * n_h:]) * (1 - n * n)
        return dz * (h - n) + (1 - z) * dn + z * dh

    @staticmethod
    def flops(out, a, b, h):
        return 12 * h.size
