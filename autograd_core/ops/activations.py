"""Activation primitives (softplus, logsigmoid, hardtanh, the ELU family, GELU) with PyTorch's values and
gradients at their kinks and thresholds; the other activations are composed from them in ops/__init__.py."""
import math

import numpy as np

from ._rules import masked
from ._unary import QUIET, _Unary
from .elementwise import _Elementwise
from .special import normal_cdf

def float_input(name, x):
    """x as an array, refused unless float or complex: PyTorch has no integer or bool kernel of these activations
    (its NotImplementedError, here a TypeError), where exp, tanh, sigmoid compute such input in float32."""
    x = np.asarray(x)
    if x.dtype.kind not in "fc":
        raise TypeError(f'"{name.lower()}" not implemented for {x.dtype} tensors, as in PyTorch')
    return x


class _Activation(_Unary):
    """A `_Unary` that refuses integer and bool input, as PyTorch's activation kernels."""

    @classmethod
    def forward(cls, ctx, x, **params):
        with np.errstate(**QUIET):
            return cls.fn(float_input(cls.name, x), **params)


_SQRT_HALF, _INV_SQRT_2PI, _SQRT_2_OVER_PI, _KAPPA = math.sqrt(0.5), 1 / math.sqrt(2 * math.pi), math.sqrt(2 / math.pi), 0.044715


class Softplus(_Activation):
    """out = ln(1 + e^(βx)) / β, and x where βx > threshold; d out = sigmoid(βx), 1 past the threshold"""

    sample_params, saves = True, ("inputs",)

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 4)) * 3,), {"beta": 1.0, "threshold": 20.0}
        yield (rng.standard_normal((5,)),), {"beta": 2.0, "threshold": 1.5}

    @staticmethod
    def fn(x, beta=1.0, threshold=20.0):
        bx = x * beta
        return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def slope(xp, x, out, beta=1.0, threshold=20.0):
        bx = x * beta
        return xp.where(xp.value(bx) > threshold, 1, xp.sigmoid(bx))


class LogSigmoid(_Activation):
    """out = ln sigmoid(x) = -ln(1 + e^-x), without overflow; d out = sigmoid(-x)"""

    saves = ("inputs",)

    @staticmethod
    def fn(x):
        return -np.logaddexp(0, -x)

    @staticmethod
    def slope(xp, x, out):
        return xp.sigmoid(-x)


class Hardtanh(_Elementwise):
    """out = x clamped to [min_val, max_val]; gradient 0 at and past the bounds, else 1 (NaN too, as PyTorch's)"""

    sample_params, saves = True, ("inputs",)

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 4)),), {"min_val": -1.0, "max_val": 1.0}
        yield (rng.standard_normal((6,)) * 4 + 3,), {"min_val": 0.0, "max_val": 6.0}

    @staticmethod
    def forward(ctx, x, min_val=-1.0, max_val=1.0):
        x = np.asarray(x)
        if x.dtype.kind in "fc":
            return np.clip(x, min_val, max_val)
        # as PyTorch: integers stay in their dtype, the bounds cut toward 0; bool and a negative bound on unsigned refused
        if x.dtype.kind == "b" or x.dtype.kind == "u" and min_val < 0:
            raise TypeError(f"hardtanh (or relu6) of {x.dtype} with limits ({min_val}, {max_val}) is not supported, "
                            "as in PyTorch")
        return np.clip(x, int(min_val), int(max_val)).astype(x.dtype, copy=False)

    @staticmethod
    def vjp(ctx, xp, g, out, x, min_val=-1.0, max_val=1.0):
        return (masked(g, _passes(xp.value(x), min_val, max_val), xp),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, min_val=-1.0, max_val=1.0):
        return masked(ts[0], _passes(xp.value(x), min_val, max_val), xp)


def _passes(x, lo, hi):
    """Where the gradient passes: not at or past a bound (so at NaN too: PyTorch tests for being cut off)."""
    return ~((x <= lo) | (x >= hi))


class Hardsigmoid(_Activation):
    """out = relu6(x + 3) / 6; d out = 1/6 strictly between -3 and 3, else 0 (NaN too, as PyTorch's)"""

    saves = ("inputs",)

    @staticmethod
    def fn(x):
        return np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def slope(xp, x, out):
        x = np.asarray(xp.value(x))
        return np.asarray((x > -3) & (x < 3), dtype=x.dtype) / 6


class Hardswish(_Activation):
    """out = x relu6(x + 3) / 6; d out = 0 up to -3, x/3 + 1/2 below 3, else 1 (NaN too, as PyTorch's)"""

    saves = ("inputs",)

    @staticmethod
    def fn(x):
        return x * np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def slope(xp, x, out):
        inside = (xp.value(x) > -3) & (xp.value(x) < 3)
        return xp.where(inside, x / 3 + 0.5, (xp.value(x) > -3) | np.isnan(xp.value(x)))


class Elu(_Activation):
    """out = scale · x for x > 0, else scale · alpha · (e^(input_scale · x) - 1): ELU, SELU and CELU in one
    (PyTorch's elu kernel); the gradient at 0 is the left one, scale · alpha · input_scale"""

    sample_params, saves = True, ("inputs",)

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 4)),), {"alpha": 1.0, "scale": 1.0, "input_scale": 1.0}
        yield (rng.standard_normal((5,)),), {"alpha": 1.6732632423543772, "scale": 1.0507009873554805, "input_scale": 1.0}
        yield (rng.standard_normal((2, 3)),), {"alpha": 2.0, "scale": 1.0, "input_scale": 0.5}

    @staticmethod
    def fn(x, alpha=1.0, scale=1.0, input_scale=1.0):
        negative = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
        return np.where(x > 0, x * scale, negative).astype(x.dtype, copy=False)

    @staticmethod
    def slope(xp, x, out, alpha=1.0, scale=1.0, input_scale=1.0):
        negative = xp.value(x) <= 0  # NaN takes the right branch's slope, as in PyTorch
        # NOTE: e^x of the discarded branch is taken at min(x, 0): no overflow, so no 0 · inf = NaN under create_graph
        left = xp.exp(xp.where(negative, x, 0) * input_scale) * (alpha * scale * input_scale)
        return xp.where(negative, left, scale)


class Gelu(_Activation):
    """out = x Φ(x) (Φ the normal CDF, through erf), or PyTorch's tanh approximation (approximate="tanh")

    Reason: speed (GPT's MLP). The exact form's forward keeps its slope Φ(x) + x φ(x) for the VJP,
    which so is one product: Φ and φ share one exponential (special.normal_cdf). That VJP runs on
    numpy only: create_graph differentiates `composed`. The JVP stays the `slope` formula, against `xp`.
    """

    sample_params, saves = True, ("inputs",)

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 4)) * 2,), {"approximate": "none"}
        yield (rng.standard_normal((5,)) * 2,), {"approximate": "tanh"}

    @staticmethod
    def fn(x, approximate="tanh"):
        """The tanh form (the exact one is `forward`'s own)."""
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)))

    @classmethod
    def forward(cls, ctx, x, approximate="none"):
        if approximate == "tanh":
            return super().forward(ctx, x, approximate=approximate)
        x = float_input("gelu", x)
        with np.errstate(**QUIET):
            cdf, gauss = normal_cdf(x)
            if ctx is not None:  # d out / dx = Φ(x) + x e^(-x²/2) / √(2π), kept for the VJP
                gauss *= x
                gauss *= _INV_SQRT_2PI
                gauss += cdf
                ctx.slope = gauss
            cdf *= x
            return cdf

    @classmethod
    def vjp(cls, ctx, xp, g, out, x, approximate="none"):
        if approximate == "tanh":
            return super().vjp(ctx, xp, g, out, x, approximate=approximate)
        return (g * ctx.slope,)

    @staticmethod
    def slope(xp, x, out, approximate="none"):
        if approximate == "tanh":  # PyTorch's GeluBackward, term by term
            t = xp.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_SQRT_2_OVER_PI * (1 + 3 * _KAPPA * x * x))
        return 0.5 * (1 + xp.erf(x * _SQRT_HALF)) + x * _INV_SQRT_2PI * xp.exp(-0.5 * x * x)

    @staticmethod
    def composed(xp, x, approximate="none"):
        if approximate == "tanh":
            return 0.5 * x * (1 + xp.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)))
        return x * 0.5 * (1 + xp.erf(x * _SQRT_HALF))
