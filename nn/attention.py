"""Multi-head attention with PyTorch's parameters, so state dicts move both ways.

in_proj_weight (3E, E) stacks the q, k and v projections (q_proj_weight, k_proj_weight and
v_proj_weight when kdim or vdim differ from E), in_proj_bias (3E,), out_proj a Linear(E, E).
"""
import math

import numpy as np

import autograd_core as ag
from autograd_core.tensor import shared_tensor

from . import functional as F
from . import init
from .functional_attention import additive_mask, attention_dropout
from .linear import Linear
from .module import Module, Parameter


class MultiheadAttention(Module):
    """forward(query, key, value) -> (output, weights); sequences first unless batch_first.

    Masks follow torch.nn.MultiheadAttention: a boolean `attn_mask` (L, S) or (N * heads, L, S)
    and a boolean `key_padding_mask` (N, S) mark with True what may NOT be attended to; float
    masks are added to the scores. Weights are (N, L, S), averaged over heads unless
    average_attn_weights=False ((N, heads, L, S)); None when need_weights=False.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, rng=None, dtype=np.float32):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise AssertionError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads "
                                 f"({num_heads})")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim, self.vdim = kdim or embed_dim, vdim or embed_dim
        self.head_dim = embed_dim // num_heads
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype=dtype))
            init.xavier_uniform_(self.in_proj_weight, rng=rng)
        else:
            for name, n_in in (("q", embed_dim), ("k", self.kdim), ("v", self.vdim)):
                setattr(self, f"{name}_proj_weight", Parameter(np.empty((embed_dim, n_in), dtype=dtype)))
                init.xavier_uniform_(getattr(self, f"{name}_proj_weight"), rng=rng)
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype=dtype)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, rng=rng, dtype=dtype)
        if bias:
            self.out_proj.bias.data[...] = 0
        self.bias_k = self.bias_v = None
        if add_bias_kv:  # one more key and value, learned, that every query may attend to
            self.bias_k = init.xavier_normal_(Parameter(np.empty((1, 1, embed_dim), dtype=dtype)), rng=rng)
            self.bias_v = init.xavier_normal_(Parameter(np.empty((1, 1, embed_dim), dtype=dtype)), rng=rng)
        self.add_zero_attn = add_zero_attn  # one more key and value of zeros per head

    def _projections(self, query, key, value):
        e = self.embed_dim
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one matmul for q, k and v
                qkv = F.linear(query, w, b)
                return qkv[..., :e], qkv[..., e:2 * e], qkv[..., 2 * e:]
            weights = (w[:e], w[e:2 * e], w[2 * e:])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        return tuple(F.linear(x, wi, bi) for x, wi, bi in zip((query, key, value), weights, biases))

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        query, key, value = (x if isinstance(x, ag.Tensor) else shared_tensor(x) for x in (query, key, value))
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise AssertionError(f"MultiheadAttention: query, key and value must all be 2-D (unbatched) or 3-D, got "
                                 f"shapes {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: Need attn_mask if specifying the is_causal hint. You may use the "
                               "Transformer module method `generate_square_subsequent_mask` to create this mask.")
        same = query is key and key is value
        if not batched:  # (L, E) -> (1, L, E)
            query, key, value = (x.unsqueeze(0) for x in (query, key, value))
            key_padding_mask = None if key_padding_mask is None else np.asarray(_data(key_padding_mask))[None]
        elif not self.batch_first:  # (L, N, E) -> (N, L, E)
            query, key, value = (x.swapaxes(0, 1) for x in (query, key, value))
        if same:
            key = value = query
        n, length, e = query.shape
        source = key.shape[1]
        if e != self.embed_dim:
            raise AssertionError(f"MultiheadAttention: was expecting embedding dimension of {self.embed_dim}, but got {e}")
        q, k, v = self._projections(query, key, value)
        if self.bias_k is not None:
            k = ag.cat([k, ag.broadcast_to(self.bias_k, (n, 1, e))], 1)
            v = ag.cat([v, ag.broadcast_to(self.bias_v, (n, 1, e))], 1)
        h, d = self.num_heads, self.head_dim
        q, k, v = (t.reshape((n, t.shape[1], h, d)).swapaxes(1, 2) for t in (q, k, v))  # (N, H, L or S, d)
        if self.add_zero_attn:
            zeros = np.zeros((n, h, 1, d), dtype=k.dtype)
            k, v = ag.cat([k, zeros], 2), ag.cat([v, zeros], 2)
        scores = (q * (1.0 / math.sqrt(d))) @ k.swapaxes(-2, -1)  # (N, H, L, S + added keys)
        mask = self._merged_mask(attn_mask, key_padding_mask, n, length, source, scores.dtype,
                                 k.shape[2] - source)
        if mask is not None:
            scores = scores + mask
        weights = ag.softmax(scores, -1)
        attended = weights if not (self.training and self.dropout > 0) else attention_dropout(weights, self.dropout)
        out = (attended @ v).swapaxes(1, 2).reshape((n, length, e))
        out = self.out_proj(out)
        if not batched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.swapaxes(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(1)
        return out, (weights if batched else weights.squeeze(0))

    def _merged_mask(self, attn_mask, key_padding_mask, n, length, source, dtype, added):
        """attn_mask and key_padding_mask as one float mask broadcastable to (N, H, L, S + added), or None;
        the `added` keys (bias_k, zero attention) may be attended to."""
        attn = additive_mask(attn_mask, dtype, "MultiheadAttention attn_mask", true_means_keep=False)
        padding = additive_mask(key_padding_mask, dtype, "MultiheadAttention key_padding_mask", true_means_keep=False)
        if attn is not None:
            if tuple(attn.shape) == (length, source):
                pass
            elif tuple(attn.shape) == (n * self.num_heads, length, source):
                attn = attn.reshape((n, self.num_heads, length, source))
            else:
                raise RuntimeError(f"MultiheadAttention: attn_mask of shape {tuple(attn.shape)} should be "
                                   f"{(length, source)} or {(n * self.num_heads, length, source)}")
        if padding is not None:
            if tuple(padding.shape) != (n, source):
                raise AssertionError(f"MultiheadAttention: expecting key_padding_mask shape of {(n, source)}, but got "
                                     f"{tuple(padding.shape)}")
            padding = padding.reshape((n, 1, 1, source))
        mask = attn if padding is None else padding if attn is None else attn + padding
        if mask is None or not added:
            return mask
        return ag.pad(mask, ((0, 0),) * (mask.ndim - 1) + ((0, added),)) if isinstance(mask, ag.Tensor) else \
            np.pad(mask, ((0, 0),) * (mask.ndim - 1) + ((0, added),))

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


def _data(x):
    return x.data if isinstance(x, ag.Tensor) else x
