"""Dropout (Srivastava et al., 2014), inverted: survivors are scaled by 1/(1-p) in training (`nn.functional.dropout`)."""
import numpy as np

import autograd_core as ag

from .functional import dropout
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability p in training; identity in eval.

    `rng` (a numpy Generator or a seed) drives this module's masks, so a seeded model
    draws the same masks run after run.
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability must be in [0, 1], got {p}")
        self.p = p
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    def forward(self, x):
        return dropout(x if isinstance(x, ag.Tensor) else ag.Tensor(x), self.p, self.training, self.rng)

    def extra_repr(self):
        return f"p={self.p}"
