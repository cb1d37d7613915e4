"""2-D convolution layer (NCHW), one fused engine primitive per call (`nn.functional.conv2d`: im2col, one matmul)."""
import math

import numpy as np

from autograd_core.checks import check_int

from . import init
from .functional import _pair, conv2d
from .module import Module, Parameter, check_input_dtype


def _checked_pair(v, what, minimum):
    """An int or pair of ints, each at least `minimum`, as a pair (bad values raise naming `what`)."""
    pair = _pair(v, what)
    if min(pair) < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {v!r}")
    return pair


def _unbatched(forward, x, layer):
    """Run a 4-D `forward` on a (C, H, W) input as a batch of one, as PyTorch's 2-D layers do."""
    if x.ndim == 3:
        out = forward(x.reshape((1,) + tuple(x.shape)))
        return out.reshape(tuple(out.shape[1:]))
    if x.ndim != 4:
        raise ValueError(f"{layer}: expected input (N, C, H, W) or (C, H, W), got shape {x.shape}")
    return forward(x)


class Conv2d(Module):
    """Cross-correlation with weight (out_channels, in_channels, kh, kw), PyTorch's layout and init.

    Input (N, C_in, H, W) or unbatched (C_in, H, W); output (N, C_out, OH, OW) with, per
    spatial axis, OH = (H + 2 * padding - kernel) // stride + 1.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, rng=None):
        super().__init__()
        in_channels = check_int("Conv2d", "in_channels", in_channels, 0)
        out_channels = check_int("Conv2d", "out_channels", out_channels, 0)
        kh, kw = _checked_pair(kernel_size, "Conv2d kernel_size", 1)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = (kh, kw)
        self.stride = _checked_pair(stride, "Conv2d stride", 1)
        self.padding = _checked_pair(padding, "Conv2d padding", 0)
        self.weight = Parameter(np.empty((out_channels, in_channels, kh, kw), dtype=np.float32))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if bias:
            bound = 1 / math.sqrt(in_channels * kh * kw) if in_channels else 0  # no inputs: as Linear(0, n)
            self.bias = Parameter(np.empty(out_channels, dtype=np.float32))
            init.uniform_(self.bias, -bound, bound, rng=rng)
        else:
            self.bias = None

    def forward(self, x):
        return _unbatched(self._forward4d, x, self._name())

    def _forward4d(self, x):
        check_input_dtype(self, x, self.weight)
        if x.shape[1] != self.in_channels:
            raise ValueError(f"{self._name()}: expected input (N, {self.in_channels}, H, W), got shape {x.shape}")
        padded = tuple(s + 2 * p for s, p in zip(x.shape[2:], self.padding))
        if any(k > s for k, s in zip(self.kernel_size, padded)):
            raise ValueError(f"{self._name()}: kernel {self.kernel_size} is larger than the padded input {padded} "
                             f"(input shape {x.shape}, padding {self.padding})")
        return conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def _name(self):
        return f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size})"

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None}")
