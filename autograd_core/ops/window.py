"""Sliding windows over the last two axes: the primitive behind convolution and pooling.

`SlidingWindow` turns (N, C, H, W) into (N, C, OH, OW, kh, kw) as a strided view
(no copy); `WindowAdjoint` adds such windows back into an image. Each is the other's
VJP, and both are linear, so convolution and pooling need no rules of their own.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..primitive import Primitive


def window_output_size(size, kernel, stride):
    return (size - kernel) // stride + 1


class SlidingWindow(Primitive):
    """out[n, c, i, j, a, b] = x[n, c, i*sh + a, j*sw + b]"""

    linear = True

    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 5, 5)),), {"kernel": (3, 3), "stride": (1, 1)}
        yield (rng.standard_normal((1, 2, 6, 7)),), {"kernel": (2, 3), "stride": (2, 2)}

    def forward(ctx, x, kernel, stride):
        sh, sw = stride
        return sliding_window_view(x, kernel, axis=(-2, -1))[..., ::sh, ::sw, :, :]

    def vjp(ctx, xp, g, out, x, kernel, stride):
        return (xp.window_adjoint(g, shape=x.shape, kernel=kernel, stride=stride),)

    def flops(out, x, kernel, stride):
        return 0


class WindowAdjoint(Primitive):
    """out = image of `shape` where each window of g is added back at its place"""

    linear = True

    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 3, 3, 3, 3)),), {"shape": (2, 3, 5, 5), "kernel": (3, 3), "stride": (1, 1)}
        yield (rng.standard_normal((1, 2, 3, 3, 2, 3)),), {"shape": (1, 2, 6, 7), "kernel": (2, 3), "stride": (2, 2)}

    def forward(ctx, g, shape, kernel, stride):
        out = np.zeros(shape, dtype=g.dtype)
        (kh, kw), (sh, sw) = kernel, stride
        oh, ow = g.shape[-4], g.shape[-3]
        for a in range(kh):
            for b in range(kw):
                out[..., a:a + sh * (oh - 1) + 1:sh, b:b + sw * (ow - 1) + 1:sw] += g[..., a, b]
        return out

    def vjp(ctx, xp, g, out, x, shape, kernel, stride):
        return (xp.sliding_window(g, kernel=kernel, stride=stride),)
