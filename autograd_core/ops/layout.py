"""Shape ops that copy, PyTorch's names: flip, roll, repeat, tile, repeat_interleave, tril, triu.

Flip is a primitive (its own adjoint); the others are compositions of slices, broadcasts,
reshapes and `where`, as fast as numpy's own (np.roll, np.tile and np.tril do the same).
"""
import numpy as np

from ..primitive import Primitive
from . import _shape, broadcast_to, clone, concatenate, getitem, normalize_axes, reshape, value, where
from .views import ShapeError, _sizes


class Flip(Primitive):
    """out = x reversed along `axes` (a copy, as PyTorch's flip)"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)),), {"axes": (1,)}
        yield (rng.standard_normal((2, 3, 4)),), {"axes": (0, 2)}
        yield (rng.standard_normal(()),), {"axes": ()}

    @staticmethod
    def forward(ctx, x, axes):
        return np.flip(x, axes).copy() if axes else x.copy()

    @staticmethod
    def batch_params(batch, x, axes):
        return {"axes": tuple(a + 1 for a in axes)}

    @staticmethod
    def vjp(ctx, xp, g, out, x, axes):
        return (g[tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(g.ndim))],)

    @staticmethod
    def flops(out, x, axes):
        return 0


def _fresh(out, x):
    """`out`, copied if it still shares memory with x (a repeat by ones is a reshape): PyTorch's result is new."""
    return clone(out) if np.may_share_memory(np.asarray(value(out)), np.asarray(value(x))) else out


def flip(x, dims):
    """x reversed along `dims` (an int or a tuple); a copy."""
    axes = normalize_axes("flip", dims, _shape(x))
    return Flip.apply(x, axes=axes)


def roll(x, shifts, dims=None):
    """Shift elements along `dims` by `shifts` (ints or tuples of one length), wrapping around; without dims,
    over the flattened tensor, shape kept."""
    shape = _shape(x)
    if dims is None:
        if not isinstance(shifts, (int, np.integer)) and len(shifts) != 1:
            raise ShapeError(f"roll: without dims, shifts must be one int, got {shifts}")
        return _fresh(reshape(roll(reshape(x, (-1,)), shifts, 0), shape), x)
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise ShapeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    out = x
    for shift, dim in zip(shifts, dims):
        d = normalize_axes("roll", dim, shape)[0]
        n = shape[d]
        k = int(shift) % n if n else 0
        if k:
            lead = (slice(None),) * d
            out = concatenate((getitem(out, lead + (slice(n - k, None),)), getitem(out, lead + (slice(0, n - k),))), d)
    return _fresh(out, x)


def repeat(x, *sizes):
    """x tiled `sizes[i]` times along axis i (PyTorch's repeat; extra leading sizes add axes)."""
    sizes = _sizes("repeat", sizes)
    shape = _shape(x)
    if len(sizes) < len(shape):
        raise ShapeError(f"repeat: {len(sizes)} repeat sizes {sizes} are fewer than the dims of a tensor "
                         f"of shape {shape}")
    if any(r < 0 for r in sizes):
        raise ShapeError(f"repeat: repeat sizes must be non-negative, got {sizes}")
    shape = (1,) * (len(sizes) - len(shape)) + shape
    # NOTE: one broadcast view (r0, n0, r1, n1, ...) and one copying reshape, as np.tile does
    spread = reshape(x, tuple(v for n in shape for v in (1, n)))
    spread = broadcast_to(spread, tuple(v for r, n in zip(sizes, shape) for v in (r, n)))
    return _fresh(reshape(spread, tuple(r * n for r, n in zip(sizes, shape))), x)


def tile(x, dims):
    """PyTorch's tile: `repeat`, with fewer `dims` than axes padded by leading ones."""
    dims = _sizes("tile", (dims,))
    return repeat(x, (1,) * (len(_shape(x)) - len(dims)) + dims)


def repeat_interleave(x, repeats, dim=None, *, output_size=None):
    """Each element repeated `repeats` times (an int, or one count per element) along `dim`
    (None: over the flattened tensor)."""
    if dim is None:
        x, dim = reshape(x, (-1,)), 0
    shape = _shape(x)
    d = normalize_axes("repeat_interleave", dim, shape)[0]
    counts = np.asarray(value(repeats))
    if counts.ndim == 0 or counts.shape == (1,):
        r = int(counts.reshape(()))
        if r < 0:
            raise ShapeError(f"repeat_interleave: repeats must be non-negative, got {r}")
        spread = broadcast_to(reshape(x, shape[:d + 1] + (1,) + shape[d + 1:]), shape[:d + 1] + (r,) + shape[d + 1:])
        return _fresh(reshape(spread, shape[:d] + (shape[d] * r,) + shape[d + 1:]), x)
    if counts.shape != (shape[d],) or (counts < 0).any() or not np.issubdtype(counts.dtype, np.integer):
        raise ShapeError(f"repeat_interleave: repeats must be non-negative integers, one per element of dim {dim} "
                         f"(size {shape[d]}), got {counts.tolist()}")
    index = np.repeat(np.arange(shape[d]), counts)
    return getitem(x, (slice(None),) * d + (index,))


def _triangle(op, x, keep):
    shape = _shape(x)
    if len(shape) < 2:
        raise ShapeError(f"{op}: needs at least 2 dims, got shape {shape}")
    return where(keep(*shape[-2:]), x, np.zeros((), np.asarray(value(x)).dtype))


def tril(x, diagonal=0):
    """x with the elements above diagonal `diagonal` of its last two axes set to zero."""
    return _triangle("tril", x, lambda r, c: np.tri(r, c, diagonal, dtype=bool))


def triu(x, diagonal=0):
    """x with the elements below diagonal `diagonal` of its last two axes set to zero."""
    return _triangle("triu", x, lambda r, c: ~np.tri(r, c, diagonal - 1, dtype=bool))
