"""Fully connected layers: Identity, Linear, and the MLP built from them."""
import math

import numpy as np

from autograd_core.checks import check_int

from . import functional as F
from . import init
from .activation import activation_by_name
from .module import Module, Parameter, Sequential, check_input_dtype


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored, as PyTorch's."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """y = x Wᵀ + b with W shaped (out_features, in_features), as in PyTorch.

    Default initialization is PyTorch's: W and b uniform in ±1/sqrt(in_features).
    """

    def __init__(self, in_features, out_features, bias=True, rng=None, dtype=np.float32):
        super().__init__()
        in_features, out_features = check_int("Linear", "in_features", in_features, 0), check_int(
            "Linear", "out_features", out_features, 0)
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if bias:
            bound = 1 / math.sqrt(in_features) if in_features > 0 else 0
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
            init.uniform_(self.bias, -bound, bound, rng=rng)
        else:
            self.bias = None

    def forward(self, x):
        if x.data.dtype is not self.weight.data.dtype:
            check_input_dtype(self, x, self.weight)
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class MLP(Module):
    """Linear layers with an activation between them (none after the last).

    `MLP([2, 16, 16, 1], activation="tanh")`: parameters `layers.0.weight`, `layers.2.weight`, ...
    """

    def __init__(self, sizes, activation="relu", rng=None):
        super().__init__()
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP: need at least an input and an output size, got {sizes}")
        for size in sizes:
            check_int("MLP", "sizes", size, 0)
        activation_by_name(activation)  # an unknown name fails here, even for a single layer
        mods = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            mods.append(Linear(n_in, n_out, rng=rng))
            if i < len(sizes) - 2:
                mods.append(activation_by_name(activation))
        self.layers = Sequential(*mods)

    def forward(self, x):
        return self.layers(x)
