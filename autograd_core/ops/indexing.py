"""Indexing ops with PyTorch's names and arguments: gather / scatter, index_*, masked_*, nonzero.

Each is composed from the GetItem, IndexAdd, SetItem and Where primitives: `gather` along `dim`
is numpy advanced indexing with an index array per axis (`_along`), and its adjoint is IndexAdd,
so VJP, JVP, double backward and batched tangents come from those primitives. The in-place `_`
variants are in indexing_inplace.py.
"""
import numpy as np

from ..tensor import Tensor, shared_tensor
from . import add, astype, broadcast_to, normalize_axes, reshape, value, _shape
from .assign import SetItem
from .elementwise import Where
from .shape import GetItem, IndexAdd

METHODS = ("gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add", "index_copy",
           "index_fill", "masked_fill", "masked_select", "masked_scatter", "take_along_dim", "nonzero",
           "count_nonzero")


def _dim(op, dim, shape):
    """`dim` as a non-negative int for a tensor of `shape` (a 0-d tensor takes dim 0 or -1)."""
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): dim must be an int, got {dim!r}")
    return normalize_axes(op, dim, shape)[0] if shape else normalize_axes(op, dim, (1,))[0]


def _index(op, index, what="index"):
    """The integer numpy array behind `index`; any other dtype raises, as torch does."""
    arr = np.asarray(value(index))
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise RuntimeError(f"{op}(): expected an integer (int64) {what} tensor, got dtype {arr.dtype}")
    return arr


def _in_range(op, index, size, dim, shape):
    """Every index in [0, size); else torch's error type for `op` (IndexError for index_select/fill/copy)."""
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = index.min() if index.min() < 0 else index.max()
        error = IndexError if op.rstrip("_") in ("index_select", "index_fill", "index_copy") else RuntimeError
        raise error(f"{op}(): index {bad} is out of bounds for dimension {dim} with size {size} "
                         f"(tensor of shape {tuple(shape)})")


def _along(index, dim):
    """The advanced index that picks x[..., index[i], ...] at dim and position i elsewhere (index's own extent)."""
    ndim = index.ndim
    parts = [np.arange(n).reshape((-1,) + (1,) * (ndim - 1 - d)) for d, n in enumerate(index.shape)]
    parts[dim] = index
    return tuple(parts)


def _check_along(op, x_shape, dim, index, src_shape=None):
    """PyTorch's shape rules for gather / scatter: same rank; index no larger than src, nor than x off `dim`."""
    if index.ndim != len(x_shape) and not (index.ndim <= 1 and len(x_shape) <= 1):
        raise RuntimeError(f"{op}(): index tensor must have the same number of dimensions as the input: "
                           f"index of shape {index.shape}, input of shape {tuple(x_shape)}")
    for d, n in enumerate(index.shape):
        if d != dim and n > x_shape[d] or src_shape is not None and n > src_shape[d]:
            raise RuntimeError(f"{op}(): index of shape {index.shape} is larger than the input of shape "
                               f"{tuple(x_shape)}" + (f" or the src of shape {tuple(src_shape)}" if src_shape else "")
                               + f" apart from dimension {dim}")
    _in_range(op, index, x_shape[dim], dim, x_shape)


def _as_1d(x):
    return reshape(x, (1,)) if not _shape(x) else x


def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j] = input[index[i][j]][j] for dim 0 (and so on): values picked along `dim`; out has index's shape.
    The gradient goes back to the picked elements (summed where an index repeats)."""
    shape = _shape(input)
    d = _dim("gather", dim, shape)
    idx = _index("gather", index)
    if not shape:
        return reshape(gather(_as_1d(input), 0, idx.reshape(-1)), idx.shape)
    _check_along("gather", shape, d, idx)
    return GetItem.apply(input, index=_along(idx, d), unique=False)


def take_along_dim(input, indices, dim=None):
    """numpy's take_along_axis with PyTorch's name: gather after broadcasting input and indices off `dim`
    (dim None: indices into the flattened input)."""
    idx = _index("take_along_dim", indices, "indices")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, idx.reshape(-1))
    shape = _shape(input)
    d = _dim("take_along_dim", dim, shape)
    if idx.ndim != len(shape):
        raise RuntimeError(f"take_along_dim(): input of shape {shape} and indices of shape {idx.shape} "
                           "should have the same number of dimensions")
    try:
        common = np.broadcast_shapes(shape[:d] + (1,) + shape[d + 1:], idx.shape[:d] + (1,) + idx.shape[d + 1:])
    except ValueError:
        raise RuntimeError(f"take_along_dim(): input of shape {shape} and indices of shape {idx.shape} do not "
                           f"broadcast apart from dimension {d}") from None
    x = broadcast_to(input, common[:d] + shape[d:d + 1] + common[d + 1:])
    return gather(x, d, np.broadcast_to(idx, common[:d] + idx.shape[d:d + 1] + common[d + 1:]))


def _src_part(src, index_shape):
    """src cut down to index's extent (PyTorch reads only that part of a larger src)."""
    if _shape(src) == index_shape:
        return src
    return GetItem.apply(src, index=tuple(slice(0, n) for n in index_shape), unique=True)


def _scatter_args(op, input, dim, index, src):
    shape = _shape(input)
    d = _dim(op, dim, shape)
    idx = _index(op, index)
    if not shape:
        idx = idx.reshape(-1)
    if isinstance(src, (Tensor, np.ndarray)):
        if np.ndim(value(src)) != max(len(shape), 1) and not (np.ndim(value(src)) <= 1 and len(shape) <= 1):
            raise RuntimeError(f"{op}(): src of shape {_shape(src)} must have as many dimensions as the input "
                               f"of shape {shape}")
        if value(src).dtype != value(input).dtype:
            raise RuntimeError(f"{op}(): expected src of dtype {value(input).dtype} (the input's), got "
                               f"{value(src).dtype}")
        _check_along(op, shape or (1,), d, idx, _shape(src) or (1,))
        src = _src_part(_as_1d(src), idx.shape)
    else:
        _check_along(op, shape or (1,), d, idx)
    return d, idx, src


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """A copy of input with out[index[i][j]][j] = src[i][j] for dim 0 (and so on); `src` may be a number
    (or pass value=). `reduce="add"|"multiply"` combines instead, as PyTorch's legacy argument."""
    if src is None:
        src = value
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"scatter(): reduce must be 'add' or 'multiply', got {reduce!r}")
        if not isinstance(src, (Tensor, np.ndarray)):
            src = shared_tensor(np.full(np.shape(_index("scatter", index)), src, dtype=value_dtype(input)))
        return scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")
    d, idx, src = _scatter_args("scatter", input, dim, index, src)
    out = SetItem.apply(_as_1d(input), src, index=_along(idx, d))
    return reshape(out, ()) if not _shape(input) else out


def value_dtype(x):
    return value(x).dtype if isinstance(x, (Tensor, np.ndarray)) else np.asarray(x).dtype


def scatter_add(input, dim, index, src):
    """A copy of input with src[i][j] added at out[index[i][j]][j] for dim 0 (and so on); repeated indices add up."""
    d, idx, src = _scatter_args("scatter_add", input, dim, index, src)
    x = _as_1d(input)
    out = add(x, IndexAdd.apply(src, shape=_shape(x), index=_along(idx, d), unique=False))
    return reshape(out, ()) if not _shape(input) else out


def index_select(input, dim, index):
    """The slices of input at positions `index` (1-D) along `dim`; that dim becomes len(index)."""
    shape = _shape(input)
    d = _dim("index_select", dim, shape)
    idx = _index("index_select", index)
    if idx.ndim > 1:
        raise IndexError(f"index_select(): index must be 1-D or 0-d, got shape {idx.shape}")
    _in_range("index_select", idx, (shape or (1,))[d], d, shape)
    if not shape:
        return reshape(GetItem.apply(_as_1d(input), index=(idx.reshape(-1),), unique=False), idx.shape)
    return GetItem.apply(input, index=(slice(None),) * d + (idx.reshape(-1),), unique=False)


def _index_args(op, input, dim, index, source=None):
    shape = _shape(input)
    d = _dim(op, dim, shape)
    idx = _index(op, index)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): index must be 1-D or 0-d, got shape {idx.shape}")
    idx = idx.reshape(-1)
    _in_range(op, idx, (shape or (1,))[d], d, shape)
    where_ = (slice(None),) * d + (idx,)
    if source is not None:
        expected = shape[:d] + (idx.size,) + shape[d + 1:] if shape else (idx.size,) * (np.ndim(value(source)) > 0)
        if _shape(source) != expected and not (not shape and _shape(source) in ((), (1,))):
            raise RuntimeError(f"{op}(): source of shape {_shape(source)} does not match the input of shape "
                               f"{shape} with {idx.size} indices along dim {d} (expected {expected})")
    return where_


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of input with alpha * source added at the positions `index` along `dim` (repeats add up)."""
    where_ = _index_args("index_add", input, dim, index, source)
    x = _as_1d(input)
    src = reshape(source, (-1,)) if not _shape(input) else source
    if alpha != 1:
        src = src * alpha
    out = add(x, IndexAdd.apply(src, shape=_shape(x), index=where_, unique=False))
    return reshape(out, ()) if not _shape(input) else out


def index_copy(input, dim, index, source):
    """A copy of input whose slices at positions `index` along `dim` are those of source."""
    where_ = _index_args("index_copy", input, dim, index, source)
    out = SetItem.apply(_as_1d(input), reshape(source, (-1,)) if not _shape(input) else source, index=where_)
    return reshape(out, ()) if not _shape(input) else out


def index_fill(input, dim, index, value):
    """A copy of input whose slices at positions `index` along `dim` are `value` (a number or 0-d tensor)."""
    where_ = _index_args("index_fill", input, dim, index)
    out = SetItem.apply(_as_1d(input), _fill_value("index_fill", value, input), index=where_)
    return reshape(out, ()) if not _shape(input) else out


def _fill_value(op, v, input):
    if isinstance(v, (Tensor, np.ndarray)):
        if np.ndim(value(v)):
            raise RuntimeError(f"{op}(): only supports a 0-dimensional value tensor, got one of shape {_shape(v)}")
        return astype(v, value(input).dtype)
    return v


def _mask(op, mask, shape):
    m = np.asarray(value(mask))
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op}(): expected a boolean mask, got dtype {m.dtype}")
    try:
        np.broadcast_shapes(m.shape, shape)
    except ValueError:
        raise RuntimeError(f"{op}(): the mask of shape {m.shape} does not broadcast with the input of shape "
                           f"{tuple(shape)}") from None
    return m


def masked_fill(input, mask, value):
    """A copy of input with `value` (a number or 0-d tensor) wherever the boolean `mask` (broadcast) is True."""
    m = _mask("masked_fill", mask, _shape(input))
    fill = _fill_value("masked_fill", value, input)
    if not isinstance(fill, Tensor):
        fill = np.asarray(fill, dtype=value_dtype(input))
    return Where.apply(m, fill, input)


def masked_select(input, mask):
    """The elements of input where the boolean mask is True (both broadcast), as a 1-D tensor in C order."""
    m = _mask("masked_select", mask, _shape(input))
    shape = np.broadcast_shapes(m.shape, _shape(input))
    return GetItem.apply(broadcast_to(input, shape), index=(np.broadcast_to(m, shape),), unique=True)


def masked_scatter(input, mask, source):
    """A copy of input whose elements where mask is True are taken, in order, from the start of source."""
    m = _mask("masked_scatter", mask, _shape(input))
    shape = np.broadcast_shapes(m.shape, _shape(input))
    m = np.broadcast_to(m, shape)
    k = int(m.sum())
    if value(source).dtype != value(input).dtype:
        raise RuntimeError(f"masked_scatter(): expected source of dtype {value(input).dtype}, got {value(source).dtype}")
    if np.size(value(source)) < k:
        raise RuntimeError(f"masked_scatter(): the mask selects {k} elements but source of shape {_shape(source)} "
                           f"has only {np.size(value(source))}")
    flat = reshape(source, (-1,))
    part = flat if _shape(flat)[0] == k else GetItem.apply(flat, index=(slice(0, k),), unique=True)
    return SetItem.apply(broadcast_to(input, shape), part, index=(m,))


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an int64 tensor (count, ndim), or with as_tuple one 1-D tensor per dim."""
    a = np.asarray(value(input))
    if as_tuple:
        return tuple(shared_tensor(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(a)))
    return shared_tensor(np.argwhere(a).astype(np.int64).reshape(np.count_nonzero(a), a.ndim))


def count_nonzero(input, dim=None):
    """Number of non-zero elements over `dim` (int, tuple or None: all), an int64 tensor."""
    a = np.asarray(value(input))
    axes = normalize_axes("count_nonzero", dim, a.shape)
    return shared_tensor(np.asarray(np.count_nonzero(a, axis=axes), dtype=np.int64))


_REDUCE_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}


def _identity(reduce, dtype):
    """The value that leaves a target unchanged under `reduce`, in `dtype` (integers: their extremes)."""
    if reduce in ("amax", "amin") and not np.issubdtype(dtype, np.floating):
        info = np.iinfo(dtype) if dtype != np.bool_ else None
        return np.asarray((info.min if reduce == "amax" else info.max) if info else reduce == "amin", dtype)
    return np.asarray(_REDUCE_IDENTITY[reduce], dtype)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of input where each src[i][j] is combined into out[index[i][j]][j] (dim 0, and so on) by `reduce`:
    "sum", "prod", "mean", "amax" or "amin"; with include_self=False the input's own value at a target is left
    out. Gradients as PyTorch's (amax/amin: shared evenly among the elements equal to the result)."""
    if reduce not in _REDUCE_IDENTITY:
        raise RuntimeError(f"scatter_reduce(): reduce must be one of {sorted(_REDUCE_IDENTITY)}, got {reduce!r}")
    if not _shape(input):
        out = scatter_reduce(_as_1d(input), 0, np.reshape(_index("scatter_reduce", index), -1), reshape(src, (-1,)),
                             reduce, include_self=include_self)
        return reshape(out, ())
    d, idx, src = _scatter_args("scatter_reduce", input, dim, index, src)
    at = _along(idx, d)
    x = value(input)
    hit = np.zeros(x.shape, dtype=bool)
    hit[at] = True
    base = input if include_self else Where.apply(hit, _identity(reduce, x.dtype), input)
    if reduce in ("sum", "mean"):
        total = add(base, IndexAdd.apply(src, shape=x.shape, index=at, unique=False))
        if reduce == "sum":
            return total
        counts = np.zeros(x.shape, dtype=x.dtype)
        np.add.at(counts, at, 1)
        counts += include_self or ~hit
        if not np.issubdtype(x.dtype, np.floating):
            return shared_tensor(np.floor_divide(value(total), counts).astype(x.dtype))
        return total * (1 / counts).astype(x.dtype)
    if reduce == "prod":
        return _scatter_prod(input, base, src, at, x.shape)
    return _scatter_extremum(reduce, input, base, src, at, hit, include_self)


def _scatter_extremum(reduce, input, base, src, at, hit, include_self):
    """amax / amin: the exact extreme value, plus terms that are exactly zero in value whose gradient splits
    g evenly among the tied elements (self included only when it takes part), as PyTorch."""
    out = np.array(value(base), copy=True)
    (np.maximum if reduce == "amax" else np.minimum).at(out, at, value(src))
    result = shared_tensor(out)
    x, s = value(input), value(src)
    own = (x == out) & (hit == False) | (x == out) & include_self  # noqa: E712 (elementwise)
    picked = s == out[at]
    ties = own.astype(x.dtype)
    np.add.at(ties, at, picked)
    share = 1 / np.where(ties > 0, ties, 1)
    if isinstance(input, Tensor):  # (whether or not it requires grad: forward-mode tangents come this way too)
        result = result + Where.apply(own, (input - input.detach()) * share, np.zeros((), x.dtype))
    if isinstance(src, Tensor):
        zero_in_value = Where.apply(picked, (src - src.detach()) * share[at], np.zeros((), x.dtype))
        result = result + IndexAdd.apply(zero_in_value, shape=x.shape, index=at, unique=False)
    return result


def _scatter_prod(input, base, src, at, shape):
    """prod: each target's product, by a segmented tree product over the sources sorted by target, so that
    zeros give exact gradients (no division)."""
    from .scan import segment_prod  # scan builds on this module's neighbours
    flat_target = np.ravel_multi_index(np.broadcast_arrays(*at), shape).reshape(-1)
    prods = segment_prod(reshape(src, (-1,)), flat_target, int(np.prod(shape)))
    return base * reshape(prods, shape)
