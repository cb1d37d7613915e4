"""Diagonal (a view) and its adjoint, which also builds diag_embed: the two primitives behind
diagonal, diag, diag_embed and trace (functions in ops/views.py)."""
import numpy as np

from ..primitive import Primitive


def _diagonal_view(x, offset, dim1, dim2):
    """np.diagonal, writable where x is (numpy hands out a read-only view by default), as PyTorch's view is."""
    d = np.diagonal(x, offset, dim1, dim2)
    if x.flags.writeable:
        d.flags.writeable = True
    return d


class Diagonal(Primitive):
    """out[..., i] = x[.., i, .., i + offset, ..] over axes dim1, dim2 (a view; the diagonal axis goes last)"""

    linear, view = True, True  # an in-place change through it reaches x (views.py)
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)),), {"offset": 1, "dim1": 0, "dim2": 1}
        yield (rng.standard_normal((2, 3, 4)),), {"offset": -1, "dim1": 2, "dim2": 0}
        yield (rng.standard_normal((3, 3)),), {"offset": 5, "dim1": 0, "dim2": 1}

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        return _diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def batch_params(batch, x, offset, dim1, dim2):
        return {"offset": offset, "dim1": dim1 + 1, "dim2": dim2 + 1}

    @staticmethod
    def vjp(ctx, xp, g, out, x, offset, dim1, dim2):
        return (xp.diagonal_adjoint(g, x.shape, offset, dim1, dim2),)

    @staticmethod
    def flops(out, x, offset, dim1, dim2):
        return 0


class DiagonalAdjoint(Primitive):
    """out = zeros(shape) with g on its diagonal(offset, dim1, dim2): the adjoint of Diagonal, and diag_embed"""

    linear = True
    saves = ()

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3,)),), {"shape": (3, 4), "offset": 1, "dim1": 0, "dim2": 1}
        yield (rng.standard_normal((4, 2)),), {"shape": (3, 4, 2), "offset": 1, "dim1": 2, "dim2": 0}

    @staticmethod
    def forward(ctx, g, shape, offset, dim1, dim2):
        out = np.zeros(shape, dtype=g.dtype)
        _diagonal_view(out, offset, dim1, dim2)[...] = g
        return out

    @staticmethod
    def batch_params(batch, g, shape, offset, dim1, dim2):
        return {"shape": (batch,) + tuple(shape), "offset": offset, "dim1": dim1 + 1, "dim2": dim2 + 1}

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape, offset, dim1, dim2):
        return (xp.diagonal(g, offset, dim1, dim2),)
