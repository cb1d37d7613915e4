"""PyTorch's in-place `_` variants of the indexing ops: masked_fill_, index_fill_/copy_/add_, scatter_,
scatter_add_, scatter_reduce_, masked_scatter_.

They go through `inplace.assign` / `inplace.update`, so the version counter, the rebasing of a non-leaf
onto the recorded change and the leaf rule are the same as for `t[i] = v` and `t += y`.
"""
import numpy as np

from .. import inplace
from ..grad_mode import STATE, no_grad
from ..tensor import Tensor, shared_tensor
from . import add, mul, reshape, value, _shape
from .indexing import (_REDUCE_IDENTITY, _along, _fill_value, _identity, _index_args, _mask, _scatter_args,
                       scatter_reduce)
from .shape import GetItem, IndexAdd

METHODS = ("masked_fill_", "scatter_", "scatter_add_", "scatter_reduce_", "index_add_", "index_copy_",
           "index_fill_", "masked_scatter_")


# NOTE: the value written never depends on the tensor itself (only on index, src, mask), so the change is one
# SetItem or Add op recorded on the tensor's old value, as `t[i] = v` and `t += y` are (scatter_reduce_ excepted).
def _check_leaf(op, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): expected a Tensor to change in place, got {type(t).__name__}")
    if STATE.grad_enabled and t.requires_grad and t._node is None:
        raise RuntimeError(f"{op}(): a leaf Variable that requires grad is being used in an in-place operation; "
                           "change it under no_grad(), or change a copy")


def masked_fill_(input, mask, value):
    """In place: `value` wherever the boolean mask (broadcast to input's shape) is True; returns input."""
    _check_leaf("masked_fill_", input)
    m = _mask("masked_fill_", mask, input.shape)
    if np.broadcast_shapes(m.shape, input.shape) != input.shape:
        raise RuntimeError(f"masked_fill_(): the mask of shape {m.shape} does not broadcast to the input's shape "
                           f"{input.shape}")
    return inplace.assign(input, (np.broadcast_to(m, input.shape),), _fill_value("masked_fill_", value, input))


def index_fill_(input, dim, index, value):
    """In place: slices at positions `index` along `dim` set to `value`; returns input."""
    _check_leaf("index_fill_", input)
    return inplace.assign(input, _index_args("index_fill_", input, dim, index) if input.ndim else Ellipsis,
                          _fill_value("index_fill_", value, input))


def index_copy_(input, dim, index, source):
    """In place: slices at positions `index` along `dim` copied from source; returns input."""
    _check_leaf("index_copy_", input)
    where_ = _index_args("index_copy_", input, dim, index, source)
    return inplace.assign(input, where_ if input.ndim else Ellipsis, source)


def index_add_(input, dim, index, source, *, alpha=1):
    """In place: alpha * source added at positions `index` along `dim`; returns input."""
    _check_leaf("index_add_", input)
    where_ = _index_args("index_add_", input, dim, index, source)
    src = source * alpha if alpha != 1 else source
    if not input.ndim:
        return inplace.update(input, add, reshape(src, ()))
    return inplace.update(input, add, IndexAdd.apply(src, shape=input.shape, index=where_, unique=False))


def scatter_(input, dim, index, src=None, value=None, *, reduce=None):
    """In place `scatter` (reduce="add" / "multiply": as scatter_reduce_ "sum" / "prod"); returns input."""
    _check_leaf("scatter_", input)
    if src is None:
        src = value
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"scatter_(): reduce must be 'add' or 'multiply', got {reduce!r}")
        if not isinstance(src, (Tensor, np.ndarray)):
            src = shared_tensor(np.full(np.shape(getattr(index, "data", index)), src, dtype=input.dtype))
        return scatter_reduce_(input, dim, index, src, "sum" if reduce == "add" else "prod")
    d, idx, src = _scatter_args("scatter_", input, dim, index, src)
    return inplace.assign(input, _along(idx, d) if input.ndim else Ellipsis, reshape(src, ()) if not input.ndim
                          and isinstance(src, Tensor) else src)


def scatter_add_(input, dim, index, src):
    """In place `scatter_add`; returns input."""
    _check_leaf("scatter_add_", input)
    d, idx, src = _scatter_args("scatter_add_", input, dim, index, src)
    added = IndexAdd.apply(src, shape=input.shape or (1,), index=_along(idx, d), unique=False)
    return inplace.update(input, add, added if input.ndim else reshape(added, ()))


def scatter_reduce_(input, dim, index, src, reduce, *, include_self=True):
    """In place `scatter_reduce`; returns input. "sum", "prod" and "mean" are recorded as additions and products
    by values computed from src alone; "amax"/"amin" only where no gradient is recorded (their gradient would
    read input's own old value)."""
    _check_leaf("scatter_reduce_", input)
    if reduce not in _REDUCE_IDENTITY:
        raise RuntimeError(f"scatter_reduce_(): reduce must be one of {sorted(_REDUCE_IDENTITY)}, got {reduce!r}")
    d, idx, src = _scatter_args("scatter_reduce_", input, dim, index, src)
    if not input.ndim:
        raise RuntimeError("scatter_reduce_(): a 0-d tensor is not supported in place; use scatter_reduce")
    at = _along(idx, d)
    hit = np.zeros(input.shape, dtype=bool)
    hit[at] = True
    recording = STATE.grad_enabled and (input.requires_grad or getattr(src, "requires_grad", False))
    if reduce in ("amax", "amin"):
        if recording or input._tangent is not None or getattr(src, "_tangent", None) is not None:
            raise NotImplementedError(f"scatter_reduce_(reduce={reduce!r}) in place cannot be differentiated here; "
                                      "use the out-of-place scatter_reduce")
        return inplace.assign(input, Ellipsis, value(scatter_reduce(input.detach(), d, idx, src, reduce,
                                                                     include_self=include_self)))
    if not include_self:
        inplace.assign(input, (hit,), _identity(reduce, input.dtype))
    if reduce == "prod":
        from .scan import segment_prod  # scan builds on this module's neighbours
        target = np.ravel_multi_index(np.broadcast_arrays(*at), input.shape).reshape(-1)
        return inplace.update(input, mul, reshape(segment_prod(reshape(src, (-1,)), target, input.size), input.shape))
    inplace.update(input, add, IndexAdd.apply(src, shape=input.shape, index=at, unique=False))
    if reduce == "mean":
        counts = np.zeros(input.shape, dtype=input.dtype)
        np.add.at(counts, at, 1)
        counts += include_self or ~hit
        if not np.issubdtype(input.dtype, np.floating):
            with no_grad():
                return inplace.assign(input, Ellipsis, np.floor_divide(input.data, counts).astype(input.dtype))
        inplace.update(input, mul, (1 / counts).astype(input.dtype))
    return input


def masked_scatter_(input, mask, source):
    """In place `masked_scatter` (the mask broadcasts to input's shape); returns input."""
    _check_leaf("masked_scatter_", input)
    m = _mask("masked_scatter_", mask, input.shape)
    if np.broadcast_shapes(m.shape, input.shape) != input.shape:
        raise RuntimeError(f"masked_scatter_(): the mask of shape {m.shape} does not broadcast to the input's "
                           f"shape {input.shape}")
    m = np.broadcast_to(m, input.shape)
    k = int(m.sum())
    if np.size(value(source)) < k:
        raise RuntimeError(f"masked_scatter_(): the mask selects {k} elements but source of shape "
                           f"{_shape(source)} has only {np.size(value(source))}")
    flat = reshape(source, (-1,))
    part = flat if _shape(flat)[0] == k else GetItem.apply(flat, index=(slice(0, k),), unique=True)
    return inplace.assign(input, (m,), part)
