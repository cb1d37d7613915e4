"""Gradient checkpointing: a segment's intermediate values are not kept, and are recomputed in backward.

Reverse mode keeps every value a VJP will need (the tape); `checkpoint(fn, *args)`
keeps only the segment's inputs and runs `fn` again during backward: less memory, more
time (the trade Griewank & Walther call checkpointing).
"""
import numpy as np

from . import engine
from . import ops as tensor_ops
from .checks import check_callable
from .forward_mode import ForwardMode
from .functional import tensor_outputs
from .grad_mode import STATE, Observer, enable_grad, no_grad, observe
from .primitive import Primitive, apply
from .pytree import tree_flatten, tree_unflatten
from .seeding import recording_generators, replaying_generators
from .tensor import Tensor, shared_tensor


class _Checkpoint(Primitive):
    """out = fn(*args) (several outputs: joined, see `_joined`), recorded as one op whose VJP reruns fn;
    its inputs are fn's arguments and every Tensor requiring grad that fn reads from outside (a module's parameters)."""

    @staticmethod
    def forward(ctx, *xs, fn, n_args, value, draws):
        # NOTE: `checkpoint` already ran fn (unrecorded) to find the segment's outside inputs; that is the value
        return value

    @staticmethod
    def vjp(ctx, xp, g, out, *xs, fn, n_args, value, draws):
        # NOTE: no create_graph flag reaches a rule; the sweep hands over Tensors (g, xs) exactly when it records
        recording = isinstance(g, Tensor)
        args = [x if recording or i >= n_args or not need else shared_tensor(x, requires_grad=True)
                for i, (x, need) in enumerate(zip(xs, ctx.needs))]
        outside = ctx.parents[n_args:]
        with enable_grad(), replaying_generators(draws):  # the same dropout masks as the first run
            recomputed = _joined(tree_flatten(fn(*args[:n_args]))[0])
        wanted = [i for i, need in enumerate(ctx.needs) if need]
        targets = [args[i] if i < n_args else outside[i - n_args] for i in wanted]
        grads = [None] * len(xs)
        if recomputed.requires_grad:
            for i, gi in zip(wanted, engine.grad_of(recomputed, targets, g, create_graph=recording)):
                grads[i] = gi
        return tuple(grads)


_Checkpoint.name = "Checkpoint"


class _OutsideInputs(Observer):
    """Collects the Tensors requiring grad that ops read while nothing is recorded: the segment's inputs."""

    def __init__(self):
        self.found = {}

    def on_forward(self, prim, ctx, out, args, arrays, params):
        for a in args:
            if isinstance(a, Tensor) and a.requires_grad:
                self.found.setdefault(id(a), a)


def _joined(outs):
    """fn's output Tensors as the one output a primitive has: the Tensor itself, or all flattened and concatenated."""
    return outs[0] if len(outs) == 1 else tensor_ops.concatenate([o.reshape(-1) for o in outs])


def _cut(joined, outs):
    """The inverse of `_joined`: Tensors shaped as `outs`, cut from `joined`."""
    if len(outs) == 1:
        return [joined]
    ends = np.cumsum([o.data.size for o in outs])
    return [joined[end - o.data.size:end].reshape(o.shape) for o, end in zip(outs, ends)]


def checkpoint(fn, *args):
    """fn(*args) without keeping its intermediate values; they are recomputed during backward.

    Args:
        fn: a function of Tensors returning a Tensor or a tuple (any pytree) of Tensors of
            one dtype; it may read parameters from outside (a module), which get their
            gradients as in the plain call.
        args: its arguments (Tensors, arrays, numbers).
    Returns:
        What fn returns, with gradients identical to those of `fn(*args)`: the recomputation
        draws the same random numbers (dropout masks, RReLU slopes) as the first run, from the
        default generator or an explicit one, as PyTorch's `preserve_rng_state=True`. Under forward
        mode (jvp, jacfwd) there is no tape to save, and fn simply runs; so too inside vmap, whose
        batched replay keeps its values anyway.
    """
    check_callable("checkpoint", "fn", fn)
    # NOTE: while vmap records (tracing_values), fn's ops are recorded and replayed on the batch like any others;
    # the replay keeps every value it computes, so a checkpoint there would save nothing and could not be batched
    if not STATE.grad_enabled or STATE.tracing_values or any(isinstance(o, ForwardMode) for o in STATE.observers):
        return fn(*args)
    finder = _OutsideInputs()
    with no_grad(), observe(finder), recording_generators() as draws:
        out = fn(*args)
    outs, structure = tensor_outputs(out, "checkpoint")
    if len({o.dtype for o in outs}) > 1:
        raise TypeError(f"checkpoint: fn's outputs must share one dtype, got {[str(o.dtype) for o in outs]}")
    arg_ids = {id(a) for a in args}
    outside = [t for key, t in finder.found.items() if key not in arg_ids]
    if not outs or (not outside and not any(isinstance(a, Tensor) and a.requires_grad for a in args)):
        return out
    joined = apply(_Checkpoint, tuple(args) + tuple(outside),
                   {"fn": fn, "n_args": len(args), "value": _joined(outs).data, "draws": draws})
    return tree_unflatten(structure, _cut(joined, outs))
