"""One small function per primitive, writing it as ONNX nodes (as torch.onnx keeps its symbolic functions).

`TRANSLATIONS[name](b, op)` adds nodes to the builder `b` for the recorded op and returns the name of
its output. `CANNOT_EXPORT[name]` says why a primitive has no translation; every registered primitive
is in one of the two (a test checks), so an op is either written exactly or refused by name.
"""
import math

import numpy as np
from onnx import helper

from .builder import INT64_MAX

TRANSLATIONS = {}

CANNOT_EXPORT = {
    "CopySlices": "an in-place change through a view has no ONNX form here; build the tensor with where/cat instead",
    "WindowAdjoint": "it is the adjoint of a sliding window, used by backward only",
    "WindowScatter": "it is the adjoint of max pooling's gather, used by backward only",
    "WindowGather": "it is an internal op of max pooling's double backward",
    "Im2col": "it is an internal op of convolution's composed form (export the Conv2d layer)",
    "RoundedDiv": "ONNX's Div truncates integers and Floor(Div) rounds some float quotients up (1.0 // 0.1 is 9, "
                  "floor(1.0 / 0.1) is 10); compute the index arithmetic outside the exported function",
}


def translates(*names):
    def register(fn):
        for name in names:
            TRANSLATIONS[name] = fn
        return fn
    return register


def _direct(onnx_op):
    def translate(b, op):
        return b.node(onnx_op, [op.input(i) for i in range(len(op))])
    return translate


for _name, _onnx in {"Add": "Add", "Sub": "Sub", "Neg": "Neg", "Exp": "Exp",
                     "Log": "Log", "Tanh": "Tanh", "Sigmoid": "Sigmoid", "Relu": "Relu", "Abs": "Abs",
                     "Maximum": "Max", "Minimum": "Min", "MatMul": "MatMul", "Pow": "Pow"}.items():
    TRANSLATIONS[_name] = _direct(_onnx)


@translates("Mul", "Div")
def _scaled(b, op):
    """x * c or x / c; a c that depends on the sizes (a mean's 1 / count, a batch mean's / N) is computed in
    the graph."""
    changing = [i for i in range(2) if not op.is_traced(i) and op.constant_changes(i)
                and np.size(op.value(i)) == np.size(op.value(i, second=True)) == 1]
    if not changing:  # other constants that change (a zero state) are Op.input's to fill or refuse
        return _direct(op.name)(b, op)
    if op.name == "Div" and changing != [1]:
        raise op.fail("it divides by a tensor computed from the model's inputs outside the traced ops")
    scale = changing[0]
    other = op.input(1 - scale)
    count = [np.asarray(op.value(scale, second=s), dtype=np.float64) for s in (False, True)]
    if op.name == "Mul":
        count = [1 / c if np.all(c) else c * 0 for c in count]
    axes = _count_axes(b.summed.get(other), count)
    if axes is None:
        raise op.fail(f"it {'multiplies' if op.name == 'Mul' else 'divides'} by a number computed from the model's "
                      "inputs (their values or sizes) outside the traced ops, and not a count of elements that were "
                      "summed; it would be a constant in the file")
    source = b.summed[other][0]
    sizes = b.node("Gather", [b.node("Shape", [source]), b.ints(axes)])
    total = b.node("ReduceProd", [sizes], axes=[0], keepdims=0)
    return b.node("Div", [other, b.node("Cast", [total], to=helper.np_dtype_to_tensor_dtype(op.out.dtype))])


def _count_axes(summed, count):
    """Axes of a summed tensor whose sizes multiply to `count` in both traces (its summed axes first), or None."""
    if summed is None:
        return None
    _, axes, shape, shape2 = summed
    candidates = [axes] + [[a for a in range(len(shape)) if mask >> a & 1] for mask in range(1, 2 ** len(shape))]
    for candidate in candidates:
        if all(np.isclose(np.prod([s[a] for a in candidate]), c) for s, c in zip((shape, shape2), count)):
            return candidate
    return None


def _comparison(onnx_op, negate=False):
    def translate(b, op):
        dtype = np.result_type(*[np.asarray(op.value(i)).dtype if op.is_traced(i) else np.asarray(op.value(i))
                                 for i in range(2)])
        out = b.node(onnx_op, [_as_dtype(b, op, i, dtype) for i in range(2)])
        return b.node("Not", [out]) if negate else out
    return translate


def _as_dtype(b, op, i, dtype):
    """Input i in `dtype` (a traced value is cast when its dtype differs, as numpy promotes)."""
    if not op.is_traced(i):
        return op.input(i, dtype=dtype)
    name = op.input(i)
    if np.asarray(op.value(i)).dtype == dtype:
        return name
    return b.node("Cast", [name], to=helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


TRANSLATIONS.update(less=_comparison("Less"), less_equal=_comparison("LessOrEqual"), greater=_comparison("Greater"),
                    greater_equal=_comparison("GreaterOrEqual"), equal=_comparison("Equal"),
                    not_equal=_comparison("Equal", negate=True))


@translates("argmax", "argmin")
def _arg_extremum(b, op):
    x, axis = op.input(0), op.params["axis"]
    if axis is None:
        x, axis = b.node("Reshape", [x, b.ints([-1])]), 0
    return b.node("ArgMax" if op.name == "argmax" else "ArgMin", [x], axis=int(axis),
                  keepdims=int(op.params["keepdims"]), select_last_index=0)


@translates("astype", "Cast")
def _cast(b, op):
    return b.node("Cast", [op.input(0)], to=helper.np_dtype_to_tensor_dtype(op.out.dtype))


@translates("Clip")
def _clip(b, op):
    """np.clip(x, lo, hi) = minimum(maximum(x, lo), hi); ONNX's Clip takes only scalar bounds."""
    out = op.input(0)
    for bound, onnx_op in (("lo", "Max"), ("hi", "Min")):
        value = op.params.get(bound)
        if value is not None:
            out = b.node(onnx_op, [out, b.const(np.asarray(value, dtype=op.out.dtype))])
    return out


@translates("Where")
def _where(b, op):
    return b.node("Where", [op.input(0, dtype=np.bool_), op.input(1), op.input(2)])


@translates("Affine")
def _affine(b, op):
    x, w = op.input(0), op.input(1)
    if op.value(0).ndim == 2:
        inputs = [x, w] + ([op.input(2)] if op.value(2) is not None else [])
        return b.node("Gemm", inputs, transB=1)
    out = b.node("MatMul", [x, b.node("Transpose", [w], perm=[1, 0])])
    return out if op.value(2) is None else b.node("Add", [out, op.input(2)])


@translates("Conv2d")
def _conv2d(b, op):
    (ph, pw), w = op.params["padding"], op.value(1)
    inputs = [op.input(0), op.input(1)] + ([op.input(2)] if op.value(2) is not None else [])
    return b.node("Conv", inputs, kernel_shape=list(w.shape[2:]), strides=list(op.params["stride"]),
                  pads=[ph, pw, ph, pw])


@translates("MaxPool2d")
def _max_pool2d(b, op):
    """MaxPool over the last two axes; a (C, H, W) input gets a batch axis of 1 for ONNX and loses it after."""
    ph, pw = op.params["padding"]
    x = op.input(0)
    unbatched = op.value(0).ndim == 3
    if unbatched:
        x = b.node("Unsqueeze", [x, b.ints([0])])
    out = b.node("MaxPool", [x], kernel_shape=list(op.params["kernel"]), strides=list(op.params["stride"]),
                 pads=[ph, pw, ph, pw])
    return b.node("Squeeze", [out, b.ints([0])]) if unbatched else out


@translates("SlidingWindow")
def _sliding_window(b, op):
    """The windows (N, C, oh, ow, kh, kw) of an (N, C, H, W) input; only their sum (average pooling) is exported."""
    if op.value(0).ndim != 4:
        raise op.fail("only windows of (N, C, H, W) inputs are exported")
    name = b.fresh("windows")
    b.windows[name] = (op.input(0), list(op.params["kernel"]), list(op.params["stride"]))
    return name


@translates("Transpose")
def _transpose(b, op):
    axes = op.params["axes"]
    axes = range(op.value(0).ndim - 1, -1, -1) if axes is None else axes
    return b.node("Transpose", [op.input(0)], perm=[int(a) for a in axes])


@translates("Reshape")
def _reshape(b, op):
    shape = _target_shape(op, op.params["shape"], op.params2["shape"])
    if all(isinstance(size, int) for size in shape):
        return b.node("Reshape", [op.input(0), b.ints(shape)])
    pieces = [size if isinstance(size, str) else b.ints([size]) for size in shape]
    return b.node("Reshape", [op.input(0), b.node("Concat", pieces, axis=0)])


def _target_shape(op, target, target2):
    """A Reshape target that holds at other sizes: a dim that merges input dims (the same ones in both traces)
    is read from the input's Shape (0 when it is the input dim at its own place), so a size that only looked
    fixed in the traces (a pooled length) follows too; a dim split off an input dim is a number, or -1 or a
    graph input's size when it changes."""
    source, source2 = op.value(0).shape, op.value(0, second=True).shape
    if 0 in target:
        raise op.fail("a reshape to an empty shape")
    shape, unresolved = [], []
    for i, (t, t2) in enumerate(zip(target, target2)):
        span = None if t == t2 == 1 else _aligned_span(source, source2, target, target2, i)
        if span == (i, i + 1):
            shape.append(0)
        elif span is not None:
            sizes = op.b.node("Gather", [op.b.node("Shape", [op.input(0)]), op.b.ints(range(*span))])
            shape.append(op.b.node("ReduceProd", [sizes], axes=[0], keepdims=1))
        elif t == t2:
            shape.append(t)
        else:
            shape.append(-1)
            unresolved.append(i)
    for i in unresolved if len(unresolved) > 1 else ():
        shape[i] = op.size_source(target[i], target2[i])  # a split-off dynamic size: a graph input's
        if shape[i] is None:
            raise op.fail(f"its target shape {tuple(target)} has a dynamic size {target[i]} that is no product of "
                          f"input dims {tuple(source)} nor a graph input's size")
    return shape


def _aligned_span(source, source2, target, target2, i):
    """(start, stop): the input dims that target dim i merges, at the same place in both traces; or None."""
    before, before2 = math.prod(target[:i]), math.prod(target2[:i])
    for start in range(len(source)):
        if (math.prod(source[:start]), math.prod(source2[:start])) != (before, before2):
            continue
        for stop in range(start + 1, len(source) + 1):
            if (math.prod(source[start:stop]), math.prod(source2[start:stop])) == (target[i], target2[i]):
                return start, stop
    return None


@translates("BroadcastTo")
def _broadcast_to(b, op):
    source, source2 = op.value(0).shape, op.value(0, second=True).shape
    target, target2 = op.params["shape"], op.params2["shape"]
    offset = len(target) - len(source)
    shape = []
    for i, (t, u) in enumerate(zip(target, target2)):
        j = i - offset
        keeps = j >= 0 and source[j] == t and source2[j] == u
        if t != u and not keeps:
            raise op.fail(f"it broadcasts to a size of a dynamic axis that its input does not have ({tuple(target)})")
        shape.append(1 if keeps else t)
    return b.node("Expand", [op.input(0), b.ints(shape)])


def _reduce_axes(op):
    axis = op.params["axis"]
    return list(range(op.value(0).ndim)) if axis is None else [int(a) for a in axis]


@translates("Sum")
def _sum(b, op):
    axes = _reduce_axes(op)
    if op.input(0) in b.windows:
        return _window_sum(b, op, axes)
    out = b.node("ReduceSum", [op.input(0), b.ints(axes)], keepdims=int(op.params["keepdims"]))
    b.summed[out] = (op.input(0), axes, np.shape(op.value(0)), np.shape(op.value(0, second=True)))
    return out


def _window_sum(b, op, axes):
    """Σ over each window = AveragePool · window size (no padding: the windows lie inside the input)."""
    x, kernel, stride = b.windows[op.input(0)]
    if axes != [4, 5] or op.params["keepdims"]:
        raise op.fail("a sliding window is exported only when summed over the whole window")
    pooled = b.node("AveragePool", [x], kernel_shape=kernel, strides=stride)
    return b.node("Mul", [pooled, b.const(np.asarray(np.prod(kernel), dtype=op.out.dtype))])


def _reduce_with_attribute(onnx_op):
    def translate(b, op):
        return b.node(onnx_op, [op.input(0)], axes=_reduce_axes(op), keepdims=int(op.params["keepdims"]))
    return translate


TRANSLATIONS.update(Max=_reduce_with_attribute("ReduceMax"), Min=_reduce_with_attribute("ReduceMin"),
                    LogSumExp=_reduce_with_attribute("ReduceLogSumExp"))


@translates("Softmax")
def _softmax(b, op):
    if len(op.params["axis"]) != 1:
        raise op.fail("ONNX's Softmax normalizes along one axis; softmax over several axes is not exported")
    return b.node("Softmax", [op.input(0)], axis=op.params["axis"][0])  # opset >= 13: along that one axis


@translates("LayerNorm")
def _layer_norm(b, op):  # opset >= 17: normalizes over the axes from `axis` on
    return b.node("LayerNormalization", [op.input(0), op.input(1), op.input(2)], axis=-op.params["dims"],
                  epsilon=op.params["eps"])


@translates("Concatenate", "Stack")
def _concatenate(b, op):
    axis = op.params["axis"]
    inputs = [op.input(i) for i in range(len(op))]
    if op.name == "Stack":
        axis = axis if axis >= 0 else axis + op.out.ndim
        inputs = [b.node("Unsqueeze", [x, b.ints([axis])]) for x in inputs]
    return b.node("Concat", inputs, axis=int(axis))


@translates("Pad")
def _pad(b, op):
    widths = np.asarray(op.params["widths"], dtype=np.int64)
    value = b.const(np.asarray(op.params["value"], dtype=op.out.dtype))
    return b.node("Pad", [op.input(0), b.ints(np.concatenate([widths[:, 0], widths[:, 1]])), value])


@translates("GetItem")
def _getitem(b, op):
    """Basic indexing as Slice (+ Squeeze for ints, Unsqueeze for None); one integer array as Gather, several as
    GatherND (index_ops.py)."""
    from .index_ops import gather_nd, index_value  # imported here: index_ops registers through this module
    index, index2 = op.params["index"], op.params2["index"]
    x, shape, shape2 = op.input(0), op.value(0).shape, op.value(0, second=True).shape
    index, index2 = expand_ellipsis(index, len(shape)), expand_ellipsis(index2, len(shape))
    arrays = [k for k, part in enumerate(index) if isinstance(part, np.ndarray)]
    if len(arrays) > 1:
        return gather_nd(b, op, x, index, index2, len(shape))
    if arrays and index[arrays[0]].dtype == np.bool_:
        raise op.fail("a boolean mask index is not exported")
    starts, ends, axes, steps, squeeze, unsqueeze, axis = [], [], [], [], [], [], 0
    gather = None
    for k, (part, part2) in enumerate(zip(index, index2)):
        if part is None:
            unsqueeze.append(k - len(squeeze))
            continue
        if isinstance(part, np.ndarray):
            gather = (axis, index_value(b, op, part, part2))
        elif isinstance(part, slice):
            start, stop, step = part.indices(shape[axis])
            if part != slice(None):
                if part.start is None:  # the first element in the slice's direction, at any size
                    start = 0 if step > 0 else -1
                starts.append(part.start if part.start is not None and part.start < 0 else start)
                ends.append(_slice_end(op, part, part2, shape, shape2, axis, stop, step))
                axes.append(axis)
                steps.append(step)
        else:
            if part != part2 and not (part < 0 and part2 < 0 and part == part2):
                raise op.fail("an integer index that depends on the input")
            starts.append(int(part))
            ends.append(int(part) + 1 if part != -1 else INT64_MAX)
            axes.append(axis)
            steps.append(1)
            squeeze.append(axis)
        axis += 1
    out = x
    if axes:
        if all(isinstance(end, int) for end in ends):
            ends = b.ints(ends)
        else:  # an end that follows a dynamic size is read from a Shape
            ends = b.node("Concat", [end if isinstance(end, str) else b.ints([end]) for end in ends], axis=0)
        out = b.node("Slice", [out, b.ints(starts), ends, b.ints(axes), b.ints(steps)])
    if gather is not None:
        out = b.node("Gather", [out, gather[1]], axis=gather[0])
        shift = np.ndim(index[arrays[0]]) - 1
        squeeze = [s + shift if s > gather[0] else s for s in squeeze]
    if squeeze:
        out = b.node("Squeeze", [out, b.ints(squeeze)])
    if unsqueeze:
        out = b.node("Unsqueeze", [out, b.ints(unsqueeze)])
    return out


def expand_ellipsis(index, ndim):
    """The index with its Ellipsis (if any) replaced by the full slices it stands for."""
    if not any(part is Ellipsis for part in index):
        return index
    at = next(k for k, part in enumerate(index) if part is Ellipsis)
    fill = ndim - (len(index) - 1 - sum(part is None for part in index))
    return index[:at] + (slice(None),) * fill + index[at + 1:]


def _slice_end(op, part, part2, shape, shape2, axis, stop, step):
    """A slice's end; a slice that runs to the end of a dynamic axis runs to the end at any size, and one that
    stops at a dynamic size (x[:, :T] with T an input's length) stops there at any size (the name of a Shape)."""
    if part.stop is None or part == part2 and part.stop >= max(shape[axis], shape2[axis]):
        return INT64_MAX if step > 0 else -INT64_MAX
    if part == part2:
        return part.stop if part.stop < 0 else stop  # a negative end counts from the end at any size
    if (part.start, part.step) == (part2.start, part2.step) and step > 0 and min(part.stop, part2.stop) >= 0:
        size = op.size_source(part.stop, part2.stop)
        if size is not None:
            return size
    raise op.fail(f"a slice {part} that depends on the input")


@translates("SoftmaxCrossEntropy")
def _softmax_cross_entropy(b, op):
    weight, scale = op.params["weight"], op.params["scale"]
    n, n2 = len(op.value(1)), len(op.value(1, second=True))
    if weight is not None:
        raise op.fail("per-sample weights are not exported")
    target = op.input(1, dtype=np.int64)
    if scale is None:
        return b.node("SoftmaxCrossEntropyLoss", [op.input(0), target], reduction="none")
    if np.isclose(scale * n, 1) and np.isclose(op.params2["scale"] * n2, 1):
        return b.node("SoftmaxCrossEntropyLoss", [op.input(0), target], reduction="mean")
    if scale == op.params2["scale"]:
        total = b.node("SoftmaxCrossEntropyLoss", [op.input(0), target], reduction="sum")
        return b.node("Mul", [total, b.const(np.asarray(scale, dtype=op.out.dtype))])
    raise op.fail("its scale depends on the batch size in a way other than a mean")

