"""Translations of the elementwise math, activations, scans, einsum and norms (opset 17).

ONNX has an operator for most of them; the rest are written from operators with the primitive's
own formula (its forward in autograd_core/ops), so the file computes what the engine computes.
"""
import math

import numpy as np
from onnx import helper

from .translations import CANNOT_EXPORT, TRANSLATIONS, translates

for _name in ("Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Cos", "Cosh", "Erf", "Floor", "Reciprocal",
              "Sign", "Sin", "Sinh", "Tan"):
    TRANSLATIONS[_name] = lambda b, op, onnx_op=_name: b.node(onnx_op, [op.input(0)])

for _name in ("Cholesky", "Eigh", "Inv", "LogAbsDet", "MatrixExp", "Pinv", "Qr", "Solve", "Svd"):
    CANNOT_EXPORT[_name] = "ONNX (opset 17) has no operator for this matrix decomposition"


def _const(b, op, value):
    return b.const(np.asarray(value, dtype=op.out.dtype))


def _scaled_unary(onnx_op, scale):
    """onnx_op(x) · scale (log2, log10) or onnx_op(x · scale)."""
    def translate(b, op):
        return b.node("Mul", [b.node(onnx_op, [op.input(0)]), _const(b, op, scale)])
    return translate


TRANSLATIONS.update(Log2=_scaled_unary("Log", 1 / math.log(2)), Log10=_scaled_unary("Log", 1 / math.log(10)))


@translates("Exp2")
def _exp2(b, op):
    return b.node("Pow", [_const(b, op, 2.0), op.input(0)])


@translates("Expm1", "Log1p")
def _shifted(b, op):
    one = _const(b, op, 1.0)
    if op.name == "Expm1":
        return b.node("Sub", [b.node("Exp", [op.input(0)]), one])
    return b.node("Log", [b.node("Add", [op.input(0), one])])


@translates("Rsqrt")
def _rsqrt(b, op):
    return b.node("Reciprocal", [b.node("Sqrt", [op.input(0)])])


@translates("Erfc")
def _erfc(b, op):
    return b.node("Sub", [_const(b, op, 1.0), b.node("Erf", [op.input(0)])])


def _trunc(b, x):
    return b.node("Mul", [b.node("Sign", [x]), b.node("Floor", [b.node("Abs", [x])])])


@translates("Trunc", "Frac")
def _trunc_frac(b, op):
    x = op.input(0)
    return _trunc(b, x) if op.name == "Trunc" else b.node("Sub", [x, _trunc(b, x)])


@translates("Round")
def _round(b, op):
    """Halves to even, as numpy; with decimals, round(x · 10^d) / 10^d as numpy does."""
    decimals = op.params.get("decimals", 0)
    if not decimals:
        return b.node("Round", [op.input(0)])
    scale = _const(b, op, 10.0 ** decimals)
    return b.node("Div", [b.node("Round", [b.node("Mul", [op.input(0), scale])]), scale])


@translates("Fmod", "Remainder")
def _modulo(b, op):
    """fmod keeps the dividend's sign; remainder (Python's %) moves a non-zero result to the divisor's sign."""
    x, y = op.input(0), op.input(1)
    r = b.node("Mod", [x, y], fmod=1)
    if op.name == "Fmod":
        return r
    zero = _const(b, op, 0.0)
    differs = b.node("Xor", [b.node("Less", [r, zero]), b.node("Less", [y, zero])])
    wrong = b.node("And", [b.node("Not", [b.node("Equal", [r, zero])]), differs])
    return b.node("Where", [wrong, b.node("Add", [r, y]), r])


@translates("Atan2")
def _atan2(b, op):
    """atan(y / x) moved to the right quadrant; the axes as numpy's atan2 (0 at the origin)."""
    y, x = op.input(0), op.input(1)
    zero, pi = _const(b, op, 0.0), _const(b, op, math.pi)
    base = b.node("Atan", [b.node("Div", [y, x])])
    upper = b.node("Where", [b.node("GreaterOrEqual", [y, zero]), b.node("Add", [base, pi]), b.node("Sub", [base, pi])])
    on_axis = b.node("Mul", [b.node("Sign", [y]), _const(b, op, math.pi / 2)])
    left_or_axis = b.node("Where", [b.node("Less", [x, zero]), upper, on_axis])
    return b.node("Where", [b.node("Greater", [x, zero]), base, left_or_axis])


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
    """x · log(y), 0 where x is 0 (unless y is NaN)."""
    x, y = op.input(0), op.input(1)
    zero = _const(b, op, 0.0)
    exempt = b.node("And", [b.node("Equal", [x, zero]), b.node("Not", [b.node("IsNaN", [y])])])
    return b.node("Where", [exempt, zero, b.node("Mul", [x, b.node("Log", [y])])])


@translates("NanToNum")
def _nan_to_num(b, op):
    info = np.finfo(op.out.dtype)
    posinf, neginf = op.params.get("posinf"), op.params.get("neginf")
    x = op.input(0)
    out = b.node("Where", [b.node("IsNaN", [x]), _const(b, op, op.params.get("nan", 0.0)), x])
    out = b.node("Where", [b.node("IsInf", [x], detect_negative=0), _const(b, op, info.max if posinf is None else posinf),
                           out])
    return b.node("Where", [b.node("IsInf", [x], detect_positive=0), _const(b, op, info.min if neginf is None else neginf),
                            out])


@translates("Softplus")
def _softplus(b, op):
    """x where beta · x > threshold, else log(1 + exp(beta · x)) / beta."""
    beta, threshold = op.params.get("beta", 1.0), op.params.get("threshold", 20.0)
    x = op.input(0)
    bx = b.node("Mul", [x, _const(b, op, beta)])
    soft = b.node("Div", [b.node("Softplus", [bx]), _const(b, op, beta)])
    return b.node("Where", [b.node("Greater", [bx, _const(b, op, threshold)]), x, soft])


@translates("LogSigmoid")
def _logsigmoid(b, op):
    return b.node("Neg", [b.node("Softplus", [b.node("Neg", [op.input(0)])])])


@translates("Elu")
def _elu(b, op):
    """ELU, SELU and CELU: scale · x for x > 0, else alpha · scale · (exp(input_scale · x) − 1)."""
    alpha, scale = op.params.get("alpha", 1.0), op.params.get("scale", 1.0)
    input_scale = op.params.get("input_scale", 1.0)
    x = op.input(0)
    shrunk = b.node("Mul", [b.node("Min", [x, _const(b, op, 0.0)]), _const(b, op, input_scale)])
    negative = b.node("Mul", [b.node("Sub", [b.node("Exp", [shrunk]), _const(b, op, 1.0)]), _const(b, op, alpha * scale)])
    return b.node("Where", [b.node("Greater", [x, _const(b, op, 0.0)]), b.node("Mul", [x, _const(b, op, scale)]),
                            negative])


@translates("Gelu")
def _gelu(b, op):
    x = op.input(0)
    half = _const(b, op, 0.5)
    if op.params.get("approximate", "none") == "tanh":
        inner = b.node("Add", [x, b.node("Mul", [_const(b, op, 0.044715), b.node("Mul", [x, b.node("Mul", [x, x])])])])
        core = b.node("Tanh", [b.node("Mul", [inner, _const(b, op, math.sqrt(2 / math.pi))])])
    else:
        core = b.node("Erf", [b.node("Mul", [x, _const(b, op, math.sqrt(0.5))])])
    return b.node("Mul", [b.node("Mul", [x, half]), b.node("Add", [core, _const(b, op, 1.0)])])


@translates("Hardsigmoid", "Hardswish")
def _hard(b, op):
    if op.name == "Hardswish":
        return b.node("HardSwish", [op.input(0)])
    return b.node("HardSigmoid", [op.input(0)], alpha=1 / 6, beta=0.5)


@translates("Hardtanh")
def _hardtanh(b, op):
    return b.node("Clip", [op.input(0), _const(b, op, op.params["min_val"]), _const(b, op, op.params["max_val"])])


@translates("Cumsum")
def _cumsum(b, op):
    return b.node("CumSum", [op.input(0), b.ints(int(op.params["axis"]))])


@translates("Einsum")
def _einsum(b, op):
    return b.node("Einsum", [op.input(i) for i in range(len(op))], equation=op.params["equation"])


@translates("Det")
def _det(b, op):
    return b.node("Det", [op.input(0)])


@translates("VectorNorm")
def _vector_norm(b, op):
    """‖x‖_ord over axis: ReduceL2/L1, max/min of |x| for ±inf, the count of non-zeros for 0, else (Σ|x|^p)^(1/p)."""
    ord_, axis, keep = op.params["ord"], op.params["axis"], int(op.params["keepdims"])
    axes = list(range(op.value(0).ndim)) if axis is None else [int(a) for a in axis]
    x = op.input(0)
    if ord_ == 2:
        return b.node("ReduceL2", [x], axes=axes, keepdims=keep)
    if ord_ == 1:
        return b.node("ReduceL1", [x], axes=axes, keepdims=keep)
    magnitude = b.node("Abs", [x])
    if ord_ in (math.inf, -math.inf):
        return b.node("ReduceMax" if ord_ > 0 else "ReduceMin", [magnitude], axes=axes, keepdims=keep)
    if ord_ == 0:
        nonzero = b.node("Cast", [b.node("Not", [b.node("Equal", [x, _const(b, op, 0.0)])])],
                         to=helper.np_dtype_to_tensor_dtype(op.out.dtype))
        return b.node("ReduceSum", [nonzero, b.ints(axes)], keepdims=keep)
    powered = b.node("Pow", [magnitude, _const(b, op, ord_)])
    return b.node("Pow", [b.node("ReduceSum", [powered, b.ints(axes)], keepdims=keep), _const(b, op, 1.0 / ord_)])

