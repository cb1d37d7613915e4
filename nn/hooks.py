"""Module hooks (PyTorch's forward pre-hooks, forward hooks and full backward hooks) and their handles.

A full backward hook sees the gradients of a module's tensor inputs and outputs. The inputs and
outputs pass through identity ops (a reshape to the same shape) whose tensor hooks collect those
gradients, so no layer needs a backward of its own; the identities exist only while a backward
hook is registered.
"""
import itertools
from collections import OrderedDict

from autograd_core import Tensor, is_grad_enabled
from autograd_core.ops.shape import Reshape

_ids = itertools.count()


class RemovableHandle:
    """Returned by the register_*_hook methods: `remove()` unregisters the hook (also as a context manager)."""

    def __init__(self, hooks, kwargs_set=None):
        self.id, self._hooks, self._kwargs_set = next(_ids), hooks, kwargs_set

    def remove(self):
        self._hooks.pop(self.id, None)
        if self._kwargs_set is not None:
            self._kwargs_set.discard(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def add_hook(hooks, hook, prepend=False, kwargs_set=None):
    """Put `hook` in the ordered dict `hooks` (first when prepend) and its id in `kwargs_set` (the ids of
    hooks called with kwargs) when given; returns its handle."""
    handle = RemovableHandle(hooks, kwargs_set)
    hooks[handle.id] = hook
    if kwargs_set is not None:
        kwargs_set.add(handle.id)
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _identity(t):
    return Reshape.apply(t, shape=t.shape)


class BackwardHookState:
    """Gathers one call's grad_output and grad_input and calls the module's full backward hooks once."""

    def __init__(self, module, n_args):
        self.module, self.grad_input, self.grad_output = module, [None] * n_args, None
        self.pending_inputs = 0

    def wrap_inputs(self, args):
        """The args with each tensor requiring grad passed through an identity whose hook records its gradient."""
        if not is_grad_enabled():
            return args
        wrapped = list(args)
        for i, a in enumerate(args):
            if isinstance(a, Tensor) and a.requires_grad:
                wrapped[i] = _identity(a)
                wrapped[i].register_hook(self._input_hook(i))
                self.pending_inputs += 1
        return tuple(wrapped)

    def wrap_outputs(self, output):
        """The output (a Tensor or a tuple of them) through identities whose hooks record grad_output."""
        if not is_grad_enabled():
            return output
        single = isinstance(output, Tensor)
        outputs = (output,) if single else tuple(output) if isinstance(output, (tuple, list)) else None
        if outputs is None:
            return output
        self.grad_output = [None] * len(outputs)
        self.pending_outputs = sum(isinstance(o, Tensor) and o.requires_grad for o in outputs)
        wrapped = list(outputs)
        for i, o in enumerate(outputs):
            if isinstance(o, Tensor) and o.requires_grad:
                wrapped[i] = _identity(o)
                wrapped[i].register_hook(self._output_hook(i))
        return wrapped[0] if single else type(output)(wrapped)

    def _output_hook(self, i):
        def hook(g):
            self.grad_output[i] = g
            self.pending_outputs -= 1
            if self.pending_outputs == 0 and self.pending_inputs == 0:  # no input needs a gradient
                self._call(None, None)
        return hook

    def _input_hook(self, i):
        def hook(g):
            self.grad_input[i] = g
            self.pending_inputs -= 1
            if self.pending_inputs == 0:
                return self._call(i, g)
            return None
        return hook

    def _call(self, last, g):
        """Run the hooks; a returned tuple replaces grad_input (only the input whose gradient is still pending
        can change: the others have moved on, so a change to them is an error)."""
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, tuple(self.grad_input), tuple(self.grad_output))
            if result is None:
                continue
            result = tuple(result)
            if len(result) != len(self.grad_input):
                raise RuntimeError(f"backward hook of {type(self.module).__name__} returned {len(result)} gradients "
                                   f"for {len(self.grad_input)} inputs")
            for i, (old, new) in enumerate(zip(self.grad_input, result)):
                if i != last and new is not old:
                    raise RuntimeError(f"backward hook of {type(self.module).__name__}: replacing the gradient of "
                                       f"input {i} is supported only for the module's first tensor input requiring grad")
            self.grad_input = list(result)
        return None if last is None else self.grad_input[last]


def new_hook_dicts():
    """The ordered dicts a Module keeps its hooks in (PyTorch's attribute names)."""
    return {"_forward_pre_hooks": OrderedDict(), "_forward_pre_hooks_with_kwargs": set(),
            "_forward_hooks": OrderedDict(), "_forward_hooks_with_kwargs": set(), "_backward_hooks": OrderedDict()}
