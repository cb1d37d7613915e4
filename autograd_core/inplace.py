"""In-place changes with PyTorch's rules, and the check that backward never reads a changed value.

`t += y`, `t[i] = v`, `copy_`, `fill_`, `zero_` change `t.data` in place and count the
change in `t._version`:
- where no derivative is involved (grad mode off or nothing requires grad, and no
  forward-mode tangent) numpy does the change in place;
- on a leaf that requires grad, with grad mode on, they are refused (the change could
  not be differentiated);
- otherwise the change is recorded as an op on a copy of the old value, and the tensor
  is rebased onto that op's node: `x += y` makes `x` the output of `Add(old_x, y)`.
  Ops recorded earlier still refer to the tensor object `x`; in backward, a tensor whose
  node is newer than the consumer stands for `old_x` (`Node.rebased_from`).

Versions belong to memory, not to Tensor objects (as PyTorch's views share a counter):
slices, reshapes and detached tensors on the same numpy memory see each other's changes.
Each change is timed on the clock that numbers recorded nodes, so nothing is stored per
op: a node older than the latest change anywhere checks, before its VJP, that nothing
its rules read (`Primitive.saves`) changed after it was recorded, and raises PyTorch's
"modified by an inplace operation" error otherwise. Writes into `t.data` itself are not
tracked, as in PyTorch.
"""
import threading
import weakref

import numpy as np

from . import ops, views
from . import primitive as _primitive  # a module, not its names: primitive imports this module
from .grad_mode import STATE
from .tensor import CLOCK, Tensor, wrap

last_change = 0  # CLOCK's value at the latest in-place change: only nodes older than it are checked
_CHANGES = {}  # id(memory) -> [version, time of the change before the last, time of the last change, weakref]
_CLOCK_LOCK = threading.Lock()  # so that last_change never goes back when two threads change tensors at once


def memory_of(array):
    """The array that owns `array`'s memory: views, reshapes and detached tensors share it (and its version)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def version(array):
    """How many in-place changes the memory of `array` has had."""
    record = _CHANGES.get(id(memory_of(array)))
    return 0 if record is None else record[0]


def record_change(array, count):
    """Set the version of `array`'s memory to `count` and note the time of this change on CLOCK."""
    global last_change
    memory = memory_of(array)
    key = id(memory)
    record = _CHANGES.get(key)
    if record is None:
        record = _CHANGES[key] = [0, 0, 0, weakref.ref(memory, lambda _: _CHANGES.pop(key, None))]
    with _CLOCK_LOCK:
        last_change = now = next(CLOCK)
        record[0], record[1], record[2] = count, record[2], now


def update(t, op, other):
    """`t op= other` (op: the engine's add, sub, mul or div); returns t."""
    name = f"{op.__name__}_"
    value = other.data if isinstance(other, Tensor) else np.asarray(other) if isinstance(other, list) else other
    if type(value) is int and t.data.dtype.kind in "iu" and _primitive.wrap_int(value, t.data.dtype) is not None:
        value = _primitive.wrap_int(value, t.data.dtype)  # as PyTorch, u8 += 300 wraps 300 into uint8 (44)
    if op is ops.sub:
        ops.Sub.check_operands(t.data, value)  # t -= mask: PyTorch's error, although numpy would subtract
    if t.data.dtype == np.float16 and _primitive._off_float16([value]):
        value = np.float32(value)  # as apply: float32 math, one rounding to float16 (h /= 1e5 is not h / inf)
    result_dtype = np.result_type(t.data, value)
    if not np.can_cast(result_dtype, t.data.dtype, "same_kind"):
        raise RuntimeError(f"{name}: result type {result_dtype} can't be cast to the desired output type {t.data.dtype}")
    shape = np.broadcast_shapes(t.shape, np.shape(value))
    if shape != t.shape:
        raise RuntimeError(f"{name}: output with shape {t.shape} doesn't match the broadcast shape {shape}")
    if _through_an_op(t, other, name):
        other = _unaliased(t, other)
        return _rebase(t, lambda old: op(old, other))
    _UFUNC[op.__name__](t.data, value, out=t.data, casting="same_kind")
    t._version += 1
    return t


def apply_(t, fn, name):
    """t = fn(t), written into t's memory (PyTorch's `inplace=True` activations); returns t.

    Under the same rules as `t += y`: recorded on a copy of the old value when a gradient
    is involved (so fn's rules read the old value, not the overwritten one), refused on a
    leaf that requires grad.
    """
    if _through_an_op(t, None, name):
        return _rebase(t, fn)
    t.data[...] = fn(t).data
    t._version += 1
    return t


def assign(t, index, value):
    """`t[index] = value` (also `copy_`, `fill_`, `zero_` with index `...`); returns t."""
    if _through_an_op(t, value, "setitem"):
        value = _unaliased(t, value)
        return _rebase(t, lambda old: ops.setitem(old, index, value))
    t.data[ops.normalize_index(index, "setitem", t.shape)] = value.data if isinstance(value, Tensor) else value
    t._version += 1
    return t


def _through_an_op(t, value, name):
    """Whether the change must run as an engine op: recorded for backward, or carrying forward-mode
    tangents; raises for a leaf that requires grad with grad mode on (PyTorch's rule)."""
    other = value if isinstance(value, Tensor) else None
    if t._view is not None:
        views.sync(t)
        recording = views.check_change(t, value, name)  # PyTorch's rules for views
    else:
        recording = STATE.grad_enabled and (t.requires_grad or other is not None and other.requires_grad)
    if recording and t.requires_grad and t._node is None:
        raise RuntimeError(f"{name}: a leaf Variable that requires grad is being used in an in-place operation; "
                           "change it under no_grad() (e.g. a manual parameter update)")
    return recording or t._tangent is not None or other is not None and other._tangent is not None


def _unaliased(t, value):
    """`value`, or a recorded copy of it if it shares t's memory (`x *= x`, `v += x[2:]`): the op must save
    the value as it was, not the memory the change is about to overwrite."""
    if isinstance(value, Tensor) and memory_of(value.data) is memory_of(t.data):
        return ops.clone(value)
    return value


def _rebase(t, compute):
    """Run `compute(old value of t)` as an op and make t its result, changing t's data in place.

    When the op is recorded, t is rebased onto its node; a forward-mode tangent follows too.
    A view changes its base instead (autograd_core/views.py).
    """
    if t._view is not None:
        return views.rebase_view(t, compute)
    t._version += 1  # before the op below is recorded: only older nodes see the change
    old = wrap(t.data.copy())
    old._node, old.requires_grad, old._tangent = t._node, t.requires_grad, t._tangent
    old._version = t._version  # ops that read t's old value (its producer's output) see a change too
    new = compute(old)
    if new.dtype != t.dtype:
        new = new.astype(t.dtype)
    t.data[...] = new.data
    t._tangent = new._tangent
    if new._node is not None:
        t._node, t.requires_grad = new._node, True
        new._node.rebased_from = old
    return t


def recorded_inputs(node, out):
    """`node`'s inputs as they were when it was recorded, for a node older than some in-place change.

    Raises if a value its VJP reads (`out`, or an input) has been changed since; an input
    rebased by an in-place op since then is replaced by the tensor standing for its old value.
    """
    saves = node.prim.saves
    if "output" in saves and changed_since(out.data, node.order):
        raise _modified_error(node, "output 0", out.data)
    parents = list(node.parents)
    for i, (p, array) in enumerate(zip(parents, node.arrays)):
        if not isinstance(p, Tensor):
            continue
        if "inputs" in saves and changed_since(array, node.order):
            raise _modified_error(node, f"input {i}", array)
        parents[i] = as_recorded(p, node)
    return parents


def as_recorded(p, node):
    """The tensor standing for input `p` of `node` as it was when `node` was recorded: `p` itself unless
    an in-place op rebased it since (a released in-place node stays: the sweep reaching it raises)."""
    while p._node is not None and p._node.order > node.order and p._node.parents is not None:
        p = p._node.rebased_from
    return p


def changed_since(array, order):
    """Whether `array`'s memory was changed in place after time `order` on CLOCK."""
    record = _CHANGES.get(id(memory_of(array)))
    return record is not None and record[2] > order


def _modified_error(node, which, array):
    count, previous, _, _ = _CHANGES[id(memory_of(array))]
    expected = f"{count - 1}" if previous < node.order else f"{count - 2} or earlier"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[op '{node.prim.name}', {which} of shape {array.shape}] is at version {count}; expected version "
        f"{expected} instead. Change a copy instead (t = t + ...), or do the change before the op uses it"
    )


_UFUNC = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}
