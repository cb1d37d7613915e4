"""Exponential and logarithmic primitives beyond exp and log: log1p, expm1, log2, log10, exp2,
reciprocal, rsqrt, logaddexp and xlogy, with PyTorch's values and gradients at 0, ±inf and NaN."""
import math

import numpy as np

from ._rules import tangent_sum, unbroadcast
from ._unary import QUIET, _Unary, operand
from .elementwise import _Elementwise, _positive

_LN2, _LN10 = math.log(2), math.log(10)  # Python floats: a numpy float64 would promote float32 results


class Log1p(_Unary):
    """out = ln(1 + x), exact for tiny x; d out = 1 / (1 + x)"""

    fn, saves = np.log1p, ("inputs",)

    @staticmethod
    def domain(rng, shape, position):
        return rng.uniform(-0.5, 2.0, shape)

    @staticmethod
    def slope(xp, x, out):
        return 1 / (1 + x)


class Expm1(_Unary):
    """out = e^x - 1, exact for tiny x; d out = out + 1"""

    fn, saves = np.expm1, ("output",)

    @staticmethod
    def slope(xp, x, out):
        return out + 1


class Log2(_Unary):
    """out = log₂ x; d out = 1 / (x ln 2)"""

    fn, saves, domain = np.log2, ("inputs",), staticmethod(_positive)

    @staticmethod
    def slope(xp, x, out):
        return 1 / (x * _LN2)


class Log10(_Unary):
    """out = log₁₀ x; d out = 1 / (x ln 10)"""

    fn, saves, domain = np.log10, ("inputs",), staticmethod(_positive)

    @staticmethod
    def slope(xp, x, out):
        return 1 / (x * _LN10)


class Exp2(_Unary):
    """out = 2^x; d out = out ln 2"""

    fn, saves = np.exp2, ("output",)

    @staticmethod
    def slope(xp, x, out):
        return out * _LN2


class Reciprocal(_Unary):
    """out = 1 / x; d out = -out²"""

    fn, saves, domain = np.reciprocal, ("output",), staticmethod(_positive)

    @staticmethod
    def slope(xp, x, out):
        return -(out * out)


def _rsqrt(x):
    return 1 / np.sqrt(x)


class Rsqrt(_Unary):
    """out = x^(-1/2); d out = -out³ / 2"""

    fn, saves, domain = staticmethod(_rsqrt), ("output",), staticmethod(_positive)

    @staticmethod
    def slope(xp, x, out):
        return -0.5 * out * out * out


class LogAddExp(_Elementwise):
    """out = ln(e^x + e^y) without overflow; d/dx = 1 / (1 + e^(y - x)) (PyTorch's form, so ±inf match)."""

    arity, saves = 2, ("inputs",)

    @staticmethod
    def forward(ctx, x, y):
        return np.logaddexp(operand(x), operand(y))

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        with np.errstate(**QUIET):
            return (unbroadcast(g / (1 + xp.exp(y - x)), np.shape(x)) if ctx.needs[0] else None,
                    unbroadcast(g / (1 + xp.exp(x - y)), np.shape(y)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        with np.errstate(**QUIET):
            return tangent_sum(None if dx is None else dx / (1 + xp.exp(y - x)),
                               None if dy is None else dy / (1 + xp.exp(x - y)))


def xlogy_numpy(x, y):
    """x · ln y, and 0 where x == 0 unless y is NaN (PyTorch's xlogy)."""
    x, y = operand(x), operand(y)
    with np.errstate(**QUIET):
        return np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y)).astype(np.result_type(x, y), copy=False)


class Xlogy(_Elementwise):
    """out = x ln y (0 at x = 0); d/dx = ln y (0 where x = 0 and y <= 0), d/dy = x / y, as PyTorch."""

    arity, saves = 2, ("inputs",)

    @staticmethod
    def domain(rng, shape, position):
        return rng.standard_normal(shape) if position == 0 else rng.uniform(0.5, 2.0, shape)

    @staticmethod
    def forward(ctx, x, y):
        return xlogy_numpy(x, y)

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        with np.errstate(**QUIET):
            return (unbroadcast(_dx(xp, g, x, y), np.shape(x)) if ctx.needs[0] else None,
                    unbroadcast(g * x / y, np.shape(y)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        with np.errstate(**QUIET):
            return tangent_sum(None if dx is None else _dx(xp, dx, x, y), None if dy is None else dy * x / y)


def _dx(xp, g, x, y):
    """xlogy(g, y), zeroed where x == 0 and y <= 0; y is replaced there so no NaN enters create_graph."""
    cut = (np.asarray(xp.value(x)) == 0) & (np.asarray(xp.value(y)) <= 0)
    if not cut.any():
        return xp.xlogy(g, y)
    return xp.where(cut, 0, xp.xlogy(g, xp.where(cut, 1, y)))
