"""`Cotangents`: the gradient waiting at each tensor during one reverse sweep, and who owns its memory."""
import numpy as np

from .ops.shape import IndexedGrad
from .tensor import wrap


class Cotangents:
    """Sums each tensor's incoming shares, then hands the total out once.

    Ownership: a VJP's result may alias arrays still in use (addition hands out g
    itself, reshape a view of it), so a first share is stored as is and only added
    into once the sum lives in a buffer of our own (`owned`); a sparse `IndexedGrad`
    goes straight into such a buffer. Leaves: no two leaves get the same memory as
    `.grad` (`handed` holds the base arrays already given out). Under create_graph the
    shares are Tensors and are summed with engine ops, so the sum is differentiable.
    """

    __slots__ = ("pending", "owned", "handed", "differentiable")

    def __init__(self, differentiable):
        self.pending, self.owned, self.handed = {}, set(), set()
        self.differentiable = differentiable

    def add(self, key, share, dtype):
        """Add one consumer's share into the cotangent of tensor `key` (of `dtype`); True if it is the first."""
        prev = self.pending.get(key)
        if prev is None:
            if type(share) is IndexedGrad:
                share = self._own(key, share.dense(dtype))
            self.pending[key] = share
            return True
        if self.differentiable:
            self.pending[key] = prev + share
        elif key in self.owned:
            if type(share) is IndexedGrad:
                share.add_into(prev)
            else:
                prev += share
        elif type(share) is IndexedGrad:
            share.add_into(self._own(key, np.array(prev, dtype=np.result_type(prev, dtype))))
        else:
            self._own(key, np.asarray(prev + share))  # asarray: a 0-d sum would be an immutable numpy scalar
        return False

    def pop(self, key):
        """The complete cotangent of tensor `key`; every share has arrived by the time the sweep asks."""
        return self.pending.pop(key)

    def _own(self, key, buffer):
        self.pending[key] = buffer
        self.owned.add(key)
        return buffer

    def accumulate_into(self, t, g):
        """Add `g` into `t.grad` (a new Tensor: an earlier `.grad` object is never mutated)."""
        if self.differentiable:
            t.grad = g if t.grad is None else t.grad + g
            return
        if type(g) is not np.ndarray:
            g = np.asarray(g)  # a numpy scalar from a 0-d product: .grad holds a 0-d array, as for any shape
        if g.dtype != t.data.dtype:
            if g.dtype.kind == "c":
                raise RuntimeError(f"backward: a complex gradient reached a real tensor of shape {t.shape}; "
                                   "complex differentiation is not supported")
            g = g.astype(t.data.dtype)
        if t.grad is not None:
            t.grad = wrap(np.asarray(t.grad.data + g))
            return
        base = g if g.base is None else g.base
        if not g.flags.writeable or id(base) in self.handed:
            g = base = g.copy()  # a read-only broadcast view, or memory another leaf already holds
        self.handed.add(id(base))
        t.grad = wrap(g)

