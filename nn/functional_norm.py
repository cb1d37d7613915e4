"""Layer, group, RMS and instance normalization and `normalize`, as functions (re-exported by `nn.functional`).

Each is composed from engine ops (mean, subtraction, square root, ...), so gradients,
tangents and double backward come from the primitives. Statistics are the biased ones,
as PyTorch's.
"""
import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.ops.layer_norm_op import LayerNorm
from autograd_core.tensor import shared_tensor


def _as_tensor(x):
    return x if isinstance(x, Tensor) else shared_tensor(x)


def _trailing_shape(normalized_shape):
    return (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)


def _check_trailing(x, shape, what, **affine):
    """The input ends in normalized_shape, and weight and bias (when given) have exactly that shape, as PyTorch."""
    if len(shape) > x.ndim or tuple(x.shape[x.ndim - len(shape):]) != shape:
        raise RuntimeError(f"{what}: input of shape {tuple(x.shape)} does not end in normalized_shape {list(shape)}")
    for name, t in affine.items():
        if t is not None and tuple(np.shape(t)) != shape:
            raise RuntimeError(f"{what}: expected {name} to be of same shape as normalized_shape, but got {name} of "
                               f"shape {list(np.shape(t))} and normalized_shape = {list(shape)}")


def _standardize(x, dims, eps):
    """(x - mean) / sqrt(var + eps) over `dims`, with the biased variance."""
    centered = x - x.mean(dims, keepdim=True)
    return centered / ((centered * centered).mean(dims, keepdim=True) + eps).sqrt()


def _affine(out, weight, bias):
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the trailing `normalized_shape` axes, then scale by weight and shift by bias (that shape).

    With both weight and bias, one LayerNorm primitive (autograd_core/ops/layer_norm_op.py); else composed.
    """
    x, shape = _as_tensor(input), _trailing_shape(normalized_shape)
    _check_trailing(x, shape, "layer_norm", weight=weight, bias=bias)
    if weight is not None and bias is not None:
        return LayerNorm.apply(x, weight, bias, dims=len(shape), eps=eps)
    dims = tuple(range(x.ndim - len(shape), x.ndim))
    return _affine(_standardize(x, dims, eps), weight, bias)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x²) + eps) over the trailing `normalized_shape` axes, times weight (Zhang & Sennrich, 2019).

    eps=None is the machine epsilon of the input's dtype, as PyTorch.
    """
    x, shape = _as_tensor(input), _trailing_shape(normalized_shape)
    _check_trailing(x, shape, "rms_norm", weight=weight)
    eps = float(np.finfo(x.dtype).eps) if eps is None else eps
    dims = tuple(range(x.ndim - len(shape), x.ndim))
    return _affine(x / ((x * x).mean(dims, keepdim=True) + eps).sqrt(), weight, None)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalize (N, C, *) over each group of C / num_groups channels and the spatial axes; per-channel affine."""
    x = _as_tensor(input)
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise RuntimeError(f"group_norm: expected input (N, C, *) with C divisible by num_groups={num_groups}, "
                           f"got shape {tuple(x.shape)}")
    n, c = x.shape[:2]
    grouped = x.reshape((n, num_groups, -1))
    out = _standardize(grouped, (2,), eps).reshape(x.shape)
    channel = (c,) + (1,) * (x.ndim - 2)
    return _affine(out, None if weight is None else weight.reshape(channel),
                   None if bias is None else bias.reshape(channel))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalize (N, C, *) over the spatial axes of each sample and channel; per-channel affine.

    With running statistics (numpy arrays, updated in place when use_input_stats), the update takes
    the batch mean of each instance's mean and unbiased variance, as PyTorch; use_input_stats=False
    normalizes with them instead.
    """
    x = _as_tensor(input)
    if x.ndim < 3:
        raise ValueError(f"instance_norm: expected input (N, C, *) with spatial axes, got shape {tuple(x.shape)}")
    dims = tuple(range(2, x.ndim))
    channel = (x.shape[1],) + (1,) * (x.ndim - 2)
    if use_input_stats:
        count = int(np.prod(x.shape[2:]))
        if count <= 1:
            raise ValueError(f"instance_norm: expected more than 1 spatial element when training, got input shape "
                             f"{tuple(x.shape)}")
        out = _standardize(x, dims, eps)
        if running_mean is not None:
            data = x.data
            mean = data.mean(axis=dims).mean(axis=0)
            var = data.var(axis=dims, ddof=1).mean(axis=0)
            running_mean *= 1 - momentum
            running_mean += momentum * mean.astype(running_mean.dtype)
            running_var *= 1 - momentum
            running_var += momentum * var.astype(running_var.dtype)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: running_mean and running_var are required when use_input_stats=False")
        scale = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype)
        out = (x - running_mean.astype(x.dtype).reshape(channel)) * scale.reshape(channel)
    return _affine(out, None if weight is None else weight.reshape(channel),
                   None if bias is None else bias.reshape(channel))


def _norm_along(x, p, dim):
    """The p-norm along `dim` (kept), with a zero gradient where the norm is 0, as torch.linalg.vector_norm."""
    if p == float("inf"):
        return x.abs().amax(dim, keepdim=True)
    if p == float("-inf"):
        return x.abs().amin(dim, keepdim=True)
    powered = (x * x) if p == 2 else x.abs() ** p
    total = powered.sum(dim, keepdim=True)
    nonzero = total > 0
    # NOTE: the root's derivative is infinite at 0: the second where keeps 0 * inf out of the gradient
    root = ag.where(nonzero, total, 1.0) ** (1.0 / p)
    return ag.where(nonzero, root, 0.0)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along `dim` (unit vectors, each norm at least eps)."""
    x = _as_tensor(input)
    if p == 0:  # the count of nonzero entries: no gradient
        norm = shared_tensor((x.data != 0).sum(axis=dim, keepdims=True).astype(x.dtype))
    else:
        norm = _norm_along(x, float(p), dim)
    # clamp_min(norm, eps): the gradient goes to the norm wherever norm >= eps, as PyTorch's
    return x / ag.where(norm >= eps, norm, np.asarray(eps, x.dtype))
