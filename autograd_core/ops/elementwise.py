"""Elementwise primitives with numpy broadcasting; each gradient is summed back to its input's shape."""
import numpy as np

from ..primitive import Primitive
from ._rules import masked, tangent_sum, unbroadcast

_UNARY_SHAPES = [((3, 4),), ((),), ((2, 1, 3),)]
_BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3)), ((3, 1), (1, 3))]


class _Elementwise(Primitive):
    """Base of elementwise primitives: `domain` draws valid inputs for the test suite."""

    arity = 1
    sample_params = False
    batched = "broadcast"  # a tangent batch, aligned to the output's rank, broadcasts through every rule

    def domain(rng, shape, position):
        return rng.standard_normal(shape)

    @classmethod
    def sample_inputs(cls, rng):
        for shapes in _UNARY_SHAPES if cls.arity == 1 else _BINARY_SHAPES:
            yield tuple(cls.domain(rng, s, i) for i, s in enumerate(shapes)), {}


def _positive(rng, shape, position):
    return rng.uniform(0.5, 2.0, shape)


class Add(_Elementwise):
    """out = x + y"""

    arity, linear = 2, True

    def forward(ctx, x, y):
        return x + y

    def vjp(ctx, xp, g, out, x, y):
        return unbroadcast(g, np.shape(x)), unbroadcast(g, np.shape(y))


class Sub(_Elementwise):
    """out = x - y"""

    arity, linear = 2, True

    def forward(ctx, x, y):
        return x - y

    def vjp(ctx, xp, g, out, x, y):
        return unbroadcast(g, np.shape(x)), (unbroadcast(-g, np.shape(y)) if ctx.needs[1] else None)


class Neg(_Elementwise):
    """out = -x"""

    linear = True

    def forward(ctx, x):
        return -x

    def vjp(ctx, xp, g, out, x):
        return (-g,)


class Mul(_Elementwise):
    """out = x * y"""

    arity = 2

    def forward(ctx, x, y):
        return x * y

    def vjp(ctx, xp, g, out, x, y):
        return (unbroadcast(g * y, np.shape(x)) if ctx.needs[0] else None,
                unbroadcast(g * x, np.shape(y)) if ctx.needs[1] else None)

    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(None if dx is None else dx * y, None if dy is None else x * dy)


class Div(_Elementwise):
    """out = x / y"""

    arity = 2

    def domain(rng, shape, position):
        return rng.standard_normal(shape) if position == 0 else rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)

    def forward(ctx, x, y):
        return x / y

    def vjp(ctx, xp, g, out, x, y):
        return (unbroadcast(g / y, np.shape(x)) if ctx.needs[0] else None,
                unbroadcast(-g * out / y, np.shape(y)) if ctx.needs[1] else None)

    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(None if dx is None else dx / y, None if dy is None else -out * dy / y)


class Pow(_Elementwise):
    """out = x ** y (the gradient for y is taken as 0 where x == 0, as PyTorch does)"""

    arity = 2
    domain = _positive

    def forward(ctx, x, y):
        return x ** y

    def vjp(ctx, xp, g, out, x, y):
        dx = unbroadcast(g * y * x ** (y - 1), np.shape(x)) if ctx.needs[0] else None
        dy = unbroadcast(g * out * _safe_log(xp, x), np.shape(y)) if ctx.needs[1] else None
        return dx, dy

    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(None if dx is None else dx * y * x ** (y - 1),
                           None if dy is None else dy * out * _safe_log(xp, x))


def _safe_log(xp, x):
    return xp.log(xp.where(xp.value(x) == 0, 1, x))


class Exp(_Elementwise):
    """out = e ** x"""

    def forward(ctx, x):
        return np.exp(x)

    def vjp(ctx, xp, g, out, x):
        return (g * out,)

    def jvp(ctx, xp, ts, out, x):
        return ts[0] * out


class Log(_Elementwise):
    """out = ln x"""

    domain = _positive

    def forward(ctx, x):
        return np.log(x)

    def vjp(ctx, xp, g, out, x):
        return (g / x,)

    def jvp(ctx, xp, ts, out, x):
        return ts[0] / x


class Tanh(_Elementwise):
    """out = tanh x; d out = 1 - out²"""

    def forward(ctx, x):
        return np.tanh(x)

    def vjp(ctx, xp, g, out, x):
        return (g * (1 - out * out),)

    def jvp(ctx, xp, ts, out, x):
        return ts[0] * (1 - out * out)


class Sigmoid(_Elementwise):
    """out = 1 / (1 + e^-x); d out = out (1 - out). A primitive for one op on the RNN hot path."""

    def forward(ctx, x):
        out = np.empty_like(x)
        np.negative(x, out=out)
        # NOTE: e^-x overflows to inf for very negative x, and 1 / (1 + inf) = 0 is the right limit
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def vjp(ctx, xp, g, out, x):
        return (g * out * (1 - out),)

    def jvp(ctx, xp, ts, out, x):
        return ts[0] * out * (1 - out)


class Relu(_Elementwise):
    """out = max(x, 0); the gradient at 0 is 0, as in PyTorch."""

    def forward(ctx, x):
        return np.maximum(x, 0)

    def vjp(ctx, xp, g, out, x):
        return (masked(g, xp.value(out) > 0, xp),)

    def jvp(ctx, xp, ts, out, x):
        return masked(ts[0], xp.value(out) > 0, xp)


class Abs(_Elementwise):
    """out = |x|; the gradient at 0 is 0."""

    def forward(ctx, x):
        return np.abs(x)

    def vjp(ctx, xp, g, out, x):
        return (g * np.sign(xp.value(x)),)

    def jvp(ctx, xp, ts, out, x):
        return ts[0] * np.sign(xp.value(x))


def _select_vjp(ctx, g, x, y, w):
    return (unbroadcast(g * w, np.shape(x)) if ctx.needs[0] else None,
            unbroadcast(g * (1 - w), np.shape(y)) if ctx.needs[1] else None)


def _select_jvp(ts, w):
    dx, dy = ts
    return tangent_sum(None if dx is None else dx * w, None if dy is None else dy * (1 - w))


def _max_weight(x, y):
    """Share of the gradient that goes to x in maximum(x, y): 1, 0, or 1/2 on a tie."""
    return (x > y) + 0.5 * (x == y)


class Maximum(_Elementwise):
    """out = max(x, y) elementwise; a tie splits the gradient evenly, as in PyTorch."""

    arity = 2

    def forward(ctx, x, y):
        return np.maximum(x, y)

    def vjp(ctx, xp, g, out, x, y):
        return _select_vjp(ctx, g, x, y, _max_weight(xp.value(x), xp.value(y)))

    def jvp(ctx, xp, ts, out, x, y):
        return _select_jvp(ts, _max_weight(xp.value(x), xp.value(y)))


class Minimum(_Elementwise):
    """out = min(x, y) elementwise; a tie splits the gradient evenly, as in PyTorch."""

    arity = 2

    def forward(ctx, x, y):
        return np.minimum(x, y)

    def vjp(ctx, xp, g, out, x, y):
        return _select_vjp(ctx, g, x, y, _max_weight(xp.value(y), xp.value(x)))

    def jvp(ctx, xp, ts, out, x, y):
        return _select_jvp(ts, _max_weight(xp.value(y), xp.value(x)))


class Where(_Elementwise):
    """out = x where cond else y (cond takes no gradient)"""

    arity, nondiff = 3, (0,)

    def domain(rng, shape, position):
        return rng.random(shape) > 0.5 if position == 0 else rng.standard_normal(shape)

    @classmethod
    def sample_inputs(cls, rng):
        for sx, sy in _BINARY_SHAPES:
            shape = np.broadcast_shapes(sx, sy)
            yield (rng.random(shape) > 0.5, rng.standard_normal(sx), rng.standard_normal(sy)), {}

    def forward(ctx, cond, x, y):
        return np.where(cond, x, y)

    def vjp(ctx, xp, g, out, cond, x, y):
        c = xp.value(cond)
        return (None,
                unbroadcast(xp.where(c, g, 0), np.shape(x)) if ctx.needs[1] else None,
                unbroadcast(xp.where(c, 0, g), np.shape(y)) if ctx.needs[2] else None)

    def jvp(ctx, xp, ts, out, cond, x, y):
        _, dx, dy = ts
        return xp.where(cond, 0 if dx is None else dx, 0 if dy is None else dy)


class Clip(_Elementwise):
    """out = min(max(x, lo), hi); the gradient passes where lo <= x <= hi, as in PyTorch."""

    sample_params = True

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((4, 5)),), {"lo": -0.5, "hi": 0.5}
        yield (rng.standard_normal((6,)),), {"lo": None, "hi": 0.2}
        yield (rng.standard_normal((2, 3)),), {"lo": -0.3, "hi": None}

    def forward(ctx, x, lo=None, hi=None):
        if lo is None and hi is None:
            return x.copy()
        return np.clip(x, lo, hi)

    def vjp(ctx, xp, g, out, x, lo=None, hi=None):
        return (masked(g, _inside(xp.value(x), lo, hi), xp),)

    def jvp(ctx, xp, ts, out, x, lo=None, hi=None):
        return masked(ts[0], _inside(xp.value(x), lo, hi), xp)


def _inside(x, lo, hi):
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


class Cast(_Elementwise):
    """out = x converted to `dtype`; the gradient is converted back."""

    linear, sample_params = True, True

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 2)),), {"dtype": np.float64}

    def forward(ctx, x, dtype):
        return x.astype(dtype)

    def vjp(ctx, xp, g, out, x, dtype):
        return (g.astype(x.dtype),)
