"""ONNX forms (opset 17) of the elementwise breadth: ops/trig.py, exponential.py, rounding.py, special.py and
activations.py. An op ONNX has is one node; the others are the same formula in a few nodes."""
import math

import numpy as np

from .translations import TRANSLATIONS, translates

for _name in ("Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf", "Floor",
              "Ceil", "Reciprocal", "Sign"):
    TRANSLATIONS[_name] = lambda b, op, _onnx=_name: b.node(_onnx, [op.input(0)])


def _c(b, op, value):
    """A constant in the output's dtype."""
    return b.const(np.asarray(value, dtype=op.out.dtype))


@translates("Log1p")
def _log1p(b, op):
    return b.node("Log", [b.node("Add", [op.input(0), _c(b, op, 1)])])


@translates("Expm1")
def _expm1(b, op):
    return b.node("Sub", [b.node("Exp", [op.input(0)]), _c(b, op, 1)])


@translates("Log2", "Log10")
def _log_base(b, op):
    return b.node("Div", [b.node("Log", [op.input(0)]), _c(b, op, math.log(2 if op.name == "Log2" else 10))])


@translates("Exp2")
def _exp2(b, op):
    return b.node("Pow", [_c(b, op, 2), op.input(0)])


@translates("Rsqrt")
def _rsqrt(b, op):
    return b.node("Reciprocal", [b.node("Sqrt", [op.input(0)])])


@translates("Round")
def _round(b, op):
    """ONNX's Round rounds halves to even, as PyTorch; `decimals` scales by 10^decimals around it."""
    decimals = op.params.get("decimals", 0)
    if not decimals:
        return b.node("Round", [op.input(0)])
    scale = _c(b, op, 10.0 ** decimals)
    return b.node("Div", [b.node("Round", [b.node("Mul", [op.input(0), scale])]), scale])


@translates("Trunc", "Frac")
def _trunc_frac(b, op):
    frac = b.node("Mod", [op.input(0), _c(b, op, 1)], fmod=1)  # x - trunc(x), the sign of x
    return frac if op.name == "Frac" else b.node("Sub", [op.input(0), frac])


@translates("Fmod", "Remainder")
def _modulo(b, op):
    if op.out.dtype.kind in "iu":
        return b.node("Mod", [op.input(0), op.input(1)], fmod=int(op.name == "Fmod"))
    x, y = op.input(0), op.input(1)
    m = b.node("Mod", [x, y], fmod=1)
    if op.name == "Fmod":
        return m
    zero = _c(b, op, 0)
    # remainder = fmod + y where fmod is nonzero and its sign differs from y's
    wrong_sign = b.node("And", [b.node("Not", [b.node("Equal", [m, zero])]),
                                b.node("Less", [b.node("Mul", [m, y]), zero])])
    return b.node("Add", [m, b.node("Where", [wrong_sign, y, zero])])


@translates("Atan2")
def _atan2(b, op):
    """atan(y / x), moved by ±π where x < 0 (the sign of y picks which)."""
    y, x = op.input(0), op.input(1)
    zero = _c(b, op, 0)
    shift = b.node("Where", [b.node("Less", [y, zero]), _c(b, op, -math.pi), _c(b, op, math.pi)])
    return b.node("Add", [b.node("Atan", [b.node("Div", [y, x])]),
                          b.node("Where", [b.node("Less", [x, zero]), shift, zero])])


@translates("Hypot")
def _hypot(b, op):
    x, y = op.input(0), op.input(1)
    return b.node("Sqrt", [b.node("Add", [b.node("Mul", [x, x]), b.node("Mul", [y, y])])])


@translates("LogAddExp")
def _logaddexp(b, op):
    x, y = op.input(0), op.input(1)
    m = b.node("Max", [x, y])
    total = b.node("Add", [b.node("Exp", [b.node("Sub", [x, m])]), b.node("Exp", [b.node("Sub", [y, m])])])
    return b.node("Add", [m, b.node("Log", [total])])


@translates("Xlogy")
def _xlogy(b, op):
    x, y = op.input(0), op.input(1)
    zero = _c(b, op, 0)
    return b.node("Where", [b.node("Equal", [x, zero]), zero, b.node("Mul", [x, b.node("Log", [y])])])


@translates("NanToNum")
def _nan_to_num(b, op):
    x, info = op.input(0), np.finfo(op.out.dtype)
    posinf, neginf = op.params.get("posinf"), op.params.get("neginf")
    out = b.node("Where", [b.node("IsNaN", [x]), _c(b, op, op.params.get("nan", 0.0)), x])
    out = b.node("Where", [b.node("IsInf", [x], detect_negative=0), _c(b, op, info.max if posinf is None else posinf),
                           out])
    return b.node("Where", [b.node("IsInf", [x], detect_positive=0), _c(b, op, info.min if neginf is None else neginf),
                            out])


@translates("Softplus")
def _softplus(b, op):
    x, beta, threshold = op.input(0), op.params.get("beta", 1.0), op.params.get("threshold", 20.0)
    bx = b.node("Mul", [x, _c(b, op, beta)])
    smooth = b.node("Div", [b.node("Softplus", [bx]), _c(b, op, beta)])
    return b.node("Where", [b.node("Greater", [bx, _c(b, op, threshold)]), x, smooth])


@translates("LogSigmoid")
def _logsigmoid(b, op):
    return b.node("Neg", [b.node("Softplus", [b.node("Neg", [op.input(0)])])])


@translates("Hardtanh")
def _hardtanh(b, op):
    return b.node("Clip", [op.input(0), _c(b, op, op.params.get("min_val", -1.0)),
                           _c(b, op, op.params.get("max_val", 1.0))])


@translates("Hardsigmoid")
def _hardsigmoid(b, op):
    return b.node("HardSigmoid", [op.input(0)], alpha=1 / 6, beta=0.5)


@translates("Hardswish")
def _hardswish(b, op):
    return b.node("HardSwish", [op.input(0)])


@translates("Elu")
def _elu(b, op):
    x, p = op.input(0), op.params
    alpha, scale, input_scale = p.get("alpha", 1.0), p.get("scale", 1.0), p.get("input_scale", 1.0)
    left = b.node("Sub", [b.node("Exp", [b.node("Mul", [x, _c(b, op, input_scale)])]), _c(b, op, 1)])
    return b.node("Where", [b.node("Greater", [x, _c(b, op, 0)]), b.node("Mul", [x, _c(b, op, scale)]),
                            b.node("Mul", [left, _c(b, op, alpha * scale)])])


@translates("Gelu")
def _gelu(b, op):
    """x Φ(x) through Erf (ONNX's own Gelu needs opset 20), or the tanh approximation."""
    x = op.input(0)
    half_x = b.node("Mul", [x, _c(b, op, 0.5)])
    if op.params.get("approximate", "none") == "tanh":
        cube = b.node("Mul", [b.node("Mul", [b.node("Mul", [x, x]), x]), _c(b, op, 0.044715)])
        inner = b.node("Mul", [b.node("Add", [x, cube]), _c(b, op, math.sqrt(2 / math.pi))])
        return b.node("Mul", [half_x, b.node("Add", [_c(b, op, 1), b.node("Tanh", [inner])])])
    cdf = b.node("Add", [_c(b, op, 1), b.node("Erf", [b.node("Mul", [x, _c(b, op, math.sqrt(0.5))])])])
    return b.node("Mul", [half_x, cdf])


@translates("Erfc")
def _erfc(b, op):
    return b.node("Sub", [_c(b, op, 1), b.node("Erf", [op.input(0)])])
