"""Forward mode: tangents ride along with values through the same primitives, in one pass.

No second graph is built: an observer computes each op's output tangent from its
input tangents right after the op runs, with the primitive's own `jvp` rule.
"""
import numpy as np

from .backend import numpy_ops
from .grad_mode import Observer
from .tensor import Tensor


def tangent_of(prim, ctx, ts, out, xs, params):
    """The output tangent of one op call: its jvp rule, or for a linear op the op itself."""
    if not prim.linear:
        return prim.jvp(ctx, numpy_ops, ts, out, *xs, **params)
    filled = [x if i in prim.nondiff else (np.zeros_like(x) if t is None else t)
              for i, (t, x) in enumerate(zip(ts, xs))]
    return prim.forward(None, *filled, **params)


class ForwardMode(Observer):
    """Observer that propagates `._tangent` from the inputs of every op to its output."""

    def on_forward(self, prim, ctx, out, args, arrays, params):
        ts = [a._tangent if isinstance(a, Tensor) and i not in prim.nondiff else None
              for i, a in enumerate(args)]
        if all(t is None for t in ts):
            return
        tangent = np.asarray(tangent_of(prim, ctx, ts, out.data, arrays, params))
        if tangent.shape != out.data.shape:
            tangent = np.broadcast_to(tangent, out.data.shape)
        if tangent.dtype != out.data.dtype:
            tangent = tangent.astype(out.data.dtype)
        out._tangent = tangent


def seed_tangent(t, tangent, where="jvp"):
    """Attach `tangent` to the primal Tensor `t`, checking that its shape matches."""
    arr = np.asarray(tangent.data if isinstance(tangent, Tensor) else tangent, dtype=t.data.dtype)
    if arr.shape != t.data.shape:
        raise ValueError(f"{where}: tangent of shape {arr.shape} does not match primal of shape {t.data.shape}")
    t._tangent = arr
