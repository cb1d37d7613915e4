"""Adam (Kingma & Ba, 2015) with bias correction; weight_decay is L2 added to the gradient."""
import math

import numpy as np

from .optimizer import Optimizer, decayed


class Adam(Optimizer):
    """m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    def _check(self, group):
        super()._check(group)
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{type(self).__name__}: invalid beta parameter at index {i}: {beta} (must be in [0, 1))")

    def _decay(self, p, grad, group):
        """Adam folds weight decay into the gradient (AdamW overrides this)."""
        return decayed(grad, p, group["weight_decay"])

    def _update(self, p, grad, group, state):
        grad = self._decay(p, grad, group)
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * (grad * grad)
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        t = state["step"]
        step_size = group["lr"] / (1 - beta1 ** t)
        denom = np.sqrt(v) / math.sqrt(1 - beta2 ** t)
        denom += group["eps"]
        p.data -= step_size * (m / denom)
