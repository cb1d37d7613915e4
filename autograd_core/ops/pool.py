"""Max pooling as a primitive, and the pair of linear ops that route values by window position.

`MaxPool2d`'s gradient goes to the first maximum of each window (PyTorch's tie rule).
Its VJP finds it by comparing the window's taps with the output. Forward mode and the
declared composed form (what create_graph differentiates) use the positions as an index,
`first_maximum_index`: `WindowGather` reads x at those positions and `WindowScatter`
writes g back to them, each the other's VJP, so grad of grad comes for free.
"""
import numpy as np

from ..primitive import Primitive
from ._rules import all_finite, masked
from .window import output_hw


def _padded(x, padding, value):
    """x (..., H, W) with `padding` rows/columns of `value` on each side (x itself when there are none)."""
    ph, pw = padding
    if not (ph or pw):
        return x
    out = np.full(x.shape[:-2] + (x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw), value, dtype=x.dtype)
    out[..., ph:out.shape[-2] - ph, pw:out.shape[-1] - pw] = x
    return out


def _taps(image, out_hw, kernel, stride):
    """For each window position k = a * kw + b, the strided view image[..., i*sh + a, j*sw + b] over (i, j)."""
    (oh, ow), (kh, kw), (sh, sw) = out_hw, kernel, stride
    return [image[..., a:a + sh * (oh - 1) + 1:sh, b:b + sw * (ow - 1) + 1:sw] for a in range(kh) for b in range(kw)]


def _zeros_laid_out_like(like, shape, dtype):
    """Zeros of `shape` whose axes are ordered in memory as `like`'s are: a channel-major
    convolution output keeps its layout through pooling's gradient."""
    order = sorted(range(like.ndim), key=lambda axis: -like.strides[axis])
    return np.zeros([shape[axis] for axis in order], dtype=dtype).transpose(np.argsort(order))


def _unpadded(image, padding):
    ph, pw = padding
    return image[..., ph:image.shape[-2] - ph, pw:image.shape[-1] - pw]


def _sample_index(rng, out_shape, kernel):
    return rng.integers(0, kernel[0] * kernel[1], size=out_shape).astype(np.uint8)


class MaxPool2d(Primitive):
    """out[..., i, j] = max of x (padded with -inf) over the window at (i, j)

    Forward keeps nothing but the output: the backward finds each window's first maximum
    by comparing its taps with the output, which costs a few boolean passes, fewer than
    recording an index in forward.
    """

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 4, 6)),), {"kernel": (2, 2), "stride": (2, 2), "padding": (0, 0)}
        yield (rng.standard_normal((1, 2, 5, 5)),), {"kernel": (3, 3), "stride": (2, 1), "padding": (1, 1)}
        yield (rng.standard_normal((2, 7, 5)),), {"kernel": (2, 3), "stride": (3, 2), "padding": (1, 0)}

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        taps = _taps(_padded(x, padding, -np.inf), output_hw(x.shape, kernel, stride, padding), kernel, stride)
        out = np.maximum(taps[0], taps[1]) if len(taps) > 1 else taps[0].copy(order="K")
        for tap in taps[2:]:
            np.maximum(out, tap, out=out)
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, kernel, stride, padding):
        return (_scatter_to_first_maximum(g, x, out, kernel, stride, padding),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, kernel, stride, padding):
        index = first_maximum_index(x, out, kernel, stride, padding)
        return WindowGather.forward(None, ts[0], index=index, kernel=kernel, stride=stride, padding=padding)

    @staticmethod
    def flops(out, x, kernel, stride, padding):
        return out.size * (kernel[0] * kernel[1] - 1)

    @staticmethod
    def composed(xp, x, kernel, stride, padding):
        # each window's first maximum, gathered: linear in x once the positions are fixed
        out = MaxPool2d.forward(None, x.data, kernel, stride, padding)
        return xp.window_gather(x, first_maximum_index(x.data, out, kernel, stride, padding), kernel, stride, padding)


def _scatter_to_first_maximum(g, x, out, kernel, stride, padding):
    """An image shaped like x holding g[..., i, j] at the first maximum of window (i, j), zeros elsewhere."""
    taps = _taps(_padded(x, padding, -np.inf), out.shape[-2:], kernel, stride)
    return _route(_laid_out_like(out, g), _first_maxima(taps, out), x.shape, kernel, stride, padding)


def _first_maxima(taps, out):
    """For each window position k in row-major order, the mask of windows whose first maximum sits at k.

    A window holding NaN has NaN as its maximum and its first NaN as the position, as in PyTorch.
    """
    nan = not all_finite(out) and np.isnan(out).any()
    unclaimed = np.ones(out.shape, dtype=bool)
    for tap in taps:
        first = tap == out
        if nan:
            first |= np.isnan(tap)
        first &= unclaimed
        unclaimed ^= first
        yield first


def _route(g, masks, shape, kernel, stride, padding):
    """An image of `shape` holding g[..., i, j] at position k of window (i, j) where masks[k] holds, zeros elsewhere."""
    image = _zeros_laid_out_like(g, shape[:-2] + tuple(s + 2 * p for s, p in zip(shape[-2:], padding)), g.dtype)
    overwrite = all(s >= k for s, k in zip(stride, kernel)) and all_finite(g)
    for mask, dst in zip(masks, _taps(image, g.shape[-2:], kernel, stride)):
        if overwrite:
            np.multiply(g, mask, out=dst)  # dst = g * mask: windows do not overlap, so no sum and no temporary
        else:
            dst += masked(g, mask)  # masked: exactly 0 off the mask even where g is inf or NaN
    return _unpadded(image, padding)


def _laid_out_like(like, g):
    """g in `like`'s memory order (one small copy if it differs): passes over mixed layouts are several times slower."""
    if g.strides == like.strides:
        return g
    aligned = np.empty_like(like, dtype=g.dtype)
    aligned[...] = g
    return aligned


def first_maximum_index(x, out, kernel, stride, padding):
    """For each output, the position a * kw + b of its window's first maximum (first NaN if any)."""
    taps = _taps(_padded(x, padding, -np.inf), out.shape[-2:], kernel, stride)
    index = np.zeros_like(out, dtype=np.uint8 if len(taps) < 256 else np.int64)
    for k, first in enumerate(_first_maxima(taps, out)):
        index += first * index.dtype.type(k)
    return index


class WindowGather(Primitive):
    """out[..., i, j] = x_padded[..., i*sh + a, j*sw + b] where index[..., i, j] = a * kw + b"""

    linear = True

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 4, 6)),), {"index": _sample_index(rng, (2, 3, 2, 3), (2, 2)),
                                                     "kernel": (2, 2), "stride": (2, 2), "padding": (0, 0)}
        yield (rng.standard_normal((1, 2, 5, 5)),), {"index": _sample_index(rng, (1, 2, 3, 5), (3, 3)),
                                                     "kernel": (3, 3), "stride": (2, 1), "padding": (1, 1)}

    @staticmethod
    def forward(ctx, x, index, kernel, stride, padding):
        taps = _taps(_padded(x, padding, 0), index.shape[-2:], kernel, stride)
        out = np.zeros_like(index, dtype=x.dtype)
        for k, tap in enumerate(taps):
            np.copyto(out, tap, where=index == k)
        return out

    @staticmethod
    def vjp(ctx, xp, g, out, x, index, kernel, stride, padding):
        return (xp.window_scatter(g, shape=x.shape, index=index, kernel=kernel, stride=stride, padding=padding),)

    @staticmethod
    def flops(out, x, index, kernel, stride, padding):
        return 0


class WindowScatter(Primitive):
    """out = zeros(shape) with g[..., i, j] added at position index[..., i, j] of window (i, j): adjoint of WindowGather"""

    linear = True

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((2, 3, 2, 3)),), {"shape": (2, 3, 4, 6), "index": _sample_index(rng, (2, 3, 2, 3), (2, 2)),
                                                     "kernel": (2, 2), "stride": (2, 2), "padding": (0, 0)}
        yield (rng.standard_normal((1, 2, 3, 5)),), {"shape": (1, 2, 5, 5), "index": _sample_index(rng, (1, 2, 3, 5), (3, 3)),
                                                     "kernel": (3, 3), "stride": (2, 1), "padding": (1, 1)}

    @staticmethod
    def forward(ctx, g, shape, index, kernel, stride, padding):
        masks = (index == k for k in range(kernel[0] * kernel[1]))
        return _route(_laid_out_like(index, g), masks, shape, kernel, stride, padding)

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape, index, kernel, stride, padding):
        return (xp.window_gather(g, index=index, kernel=kernel, stride=stride, padding=padding),)

    @staticmethod
    def flops(out, g, shape, index, kernel, stride, padding):
        return 0
