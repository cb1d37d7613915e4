"""Softmax cross-entropy as one primitive.

Reason: speed and stability. Composed, log-softmax followed by NLL records seven ops
and materializes log-probabilities; fused, the forward shifts by the row maximum once
and the VJP is simply (softmax − one_hot) · weight. nn's cross_entropy uses it for
(N, C) logits with class-index targets; other cases use the composed ops.
"""
import numpy as np

from ..primitive import Primitive


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class SoftmaxCrossEntropy(Primitive):
    """out[i] = weight[i] · (logsumexp(z[i]) − z[i, target[i]]) for logits z (N, C), integer targets (N,)"""

    nondiff = (1,)

    def sample_inputs(rng):
        yield (rng.standard_normal((4, 3)), np.array([0, 2, 2, 1])), {"weight": np.ones(4)}
        yield (rng.standard_normal((5, 6)) * 3, np.array([5, 0, 1, 1, 3])), {"weight": rng.uniform(0.5, 2, 5)}

    def forward(ctx, z, target, weight):
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        if ctx is not None:
            ctx.probs = e / total
        rows = np.arange(len(target))
        return (np.log(total[:, 0]) - shifted[rows, target]) * weight

    def vjp(ctx, xp, g, out, z, target, weight):
        probs = ctx.probs if xp.name == "numpy" else xp.softmax(z, 1)
        onehot = np.zeros(z.shape, dtype=xp.value(z).dtype)
        onehot[np.arange(len(target)), target] = 1
        return (probs - onehot) * (g * weight).reshape(-1, 1), None

    def jvp(ctx, xp, ts, out, z, target, weight):
        dz = ts[0]
        rows = np.arange(len(target))
        return ((ctx.probs * dz).sum(axis=1) - dz[rows, target]) * weight

    def flops(out, z, target, weight):
        return 5 * z.size
