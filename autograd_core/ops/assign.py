"""Assignment into part of a tensor as an op: what `x[index] = v` records when a gradient is needed."""
import numpy as np

from ..primitive import Primitive
from ._rules import masked, unbroadcast


class SetItem(Primitive):
    """out = x with out[index] = v (v broadcast to the shape of x[index])

    Reason: in-place assignment on a graph (autograd_core/inplace.py) records this op.
    The gradient goes to v at `index` and to x everywhere else.
    """

    linear = True
    saves = ()  # the VJP reads no values: it only routes g by `index`

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((4, 3)), rng.standard_normal((2, 3))), {"index": (slice(1, 3),)}
        yield (rng.standard_normal((3, 4)), rng.standard_normal(3)), {"index": (slice(None), 1)}
        yield (rng.standard_normal(5), rng.standard_normal(())), {"index": (np.array([0, 3]),)}
        yield (rng.standard_normal((2, 3)), rng.standard_normal(3)), {"index": (Ellipsis,)}

    @staticmethod
    def forward(ctx, x, v, index):
        out = np.array(x, copy=True)
        out[index] = v
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, v, index):
        keep = np.ones(np.shape(x), dtype=bool)
        keep[index] = False
        return (masked(g, keep, xp) if ctx.needs[0] else None,
                unbroadcast(g[index], np.shape(v)) if ctx.needs[1] else None)

    @staticmethod
    def flops(out, x, v, index):
        return 0


def assigns_once(shape, index):
    """True when `index` names each element of an array of `shape` at most once."""
    counts = np.zeros(shape, dtype=np.intp)
    np.add.at(counts, index, 1)
    return counts.size == 0 or counts.max() <= 1
