"""Adagrad (Duchi et al., 2011): per-coordinate steps shrinking with the sum of squared gradients."""
import numpy as np

from .optimizer import Optimizer, decayed


class Adagrad(Optimizer):
    """S += g²;  p -= lr / (1 + (t-1) lr_decay) · g / (sqrt(S) + eps)."""

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _check(self, group):
        super()._check(group)
        if group["lr_decay"] < 0 or group["initial_accumulator_value"] < 0:
            raise ValueError("Adagrad: lr_decay and initial_accumulator_value must be >= 0")

    def _update(self, p, grad, group, state):
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(p.data, group["initial_accumulator_value"])
        state["step"] += 1
        grad = decayed(grad, p, group["weight_decay"])
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        std = np.sqrt(state["sum"])
        std += group["eps"]
        p.data -= clr * (grad / std)
