"""Scaled dot-product attention (Vaswani et al., 2017) as a function, re-exported by `nn.functional`.

Composed from matmul, softmax and where, so it needs no backward of its own.
"""
import math

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.tensor import shared_tensor
from autograd_core.seeding import as_generator


def _as_tensor(x):
    return x if isinstance(x, Tensor) else shared_tensor(x)


def _mask_data(mask):
    return mask.data if isinstance(mask, Tensor) else np.asarray(mask)


def additive_mask(mask, dtype, what, true_means_keep):
    """A float mask to add to attention scores: a boolean mask becomes 0 / -inf (which side is -inf depends
    on the API: SDPA keeps True, MultiheadAttention drops True); a float mask is used as it is."""
    if mask is None:
        return None
    data = _mask_data(mask)
    if data.dtype == np.bool_:
        if isinstance(mask, Tensor):  # a Tensor's where is traced: an exported model computes it from its input
            kept, dropped = np.zeros((), dtype), np.asarray(-np.inf, dtype)
            return ag.where(mask, kept, dropped) if true_means_keep else ag.where(mask, dropped, kept)
        dropped = ~data if true_means_keep else data
        return np.where(dropped, -np.inf, 0.0).astype(dtype)
    if not np.issubdtype(data.dtype, np.floating):
        raise TypeError(f"{what}: only bool and float masks are supported, got dtype {data.dtype}")
    return mask if isinstance(mask, Tensor) and mask.requires_grad else data.astype(dtype)


def attention_dropout(weights, p, rng=None):
    """Dropout on attention weights (training only); p = 1 drops them all."""
    if p >= 1.0:
        return weights * 0.0
    rng = as_generator(rng)
    keep = (rng.random(weights.shape) >= p).astype(weights.dtype) * (1.0 / (1.0 - p))
    return weights * keep


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(q kᵀ · scale + mask) v over the last two axes: q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev).

    attn_mask: boolean (True takes part) or float (added to the scores), broadcastable to (..., L, S).
    is_causal: position i attends to positions <= i (top-left aligned, as PyTorch); not together with attn_mask.
    scale: default 1 / sqrt(E). dropout_p drops attention weights (always applied when > 0, as PyTorch's function).
    """
    q, k, v = _as_tensor(query), _as_tensor(key), _as_tensor(value)
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2 or q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E), value "
                           f"(..., S, Ev), got {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"scaled_dot_product_attention: dropout_p must be in [0, 1], got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: _scaled_dot_product_attention: Explicit attn_mask should "
                           "not be set when is_causal=True")
    if enable_gqa and q.ndim >= 3 and k.shape[-3] != q.shape[-3]:
        repeat = q.shape[-3] // k.shape[-3]
        k = ag.ops.getitem(k, (Ellipsis, np.repeat(np.arange(k.shape[-3]), repeat), slice(None), slice(None)))
        v = ag.ops.getitem(v, (Ellipsis, np.repeat(np.arange(v.shape[-3]), repeat), slice(None), slice(None)))
    length, source = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.swapaxes(-2, -1)) * scale
    if is_causal:
        attn_mask = np.tril(np.ones((length, source), dtype=np.bool_))
    mask = additive_mask(attn_mask, scores.dtype, "scaled_dot_product_attention", true_means_keep=True)
    dead = None
    if mask is not None:
        scores = scores + mask
        dead = np.isneginf(scores.data).all(-1, keepdims=True)
    if dead is not None and dead.any():
        with ag.no_grad():  # the same rows from traced ops, so an exported model finds them in its own masks
            dead = ag.amax(scores, -1, keepdim=True) == -np.inf
        # NOTE: as PyTorch's safe softmax, a query that may attend to nothing gets zero weights, not NaN
        weights = ag.where(dead, 0.0, ag.softmax(ag.where(dead, 0.0, scores), -1))
    else:
        weights = ag.softmax(scores, -1)
    if dropout_p > 0.0:
        weights = attention_dropout(weights, dropout_p)
    return weights @ v
