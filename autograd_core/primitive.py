"""The primitive base class, its registry, and `apply`, which runs and records one op.

A primitive defines, side by side:
  forward(ctx, *xs, **params)            -> ndarray, on numpy arrays
  vjp(ctx, xp, g, out, *xs, **params)    -> one cotangent per input (None: no gradient)
  jvp(ctx, xp, ts, out, *xs, **params)   -> the output tangent; ts[i] is None for an
                                            input without a tangent
Rules are written against the array namespace `xp`: numpy for a plain backward, the
engine's own ops when `create_graph=True`, so the same rule also builds the graph of
the gradient (grad of grad comes for free).
"""
import inspect
import itertools

import numpy as np

from .grad_mode import STATE
from .tensor import Tensor, wrap

PRIMITIVES = {}
NO_PARAMS = {}  # shared by every call without params; never mutated
_creation_order = itertools.count(1)


class Node:
    """One recorded op: the primitive, its inputs, its params, and whatever forward saved.

    It is also the `ctx` that forward writes into (`ctx.mask = ...`) for the rules.
    """

    __slots__ = ("prim", "parents", "arrays", "needs", "params", "scope", "order", "stack", "trace", "__dict__")


class Primitive:
    """Base of every differentiable op; subclasses are registered by class name.

    Class attributes:
      linear   -- the op is linear in its differentiable inputs, so its JVP is the op
                  applied to the tangents (no jvp rule to write).
      nondiff  -- positions of inputs that never receive a gradient (masks, indices).
    """

    name = "Primitive"
    linear = False
    nondiff = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr in ("forward", "vjp", "jvp", "sample_inputs", "flops", "domain"):
            fn = cls.__dict__.get(attr)
            if inspect.isfunction(fn):
                setattr(cls, attr, staticmethod(fn))
        cls.name = cls.__name__
        if not cls.__name__.startswith("_"):
            PRIMITIVES[cls.__name__] = cls

    @classmethod
    def apply(cls, *args, **params):
        """Run the op on Tensors, arrays or numbers and record it when a gradient is needed."""
        return apply(cls, args, params)

    def flops(out, *xs, **params):
        """Floating-point operations of one forward call (one per output element)."""
        return out.size

    def sample_inputs(rng):
        """Yield `(args, params)` test cases; every registered primitive must define this."""
        raise NotImplementedError



def apply(prim, args, params):
    """Compute `prim` on the arrays behind `args`; link the result into the graph if needed."""
    arrays, needs, recording = [], [], False
    for a in args:
        if isinstance(a, Tensor):
            arrays.append(a.data)
            needs.append(a.requires_grad)
            recording = recording or a.requires_grad
        else:
            arrays.append(a)
            needs.append(False)
    ctx = Node()
    try:
        out = prim.forward(ctx, *arrays, **params) if params else prim.forward(ctx, *arrays)
    except (ValueError, IndexError, TypeError) as exc:
        raise _op_error(prim, exc, arrays, params) from exc
    result = wrap(out if type(out) is np.ndarray else np.asarray(out))
    if recording and STATE.grad_enabled:
        ctx.prim = prim
        ctx.parents = args
        ctx.arrays = arrays
        ctx.needs = needs
        ctx.params = params
        ctx.scope = STATE.scope
        ctx.order = -next(_creation_order)  # the sweep runs nodes newest first: minus, for a min-heap
        result._node = ctx
        result.requires_grad = True
    if STATE.observers:
        for observer in STATE.observers:
            observer.on_forward(prim, ctx, result, args, arrays, params)
    return result


def _op_error(prim, exc, arrays, params):
    """The forward's exception, re-raised with the op's name, its input shapes and params."""
    shapes = ", ".join(str(np.shape(a)) for a in arrays)
    shown = {k: v for k, v in params.items() if k != "index"}
    message = f"{prim.name}: {exc} (input shapes: {shapes}{'; ' + str(shown) if shown else ''})"
    try:
        return type(exc)(message)
    except Exception:
        return ValueError(message)
