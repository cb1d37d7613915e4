"""Binary cross-entropy on probabilities as one primitive.

Reason: stability at saturated probabilities. Composed, the clamped logs send 0 / 0 = NaN
back at p = 0 or 1 (as from sigmoid(±1000)); PyTorch's rule bounds the denominator instead:
dL/dp = (p − y) / max(p (1 − p), 1e-12).
"""
import numpy as np

from ..backend import numpy_ops
from ..primitive import Primitive
from ._rules import tangent_sum

_LOG_FLOOR = -100.0  # PyTorch clamps each log at -100, so a certain wrong answer costs 100, not inf
_EPSILON = 1e-12  # PyTorch's bound on p (1 - p) in the gradient


def _clamped_log(xp, a):
    """max(ln a, -100), whose gradient is exactly 0 where the floor holds (not 0 · inf = NaN at a = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        above = np.log(xp.value(a)) > _LOG_FLOOR
    return xp.where(above, xp.log(xp.where(above, a, 1.0)), _LOG_FLOOR)


class BinaryCrossEntropy(Primitive):
    """out = −(y max(ln p, −100) + (1 − y) max(ln(1 − p), −100)), elementwise, p and y of one shape."""

    @staticmethod
    def sample_inputs(rng):
        yield (rng.uniform(0.05, 0.95, (3, 4)), rng.uniform(0, 1, (3, 4))), {}
        yield (rng.uniform(0.05, 0.95, (5,)), (rng.random(5) > 0.5).astype(float)), {}

    @staticmethod
    def forward(ctx, p, y):
        return -(y * _clamped_log(numpy_ops, p) + (1 - y) * _clamped_log(numpy_ops, 1 - p))

    @staticmethod
    def vjp(ctx, xp, g, out, p, y):
        dp = g * _slope_p(xp, p, y) if ctx.needs[0] else None
        dy = g * _slope_y(xp, p) if ctx.needs[1] else None
        return dp, dy

    @staticmethod
    def jvp(ctx, xp, ts, out, p, y):
        dp, dy = ts
        return tangent_sum(None if dp is None else dp * _slope_p(xp, p, y),
                           None if dy is None else dy * _slope_y(xp, p))


def _slope_p(xp, p, y):
    """dL/dp = (p − y) / max(p (1 − p), 1e-12): finite at p = 0 and p = 1."""
    spread = p * (1 - p)
    return (p - y) / xp.where(xp.value(spread) > _EPSILON, spread, _EPSILON)


def _slope_y(xp, p):
    """dL/dy = ln(1 − p) − ln p, unclamped as in PyTorch (±inf at p = 0 or 1)."""
    with np.errstate(divide="ignore"):
        return xp.log(1 - p) - xp.log(p)
