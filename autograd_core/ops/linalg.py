"""Matrix multiplication (batched, numpy's broadcasting over leading axes)."""
import numpy as np

from ..primitive import Primitive
from ._rules import tangent_sum, unbroadcast


def _is_transposed(a):
    """A 2-D array laid out column by column (a transposed view); a hint for layouts only.

    Under vmap's recording the rules see Tensors (`tracing_ops.value`): the layout is read from their data."""
    if type(a) is not np.ndarray:
        a = a.data
    return a.ndim == 2 and a.strides[0] < a.strides[1]


class MatMul(Primitive):
    """out = x @ y for inputs of rank >= 2, or a matrix x times a vector y (`matmul` handles other rank-1 cases)"""

    batched = "broadcast"  # a tangent batch aligned to the output's rank broadcasts over matmul's leading axes

    saves = ("inputs",)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 4)), rng.standard_normal((4, 2))), {}
        yield (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))), {}
        yield (rng.standard_normal((2, 1, 2, 3)), rng.standard_normal((3, 3, 2))), {}
        yield (rng.standard_normal((3, 4)), rng.standard_normal(4)), {}

    @staticmethod
    def forward(ctx, x, y):
        if x.ndim > 2 and y.ndim == 2:
            # NOTE: one large matrix product instead of numpy looping over the leading axes
            return np.matmul(x.reshape(-1, x.shape[-1]), y).reshape(x.shape[:-1] + (y.shape[-1],))
        return np.matmul(x, y)

    @staticmethod
    def vjp(ctx, xp, g, out, x, y):
        dx = dy = None
        if ctx.needs[0] and y.ndim == 1:
            dx = xp.matmul(g.reshape(-1, 1), y.reshape(1, -1))
        elif ctx.needs[0]:
            dx = unbroadcast(xp.matmul(g, xp.swapaxes(y, -1, -2)), x.shape)
        if ctx.needs[1]:
            if y.ndim == 2:
                x2 = x.reshape(-1, x.shape[-1]) if x.ndim > 2 else x
                g2 = g.reshape(-1, g.shape[-1]) if g.ndim > 2 else g
                if _is_transposed(xp.value(y)):
                    # NOTE: y is a transposed view (Linear's weight.T): produce its gradient in the
                    # same layout, so the weight's own gradient comes out C-contiguous
                    dy = xp.swapaxes(xp.matmul(xp.swapaxes(g2, 0, 1), x2), 0, 1)
                else:
                    dy = xp.matmul(xp.swapaxes(x2, 0, 1), g2)
            else:
                dy = unbroadcast(xp.matmul(xp.swapaxes(x, -1, -2), g), y.shape)
        return dx, dy

    @staticmethod
    def jvp(ctx, xp, ts, out, x, y):
        dx, dy = ts
        if dy is not None and y.ndim == 1:
            # NOTE: dy @ xᵀ, not x @ dy: the same product, and right for a batch of tangent vectors (B, n) too
            return tangent_sum(None if dx is None else xp.matmul(dx, y), xp.matmul(dy, xp.swapaxes(x, -1, -2)))
        return tangent_sum(None if dx is None else xp.matmul(dx, y), None if dy is None else xp.matmul(x, dy))

    @staticmethod
    def flops(out, x, y):
        return 2 * out.size * x.shape[-1]


class Affine(Primitive):
    """out = x @ wᵀ + b for x (..., in), w (out, in), b broadcastable to the output.

    Reason: speed. It is the op of every Linear layer, RNN step and convolution; as one
    primitive it needs no transposed view of w, no separate addition, and w's gradient
    comes out in w's own layout.
    """

    batched = "broadcast"
    saves = ("inputs",)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)), {}
        yield (rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((3, 5))), {}
        yield (rng.standard_normal(3), rng.standard_normal((2, 3)), rng.standard_normal(2)), {}
        yield (np.asfortranarray(rng.standard_normal((5, 3))), rng.standard_normal((2, 3)), rng.standard_normal(2)), {}

    @staticmethod
    def forward(ctx, x, w, b):
        if w.ndim != 2 or not x.ndim or x.shape[-1] != w.shape[1]:
            raise ValueError(f"input of shape {x.shape} does not match weight of shape {w.shape} "
                             f"(expected a weight (out_features, {x.shape[-1] if x.ndim else '?'}))")
        if x.ndim == 2:
            out = np.matmul(x, w.T)
        else:
            out = np.matmul(x.reshape(-1, x.shape[-1]), w.T).reshape(x.shape[:-1] + (w.shape[0],))
        if b is not None:
            out += b
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, w, b):
        needs_x, needs_w, needs_b = ctx.needs
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        dx = dw = db = None
        if needs_x:
            dx = xp.matmul(g2, w) if x.ndim == 2 else xp.matmul(g2, w).reshape(x.shape)
        if needs_w:
            dw = xp.matmul(g2.T, x if x.ndim == 2 else x.reshape(-1, x.shape[-1]))
        if needs_b:
            # NOTE: lengths, not shapes: building shape tuples costs more than a small layer's sum;
            # ones @ g2 sums the rows through BLAS, 2-3 times faster than numpy's sum over axis 0
            db = np.ones(len(g2), g2.dtype) @ g2 if b.ndim == 1 and len(b) == len(w) else unbroadcast(g, b.shape)
        return dx, dw, db

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w, b):
        dx, dw, db = ts
        return tangent_sum(None if dx is None else xp.matmul(dx, xp.swapaxes(w, -1, -2)),
                           None if dw is None else xp.matmul(x, xp.swapaxes(dw, -1, -2)), db)

    @staticmethod
    def flops(out, x, w, b):
        return 2 * out.size * w.shape[1]
