"""Gradient checkpointing: a segment's intermediate values are not kept, and are recomputed in backward.

Reverse mode keeps every value a VJP will need (the tape); `checkpoint(fn, *args)`
keeps only the segment's inputs and runs `fn` again during backward: less memory, more
time (the trade Griewank & Walther call checkpointing).
"""
from . import engine
from .forward_mode import ForwardMode
from .grad_mode import STATE, Observer, enable_grad, no_grad, observe
from .primitive import Primitive, apply
from .tensor import Tensor


class _Checkpoint(Primitive):
    """out = fn(*args), recorded as one op whose VJP reruns fn; its inputs are fn's arguments
    and every Tensor requiring grad that fn reads from outside (a module's parameters)."""

    @staticmethod
    def forward(ctx, *xs, fn, n_args, value):
        # NOTE: `checkpoint` already ran fn (unrecorded) to find the segment's outside inputs; that is the value
        return value

    @staticmethod
    def vjp(ctx, xp, g, out, *xs, fn, n_args, value):
        # NOTE: under create_graph the sweep hands over Tensors (g and the op's own inputs), so the rerun and
        # its gradient stay connected to them; otherwise fn reruns on fresh leaves made from the saved arrays
        recording = isinstance(g, Tensor)
        args = [x if recording or i >= n_args or not need else Tensor(x, requires_grad=True)
                for i, (x, need) in enumerate(zip(xs, ctx.needs))]
        outside = ctx.parents[n_args:]
        with enable_grad():
            recomputed = fn(*args[:n_args])
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


def checkpoint(fn, *args):
    """fn(*args) without keeping its intermediate values; they are recomputed during backward.

    Args:
        fn: a function of Tensors returning one Tensor; it may read parameters from
            outside (a module), which get their gradients as in the plain call.
        args: its arguments (Tensors, arrays, numbers).
    Returns:
        The output Tensor, with gradients identical to those of `fn(*args)`. Under
        forward mode (jvp, jacfwd) there is no tape to save, and fn simply runs.
    """
    if not STATE.grad_enabled or any(isinstance(o, ForwardMode) for o in STATE.observers):
        return fn(*args)
    finder = _OutsideInputs()
    with no_grad(), observe(finder):
        out = fn(*args)
    if not isinstance(out, Tensor):
        raise TypeError(f"checkpoint: fn must return one Tensor, got {type(out).__name__}")
    arg_ids = {id(a) for a in args}
    outside = [t for key, t in finder.found.items() if key not in arg_ids]
    if not outside and not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        return out
    return apply(_Checkpoint, tuple(args) + tuple(outside), {"fn": fn, "n_args": len(args), "value": out.data})
