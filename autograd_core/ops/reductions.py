"""Reductions with PyTorch's names (`dim=`, `keepdim=`) and numpy's as aliases (`axis=`, `keepdims=`).

Composed from the Sum/Max/Min/LogSumExp primitives and indexing, so gradients,
tangents and graphs come from those. A positional int is `dim`.
"""
import builtins
import warnings
from collections import namedtuple

import numpy as np

from ..grad_mode import STATE, report_untraced
from ..tensor import Tensor, shared_tensor
from . import abs, astype, maximum, minimum, normalize_axes, value, _shape  # defined before this module loads
from .reduce import LogSumExp, Max, Min, Sum
from .shape import GetItem
from .softmax_op import Softmax

# torch.return_types.max / .min: unpackable, with .values and .indices
_RETURN_TYPES = {"max": namedtuple("max", ("values", "indices")), "min": namedtuple("min", ("values", "indices"))}


def numpy_aliases(op, dim, keepdim, axis, keepdims):
    """PyTorch's (dim, keepdim) from numpy's spellings `axis=`/`keepdims=`; giving both spellings is a TypeError."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}(): got both dim={dim!r} and its numpy alias axis={axis!r}; pass one")
        dim = axis
    if keepdims is not None:
        if keepdim:
            raise TypeError(f"{op}(): got both keepdim and its numpy alias keepdims; pass one")
        keepdim = keepdims
    return dim, bool(keepdim)


def _count(shape, axes):
    return int(np.prod(shape)) if axes is None else int(np.prod([shape[a] for a in axes]))


def sum(x, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Sum over `dim` (an int, a tuple, or None for all axes); those axes are dropped, or kept as 1 with `keepdim`.
    `dtype`: the input is converted to it first, as PyTorch."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases("sum", dim, keepdim, axis, keepdims)
    if dtype is not None:
        x = astype(x, dtype)
    elif getattr(value(x), "dtype", _FLOAT).kind in "biu":
        x = astype(x, np.int64)  # as PyTorch: integers and booleans sum in int64 (numpy: uint64 for uint8)
    out = Sum.apply(x, axis=normalize_axes("sum", dim, _shape(x)), keepdims=keepdim)
    if dtype is not None and out.dtype != dtype:  # numpy sums int8 .. int32 in int64
        out = astype(out, dtype)
    return out


def mean(x, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mean over `dim` (shapes as `sum`), as sum / count: NaN over no elements, float16 accumulated in float32.
    `dtype`: the input is converted to it first, as PyTorch."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases("mean", dim, keepdim, axis, keepdims)
    if dtype is not None:
        x = astype(x, dtype)
    x_dtype = _floating_only(x, "mean(): could not infer output dtype. Input dtype must be either a floating point "
                                "or complex dtype. Got: {}; pass dtype= (e.g. float32)")
    shape = _shape(x)
    axes = normalize_axes("mean", dim, shape)
    if x_dtype == np.float16:
        # NOTE: as PyTorch, half precision sums in float32 (1e5 ones would overflow float16 to inf)
        return astype(mean(astype(x, np.float32), axes, keepdim), np.float16)
    n = _count(shape, axes)
    return Sum.apply(x, axis=axes, keepdims=keepdim) * (1.0 / n if n else np.nan)


def var(x, dim=None, keepdim=False, ddof=None, *, unbiased=None, correction=None, axis=None, keepdims=None):
    """Variance over `dim` (shapes as `sum`) dividing by count - correction: unbiased (correction=1) by default,
    as PyTorch; `unbiased=`, `correction=` or numpy's `ddof=` choose another. float16 is accumulated in float32.

    When count - correction <= 0 the result is NaN or inf with a warning, as in PyTorch.
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases("var", dim, keepdim, axis, keepdims)
    ddof = _ddof(ddof, unbiased, correction)
    x_dtype = _floating_only(x, "std and var only support floating point and complex dtypes (got {}); convert "
                                "first, e.g. t.float()")
    shape = _shape(x)
    axes = normalize_axes("var", dim, shape)
    if x_dtype == np.float16:  # NOTE: as mean: a float16 sum of squares overflows
        return astype(var(astype(x, np.float32), axes, keepdim, ddof), np.float16)
    n = _count(shape, axes)
    d = x - Sum.apply(x, axis=axes, keepdims=True) * (1.0 / n if n else np.nan)
    squares = Sum.apply(d * d if x_dtype.kind != "c" else abs(d) ** 2, axis=axes, keepdims=keepdim)  # |d|², real
    if n - ddof > 0:
        return squares * (1.0 / (n - ddof))
    warnings.warn(f"var(): degrees of freedom is <= 0 (correction={ddof} for {n} elements of a tensor of shape "
                  f"{tuple(shape)}); the result is NaN or inf", UserWarning, stacklevel=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        return squares * np.inf


def std(x, dim=None, keepdim=False, ddof=None, *, unbiased=None, correction=None, axis=None, keepdims=None):
    """Standard deviation, the square root of `var` (same arguments: unbiased by default, as PyTorch)."""
    out = var(x, dim, keepdim, ddof, unbiased=unbiased, correction=correction, axis=axis, keepdims=keepdims)
    return out ** 0.5


_FLOAT = np.dtype(np.float32)
_TORCH_NAMES = {"b": "Bool", "u1": "Byte", "i1": "Char", "i2": "Short", "i4": "Int", "i8": "Long"}


def _floating_only(x, message):
    """x's dtype, or PyTorch's RuntimeError for an integer or boolean input to a reduction that only takes floats."""
    dtype = getattr(value(x), "dtype", _FLOAT)
    if dtype.kind in "biu":
        name = _TORCH_NAMES.get("b" if dtype.kind == "b" else dtype.str[1:], str(dtype))
        raise RuntimeError(message.format(name))
    return dtype


def _ddof(ddof, unbiased, correction):
    """The correction from whichever of ddof= (numpy), unbiased= or correction= (PyTorch) was given; default 1."""
    given = [name for name, v in (("ddof", ddof), ("unbiased", unbiased), ("correction", correction)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"var(): pass only one of ddof=, unbiased= and correction=, got {' and '.join(given)}")
    if unbiased is not None:
        return int(bool(unbiased))
    if ddof is not None:
        return ddof
    return 1 if correction is None else correction


def all(x, dim=None, keepdim=False):
    """True where every element over `dim` (int, tuple or None: all) is non-zero; a boolean tensor."""
    return shared_tensor(np.all(value(x), axis=normalize_axes("all", dim, _shape(x)), keepdims=keepdim))


def any(x, dim=None, keepdim=False):
    """True where some element over `dim` (int, tuple or None: all) is non-zero; a boolean tensor."""
    return shared_tensor(np.any(value(x), axis=normalize_axes("any", dim, _shape(x)), keepdims=keepdim))


def max(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """PyTorch's max: no dim → the maximum (shape ()); an int `dim` → named tuple (values, indices) of the
    reduced shape, the gradient going to the returned index (the first maximum, as PyTorch on CPU); a Tensor
    → elementwise `maximum`. numpy's `axis=`/`keepdims=` keep numpy's meaning: values only, as `amax`."""
    return _max_or_min("max", x, dim, keepdim, axis, keepdims)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """PyTorch's min: as `max` (value, or named tuple (values, indices) for an int `dim`, or elementwise `minimum`)."""
    return _max_or_min("min", x, dim, keepdim, axis, keepdims)


def amax(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Maximum over `dim` (int, tuple or None; shapes as `sum`); tied maxima share the gradient evenly (torch.amax)."""
    return _reduce_extremum("amax", x, dim, keepdim, axis, keepdims)


def amin(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Minimum over `dim` (shapes as `sum`); tied minima share the gradient evenly (torch.amin)."""
    return _reduce_extremum("amin", x, dim, keepdim, axis, keepdims)


_EXTREMA = {"max": (Max, maximum), "min": (Min, minimum), "amax": (Max, None), "amin": (Min, None)}


def _reduce_extremum(op, x, dim, keepdim, axis, keepdims):
    """amax / amin: the Max or Min primitive over `dim`, numpy's spellings accepted."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases(op, dim, keepdim, axis, keepdims)
    return _EXTREMA[op][0].apply(x, axis=nonempty_axes(op, dim, _shape(x)), keepdims=keepdim)


def _max_or_min(op, x, dim, keepdim, axis, keepdims):
    """PyTorch's overloads of max / min, told apart by their arguments."""
    if axis is not None or keepdims is not None:  # numpy's keywords keep numpy's meaning
        return _reduce_extremum("a" + op, x, dim, keepdim, axis, keepdims)
    if dim is None:
        return _EXTREMA[op][0].apply(x, axis=nonempty_axes(op, None, _shape(x)), keepdims=False)
    if isinstance(dim, (Tensor, np.ndarray)):
        return _EXTREMA[op][1](x, dim)
    return extremum_with_index(op, x, dim, keepdim)


def logsumexp(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """log Σ exp(x) over `dim` (shapes as `sum`), computed stably."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases("logsumexp", dim, keepdim, axis, keepdims)
    return LogSumExp.apply(x, axis=normalize_axes("logsumexp", dim, _shape(x)), keepdims=keepdim)


def log_softmax(x, dim=None, *, axis=None):
    """x - logsumexp(x) along `dim` (None: the last axis); same shape as x."""
    if axis is not None:
        dim, _ = numpy_aliases("log_softmax", dim, False, axis, None)
    return x - logsumexp(x, -1 if dim is None else dim, keepdim=True)


def softmax(x, dim=None, *, axis=None):
    """exp(x) / Σ exp(x) along `dim` (None: the last axis), one Softmax primitive; same shape as x."""
    if axis is not None:
        dim, _ = numpy_aliases("softmax", dim, False, axis, None)
    shape = _shape(x)
    axes = normalize_axes("softmax", -1 if dim is None else dim, shape)
    return Softmax.apply(x, axis=tuple(a - len(shape) for a in axes) if shape else ())  # from the end (see Softmax)


def argmax(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index of the first maximum along `dim` (None: of the flattened tensor), an int64 Tensor without gradient."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases("argmax", dim, keepdim, axis, keepdims)
    return arg_extremum("argmax", x, dim, keepdim)


def argmin(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index of the first minimum along `dim` (None: of the flattened tensor), an int64 Tensor without gradient."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_aliases("argmin", dim, keepdim, axis, keepdims)
    return arg_extremum("argmin", x, dim, keepdim)


def nonempty_axes(op, dim, shape):
    """normalize_axes for reductions without an identity (max, min): reducing over no elements raises, as PyTorch."""
    axes = normalize_axes(op, dim, shape)
    if builtins.any(shape[a] == 0 for a in (range(len(shape)) if axes is None else axes)):
        raise IndexError(f"{op}(): cannot reduce over a dimension of size 0 (dim={dim}) of a tensor of shape "
                         f"{tuple(shape)}: the result would have no value; reduce along a non-empty dim")
    return axes


def extremum_with_index(op, x, dim, keepdim):
    """(values, indices) of `op` ("max" or "min") along the int `dim`: the value is gathered at the first
    extreme index (np.argmax's choice, PyTorch's on CPU), so the whole gradient goes to that element."""
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): dim must be an int, got {dim!r}; use a{op}() to reduce over several dims")
    shape = _shape(x)
    if not shape:  # a 0-d tensor reduces over dim 0 or -1 to itself, index 0
        nonempty_axes(op, dim, (1,))
        values, indices = extremum_with_index(op, x[None] if isinstance(x, Tensor) else np.reshape(x, (1,)), 0, False)
        return _RETURN_TYPES[op](values, indices)
    a = nonempty_axes(op, dim, shape)[0]
    idx = (np.argmax if op == "max" else np.argmin)(value(x), axis=a, keepdims=True)
    index = list(np.indices(idx.shape, sparse=True))
    index[a] = idx
    if not keepdim:
        index = [np.squeeze(i, a) for i in index]
    return _RETURN_TYPES[op](GetItem.apply(x, index=tuple(index), unique=True), shared_tensor(index[a].astype(np.int64)))


def arg_extremum(op, x, dim, keepdim):
    """np.argmax / np.argmin along `dim` (None: flattened) as an int64 Tensor; no elements → IndexError naming the shape."""
    shape = _shape(x)
    axes = nonempty_axes(op, dim, shape)
    if axes is not None and len(axes) != 1:
        raise TypeError(f"{op}(): dim must be an int or None, got {dim!r}")
    fn = np.argmax if op == "argmax" else np.argmin
    out = shared_tensor(fn(value(x), axis=None if axes is None else axes[0], keepdims=keepdim).astype(np.int64))
    if STATE.observers:
        report_untraced(op, (x,), {"axis": None if axes is None else axes[0], "keepdims": keepdim}, out)
    return out
