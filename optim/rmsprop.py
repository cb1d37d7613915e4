"""RMSprop (Hinton, lecture 6e), with PyTorch's centered and momentum variants."""
import numpy as np

from .optimizer import Optimizer, _check_nonnegative, _descend


class RMSprop(Optimizer):
    """s = α s + (1-α) g²;  d = sqrt(s - ḡ²  if centered else s) + eps;  p -= lr · g / d  (or through momentum).

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr: learning rate. alpha: α, decay rate of the squared-gradient average.
        eps: added to the denominator. weight_decay: L2 penalty λ (adds λ·p to
            the gradient). momentum: μ; b = μ b + g / d, p -= lr · b.
        centered: subtract the squared running mean ḡ of the gradient (an
            estimate of its variance). maximize: ascend instead of descend.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, maximize=maximize))

    def _check(self, group):
        _check_nonnegative(group, "lr", "eps", "momentum", "weight_decay", "alpha")

    def _update(self, p, grad, group):
        grad = self._grad(p, grad, group)
        alpha, momentum = group["alpha"], group["momentum"]
        state = self.state[p]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p.data)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.data)
        state["step"] += 1
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)  # grad_avg.lerp_(g, 1 - α), as PyTorch rounds it
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + group["eps"]
        else:
            denom = np.sqrt(square_avg) + group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += grad / denom
            _descend(p, group["lr"], buf)
        else:
            _descend(p, group["lr"], grad / denom)
