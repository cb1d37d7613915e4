"""2-D convolution layer (NCHW), an im2col composition of engine ops."""
import math

import numpy as np

from . import functional as F
from . import init
from .module import Module, Parameter


class Conv2d(Module):
    """Cross-correlation with weight (out_channels, in_channels, kh, kw), PyTorch's layout and init.

    Output size per spatial axis: (size - kernel + 2 * padding) // stride + 1.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, rng=None):
        super().__init__()
        kh, kw = F._pair(kernel_size, "Conv2d kernel_size")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = (kh, kw), F._pair(stride, "Conv2d stride"), F._pair(padding, "Conv2d padding")
        self.weight = Parameter(np.empty((out_channels, in_channels, kh, kw), dtype=np.float32))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if bias:
            bound = 1 / math.sqrt(in_channels * kh * kw)
            self.bias = Parameter(np.empty(out_channels, dtype=np.float32))
            init.uniform_(self.bias, -bound, bound, rng=rng)
        else:
            self.bias = None

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"Conv2d: expected input (N, {self.in_channels}, H, W), got shape {x.shape}")
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None}")
