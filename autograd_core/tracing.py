"""Record every op a function runs, whether or not anything requires grad: what ONNX export and vmap replay.

A `Recorder` is an observer: each primitive call (and each op that reports itself without being a
primitive: comparisons, argmax, integer casts; see `grad_mode.report_untraced`) becomes a `Call`
holding its arguments, params and output. Both users trace a function twice, on two different
inputs: a constant that differs between the runs was computed from the inputs outside the recorded
ops, and must not be replayed or written as a constant.
"""
from dataclasses import dataclass

import numpy as np

from .grad_mode import STATE, Observer
from .inplace import version


@dataclass
class Call:
    """One recorded op: its primitive (or `Untraced`), its arguments (Tensors or constants), params and output."""

    prim: object
    args: tuple
    params: dict
    out: object
    scope: object  # the module call it ran in: (module, enclosing scope), or None
    version: int = 0  # of out's memory when recorded: a later in-place change shows as a newer version


@dataclass(frozen=True)
class Untraced:
    """Stands for the primitive of an op that reports itself without recording (see grad_mode.report_untraced)."""

    name: str


class Recorder(Observer):
    """Appends a `Call` to `calls` for every op run while it is installed."""

    def __init__(self):
        self.calls = []

    def on_forward(self, prim, ctx, out, args, arrays, params):
        self._record(Call(prim, args, params, out, STATE.scope))

    def on_untraced(self, name, args, params, out):
        self._record(Call(Untraced(name), args, params, out, STATE.scope))

    def _record(self, call):
        call.version = version(call.out.data)
        self.calls.append(call)

    def changed_in_place(self):
        """The first call whose output was changed in place after it was recorded, or None."""
        return next((c for c in self.calls if version(c.out.data) != c.version), None)


def memory_key(array):
    """What makes two arrays the same values: address, shape, strides and dtype.

    A reshaped view of a recorded Tensor's data that a function passes on as an array (a loss's
    targets, `where`'s condition) is then recognised as that Tensor. It holds while the recorded
    Tensors stay alive and unchanged (users of a Recorder check `changed_in_place`).
    """
    strides = tuple(0 if n == 1 else s for n, s in zip(array.shape, array.strides))  # a size-1 axis has no step
    return array.__array_interface__["data"][0], array.shape, strides, array.dtype.str


def same_value(a, b):
    """Whether two recorded constants (numbers, arrays, tuples of them, slices, None) are equal."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if hasattr(a, "data") and hasattr(b, "data") and hasattr(a, "requires_grad"):
        return same_value(a.data, b.data)
    return type(a) is type(b) and (a == b or a != a and b != b)
