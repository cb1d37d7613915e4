"""Walking a computational graph of Values or Tensors without recursion."""
from .tensor import Tensor


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


def parents(node):
    """The inputs of the op that made `node` (a Value or a Tensor); () for a leaf."""
    prev = getattr(node, "_prev", None)
    if prev is not None:
        return prev
    ctx = node._node
    if ctx is None or ctx.parents is None:
        return ()
    return tuple(p for p in ctx.parents if isinstance(p, Tensor))


def op_name(node):
    """The op that made `node` ('' for a leaf)."""
    op = getattr(node, "_op", None)
    if op is not None:
        return op
    return "" if node._node is None or not hasattr(node._node, "prim") else node._node.prim.name
