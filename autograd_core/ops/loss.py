"""Softmax cross-entropy as one primitive.

Reason: speed and stability. Composed, log-softmax followed by NLL records seven ops
and materializes log-probabilities; fused, the forward shifts by the row maximum once
and the VJP is simply (softmax − one_hot) · weight. nn's cross_entropy uses it for
(N, C) logits with class-index targets; other cases use the composed ops.
"""
import numpy as np

from ..primitive import Primitive


class SoftmaxCrossEntropy(Primitive):
    """loss[i] = weight[i] · (logsumexp(z[i]) − z[i, target[i]]) for logits z (N, C), integer targets (N,).

    weight None means all ones. With `scale` given, the output is the scalar scale · Σ_i loss[i]
    (a mean is scale = 1 / Σ weight): one node for the whole loss instead of three.
    """

    nondiff = (1,)
    saves = ("inputs",)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((4, 3)), np.array([0, 2, 2, 1])), {"weight": None, "scale": None}
        yield (rng.standard_normal((5, 6)) * 3, np.array([5, 0, 1, 1, 3])), {"weight": rng.uniform(0.5, 2, 5),
                                                                           "scale": None}
        yield (rng.standard_normal((4, 3)), np.array([1, 0, 2, 1])), {"weight": None, "scale": 0.25}
        yield (rng.standard_normal((3, 4)), np.array([3, 3, 0])), {"weight": rng.uniform(0.5, 2, 3), "scale": 0.7}

    @staticmethod
    def forward(ctx, z, target, weight=None, scale=None):
        rows = np.arange(len(target))
        shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)
        picked = shifted[rows, target]
        probs = np.exp(shifted, out=shifted)
        total = np.add.reduce(probs, axis=1)
        loss = np.log(total)
        loss -= picked
        if ctx is not None:
            probs /= total[:, None]
            ctx.probs, ctx.rows = probs, rows
        if weight is not None:
            loss *= weight
        return loss if scale is None else np.asarray(np.add.reduce(loss) * scale, dtype=loss.dtype)

    @staticmethod
    def vjp(ctx, xp, g, out, z, target, weight=None, scale=None):
        factor = _row_factor(g, weight, scale)
        column = factor if factor.ndim == 0 else factor.reshape(-1, 1)
        dz = ctx.probs * column
        dz[ctx.rows, target] -= factor
        return dz, None

    @staticmethod
    def jvp(ctx, xp, ts, out, z, target, weight=None, scale=None):
        dz = ts[0]
        # NOTE: recomputed through xp, not read from ctx.probs: inside another transform the
        # softmax must be built from engine ops, so that the tangent is itself differentiable
        probs = xp.softmax(z, 1)
        per_row = (probs * dz).sum(axis=-1) - dz[..., ctx.rows, xp.value(target)]
        if weight is not None:
            per_row = per_row * weight
        return per_row if scale is None else per_row.sum(axis=-1) * scale

    @staticmethod
    def flops(out, z, target, weight=None, scale=None):
        return 5 * z.size

    @staticmethod
    def composed(xp, z, target, weight=None, scale=None):
        target = xp.value(target)
        loss = xp.logsumexp(z, 1) - xp.getitem(z, (np.arange(len(target)), target))
        if weight is not None:
            loss = loss * weight
        return loss if scale is None else xp.sum(loss) * scale


def _row_factor(g, weight, scale):
    """Each row's factor in the VJP, the cotangent of its loss times its weight (and the scale): a scalar or (N,)."""
    if scale is not None:
        g = g * scale
    return g if weight is None else g * weight
