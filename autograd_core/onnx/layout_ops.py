"""ONNX translations of the shape primitives of ops/layout.py, views.py and diagonal.py.

tril/triu, roll, repeat, split and the views compose primitives translated elsewhere (Where, Slice,
Concat, Expand, Reshape, Transpose); only these primitives of their own need a word here. Opset 17
has no diagonal operator: a diagonal is gathered (GatherND) or scattered (ScatterND) at its positions.
"""
import numpy as np

from .builder import INT64_MAX
from .index_ops import gather_nd, zeros_of
from .translations import translates


@translates("Contiguous")
def _contiguous(b, op):
    """ONNX has no memory layout: a copy in C order is the identity."""
    return b.node("Identity", [op.input(0)])


@translates("Flip")
def _flip(b, op):
    """The axes reversed by one Slice of step -1, from the last element to before the first."""
    axes = [int(a) for a in op.params["axes"]]
    if not axes:
        return b.node("Identity", [op.input(0)])
    n = len(axes)
    return b.node("Slice", [op.input(0), b.ints([-1] * n), b.ints([-INT64_MAX] * n), b.ints(axes), b.ints([-1] * n)])


def _diagonal_positions(op, rows, cols, offset):
    """The (row, col) positions of the diagonal `offset` of a rows x cols matrix, as two constant arrays."""
    k = max(0, min(rows - max(0, -offset), cols - max(0, offset)))
    if not k:
        raise op.fail("an empty diagonal is not exported")
    return np.arange(k) + max(0, -offset), np.arange(k) + max(0, offset)


def _moved_last(ndim, dim1, dim2):
    """The permutation that moves axes dim1, dim2 (in that order) to the end."""
    return [a for a in range(ndim) if a not in (dim1, dim2)] + [dim1, dim2]


@translates("Diagonal")
def _diagonal(b, op):
    """x[..., i, i + offset] with dim1, dim2 moved last: GatherND at constant positions (opset 17 has no Diagonal)."""
    shape, shape2 = op.value(0).shape, op.value(0, second=True).shape
    ndim = len(shape)
    dim1, dim2, offset = op.params["dim1"] % ndim, op.params["dim2"] % ndim, op.params["offset"]
    if (shape[dim1], shape[dim2]) != (shape2[dim1], shape2[dim2]):
        raise op.fail("a diagonal over a dynamic axis is not exported")
    rows, cols = _diagonal_positions(op, shape[dim1], shape[dim2], offset)
    moved = b.node("Transpose", [op.input(0)], perm=_moved_last(ndim, dim1, dim2))
    index = (slice(None),) * (ndim - 2) + (rows, cols)
    return gather_nd(b, op, moved, index, index, ndim)


@translates("DiagonalAdjoint")
def _diagonal_adjoint(b, op):
    """zeros(shape) with g on the diagonal: ScatterND at constant positions with the two axes moved first."""
    shape, shape2 = op.params["shape"], op.params2["shape"]
    ndim = len(shape)
    dim1, dim2, offset = op.params["dim1"] % ndim, op.params["dim2"] % ndim, op.params["offset"]
    if (shape[dim1], shape[dim2]) != (shape2[dim1], shape2[dim2]):
        raise op.fail("a diagonal over a dynamic axis is not exported")
    rows, cols = _diagonal_positions(op, shape[dim1], shape[dim2], offset)
    perm = [dim1, dim2] + [a for a in range(ndim) if a not in (dim1, dim2)]
    zeros = zeros_of(b, op, [shape[a] for a in perm], [shape2[a] for a in perm])
    g = b.node("Transpose", [op.input(0)], perm=[ndim - 2] + list(range(ndim - 2)))  # the diagonal axis first
    out = b.node("ScatterND", [zeros, b.ints(np.stack([rows, cols], axis=-1)), g])
    return b.node("Transpose", [out], perm=[int(a) for a in np.argsort(perm)])
