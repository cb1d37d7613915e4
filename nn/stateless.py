"""functional_call: run a module with other parameters and buffers, as torch.func.functional_call.

For the transforms: `grad` or `vmap(grad(...))` of a loss needs the parameters as arguments, while
the module reads them as attributes. The given tensors stand in for the module's own attributes for
the duration of the call (the registries keep the real parameters), then everything is put back.
"""
import contextlib

import numpy as np

from autograd_core import Tensor
from autograd_core.tensor import shared_tensor


def functional_call(module, parameters_and_buffers, args, kwargs=None):
    """`module(*args, **kwargs)` with the named tensors of `parameters_and_buffers` (a dict, or a tuple of
    dicts) in place of its own; a name the dict does not give keeps the module's own tensor."""
    given = {}
    for part in parameters_and_buffers if isinstance(parameters_and_buffers, (tuple, list)) else (parameters_and_buffers,):
        if not isinstance(part, dict):
            raise TypeError(f"functional_call: expected a dict of name -> tensor (or a tuple of dicts), "
                            f"got {type(part).__name__}")
        for name in part:
            if name in given:
                raise ValueError(f"functional_call: {name!r} is given more than once")
        given.update(part)
    own = {name for name, _ in module.named_parameters()} | {name for name, _ in module.named_buffers()}
    unexpected = sorted(set(given) - own)
    if unexpected:
        raise ValueError(f"functional_call: {type(module).__name__} has no parameter or buffer named "
                         f"{', '.join(map(repr, unexpected))}")
    args = args if isinstance(args, tuple) else (args,)
    with _substituted(module, given):
        return module(*args, **(kwargs or {}))


@contextlib.contextmanager
def _substituted(module, given):
    saved = []
    try:
        for name, value in given.items():
            owner_path, _, attribute = name.rpartition(".")
            owner = _submodule(module, owner_path)
            saved.append((owner, attribute, owner.__dict__[attribute]))
            owner.__dict__[attribute] = value if isinstance(value, Tensor) else shared_tensor(np.asarray(value))
        yield
    finally:
        for owner, attribute, value in reversed(saved):
            owner.__dict__[attribute] = value


def _submodule(module, path):
    for part in path.split(".") if path else ():
        module = module._modules[part]
    return module
