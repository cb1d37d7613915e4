"""Pooling and resizing layers: max, average and adaptive pooling over NCHW images (and NCL sequences), Upsample.

MaxPool2d and AvgPool2d with default options call the fused paths (`functional.max_pool2d` as it
was); other options run the composed paths of `nn.functional_pool`.
"""
from .conv import _checked_pair, _unbatched
from .functional_pool import (adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool1d, avg_pool2d, fused_avg_pool2d,
                              fused_max_pool2d, interpolate, max_pool1d, max_pool2d)
from .module import Module


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name = type(self).__name__
        kernel = _checked_pair(kernel_size, f"{name} kernel_size", 1)
        _checked_pair(stride if stride is not None else kernel_size, f"{name} stride", 1)
        pad = _checked_pair(padding, f"{name} padding", 0)
        # PyTorch's rule: a window must always overlap the real input, never padding alone.
        if any(p > k // 2 for p, k in zip(pad, kernel)):
            raise ValueError(f"{name}: padding {padding!r} should be at most half of kernel_size {kernel_size!r}")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def forward(self, x):
        return _unbatched(self._pool, x, type(self).__name__)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Maximum of each window, (N, C, H, W) or (C, H, W); stride defaults to the kernel size.

    The gradient of a window goes to its first maximum only, as in PyTorch (ties are common
    after a ReLU). dilation spaces the window's taps; ceil_mode keeps a last partial window;
    return_indices also returns each maximum's flat position in its input image.
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__(kernel_size, stride, padding)
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, x):
        if self.dilation != 1 or self.return_indices or self.ceil_mode:
            return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                              self.return_indices)
        return super().forward(x)

    def _pool(self, x):
        return fused_max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean of each window; stride defaults to the kernel size. count_include_pad counts the zero padding
    in the divisor (PyTorch's default); ceil_mode keeps a last partial window; divisor_override fixes the divisor."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, x):
        if self.ceil_mode or not self.count_include_pad or self.divisor_override is not None:
            return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                              self.divisor_override)
        return super().forward(x)

    def _pool(self, x):
        return fused_avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class MaxPool1d(Module):
    """Maximum of each window of (N, C, L) or (C, L); options as MaxPool2d."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = stride if stride is not None else kernel_size
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, x):
        return max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool1d(Module):
    """Mean of each window of (N, C, L) or (C, L); options as AvgPool2d."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = stride if stride is not None else kernel_size
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x):
        return avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Mean over the windows that split (…, H, W) into output_size (an int, a pair; None keeps that dim)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Maximum over the windows that split (…, H, W) into output_size; return_indices as MaxPool2d."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x):
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Resize by `size` or `scale_factor` (`functional.interpolate`): mode "nearest", "linear" or "bilinear"."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None):
        super().__init__()
        self.size, self.scale_factor, self.mode, self.align_corners = size, scale_factor, mode, align_corners

    def forward(self, x):
        return interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners)

    def extra_repr(self):
        return (f"size={self.size}, " if self.size is not None else f"scale_factor={self.scale_factor}, ") + \
            f"mode={self.mode!r}"
