"""Matrix multiplication (batched, numpy's broadcasting over leading axes)."""
import numpy as np

from ..primitive import Primitive
from ._rules import tangent_sum, unbroadcast


class MatMul(Primitive):
    """out = x @ y for inputs of rank >= 2 (the `matmul` function handles rank 1)"""

    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)), rng.standard_normal((4, 2))), {}
        yield (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))), {}
        yield (rng.standard_normal((2, 1, 2, 3)), rng.standard_normal((3, 3, 2))), {}

    def forward(ctx, x, y):
        return np.matmul(x, y)

    def vjp(ctx, xp, g, out, x, y):
        dx = dy = None
        if ctx.needs[0]:
            dx = unbroadcast(xp.matmul(g, xp.swapaxes(y, -1, -2)), x.shape)
        if ctx.needs[1]:
            dy = unbroadcast(xp.matmul(xp.swapaxes(x, -1, -2), g), y.shape)
        return dx, dy

    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        return tangent_sum(None if dx is None else np.matmul(dx, y), None if dy is None else np.matmul(x, dy))

    def flops(out, x, y):
        return 2 * out.size * x.shape[-1]
