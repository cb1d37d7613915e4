"""Flatten: merge axes start_dim..end_dim (by default everything but the batch axis); Unflatten splits one."""
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


class Unflatten(Module):
    """Split axis `dim` into `unflattened_size` (one entry may be -1), as torch.nn.Unflatten."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(isinstance(n, int) for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}")
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x):
        dim = self.dim % x.ndim if x.ndim else 0
        shape = tuple(x.shape[:dim]) + self.unflattened_size + tuple(x.shape[dim + 1:])
        return named_like(x.reshape(shape), x)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
