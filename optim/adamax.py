"""Adamax (Kingma & Ba, 2015, section 7): Adam with the infinity norm in place of the second moment."""
import numpy as np

from .adam import _check_adam_like
from .optimizer import Optimizer, _descend


class Adamax(Optimizer):
    """m = β1 m + (1-β1) g;  u = max(β2 u, |g| + eps);  p -= lr/(1-β1^t) · m / u.

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr, betas, eps: as Adam (eps is added to |g|). weight_decay: L2 penalty λ.
        maximize: ascend instead of descend.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check(self, group):
        _check_adam_like(group)

    def _update(self, p, grad, group):
        beta1, beta2 = group["betas"]
        grad = self._grad(p, grad, group)
        state = self.state[p]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p.data), exp_inf=np.zeros_like(p.data))
        state["step"] += 1
        m, u = state["exp_avg"], state["exp_inf"]
        m += (1 - beta1) * (grad - m)  # m.lerp_(g, 1 - β1), as PyTorch rounds it
        u *= beta2
        np.maximum(u, np.abs(grad) + group["eps"], out=u)
        _descend(p, group["lr"] / (1 - beta1 ** state["step"]), m / u)
