"""Indexing with several index arrays (GatherND), adding at an index (ScatterND with reduction "add"),
assigning at an index out of place (ScatterND), and folding columns into an image (Col2im as a
ConvTranspose with a one-hot kernel), in opset 17.

An index array is a traced tensor's values, a constant, or `arange(n)` along one axis (the rows of a
gather, a loss's x[arange(N), target]); an arange whose length follows a dynamic axis is made in the
graph with Range, so the file works at any batch size.
"""
import numpy as np
from onnx import helper

from ..tracing import memory_key
from .translations import translates


def _arange_axis(part):
    """The axis along which `part` is arange(n) (1 elsewhere), or None."""
    axes = [a for a, n in enumerate(part.shape) if n != 1] or [part.ndim - 1]
    if part.ndim == 0 or len(axes) != 1 or part.dtype.kind not in "iu":
        return None
    return axes[0] if np.array_equal(part.reshape(-1), np.arange(part.size)) else None


def index_value(b, op, part, part2):
    """The ONNX name of one index array (int64): an arange made in the graph when its length changes."""
    axis, axis2 = _arange_axis(part), _arange_axis(part2)
    traced = b.data_names.get(memory_key(part))
    if traced is None and axis is not None and axis == axis2 and part.ndim == part2.ndim and part.size != part2.size:
        size = op.size_source(part.size, part2.size)
        if size is None:
            raise op.fail(f"an arange({part.size}) index whose length follows no input's size")
        count = b.node("Squeeze", [size, b.ints([0])])
        values = b.node("Range", [b.const(np.int64(0)), count, b.const(np.int64(1))])
        return b.node("Reshape", [values, b.ints([-1 if a == axis else 1 for a in range(part.ndim)])])
    name = op.index_array(part, part2)
    return name if np.asarray(part).dtype == np.int64 else b.node("Cast", [name], to=helper.TensorProto.INT64)


def _layout(op, index, ndim):
    """(first, count) of the index arrays when they are adjacent and every other part is a full slice."""
    arrays = [k for k, part in enumerate(index) if isinstance(part, np.ndarray)]
    first, count = arrays[0], len(arrays)
    if arrays != list(range(first, first + count)) or any(
            not isinstance(part, np.ndarray) and part != slice(None) for part in index):
        raise op.fail("index arrays are exported when they are adjacent and every other index is ':' "
                      f"(got {tuple(type(p).__name__ for p in index)})")
    if any(index[k].dtype == np.bool_ for k in arrays) or len(index) > ndim:
        raise op.fail("a boolean mask index is not exported")
    return first, count


def _stacked_indices(b, op, index, index2, first, count):
    """The index arrays broadcast together and stacked on a last axis: GatherND's / ScatterND's indices."""
    parts = [index_value(b, op, index[k], index2[k]) for k in range(first, first + count)]
    zero = None
    for name in parts:  # a zero of the broadcast shape, so each array is broadcast by Add
        term = b.node("Mul", [name, b.const(np.int64(0))])
        zero = term if zero is None else b.node("Add", [zero, term])
    return b.node("Concat", [b.node("Unsqueeze", [b.node("Add", [name, zero]), b.ints([-1])]) for name in parts],
                  axis=-1)


def _front(first, count, ndim):
    """The permutation that moves axes first .. first + count - 1 to the front."""
    moved = list(range(first, first + count))
    return moved + [a for a in range(ndim) if a not in moved]


def gather_nd(b, op, x, index, index2, ndim):
    """x[index] for index arrays (adjacent, the rest ':'): GatherND over the indexed axes moved to the front."""
    first, count = _layout(op, index, ndim)
    batch_rank = np.broadcast(*[index[k] for k in range(first, first + count)]).ndim
    if first:
        x = b.node("Transpose", [x], perm=_front(first, count, ndim))
    out = b.node("GatherND", [x, _stacked_indices(b, op, index, index2, first, count)])
    if not first:
        return out
    rest = ndim - count  # out is (broadcast..., the first axes, the rest): the broadcast axes go back to `first`
    perm = [batch_rank + a for a in range(first)] + list(range(batch_rank)) + [
        batch_rank + a for a in range(first, rest)]
    return b.node("Transpose", [out], perm=perm)


@translates("IndexAdd")
def _index_add(b, op):
    """zeros(shape) with g added at index (repeats add up): ScatterND with reduction "add" (opset 16+)."""
    shape, shape2, index, index2 = op.params["shape"], op.params2["shape"], op.params["index"], op.params2["index"]
    if not any(isinstance(part, np.ndarray) for part in index):
        raise op.fail("adding at basic slices (the adjoint of slicing) is not exported")
    ndim = len(shape)
    first, count = _layout(op, index, ndim)
    perm = _front(first, count, ndim)
    zeros = zeros_of(b, op, [shape[a] for a in perm], [shape2[a] for a in perm])
    g = op.input(0)
    batch_rank = np.broadcast(*[index[k] for k in range(first, first + count)]).ndim
    if first:  # g is (the first axes, broadcast..., the rest): the broadcast axes go to the front
        g = b.node("Transpose", [g], perm=[first + a for a in range(batch_rank)] + list(range(first)) + [
            first + batch_rank + a for a in range(ndim - first - count)])
    out = b.node("ScatterND", [zeros, _stacked_indices(b, op, index, index2, first, count), g], reduction="add")
    return b.node("Transpose", [out], perm=list(np.argsort(perm))) if first else out


@translates("SetItem")
def _set_item(b, op):
    """x with x[index] = v (index arrays, adjacent, the rest ':'): ScatterND of v broadcast to x[index]'s shape.

    Out-of-place assignment: scatter, index_copy, index_fill. Where an index repeats, numpy keeps the last
    value written; ONNX leaves that order open, so a repeat in the traced index is refused.
    """
    index, index2 = op.params["index"], op.params2["index"]
    ndim = op.value(0).ndim
    if not any(isinstance(part, np.ndarray) for part in index):
        raise op.fail("assignment at basic slices (x[1:3] = v, in place or not) is not exported; build the tensor "
                      "with where/cat instead")
    first, count = _layout(op, index, ndim)
    arrays = [np.broadcast_arrays(*(idx[k] for k in range(first, first + count))) for idx in (index, index2)]
    for parts, source in zip(arrays, (op.value(0), op.value(0, second=True))):
        flat = np.ravel_multi_index([p.ravel() for p in parts], source.shape[first:first + count], mode="wrap")
        if len(np.unique(flat)) != flat.size:
            raise op.fail("its index assigns one element twice (the value kept would be ONNX Runtime's choice)")
    x = op.input(0)
    target = gather_nd(b, op, x, index, index2, ndim)  # x[index], only for its shape
    values = b.node("Expand", [op.input(1), b.node("Shape", [target])])
    batch_rank = arrays[0][0].ndim
    perm = _front(first, count, ndim)
    if first:
        x = b.node("Transpose", [x], perm=perm)
        values = b.node("Transpose", [values], perm=[first + a for a in range(batch_rank)] + list(range(first)) + [
            first + batch_rank + a for a in range(ndim - first - count)])
    out = b.node("ScatterND", [x, _stacked_indices(b, op, index, index2, first, count), values])
    return b.node("Transpose", [out], perm=list(np.argsort(perm))) if first else out


def zeros_of(b, op, shape, shape2):
    """Zeros of `shape`, each size that differs between the traces read from a traced input's shape."""
    sizes = []
    for n, n2 in zip(shape, shape2):
        source = n if n == n2 else op.size_source(n, n2)
        if source is None:
            raise op.fail(f"its output shape {tuple(shape)} follows no input's size")
        sizes.append(b.ints([source]) if isinstance(source, int) else source)
    zero = helper.make_tensor("zero", helper.np_dtype_to_tensor_dtype(op.out.dtype), [1], [0])
    return b.node("ConstantOfShape", [b.node("Concat", sizes, axis=0) if sizes else b.ints([])], value=zero)


@translates("Col2im")
def _col2im(b, op):
    """cols (C·kh·kw, N·oh·ow) added back at their windows: a ConvTranspose of (N, C·kh·kw, oh, ow) with groups C
    and a one-hot kernel putting input channel (c, a, b) at tap (a, b) of output channel c."""
    (c, h, w), (kh, kw) = op.params["shape"][1:], op.params["kernel"]
    stride, (ph, pw) = op.params["stride"], op.params["padding"]
    if tuple(op.params2["shape"][1:]) != (c, h, w):
        raise op.fail("its image size changes with the inputs; only the batch size may")
    oh, ow = ((size + 2 * p - k) // s + 1 for size, p, k, s in zip((h, w), (ph, pw), (kh, kw), stride))
    cols = b.node("Reshape", [op.input(0), b.ints([c * kh * kw, -1, oh, ow])])
    kernel = np.zeros((c, kh, kw, 1, kh, kw), dtype=op.out.dtype)
    for a in range(kh):
        for t in range(kw):
            kernel[:, a, t, 0, a, t] = 1
    output_padding = [size - ((o - 1) * s - 2 * p + k) for size, o, s, p, k in zip((h, w), (oh, ow), stride,
                                                                                   (ph, pw), (kh, kw))]
    return b.node("ConvTranspose", [b.node("Transpose", [cols], perm=[1, 0, 2, 3]),
                                    b.const(kernel.reshape(c * kh * kw, 1, kh, kw), "one_hot_taps")],
                  group=c, kernel_shape=[kh, kw], strides=list(stride), pads=[ph, pw, ph, pw],
                  output_padding=output_padding)


@translates("BinaryCrossEntropy")
def _binary_cross_entropy(b, op):
    """−(y max(ln p, −100) + (1 − y) max(ln(1 − p), −100)), PyTorch's floor on each log."""
    p, y = op.input(0), op.input(1)
    one, floor = (b.const(np.asarray(v, dtype=op.out.dtype)) for v in (1.0, -100.0))
    log_p = b.node("Max", [b.node("Log", [p]), floor])
    log_q = b.node("Max", [b.node("Log", [b.node("Sub", [one, p])]), floor])
    total = b.node("Add", [b.node("Mul", [y, log_p]), b.node("Mul", [b.node("Sub", [one, y]), log_q])])
    return b.node("Neg", [total])
