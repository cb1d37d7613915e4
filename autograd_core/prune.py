"""Which tensors a `grad_of` sweep can skip: those below which no requested input lies.

PyTorch's engine, asked for the gradients of some inputs (`torch.autograd.grad`), runs only
the nodes on a path from the output to one of them. `skipped` finds the others with one
iterative depth-first pass over the graph (no recursion: a 100,000-op chain is fine), walking
the edges exactly as the sweep does: inputs that need a gradient, as they were when each
node was recorded (an input changed in place since stands for its old value, inplace.py).
A node an earlier backward freed is walked through the structure it keeps (`Node.inputs`),
so the sweep raises the freed-graph error only if it would have to run that node, as PyTorch.
"""
from . import inplace
from .primitive import InputStub, Node


def skipped(root, capture, stop):
    """Ids of the tensors, reached from `root`, whose op the sweep does not run: no tensor of `capture`
    (id -> Tensor) lies below them; or None if there are none. A requested tensor among them still
    gets its gradient; any other is not even queued. With `stop` the walk ends at requested tensors."""
    reaches, skip, nodes = {}, [], None
    changed = inplace.last_change
    stack = [(root, None)]
    while stack:
        v, kids = stack.pop()
        key = id(v)
        if kids is None:
            if key in reaches:
                continue
            if type(v) is Node:  # only under a freed node
                if nodes is None:  # the ops of the requested tensors
                    nodes = {id(t._node) for t in capture.values() if t._node is not None}
                requested = key in nodes
                kids = () if stop and requested else _node_inputs(v, changed)
            else:
                requested = key in capture
                node = v._node
                if node is None or stop and requested:
                    kids = ()
                elif node.parents is None or node.order < changed:
                    kids = _node_inputs(node, changed)
                else:  # (a need is True only for a Tensor input)
                    kids = [p for p, need in zip(node.parents, node.needs) if need]
            if kids:
                stack.append((v, kids))
                for p in kids:
                    k = id(p)
                    if k in reaches:
                        continue
                    if type(p) is Node or p._node is not None:
                        stack.append((p, None))
                    else:  # a leaf, settled at once
                        reaches[k] = hit = k in capture
                        if not hit:
                            skip.append(p)
                continue
            below = False
        else:  # every input is settled: a DAG's inputs are finished before their consumer
            below = False
            for p in kids:
                if reaches[id(p)]:
                    below = True
                    break
            requested = key in (nodes if type(v) is Node else capture)
        reaches[key] = requested or below
        if not below and type(v) is not Node and (not requested or v._node is not None and not stop):
            skip.append(v)  # not queued, or (requested) queued but its op not run
    if not skip:
        return None
    for t in skip:
        if t._node is not None:
            forget_trace(t._node)
    return {id(t) for t in skip}


def _node_inputs(node, changed):
    """The inputs the sweep would send `node`'s shares to (engine._propagate), or what a freed node keeps
    of them that can lead to a requested tensor (a node, a leaf; not an `InputStub`)."""
    if node.parents is None:
        inputs = node.inputs
        return [p for p in (inputs if type(inputs) is tuple else (inputs,)) if type(p) is not InputStub]
    kids = [p for p, need in zip(node.parents, node.needs) if need]
    if node.order < changed:
        kids = [inplace.as_recorded(p, node) for p in kids]
    return kids


def forget_trace(node):
    """Drop the summary an earlier sweep left on a node this one skips: a drawing shows the last sweep only."""
    try:
        del node.position
    except AttributeError:
        pass
