"""Bases for the elementwise families of ops/trig.py, exponential.py, rounding.py, special.py and activations.py.

`_Unary`: out = fn(x); both rules multiply by one `slope(xp, x, out)` (d out / dx), written once
against `xp`, so the VJP, the JVP and their create_graph forms cannot drift apart.
`_Piecewise`: a step function (floor, sign, ...): its gradient is zero everywhere, as PyTorch's.
"""
import numpy as np

from ._rules import masked
from .elementwise import _Elementwise

QUIET = dict(divide="ignore", invalid="ignore", over="ignore", under="ignore")
"""numpy's warnings off: PyTorch returns inf and NaN at domain edges without a word (asin(2), log2(0))."""


def floating(x):
    """x as a float array: integers and booleans become float32, as PyTorch promotes them."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(np.float32)


def operand(x):
    """A binary op's operand: as `floating`, but a Python number stays a Python float, so it takes the other
    operand's dtype (numpy's weak scalars: float32 and 2.0 give float32)."""
    return float(x) if isinstance(x, (int, float)) else floating(x)


class _Unary(_Elementwise):
    """out = fn(x) elementwise (fn a numpy function, params passed on); VJP g · slope, JVP dx · slope."""

    fn = None

    @classmethod
    def forward(cls, ctx, x, **params):
        with np.errstate(**QUIET):
            return cls.fn(floating(x), **params)

    @staticmethod
    def slope(xp, x, out, **params):
        raise NotImplementedError

    @classmethod
    def vjp(cls, ctx, xp, g, out, x, **params):
        with np.errstate(**QUIET):
            return (g * cls.slope(xp, x, out, **params),)

    @classmethod
    def jvp(cls, ctx, xp, ts, out, x, **params):
        with np.errstate(**QUIET):
            return ts[0] * cls.slope(xp, x, out, **params)


class _Piecewise(_Elementwise):
    """out = fn(x), a step function: zero gradient and zero tangent everywhere (even for an inf or NaN g)."""

    fn = None
    saves = ()  # the rules read no values

    @classmethod
    def forward(cls, ctx, x, **params):
        return cls.fn(np.asarray(x), **params)

    @staticmethod
    def vjp(ctx, xp, g, out, x, **params):
        return (masked(g, False, xp),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, **params):
        return masked(ts[0], False, xp)
