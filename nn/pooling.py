"""Max and average pooling layers over NCHW images (`nn.functional.max_pool2d` / `avg_pool2d`)."""
from .conv import _checked_pair, _unbatched
from .functional import avg_pool2d, max_pool2d
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
    after a ReLU).
    """

    def _pool(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean of each window, zero padding counted; stride defaults to the kernel size."""

    def _pool(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)
