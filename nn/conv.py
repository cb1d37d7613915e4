"""Convolution layers (NCHW / NCL): Conv2d, Conv1d and ConvTranspose2d, PyTorch's layouts, options and init.

Conv2d with default options (zero padding given as ints, no dilation, one group) is one fused
engine primitive per call (im2col, one matmul); any other option runs the composed paths of
`nn.functional_conv`.
"""
import math

import numpy as np

from autograd_core.checks import check_int

from . import init
from .functional import _pair
from .functional_conv import _PADDING_STRINGS, conv1d, conv2d, conv_transpose2d, fused_conv2d
from .module import Module, Parameter, check_input_dtype

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}  # a set literal: printed in the order PyTorch prints it


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


def _as_tuple(v, n, what, minimum):
    """An int or n ints, each at least `minimum`, as an n-tuple (bad values raise naming `what`)."""
    if isinstance(v, (str, float)) or not isinstance(v, (int, np.integer, tuple, list)):
        raise TypeError(f"{what} must be an int or a tuple of {n} ints, got {v!r}")
    out = (v,) * n if isinstance(v, (int, np.integer)) else tuple(v)
    if any(isinstance(p, bool) or not isinstance(p, (int, np.integer)) for p in out):
        raise TypeError(f"{what} must be an int or a tuple of {n} ints, got {v!r}")
    if len(out) != n:
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {v!r}")
    if min(out) < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {v!r}")
    return tuple(int(p) for p in out)


class _ConvNd(Module):
    """What every convolution layer shares: PyTorch's checks, weight (out, in / groups, *kernel) and init."""

    dims, transposed = 2, False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                 rng):
        super().__init__()
        name, n = type(self).__name__, self.dims
        in_channels = check_int(name, "in_channels", in_channels, 0)
        out_channels = check_int(name, "out_channels", out_channels, 0)
        if not isinstance(groups, (int, np.integer)) or groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in _as_tuple(stride, n, f"{name} stride", 1)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, int(groups)
        self.kernel_size = _as_tuple(kernel_size, n, f"{name} kernel_size", 1)
        self.stride = _as_tuple(stride, n, f"{name} stride", 1)
        self.padding = padding if isinstance(padding, str) else _as_tuple(padding, n, f"{name} padding", 0)
        self.dilation = _as_tuple(dilation, n, f"{name} dilation", 1)
        self.padding_mode = padding_mode
        shape = ((in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups))
        self.weight = Parameter(np.empty(shape + self.kernel_size, dtype=np.float32))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if bias:
            bound = 1 / math.sqrt(shape[1] * math.prod(self.kernel_size)) if shape[1] else 0.0
            self.bias = Parameter(np.empty(out_channels, dtype=np.float32))
            init.uniform_(self.bias, -bound, bound, rng=rng)
        else:
            self.bias = None

    def _name(self):
        return f"{type(self).__name__}({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size})"

    def _check(self, x, ndims):
        check_input_dtype(self, x, self.weight)
        channel = 1 if x.ndim == ndims else 0
        if x.ndim not in (ndims, ndims - 1) or x.shape[channel] != self.in_channels:
            raise ValueError(f"{self._name()}: expected input with {self.in_channels} channels, shaped "
                             f"(N, {self.in_channels}, ...) with {ndims - 2} spatial dims or unbatched, "
                             f"got shape {x.shape}")

    def extra_repr(self):
        options = [f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}",
                   f"padding={self.padding}"]
        options += [f"dilation={self.dilation}"] if any(d != 1 for d in self.dilation) else []
        options += [f"groups={self.groups}"] if self.groups != 1 else []
        options += [f"bias={self.bias is not None}"]
        options += [f"padding_mode={self.padding_mode!r}"] if self.padding_mode != "zeros" else []
        return ", ".join(options)


class Conv2d(_ConvNd):
    """Cross-correlation with weight (out_channels, in_channels / groups, kh, kw), PyTorch's layout and init.

    Input (N, C_in, H, W) or unbatched (C_in, H, W); output (N, C_out, OH, OW) with, per
    spatial axis, OH = (H + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1.
    padding: an int, a pair, "valid" or "same"; padding_mode: "zeros", "reflect",
    "replicate" or "circular".
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", rng=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         rng)
        self._fused = (not isinstance(self.padding, str) and self.dilation == (1, 1) and groups == 1
                       and (padding_mode == "zeros" or self.padding == (0, 0)))

    def forward(self, x):
        if not self._fused:
            self._check(x, 4)
            return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups,
                          self.padding_mode)
        return _unbatched(self._forward4d, x, self._name())

    def _forward4d(self, x):
        check_input_dtype(self, x, self.weight)
        if x.shape[1] != self.in_channels:
            raise ValueError(f"{self._name()}: expected input (N, {self.in_channels}, H, W), got shape {x.shape}")
        padded = tuple(s + 2 * p for s, p in zip(x.shape[2:], self.padding))
        if any(k > s for k, s in zip(self.kernel_size, padded)):
            raise ValueError(f"{self._name()}: kernel {self.kernel_size} is larger than the padded input {padded} "
                             f"(input shape {x.shape}, padding {self.padding})")
        return fused_conv2d(x, self.weight, self.bias, self.stride, self.padding)


class Conv1d(_ConvNd):
    """1-D cross-correlation over (N, C_in, L) or (C_in, L); weight (out_channels, in_channels / groups, k)."""

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", rng=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         rng)

    def forward(self, x):
        self._check(x, 3)
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return conv1d(x, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups,
                      self.padding_mode)


class ConvTranspose2d(_ConvNd):
    """The adjoint of Conv2d in its input (a "deconvolution"): weight (in_channels, out_channels / groups, kh, kw);
    OH = (H - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1.

    forward(x, output_size=None): `output_size` (the last two dims) picks the output_padding.
    """

    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", rng=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         rng)
        self.output_padding = _as_tuple(output_padding, 2, "ConvTranspose2d output_padding", 0)

    def forward(self, x, output_size=None):
        self._check(x, 4)
        output_padding = self.output_padding
        if output_size is not None:
            smallest = [(s - 1) * st - 2 * p + d * (k - 1) + 1 for s, st, p, d, k in
                        zip(x.shape[-2:], self.stride, self.padding, self.dilation, self.kernel_size)]
            output_padding = tuple(int(o) - m for o, m in zip(tuple(output_size)[-2:], smallest))
            if any(not 0 <= op < max(st, d) for op, st, d in zip(output_padding, self.stride, self.dilation)):
                raise ValueError(f"requested an output size of {tuple(output_size)[-2:]}, but valid sizes range from "
                                 f"{smallest} (for an input of {tuple(x.shape[-2:])})")
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                                self.dilation)

    def extra_repr(self):
        return super().extra_repr() + (f", output_padding={self.output_padding}" if any(self.output_padding) else "")
