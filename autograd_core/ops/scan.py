"""Scans and products along a dim: cumsum (a primitive), cumprod, logcumsumexp, prod.

cumsum is linear, so it is one primitive whose VJP is the reversed cumsum. The others are composed
from Mul / LogSumExp-style elementwise ops, slicing and concatenation: a Hillis-Steele scan (log2 n
steps) for the cumulative ones and a pairwise tree for prod. Products are never divided back out,
so a zero (or several) gets its exact gradient, as PyTorch's; the composition's gradient is itself
differentiable (double backward) and its forward tangent comes from the same primitives.
"""
import numpy as np

from ..primitive import Primitive
from ..tensor import shared_tensor
from . import abs, astype, cat, exp, log, maximum, normalize_axes, reshape, value, _shape
from .elementwise import Where
from .reduce import Sum
from .shape import GetItem, Pad
from .assign import SetItem

METHODS = ("cumsum", "cumprod", "logcumsumexp", "prod")


class Cumsum(Primitive):
    """out[..., i, ...] = Σ_{j ≤ i} x[..., j, ...] along `axis`"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)),), {"axis": 1}
        yield (rng.standard_normal((2, 3, 4)),), {"axis": 0}
        yield (rng.standard_normal((5,)),), {"axis": 0}
        yield (rng.standard_normal((0, 3)),), {"axis": 0}
        yield (rng.standard_normal((2, 3)).astype(np.float32),), {"axis": 1}

    @staticmethod
    def forward(ctx, x, axis):
        return np.cumsum(x, axis=axis)

    @staticmethod
    def batch_params(batch, x, axis):
        return {"axis": axis + 1}

    @staticmethod
    def vjp(ctx, xp, g, out, x, axis):
        flip = (slice(None),) * axis + (slice(None, None, -1),)  # the adjoint sums from the end backwards
        return (xp.cumsum(g[flip], axis)[flip],)


def _dim(op, dim, shape):
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): dim must be an int, got {dim!r}")
    return normalize_axes(op, dim, shape or (1,))[0]


def _cast(x, dtype):
    return x if dtype is None else astype(x, dtype)


def _integer(x):
    return np.asarray(value(x)).dtype.kind in "biu"  # complex is not: it scans through the primitives


def _integer_scan(fn, x, d):
    """np.cumsum / np.cumprod of integers or booleans along `d`, in int64 as PyTorch (no gradient)."""
    data = value(x)
    return shared_tensor(fn(data, axis=d if np.ndim(data) else None, dtype=np.int64).reshape(_shape(x)))


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along `dim` (same shape); integers and booleans give int64, as PyTorch."""
    x = _cast(input, dtype)
    d = _dim("cumsum", dim, _shape(x))
    if _integer(x):
        return _integer_scan(np.cumsum, x, d)
    if not _shape(x):
        return x * 1
    return Cumsum.apply(x, axis=d)


def _scan(x, axis, combine):
    """Inclusive scan of an associative `combine` along `axis` (Hillis-Steele: out_i = x_0 ∘ ... ∘ x_i)."""
    n, step = _shape(x)[axis], 1
    lead = (slice(None),) * axis
    while step < n:
        head = GetItem.apply(x, index=lead + (slice(0, step),), unique=True)
        later = GetItem.apply(x, index=lead + (slice(step, None),), unique=True)
        earlier = GetItem.apply(x, index=lead + (slice(0, n - step),), unique=True)
        x = cat([head, combine(earlier, later)], axis)
        step *= 2
    return x


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along `dim` (same shape); exact gradients with zeros (no division)."""
    x = _cast(input, dtype)
    d = _dim("cumprod", dim, _shape(x))
    if _integer(x):
        return _integer_scan(np.cumprod, x, d)
    if not _shape(x):
        return x * 1
    return _scan(x * 1, d, lambda a, b: a * b)


def _logaddexp(a, b):
    """log(e^a + e^b) = max + log(1 + e^-|a-b|); equal arguments (also ±inf) give max + log 2."""
    same = value(a) == value(b)
    d = Where.apply(same, np.zeros((), value(a).dtype), a - b)
    return maximum(a, b) + log(1 + exp(-abs(d)))


def logcumsumexp(input, dim):
    """log of the cumulative sum of exp along `dim`, computed stably (pairwise log-add-exp)."""
    d = _dim("logcumsumexp", dim, _shape(input))
    if not _shape(input):
        return input * 1
    return _scan(input * 1, d, _logaddexp)


def _tree_prod(x, axis):
    """Product along `axis`, kept as size 1: pairs multiplied level by level (odd lengths padded with a 1)."""
    n = _shape(x)[axis]
    if n == 0:  # the empty product: 1, kept connected to x (as PyTorch's result requires grad)
        return Sum.apply(x, axis=(axis,), keepdims=True) + 1
    lead = (slice(None),) * axis
    while n > 1:
        if n % 2:
            x = Pad.apply(x, widths=tuple((0, int(a == axis)) for a in range(len(_shape(x)))), value=1.0)
            n += 1
        x = GetItem.apply(x, index=lead + (slice(0, None, 2),), unique=True) * \
            GetItem.apply(x, index=lead + (slice(1, None, 2),), unique=True)
        n //= 2
    return x


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product over `dim` (an int, or None for all elements); exact gradients with zeros, as PyTorch.
    Integers and booleans give int64."""
    x = _cast(input, dtype)
    shape = _shape(x)
    if _integer(x):
        d = None if dim is None else _dim("prod", dim, shape)
        out = np.prod(value(x), axis=d if shape else None, keepdims=keepdim, dtype=np.int64)
        return shared_tensor(np.asarray(out).reshape((1,) * len(shape) if keepdim and d is None else np.shape(out)))
    if dim is None:
        out = _tree_prod(reshape(x, (-1,)), 0)
        return reshape(out, (1,) * len(shape) if keepdim else ())
    d = _dim("prod", dim, shape)
    if not shape:
        return x * 1
    out = _tree_prod(x, d)
    return out if keepdim else reshape(out, shape[:d] + shape[d + 1:])


def segment_prod(values, targets, size):
    """out[t] = product of values[k] with targets[k] == t (1 where none), for 1-D `values` and int `targets`."""
    order = np.argsort(targets, kind="stable")
    sorted_targets = targets[order]
    first = np.searchsorted(sorted_targets, sorted_targets, side="left")
    rank = np.empty_like(targets)
    rank[order] = np.arange(targets.size) - first
    width = int(rank.max()) + 1 if targets.size else 1
    dense = SetItem.apply(np.ones((size, width), dtype=value(values).dtype), values, index=(targets, rank))
    return reshape(_tree_prod(dense, 1), (size,))
