"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's rule)."""
import numpy as np

from .optimizer import Optimizer, _check_nonnegative, _descend


class SGD(Optimizer):
    """g += wd·p;  b = μ b + (1 - dampening) g (b = g on the first step);  p -= lr (g + μ b if nesterov else b).

    Args:
        params: Tensors or parameter groups (see `Optimizer`).
        lr: learning rate. momentum: μ, 0 for plain SGD. dampening: damps the
            gradient's share of the momentum buffer. weight_decay: L2 penalty λ
            (adds λ·p to the gradient). nesterov: Nesterov momentum (needs μ > 0,
            dampening 0). maximize: ascend instead of descend.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _check(self, group):
        _check_nonnegative(group, "lr", "momentum", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p, grad, group):
        grad = self._grad(p, grad, group)
        momentum = group["momentum"]
        if momentum:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=p.data.dtype)
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        _descend(p, group["lr"], grad)
