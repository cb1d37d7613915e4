"""The functions of the elementwise primitives in trig.py, exponential.py, rounding.py, special.py and
activations.py, and the activations composed from them (silu, mish, relu6, hardsigmoid, hardswish, selu,
celu, leaky_relu), with PyTorch's names and signatures. Each takes Tensors, arrays or numbers."""
import numpy as np

from ..primitive import NO_PARAMS, apply
from ..tensor import Tensor
from .activations import float_input, Elu, Gelu, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Softplus
from .elementwise import Add, Mul, Pow, Sigmoid, Sub, Tanh, Where
from .exponential import Exp2, Expm1, Log1p, Log2, Log10, LogAddExp, Reciprocal, Rsqrt, Xlogy
from .rounding import Ceil, Floor, Fmod, Frac, NanToNum, Remainder, Round, Sign, Trunc
from .special import Erf, Erfc
from .trig import Acos, Acosh, Asin, Asinh, Atan, Atan2, Atanh, Cos, Cosh, Hypot, Sin, Sinh, Tan

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _unary(prim, name):
    def fn(input):
        return apply(prim, (input,), NO_PARAMS)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = prim.__doc__
    return fn


def _binary(prim, name):
    def fn(input, other):
        return apply(prim, (input, other), NO_PARAMS)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = prim.__doc__ + " (broadcasting)"
    return fn


sin, cos, tan = _unary(Sin, "sin"), _unary(Cos, "cos"), _unary(Tan, "tan")
asin, acos, atan = _unary(Asin, "asin"), _unary(Acos, "acos"), _unary(Atan, "atan")
sinh, cosh = _unary(Sinh, "sinh"), _unary(Cosh, "cosh")
asinh, acosh, atanh = _unary(Asinh, "asinh"), _unary(Acosh, "acosh"), _unary(Atanh, "atanh")
log1p, expm1, log2, log10, exp2 = (_unary(Log1p, "log1p"), _unary(Expm1, "expm1"), _unary(Log2, "log2"),
                                   _unary(Log10, "log10"), _unary(Exp2, "exp2"))
reciprocal, rsqrt = _unary(Reciprocal, "reciprocal"), _unary(Rsqrt, "rsqrt")
erf, erfc = _unary(Erf, "erf"), _unary(Erfc, "erfc")
sign, floor, ceil, trunc, frac = (_unary(Sign, "sign"), _unary(Floor, "floor"), _unary(Ceil, "ceil"),
                                  _unary(Trunc, "trunc"), _unary(Frac, "frac"))
logsigmoid = _unary(LogSigmoid, "logsigmoid")
atan2, hypot = _binary(Atan2, "atan2"), _binary(Hypot, "hypot")
fmod, remainder = _binary(Fmod, "fmod"), _binary(Remainder, "remainder")
logaddexp, xlogy = _binary(LogAddExp, "logaddexp"), _binary(Xlogy, "xlogy")
# PyTorch's and numpy's other spellings
arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def round(input, decimals=0):
    """input rounded to `decimals` places, halves to even (as PyTorch); zero gradient."""
    return Round.apply(input, decimals=int(decimals))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """input with NaN, +inf and -inf replaced (defaults: 0, the dtype's largest and lowest finite values);
    the gradient passes where input is finite."""
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


def square(input):
    """input * input; a boolean input gives int64, as PyTorch's (its square is pow(input, 2))."""
    if getattr(input, "dtype", None) == np.bool_:
        return apply(Pow, (input, 2), NO_PARAMS)
    return apply(Mul, (input, input), NO_PARAMS)


def lerp(input, end, weight):
    """input + weight (end - input), computed from the nearer end as PyTorch (exact at weight 0 and 1)."""
    diff = apply(Sub, (end, input), NO_PARAMS)
    if not isinstance(weight, (Tensor, np.ndarray)):  # a number: pick the form here, and keep input's dtype
        w = float(weight)
        if abs(w) < 0.5:
            return apply(Add, (input, apply(Mul, (diff, w), NO_PARAMS)), NO_PARAMS)
        return apply(Sub, (end, apply(Mul, (diff, 1.0 - w), NO_PARAMS)), NO_PARAMS)
    w = weight.data if isinstance(weight, Tensor) else weight
    from_start = apply(Add, (input, apply(Mul, (weight, diff), NO_PARAMS)), NO_PARAMS)
    from_end = apply(Sub, (end, apply(Mul, (diff, apply(Sub, (1.0, weight), NO_PARAMS)), NO_PARAMS)), NO_PARAMS)
    return Where.apply(np.abs(w) < 0.5, from_start, from_end)


# ---- activations (nn.functional's names) ----------------------------------------------------
def softplus(input, beta=1.0, threshold=20.0):
    """ln(1 + e^(β x)) / β, and input itself where β x > threshold (PyTorch's Softplus)."""
    return Softplus.apply(input, beta=beta, threshold=threshold)


def silu(input):
    """input · sigmoid(input) (also called swish)."""
    float_input("silu", input.data if isinstance(input, Tensor) else input)  # sigmoid alone takes integers
    return apply(Mul, (input, apply(Sigmoid, (input,), NO_PARAMS)), NO_PARAMS)


def gelu(input, approximate="none"):
    """input · Φ(input), Φ the standard normal CDF (exact, through erf), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(input, approximate=approximate)


def mish(input):
    """input · tanh(softplus(input))."""
    float_input("mish", input.data if isinstance(input, Tensor) else input)
    return apply(Mul, (input, apply(Tanh, (softplus(input),), NO_PARAMS)), NO_PARAMS)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """input clamped to [min_val, max_val]; the gradient is 0 at the bounds, as PyTorch's."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    return Hardtanh.apply(input, min_val=min_val, max_val=max_val)


def relu6(input):
    """min(max(input, 0), 6) (hardtanh(input, 0, 6))."""
    return Hardtanh.apply(input, min_val=0.0, max_val=6.0)


def hardsigmoid(input):
    """relu6(input + 3) / 6: 0 below -3, 1 above 3, linear between."""
    return apply(Hardsigmoid, (input,), NO_PARAMS)


def hardswish(input):
    """input · relu6(input + 3) / 6; the gradient is 0 at -3 and 1 at 3, as PyTorch's."""
    return apply(Hardswish, (input,), NO_PARAMS)


def elu(input, alpha=1.0):
    """input for input > 0, alpha (e^input - 1) otherwise; the gradient at 0 is alpha, as PyTorch's."""
    return Elu.apply(input, alpha=float(alpha), scale=1.0, input_scale=1.0)


def selu(input):
    """scale · elu(input, alpha) with SELU's self-normalizing constants (alpha ≈ 1.6733, scale ≈ 1.0507)."""
    return Elu.apply(input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def celu(input, alpha=1.0):
    """max(0, input) + min(0, alpha (e^(input / alpha) - 1))."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (the input is divided by it)")
    return Elu.apply(input, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha)


def leaky_relu(input, negative_slope=0.01):
    """input for input > 0, negative_slope · input otherwise (the gradient at 0 is negative_slope)."""
    float_input("leaky_relu", input.data if isinstance(input, Tensor) else input)
    positive = input > 0 if isinstance(input, Tensor) else np.asarray(input) > 0  # a Tensor's comparison is traced
    return Where.apply(positive, input, apply(Mul, (input, negative_slope), NO_PARAMS))


# Tensor methods, as PyTorch's (attached in tensor.py)
TENSOR_METHODS = ("sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh",
                  "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh", "arctanh",
                  "log1p", "expm1", "log2", "log10", "exp2", "erf", "erfc", "sign", "floor", "ceil", "round", "trunc",
                  "frac", "reciprocal", "rsqrt", "square", "hypot", "lerp", "fmod", "remainder", "nan_to_num",
                  "logaddexp", "xlogy")
