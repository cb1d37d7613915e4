"""Reverse mode: one sweep over the graph in reverse topological order, with no recursion.

Each node's vector-Jacobian product runs exactly once, and its cotangent is the sum
of what its consumers sent it: every path from the output is covered without ever
being enumerated. That is the whole idea of backpropagation.
"""
import numpy as np

from .grad_mode import STATE
from .tensor import Tensor
from . import backend
from .graph import topological_order


def _recorded_parents(t):
    """Inputs of t's op that need a gradient; raises if a previous backward freed the op."""
    node = t._node
    if node is None:
        return ()
    if node.parents is None:
        raise RuntimeError(
            f"backward: trying to backward through the graph a second time: the saved values of "
            f"op '{node.prim.name}' (output shape {t.shape}) were freed by an earlier backward(); "
            "pass retain_graph=True to the first call if you need to backward twice"
        )
    return [p for p in node.parents if isinstance(p, Tensor) and p.requires_grad]


def _seed(root, grad, create_graph):
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for one-element outputs, "
                f"got output of shape {root.shape}; pass grad= of that shape"
            )
        seed = np.ones_like(root.data)
    else:
        seed = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=root.data.dtype)
        if seed.shape != root.shape:
            raise RuntimeError(f"backward: grad has shape {seed.shape} but the output has shape {root.shape}")
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


def _sweep(root, grad, retain_graph, create_graph, capture):
    if not root.requires_grad:
        raise RuntimeError("backward: the output does not require grad (no input had requires_grad=True, or it was computed under no_grad)")
    if retain_graph is None:
        retain_graph = create_graph
    order = topological_order(root, _recorded_parents)
    grads = {id(root): _seed(root, grad, create_graph)}
    captured, handed = {}, set()
    xp = backend.tensor_ops if create_graph else backend.numpy_ops
    saved_mode = STATE.grad_enabled
    STATE.grad_enabled = create_graph
    try:
        for t in reversed(order):
            g = grads.pop(id(t), None)
            if g is None:
                continue
            if t._hooks:
                g = _run_hooks(t, g, create_graph)
            node = t._node
            if capture is not None:
                if id(t) in capture:
                    captured[id(t)] = g
            elif node is None or t._retains_grad:
                _accumulate_leaf(t, g, create_graph, handed)
            if node is None:
                continue
            _propagate(t, node, g, xp, grads, create_graph)
            if not retain_graph:
                node.parents = node.params = None
                node.__dict__.clear()
    finally:
        STATE.grad_enabled = saved_mode
    return captured


def _propagate(t, node, g, xp, grads, create_graph):
    """Run one node's VJP and add each input's share into `grads`."""
    parents = node.parents
    node.needs = tuple(isinstance(p, Tensor) and p.requires_grad for p in parents)
    if create_graph:
        inputs, out = parents, t
    else:
        inputs, out = [p.data if isinstance(p, Tensor) else p for p in parents], t.data
    in_grads = node.prim.vjp(node, xp, g, out, *inputs, **node.params)
    for p, need, gi in zip(parents, node.needs, in_grads):
        if not need or gi is None:
            continue
        if gi.shape != p.data.shape:
            raise RuntimeError(
                f"backward: the VJP of op '{node.prim.name}' returned a gradient of shape {gi.shape} "
                f"for an input of shape {p.data.shape}"
            )
        key = id(p)
        prev = grads.get(key)
        grads[key] = gi if prev is None else prev + gi
    if STATE.observers:
        for observer in STATE.observers:
            observer.on_backward(node, t, in_grads)


def _run_hooks(t, g, create_graph):
    for hook in list(t._hooks):
        wrapped = g if create_graph else Tensor(g)
        result = hook(wrapped)
        if result is not None:
            g = result if create_graph else np.asarray(result.data if isinstance(result, Tensor) else result)
    return g


def _accumulate_leaf(t, g, create_graph, handed):
    """Add `g` into `t.grad` (a new Tensor; earlier .grad objects are never mutated).

    A VJP may hand the same array to several inputs (addition does); `handed` makes
    sure no two leaves end up sharing one gradient array.
    """
    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
        return
    if g.dtype != t.data.dtype:
        g = g.astype(t.data.dtype)
    if t.grad is None:
        if id(g) in handed or not g.flags.owndata or not g.flags.writeable:
            g = g.copy()
        handed.add(id(g))
        t.grad = Tensor(g)
    else:
        t.grad = Tensor(t.grad.data + g)
