"""`Optimizer`: parameter groups, per-parameter state, and exact resumption through state_dict."""
import copy

import numpy as np


class Optimizer:
    """Base class: subclasses implement `_update(p, grad, group, state)` for one parameter.

    Args:
        params: an iterable of Tensors, or of dicts {"params": [...], option: value}
            for per-group options.
        defaults: the default value of every option.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a group of parameters with its own options (missing ones take the defaults)."""
        group = dict(group)
        params = group["params"]
        group["params"] = [params] if hasattr(params, "data") else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in group["params"]:
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: a parameter appears more than once (in one group or in more than one group)")
            seen.add(id(p))
            if not p.requires_grad:
                raise ValueError(f"{type(self).__name__}: can only optimize tensors that require grad")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check(group)
        self.param_groups.append(group)

    def _check(self, group):
        """Validate hyperparameters (subclasses extend)."""
        if group["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {group['lr']} (must be >= 0)")
        for key in ("eps", "weight_decay", "momentum"):
            if key in group and group[key] < 0:
                raise ValueError(f"{type(self).__name__}: invalid {key} {group[key]} (must be >= 0)")

    def zero_grad(self, set_to_none=True):
        """Clear the gradients of every parameter."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad = type(p.grad)(np.zeros_like(p.data))

    def step(self, closure=None):
        """Update every parameter that has a gradient; `closure` re-evaluates the loss if given."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad.data, group, self.state.setdefault(id(p), {}))
        return loss

    def _update(self, p, grad, group, state):
        raise NotImplementedError

    def _params(self):
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self):
        """{'state': {index: {name: value}}, 'param_groups': [options with parameter indices]} (copies)."""
        index = {id(p): i for i, p in enumerate(self._params())}
        state = {index[k]: copy.deepcopy(v) for k, v in self.state.items() if k in index}
        groups = []
        for group in self.param_groups:
            g = {k: v for k, v in group.items() if k != "params"}
            g["params"] = [index[id(p)] for p in group["params"]]
            groups.append(g)
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and state saved by `state_dict()` for the same parameter layout."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups) or any(
                len(g["params"]) != len(own["params"]) for g, own in zip(groups, self.param_groups)):
            raise ValueError(f"{type(self).__name__}.load_state_dict: parameter groups do not match the saved ones")
        params = self._params()
        for group, saved in zip(self.param_groups, groups):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {id(params[int(i)]): copy.deepcopy(v) for i, v in state_dict["state"].items()}

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def decayed(grad, p, weight_decay):
    """grad + weight_decay * p (L2 regularization folded into the gradient), a new array."""
    return grad + weight_decay * p.data if weight_decay else grad
