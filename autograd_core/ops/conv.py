"""2-D convolution as one primitive: im2col columns and one matrix product.

Reason: speed. Composed, a convolution records six ops (weight reshape, Im2col, a
transpose, Affine, reshape, transpose); fused it is one node, and its VJP is the two
products and the col2im that hand-written code does. The composed form,
`conv2d_composed`, is what create_graph differentiates.
"""
import numpy as np

from ..primitive import Primitive
from ._rules import tangent_sum
from .window import Col2im, Im2col, output_hw


class Conv2d(Primitive):
    """out[n, o, i, j] = b[o] + Σ_{c,a,b} w[o, c, a, b] · x_padded[n, c, i*sh + a, j*sw + b]

    x (N, C, H, W), w (O, C, kh, kw), b (O,) or None; the output is a (N, O, OH, OW) view
    of channel-major (O, N, OH, OW) memory, which pooling and the gradients keep.
    """

    saves = ("inputs",)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)), \
            {"stride": (1, 1), "padding": (1, 1)}
        yield (rng.standard_normal((1, 2, 7, 6)), rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(3)), \
            {"stride": (2, 3), "padding": (0, 1)}

    @staticmethod
    def forward(ctx, x, w, b, stride, padding):
        cols = Im2col.forward(None, x, w.shape[2:], stride, padding)
        out = np.matmul(w.reshape(len(w), -1), cols)
        if b is not None:
            out += b[:, None]
        if ctx is not None:
            ctx.cols = cols
        return out.reshape((len(w), len(x)) + output_hw(x.shape, w.shape[2:], stride, padding)).transpose(1, 0, 2, 3)

    @staticmethod
    def vjp(ctx, xp, g, out, x, w, b, stride, padding):
        g_rows = g.transpose(1, 0, 2, 3).reshape(len(w), -1)  # a view of channel-major g
        w_rows = w.reshape(len(w), -1)
        dx = dw = db = None
        if ctx.needs[0]:
            dx = Col2im.forward(None, np.matmul(w_rows.T, g_rows), x.shape, w.shape[2:], stride, padding)
        if ctx.needs[1]:
            dw = np.matmul(g_rows, ctx.cols.T).reshape(w.shape)
        if b is not None and ctx.needs[2]:
            db = g_rows.sum(axis=1)
        return dx, dw, db

    @staticmethod
    def jvp(ctx, xp, ts, out, x, w, b, stride, padding):
        dx, dw, db = ts
        return tangent_sum(None if dx is None else xp.conv2d(dx, w, None, stride, padding),
                           None if dw is None else xp.conv2d(x, dw, None, stride, padding),
                           None if db is None else db.reshape(-1, 1, 1))

    @staticmethod
    def flops(out, x, w, b, stride, padding):
        return 2 * out.size * w[0].size

    @staticmethod
    def composed(xp, x, w, b, stride=(1, 1), padding=(0, 0)):
        """The same convolution as engine ops: Im2col, one Affine, reshapes (the teaching form)."""
        out_c, (oh, ow) = w.shape[0], output_hw(x.shape, w.shape[2:], stride, padding)
        cols = xp.im2col(x, w.shape[2:], stride, padding)
        out = xp.affine(cols.T, w.reshape(out_c, -1), b)
        return out.reshape(x.shape[0], oh, ow, out_c).transpose(0, 3, 1, 2)


conv2d_composed = Conv2d.composed  # the composed form by name: conv2d_composed(xp, x, w, b, stride, padding)
