"""Dropout (Srivastava et al., 2014), inverted: survivors are scaled by 1/(1-p) in training."""
import numpy as np

from . import functional as F
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability p in training; identity in eval."""

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability must be in [0, 1], got {p}")
        self.p = p
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self):
        return f"p={self.p}"
