"""Trigonometric and hyperbolic primitives, their inverses, atan2 and hypot (PyTorch's rules at the edges)."""
import numpy as np

from ._rules import tangent_sum, unbroadcast
from ._unary import QUIET, _Unary, operand
from .elementwise import _Elementwise


def _inside_one(rng, shape, position):
    return rng.uniform(-0.9, 0.9, shape)


class Sin(_Unary):
    """out = sin x; d out = cos x"""

    fn, saves = np.sin, ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return xp.cos(x)


class Cos(_Unary):
    """out = cos x; d out = -sin x"""

    fn, saves = np.cos, ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return -xp.sin(x)


class Tan(_Unary):
    """out = tan x; d out = 1 + out²"""

    fn, saves = np.tan, ("output",)

    @staticmethod
    def domain(rng, shape, position):
        return rng.uniform(-1.2, 1.2, shape)  # away from the poles at ±π/2, where differences say nothing

    @staticmethod
    def slope(xp, x, out):
        return 1 + out * out


class Asin(_Unary):
    """out = asin x; d out = (1 - x²)^(-1/2) (inf at ±1)"""

    fn, saves, domain = np.arcsin, ("inputs",), staticmethod(_inside_one)

    @staticmethod
    def slope(xp, x, out):
        return xp.rsqrt(1 - x * x)  # rsqrt, not ** -0.5: NaN past ±1 and at ±inf, as PyTorch


class Acos(_Unary):
    """out = acos x; d out = -(1 - x²)^(-1/2)"""

    fn, saves, domain = np.arccos, ("inputs",), staticmethod(_inside_one)

    @staticmethod
    def slope(xp, x, out):
        return -xp.rsqrt(1 - x * x)


class Atan(_Unary):
    """out = atan x; d out = 1 / (1 + x²)"""

    fn, saves = np.arctan, ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return 1 / (1 + x * x)


class Sinh(_Unary):
    """out = sinh x; d out = cosh x"""

    fn, saves = np.sinh, ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return xp.cosh(x)


class Cosh(_Unary):
    """out = cosh x; d out = sinh x"""

    fn, saves = np.cosh, ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return xp.sinh(x)


class Asinh(_Unary):
    """out = asinh x; d out = (x² + 1)^(-1/2)"""

    fn, saves = np.arcsinh, ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return (x * x + 1) ** -0.5


class Acosh(_Unary):
    """out = acosh x (x >= 1); d out = (x² - 1)^(-1/2)"""

    fn, saves = np.arccosh, ("inputs",)

    @staticmethod
    def domain(rng, shape, position):
        return rng.uniform(1.2, 3.0, shape)

    @staticmethod
    def slope(xp, x, out):
        return (x * x - 1) ** -0.5


class Atanh(_Unary):
    """out = atanh x; d out = 1 / (1 - x²)"""

    fn, saves, domain = np.arctanh, ("inputs",), staticmethod(_inside_one)

    @staticmethod
    def slope(xp, x, out):
        return 1 / (1 - x * x)


class Atan2(_Elementwise):
    """out = atan2(y, x), the angle of the point (x, y); d/dy = x / r², d/dx = -y / r² (VJP 0 where r² is 0, as PyTorch)."""

    arity, saves = 2, ("inputs",)

    @staticmethod
    def forward(ctx, y, x):
        return np.arctan2(operand(y), operand(x))

    @staticmethod
    def vjp(ctx, xp, g, out, y, x):
        r = _inverse_square_radius(xp, y, x)
        return (unbroadcast(g * x * r, np.shape(y)) if ctx.needs[0] else None,
                unbroadcast(-g * y * r, np.shape(x)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, y, x):
        dy, dx = ts
        # NOTE: unmasked, as PyTorch's forward mode: NaN at the origin (its backward gives 0 there)
        with np.errstate(**QUIET):
            return tangent_sum(None if dy is None else dy * x, None if dx is None else -dx * y) / (x * x + y * y)


def _inverse_square_radius(xp, y, x):
    """1 / (x² + y²), and 0 where that is inf (PyTorch's atan2 gradient at the origin is 0, not NaN)."""
    with np.errstate(**QUIET):
        r = 1 / (x * x + y * y)
    return xp.where(np.isinf(xp.value(r)), 0, r)


class Hypot(_Elementwise):
    """out = √(x² + y²); d/dx = x / out, d/dy = y / out (NaN at the origin, as PyTorch)."""

    arity, saves = 2, ("inputs", "output")

    @staticmethod
    def forward(ctx, x, y):
        return np.hypot(operand(x), operand(y))

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        with np.errstate(**QUIET):
            return (unbroadcast(g * x / out, np.shape(x)) if ctx.needs[0] else None,
                    unbroadcast(g * y / out, np.shape(y)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        with np.errstate(**QUIET):
            return tangent_sum(None if dx is None else dx * x, None if dy is None else dy * y) / out
