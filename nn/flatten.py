"""Flatten: merge axes start_dim..end_dim (by default everything but the batch axis)."""
import autograd_core as ag
from autograd_core.checks import check_int

from .module import Module, named_like


class Flatten(Module):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...) by default; the same axes as torch.nn.Flatten."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = check_int("Flatten", "start_dim", start_dim)
        self.end_dim = check_int("Flatten", "end_dim", end_dim)

    def forward(self, x):
        return named_like(ag.ops.flatten(x, self.start_dim, self.end_dim), x)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
