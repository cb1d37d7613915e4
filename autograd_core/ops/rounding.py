"""Step functions (sign, floor, ceil, round, trunc: zero gradient, as PyTorch), frac, fmod, remainder, nan_to_num."""
import numpy as np

from ._rules import masked, tangent_sum, unbroadcast
from ._unary import QUIET, _Piecewise, floating
from .elementwise import Div, _Elementwise


def _not_implemented(name, x, kinds):
    """PyTorch has no `name` kernel for these dtype kinds (frac of integers, floor of bool): its refusal, as a
    TypeError (numpy would compute one)."""
    if x.dtype.kind in kinds:
        raise TypeError(f'"{name}" not implemented for {x.dtype} tensors, as in PyTorch')


def _keep_integers(fn):
    """fn for floats; an integer array comes back unchanged (numpy's floor would make it float64, PyTorch's does
    not); a bool one is refused, as PyTorch."""
    def apply(x, **params):
        if x.dtype.kind in "iub":
            _not_implemented(fn.__name__, x, "b")
            return x.copy()
        return fn(x, **params)
    return apply


def _sign(x):
    """numpy's sign, with 0 at NaN as PyTorch's; a bool array comes back unchanged, as PyTorch's (numpy refuses)."""
    if x.dtype.kind == "b":
        return x.copy()
    out = np.sign(x)
    return np.where(np.isnan(x), 0, out).astype(out.dtype, copy=False) if out.dtype.kind == "f" else out


class Sign(_Piecewise):
    """out = -1, 0 or 1 by the sign of x (0 at NaN, as PyTorch)"""

    fn = staticmethod(_sign)


class Floor(_Piecewise):
    """out = ⌊x⌋"""

    fn = staticmethod(_keep_integers(np.floor))


class Ceil(_Piecewise):
    """out = ⌈x⌉"""

    fn = staticmethod(_keep_integers(np.ceil))


class Trunc(_Piecewise):
    """out = x rounded toward 0"""

    fn = staticmethod(_keep_integers(np.trunc))


class Round(_Piecewise):
    """out = x rounded to `decimals` places, halves to even (PyTorch's and numpy's rule)"""

    sample_params = True
    fn = staticmethod(_keep_integers(np.round))

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 4)),), {"decimals": 0}
        yield (rng.standard_normal((5,)),), {"decimals": 2}


class Frac(_Elementwise):
    """out = x - trunc(x) (the sign of x); d out = 1"""

    saves = ()  # the rules read no values

    @staticmethod
    def forward(ctx, x):
        _not_implemented("frac", np.asarray(x), "biu")
        x = floating(x)
        return x - np.trunc(x)

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g,)

    @staticmethod
    def jvp(ctx, xp, ts, out, x):
        return ts[0]


class _Modulo(_Elementwise):
    """out = x - q y for the rounded quotient q = `quotient(x, y)`; d/dx = 1, d/dy = -q (as PyTorch)."""

    arity, saves = 2, ("inputs",)
    domain = Div.domain

    @staticmethod
    def quotient(x, y):
        raise NotImplementedError

    @classmethod
    def vjp(cls, ctx, xp, g, out, x, y):
        return (unbroadcast(g, np.shape(x)) if ctx.needs[0] else None,
                unbroadcast(-g * cls.quotient(xp.value(x), xp.value(y)), np.shape(y)) if ctx.needs[1] else None)

    @classmethod
    def jvp(cls, ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(dx, None if dy is None else -dy * cls.quotient(xp.value(x), xp.value(y)))


def _integer_divisor_check(op, x, y):
    """PyTorch's ZeroDivisionError for integer division by 0; with a float operand it is inf or NaN instead."""
    y = np.asarray(y)
    if np.result_type(x, y).kind in "iu" and (y == 0).any():
        raise ZeroDivisionError(f"{op}: integer division by zero (a divisor is 0)")


class Fmod(_Modulo):
    """out = C's fmod: the remainder has the sign of x (quotient rounded toward 0)"""

    @staticmethod
    def quotient(x, y):
        with np.errstate(**QUIET):
            return np.trunc(np.asarray(x) / np.asarray(y))

    @staticmethod
    def forward(ctx, x, y):
        _integer_divisor_check("fmod", x, y)
        with np.errstate(**QUIET):
            return np.fmod(x, y)


class Remainder(_Modulo):
    """out = Python's %: the remainder has the sign of y (the quotient is Python's floor division, as PyTorch's)"""

    @staticmethod
    def quotient(x, y):
        with np.errstate(**QUIET):
            return np.floor_divide(x, y)

    @staticmethod
    def forward(ctx, x, y):
        _integer_divisor_check("remainder", x, y)
        with np.errstate(**QUIET):
            return np.remainder(x, y)


def _trunc_divide(x, y):
    """Integer quotient rounded toward zero, exactly (x / y in floating point would round large integers)."""
    q = np.floor_divide(x, y)
    return q + ((q < 0) & (np.remainder(x, y) != 0)).astype(q.dtype)


class RoundedDiv(_Elementwise):
    """out = x / y rounded down (rounding_mode "floor", Python's //) or toward 0 ("trunc"); zero gradient, as PyTorch's div"""

    arity, sample_params, saves = 2, True, ()
    domain = Div.domain

    @classmethod
    def sample_inputs(cls, rng):
        for mode in ("floor", "trunc"):
            for (x, y), _ in super().sample_inputs(rng):
                yield (x, y), {"rounding_mode": mode}

    @staticmethod
    def forward(ctx, x, y, rounding_mode):
        _integer_divisor_check(f"div(rounding_mode={rounding_mode!r})", x, y)
        with np.errstate(**QUIET):
            if rounding_mode == "floor":
                return np.floor_divide(x, y)
            if np.result_type(x, y).kind in "iub":
                return _trunc_divide(x, y)
            return np.trunc(np.true_divide(x, y))

    @staticmethod
    def vjp(ctx, xp, g, out, x, y, rounding_mode):
        return (unbroadcast(masked(g, False, xp), np.shape(x)) if ctx.needs[0] else None,
                unbroadcast(masked(g, False, xp), np.shape(y)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y, rounding_mode):
        dx, dy = ts
        return tangent_sum(None if dx is None else masked(dx, False, xp), None if dy is None else masked(dy, False, xp))


class NanToNum(_Elementwise):
    """out = x with NaN, +inf, -inf replaced (defaults: 0, the dtype's largest and lowest finite); d out = 1 where x is finite, else 0"""

    sample_params, saves = True, ("inputs",)

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 4)),), {"nan": 0.0, "posinf": None, "neginf": None}
        yield (rng.standard_normal((5,)),), {"nan": 1.0, "posinf": 2.0, "neginf": -2.0}

    @staticmethod
    def forward(ctx, x, nan=0.0, posinf=None, neginf=None):
        return np.nan_to_num(np.asarray(x), copy=True, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def vjp(ctx, xp, g, out, x, **params):
        return (masked(g, np.isfinite(xp.value(x)), xp),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, **params):
        return masked(ts[0], np.isfinite(xp.value(x)), xp)
