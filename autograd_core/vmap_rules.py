"""Batching rules: how each op runs on a batch with the batch axis in front: the one table, read by vmap's
replay and by forward mode's batched tangents (jacfwd, jacrev; see forward_mode.batched_tangent).

A rule gets the op's primitive, its arguments as `Arg`s (the replayed value and whether it carries the
batch axis), its params, the batch size and the logical (one-example) output; it returns the batched
output, computed with engine ops so that it is differentiable like anything else. Most primitives need
no rule of their own: elementwise ones (`batched = "broadcast"`) align their arguments' ranks and let
numpy broadcast, and linear ones lift their params with the `batch_params` they declare.
A primitive with no rule runs once per example (a loop), with a warning naming it.
"""
import warnings
from dataclasses import dataclass

import numpy as np

from . import ops
from .ops._rules import lead_axes
from .primitive import PRIMITIVES, apply
from .tensor import Tensor, shared_tensor

RULES = {}


@dataclass
class Arg:
    """One argument in the replay: its value (Tensor, array, number, None) and whether its axis 0 is the batch."""

    value: object
    batched: bool


def rule(*names):
    def register(fn):
        for name in names:
            RULES[name] = fn
        return fn
    return register


def batched_call(prim, args, params, size, logical_out, warn=True):
    """The op on a batch: its own rule, the rule its declarations imply, or a loop over the examples
    (with a warning naming it, unless `warn` is False)."""
    if not any(a.batched for a in args) and not _batched_index(params):
        return apply(prim, [a.value for a in args], params)
    fn = RULES.get(prim.name)
    if fn is None and not _batched_index(params):
        if getattr(prim, "batched", False) == "broadcast":
            fn = _broadcast
        elif getattr(prim, "batch_params", None) is not None:
            fn = _lifted
    out = fn(prim, args, params, size, logical_out) if fn is not None else None
    return out if out is not None else loop(prim, args, params, size, warn)


def linear_tangent(prim, ts, xs, params, size, logical_out):
    """Forward mode's batched tangent of a linear op (jacfwd, jacrev): the op on the tangents (axis 0 the
    batch of directions), through its batching rule; an input without a tangent counts as zero."""
    args = [Arg(t, True) if t is not None else
            Arg(x if i in prim.nondiff or x is None else np.zeros_like(x), False)
            for i, (t, x) in enumerate(zip(ts, xs))]
    return batched_call(prim, args, params, size, logical_out, warn=False).data


def loop(prim, args, params, size, warn=True):
    """The fallback: the op once per example, stacked (correct for any op, and slow)."""
    if warn:
        warnings.warn(f"vmap: {prim.name} has no batching rule for these arguments; it runs once per example "
                      f"(a Python loop over {size})", stacklevel=4)
    outs = []
    for k in range(size):
        example = [ops.getitem(a.value, k) if a.batched else a.value for a in args]
        outs.append(apply(prim, example, _index_params(params, k)))
    return ops.stack(outs, 0)


def _batched_index(params):
    index = params.get("index") if params else None
    return isinstance(index, tuple) and any(isinstance(p, BatchedIndex) for p in index)


@dataclass
class BatchedIndex:
    """An index array (a param of indexing ops) that carries the batch axis in front."""

    array: np.ndarray


def _index_params(params, k):
    if not _batched_index(params):
        return params
    index = tuple(p.array[k] if isinstance(p, BatchedIndex) else p for p in params["index"])
    return {**params, "index": index}


def full_batch(arg, size):
    """The argument with the batch axis: itself, or broadcast to (size,) + its shape (a view, no copy)."""
    if arg.batched:
        return arg.value
    return ops.broadcast_to(arg.value, (size,) + np.shape(_data(arg.value)))


def aligned(arg, rank):
    """A batched argument reshaped to (batch,) + ones + its shape, of rank 1 + rank, so that numpy's
    broadcasting (right-aligned) treats the batch axis as its own; unbatched arguments broadcast as they are."""
    if not arg.batched:
        return arg.value
    shape = np.shape(_data(arg.value))
    missing = rank - (len(shape) - 1)
    return arg.value if missing <= 0 else ops.reshape(arg.value, shape[:1] + (1,) * missing + shape[1:])


def _data(v):
    return v.data if isinstance(v, Tensor) else v


def _broadcast(prim, args, params, size, logical_out):
    """Elementwise ops (and anything declaring batched = "broadcast" without a rule of its own)."""
    return apply(prim, [aligned(a, np.ndim(logical_out)) for a in args], params)


# elementwise (BCE) or acting on stacks of matrices (..., n, n), so the batch axis is one more leading axis
rule("BinaryCrossEntropy", "Det", "LogAbsDet", "MatrixExp")(_broadcast)


def _lifted(prim, args, params, size, logical_out):
    """Linear ops that declare `batch_params`: every input gets the batch axis, the params say where it is."""
    examples = [np.asarray(_data(a.value))[0] if a.batched else _data(a.value) for a in args]
    lifted = prim.batch_params(size, *examples, **params)
    if lifted is None:
        return None
    return apply(prim, [full_batch(a, size) if _is_array(a.value) else a.value for a in args], lifted)


def _is_array(v):
    return isinstance(v, (Tensor, np.ndarray))


@rule("Max", "Min", "LogSumExp", "VectorNorm")
def _reduction(prim, args, params, size, logical_out):
    (x,) = args
    ndim = np.ndim(_data(x.value)) - 1
    return apply(prim, [x.value], {**params, "axis": lead_axes(params["axis"], ndim, 1)})


@rule("Concatenate", "Stack")
def _join(prim, args, params, size, logical_out):
    axis = params["axis"]
    rank = np.ndim(logical_out)
    axis = axis + rank if axis < 0 else axis
    return apply(prim, [full_batch(a, size) for a in args], {**params, "axis": axis + 1})


@rule("BroadcastTo")
def _broadcast_to(prim, args, params, size, logical_out):
    (x,) = args
    return apply(prim, [aligned(x, len(params["shape"]))], {"shape": (size,) + tuple(params["shape"])})


@rule("MatMul")
def _matmul(prim, args, params, size, logical_out):
    """numpy's matmul with a batch axis in front: a 1-D operand becomes a matrix first, and back after."""
    x, y = args
    x_vector, y_vector = np.ndim(_data(x.value)) - x.batched == 1, np.ndim(_data(y.value)) - y.batched == 1
    xv = ops.unsqueeze(x.value, -2) if x_vector and x.batched else x.value
    yv = ops.unsqueeze(y.value, -1) if y_vector and y.batched else y.value
    rank = max(np.ndim(_data(xv)) - x.batched, np.ndim(_data(yv)) - y.batched)
    xa, ya = aligned(Arg(xv, x.batched), rank), aligned(Arg(yv, y.batched), rank)
    # NOTE: a contraction over one term (per-sample gradients are outer products) is a broadcast product,
    # the same numbers, and numpy's matmul on a stack of (m, 1) @ (1, n) is about ten times slower
    outer = np.shape(_data(xa))[-1] == 1 and np.ndim(_data(xa)) > 1 and np.ndim(_data(ya)) > 1
    out = apply(PRIMITIVES["Mul"] if outer else prim, [xa, ya], {})
    return ops.reshape(out, (size,) + np.shape(logical_out))  # drops the axes the vectors gained


@rule("Affine")
def _affine(prim, args, params, size, logical_out):
    """x @ wᵀ + b: the primitive itself when only x is batched (it takes any leading axes), else as a matmul."""
    x, w, b = args
    if not w.batched and not b.batched:
        return apply(prim, [x.value, w.value, b.value], {})
    out = _matmul(PRIMITIVES["MatMul"], [x, Arg(ops.swapaxes(w.value, -1, -2), w.batched)], {}, size, logical_out)
    if b.value is None:
        return out
    return _broadcast(PRIMITIVES["Add"], [Arg(out, True), b], {}, size, logical_out)


@rule("Pad")
def _pad(prim, args, params, size, logical_out):
    (x,) = args
    return apply(prim, [x.value], {**params, "widths": ((0, 0),) + tuple(tuple(w) for w in params["widths"])})


@rule("Conv2d", "MaxPool2d")
def _per_image(prim, args, params, size, logical_out):
    """Ops on (N, C, H, W) batches: the vmap batch joins N, when only the images are batched."""
    x, *rest = args
    if any(a.batched for a in rest):
        return None
    shape = np.shape(_data(x.value))
    merged = ops.reshape(x.value, (shape[0] * shape[1],) + shape[2:])
    out = apply(prim, [merged] + [a.value for a in rest], params)
    return ops.reshape(out, (size,) + np.shape(logical_out))


@rule("LSTMSequence", "GRUSequence")
def _sequence(prim, args, params, size, logical_out):
    """x (T, N, I) and states (N, H): the vmap batch joins N, when only inputs and states are batched."""
    x, *weights, = args[:1 + (3 if prim.name == "LSTMSequence" else 4)]
    states = args[len(weights) + 1:]
    if any(a.batched for a in weights):
        return None
    t, n = np.shape(logical_out)[:2]
    xs = ops.transpose(full_batch(x, size), (1, 0, 2, 3))
    xs = ops.reshape(xs, (t, size * n) + np.shape(_data(xs))[3:])
    hs = [ops.reshape(full_batch(s, size), (size * n, -1)) for s in states]
    out = apply(prim, [xs] + [a.value for a in weights] + hs, params)
    return ops.transpose(ops.reshape(out, (t, size) + np.shape(logical_out)[1:]), (1, 0, 2, 3))


@rule("SoftmaxCrossEntropy")
def _softmax_cross_entropy(prim, args, params, size, logical_out):
    """Logits (N, C), targets (N,): every example's rows in one call without the reduction, then each
    example's rows reduced on their own."""
    z, target = args
    n, c = np.shape(_data(z.value))[-2:]
    weight = params["weight"]
    rows = ops.reshape(full_batch(z, size), (size * n, c))
    flat_target = np.broadcast_to(_data(target.value), (size, n)).reshape(size * n)
    if isinstance(weight, BatchedIndex):
        weight = weight.array.reshape(size * n)
    elif weight is not None:
        weight = np.tile(weight, size)
    losses = ops.reshape(apply(prim, [rows, flat_target], {"weight": weight, "scale": None}), (size, n))
    return losses if params["scale"] is None else ops.sum(losses, 1) * params["scale"]


@rule("GetItem")
def _getitem(prim, args, params, size, logical_out):
    """x[index] for each example: the batch axis as one more leading index (a full slice, or an arange
    among the index arrays)."""
    (x,) = args
    index = _physical_index(params["index"], size)
    if index is None:
        return None
    return apply(prim, [full_batch(x, size)], {**params, "index": index})


@rule("IndexAdd")
def _index_add(prim, args, params, size, logical_out):
    """zeros(shape) with g added at index (the adjoint of getitem), for each example: index as for getitem."""
    (g,) = args
    index = _physical_index(params["index"], size)
    if index is None:
        return None
    shape = (size,) + tuple(params["shape"])
    target = np.empty(shape, dtype=np.bool_)[index].shape
    value = ops.broadcast_to(aligned(g, len(target) - 1), target)
    return apply(prim, [value], {**params, "shape": shape, "index": index})


def _physical_index(index, size):
    """`index` of one example as an index of the batch (axis 0 in front), or None where numpy would place the
    axes differently (index arrays after a slice, None or ... among arrays, boolean masks)."""
    arrays = [k for k, p in enumerate(index) if _is_index(p)]
    if not any(isinstance(p, BatchedIndex) for p in index):
        return None if _advanced_apart(index) else (slice(None),) + index
    if arrays != list(range(len(arrays))) or any(p is Ellipsis or p is None for p in index) or \
            any(_array(p).dtype == np.bool_ for p in index if _is_index(p)):
        return None
    depth = max(np.ndim(p.array) - 1 if isinstance(p, BatchedIndex) else np.ndim(p) for p in index if _is_index(p))
    batch = np.arange(size).reshape((size,) + (1,) * depth)
    return (batch,) + tuple(p.array if isinstance(p, BatchedIndex) else p for p in index)


def _advanced_apart(index):
    """True when index arrays are separated by a slice: numpy then moves their axes to the front,
    so a leading batch slice would not stay in front."""
    spots = [k for k, i in enumerate(index) if isinstance(i, (np.ndarray, list))]
    return bool(spots) and spots[-1] - spots[0] + 1 != len(spots)


def _is_index(p):
    return isinstance(p, (np.ndarray, BatchedIndex))


def _array(p):
    return p.array if isinstance(p, BatchedIndex) else p


def has_untraced_rule(name):
    """Whether `untraced_call` batches this reported op (others, as pooling's argmax positions, make vmap loop)."""
    return name in ("argmax", "argmin", "astype") or isinstance(getattr(np, name, None), np.ufunc)


def untraced_call(name, args, params, size, logical_out):
    """Comparisons, integer casts and argmax/argmin on a batch (numpy, no gradient)."""
    rank = np.ndim(logical_out) if name not in ("argmax", "argmin") else None
    if name in ("argmax", "argmin"):
        (x,) = args
        data = np.asarray(_data(full_batch(x, size)))
        axis = params["axis"]
        fn = np.argmax if name == "argmax" else np.argmin
        if axis is None:
            out = fn(data.reshape(size, -1), axis=1)
            return shared_tensor(out.reshape((size,) + (1,) * (data.ndim - 1) if params["keepdims"] else (size,)).astype(np.int64))
        return shared_tensor(fn(data, axis=axis + 1, keepdims=params["keepdims"]).astype(np.int64))
    values = [np.asarray(_data(aligned(a, rank))) for a in args]
    if name == "astype":
        return shared_tensor(values[0].astype(params["dtype"]))
    return shared_tensor(getattr(np, name)(*values))


# ---- einsum (ops/einsum.py) ------------------------------------------------------------------
@rule("Einsum")
def _einsum(prim, args, params, size, logical_out):
    """A fresh index for the batch axis, on the batched operands and in front of the output."""
    terms, rhs = params["equation"].split("->")
    letter = next(c for c in "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba" if c not in params["equation"])
    subs = [letter + t if a.batched else t for t, a in zip(terms.split(","), args)]
    return apply(prim, [a.value for a in args], {"equation": ",".join(subs) + "->" + letter + rhs})

