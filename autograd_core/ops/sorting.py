"""Sorting and selection with PyTorch's names: sort, argsort, topk, kthvalue, median, unique, searchsorted.

The indices are computed on the numpy values (no gradient), and the values are gathered at them
with GetItem, so the gradient goes exactly to the returned indices, as PyTorch's. Ties are broken
as PyTorch's CPU kernels break them: sort is stable (NaN counts as the largest value), median
takes the (n-1)//2-th of the stable order, topk and kthvalue replay ATen's selection algorithm
on rows with ties (ops/_selection.py).
"""
from collections import namedtuple

import numpy as np

from ..grad_mode import STATE, report_untraced
from ..tensor import Tensor, shared_tensor
from . import normalize_axes, reshape, value, where, _shape
from ._selection import quick_select, topk_positions
from .reduce import Sum
from .shape import GetItem

METHODS = ("sort", "argsort", "topk", "kthvalue", "median", "unique")

_TYPES = {name: namedtuple(name, ("values", "indices")) for name in ("sort", "topk", "kthvalue", "median")}


def _dim(op, dim, shape):
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): dim must be an int, got {dim!r}")
    return normalize_axes(op, dim, shape or (1,))[0]


def _stable_order(a, axis, descending):
    """Indices of a stable sort along `axis`; NaN is the largest value (last, or first when descending)."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    flipped = np.flip(a, axis)
    return np.flip(n - 1 - np.argsort(flipped, axis=axis, kind="stable"), axis)


def _take(x, idx, axis):
    """x gathered at `idx` along `axis` (GetItem: the gradient goes to those positions)."""
    parts = [np.arange(n).reshape((-1,) + (1,) * (idx.ndim - 1 - d)) for d, n in enumerate(idx.shape)]
    parts[axis] = idx
    return GetItem.apply(x, index=tuple(parts), unique=True)


def _reported(name, input, idx, **params):
    """The indices as an int64 Tensor; while ONNX export traces, reported as an op of `input` (`name`, `params`),
    so the file computes them from its input (ONNX's TopK) instead of holding these."""
    out = shared_tensor(idx.astype(np.int64, copy=False))
    return report_untraced(name, (input,), params, out) if STATE.observers else out


def _with_0d(op, fn, input, dim, *args):
    """Run `fn` on a 0-d input as on one element, as PyTorch does (dim 0 or -1)."""
    _dim(op, dim, ())
    values, indices = fn(reshape(input, (1,)), 0, *args)
    return values, indices


def sort(input, dim=-1, descending=False, *, stable=False):
    """(values, indices) sorted along `dim`, a named tuple; ties keep their order (PyTorch's CPU sort is
    stable), NaN sorts as the largest value."""
    if not _shape(input):
        _dim("sort", dim, ())
        return _TYPES["sort"](input * 1, shared_tensor(np.zeros((), np.int64)))
    d = _dim("sort", dim, _shape(input))
    idx = _reported("sort_indices", input, _stable_order(value(input), d, descending), axis=d, descending=descending)
    return _TYPES["sort"](_take(input, idx.data, d), idx)


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices of `sort` (int64, no gradient)."""
    if not _shape(input):
        _dim("argsort", dim, ())
        return shared_tensor(np.zeros((), np.int64))
    return shared_tensor(_stable_order(value(input), _dim("argsort", dim, _shape(input)), descending).astype(np.int64))


def _keys(row, best_first):
    """Sort keys for the replayed selection: best first for topk(largest), NaN the largest value."""
    if best_first:
        return [(0, 0.0) if v != v else (1, -float(v)) for v in row]
    return [(1, 0.0) if v != v else (0, float(v)) for v in row]


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) elements along `dim` as a named tuple (values, indices); NaN counts as the
    largest. Among equal values the indices are those PyTorch's CPU kernel returns. With sorted=False the
    order of the k elements is unspecified by PyTorch; here they come sorted."""
    shape = _shape(input)
    d = _dim("topk", dim, shape)
    n = shape[d] if shape else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk(): selected index k={k} is out of range for dimension {d} of size {n} "
                           f"(tensor of shape {tuple(shape)})")
    if not shape:
        return _TYPES["topk"](*_with_0d("topk", lambda x, a: topk(x, k, a, largest, sorted), input, dim))
    a = np.moveaxis(value(input), d, -1)
    order = _stable_order(a, -1, largest)
    rows = a.reshape(-1, n)
    flat = order[..., :k].reshape(rows.shape[0], k)
    for r in np.flatnonzero(_tied(a, order, k + 1)) if k else ():
        flat[r] = topk_positions(_keys(rows[r].tolist(), largest), k, sorted)
    idx = _reported("topk_indices", input, np.moveaxis(flat.reshape(order.shape[:-1] + (k,)), -1, d), axis=d, k=k,
                    largest=largest)
    return _TYPES["topk"](_take(input, idx.data, d), idx)


def _tied(a, order, m):
    """Per row (flattened leading dims): whether two of the first `m` elements in `order` along the last axis
    are equal (NaN equals NaN). Only such rows depend on PyTorch's selection algorithm."""
    v = np.take_along_axis(a, order[..., :m], -1).reshape(-1, min(m, a.shape[-1]))
    same = (v[:, 1:] == v[:, :-1]) | (np.isnan(v[:, 1:]) & np.isnan(v[:, :-1])) if v.dtype.kind == "f" else \
        v[:, 1:] == v[:, :-1]
    return same.any(axis=1)


def _select(op, input, dim, keepdim, pick, rank):
    """(values, indices) at one index per row along `dim`: `pick(a)` gives, for `a` with that dim moved last,
    the index per row (shape a.shape[:-1]), that of the `rank(n)`-th smallest (from 0) of the n elements."""
    shape = _shape(input)
    if not shape:
        _dim(op, dim, ())
        return _TYPES[op](input * 1, shared_tensor(np.zeros((), np.int64)))
    d = _dim(op, dim, shape)
    if shape[d] == 0:
        raise IndexError(f"{op}(): expected a non-empty dimension {d}, got a tensor of shape {tuple(shape)}")
    idx = np.expand_dims(np.asarray(pick(np.moveaxis(value(input), d, -1)), dtype=np.int64), d)
    idx = _reported("kth_indices", input, idx, axis=d, k=rank(shape[d]) + 1)
    values = _take(input, idx.data, d)
    if not keepdim:
        values, idx = reshape(values, shape[:d] + shape[d + 1:]), reshape(idx, shape[:d] + shape[d + 1:])
    return _TYPES[op](values, idx)


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest element (k from 1) along `dim` and its index, a named tuple (values, indices);
    NaN counts as the largest. Among equal values the index is the one PyTorch's CPU kernel returns."""
    n = _shape(input)[_dim("kthvalue", dim, _shape(input))] if _shape(input) else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k={k} is out of range for a dimension of size {n} "
                           f"(tensor of shape {tuple(_shape(input))})")

    def pick(a):
        order = np.argsort(a, axis=-1, kind="stable")
        kth = np.take_along_axis(a, order[..., k - 1:k], -1)
        same = (a == kth) | (np.isnan(a) & np.isnan(kth)) if a.dtype.kind == "f" else a == kth
        idx, rows = order[..., k - 1].reshape(-1), a.reshape(-1, a.shape[-1])
        for r in np.flatnonzero(same.reshape(rows.shape).sum(axis=1) > 1):
            idx[r] = quick_select([(1, 0.0) if v != v else (0, float(v)) for v in rows[r].tolist()], k - 1)
        return idx.reshape(a.shape[:-1])
    return _select("kthvalue", input, dim, keepdim, pick, lambda n: k - 1)


def median(input, dim=None, keepdim=False):
    """Lower median. No dim: the value (NaN if any element is NaN), the gradient shared evenly among the
    elements equal to it, as PyTorch. An int dim: named tuple (values, indices), the (n-1)//2-th element of
    the stable order (the first NaN if there is one), the gradient going to that index."""
    if dim is None:
        a = np.asarray(value(input))
        if a.size == 0:
            raise IndexError(f"median(): cannot take the median of an empty tensor of shape {a.shape}")
        m = np.nan if np.isnan(a).any() else np.sort(a, axis=None)[(a.size - 1) // 2]
        tied = np.isnan(a) if np.isnan(m) else a == m
        out = shared_tensor(np.asarray(m, dtype=a.dtype))
        if isinstance(input, Tensor) and np.issubdtype(a.dtype, np.floating):  # (also for forward-mode tangents)
            share = np.asarray(1.0 / tied.sum(), dtype=a.dtype)
            # NOTE: zero in value (x - x), so the result is the median exactly; its gradient is `share` at ties
            zero = Sum.apply(where(tied, (input - input.detach()) * share, np.zeros((), a.dtype)), axis=None,
                             keepdims=False)
            out = out + zero
        return out

    def pick(a):
        middle = np.argsort(a, axis=-1, kind="stable")[..., (a.shape[-1] - 1) // 2]
        if a.dtype.kind != "f":
            return middle
        nan = np.isnan(a)
        return np.where(nan.any(axis=-1), np.argmax(nan, axis=-1), middle)
    return _select("median", input, dim, keepdim, pick, lambda n: (n - 1) // 2)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted), without gradient; optionally the inverse indices and the counts.
    `dim`: distinct slices along that dim."""
    a = np.asarray(value(input))
    axis = None if dim is None else _dim("unique", dim, a.shape)
    out = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
    values, inverse, counts = out
    inverse = inverse.reshape(a.shape if axis is None else (a.shape[axis],))
    result = (shared_tensor(values),)
    if return_inverse:
        result += (shared_tensor(inverse.astype(np.int64)),)
    if return_counts:
        result += (shared_tensor(counts.astype(np.int64)),)
    return result[0] if len(result) == 1 else result


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Indices at which to insert `input` into the last dim of `sorted_sequence` to keep it sorted (left: the
    first such place; `right=True` or side="right": the last). A 1-D sequence serves every value; otherwise
    leading dims must match."""
    seq, vals = np.asarray(value(sorted_sequence)), np.asarray(value(input))
    if side is not None:
        if side not in ("left", "right") or right and side == "left":
            raise RuntimeError(f"searchsorted(): side must be 'left' or 'right' and agree with right={right}, "
                               f"got side={side!r}")
        right = side == "right"
    how = "right" if right else "left"
    if sorter is not None:
        seq = np.take_along_axis(seq, np.asarray(value(sorter)), -1)
    if seq.ndim <= 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if seq.shape[:-1] != vals.shape[:-1]:
            raise RuntimeError(f"searchsorted(): the boundaries of shape {seq.shape} and the input of shape "
                               f"{vals.shape} must have the same leading dimensions")
        rows, queries = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(r, q, side=how) for r, q in zip(rows, queries)]).reshape(vals.shape)
    return shared_tensor(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))
