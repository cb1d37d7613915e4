"""Layer normalization with an affine as one primitive: (x - μ) / √(σ² + eps) · weight + bias over the trailing axes.

Reason: speed (two in every transformer block). Composed, it is 8 ops, each of whose VJPs
reads and writes the whole activation; here forward keeps x̂ and 1/σ, and the VJP is the
three-term formula of hand-written code. That VJP runs on numpy only: create_graph
differentiates the declared composed form. The JVP is written against `xp` from the inputs.
"""
import math

import numpy as np

from ..primitive import Primitive
from ._rules import sum_last, tangent_sum, unbroadcast


def _stats(x, axes, eps):
    """(x - μ, 1 / √(σ² + eps)) over `axes`, the biased variance; numpy arrays or Tensors alike."""
    centered = x - x.mean(axis=axes, keepdims=True)
    return centered, ((centered * centered).mean(axis=axes, keepdims=True) + eps) ** -0.5


def _mean_last(a, dims):
    """The mean of numpy array `a` over its last `dims` axes, kept as size-1 axes (through BLAS: `sum_last`)."""
    means = sum_last(a, dims)
    means /= math.prod(a.shape[a.ndim - dims:])
    return means


class LayerNorm(Primitive):
    """out = (x - μ) / √(σ² + eps) · w + b, μ and σ² over the last `dims` axes of x; w and b of those axes' shape

    The normalized axes count from the end, so a leading batch axis (jacfwd's tangents, vmap's
    examples) broadcasts through the rules.
    """

    batched = "broadcast"
    saves = ("inputs",)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(4)), {"dims": 1, "eps": 1e-5}
        yield ((rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))),
               {"dims": 2, "eps": 1e-3})

    @staticmethod
    def forward(ctx, x, w, b, dims=1, eps=1e-5):
        xhat = x - _mean_last(x, dims)  # _stats, with faster means
        rstd = _mean_last(np.square(xhat), dims)
        rstd += eps
        rstd **= -0.5
        xhat *= rstd
        if ctx is not None:
            ctx.xhat, ctx.rstd = xhat, rstd
        out = xhat * w
        out += b
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, w, b, dims=1, eps=1e-5):
        xhat = ctx.xhat
        needs_x, needs_w, needs_b = ctx.needs
        dx = dw = db = None
        if needs_x:  # (ĝ - mean ĝ - x̂ mean(ĝ x̂)) / σ, ĝ = g w, in place on ĝ
            dx = g * w
            second = _mean_last(dx * xhat, dims)
            dx -= _mean_last(dx, dims)
            dx -= xhat * second
            dx *= ctx.rstd
        if needs_w:
            dw = unbroadcast(g * xhat, w.shape)
        if needs_b:
            db = unbroadcast(g, b.shape)
        return dx, dw, db

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w, b, dims=1, eps=1e-5):
        dx, dw, db = ts
        axes = tuple(range(-dims, 0))
        centered, rstd = _stats(x, axes, eps)
        xhat = centered * rstd
        dxhat = None if dx is None else (
            dx - dx.mean(axis=axes, keepdims=True) - xhat * (dx * xhat).mean(axis=axes, keepdims=True)) * rstd * w
        return tangent_sum(dxhat, None if dw is None else xhat * dw, db)

    @staticmethod
    def composed(xp, x, w, b, dims=1, eps=1e-5):
        centered, rstd = _stats(x, tuple(range(-dims, 0)), eps)
        return centered * rstd * w + b

    @staticmethod
    def flops(out, x, w, b, dims=1, eps=1e-5):
        return 8 * x.size
