"""Adagrad (Duchi et al., 2011): per-coordinate steps shrinking with the sum of squared gradients."""
import numpy as np

from .optimizer import Optimizer, _check_nonnegative, _descend


class Adagrad(Optimizer):
    """S += g²;  p -= lr / (1 + (t-1)·lr_decay) · g / (sqrt(S) + eps).

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr: learning rate. lr_decay: lr shrinks as lr / (1 + (t-1)·lr_decay).
        weight_decay: L2 penalty λ (adds λ·p to the gradient).
        initial_accumulator_value: starting value of S. eps: added to the
            denominator. maximize: ascend instead of descend.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize))

    def add_param_group(self, param_group):
        """As `Optimizer.add_param_group`, starting the state at once as PyTorch does (state_dict shows it early)."""
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            self.state[p].update(step=0, sum=np.full_like(p.data, group["initial_accumulator_value"]))

    def _check(self, group):
        _check_nonnegative(group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(self, p, grad, group):
        grad = self._grad(p, grad, group)
        state = self.state[p]
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        _descend(p, clr, grad / (np.sqrt(state["sum"]) + group["eps"]))
