"""AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient."""
from .adam import Adam


class AdamW(Adam):
    """p *= 1 - lr·weight_decay, then the Adam step on the raw gradient."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    def _decay(self, p, grad, group):
        if group["weight_decay"]:
            p.data *= 1 - group["lr"] * group["weight_decay"]
        return grad
