"""Helpers shared by the VJP and JVP rules; each works on numpy arrays and on Tensors alike."""
import math

import numpy as np


_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_HALF = np.dtype(np.float16)


def float_sum(a, axis=None, keepdims=False):
    """np.sum of numpy array `a`, float16 accumulated in float32 and rounded once, as PyTorch's sum.

    numpy adds float16 rows in float16: 5000 ones summed over their first axis give 2048.
    """
    if a.dtype is _HALF:
        return np.sum(a, axis=axis, keepdims=keepdims, dtype=np.float32).astype(_HALF)
    return np.sum(a, axis=axis, keepdims=keepdims)


def unbroadcast(g, shape):
    """Sum `g` down to `shape`: the VJP of numpy broadcasting."""
    if g.shape == shape:
        return g
    extra = len(g.shape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1
    )
    if axes == tuple(range(extra)) and type(g) is np.ndarray and g.dtype in _BLAS_FLOATS and g.flags.c_contiguous:
        # NOTE: only leading axes (a bias's gradient): ones @ rows through BLAS, 2-3 times numpy's sum
        rows = g.reshape(math.prod(g.shape[:extra]), math.prod(shape))
        return (np.ones(len(rows), g.dtype) @ rows).reshape(shape)
    if axes:
        g = float_sum(g, axes, keepdims=True) if type(g) is np.ndarray else g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def tangent_sum(*terms):
    """Sum the terms of a JVP that are present (a None term is an input with no tangent)."""
    total = None
    for term in terms:
        if term is not None:
            total = term if total is None else total + term
    return total


def lead_axes(axis, ndim, lead):
    """Reduction axes of an input of rank `ndim` in a tangent with `lead` batch axes in front (None: all input axes)."""
    if axis is None:
        return None if not lead else tuple(range(lead, lead + ndim))
    return tuple(a + lead for a in axis) if lead else axis


def keepdims_shape(shape, axis):
    """`shape` with the reduced axes kept as size 1 (axis: None, int or tuple, normalized)."""
    if axis is None:
        return (1,) * len(shape)
    axes = (axis,) if isinstance(axis, int) else axis
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def sum_last(a, dims=1):
    """Σ of numpy array `a` (of rank >= dims) over its last `dims` axes, kept as size-1 axes.

    NOTE: a matrix-vector product with ones (BLAS): 4-5 times faster than numpy's sum along
    a short last axis (a LayerNorm row, an attention row), and as exact (float32 sums, in blocks).
    Other dtypes than float32 and float64 (no BLAS) take `float_sum`.
    """
    if a.dtype not in _BLAS_FLOATS:
        return float_sum(a, tuple(range(a.ndim - dims, a.ndim)), keepdims=True)
    lead, n = a.shape[:a.ndim - dims], math.prod(a.shape[a.ndim - dims:])
    return (a.reshape(math.prod(lead), n) @ np.ones(n, a.dtype)).reshape(lead + (1,) * dims)


def sum_of_squares(a):
    """Σ a², as a Python float, from one BLAS dot product.

    ravel(order="K") is a view for any dense layout (a channel-major convolution output),
    which vdot would otherwise copy.
    """
    a = a.ravel(order="K")
    return float(np.vdot(a, a))


def all_finite(a):
    """True when no element of numpy array `a` is inf or NaN: then the sum of squares is finite.

    One dot product, three times faster than a sum; a sum of squares that overflows only
    sends the caller to its slower exact path. math.isfinite: np.isfinite on a scalar
    costs as much as the dot product.
    """
    return math.isfinite(sum_of_squares(a))


def masked(g, mask, xp=None):
    """g where the boolean numpy `mask` holds, else 0 (even where g is inf or NaN, as in PyTorch).

    A product with the mask when g is a finite numpy array: numpy's `where` is about ten
    times slower. `xp` is the rule's namespace (None: numpy).
    """
    if type(g) is np.ndarray and all_finite(g):
        return g * mask
    return (xp or np).where(mask, g, 0)
