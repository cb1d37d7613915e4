"""The v3 losses as functions (re-exported by `nn.functional`), composed from engine ops.

Each follows PyTorch's formula and validates what PyTorch validates, with its messages.
"""
import math
import warnings

import numpy as np

import autograd_core as ag
from autograd_core.tensor import shared_tensor

from .functional import _as_tensor, _check_reduction, _data, _reduce, _same_shape


def _clamp_min0(x):
    """max(x, 0) whose gradient passes where x >= 0 (PyTorch's clamp_min at the boundary; relu's stops at 0)."""
    return ag.where(x >= 0, x, 0.0)


def _checked_reduction(reduction):
    """PyTorch's Python-side check: `<reduction> is not a valid value for reduction`."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def kl_div(input, target, reduction="mean", log_target=False):
    """Pointwise KL divergence with `input` log-probabilities: target · (log target - input), 0 where target = 0.

    With log_target, target holds log-probabilities: e^target · (target - input).
    reduction "batchmean" divides the sum by the batch size (the true KL divergence);
    "mean" divides by every element and warns, as PyTorch.
    Where target = 0 the gradient with respect to target is NaN, as PyTorch's (xlogy's 0/0: the
    true slope of t log t there is -inf, so no finite number would be right).
    """
    if reduction not in ("mean", "batchmean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    input = _as_tensor(input)
    _same_shape(input, target, "kl_div")
    if log_target:
        loss = ag.exp(target) * (target - input)
    else:
        loss = ag.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction, "kl_div")


def huber_loss(input, target, reduction="mean", delta=1.0):
    """½ d² where |d| < delta, else delta (|d| - ½ delta), d = input - target."""
    if not delta > 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _checked_reduction(reduction)
    input = _as_tensor(input)
    _same_shape(input, target, "huber_loss")
    d = input - target
    a = d.abs()
    return _reduce(ag.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction, "huber_loss")


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """½ d² / beta where |d| < beta, else |d| - ½ beta (beta = 0 is the L1 loss)."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _checked_reduction(reduction)
    input = _as_tensor(input)
    _same_shape(input, target, "smooth_l1_loss")
    d = input - target
    a = d.abs()
    if beta == 0:
        return _reduce(a, reduction, "smooth_l1_loss")
    return _reduce(ag.where(a < beta, (0.5 / beta) * d * d, a - 0.5 * beta), reduction, "smooth_l1_loss")


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos - margin) where it is -1 (0 elsewhere).

    x1, x2 (N, D) with target (N,), or (D,) with a 0-d target.
    """
    _checked_reduction(reduction)
    x1, x2, t = _as_tensor(input1), _as_tensor(input2), _data(target)
    if t.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if x1.ndim != t.ndim + 1 or x2.ndim != t.ndim + 1:
        raise RuntimeError(f"{t.ndim}D target tensor expects {t.ndim + 1}D input tensors, but found inputs with "
                           f"sizes {list(x1.shape)} and {list(x2.shape)}.")
    axis = t.ndim
    eps = 1e-12  # PyTorch's EPSILON: two zero vectors have cosine 0, not NaN
    cos = (x1 * x2).sum(axis=axis) / (((x1 * x1).sum(axis=axis) + eps) * ((x2 * x2).sum(axis=axis) + eps)).sqrt()
    target = target if isinstance(target, ag.Tensor) else t  # a Tensor's comparisons are traced (ONNX export)
    loss = ag.where(target == 1, 1.0 - cos, 0.0) + ag.where(target == -1, _clamp_min0(cos - margin), 0.0)
    return _reduce(loss, reduction, "cosine_embedding_loss")


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """max(0, -y (x1 - x2) + margin): y = 1 asks x1 to rank above x2 by the margin, y = -1 the reverse."""
    _checked_reduction(reduction)
    x1, x2 = _as_tensor(input1), _as_tensor(input2)
    if not x1.ndim == x2.ndim == np.ndim(_data(target)):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {tuple(x1.shape)}, input2: {tuple(x2.shape)}, target: {np.shape(_data(target))} ")
    return _reduce(_clamp_min0(-target * (x1 - x2) + margin), reduction, "margin_ranking_loss")


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 - x2 + eps‖_p over the last axis (PyTorch's F.pairwise_distance)."""
    d = _as_tensor(x1) - x2 + eps
    if p == 2:
        return (d * d).sum(axis=-1, keepdims=keepdim).sqrt()
    if p == 1:
        return d.abs().sum(axis=-1, keepdims=keepdim)
    if p == math.inf:
        return d.abs().amax(axis=-1, keepdims=keepdim)
    return (d.abs() ** p).sum(axis=-1, keepdims=keepdim) ** (1.0 / p)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0) with d the p-norm distance; `swap` uses min(d(a, n), d(p, n))."""
    _checked_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = [np.ndim(_data(x)) for x in (anchor, positive, negative)]
    if len(set(dims)) != 1:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D "
                           "inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = ag.where(d_swap < d_neg, d_swap, d_neg)
    return _reduce(_clamp_min0(margin + d_pos - d_neg), reduction, "triplet_margin_loss")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """½ (log var + (input - target)² / var) (+ ½ log 2π when `full`), var clamped below at eps.

    var has input's shape, or one fewer trailing dim, or a single mismatched dim of size 1
    (homoscedastic), or is a float. NOTE: as PyTorch, the clamp passes the gradient through
    unchanged (it is applied to the values only).
    """
    input = _as_tensor(input)
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = shared_tensor(np.full(input.shape, var, dtype=input.dtype))
    else:
        var = _as_tensor(var)
        if (var.data < 0).any():
            raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.reshape(tuple(var.shape) + (1,))
        elif not (var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    clamped = np.maximum(var.data, eps)
    if not np.array_equal(clamped, var.data):
        var = var - shared_tensor(var.data) + shared_tensor(clamped)  # the clamped values, with the gradient of var itself
    d = input - target
    loss = 0.5 * (ag.log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")


def poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """e^input - target · input (log_input), or input - target · log(input + eps); `full` adds
    Stirling's term target log target - target + ½ log(2π target) where target > 1."""
    _checked_reduction(reduction)
    input = _as_tensor(input)
    _same_shape(input, target, "poisson_nll_loss")
    loss = ag.exp(input) - target * input if log_input else input - target * ag.log(input + eps)
    if full:
        big = target > 1
        safe = ag.where(big, target, 2.0)  # any value > 1 where the term is not added: no log(0)
        stirling = safe * ag.log(safe) - safe + 0.5 * ag.log(safe * (2 * math.pi))
        loss = loss + ag.where(big, stirling, 0.0)
    return _reduce(loss, reduction, "poisson_nll_loss")
