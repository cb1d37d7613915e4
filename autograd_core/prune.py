"""Which tensors a `grad_of` sweep can skip: those from which none of the requested inputs is reachable.

PyTorch's engine, asked for the gradients of some inputs (`torch.autograd.grad`), runs only
the nodes on a path from the output to one of them. `unreachable` finds the others with one
iterative depth-first pass over the graph (no recursion: a 100,000-op chain is fine), walking
the edges exactly as the sweep does: inputs that need a gradient, as they were when each
node was recorded (an input changed in place since stands for its old value, inplace.py).
A tensor whose node an earlier backward freed counts as needed, so the sweep still reaches
it and raises the freed-graph error, as it did before pruning.
"""
from . import inplace


def unreachable(root, capture, stop):
    """Ids of the tensors the sweep from `root` would reach that reach no tensor of `capture` (ids),
    or None if there are none. With `stop` the sweep ends at each captured tensor, so the walk does too."""
    reaches, dead = {}, []
    changed = inplace.last_change
    stack = [(root, None)]
    while stack:
        t, kids = stack.pop()
        key = id(t)
        if kids is None:
            if key in reaches:
                continue
            node = t._node
            if node is not None and node.parents is not None and not (stop and key in capture):
                # (a need is True only for a Tensor input)
                kids = [p for p, need in zip(node.parents, node.needs) if need]
                if node.order < changed:
                    kids = [inplace.as_recorded(p, node) for p in kids]
                stack.append((t, kids))
                stack.extend([(p, None) for p in kids if id(p) not in reaches])
                continue
            found = node is not None or key in capture  # a freed node counts as needed: the sweep raises there
        else:  # every input is settled: a DAG's inputs are finished before their consumer
            found = key in capture
            for p in kids:
                if reaches[id(p)]:
                    found = True
                    break
        reaches[key] = found
        if not found:
            dead.append(t)
    if not dead:
        return None
    for t in dead:
        if t._node is not None:
            forget_trace(t._node)
    return {id(t) for t in dead}


def forget_trace(node):
    """Drop the summary an earlier sweep left on a node this one skips: a drawing shows the last sweep only."""
    try:
        del node.position
    except AttributeError:
        pass
