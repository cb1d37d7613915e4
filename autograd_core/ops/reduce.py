"""Reductions over axes. `axis` reaching a primitive is already normalized: None or a tuple."""
import numpy as np

from ..primitive import Primitive
from ._rules import float_sum, keepdims_shape, lead_axes

_REDUCE_CASES = [((3, 4), None, False), ((3, 4), (1,), False), ((2, 3, 4), (0, 2), True),
                 ((5,), (0,), True), ((2, 3, 4), (1,), False)]


def _reduce_samples(rng):
    for shape, axis, keepdims in _REDUCE_CASES:
        yield (rng.standard_normal(shape),), {"axis": axis, "keepdims": keepdims}


def _expand(xp, g, shape, axis, keepdims):
    """Broadcast a reduced gradient back over the reduced axes."""
    if not keepdims:
        g = g.reshape(keepdims_shape(shape, axis))
    return xp.broadcast_to(g, shape)


class Sum(Primitive):
    """out = Σ x over `axis`"""

    linear = True
    sample_inputs = staticmethod(_reduce_samples)
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        return float_sum(np.asarray(x), axis, keepdims)

    @staticmethod
    def batch_params(batch, x, axis=None, keepdims=False):
        return {"axis": lead_axes(axis, np.ndim(x), 1), "keepdims": keepdims}

    @staticmethod
    def vjp(ctx, xp, g, out, x, axis=None, keepdims=False):
        return (_expand(xp, g, x.shape, axis, keepdims),)


class _Extremum(Primitive):
    """max / min over `axis`: the gradient is split evenly among tied extreme elements."""

    sample_inputs = staticmethod(_reduce_samples)

    @staticmethod
    def vjp(ctx, xp, g, out, x, axis=None, keepdims=False):
        share = _tie_share(xp.value(x), xp.value(out), axis, keepdims)
        return (_expand(xp, g, x.shape, axis, keepdims) * share,)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, axis=None, keepdims=False):
        share = _tie_share(xp.value(x), xp.value(out), axis, keepdims)
        return (ts[0] * share).sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def flops(out, x, axis=None, keepdims=False):
        return x.size


def _tie_share(x, out, axis, keepdims):
    if not keepdims:
        out = out.reshape(keepdims_shape(x.shape, axis))
    hit = x == out
    return hit / np.sum(hit, axis=axis, keepdims=True, dtype=x.dtype)


class Max(_Extremum):
    """out = max of x over `axis`"""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        return np.max(x, axis=axis, keepdims=keepdims)


class Min(_Extremum):
    """out = min of x over `axis`"""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        return np.min(x, axis=axis, keepdims=keepdims)


class LogSumExp(Primitive):
    """out = log Σ exp(x) over `axis`. A primitive for numerical stability (shifted by the max)."""

    sample_inputs = staticmethod(_reduce_samples)

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        m = np.max(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
        if keepdims:
            return out
        return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)

    @staticmethod
    def vjp(ctx, xp, g, out, x, axis=None, keepdims=False):
        kept = out if keepdims else out.reshape(keepdims_shape(x.shape, axis))
        return (_expand(xp, g, x.shape, axis, keepdims) * xp.exp(x - kept),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, axis=None, keepdims=False):
        kept = out if keepdims else out.reshape(keepdims_shape(x.shape, axis))
        return (ts[0] * xp.exp(x - kept)).sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def flops(out, x, axis=None, keepdims=False):
        return 4 * x.size
