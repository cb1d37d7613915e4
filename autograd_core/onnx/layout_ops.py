"""ONNX translations of the shape primitives of ops/layout.py, views.py and diagonal.py.

tril/triu, roll, repeat, split and the views compose primitives translated elsewhere (Where, Slice,
Concat, Expand, Reshape, Transpose); only these primitives of their own need a word here.
"""
from .builder import INT64_MAX
from .translations import CANNOT_EXPORT, translates


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


CANNOT_EXPORT.update({
    "Diagonal": "opset 17 has no diagonal operator (export x * eye(n) summed over an axis instead)",
    "DiagonalAdjoint": "opset 17 has no operator writing a diagonal (diag_embed; export x * eye(n) instead)",
})
