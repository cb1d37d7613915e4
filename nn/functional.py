"""Stateless layer operations (`import nn.functional as F`), composed only from engine ops.

Shapes follow PyTorch: images are NCHW, class scores are (N, C) or (N, C, d1, ...).
"""
import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core import inplace as _inplace
from autograd_core.tensor import shared_tensor
from autograd_core.ops import getitem, sliding_window
from autograd_core.checks import check_int, check_number
from autograd_core.seeding import as_generator


def _pair(v, what):
    """An int or a pair of ints as a pair: another type (a float, a str) is a TypeError, another count a ValueError."""
    pair = tuple(v) if isinstance(v, (tuple, list, np.ndarray)) else (v, v)
    if len(pair) != 2:
        raise ValueError(f"{what} must be an int or a pair of ints, got {v!r}")
    if any(isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, np.integer)) for p in pair):
        raise TypeError(f"{what} must be an int or a pair of ints, got {v!r}")
    return tuple(int(p) for p in pair)


def _as_tensor(x):
    return x if isinstance(x, Tensor) else shared_tensor(x)


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


# ---- activations ------------------------------------------------------------------------------
relu, sigmoid, tanh = ag.relu, ag.sigmoid, ag.tanh
# the engine's activations (autograd_core/ops/activations.py and elementwise_functions.py), PyTorch's signatures
gelu, softplus, logsigmoid, one_hot = ag.gelu, ag.softplus, ag.logsigmoid, ag.one_hot


def _maybe_inplace(input, fn, inplace, name):
    """fn(input); with PyTorch's `inplace=True` written into `input` (version counter and graph rules apply)."""
    if not inplace:
        return fn(input)
    return _inplace.apply_(input if isinstance(input, Tensor) else Tensor(input), fn, f"{name}(inplace=True)")


def elu(input, alpha=1.0, inplace=False):
    """input for input > 0, alpha (e^input - 1) otherwise; the gradient at 0 is alpha, as PyTorch's."""
    return _maybe_inplace(input, lambda x: ag.elu(x, alpha), inplace, "elu")


def selu(input, inplace=False):
    """SELU: scale · elu(input, alpha) with the self-normalizing constants."""
    return _maybe_inplace(input, ag.selu, inplace, "selu")


def celu(input, alpha=1.0, inplace=False):
    """max(0, input) + min(0, alpha (e^(input / alpha) - 1))."""
    return _maybe_inplace(input, lambda x: ag.celu(x, alpha), inplace, "celu")


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input for input > 0, negative_slope · input otherwise."""
    return _maybe_inplace(input, lambda x: ag.leaky_relu(x, negative_slope), inplace, "leaky_relu")


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """input clamped to [min_val, max_val]; zero gradient at the bounds."""
    return _maybe_inplace(input, lambda x: ag.hardtanh(x, min_val, max_val), inplace, "hardtanh")


def relu6(input, inplace=False):
    """min(max(input, 0), 6)."""
    return _maybe_inplace(input, ag.relu6, inplace, "relu6")


def hardsigmoid(input, inplace=False):
    """relu6(input + 3) / 6."""
    return _maybe_inplace(input, ag.hardsigmoid, inplace, "hardsigmoid")


def hardswish(input, inplace=False):
    """input · relu6(input + 3) / 6."""
    return _maybe_inplace(input, ag.hardswish, inplace, "hardswish")


def silu(input, inplace=False):
    """input · sigmoid(input)."""
    return _maybe_inplace(input, ag.silu, inplace, "silu")


def mish(input, inplace=False):
    """input · tanh(softplus(input))."""
    return _maybe_inplace(input, ag.mish, inplace, "mish")


def _negative_part(x, positive):
    """x where not `positive`, else 0: the branch a where() discards never sees inf (no overflow,
    no 0 · inf), and unlike minimum(x, 0) it does not split the gradient at 0."""
    return ag.where(positive, 0.0, x)


def prelu(x, weight):
    """Leaky ReLU with a learnable slope: one per channel (axis 1) or one shared."""
    if weight.size > 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(f"prelu: {weight.size} slopes do not match input of shape {x.shape} (channels on axis 1)")
        weight = weight.reshape((weight.size,) + (1,) * (x.ndim - 2))
    positive = x > 0  # a Tensor comparison: the ONNX tracer records it
    return ag.where(positive, x, _negative_part(x, positive) * weight)


def rrelu(x, lower=1.0 / 8, upper=1.0 / 3, training=False, rng=None):
    """Randomized leaky ReLU: a slope drawn from U(lower, upper) per element in training, the mean slope in eval."""
    if training:
        rng = as_generator(rng)  # None: the manual_seed generator
        slope = rng.uniform(lower, upper, x.shape).astype(x.dtype)
    else:
        slope = (lower + upper) / 2
    return ag.where(x > 0, x, x * slope)


def softmax(x, dim=-1):
    return ag.softmax(x, dim)


def log_softmax(x, dim=-1):
    return ag.log_softmax(x, dim)


# ---- linear, dropout, embedding -----------------------------------------------------------------
def linear(x, weight, bias=None):
    """x @ weight.T + bias, weight shaped (out_features, in_features)."""
    try:
        return ag.ops.affine(x, weight, bias)
    except ValueError as error:
        raise ValueError(f"linear: {error}") from None


def dropout(x, p=0.5, training=True, rng=None):
    """Zero each element with probability p and scale the rest by 1/(1-p) (identity in eval)."""
    check_number("dropout", "p", p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability must be in [0, 1], got {p}")
    x = _as_tensor(x)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    rng = as_generator(rng)  # None: the manual_seed generator
    mask = (rng.random(x.shape) >= p).astype(x.dtype) * (1.0 / (1.0 - p))
    return x * mask


def embedding(indices, weight, padding_idx=None):
    """Rows of `weight` picked by integer `indices` (any shape) -> indices.shape + (dim,).

    Positions holding `padding_idx` read its row but send it no gradient, as PyTorch.
    """
    idx = _data(indices)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError(f"embedding: index out of range [0, {weight.shape[0]}): min {idx.min()}, max {idx.max()}")
    rows = getitem(weight, idx)
    if padding_idx is None:
        return rows
    padding_idx = _padding_index(padding_idx, weight.shape[0])
    if not (idx == padding_idx).any():
        return rows
    padded = (indices == padding_idx)[..., None]  # a Tensor's comparison and indexing are traced (ONNX export)
    return ag.where(padded, rows.detach(), rows)


def _padding_index(padding_idx, num_embeddings):
    """padding_idx in [0, num_embeddings) (a negative one counts from the end), or a ValueError as PyTorch's."""
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"embedding: padding_idx {padding_idx} must be within num_embeddings ({num_embeddings})")
    return padding_idx % num_embeddings


# ---- convolution and pooling --------------------------------------------------------------------
def _window_geometry(x, kernel, stride, padding, what):
    """Validated (kernel, stride, padding) pairs for a window op over x (N, C, H, W)."""
    if x.ndim != 4:
        raise ValueError(f"{what}: expected a 4-D input (N, C, H, W), got shape {x.shape}")
    kernel, stride, padding = _pair(kernel, "kernel_size"), _pair(stride, "stride"), _pair(padding, "padding")
    if min(kernel) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"{what}: kernel_size and stride must be at least 1 and padding at least 0, got "
                         f"kernel_size={kernel}, stride={stride}, padding={padding}")
    padded = tuple(s + 2 * p for s, p in zip(x.shape[2:], padding))
    if any(k > s for k, s in zip(kernel, padded)):
        raise ValueError(f"{what}: kernel {kernel} is larger than the padded input {padded} "
                         f"(input shape {x.shape}, padding {padding})")
    return kernel, stride, padding


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """2-D cross-correlation, NCHW, weight (out, in, kh, kw): one engine op (im2col columns, one matmul).

    The output is a (N, out, OH, OW) view of channel-major (out, N, OH, OW) memory, which
    is what the matmul produces; pooling and the gradients keep that layout, copy-free.
    `autograd_core.ops.conv2d_composed(ag.ops, x, w, b)` records the same as six ops.
    """
    x = _as_tensor(x)
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (out, in, kh, kw), got shape {weight.shape}")
    if x.ndim != 4 or x.shape[1] != weight.shape[1]:
        raise ValueError(f"conv2d: input of shape {x.shape} does not match weight of shape {weight.shape} "
                         f"(expected (N, {weight.shape[1]}, H, W))")
    _, stride, padding = _window_geometry(x, weight.shape[2:], stride, padding, "conv2d")
    return ag.ops.conv2d(x, weight, bias, stride, padding)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Maximum over each window; the gradient goes to the first maximum, as in PyTorch."""
    x = _as_tensor(x)
    geometry = _window_geometry(x, kernel_size, stride if stride is not None else kernel_size, padding, "max_pool2d")
    return ag.ops.max_pool(x, *geometry)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each window (zero padding counted, PyTorch's count_include_pad=True)."""
    x = _as_tensor(x)
    kernel, stride, padding = _window_geometry(x, kernel_size, stride if stride is not None else kernel_size, padding,
                                               "avg_pool2d")
    if padding != (0, 0):
        x = ag.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    return sliding_window(x, kernel, stride).mean(axis=(-2, -1))


# ---- normalization ------------------------------------------------------------------------------
def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalize over every axis but the channel axis 1.

    Training: batch mean and biased variance normalize; the running statistics (numpy
    arrays, updated in place) take the UNBIASED variance, with PyTorch's momentum.
    Evaluation: the running statistics normalize.
    """
    x = _as_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input with a channel axis (N, C, ...), got shape {x.shape}")
    if not training and (running_mean is None or running_var is None):
        raise ValueError("batch_norm: running_mean and running_var are required when training=False")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    # NOTE: as PyTorch, float16 is normalized in float32 (a large batch's sum of squares overflows float16 to inf)
    half = x.dtype == np.float16
    xs = x.astype(np.float32) if half else x
    if training:
        count = x.size // x.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, got input shape {x.shape}")
        mean = xs.mean(axis=axes, keepdims=True)
        var = xs.var(axis=axes, keepdims=True, unbiased=False)
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean.data.reshape(-1)
            running_var *= 1 - momentum
            running_var += momentum * var.data.reshape(-1) * (count / (count - 1))
        out = (xs - mean) / (var + eps).sqrt()
    else:
        scale = 1.0 / np.sqrt(running_var.reshape(shape).astype(xs.dtype) + eps)
        out = (xs - running_mean.reshape(shape).astype(xs.dtype)) * scale.astype(xs.dtype)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out.astype(np.float16) if half else out


# ---- losses ---------------------------------------------------------------------------------------
def _reduce(loss, reduction, what):
    _check_reduction(reduction, what)
    if reduction == "mean":
        return loss.mean() if loss.size else loss.sum() + np.nan  # an empty mean is 0 / 0, as in PyTorch
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(reduction, what):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{what}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _same_shape(input, target, what):
    if tuple(input.shape) != tuple(np.shape(_data(target))):
        raise ValueError(f"{what}: input of shape {input.shape} and target of shape {np.shape(_data(target))} differ")


def mse_loss(input, target, reduction="mean"):
    """Mean squared error."""
    _same_shape(input, target, "mse_loss")
    d = input - target
    return _reduce(d * d, reduction, "mse_loss")


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error."""
    _same_shape(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction, "l1_loss")


def _check_probabilities(values, what):
    if values.size and not (values.min() >= 0 and values.max() <= 1):
        raise ValueError(f"binary_cross_entropy: {what} must be probabilities in [0, 1], got values in "
                         f"[{values.min()}, {values.max()}]" +
                         ("; use binary_cross_entropy_with_logits for scores" if what == "input" else ""))


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-(y log p + (1 - y) log(1 - p)), logs clamped at -100 like PyTorch (one primitive, finite at p = 0, 1)."""
    _same_shape(input, target, "binary_cross_entropy")
    _check_probabilities(_data(input), "input")
    _check_probabilities(_data(target), "target")
    loss = ag.ops.binary_cross_entropy(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable formula: (1 - y) x + w log(1 + e^-x).

    log(1 + e^-x) is logsumexp(0, -x): smooth, so the gradient at x = 0 is σ(0) - y (the
    stable split into |x| and max(-x, 0) has kinks there whose subgradients do not add up).
    """
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    input = _as_tensor(input)
    softplus_neg = ag.stack([np.zeros(input.shape, input.dtype), -input], -1).logsumexp(axis=-1)
    if pos_weight is not None:
        softplus_neg = softplus_neg * ((pos_weight - 1.0) * target + 1.0)
    loss = (1.0 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def _classes_last(scores):
    """(N, C, d1, ...) -> (N * d1 * ..., C)."""
    if scores.ndim == 2:
        return scores
    moved = scores.transpose((0,) + tuple(range(2, scores.ndim)) + (1,))
    return moved.reshape(-1, scores.shape[1])


def _sample_weights(input, t, weight, ignore_index, what):
    """Flat class-index targets, validated, and each sample's weight (`weight[target]`, 0 where the
    target is ignore_index); ignored targets are replaced by class 0, and the weights are None
    when every one is 1."""
    if t.dtype.kind not in "iu":
        raise TypeError(f"{what}: targets must be integer class indices, got dtype {t.dtype}")
    n_classes = input.shape[1]
    t = t.reshape(-1)
    w = None if weight is None else _data(weight).astype(input.dtype)
    lo, hi = (np.minimum.reduce(t), np.maximum.reduce(t)) if t.size else (0, -1)
    if 0 <= lo and hi < n_classes and not lo <= ignore_index <= hi:  # the common case: all classes, none ignored
        return t, (None if w is None else w[t])
    keep = t != ignore_index
    t = np.where(keep, t, 0)
    if t.size and not (0 <= t.min() and t.max() < n_classes):
        raise IndexError(f"{what}: target {t.min() if t.min() < 0 else t.max()} is out of range for {n_classes} classes")
    return t, (keep.astype(input.dtype) if w is None else w[t] * keep)


def _weighted_mean(total, total_weight):
    """total / total_weight; with every target ignored (total_weight 0), PyTorch's NaN loss and zero gradient."""
    if total_weight == 0:
        return total * 0.0 + np.nan
    return total * (1.0 / total_weight)


def _fused_cross_entropy(input, t, weight, ignore_index, reduction):
    """(N, C) logits with class indices: one SoftmaxCrossEntropy op, reduction included."""
    if t.shape != (input.shape[0],):
        raise ValueError(f"cross_entropy: target of shape {t.shape} does not match input of shape {input.shape} "
                         f"(expected {(input.shape[0],)})")
    _check_reduction(reduction, "cross_entropy")
    safe_t, sample_w = _sample_weights(input, t, weight, ignore_index, "cross_entropy")
    if reduction == "none":
        return ag.ops.softmax_cross_entropy(input, safe_t, sample_w)
    if reduction == "sum":
        return ag.ops.softmax_cross_entropy(input, safe_t, sample_w, scale=1.0)
    total_weight = len(safe_t) if sample_w is None else sample_w.sum()
    if total_weight == 0:
        return _weighted_mean(ag.ops.softmax_cross_entropy(input, safe_t, sample_w, scale=1.0), 0)
    return ag.ops.softmax_cross_entropy(input, safe_t, sample_w, scale=1.0 / total_weight)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of integer class targets, given log-probabilities (N, C, ...)."""
    check_int("nll_loss", "ignore_index", ignore_index)
    if input.ndim < 2:
        raise ValueError(f"nll_loss: expected input (N, C) or (N, C, d1, ...), got shape {input.shape}")
    t = _data(target)
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if t.shape != expected:
        raise ValueError(f"nll_loss: target of shape {t.shape} does not match input of shape {input.shape} "
                         f"(expected {expected})")
    safe_t, sample_w = _sample_weights(input, t, weight, ignore_index, "nll_loss")
    scores = _classes_last(input)
    picked = getitem(scores, (np.arange(scores.shape[0]), safe_t), unique=True)
    loss = -picked if sample_w is None else -(picked * sample_w)
    if reduction == "mean":
        return _weighted_mean(loss.sum(), len(safe_t) if sample_w is None else sample_w.sum())
    if reduction == "none":
        return loss.reshape(t.shape)
    return _reduce(loss, reduction, "nll_loss")


def _check_class_weights(input, t, weight):
    """PyTorch's check: one weight per class (its message has a prefix only for probability targets)."""
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if np.ndim(_data(weight)) != 1 or np.size(_data(weight)) != n_classes:
        prefix = "cross_entropy: " if np.issubdtype(t.dtype, np.floating) else ""
        raise RuntimeError(f"{prefix}weight tensor should be defined either for all {n_classes} classes "
                           f"or no classes but got weight tensor of shape: {list(np.shape(_data(weight)))}")


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """log_softmax over the class axis 1, then NLL; targets are class indices or class probabilities.

    Unbatched (C,) logits take a 0-d class index or (C,) probabilities, as in PyTorch.
    """
    check_int("cross_entropy", "ignore_index", ignore_index)
    t = _data(target)
    if weight is not None:
        _check_class_weights(input, t, weight)
    if t.dtype.kind in "iu" and label_smoothing == 0.0 and input.ndim == 2:  # the training hot path: checks above only
        return _fused_cross_entropy(input, t, weight, ignore_index, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim == 1:
        _check_reduction(reduction, "cross_entropy")
        loss = cross_entropy(input.reshape(1, -1), target.reshape((1,) + t.shape) if isinstance(target, Tensor)
                             else t.reshape((1,) + t.shape), weight, ignore_index, reduction, label_smoothing)
        return loss.reshape(()) if reduction == "none" else loss
    if np.issubdtype(t.dtype, np.floating) and ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim < 2:
        raise ValueError(f"cross_entropy: expected input (N, C) or (N, C, d1, ...), got shape {input.shape}")
    n_classes = input.shape[1]
    logp = ag.log_softmax(input, 1)
    w = None if weight is None else shared_tensor(_data(weight).astype(input.dtype).reshape((1, n_classes) + (1,) * (input.ndim - 2)))
    if np.issubdtype(t.dtype, np.floating):
        if t.shape != tuple(input.shape):
            raise TypeError(f"cross_entropy: targets must be integer class indices (got dtype {t.dtype}; "
                            "convert with .astype(np.int64)) or class probabilities of the input's shape "
                            f"{tuple(input.shape)} (got shape {t.shape})")
        probs = (target if isinstance(target, Tensor) else t) * (1 - label_smoothing) + label_smoothing / n_classes
        per = logp * probs if w is None else logp * probs * w
        return _reduce(-per.sum(axis=1), reduction, "cross_entropy")
    nll = nll_loss(logp, t, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return nll
    keep = (t != ignore_index).astype(input.dtype)
    per = logp if w is None else logp * w
    smooth = -per.sum(axis=1) * (keep * (1.0 / n_classes))
    if reduction == "mean":
        denom = keep.sum() if weight is None else (_data(weight)[np.where(t != ignore_index, t, 0)] * keep).sum()
        smooth = _weighted_mean(smooth.sum(), denom)
    else:
        smooth = _reduce(smooth, reduction, "cross_entropy")
    return nll * (1 - label_smoothing) + smooth * label_smoothing


# distances: the engine's own (autograd_core/ops/norms.py)
cosine_similarity = ag.cosine_similarity
# ---- v3 losses (nn/functional_losses.py) ----------------------------------------------------------------
from .functional_losses import (cosine_embedding_loss, gaussian_nll_loss, huber_loss, kl_div,  # noqa: E402
                                margin_ranking_loss, pairwise_distance, poisson_nll_loss, smooth_l1_loss,
                                triplet_margin_loss)


# ---- v3 convolution options (nn/functional_conv.py); conv2d becomes the one with every option ------------
from .functional_conv import conv1d, conv2d, conv_transpose2d, pad  # noqa: E402,F811
from .functional_pool import (adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,  # noqa: E402,F811
                              interpolate, max_pool1d, max_pool2d)


# ---- layer, group, RMS and instance normalization (nn/functional_norm.py) -------------------------
from .functional_norm import group_norm, instance_norm, layer_norm, normalize, rms_norm  # noqa: E402
from .functional_attention import scaled_dot_product_attention  # noqa: E402


# ---- softsign (the other activations are the engine's, above) --------------------------------------
def softsign(x):
    """x / (1 + |x|)."""
    x = _as_tensor(x)
    return x / (x.abs() + 1.0)
