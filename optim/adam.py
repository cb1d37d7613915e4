"""Adam (Kingma & Ba, 2015) with bias correction; weight_decay is L2 added to the gradient."""
import numpy as np

from .optimizer import Optimizer, _check_nonnegative, _descend


def _check_adam_like(group, *extra):
    """PyTorch's checks, in its order: lr, eps, both betas in [0, 1), weight_decay, then `extra`."""
    _check_nonnegative(group, "lr", "eps")
    for i, beta in enumerate(group["betas"]):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    _check_nonnegative(group, "weight_decay", *extra)


def _pair(betas):
    """betas as a tuple of two, or a TypeError naming the argument (a lone 0.9 is a common slip)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"Invalid betas: expected a pair (beta1, beta2), got {type(betas).__name__} {betas!r}")
    for i, beta in enumerate(betas):
        if isinstance(beta, (str, bytes)) or not hasattr(beta, "__float__"):
            raise TypeError(f"Invalid beta parameter at index {i}: expected a number, got {beta!r}")
    return tuple(betas)


class Adam(Optimizer):
    """m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps).

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr: learning rate. betas: (β1, β2), decay rates of the two moment averages,
            each in [0, 1). eps: added to the denominator for stability.
        weight_decay: λ, added as λ·p to the gradient (L2), or, with
            decoupled_weight_decay, applied as p *= 1 - lr·λ (AdamW).
        amsgrad: divide by the running maximum of v (Reddi et al., 2018).
        maximize: ascend instead of descend.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=_pair(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, decoupled_weight_decay=decoupled_weight_decay))

    def _check(self, group):
        _check_adam_like(group)

    def _update(self, p, grad, group):
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        grad = self._grad(p, grad, group, l2=not decoupled)
        state = self.state[p]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)  # m.lerp_(g, 1 - β1), as PyTorch rounds it
        v *= beta2
        v += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        denom = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + group["eps"]
        _descend(p, lr / (1 - beta1 ** t), m / denom, shrink=1 - lr * decay if decoupled and decay else None)
