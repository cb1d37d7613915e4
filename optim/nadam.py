"""NAdam (Dozat, 2016): Adam with Nesterov momentum and PyTorch's momentum-decay schedule μ_t."""
import numpy as np

from .adam import _check_adam_like
from .optimizer import Optimizer, _descend


class NAdam(Optimizer):
    """μ_t = β1 (1 - ½·0.96^(t·ψ));  m, v as Adam;  d = sqrt(v / (1-β2^t)) + eps;
    p -= lr (1-μ_t) / (1 - Πμ) · g / d + lr μ_{t+1} / (1 - Πμ·μ_{t+1}) · m / d.

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr, betas, eps, weight_decay: as Adam. momentum_decay: ψ.
        decoupled_weight_decay: p *= 1 - lr·λ instead of L2 (NAdamW). maximize: ascend.
    NOTE: Πμ is kept in float32, as PyTorch keeps `mu_product` in a float32 scalar tensor.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _check(self, group):
        _check_adam_like(group, "momentum_decay")

    def _update(self, p, grad, group):
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        grad = self._grad(p, grad, group, l2=not decoupled)
        state = self.state[p]
        if not state:
            state.update(step=0, mu_product=np.float32(1.0), exp_avg=np.zeros_like(p.data),
                         exp_avg_sq=np.zeros_like(p.data))
        state["step"] += 1
        t, psi = state["step"], group["momentum_decay"]
        if decoupled and decay:
            p.data *= 1 - lr * decay
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] = mu_product = np.float32(state["mu_product"] * np.float32(mu))
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)  # m.lerp_(g, 1 - β1), as PyTorch rounds it
        v *= beta2
        v += (1 - beta2) * grad * grad
        denom = np.sqrt(v / (1 - beta2 ** t)) + group["eps"]
        mu_product = float(mu_product)
        _descend(p, lr * (1.0 - mu) / (1.0 - mu_product), grad / denom)
        _descend(p, lr * mu_next / (1.0 - mu_product * mu_next), m / denom)
