"""Shape ops that return views, PyTorch's names: view, split, chunk, unbind, narrow, movedim, diagonal, ...

Each result shares its input's memory exactly where PyTorch's does: `view`, `view_as`,
`unflatten` (Reshape), `movedim` (Transpose), `split`, `chunk`, `unbind`, `narrow`
(GetItem slices), `expand_as` (BroadcastTo) and `diagonal` (Diagonal, ops/diagonal.py)
return numpy views; `contiguous` returns its input where it is already C-contiguous.
"""
import math

import numpy as np

from ..primitive import Primitive
from ..tensor import Tensor
from . import _shape, clone, expand, normalize_axes, reshape, value  # defined before this module loads
from .diagonal import Diagonal, DiagonalAdjoint
from .shape import GetItem, Reshape, Transpose


class ShapeError(ValueError, RuntimeError):
    """A size argument that does not fit the tensor. PyTorch raises RuntimeError here; the engine's
    shape errors are ValueErrors: code catching either keeps working."""


def _sizes(op, sizes):
    """A shape given as ints or as one sequence, as a tuple of ints."""
    if len(sizes) == 1 and not isinstance(sizes[0], (int, np.integer)):
        sizes = tuple(sizes[0])
    if not all(isinstance(n, (int, np.integer)) for n in sizes):
        raise TypeError(f"{op}(): sizes must be ints, got {sizes}")
    return tuple(int(n) for n in sizes)


def _infer(op, old, shape):
    """`shape` with its one -1 filled in; a ShapeError (PyTorch's message) when it cannot hold `old`'s elements."""
    count = math.prod(old)
    known = math.prod(n for n in shape if n != -1)
    holes = shape.count(-1)
    if holes > 1 or any(n < -1 for n in shape) or (holes and known == 0) or \
            (holes == 0 and known != count) or (holes and count % known):
        raise ShapeError(f"{op}: shape {list(shape)} is invalid for input of size {count} (shape {old})")
    return tuple(count // known if n == -1 else n for n in shape)


def view(x, *shape):
    """x with a new shape, sharing its memory (PyTorch's `view`); one entry may be -1.

    Raises where PyTorch's view does: on a view of another tensor (a transpose, a slice) when no
    strides give the new shape over the same memory (numpy's `reshape(copy=False)` answers that);
    `reshape` copies there instead. Any other tensor is contiguous in PyTorch's terms, whatever layout
    an op chose for its memory here (a convolution's is channel-major), so its view always succeeds.
    """
    shape = _infer("view", _shape(x), _sizes("view", shape))
    if not isinstance(x, Tensor) or x._view is None:
        return Reshape.apply(x, shape=shape)
    try:
        np.reshape(np.asarray(value(x)), shape, copy=False)
    except ValueError:
        raise ShapeError(f"view: the shape {shape} is not compatible with the size and strides of the input "
                         f"(shape {_shape(x)}): at least one dimension spans across two contiguous subspaces. "
                         "Use .reshape(...) instead (it copies where needed).") from None
    return Reshape.apply(x, shape=shape)


def view_as(x, other):
    """`view(x, other.shape)`."""
    return view(x, _shape(other))


def expand_as(x, other):
    """`expand(x, other.shape)`."""
    return expand(x, _shape(other))


def unflatten(x, dim, sizes):
    """Split axis `dim` into `sizes` (one may be -1), as PyTorch's unflatten; a view."""
    shape = _shape(x)
    d = normalize_axes("unflatten", dim, shape)[0]
    sizes = _sizes("unflatten", (sizes,))
    if not sizes:
        raise ShapeError("unflatten: sizes must be non-empty")
    return reshape(x, shape[:d] + _infer("unflatten", (shape[d],), sizes) + shape[d + 1:])


def movedim(x, source, destination):
    """Move axes `source` (int or tuple) to positions `destination`, the others keeping their order."""
    shape = _shape(x)
    src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise ShapeError(f"movedim: source {source} and destination {destination} must have the same length")
    src = [normalize_axes("movedim", a, shape)[0] for a in src]
    dst = [normalize_axes("movedim", a, shape)[0] for a in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ShapeError(f"movedim: repeated dim in source {source} or destination {destination}")
    rest = iter(a for a in range(len(shape)) if a not in src)
    placed = dict(zip(dst, src))
    return Transpose.apply(x, axes=tuple(placed[i] if i in placed else next(rest) for i in range(len(shape))))


def _slice(x, d, start, stop):
    return GetItem.apply(x, index=(slice(None),) * d + (slice(start, stop),))


def narrow(x, dim, start, length):
    """Elements start..start+length of axis `dim` (start may be negative); a view."""
    shape = _shape(x)
    d = normalize_axes("narrow", dim, shape)[0]
    n = shape[d]
    if not -n <= start <= n:
        raise ShapeError(f"narrow: start {start} is out of range for dim {dim} of size {n} (shape {shape})")
    start = start % n if start < 0 else start
    if length < 0 or start + length > n:
        raise ShapeError(f"narrow: start ({start}) + length ({length}) exceeds dimension size ({n}) (shape {shape})")
    return _slice(x, d, start, start + length)


def split(x, split_size_or_sections, dim=0):
    """Pieces of `x` along `dim`: of `split_size` each (the last may be smaller), or of the given sizes; views."""
    shape = _shape(x)
    d = normalize_axes("split", dim, shape)[0]
    n = shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size < 0 or size == 0 and n:
            raise ShapeError(f"split: split_size must be positive (0 only for a dim of size 0), got {size} "
                             f"for dim {dim} of size {n}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if n else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ShapeError(f"split: split sizes {sizes} must be non-negative and sum to {n}, the size of dim {dim} "
                             f"(shape {shape})")
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    return tuple(_slice(x, d, s, s + k) for s, k in zip(starts, sizes))


def chunk(x, chunks, dim=0):
    """`chunks` pieces along `dim` of ceil(n / chunks) elements each (fewer pieces when they run out); views."""
    if chunks <= 0:
        raise ShapeError(f"chunk: chunks must be greater than 0, got {chunks}")
    shape = _shape(x)
    d = normalize_axes("chunk", dim, shape)[0]
    n = shape[d]
    if n == 0:
        return tuple(_slice(x, d, 0, 0) for _ in range(chunks))
    return split(x, -(-n // chunks), d)


def unbind(x, dim=0):
    """The slices of x along `dim`, that axis removed; views."""
    shape = _shape(x)
    d = normalize_axes("unbind", dim, shape)[0]
    return tuple(GetItem.apply(x, index=(slice(None),) * d + (i,)) for i in range(shape[d]))


def contiguous(x):
    """x itself when its data is C-contiguous, else a C-contiguous copy (the gradient passes through)."""
    if np.asarray(value(x)).flags.c_contiguous:
        return x
    return Contiguous.apply(x)


class Contiguous(Primitive):
    """out = x laid out in C order (a copy)"""

    linear = True
    saves = ()

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)).T,), {}
        yield (rng.standard_normal((2, 3, 4))[:, ::2],), {}

    @staticmethod
    def forward(ctx, x):
        return np.ascontiguousarray(x)

    @staticmethod
    def batch_params(batch, x):
        return {}

    @staticmethod
    def vjp(ctx, xp, g, out, x):
        return (g,)

    @staticmethod
    def flops(out, x):
        return 0


def _diagonal_dims(op, dim1, dim2, ndim):
    d1 = normalize_axes(op, dim1, (0,) * ndim)[0]
    d2 = normalize_axes(op, dim2, (0,) * ndim)[0]
    if d1 == d2:
        raise ShapeError(f"{op}: dim1 and dim2 cannot be identical ({dim1}, {dim2})")
    return d1, d2


def diagonal(x, offset=0, dim1=0, dim2=1):
    """The diagonal `offset` of the matrices over axes dim1, dim2, as a last axis; a view."""
    shape = _shape(x)
    if len(shape) < 2:
        raise ShapeError(f"diagonal: needs at least 2 dims, got shape {shape}")
    d1, d2 = _diagonal_dims("diagonal", dim1, dim2, len(shape))
    return Diagonal.apply(x, offset=int(offset), dim1=d1, dim2=d2)


def diagonal_adjoint(g, shape, offset, dim1, dim2):
    """zeros(shape) with g written on its diagonal (offset, dim1, dim2): the adjoint of `diagonal`."""
    return DiagonalAdjoint.apply(g, shape=tuple(shape), offset=offset, dim1=dim1, dim2=dim2)


def diag_embed(x, offset=0, dim1=-2, dim2=-1):
    """Matrices over axes dim1, dim2 of the result whose diagonal `offset` is x's last axis; zeros elsewhere."""
    shape = _shape(x)
    if not shape:
        raise ShapeError("diag_embed: needs at least 1 dim, got a 0-d tensor")
    d1, d2 = _diagonal_dims("diag_embed", dim1, dim2, len(shape) + 1)
    n, rest = shape[-1] + abs(int(offset)), iter(shape[:-1])
    out = tuple(n if i in (d1, d2) else next(rest) for i in range(len(shape) + 1))
    return DiagonalAdjoint.apply(x, shape=out, offset=int(offset), dim1=d1, dim2=d2)


def diag(x, diagonal=0):
    """1-D x: the square matrix with x on its diagonal `diagonal`; 2-D x: a copy of that diagonal."""
    shape = _shape(x)
    if len(shape) == 1:
        return diag_embed(x, diagonal, 0, 1)
    if len(shape) == 2:
        return clone(Diagonal.apply(x, offset=int(diagonal), dim1=0, dim2=1))
    raise ShapeError(f"diag: expects a 1-D or 2-D tensor, got shape {shape}")


def trace(x):
    """Sum of the main diagonal of a 2-D tensor."""
    if len(_shape(x)) != 2:
        raise ShapeError(f"trace: expects a 2-D tensor, got shape {_shape(x)}")
    return Diagonal.apply(x, offset=0, dim1=0, dim2=1).sum()
