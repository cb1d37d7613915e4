"""Windows over the last two axes, the primitives behind convolution and average pooling.

`SlidingWindow` turns (N, C, H, W) into (N, C, OH, OW, kh, kw) as a strided view
(no copy); `WindowAdjoint` adds such windows back into an image. `Im2col` lays the
windows out as the columns of a matrix (a copy) and `Col2im` adds columns back. Each
primitive of a pair is the other's VJP, and all are linear: no JVP rules to write.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..primitive import Primitive


def window_output_size(size, kernel, stride):
    return (size - kernel) // stride + 1


def output_hw(shape, kernel, stride, padding):
    """(OH, OW) of a window op over the last two axes of `shape`, with zero padding on each side."""
    return tuple(window_output_size(s + 2 * p, k, st) for s, k, st, p in zip(shape[-2:], kernel, stride, padding))


class SlidingWindow(Primitive):
    """out[n, c, i, j, a, b] = x[n, c, i*sh + a, j*sw + b]"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 5, 5)),), {"kernel": (3, 3), "stride": (1, 1)}
        yield (rng.standard_normal((1, 2, 6, 7)),), {"kernel": (2, 3), "stride": (2, 2)}

    @staticmethod
    def forward(ctx, x, kernel, stride):
        sh, sw = stride
        return sliding_window_view(x, kernel, axis=(-2, -1))[..., ::sh, ::sw, :, :]

    @staticmethod
    def batch_params(batch, x, kernel, stride):
        return {"kernel": kernel, "stride": stride}

    @staticmethod
    def vjp(ctx, xp, g, out, x, kernel, stride):
        return (xp.window_adjoint(g, shape=x.shape, kernel=kernel, stride=stride),)

    @staticmethod
    def flops(out, x, kernel, stride):
        return 0


class WindowAdjoint(Primitive):
    """out = image of `shape` where each window of g is added back at its place"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 3, 3, 3, 3)),), {"shape": (2, 3, 5, 5), "kernel": (3, 3), "stride": (1, 1)}
        yield (rng.standard_normal((1, 2, 3, 3, 2, 3)),), {"shape": (1, 2, 6, 7), "kernel": (2, 3), "stride": (2, 2)}

    @staticmethod
    def forward(ctx, g, shape, kernel, stride):
        out = np.zeros(shape, dtype=g.dtype)
        (kh, kw), (sh, sw) = kernel, stride
        oh, ow = g.shape[-4], g.shape[-3]
        for a in range(kh):
            for b in range(kw):
                out[..., a:a + sh * (oh - 1) + 1:sh, b:b + sw * (ow - 1) + 1:sw] += g[..., a, b]
        return out

    @staticmethod
    def batch_params(batch, g, shape, kernel, stride):
        return {"shape": (batch,) + tuple(shape), "kernel": kernel, "stride": stride}

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape, kernel, stride):
        return (xp.sliding_window(g, kernel=kernel, stride=stride),)


class Im2col(Primitive):
    """cols[(c, a, b), (n, i, j)] = x_padded[n, c, i*sh + a, j*sw + b]: every window of x as a column.

    Reason: speed. A convolution becomes one matrix product, weight (O, C*kh*kw) @ cols.
    Rows in (c, a, b) order and columns in (n, i, j) order make the copy move whole
    contiguous image rows, where windows laid out (N, OH, OW, C, kh, kw) move runs of kw.
    """

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 4, 5)),), {"kernel": (3, 3), "stride": (1, 1), "padding": (1, 1)}
        yield (rng.standard_normal((1, 2, 7, 6)),), {"kernel": (2, 3), "stride": (2, 3), "padding": (0, 1)}

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        n, c, h, w = x.shape
        (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
        image = x.transpose(1, 0, 2, 3)
        if ph or pw:
            image = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
            image[:, :, ph:ph + h, pw:pw + w] = x.transpose(1, 0, 2, 3)
        win = sliding_window_view(image, kernel, axis=(2, 3))[:, :, ::sh, ::sw]
        return win.transpose(0, 4, 5, 1, 2, 3).reshape(c * kh * kw, -1)

    @staticmethod
    def vjp(ctx, xp, g, out, x, kernel, stride, padding):
        return (xp.col2im(g, shape=x.shape, kernel=kernel, stride=stride, padding=padding),)

    @staticmethod
    def flops(out, x, kernel, stride, padding):
        return 0


class Col2im(Primitive):
    """out = the (N, C, H, W) image whose padded version gets each column of g added back at its window"""

    linear = True
    saves = ()  # the VJP reads no values, only shapes

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((27, 40)),), {"shape": (2, 3, 4, 5), "kernel": (3, 3), "stride": (1, 1),
                                                  "padding": (1, 1)}
        yield (rng.standard_normal((12, 6)),), {"shape": (1, 2, 7, 6), "kernel": (2, 3), "stride": (2, 3),
                                                 "padding": (0, 1)}

    @staticmethod
    def forward(ctx, g, shape, kernel, stride, padding):
        n, c, h, w = shape
        (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
        oh, ow = output_hw(shape, kernel, stride, padding)
        cols = g.reshape(c, kh, kw, n, oh, ow)
        image = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=g.dtype)
        for a in range(kh):
            for b in range(kw):
                image[:, :, a:a + sh * (oh - 1) + 1:sh, b:b + sw * (ow - 1) + 1:sw] += cols[:, a, b]
        return image[:, :, ph:ph + h, pw:pw + w].transpose(1, 0, 2, 3)

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape, kernel, stride, padding):
        return (xp.im2col(g, kernel=kernel, stride=stride, padding=padding),)
