"""`detect_anomaly()`: stop at the first op whose output or gradient holds NaN or Inf."""
import contextlib
import os
import traceback

import numpy as np

from .grad_mode import Observer, observe


class AnomalyError(FloatingPointError):
    """A NaN or Inf appeared; the message names the op, its input shapes and where it was made."""


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _where_created(stack):
    """The innermost frame of user code (outside this package) that made the op."""
    user = [f for f in stack or () if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)]
    if not user:
        return "(created outside detect_anomaly)"
    frame = user[-1]
    return f"created at {frame.filename}:{frame.lineno} in {frame.name}: {frame.line}"


def _bad(arr):
    return np.issubdtype(arr.dtype, np.inexact) and not np.isfinite(arr).all()


class _AnomalyObserver(Observer):
    def on_forward(self, prim, ctx, out, args, arrays, params):
        ctx.stack = traceback.extract_stack()[:-3]
        if _bad(out.data):
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            raise AnomalyError(f"detect_anomaly: op '{prim.name}' produced NaN/Inf in its output "
                               f"(input shapes: {shapes}); {_where_created(ctx.stack)}")

    def on_backward(self, node, out, in_grads):
        for i, g in enumerate(in_grads):
            values = getattr(g, "values", getattr(g, "data", g))
            if g is not None and _bad(np.asarray(values)):
                shapes = ", ".join(str(np.shape(getattr(p, "data", p))) for p in node.parents)
                raise AnomalyError(f"detect_anomaly: the backward of op '{node.prim.name}' produced NaN/Inf "
                                   f"in the gradient of input {i} (input shapes: {shapes}); "
                                   f"{_where_created(getattr(node, 'stack', None))}")


@contextlib.contextmanager
def detect_anomaly():
    """Context manager: raise `AnomalyError` at the first NaN/Inf in a forward output or a gradient."""
    with observe(_AnomalyObserver()):
        yield
