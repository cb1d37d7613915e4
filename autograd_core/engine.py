"""Reverse mode: one sweep over the graph in reverse topological order, with no recursion.

Each node's vector-Jacobian product runs exactly once, and its cotangent is the sum
of what its consumers sent it: every path from the output is covered without ever
being enumerated. That is the whole idea of backpropagation.

The order: every node gets a creation number when it is recorded, and a node is always
created after its inputs, so running nodes newest first (a heap keyed by that number,
as PyTorch's engine does) finds each tensor's cotangent complete when its turn comes.
"""
from heapq import heappop, heappush

import numpy as np

from .grad_mode import STATE
from .ops.shape import IndexedGrad
from .tensor import Tensor, wrap
from . import backend


def _freed_error(t):
    return RuntimeError(
        f"backward: trying to backward through the graph a second time: the saved values of "
        f"op '{t._node.prim.name}' (output shape {t.shape}) were freed by an earlier backward(); "
        "pass retain_graph=True to the first call if you need to backward twice"
    )


def _seed(root, grad, create_graph):
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for one-element outputs, "
                f"got output of shape {root.shape}; pass grad= of that shape"
            )
        seed = np.array(1, dtype=root.data.dtype).reshape(root.shape)
    else:
        seed = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=root.data.dtype)
        if seed.shape != root.shape:
            raise RuntimeError(f"backward: grad has shape {seed.shape} but the output has shape {root.shape}")
        if create_graph and isinstance(grad, Tensor) and grad.dtype == root.dtype:
            return grad  # NOTE: kept, not copied: the gradient is then a function of this cotangent too
    return Tensor(seed) if create_graph else seed


def backward(root, grad=None, retain_graph=None, create_graph=False):
    """Accumulate d(root)/d(leaf) into `.grad` of every leaf that requires grad."""
    _sweep(root, grad, retain_graph, create_graph, capture=None)


def grad_of(root, inputs, grad=None, retain_graph=None, create_graph=False):
    """Gradients of `root` with respect to each tensor in `inputs`, leaving `.grad` untouched.

    Like `torch.autograd.grad`; an input that `root` does not depend on gets zeros.
    """
    inputs = list(inputs)
    captured = _sweep(root, grad, retain_graph, create_graph, capture={id(t) for t in inputs})
    results = []
    for t in inputs:
        g = captured.get(id(t))
        if g is None:
            g = np.zeros_like(t.data)
            g = Tensor(g) if create_graph else g
        results.append(g)
    return results


_LEAF_ORDER = 1  # leaves sort after every recorded node: they only collect their gradient


def _sweep(root, grad, retain_graph, create_graph, capture):
    if not root.requires_grad:
        raise RuntimeError("backward: the output does not require grad (no input had requires_grad=True, or it was computed under no_grad)")
    if retain_graph is None:
        retain_graph = create_graph
    grads = {id(root): _seed(root, grad, create_graph)}
    captured, handed, owned = {}, set(), set()
    xp = backend.tensor_ops if create_graph else backend.numpy_ops
    saved_mode = STATE.grad_enabled
    STATE.grad_enabled = create_graph
    queue = [(0, id(root), root)]  # (creation order, key, tensor); the root goes first whatever its order
    keep_record = retain_graph and capture is None
    position = 0
    try:
        while queue:
            _, key, t = heappop(queue)
            g = grads.pop(key)
            node = t._node
            if t._hooks:
                g = _run_hooks(t, g, create_graph)
            if capture is not None:
                if key in capture:
                    captured[key] = g
            elif node is None or t._retains_grad:
                _accumulate_leaf(t, g, create_graph, handed)
            if node is None:
                continue
            if node.parents is None:
                raise _freed_error(t)
            _propagate(t, node, g, xp, grads, owned, queue, create_graph)
            if keep_record:
                # NOTE: a retained graph remembers each node's gradient and sweep position for draw_graph
                node.grad, node.sweep = g, position
                position += 1
            if not retain_graph:
                t._node = node.prim.freed
    finally:
        STATE.grad_enabled = saved_mode
    return captured


def _propagate(t, node, g, xp, grads, owned, queue, create_graph):
    """Run one node's VJP, add each input's share into `grads`, and queue inputs seen for the first time.

    A function of its own, not inlined into the sweep, so that the VJP's results die on
    return: kept as loop variables they would live one node longer (7% more peak memory
    on the LSTM benchmark).
    """
    parents = node.parents
    if create_graph:
        in_grads = node.prim.vjp(node, xp, g, t, *parents, **node.params)
    elif node.params:
        in_grads = node.prim.vjp(node, xp, g, t.data, *node.arrays, **node.params)
    else:
        in_grads = node.prim.vjp(node, xp, g, t.data, *node.arrays)
    for p, need, gi in zip(parents, node.needs, in_grads):
        if not need or gi is None:
            continue
        if gi.shape != p.data.shape:
            raise RuntimeError(
                f"backward: the VJP of op '{node.prim.name}' returned a gradient of shape {gi.shape} "
                f"for an input of shape {p.data.shape}"
            )
        key = id(p)
        first = key not in grads
        if first:
            heappush(queue, (_LEAF_ORDER if p._node is None else p._node.order, key, p))
        if create_graph:
            grads[key] = gi if first else grads[key] + gi
        elif first and type(gi) is np.ndarray:
            grads[key] = gi
        else:
            _accumulate(grads, owned, key, gi, p.data.dtype)
    if STATE.observers:
        for observer in STATE.observers:
            observer.on_backward(node, t, in_grads)


def _accumulate(grads, owned, key, gi, dtype):
    """Add one cotangent into grads[key], allocating at most one buffer per tensor.

    A VJP's result may alias other arrays (addition hands out g itself), so it is
    stored as is the first time and only added into once the sum lives in a buffer
    of our own (`owned`); sparse IndexedGrads go straight into such a buffer.
    """
    prev = grads.get(key)
    if key in owned:
        if isinstance(gi, IndexedGrad):
            gi.add_into(prev)
        else:
            prev += gi
        return
    if prev is None:
        if isinstance(gi, IndexedGrad):
            grads[key] = gi.dense(dtype)
            owned.add(key)
        else:
            grads[key] = gi
        return
    if isinstance(gi, IndexedGrad):
        buffer = np.array(prev, dtype=np.result_type(prev, dtype))
        gi.add_into(buffer)
    else:
        buffer = np.asarray(prev + gi)  # asarray: a 0-d sum would be an immutable numpy scalar
    grads[key] = buffer
    owned.add(key)


def _run_hooks(t, g, create_graph):
    for hook in list(t._hooks):
        wrapped = g if create_graph else Tensor(g)
        result = hook(wrapped)
        if result is not None:
            g = result if create_graph else np.asarray(result.data if isinstance(result, Tensor) else result)
    return g


def _accumulate_leaf(t, g, create_graph, handed):
    """Add `g` into `t.grad` (a new Tensor; earlier .grad objects are never mutated).

    A VJP may hand the same memory to several inputs (addition hands out g itself,
    reshape a view of it); `handed` holds the base arrays already given to a leaf,
    so no two leaves share gradient memory. Read-only (broadcast) views are copied.
    """
    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
        return
    if g.dtype is not t.data.dtype and g.dtype != t.data.dtype:
        g = g.astype(t.data.dtype)
    if t.grad is None:
        base = g.base
        if base is None:
            base = g
        elif not g.flags.writeable:
            g = base = g.copy()
        if id(base) in handed:
            g = base = g.copy()
        handed.add(id(base))
        t.grad = wrap(g)
    else:
        t.grad = wrap(np.asarray(t.grad.data + g))  # asarray: 0-d sums are numpy scalars
