"""The base of a view after an in-place op on the view, as an op (PyTorch's CopySlices): see autograd_core/views.py."""
import numpy as np

from ..primitive import Primitive
from ..views import replay_array
from ._rules import masked
from .shape import GetItem, Reshape, Transpose


class CopySlices(Primitive):
    """out = x with its view `steps(out)` replaced by v (v has the view's shape)

    Reason: an in-place op on a view rewrites its base's history with this op. `steps`
    are (view primitive, params) pairs, as `View.steps`. The gradient goes to v through
    the view and to x everywhere outside it.
    """

    linear = True
    saves = ()  # the VJP reads no values: it only routes g through the view

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((4, 3)), rng.standard_normal((2, 3))), \
            {"steps": ((GetItem, {"index": (slice(1, 3),), "unique": False}),)}
        yield (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 2))), \
            {"steps": ((Transpose, {"axes": (2, 0, 1)}), (GetItem, {"index": (slice(None), slice(None), 1)}))}
        yield (rng.standard_normal(6), rng.standard_normal(2)), \
            {"steps": ((Reshape, {"shape": (3, 2)}), (GetItem, {"index": (1,)}))}

    @staticmethod
    def forward(ctx, x, v, steps):
        out = np.array(x, order="K")  # a copy in x's layout, where each step is a view as it was on x
        _region(out, steps)[...] = v
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, v, steps):
        gx = gv = None
        if ctx.needs[0]:
            keep = np.ones_like(xp.value(x), dtype=bool)
            _region(keep, steps)[...] = False
            gx = masked(g, keep, xp)
        if ctx.needs[1]:
            gv = xp.replay_view(g, steps)
        return gx, gv

    @staticmethod
    def flops(out, x, v, steps):
        return 0


def _region(array, steps):
    """The view `steps` of `array`, to write into; raises rather than write into a copy."""
    region = replay_array(array, steps)
    if not np.may_share_memory(region, array):
        raise RuntimeError(f"CopySlices: the view steps {[p.name for p, _ in steps]} copy the data instead of "
                           "viewing it, so an in-place change could not be written back")
    return region
