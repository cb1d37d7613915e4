"""Dropout (Srivastava et al., 2014), inverted: survivors are scaled by 1/(1-p) in training (`nn.functional.dropout`)."""
import autograd_core as ag
from autograd_core.tensor import shared_tensor
from autograd_core.checks import check_number
from autograd_core.seeding import as_generator

from .functional import dropout
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability p in training; identity in eval.

    `rng` (a numpy Generator or a seed) drives this module's masks; without it they come
    from the generator `autograd_core.manual_seed` seeds, so a seeded run repeats.
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        check_number("Dropout", "p", p)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability must be in [0, 1], got {p}")
        self.p = p
        self.rng = None if rng is None else as_generator(rng)  # None: draw from the manual_seed generator

    def forward(self, x):
        return dropout(x if isinstance(x, ag.Tensor) else shared_tensor(x), self.p, self.training, self.rng)

    def extra_repr(self):
        return f"p={self.p}"
