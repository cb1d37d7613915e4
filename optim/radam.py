"""RAdam (Liu et al., 2020): Adam whose adaptive step is switched on, and rectified, once the variance is tractable."""
import numpy as np

from .adam import _check_adam_like
from .optimizer import Optimizer, _descend


class RAdam(Optimizer):
    """m, v as Adam;  ρ∞ = 2/(1-β2) - 1;  ρ_t = ρ∞ - 2t β2^t / (1-β2^t);
    p -= lr · m/(1-β1^t) · (r_t sqrt(1-β2^t) / (sqrt(v) + eps)  if ρ_t > 5  else 1),
    r_t = sqrt((ρ_t-4)(ρ_t-2) ρ∞ / ((ρ∞-4)(ρ∞-2) ρ_t)).

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr, betas, eps, weight_decay: as Adam. decoupled_weight_decay: p *= 1 - lr·λ instead of L2.
        maximize: ascend instead of descend.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False,
                 *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def _check(self, group):
        _check_adam_like(group)

    def _update(self, p, grad, group):
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        grad = self._grad(p, grad, group, l2=not decoupled)
        state = self.state[p]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p.data), exp_avg_sq=np.zeros_like(p.data))
        state["step"] += 1
        t = state["step"]
        if decoupled and decay:
            p.data *= 1 - lr * decay
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)  # m.lerp_(g, 1 - β1), as PyTorch rounds it
        v *= beta2
        v += (1 - beta2) * grad * grad
        bias_correction2 = 1 - beta2 ** t
        m_hat = m / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = bias_correction2 ** 0.5 / (np.sqrt(v) + group["eps"])
            _descend(p, 1.0, m_hat * lr * adaptive * rect)
        else:
            _descend(p, 1.0, m_hat * lr)
