"""Batch normalization (Ioffe & Szegedy, 2015) with PyTorch's running-statistics convention.

Training normalizes with the batch mean and biased variance and updates
running = (1 - momentum) * running + momentum * batch_statistic, with the UNBIASED
variance; momentum=None gives the cumulative average (factor 1 / num_batches_tracked).
Evaluation normalizes with the running statistics (`nn.functional.batch_norm`).
"""
import numpy as np

import autograd_core as ag
from autograd_core.tensor import shared_tensor
from autograd_core.checks import check_int, check_number

from . import functional as F
from .functional import batch_norm
from .module import Module, Parameter


class _BatchNorm(Module):
    expected_ndim = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        where = type(self).__name__
        num_features = check_int(where, "num_features", num_features, 0)
        check_number(where, "eps", eps, 0.0)
        if momentum is not None:
            check_number(where, "momentum", momentum)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features, dtype=np.float32)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=np.float32)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=np.float32))
            self.register_buffer("running_var", np.ones(num_features, dtype=np.float32))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))

    def forward(self, x):
        x = x if isinstance(x, ag.Tensor) else shared_tensor(x)
        if x.ndim not in self.expected_ndim or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): expected input of rank "
                             f"{' or '.join(map(str, self.expected_ndim))} with {self.num_features} channels on axis 1, got shape {x.shape}")
        use_batch = self.training or not self.track_running_stats
        mean = var = None
        momentum = self.momentum
        if self.track_running_stats:
            mean, var = self.running_mean.data, self.running_var.data
            if self.training:
                self.num_batches_tracked.data += 1
                if momentum is None:
                    momentum = 1.0 / float(self.num_batches_tracked.data)
        if use_batch and x.shape[0] == 0:
            # PyTorch: an empty batch gives an empty output and leaves the running statistics as they are
            identity = np.zeros(self.num_features, x.dtype), np.ones(self.num_features, x.dtype)
            return batch_norm(x, *identity, self.weight, self.bias, False, momentum, self.eps)
        return batch_norm(x, mean, var, self.weight, self.bias, use_batch, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Over (N, C) or (N, C, L) inputs."""

    expected_ndim = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Over (N, C, H, W) inputs."""

    expected_ndim = (4,)


def _shape_tuple(normalized_shape):
    return (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)


class LayerNorm(Module):
    """Normalize over the trailing `normalized_shape` axes of each sample (Ba et al., 2016); weight 1, bias 0."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=np.float32):
        super().__init__()
        self.normalized_shape, self.eps = _shape_tuple(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype)) if elementwise_affine and bias else None

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class RMSNorm(Module):
    """x / sqrt(mean(x²) + eps) over the trailing axes, times a learned weight; eps=None is the dtype's epsilon."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, dtype=np.float32):
        super().__init__()
        self.normalized_shape, self.eps = _shape_tuple(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype)) if elementwise_affine else None

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Normalize (N, C, *) over groups of C / num_groups channels (Wu & He, 2018); per-channel weight and bias."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, dtype=np.float32):
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.weight = Parameter(np.ones(num_channels, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype=dtype)) if affine else None

    def forward(self, x):
        x = x if isinstance(x, ag.Tensor) else shared_tensor(x)
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm({self.num_groups}, {self.num_channels}): expected input (N, "
                             f"{self.num_channels}, *), got shape {tuple(x.shape)}")
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class InstanceNorm2d(Module):
    """Normalize each sample's channel over H, W; (N, C, H, W) or unbatched (C, H, W).

    PyTorch's defaults: no affine parameters and no running statistics.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 dtype=np.float32):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))

    def forward(self, x):
        x = x if isinstance(x, ag.Tensor) else shared_tensor(x)
        if x.ndim not in (3, 4):
            raise ValueError(f"InstanceNorm2d: expected 3-D (unbatched) or 4-D input, got shape {tuple(x.shape)}")
        if x.ndim == 3:
            return self.forward(x.unsqueeze(0)).squeeze(0)
        if self.affine and x.shape[1] != self.num_features:
            raise ValueError(f"InstanceNorm2d({self.num_features}): expected {self.num_features} channels on axis 1, "
                             f"got shape {tuple(x.shape)}")
        use_input_stats = self.training or not self.track_running_stats
        mean = var = None
        if self.track_running_stats:
            mean, var = self.running_mean.data, self.running_var.data
            if self.training:
                self.num_batches_tracked.data += 1
        return F.instance_norm(x, mean, var, self.weight, self.bias, use_input_stats, self.momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")
