"""`detect_anomaly()`: stop at the first op whose output holds NaN (or Inf, if asked) or whose gradient holds NaN or Inf."""
import contextlib
import os
import traceback

import numpy as np

from .grad_mode import Observer, observe


class AnomalyError(FloatingPointError):
    """A NaN or Inf appeared; the message names the op, its input shapes and the user's line that made it."""


# Frames in these packages are the library's own; the report points past them at the user's line.
_LIBRARY_DIRS = tuple(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), name) + os.sep
                      for name in ("autograd_core", "nn", "optim"))


def _is_library(frame):
    return os.path.abspath(frame.filename).startswith(_LIBRARY_DIRS)


def _describe(prim_name, stack):
    """The op as the user called it, e.g. "'sqrt' (primitive Pow)", and the user's line that called it."""
    stack = stack or ()
    user = [i for i, frame in enumerate(stack) if not _is_library(frame)]
    if not user:
        return f"'{prim_name}'", "(created outside detect_anomaly)"
    frame = stack[user[-1]]
    where = f"created at {frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"
    called = stack[user[-1] + 1].name if user[-1] + 1 < len(stack) else prim_name
    if called.startswith("_") or called.lower() == prim_name.lower():
        return f"'{prim_name}'", where
    return f"'{called}' (primitive {prim_name})", where


def _has(arr, check):
    return np.issubdtype(arr.dtype, np.inexact) and bool(check(arr).any())


def _not_finite(arr):
    return ~np.isfinite(arr)


class _AnomalyObserver(Observer):
    def __init__(self, check_inf):
        # an intended -inf (an attention mask, a log of 0 that is clipped later) is no anomaly unless asked
        self.forward_check = _not_finite if check_inf else np.isnan

    def on_forward(self, prim, ctx, out, args, arrays, params):
        ctx.stack = traceback.extract_stack()[:-3]
        if _has(out.data, self.forward_check):
            op, where = _describe(prim.name, ctx.stack)
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            found = "NaN/Inf" if self.forward_check is _not_finite else "NaN"
            raise AnomalyError(f"detect_anomaly: op {op} produced {found} in its output "
                               f"(input shapes: {shapes}); {where}")

    def on_backward(self, node, out, in_grads):
        for i, g in enumerate(in_grads):
            values = getattr(g, "values", getattr(g, "data", g))
            if g is not None and _has(np.asarray(values), _not_finite):
                op, where = _describe(node.prim.name, getattr(node, "stack", None))
                shapes = ", ".join(str(np.shape(getattr(p, "data", p))) for p in node.parents)
                raise AnomalyError(f"detect_anomaly: the backward of op {op} produced NaN/Inf "
                                   f"in the gradient of input {i} (input shapes: {shapes}); {where}")


@contextlib.contextmanager
def detect_anomaly(check_inf=False):
    """Context manager: raise `AnomalyError` at the first NaN in a forward output (also ±Inf with
    `check_inf=True`) or the first NaN/Inf in a gradient, naming the op and the user's line.

    Forward outputs may hold an intended ±Inf (a -inf mask before softmax), so by default only
    NaN stops the forward pass; gradients are checked for both, as PyTorch's backward check.
    """
    with observe(_AnomalyObserver(check_inf)):
        yield
