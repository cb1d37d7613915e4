"""Reverse mode: one sweep over the graph in reverse topological order, with no recursion.

Each node's vector-Jacobian product runs exactly once, and its cotangent is the sum
of what its consumers sent it: every path from the output is covered without ever
being enumerated. That is the whole idea of backpropagation.

The order: every node gets a creation number when it is recorded, and a node is always
created after its inputs, so running nodes newest first (a heap keyed by minus that
number, as PyTorch's engine does; leaves count as 0, last; a node freed by an earlier
backward as `FREED`, just before them) finds each tensor's cotangent complete when its
turn comes. `Cotangents` owns the sums on the way, and
`Node.release` is the one place the graph is freed.
"""
from heapq import heappop, heappush

import numpy as np

from .grad_mode import STATE
from .cotangents import Cotangents
from .graph import record_trace
from . import inplace, views
from .prune import forget_trace, skipped
from .ops.shape import Reshape
from .tensor import Tensor, shared_tensor
from . import backend


def _freed_error(t, node):
    return RuntimeError(
        f"backward: trying to backward through the graph a second time: the saved values of "
        f"op '{node.prim.name}' (output shape {t.shape}) were freed by an earlier backward(); "
        "pass retain_graph=True to the first call if you need to backward twice"
    )


def _seed(root, grad, create_graph):
    if root.data.dtype.kind == "c":
        raise RuntimeError(f"backward: the output has complex dtype {root.data.dtype}; complex differentiation is "
                           "not supported (as in PyTorch, grad can be implicitly created only for real outputs)")
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
        if create_graph and isinstance(grad, Tensor):
            return grad.astype(seed.dtype)  # keeps grad's own graph, as PyTorch (grad itself if the dtype matches)
    return shared_tensor(seed) if create_graph else seed


def backward(root, grad=None, retain_graph=None, create_graph=False):
    """Accumulate d(root)/d(leaf) into `.grad` of every leaf that requires grad."""
    _sweep(root, grad, retain_graph, create_graph, capture=None)


def grad_of(root, inputs, grad=None, retain_graph=None, create_graph=False, stop=False):
    """Gradients of `root` with respect to each tensor in `inputs`, leaving `.grad` untouched.

    Like `torch.autograd.grad`; an input that `root` does not depend on gets zeros.
    With `stop`, the sweep ends at the inputs: partial derivatives, as if each were a leaf.
    """
    inputs = list(inputs)
    captured = _sweep(root, grad, retain_graph, create_graph, capture={id(t): t for t in inputs}, stop=stop)
    results = []
    for t in inputs:
        g = captured.get(id(t))
        if g is None:
            g = np.zeros_like(t.data)
            g = shared_tensor(g) if create_graph else g
        results.append(g)
    return results


def _sweep(root, grad, retain_graph, create_graph, capture, stop=False):
    """The reverse sweep: pop the newest tensor, run its node's VJP, add each share to its input."""
    if root._view is not None:
        views.sync(root)
    if not root.requires_grad:
        raise RuntimeError("backward: the output does not require grad (no input had requires_grad=True, or it was computed under no_grad)")
    if retain_graph is None:
        retain_graph = create_graph
    cotangents = Cotangents(create_graph)
    cotangents.add(id(root), _seed(root, grad, create_graph), root.dtype)
    # a heap of (-creation number, key, tensor, its node then): a view re-derived meanwhile (views.sync) keeps its place
    queue = [(0, id(root), root, root._node)]  # the root, alone, goes first
    captured, position, stubs, rebased = {}, 0, {}, []
    skip = None if capture is None else skipped(root, capture, stop)  # ops below which no requested input lies
    xp = backend.recorded_ops() if create_graph else backend.numpy_ops
    saved_mode, STATE.grad_enabled = STATE.grad_enabled, create_graph
    try:
        while queue:
            _, key, t, node = heappop(queue)
            g = cotangents.pop(key)
            if t._hooks:
                g = _run_hooks(t, g, create_graph)
            if capture is not None:
                if key in capture:
                    captured[key] = g
                    if stop:
                        continue
            elif node is None and t.requires_grad or t._retains_grad:  # (a leaf may have stopped requiring grad)
                cotangents.accumulate_into(t, g)
            if node is None:
                continue
            if skip is not None and key in skip:
                forget_trace(node)  # the root, or a requested tensor: nothing requested lies below, so not run
                continue
            if node.parents is None:
                raise _freed_error(t, node)
            if skip is None:
                _propagate(t, node, g, xp, cotangents, queue)
            else:
                _propagate_pruned(t, node, g, xp, cotangents, queue, skip, capture)
            # NOTE: every node keeps its sweep position and a summary of g (one vdot), for draw_graph and explore
            record_trace(node, t, g, position)
            position += 1
            if not retain_graph:
                if "rebased_from" in node.__dict__:
                    rebased.append(node)  # older consumers of the changed tensor still walk through it (inplace.py)
                else:
                    node.release(stubs)
        for node in rebased:
            node.release(stubs)
    finally:
        STATE.grad_enabled = saved_mode
    return captured


def _propagate_pruned(t, node, g, xp, cotangents, queue, skip, capture):
    """`_propagate` with `needs` off for the inputs that neither are requested nor lead to one (`prune.skipped`):
    their shares are neither computed nor queued."""
    parents = node.parents if node.order >= inplace.last_change else inplace.recorded_inputs(node, t)
    needs = [need and (id(p) not in skip or id(p) in capture) for p, need in zip(parents, node.needs)]
    _propagate(t, _NeedsView(node, needs), g, xp, cotangents, queue, parents)


class _NeedsView:
    """`node` as its VJP sees it in a pruned sweep: other `needs`, every other attribute the node's.

    The node itself is not changed: another sweep of a kept graph (another thread's) reads its own needs.
    """

    __slots__ = ("_node", "needs")

    def __init__(self, node, needs):
        self._node, self.needs = node, needs

    def __getattr__(self, name):
        return getattr(self._node, name)


def _propagate(t, node, g, xp, cotangents, queue, parents=None):
    """Run one node's VJP, add each input's share into `cotangents`, and queue inputs seen for the first time.

    A function of its own, not inlined into the sweep, so that the VJP's results die on
    return: kept as loop variables they would live one node longer (7% more peak memory
    on the LSTM benchmark).
    """
    if parents is None:  # (else _propagate_pruned has mapped them)
        parents = node.parents
        if node.order < inplace.last_change:  # something was changed in place since this node was recorded
            parents = inplace.recorded_inputs(node, t)
    if cotangents.differentiable:
        in_grads = _differentiable_vjp(node, parents, xp, g, t)
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
        if cotangents.add(id(p), gi, p.data.dtype):  # newest node first; leaves (0) after every node
            heappush(queue, (0 if p._node is None else -p._node.order, id(p), p, p._node))
    if STATE.observers:
        for observer in STATE.observers:
            observer.on_backward(node, t, in_grads)


def _differentiable_vjp(node, parents, xp, g, out):
    """The VJP in engine ops (create_graph): the rule itself, or the gradient of the op's declared composed form."""
    prim = node.prim
    if prim.composed is None:
        return prim.vjp(node, xp, g, out, *parents, **node.params)
    # NOTE: each input enters through an identity op of its own, where the inner sweep stops:
    # partial derivatives, one per position, even when an input repeats or depends on another
    inputs = [Reshape.apply(x, shape=x.shape) if need else x for x, need in zip(parents, node.needs)]
    recomputed = prim.composed(xp, *inputs, **node.params)
    grads = iter(grad_of(recomputed, [x for x, need in zip(inputs, node.needs) if need], g, create_graph=True, stop=True))
    return tuple(next(grads) if need else None for need in node.needs)


def _run_hooks(t, g, create_graph):
    """Each hook sees the gradient (as a Tensor) and may return a replacement of the same shape."""
    for hook in list(t._hooks):
        result = hook(g if create_graph else shared_tensor(g))
        if result is None:
            continue
        if not isinstance(result, (Tensor, np.ndarray, np.generic, int, float)):
            raise TypeError(f"backward: hook {getattr(hook, '__name__', hook)!r} returned {type(result).__name__}; "
                            "a hook returns None or a Tensor (the replacement gradient)")
        if not create_graph:
            result = np.asarray(result.data if isinstance(result, Tensor) else result, dtype=g.dtype)
        if result.shape != g.shape:
            raise RuntimeError(f"backward: hook {getattr(hook, '__name__', hook)!r} returned a gradient of shape "
                               f"{result.shape} for a tensor of shape {g.shape}")
        g = result
    return g
