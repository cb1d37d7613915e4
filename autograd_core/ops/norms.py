"""Norms and distances: one VectorNorm primitive; matrix norms, torch.norm, cdist and cosine_similarity composed on it.

VectorNorm is a primitive for its value at 0: composed as sqrt(Σ x²) the gradient of a
zero vector would be 0 · ∞ = NaN, where PyTorch gives 0.
"""
import math

import numpy as np

from ..primitive import Primitive, apply
from . import abs, amax, amin, astype, broadcast_to, normalize_axes, sum, transpose, unsqueeze, value, _shape
from ._rules import keepdims_shape
from .decompositions import as_input


def _slope(xp, x, out, ord, axis, keepdims):
    """∂‖x‖/∂x, shaped as x (0 wherever PyTorch's gradient is 0, e.g. the zero vector)."""
    dtype = xp.value(x).dtype
    sign = np.sign(xp.value(x))
    norm = out if keepdims else out.reshape(keepdims_shape(x.shape, axis))
    zero = (xp.value(norm) == 0).astype(dtype)
    if ord == 2:
        return x / (norm + zero)  # x is 0 where the norm is: the slope is 0 there
    if ord == 1:
        return sign
    if ord == 0:
        return np.zeros(x.shape, dtype)
    if math.isinf(ord):
        ties = np.abs(xp.value(x)) == xp.value(norm)
        return sign * ties / ties.sum(axis=axis, keepdims=True)
    # NOTE: zero entries (and a zero norm) are lifted to 1 before the power: slope 0 there, as PyTorch, not 0 · ∞
    return sign * (x * sign + (sign == 0)) ** (ord - 1) / (norm + zero) ** (ord - 1) * (1 - zero)


class VectorNorm(Primitive):
    """out = (Σ |x|^ord)^(1/ord) over `axis` (ord = inf: max |x|, -inf: min |x|, 0: count of non-zeros)"""

    saves = ("inputs", "output")

    @staticmethod
    def sample_inputs(rng):
        for ord in (2.0, 1.0, 3.0, 0.5, math.inf, -math.inf):
            # NOTE: entries kept away from 0 (kinks of |x|) and from each other (ties of max |x|)
            x = rng.permuted(np.linspace(0.5, 2.0, 12) * np.sign(rng.standard_normal(12))).reshape(3, 4)
            yield (x,), {"ord": ord, "axis": (1,), "keepdims": False}
        yield (rng.standard_normal((2, 3, 2)),), {"ord": 2.0, "axis": None, "keepdims": False}
        yield (rng.standard_normal((2, 3, 2)),), {"ord": 2.0, "axis": (0, 2), "keepdims": True}
        yield (rng.uniform(0.5, 1.0, (2, 3)),), {"ord": 0.0, "axis": None, "keepdims": False}

    @staticmethod
    def forward(ctx, x, ord, axis, keepdims):
        a = np.abs(x)
        if ord == 2:
            return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
        if ord == 1:
            return np.sum(a, axis=axis, keepdims=keepdims)
        if ord == 0:
            return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
        if math.isinf(ord):
            return (np.max if ord > 0 else np.min)(a, axis=axis, keepdims=keepdims)
        with np.errstate(divide="ignore"):
            return np.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1 / ord)

    @staticmethod
    def vjp(ctx, xp, g, out, x, ord, axis, keepdims):
        if not keepdims:
            g = g.reshape(keepdims_shape(x.shape, axis))
        return (g * _slope(xp, x, out, ord, axis, keepdims),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, ord, axis, keepdims):
        t = ts[0]
        return (t * _slope(xp, x, out, ord, axis, keepdims)).sum(axis=axis, keepdims=keepdims)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over `dim` (int, tuple, None: all elements), as torch.linalg.vector_norm.

    ord: any number, inf or -inf (0 counts non-zeros). The gradient of a zero vector is 0.
    float16 accumulates in float32, as PyTorch. Returns x's shape without `dim` (kept as 1 with keepdim).
    """
    x = as_input(x)
    if np.result_type(value(x)).kind == "c":
        x = abs(x)  # the norm of |x|: real, of the matching precision (complex64: float32), as PyTorch
    if not np.issubdtype(np.result_type(value(x)), np.floating):
        raise TypeError("linalg.vector_norm: expected a floating point tensor as input, "
                        f"got {np.result_type(value(x))}")
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise ValueError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    if dtype is not None:
        x = astype(x, dtype)
    if value(x).dtype == np.float16:
        return astype(vector_norm(astype(x, np.float32), ord, dim, keepdim), np.float16)
    axes = normalize_axes("vector_norm", dim, _shape(x))
    return apply(VectorNorm, (x,), {"ord": float(ord), "axis": axes, "keepdims": bool(keepdim)})


def _last_two(op, a, dim):
    """`a` with the two matrix dims `dim` moved last, and those dims normalized."""
    shape = _shape(a)
    if len(shape) < 2:
        raise ValueError(f"linalg.{op}: A must have at least 2 dimensions, got shape {tuple(shape)}")
    dims = tuple(int(d) % len(shape) for d in dim)
    if len(dims) != 2 or dims[0] == dims[1]:
        raise ValueError(f"linalg.{op}: dim must be a 2-tuple of different dims, got {dim}")
    rest = [i for i in range(len(shape)) if i not in dims]
    return transpose(a, tuple(rest) + dims), dims


def matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norm over the two dims `dim`, as torch.linalg.matrix_norm.

    ord: 'fro', 'nuc', 1, -1 (max/min column sum of |a|), inf, -inf (row sums), 2, -2 (largest/smallest singular value).
    """
    a = as_input(a)
    if dtype is not None:
        a = astype(a, dtype)
    if ord == "fro":
        _last_two("matrix_norm", a, dim)
        return vector_norm(a, 2, dim, keepdim)
    if ord not in ("nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise ValueError(f"linalg.matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, got {ord!r}")
    moved, dims = _last_two("matrix_norm", a, dim)
    if ord in (1, -1, math.inf, -math.inf):
        sums = sum(abs(moved), -2 if abs(ord) == 1 else -1)
        out = (amax if ord > 0 else amin)(sums, -1)
    else:
        from ..linalg import svdvals  # linalg builds on this module
        s = svdvals(moved)
        out = sum(s, -1) if ord == "nuc" else (amax if ord > 0 else amin)(s, -1)
    if keepdim:
        for d in sorted(dims):
            out = unsqueeze(out, d)
    return out


def norm(x, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm: p='fro' (2-norm over `dim`, all elements by default), 'nuc', or a number (vector norm over `dim`)."""
    if p == "nuc":
        return matrix_norm(x, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(x, 2 if p == "fro" else p, dim, keepdim, dtype=dtype)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Pairwise p-norm distances of rows: x1 (..., P, M), x2 (..., R, M) -> (..., P, R); identical rows: gradient 0.

    Computed from the differences whatever `compute_mode` says (accepted for PyTorch code): exact, also for
    nearby rows, at the cost of a (..., P, R, M) intermediate.
    """
    if compute_mode not in (None, "use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"cdist: {compute_mode!r} is not a valid compute_mode")
    s1, s2 = _shape(x1), _shape(x2)
    if len(s1) < 2 or len(s2) < 2 or s1[-1] != s2[-1]:
        raise ValueError(f"cdist: x1 (..., P, M) and x2 (..., R, M) need at least 2 dims and the same M, "
                         f"got shapes {tuple(s1)} and {tuple(s2)}")
    return vector_norm(unsqueeze(x1, -2) - unsqueeze(x2, -3), p, -1)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ x1 x2 / (max(‖x1‖, eps) max(‖x2‖, eps)) along `dim` (inputs broadcast), as PyTorch.

    As PyTorch, the clamp at eps is not differentiated: the gradient divides by the clamped norm.
    """
    shape = np.broadcast_shapes(_shape(x1), _shape(x2))
    x1, x2 = broadcast_to(x1, shape), broadcast_to(x2, shape)
    d = normalize_axes("cosine_similarity", dim, shape)
    n1, n2 = vector_norm(x1, 2, d, True), vector_norm(x2, 2, d, True)
    n1 = n1 + (np.maximum(value(n1), eps) - value(n1))
    n2 = n2 + (np.maximum(value(n2), eps) - value(n2))
    return sum((x1 / n1) * (x2 / n2), d)


__all__ = ["vector_norm", "matrix_norm", "norm", "cdist", "cosine_similarity"]
