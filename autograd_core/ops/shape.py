"""Shape primitives: reshape, transpose, broadcast, indexing, concatenation, padding.

All are linear, so their JVP is the op applied to the tangent; each VJP is the
adjoint op (reshape back, inverse permutation, sum over broadcast axes, scatter-add).
"""
import numpy as np

from ..primitive import Primitive
from ._rules import unbroadcast


class Reshape(Primitive):
    """out = x with a new shape (same elements, C order)"""

    linear, view = True, True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 4)),), {"shape": (6, 4)}
        yield (rng.standard_normal((5,)),), {"shape": (5, 1)}

    @staticmethod
    def forward(ctx, x, shape):
        return np.reshape(x, shape)

    @staticmethod
    def batch_params(batch, x, shape):
        return {"shape": (batch,) + tuple(shape)}

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape):
        return (g.reshape(x.shape),)

    @staticmethod
    def flops(out, x, shape):
        return 0


class Transpose(Primitive):
    """out = x with its axes permuted (None reverses them)"""

    linear, view = True, True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 4)),), {"axes": (1, 2, 0)}
        yield (rng.standard_normal((3, 5)),), {"axes": None}

    @staticmethod
    def forward(ctx, x, axes=None):
        return np.transpose(x, axes)

    @staticmethod
    def batch_params(batch, x, axes=None):
        axes = range(np.ndim(x) - 1, -1, -1) if axes is None else axes
        return {"axes": (0,) + tuple(a + 1 for a in axes)}

    @staticmethod
    def vjp(ctx, xp, g, out, x, axes=None):
        inverse = None if axes is None else tuple(np.argsort(axes))
        return (xp.transpose(g, inverse),)

    @staticmethod
    def flops(out, x, axes=None):
        return 0


class BroadcastTo(Primitive):
    """out = x repeated along broadcast axes to `shape` (numpy's rules)"""

    linear, view = True, True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 1)),), {"shape": (2, 3, 4)}
        yield (rng.standard_normal(()),), {"shape": (2, 2)}

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape):
        return (unbroadcast(g, x.shape),)

    @staticmethod
    def flops(out, x, shape):
        return 0


class GetItem(Primitive):
    """out = x[index] (basic slicing and integer/boolean array indexing).

    `unique=True` promises that integer arrays pick each element at most once, so the
    VJP can assign instead of accumulating (JAX's `unique_indices`).
    """

    linear, view = True, True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((4, 5)),), {"index": (slice(1, 3), slice(None, None, 2))}
        yield (rng.standard_normal((4, 3)),), {"index": (np.array([0, 2, 2, 3]),)}
        yield (rng.standard_normal((3, 4)),), {"index": (slice(None), np.array([[1, 1], [3, 0]]))}
        yield (rng.standard_normal((2, 3)),), {"index": (np.array([[True, False, True], [False, True, True]]),)}
        yield (rng.standard_normal((3, 4)),), {"index": (1, Ellipsis, None)}
        yield (rng.standard_normal((4, 3)),), {"index": (np.array([0, 2, 3]), np.array([1, 0, 2])), "unique": True}

    @staticmethod
    def forward(ctx, x, index, unique=False):
        out = x[index]
        # NOTE: numpy gives a scalar for a full integer index; the Ellipsis makes it a 0-d view, as PyTorch's
        return out if type(out) is np.ndarray else x[index + (Ellipsis,)]

    @staticmethod
    def vjp(ctx, xp, g, out, x, index, unique=False):
        return (xp.getitem_adjoint(g, shape=x.shape, index=index, unique=unique),)

    @staticmethod
    def flops(out, x, index, unique=False):
        return 0


def _is_basic(index):
    """True when `index` selects each element at most once (no integer or boolean arrays)."""
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in index)


def _add_at(buffer, index, values, unique):
    """buffer[index] += values, repeated indices accumulating (numpy's add.at)."""
    if unique or _is_basic(index):
        buffer[index] += values
    elif (len(index) == 1 and isinstance(index[0], np.ndarray) and index[0].dtype.kind in "iu" and index[0].size
          and np.shape(values) == index[0].shape + buffer.shape[1:] and buffer.ndim > 1):
        _add_at_rows(buffer, index[0].reshape(-1), values)
    else:
        np.add.at(buffer, index, values)


def _add_at_rows(buffer, rows, values):
    """buffer[rows] += values for whole rows (an embedding's gradient): each row's values summed
    first, in their order, then added once. NOTE: np.add.at takes ~4x as long for whole rows."""
    rows = rows.astype(np.intp, copy=False)  # NOTE: an int8/uint8 index overflows adding a long table's length
    rows = np.where(rows < 0, rows + len(buffer), rows)  # -1 and n - 1 are one row
    order = np.argsort(rows, kind="stable")
    ordered = rows[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    sums = np.add.reduceat(values.reshape((len(rows),) + buffer.shape[1:])[order], starts, axis=0)
    buffer[ordered[starts]] += sums


class IndexedGrad:
    """A cotangent that is zero except at `index`, where it is `values` (cf. TF's IndexedSlices).

    The numpy backward of GetItem returns one instead of a dense zeros-and-scatter
    array; the engine adds it straight into the input's gradient buffer, so slicing a
    tensor k ways costs one buffer, not k dense arrays and k - 1 additions.
    """

    __slots__ = ("values", "shape", "index", "unique")

    def __init__(self, values, shape, index, unique):
        self.values, self.shape, self.index, self.unique = values, shape, index, unique

    def add_into(self, buffer):
        """buffer[index] += values, accumulating repeated indices."""
        _add_at(buffer, self.index, self.values, self.unique)

    def dense(self, dtype):
        out = np.zeros(self.shape, dtype=dtype)
        self.add_into(out)
        return out


class IndexAdd(Primitive):
    """out = zeros(shape) with g added at `index` (repeated indices accumulate): adjoint of GetItem"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((4, 3)),), {"shape": (5, 3), "index": (np.array([0, 4, 4, 1]),)}
        yield (rng.standard_normal((2, 3)),), {"shape": (4, 6), "index": (slice(1, 3), slice(None, None, 2))}
        yield (rng.standard_normal((3,)),), {"shape": (2, 4), "index": (np.array([0, 1, 1]), np.array([3, 0, 2])), "unique": True}

    @staticmethod
    def forward(ctx, g, shape, index, unique=False):
        out = np.zeros(shape, dtype=g.dtype)
        _add_at(out, index, g, unique)
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape, index, unique=False):
        return (g[index],)


class Concatenate(Primitive):
    """out = the inputs joined along `axis`"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3)), rng.standard_normal((4, 3))), {"axis": 0}
        yield (rng.standard_normal((2, 1)), rng.standard_normal((2, 3)), rng.standard_normal((2, 2))), {"axis": 1}

    @staticmethod
    def forward(ctx, *xs, axis=0):
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def vjp(ctx, xp, g, out, *xs, axis=0):
        grads, start = [], 0
        lead = (slice(None),) * axis
        for x in xs:
            stop = start + x.shape[axis]
            grads.append(g[lead + (slice(start, stop),)])
            start = stop
        return tuple(grads)

    @staticmethod
    def flops(out, *xs, axis=0):
        return 0


class Stack(Primitive):
    """out = the inputs (all of one shape) joined along a new axis. A primitive for speed:
    sequence layers stack one state per time step, and one op beats T reshapes and a concat."""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))), {"axis": 0}
        yield (rng.standard_normal((4,)), rng.standard_normal((4,))), {"axis": 1}

    @staticmethod
    def forward(ctx, *xs, axis=0):
        return np.stack(xs, axis=axis)

    @staticmethod
    def vjp(ctx, xp, g, out, *xs, axis=0):
        lead = (slice(None),) * axis
        return tuple(g[lead + (i,)] for i in range(len(xs)))

    @staticmethod
    def flops(out, *xs, axis=0):
        return 0


class Pad(Primitive):
    """out = x padded with `value` by numpy-style `widths` ((before, after) per axis)"""

    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3)),), {"widths": ((1, 0), (2, 1)), "value": 0.0}
        yield (rng.standard_normal((1, 2, 3, 3)),), {"widths": ((0, 0), (0, 0), (1, 1), (1, 1)), "value": -1.0}

    @staticmethod
    def forward(ctx, x, widths, value=0.0):
        return np.pad(x, widths, constant_values=value)

    @staticmethod
    def vjp(ctx, xp, g, out, x, widths, value=0.0):
        return (g[tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape))],)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, widths, value=0.0):
        return xp.pad(ts[0], tuple(widths))

    @staticmethod
    def flops(out, x, widths, value=0.0):
        return 0
