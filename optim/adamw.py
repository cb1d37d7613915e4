"""AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient."""
from .adam import Adam


class AdamW(Adam):
    """p *= 1 - lr·weight_decay, then the Adam step on the raw gradient (PyTorch's default weight_decay=1e-2)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        """As `Optimizer.load_state_dict`, keeping the decay decoupled even for a state saved by `Adam`."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
