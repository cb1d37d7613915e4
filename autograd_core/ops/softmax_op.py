"""Softmax as one primitive: exp(x - max) / Σ exp(x - max) over some axes, and its VJP out · (g - Σ g · out).

Reason: speed (attention's scores). Composed as exp(x - logsumexp(x)), the forward takes exp
twice (inside the log-sum-exp and for the result) and the backward a third time (the
log-sum-exp's VJP); here forward takes one exp, and the rules read only the output.
"""
import numpy as np

from ..primitive import Primitive
from ._rules import sum_last
from ._unary import QUIET, floating


def _sum(a, axis):
    """Σ of numpy array `a` over `axis`, kept: through BLAS (`sum_last`) for the last axis, attention's."""
    return sum_last(a) if axis == (-1,) and a.ndim else np.sum(a, axis=axis, keepdims=True)


class Softmax(Primitive):
    """out = exp(x) / Σ exp(x) over `axis`, a tuple of negative ints; d x = out · (g - Σ g · out)

    The axes count from the end, so a leading batch axis (jacfwd's tangents, vmap's examples)
    leaves it right: both batch by broadcasting.
    """

    batched = "broadcast"
    saves = ("output",)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)),), {"axis": (-1,)}
        yield (rng.standard_normal((2, 3, 4)) * 3,), {"axis": (-3,)}
        yield (rng.standard_normal((2, 3, 4)),), {"axis": (-3, -1)}
        yield (rng.standard_normal(5),), {"axis": (-1,)}

    @staticmethod
    def forward(ctx, x, axis=(-1,)):
        x = floating(x)
        if x.size == 0:  # no maximum to shift by; PyTorch returns the empty result
            return x.copy()
        with np.errstate(**QUIET):  # a row holding +inf or only -inf gives NaN, as in PyTorch
            out = np.subtract(x, np.max(x, axis=axis, keepdims=True), out=np.empty_like(x))  # an array also when 0-d
            np.exp(out, out=out)
            out /= _sum(out, axis)
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, axis=(-1,)):
        return (out * (g - _sum(g * out, axis)),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, axis=(-1,)):
        return out * (ts[0] - (ts[0] * out).sum(axis=axis, keepdims=True))

    @staticmethod
    def flops(out, x, axis=(-1,)):
        return 4 * x.size
