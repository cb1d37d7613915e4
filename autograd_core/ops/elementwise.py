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
    promotes = True  # an integer result takes PyTorch's promoted dtype (bool ** 2 is int64)
    batched = "broadcast"  # a tangent batch, aligned to the output's rank, broadcasts through every rule

    @staticmethod
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
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        return unbroadcast(g, np.shape(x)), unbroadcast(g, np.shape(y))


_NDARRAY, _BOOL = np.ndarray, np.dtype(bool)


def _is_bool(x):
    return x.dtype is _BOOL if type(x) is _NDARRAY else isinstance(x, (bool, np.bool_))


def _refuse_bool_subtraction(x, y):
    """PyTorch's error for a subtraction with a bool operand (numpy takes True as 1, or refuses only bool - bool)."""
    if _is_bool(x) and _is_bool(y):
        raise RuntimeError("Sub: Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if _is_bool(x) or _is_bool(y):
        raise RuntimeError("Sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


class Sub(_Elementwise):
    """out = x - y; a bool operand is refused, as PyTorch"""

    arity, linear = 2, True
    saves = ()  # the VJP reads no values, only shapes

    check_operands = staticmethod(_refuse_bool_subtraction)  # a bool x: apply calls it, as bool is never the result

    @staticmethod
    def forward(ctx, x, y):
        if y.__class__ is _NDARRAY:
            if y.dtype is _BOOL:
                _refuse_bool_subtraction(x, y)
        elif y.__class__ is bool:
            _refuse_bool_subtraction(x, y)
        try:
            return x - y
        except TypeError:  # numpy refuses bool - bool, with its own message
            _refuse_bool_subtraction(x, y)
            raise

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        return unbroadcast(g, np.shape(x)), (unbroadcast(-g, np.shape(y)) if ctx.needs[1] else None)


class Neg(_Elementwise):
    """out = -x"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def forward(ctx, x):
        try:
            return -x
        except TypeError:  # numpy refuses -bool too, with its own message: PyTorch's is RuntimeError
            if not _is_bool(x):
                raise
            raise RuntimeError("Neg: Negation, the `-` operator, on a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.") from None

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (-g,)


class Mul(_Elementwise):
    """out = x * y"""

    arity = 2
    saves = ("inputs",)

    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        return (unbroadcast(g * y, np.shape(x)) if ctx.needs[0] else None,
                unbroadcast(g * x, np.shape(y)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(None if dx is None else dx * y, None if dy is None else x * dy)


class Div(_Elementwise):
    """out = x / y"""

    arity = 2

    @staticmethod
    def domain(rng, shape, position):
        return rng.standard_normal(shape) if position == 0 else rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)

    @staticmethod
    def forward(ctx, x, y):
        return x / y

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        return (unbroadcast(g / y, np.shape(x)) if ctx.needs[0] else None,
                unbroadcast(-g * out / y, np.shape(y)) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        # NOTE: one quotient (dx - out dy) / y, as PyTorch: two would give inf - inf = NaN at y = 0
        return tangent_sum(dx, None if dy is None else -out * dy) / y


class Pow(_Elementwise):
    """out = x ** y (the gradient for y is taken as 0 where x == 0, as PyTorch does)"""

    arity = 2
    domain = staticmethod(_positive)

    @staticmethod
    def forward(ctx, x, y):
        return x ** y

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        dx = unbroadcast(g * _pow_slope(xp, x, y), np.shape(x)) if ctx.needs[0] else None
        dy = unbroadcast(g * out * _safe_log(xp, x, y), np.shape(y)) if ctx.needs[1] else None
        return dx, dy

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(None if dx is None else dx * _pow_slope(xp, x, y),
                           None if dy is None else dy * out * _safe_log(xp, x, y))


def _pow_slope(xp, x, y):
    """d(x^y)/dx = y x^(y-1), and 0 where y == 0: the formula would give 0 · inf = NaN at x = 0 (PyTorch: 0)."""
    slope = y * x ** (y - 1)
    exponent_zero = xp.value(y) == 0
    return xp.where(exponent_zero, 0, slope) if np.any(exponent_zero) else slope


def _safe_log(xp, x, y):
    """ln x, with 0 where x == 0 and y >= 0, so x^y ln x is 0 there, as PyTorch takes it (below, it is ±inf)."""
    return xp.log(xp.where((xp.value(x) == 0) & (xp.value(y) >= 0), 1.0, x))  # 1.0: a Python-int base gives a float64 log, as numpy


class Exp(_Elementwise):
    """out = e ** x"""

    saves = ("output",)

    @staticmethod
    def forward(ctx, x):
        return np.exp(x)

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g * out,)

    @staticmethod
    def jvp(ctx, xp, ts, out, x):
        return ts[0] * out


class Log(_Elementwise):
    """out = ln x"""

    domain = staticmethod(_positive)
    saves = ("inputs",)

    @staticmethod
    def forward(ctx, x):
        return np.log(x)

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g / x,)

    @staticmethod
    def jvp(ctx, xp, ts, out, x):
        return ts[0] / x


class Tanh(_Elementwise):
    """out = tanh x; d out = 1 - out²"""

    saves = ("output",)

    @staticmethod
    def forward(ctx, x):
        return np.tanh(x)

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g * (1 - out * out),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x):
        return ts[0] * (1 - out * out)


class Sigmoid(_Elementwise):
    """out = 1 / (1 + e^-x); d out = out (1 - out). A primitive for one op on the RNN hot path."""

    saves = ("output",)

    @staticmethod
    def forward(ctx, x):
        try:
            minus_x = -x
        except TypeError:  # numpy's -bool: PyTorch computes bool in float32 (sigmoid(True) = 0.7311)
            minus_x = -x.astype(np.float32)
        # NOTE: e^-x overflows to inf for very negative x, and 1 / (1 + inf) = 0 is the right limit
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(minus_x))

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g * out * (1 - out),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x):
        return ts[0] * out * (1 - out)


class Relu(_Elementwise):
    """out = max(x, 0); the gradient at 0 is 0, as in PyTorch."""

    saves = ("output",)

    @staticmethod
    def forward(ctx, x):
        # NOTE: against an array of zeros, not the scalar 0: numpy's SIMD loop for maximum
        # takes two arrays, 3-4x faster on float32 (measured with numpy 2.4)
        zeros = np.zeros_like(x)
        return np.maximum(x, zeros, out=zeros)

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (masked(g, xp.value(out) > 0, xp),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x):
        return masked(ts[0], xp.value(out) > 0, xp)


class Abs(_Elementwise):
    """out = |x|; the gradient at 0 is 0."""

    saves = ("inputs",)

    @staticmethod
    def forward(ctx, x):
        return np.abs(x)

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g * np.sign(xp.value(x)),)

    @staticmethod
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
    saves = ("inputs",)

    @staticmethod
    def forward(ctx, x, y):
        return np.maximum(x, y)

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        return _select_vjp(ctx, g, x, y, _max_weight(xp.value(x), xp.value(y)))

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        return _select_jvp(ts, _max_weight(xp.value(x), xp.value(y)))


class Minimum(_Elementwise):
    """out = min(x, y) elementwise; a tie splits the gradient evenly, as in PyTorch."""

    arity = 2
    saves = ("inputs",)

    @staticmethod
    def forward(ctx, x, y):
        return np.minimum(x, y)

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        return _select_vjp(ctx, g, x, y, _max_weight(xp.value(y), xp.value(x)))

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        return _select_jvp(ts, _max_weight(xp.value(y), xp.value(x)))


class Where(_Elementwise):
    """out = x where cond else y (cond takes no gradient)"""

    arity, nondiff = 3, (0,)
    saves = ()  # the VJP reads only cond, a plain array

    @staticmethod
    def domain(rng, shape, position):
        return rng.random(shape) > 0.5 if position == 0 else rng.standard_normal(shape)

    @classmethod
    def sample_inputs(cls, rng):
        for sx, sy in _BINARY_SHAPES:
            shape = np.broadcast_shapes(sx, sy)
            yield (rng.random(shape) > 0.5, rng.standard_normal(sx), rng.standard_normal(sy)), {}

    @staticmethod
    def forward(ctx, cond, x, y):
        return np.where(cond, x, y)

    @staticmethod
    def vjp(ctx, xp, g, out, cond, x, y):
        c = xp.value(cond)
        return (None,
                unbroadcast(xp.where(c, g, 0), np.shape(x)) if ctx.needs[1] else None,
                unbroadcast(xp.where(c, 0, g), np.shape(y)) if ctx.needs[2] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, cond, x, y):
        _, dx, dy = ts
        return xp.where(cond, 0 if dx is None else dx, 0 if dy is None else dy)


def _integer_bound(dtype, bound):
    """An int bound of an integer clamp in `dtype`, as PyTorch converts it: -1 wraps into an unsigned dtype (255),
    a bound past the dtype's range (300 for uint8) raises; other bounds (None, floats) unchanged."""
    if type(bound) is not int:
        return bound
    info = np.iinfo(dtype)
    if bound > info.max or bound < (-info.max if info.min == 0 else info.min):
        raise ValueError(f"the clamp bound {bound} cannot be converted to {dtype} without overflow, as in PyTorch")
    return bound if bound >= info.min else np.array(bound).astype(dtype)[()]


class Clip(_Elementwise):
    """out = min(max(x, lo), hi); the gradient passes where lo <= x <= hi, as in PyTorch."""

    sample_params = True
    saves = ("inputs",)
    promotes = False  # the bounds are params: forward gives the result PyTorch's dtype itself (bool with 1: int64)

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((4, 5)),), {"lo": -0.5, "hi": 0.5}
        yield (rng.standard_normal((6,)),), {"lo": None, "hi": 0.2}
        yield (rng.standard_normal((2, 3)),), {"lo": -0.3, "hi": None}

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        if lo is None and hi is None:
            return x.copy()
        if x.dtype.kind == "b":  # as PyTorch: an int bound makes it int64, a float one float32; bool alone has no kernel
            if all(b is None or isinstance(b, (bool, np.bool_)) for b in (lo, hi)):
                raise TypeError('"clamp" not implemented for bool tensors with bool bounds, as in PyTorch')
            x = x.astype(np.int64)
        elif x.dtype.kind in "iu":
            lo, hi = _integer_bound(x.dtype, lo), _integer_bound(x.dtype, hi)
        return np.clip(x, lo, hi)

    @staticmethod
    def vjp(ctx, xp, g, out, x, lo=None, hi=None):
        return (masked(g, _inside(xp.value(x), lo, hi), xp),)

    @staticmethod
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
    saves = ()  # the VJP reads no values, only shapes

    @classmethod
    def sample_inputs(cls, rng):
        yield (rng.standard_normal((3, 2)),), {"dtype": np.float64}

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def vjp(ctx, xp, g, out, x, dtype):
        return (g.astype(x.dtype),)
