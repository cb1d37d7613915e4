"""Positions computed in numpy that the ops gather values at, reported so the file computes them: pooling's
maxima (flat h * W + w in each image; nn/functional_pool.py reports `window_argmax`, `adaptive_argmax`)
and a sort's, topk's, median's or kthvalue's choice (ops/sorting.py reports `sort_indices`, `topk_indices`,
`kth_indices`: ONNX's TopK).

Windows of one size: MaxPool's Indices output (flat over N, C, H, W) modulo H * W. Adaptive windows:
one ArgMax per output cell (first maximum), moved to the image's flat positions.
"""
import numpy as np

from .translations import translates


def _batched(b, op, x):
    """x with a batch axis (an unbatched (C, H, W) input gets one of 1), and whether it was added."""
    if op.value(0).ndim == 3:
        return b.node("Unsqueeze", [x, b.ints([0])]), True
    if op.value(0).ndim != 4:
        raise op.fail("only (N, C, H, W) and (C, H, W) inputs are exported")
    return x, False


@translates("window_argmax")
def _window_argmax(b, op):
    (h, w), p = op.value(0).shape[-2:], op.params
    x, added = _batched(b, op, op.input(0))
    (ph, pw) = p["padding"]
    _, indices = b.node("MaxPool", [x], outputs=2, kernel_shape=list(p["kernel"]), strides=list(p["stride"]),
                        pads=[ph, pw, ph, pw], dilations=list(p["dilation"]), ceil_mode=int(p["ceil_mode"]))
    image = b.const(np.int64(h * w))
    if (h, w) != op.value(0, second=True).shape[-2:]:  # a dynamic spatial axis: the image's size from Shape
        sizes = b.node("Gather", [b.node("Shape", [op.input(0)]), b.ints([-2, -1])])
        image = b.node("ReduceProd", [sizes], axes=[0], keepdims=0)
    out = b.node("Mod", [indices, image])
    return b.node("Squeeze", [out, b.ints([0])]) if added else out


@translates("adaptive_argmax")
def _adaptive_argmax(b, op):
    """PyTorch's windows [floor(i·H/oh), ceil((i+1)·H/oh)); in each, the first maximum's flat position."""
    (h, w), (oh, ow) = op.value(0).shape[-2:], op.params["output_size"]
    if (h, w) != op.value(0, second=True).shape[-2:]:
        raise op.fail("adaptive windows over a dynamic spatial axis are not exported (their bounds follow its size)")
    x, added = _batched(b, op, op.input(0))
    bounds = [[(i * size // out, -(-(i + 1) * size // out)) for i in range(out)] for size, out in ((h, oh), (w, ow))]
    rows = []
    for r0, r1 in bounds[0]:
        cells = []
        for c0, c1 in bounds[1]:
            window = b.node("Slice", [x, b.ints([r0, c0]), b.ints([r1, c1]), b.ints([2, 3])])
            flat = b.node("Reshape", [window, b.ints([0, 0, -1])])
            a = b.node("ArgMax", [flat], axis=-1, keepdims=1, select_last_index=0)
            width = b.const(np.int64(c1 - c0))
            row = b.node("Add", [b.node("Div", [a, width]), b.const(np.int64(r0))])
            col = b.node("Add", [b.node("Mod", [a, width]), b.const(np.int64(c0))])
            position = b.node("Add", [b.node("Mul", [row, b.const(np.int64(w))]), col])
            cells.append(b.node("Unsqueeze", [position, b.ints([-1])]))
        rows.append(b.node("Concat", cells, axis=-1))
    out = b.node("Concat", rows, axis=-2)
    return b.node("Squeeze", [out, b.ints([0])]) if added else out


@translates("sort_indices", "topk_indices")
def _sorted_indices(b, op):
    """TopK's indices: equal values in the order of their positions (a stable sort's; topk's ties may differ)."""
    axis, n = op.params["axis"], op.value(0).shape[op.params["axis"]]
    if n != op.value(0, second=True).shape[axis]:
        raise op.fail("sorting along a dynamic axis is not exported")
    largest = op.params["descending"] if op.name == "sort_indices" else op.params["largest"]
    k = n if op.name == "sort_indices" else op.params["k"]
    _, indices = b.node("TopK", [op.input(0), b.ints([k])], outputs=2, axis=int(axis), largest=int(largest), sorted=1)
    return indices


@translates("kth_indices")
def _kth_indices(b, op):
    """The k-th smallest's index along the axis (kept), as median and kthvalue pick it: TopK's last of k."""
    axis, k = int(op.params["axis"]), op.params["k"]
    if op.value(0).shape[axis] != op.value(0, second=True).shape[axis]:
        raise op.fail("selecting along a dynamic axis is not exported")
    _, indices = b.node("TopK", [op.input(0), b.ints([k])], outputs=2, axis=axis, largest=0, sorted=1)
    return b.node("Slice", [indices, b.ints([k - 1]), b.ints([k]), b.ints([axis])])
