"""The smallest graph-recording engine that runs the MLP step: the floor for any Python autograd.

It records each op on its output (VJP, saved arrays, parents), counts consumers, and sweeps
once in reverse (ours orders the sweep by creation number instead), but has nothing else: no checks, hooks, modules, NaN rules,
create_graph or optimizer classes. Its time over hand-written numpy is what recording a
graph in Python costs at the least; ours over its time is the price of everything else.
"""
import numpy as np

from . import numpy_ref, registry


class Var:
    """An array, its gradient, and the op that made it: (vjp, saved arrays, parents) or None for a leaf."""

    __slots__ = ("data", "grad", "op")

    def __init__(self, data, op=None):
        self.data, self.grad, self.op = data, None, op


def _affine_vjp(g, x, w):
    return (g @ w.data if x.op else None), g.T @ x.data, g.sum(axis=0)


def _relu_vjp(g, out):
    return (g * (out > 0),)


def _xent_vjp(g, dz):
    return (dz * g,)


def affine(x, w, b):
    out = x.data @ w.data.T
    out += b.data
    return Var(out, (_affine_vjp, (x, w), (x, w, b)))


def relu(x):
    out = np.maximum(x.data, 0)
    return Var(out, (_relu_vjp, (out,), (x,)))


def cross_entropy(z, y):
    """Mean cross-entropy, with its gradient saved (computed in z's buffer, which no VJP reads)."""
    loss, dz = numpy_ref.softmax_xent(z.data, y)
    return Var(np.asarray(loss, dtype=dz.dtype), (_xent_vjp, (dz,), (z,)))


def backward(root):
    """Consumer counts, then one reverse sweep; leaves get `.grad`."""
    counts, stack = {}, [root]
    while stack:
        op = stack.pop().op
        for p in op[2] if op else ():
            key = id(p)
            if key in counts:
                counts[key] += 1
            else:
                counts[key] = 1
                stack.append(p)
    grads, ready = {id(root): np.ones_like(root.data)}, [root]
    while ready:
        v = ready.pop()
        g = grads.pop(id(v), None)
        if v.op is None:
            v.grad = g
            continue
        vjp, saved, parents = v.op
        for p, gp in zip(parents, vjp(g, *saved)):
            key = id(p)
            if gp is not None:
                grads[key] = gp if key not in grads else grads[key] + gp
            counts[key] -= 1
            if not counts[key]:
                ready.append(p)
        v.op = None


def mlp(weights, lr):
    """Training step of the MLP workload on this tape: forward, loss, backward, SGD."""
    params = [Var(np.array(w)) for w in weights.values()]

    def step(x, y):
        w0, b0, w1, b1, w2, b2 = params
        h = relu(affine(relu(affine(Var(x), w0, b0)), w1, b1))
        loss = cross_entropy(affine(h, w2, b2), y)
        backward(loss)
        for p in params:
            p.data -= lr * p.grad
        return float(loss.data)
    step.params = params
    return step


registry.register("mlp", "tape", mlp)
