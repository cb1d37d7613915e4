"""`Optimizer`: parameter groups, per-parameter state, and exact resumption through state_dict."""
import copy
import functools
import warnings
from collections import defaultdict
from itertools import chain

import numpy as np

from autograd_core import Tensor, enable_grad
from autograd_core.tensor import shared_tensor


class Optimizer:
    """Base class: subclasses validate options in `_check` and update one parameter in `_update`.

    Updates act in place on `p.data` (numpy, through `_descend`) and never record a graph. State lives in
    `self.state[p]` (a dict per parameter, PyTorch's names), in the parameter's dtype.

    Args:
        params: an iterable of Tensors, of (name, Tensor) pairs, or of dicts
            {"params": [...], option: value, ...} giving per-group options.
        defaults: the value of every option a group does not set.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self._check(self.defaults)
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got a Tensor")
        self.state = defaultdict(dict)
        self.param_groups = []
        self._stepped = False
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs):
        """A subclass's own `step` still records that a step happened (schedulers warn otherwise)."""
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _records_step(cls.__dict__["step"])

    def add_param_group(self, param_group):
        """Add parameters with their own options (missing ones take the defaults), e.g. layers unfrozen mid-training."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = [params] if isinstance(params, Tensor) else list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            group["param_names"] = names
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check(group)
        ids = [id(p) for p in group["params"]]
        if len(set(ids)) != len(ids):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "each copy is updated, as in PyTorch", stacklevel=3)
        if any(("param_names" in g) != ("param_names" in group) for g in self.param_groups):
            raise ValueError("all optimizer param groups should be with/without names")
        if not {id(p) for g in self.param_groups for p in g["params"]}.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _check(self, group):
        """Raise ValueError for an invalid option of `group` (subclasses list theirs)."""

    def zero_grad(self, set_to_none=True):
        """Clear every gradient: to None, or to a new zero Tensor (never in place: `.grad` may be shared)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad = None if set_to_none else shared_tensor(np.zeros_like(np.asarray(p.grad)))

    def step(self, closure=None):
        """Update every parameter whose `.grad` is not None; `closure` re-evaluates the model and returns the loss.

        Returns:
            the closure's loss, or None without a closure.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            for p, grad in zip(params, _grad_arrays(params)):
                self._update(p, grad, group)
        self._stepped = True
        return loss

    def _update(self, p, grad, group):
        """Update parameter `p` in place from its numpy gradient `grad` with `group`'s options."""
        raise NotImplementedError

    def _grad(self, p, grad, group, l2=True):
        """The gradient an update uses: negated under `maximize`, plus weight_decay·p (L2) when `l2`.

        A new array whenever it differs from `grad`: `p.grad` may be shared and is never changed.
        """
        if group.get("maximize", False):
            grad = -grad
        decay = group.get("weight_decay", 0) if l2 else 0
        if decay:
            grad = grad + decay * p.data
        return grad

    def state_dict(self):
        """A snapshot of options and state with parameters replaced by indices (PyTorch's layout).

        Returns:
            {"state": {index: {name: value}}, "param_groups": [{option: value, "params": [index, ...]}]},
            indices numbering parameters in group order; arrays are copies, so later steps leave it unchanged.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and state saved by `state_dict()` from an optimizer of the same kind over the same
        parameter layout (groups with another optimizer's options, or a wrongly shaped array, are refused).

        Arrays are copied and cast to their parameter's dtype, so training resumes exactly.
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        for saved in saved_groups:
            # an older save may lack a newer option and a scheduler adds its own ("initial_lr"); both is another kind
            missing, foreign = set(self.defaults) - set(saved), set(saved) - set(self.defaults) - {"params", "param_names"}
            if missing and foreign:
                raise ValueError(f"loaded state dict is not {type(self).__name__} state: its parameter groups have "
                                 f"options {sorted(foreign)} and lack {sorted(missing)}")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved_groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group "
                             "that doesn't match the size of optimizer's group")
        params = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in self.param_groups)))
        state = defaultdict(dict)
        for i, saved in state_dict["state"].items():
            if i not in params:
                raise ValueError(f"loaded state dict has state for parameter {i!r}, which no parameter group holds")
            state[params[i]] = {k: self._restored(v, params[i], k) for k, v in saved.items()}
        for own, saved in zip(self.param_groups, saved_groups):
            saved["params"] = own["params"]
            if "param_names" in own:
                saved.setdefault("param_names", own["param_names"])
            for key, value in self.defaults.items():
                saved.setdefault(key, value)
            self._check(saved)
        self.param_groups, self.state = saved_groups, state

    @staticmethod
    def _restored(value, p, key):
        """A loaded state entry of parameter `p` (LBFGS, whose state is one flat vector, overrides it)."""
        return _restored(value, p, key)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines + [")"])


def _records_step(step):
    """`step` wrapped to set `_stepped`, as PyTorch wraps it for its scheduler-order warning."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        self._stepped = True
        return step(self, *args, **kwargs)
    return wrapper


_BLOCK = 1 << 16  # elements per slice of an update: its temporary lr·direction stays 256 KB in float32


def _descend(p, lr, direction, shrink=None):
    """p ← p · shrink − lr · direction, in place, and a new version of p.

    In place because views of p and the model hold the same array. The version bump makes a
    backward through a graph that saved p before this step raise instead of using the new value.
    NOTE: in slices of _BLOCK elements, so the temporary lr · direction never costs a whole
    parameter's worth of memory (the step's peak memory stays that of the gradients).
    """
    if shrink is not None:
        p.data *= shrink
    if not p.data.flags.c_contiguous:  # no flat view of it to slice: update it whole
        p.data -= lr * direction
    else:
        flat, direction = p.data.reshape(-1), direction.reshape(-1)  # direction is shaped as p
        for start in range(0, flat.size, _BLOCK):
            block = slice(start, start + _BLOCK)
            flat[block] -= lr * direction[block]
    p._version += 1


def _check_nonnegative(group, *keys):
    """PyTorch's checks and messages: options that must be >= 0 (NaN fails too)."""
    for key in keys:
        value = group[key]
        if isinstance(value, (str, bytes)) or not hasattr(value, "__float__"):
            raise TypeError(f"Invalid {key}: expected a number, got {type(value).__name__} {value!r}")
        if not 0.0 <= group[key]:
            name = {"lr": "learning rate", "eps": "epsilon value"}.get(key, f"{key} value")
            raise ValueError(f"Invalid {name}: {group[key]}")


def _grad_arrays(params):
    """The numpy gradient of each parameter, checked against its shape (numpy would broadcast a wrong one silently)."""
    grads = []
    for p in params:
        grad = p.grad.data if isinstance(p.grad, Tensor) else np.asarray(p.grad)
        if grad.shape != p.data.shape:
            raise ValueError(f"gradient of shape {grad.shape} does not match its parameter of shape {p.data.shape}")
        grads.append(grad)
    return grads


def _restored(value, p, key):
    """A loaded state entry: arrays (or array-likes: Tensors, torch tensors) copied in `p`'s dtype and checked
    against its shape; the step count as saved."""
    if not isinstance(value, np.ndarray) and hasattr(value, "__array__"):  # a Tensor, a torch tensor
        value = np.asarray(value)
        if key == "step" or value.ndim == 0:
            return value.item()
    if not isinstance(value, np.ndarray) or key == "step":
        return copy.deepcopy(value)
    if value.shape != p.data.shape:
        raise ValueError(f"loaded state {key!r} of shape {value.shape} "
                         f"does not fit a parameter of shape {p.data.shape}")
    return value.astype(p.data.dtype if np.issubdtype(p.data.dtype, np.floating) else value.dtype)
