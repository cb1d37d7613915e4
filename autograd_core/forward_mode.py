"""Forward mode: tangents ride along with values through the same primitives, in one pass.

No second graph is built: an observer (one per `jvp` level) computes each op's output
tangent from its input tangents right after the op runs, with the primitive's own
`jvp` rule. Tangents live in `t._tangent`, a dict keyed by the level, so nested levels
never see each other's perturbations.

Two ways to run the rules:
  outermost level -- numpy arrays; a tangent may carry a leading batch axis of `batch`
                     directions at once (jacfwd), for primitives that declare `batched`;
  nested level    -- engine ops on Tensors, observed by the outer levels only, so an
                     outer transform differentiates the tangent computation itself.
"""
import threading
from types import SimpleNamespace

import numpy as np

from . import ops as tensor_ops
from . import backend
from .backend import numpy_ops
from .grad_mode import STATE, Observer
from .ops.conv import Conv2d
from .tensor import Tensor, shared_tensor
from .vmap_rules import linear_tangent

# The rules' numpy namespace, with what JVP rules need beyond the VJP rules' one.
jvp_numpy_ops = SimpleNamespace(**vars(numpy_ops), pad=np.pad,
                                conv2d=lambda x, w, b, stride, padding: Conv2d.forward(None, x, w, b, stride, padding))

_depth = threading.local()


class TransformLevel:
    """Marks a transform running; `nested` says whether another transform is running outside it."""

    def __enter__(self):
        self.nested = getattr(_depth, "n", 0) > 0
        _depth.n = getattr(_depth, "n", 0) + 1
        return self

    def __exit__(self, *exc):
        _depth.n -= 1
        return False


# Primitives whose JVP rules run on numpy only (ops/pool.py, sequence.py): a nested
# forward level refuses them with this error rather than hand their rules Tensors.
NUMPY_ONLY_JVP = frozenset({"MaxPool2d", "LSTMSequence", "GRUSequence"})


def tangent_of(prim, ctx, ts, out, xs, params, xp=jvp_numpy_ops):
    """The output tangent of one op call: its jvp rule, or for a linear op without one the op itself."""
    rule = getattr(prim, "jvp", None)
    if rule is not None:
        return rule(ctx, xp, ts, out, *xs, **params) if params else rule(ctx, xp, ts, out, *xs)
    if len(ts) == 1 and xp is jvp_numpy_ops:
        return prim.forward(None, ts[0], **params)
    filled = [x if i in prim.nondiff else np.zeros_like(xp.value(x)) if t is None else t
              for i, (t, x) in enumerate(zip(ts, xs))]
    if xp is jvp_numpy_ops:
        return prim.forward(None, *filled, **params)
    return prim.apply(*filled, **params)


def batched_tangent(prim, ctx, ts, out, xs, params, batch):
    """Output tangents (batch,) + out.shape for tangents (batch,) + x.shape, on numpy arrays: vmap of the JVP.

    One mechanism batches every op: vmap's (vmap_rules.py), as torch.func builds jacfwd on vmap. A linear
    op's tangent is the op on the tangents, batched by its batching rule; any other op's tangent is its jvp
    rule vmapped (recorded once on engine ops, replayed through the batching rules of the ops it calls).
    `batched = "broadcast"` (elementwise ops, matmul: the hot path of jacfwd and jacrev) is that batching
    rule said once: the rule runs on numpy directly, each tangent aligned to the output's rank.
    """
    if prim.batched == "broadcast":
        ts = [t if t is None else t.reshape((batch,) + (1,) * (out.ndim - np.ndim(x)) + np.shape(x))
              for t, x in zip(ts, xs)]
        return tangent_of(prim, ctx, ts, out, xs, params)
    if prim.name in NUMPY_ONLY_JVP:  # its rule cannot be recorded on engine ops: once per direction
        return np.stack([np.broadcast_to(tangent_of(prim, ctx, [None if t is None else t[k] for t in ts],
                                                    out, xs, params), out.shape) for k in range(batch)])
    if prim.linear:
        return linear_tangent(prim, ts, xs, params, batch, out)
    from .vmap import vmapped_jvp  # vmap builds on this module
    return vmapped_jvp(prim, ctx, ts, out, xs, params, batch)


class ForwardMode(Observer):
    """One forward-mode level: propagates its tangents (`t._tangent[self]`) from an op's inputs to its output.

    Args:
        batch: number of directions carried at once (a leading tangent axis), or None.
        nested: compute tangents with engine ops, visible to the transforms outside.
    """

    def __init__(self, batch=None, nested=False):
        self.batch, self.nested = batch, nested
        self.outer = STATE.observers

    def __enter__(self):
        """Install this level (as `observe` does, without a generator's cost on every jvp pass)."""
        self._saved = STATE.observers
        STATE.observers = self._saved + (self,)
        return self

    def __exit__(self, *exc):
        STATE.observers = self._saved
        return False

    def seed(self, t, tangent):
        """Attach `tangent` to Tensor `t` for this level."""
        if t._tangent is None:
            t._tangent = {self: tangent}
        else:
            t._tangent = {**t._tangent, self: tangent}

    def tangent(self, t):
        """This level's tangent of Tensor `t`, or None."""
        return None if t._tangent is None else t._tangent.get(self)

    def on_forward(self, prim, ctx, out, args, arrays, params):
        # NOTE: written for speed: this runs after every op of a jvp pass
        ts = None
        for i, a in enumerate(args):
            if type(a) is Tensor and a._tangent is not None:
                t = a._tangent.get(self)
                if t is not None:
                    if ts is None:
                        ts = [None] * len(args)
                    ts[i] = t
        if ts is None:
            return
        for i in prim.nondiff:
            ts[i] = None
        if prim.nondiff and all(t is None for t in ts):
            return
        if self.nested:
            tangent = self._nested_tangent(prim, ctx, ts, out, args, params)
        else:
            tangent = self._numpy_tangent(prim, ctx, ts, out.data, arrays, params)
        if out._tangent is None:
            out._tangent = {self: tangent}
        else:
            out._tangent[self] = tangent  # out is new: the dict is its own (an outer level made it)

    def _numpy_tangent(self, prim, ctx, ts, out, arrays, params):
        if self.batch is None:
            rule = getattr(prim, "jvp", None)
            if rule is None:
                tangent = tangent_of(prim, ctx, ts, out, arrays, params)
            else:
                tangent = rule(ctx, jvp_numpy_ops, ts, out, *arrays, **params) if params else \
                    rule(ctx, jvp_numpy_ops, ts, out, *arrays)
            shape = out.shape
        else:
            tangent = batched_tangent(prim, ctx, ts, out, arrays, params, self.batch)
            shape = (self.batch,) + out.shape
        if type(tangent) is not np.ndarray:
            tangent = np.asarray(tangent)
        if tangent.shape != shape:
            tangent = np.broadcast_to(tangent, shape)
        if tangent.dtype != out.dtype:
            tangent = tangent.astype(out.dtype)
        return tangent

    def _nested_tangent(self, prim, ctx, ts, out, args, params):
        """The tangent as engine ops on Tensors, seen by the outer levels only (not by this one or inner ones)."""
        if prim.name in NUMPY_ONLY_JVP:
            raise NotImplementedError(f"{prim.name}: its JVP rule runs on numpy only, so it cannot be "
                                      "differentiated inside another transform (nested jvp/jacfwd/hessian)")
        inner = STATE.observers
        STATE.observers = self.outer
        try:
            xs = [a if isinstance(a, Tensor) or i in prim.nondiff else shared_tensor(a) if isinstance(a, np.ndarray) else a
                  for i, a in enumerate(args)]
            tangent = tangent_of(prim, ctx, ts, out, xs, params, backend.recorded_ops())
            if not isinstance(tangent, Tensor):
                tangent = shared_tensor(tangent)
            if tangent.shape != out.shape:
                tangent = tensor_ops.broadcast_to(tangent, out.shape)
            tangent = tensor_ops.astype(tangent, out.dtype)
        finally:
            STATE.observers = inner
        return tangent


def as_tangent(tangent, primal, where):
    """`tangent` as an array of the primal's shape and dtype (a Tensor stays a Tensor: nested levels)."""
    if isinstance(tangent, Tensor):
        arr = tangent
    else:
        arr = np.asarray(tangent, dtype=primal.dtype)
    if arr.shape != primal.shape:
        raise ValueError(f"{where}: tangent of shape {arr.shape} does not match primal of shape {primal.shape}")
    return arr
