"""Views: tensors that share another tensor's memory, and PyTorch's rules for changing them in place.

A primitive declared `view = True` (Reshape, Transpose, BroadcastTo, GetItem, Diagonal) returns a
numpy view of its input when numpy can. `apply` then gives the result a view record (`t._view`): its root
base (a view of a view goes to the root) and the steps that re-derive it from that base,
as (primitive, params) pairs. No closure and no array is kept: the steps are the ones
the view's own nodes already hold, and the base's memory is alive anyway (the view's
numpy array points into it).

An in-place op on a view changes the base, so it rewrites the base's history
(`rebase_view`, PyTorch's CopySlices):
    old  = steps(base as it was)                         # view ops, recorded
    new  = op(old, value)                                 # the in-place op, on a copy of the region
    base = CopySlices(base as it was, new, steps=steps)   # the base with that region replaced
and the view itself is re-derived from the base's new node. Every other view of the same
base sees the change in value at once (shared memory), and in gradient when it is next
used: `sync`, run by `apply` on each view input (and by backward, grad_fn, is_leaf),
re-derives a view whose memory changed after it was derived, as PyTorch regenerates a
view's grad_fn when its base's version moved. Ops recorded before that still see the
old view: the re-derived node's `rebased_from` stands for it (autograd_core/inplace.py).

What is refused, with PyTorch's messages: an in-place op (grad mode on) on a view of a
leaf that requires grad, or on a view made under `no_grad()` once something requires
grad; a write into a view where several elements share one memory location (`expand`).
"""
import numpy as np

from . import inplace as _inplace
from . import primitive as _primitive  # (imports this module: its names are read at call time)
from .grad_mode import STATE, enable_grad
from .tensor import Tensor, wrap


# A view tensor's `_view` is a plain tuple (the cheapest record: views are made in every training step):
#   (base, steps, seen, tracked)
# base: the root base Tensor; steps: the (primitive, params) pairs that re-derive the view from it;
# seen: the in-place clock (inplace.last_change) when the view was last derived; tracked: it was made
# with grad mode on, so it follows its base's graph (a view made under no_grad never joins it).


def describe(view):
    """A view record as text for error messages: its ops and its base's shape."""
    ops = " -> ".join(prim.name for prim, _ in view[1])
    return f"a view ({ops}) of a tensor of shape {view[0].shape}"


def apply_view(prim, *args, **params):
    """`Prim.apply` of a primitive declared `view = True`: the op, whose result becomes a view of its
    input's root base when numpy returned a view (written out, not a helper call: views are made often)."""
    out = _primitive.apply(prim, args, params)
    x = args[0]
    if not isinstance(x, Tensor):
        return out
    xd, owner = x.data, out.data.base
    if owner is None:
        if out.data is not xd:
            return out  # numpy had to copy (a reshape of strided data, an index array): not a view
    elif owner is not xd and owner is not xd.base and _inplace.memory_of(owner) is not _inplace.memory_of(xd):
        return out  # the same, through a view of the copy
    parent, tracked = x._view, out.requires_grad or STATE.grad_enabled  # (recorded: grad mode was on)
    if parent is None:
        out._view = (x, ((prim, params),), _inplace.last_change, tracked)
    else:
        out._view = (parent[0], parent[1] + ((prim, params),), _inplace.last_change, tracked)
    return out


def sync(t):
    """Re-derive view `t` from its base if the memory changed in place since it was derived."""
    base, steps, seen, tracked = t._view
    if seen == _inplace.last_change:  # nothing anywhere has changed since
        return
    if tracked and _inplace.changed_since(t.data, seen) and not (t._node is None and t.requires_grad):
        _rederive(t, base, steps)
    t._view = (base, steps, _inplace.last_change, tracked)


def _rederive(t, base, steps):
    """Give view `t` a node computing it from its base's current history; the old node stays for older consumers."""
    with enable_grad():  # a view follows its base's graph whatever the mode it is read in (as PyTorch's grad_fn)
        fresh = replay(base, steps)
    old = _stand_in(t, t.data)
    t._node, t.requires_grad, t._tangent = fresh._node, fresh.requires_grad, fresh._tangent
    if fresh._node is not None:
        fresh._node.rebased_from = old


def replay(x, steps):
    """The view ops `steps` applied to Tensor `x`, recorded as usual."""
    for prim, params in steps:
        x = prim.apply(x, **params)
    return x


def replay_array(array, steps):
    """The view ops `steps` applied to numpy `array` (their forward rules, which read no ctx)."""
    for prim, params in steps:
        array = prim.forward(None, array, **params)
    return array


def _stand_in(t, data):
    """A tensor standing for `t` as it is now (its node, gradient flag and tangent) over `data`."""
    s = wrap(data)
    s._node, s.requires_grad, s._tangent = t._node, t.requires_grad, t._tangent
    return s


def check_change(t, value, name):
    """Raise PyTorch's errors for an in-place `name` on view `t` (with `value`); returns whether it is recorded."""
    view = t._view
    base, _, _, tracked = view
    if not t.data.flags.writeable:
        raise RuntimeError(f"{name} on {describe(view)}: unsupported operation: more than one element of the "
                           "written-to tensor refers to a single memory location (numpy made the view read-only, "
                           "as for expand or broadcast_to). Please clone() the tensor before performing the operation.")
    other = value if isinstance(value, Tensor) else None
    recording = base.requires_grad or t.requires_grad or other is not None and other.requires_grad
    if not STATE.grad_enabled or not recording:
        return False
    if not tracked:
        raise RuntimeError(f"{name} on {describe(view)}: A view was created in no_grad mode and is being modified "
                           "inplace with grad mode enabled. This use case is ambiguous and forbidden, as in PyTorch: "
                           "create the view and change it both inside no_grad(), or both outside")
    if base._node is None and base.requires_grad:
        raise RuntimeError(f"{name} on {describe(view)}: a view of a leaf Variable that requires grad is being used "
                           "in an in-place operation; change it under no_grad() (e.g. an initialiser)")
    return True


def rebase_view(t, compute):
    """Run `compute(old value of view t)` as an op, write its result into t, and rewrite t's base's history."""
    from .ops import CopySlices  # ops build on tensor, which imports this module
    base, steps, _, tracked = t._view
    t._version += 1  # the base's memory: before the ops below are recorded, so only older nodes see the change
    old_base = _stand_in(base, base.data)  # CopySlices and the view ops read only its shape
    old = replay(old_base, steps)
    old.data, old._view = old.data.copy(), None  # the op may save the region's old value
    new = compute(old)
    if new.dtype != t.dtype:
        new = new.astype(t.dtype)
    new_base = CopySlices.apply(old_base, new, steps=steps)
    t.data[...] = new.data
    base._tangent = new_base._tangent
    if new_base._node is not None:
        base._node, base.requires_grad = new_base._node, True
        new_base._node.rebased_from = old_base
    _rederive(t, base, steps)
    t._view = (base, steps, _inplace.last_change, tracked)
    return t
