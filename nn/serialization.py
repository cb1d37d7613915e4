"""Checkpoints as numpy .npz files, loaded with pickling disabled (an untrusted file cannot run code)."""
from collections import OrderedDict

import numpy as np

from autograd_core import Tensor

from .module import Module


def save(module_or_state_dict, path):
    """Write a module's state_dict (or a dict of arrays) to `path` as .npz."""
    state = module_or_state_dict.state_dict() if isinstance(module_or_state_dict, Module) else module_or_state_dict
    arrays = {}
    for name, value in state.items():
        arr = np.asarray(value.data if isinstance(value, Tensor) else value)
        if arr.dtype == object:
            raise TypeError(f"nn.save: '{name}' is not a numeric array (dtype object)")
        arrays[name] = arr
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load(path):
    """Read a state dict (name -> numpy array) from a .npz file; pickled objects are refused."""
    state = OrderedDict()
    with np.load(path, allow_pickle=False) as archive:
        for name in archive.files:
            try:
                state[name] = archive[name]
            except ValueError as exc:
                raise ValueError(f"nn.load: '{name}' in {path} holds pickled objects, which are refused "
                                 "(checkpoints must contain plain numeric arrays)") from exc
    return state
