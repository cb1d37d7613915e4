"""Walking a computational graph of Values or Tensors without recursion, and the record backward leaves.

A plain `backward()` frees what each op saved for its VJP but keeps the structure, as
PyTorch does (`Node.release`): the node stays, its `inputs` are data-free references
(the input's own node, a leaf that requires grad, or an `InputStub`), and it keeps its
place in the sweep and a summary of the gradient that reached it (read as a `Trace`).
So `draw_graph`, `count_paths` and `explore` work after `loss.backward()` while no
intermediate array stays alive.
"""
import math

import numpy as np

from .ops._rules import sum_of_squares
from .primitive import Node, interned_shape
from .tensor import Tensor
from .value import Value


class Trace:
    """What the last sweep learned about a node's output: its position, shape and gradient summary.

    A view built on demand from the node's slots (`position`, `norm`, `signature`), so a
    kept graph holds no object of its own per node. `norm` is ‖g‖₂ (one `np.vdot`, the
    cheap summary); `rms` = ‖g‖ / √size follows from it.
    """

    __slots__ = ("position", "shape", "dtype", "name", "norm", "nonfinite")

    def __init__(self, node):
        self.position, self.norm = node.position, node.norm
        self.shape, self.dtype, self.name, self.nonfinite = node.signature

    @property
    def rms(self):
        size = int(np.prod(self.shape))
        return self.norm / size ** 0.5 if size else 0.0


def record_trace(node, out, g, position):
    """Leave on `node` its place in the sweep and the summary of the cotangent `g` of its output `out`."""
    node.norm, nonfinite = grad_norm(g)
    node.position, node.signature = position, signature(out, nonfinite)


_SIGNATURES = {}  # (shape, dtype) -> the one signature shared by every unnamed output with a finite gradient


def signature(out, nonfinite):
    """(shape, dtype, name, nonfinite) of a traced output: a shared tuple in the common case, 64 bytes less per node."""
    data = out.data
    if out.name is None and nonfinite is None:
        key = (data.shape, data.dtype)
        shared = _SIGNATURES.get(key)
        if shared is None:
            shared = _SIGNATURES[key] = (interned_shape(data), data.dtype, None, None)
        return shared
    return interned_shape(data), data.dtype, out.name, nonfinite


def grad_norm(g):
    """(‖g‖₂ as a float, "NaN" / "Inf" / None): the gradient summary kept by every node of a sweep.

    The norm overflows to inf or turns NaN exactly when some element is non-finite, or
    (rarely, for huge finite float32 values) when the squares overflow: only then are
    the elements inspected, so the flag is exact and the common case costs one vdot.
    """
    arr = g.data if isinstance(g, Tensor) else g
    norm = math.sqrt(sum_of_squares(arr))  # math, not numpy, on the Python float: 2 us less per node
    if math.isfinite(norm):
        return norm, None
    if np.isnan(arr).any():
        return norm, "NaN"
    if np.isinf(arr).any():
        return norm, "Inf"
    return float(np.linalg.norm(arr.astype(np.float64).ravel())), None


def is_freed(node):
    """True once backward has freed what `node` saved (its structure is still there, in `node.inputs`)."""
    return node.parents is None


def parents(v):
    """The inputs of the op that made `v` (a Value, Tensor, or freed Node); () for a leaf."""
    if type(v) is Value:
        return v._prev
    node = node_of(v)
    if node is None:
        return ()
    if node.parents is None:
        return node.inputs if type(node.inputs) is tuple else (node.inputs,)  # one input is kept bare
    return tuple(p for p in node.parents if isinstance(p, Tensor))


def op_name(v):
    """The op that made `v` ('' for a leaf)."""
    if type(v) is Value:
        return v._op
    node = node_of(v)
    return "" if node is None else node.prim.name


def node_of(v):
    """The recorded Node behind a graph vertex (None for a leaf, a stub or a Value)."""
    return v if type(v) is Node else getattr(v, "_node", None) if isinstance(v, Tensor) else None


def trace_of(v):
    """The `Trace` the last sweep left on `v`'s node, or None."""
    node = node_of(v)
    return node.trace if node is not None else None


def topological_order(root, parents_of):
    """Nodes reachable from `root` through `parents_of(node)`, every node after its parents.

    Iterative depth-first search: a node is expanded once and emitted after all of
    its parents, so a 100,000-op chain needs no recursion.
    """
    order, expanded = [], set()
    stack = [(root, False)]
    while stack:
        node, emit = stack.pop()
        if emit:
            order.append(node)
            continue
        if id(node) in expanded:
            continue
        expanded.add(id(node))
        stack.append((node, True))
        for p in parents_of(node):
            if id(p) not in expanded:
                stack.append((p, False))
    return order


def module_scopes(scope):
    """[(dotted path, module), ...] from the outermost named module to the innermost.

    A module call records `(module, enclosing scope)`; a child is named by its parent's
    `named_children()`; `scope(name)` records a plain string, which prefixes the path.
    The outermost module (the model itself) has no name and is left out.
    """
    chain = []
    while isinstance(scope, tuple):
        module, scope = scope
        if isinstance(scope, tuple):
            chain.append((_child_name(scope[0], module), module))
    prefix = [scope] if scope else []
    out, names = [], list(prefix)
    for name, module in reversed(chain):
        names.append(name)
        out.append((".".join(names), module))
    return out


def scope_path(scope):
    """A recorded scope as a dotted module path ("encoder.0"), or "" for none."""
    scopes = module_scopes(scope)
    if scopes:
        return scopes[-1][0]
    return scope if isinstance(scope, str) else ""


def _child_name(parent, child):
    """child's name in parent: an attribute, or a dotted path through containers that are never called
    themselves (`transformer.h.0` through a ModuleDict and a ModuleList), so that two blocks stay two."""
    for name, module in parent.named_children():
        if module is child:
            return name
    for name, module in getattr(parent, "named_modules", lambda: ())():
        if module is child and name:
            return name
    return type(child).__name__.lower()
