"""Max pooling as a primitive, and the pair of linear ops that route values by window position.

`MaxPool2d`'s gradient goes to the first maximum of each window (PyTorch's tie rule).
Its numpy VJP finds it by comparing the window's taps with the output; the index form,
`first_maximum_index`, serves forward mode and create_graph: `WindowGather` reads x at
those positions and `WindowScatter` writes g back to them, each the other's VJP, so
grad of grad comes for free.
"""
import numpy as np

from ..primitive import Primitive
from ._rules import all_finite
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


def _zeros_laid_out_like(like, shape, dtype, empty=False):
    """Zeros (or, with `empty`, an uninitialized array) of `shape` whose axes are ordered in memory as
    `like`'s are: a channel-major convolution output keeps its layout through pooling's gradient."""
    order = sorted(range(like.ndim), key=lambda axis: -like.strides[axis])
    array = (np.empty if empty else np.zeros)([shape[axis] for axis in order], dtype=dtype)
    return array.transpose(np.argsort(order))


def _unpadded(image, padding):
    ph, pw = padding
    return image[..., ph:image.shape[-2] - ph, pw:image.shape[-1] - pw]


def _sample_index(rng, out_shape, kernel):
    return rng.integers(0, kernel[0] * kernel[1], size=out_shape).astype(np.uint8)


class MaxPool2d(Primitive):
    """out[..., i, j] = max of x (padded with -inf) over the window at (i, j)

    Forward keeps nothing but the output: the backward finds each window's first maximum
    by comparing its taps with the output, which costs a few boolean passes, fewer than
    recording an index in forward. JVP and create_graph use the index form.
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
        if xp.name == "numpy" and all_finite(out):
            return (_scatter_to_first_maximum(g, x, out, kernel, stride, padding),)
        index = first_maximum_index(xp.value(x), xp.value(out), kernel, stride, padding)
        return (xp.window_scatter(g, shape=x.shape, index=index, kernel=kernel, stride=stride, padding=padding),)

    @staticmethod
    def jvp(ctx, xp, ts, out, x, kernel, stride, padding):
        index = first_maximum_index(x, out, kernel, stride, padding)
        return WindowGather.forward(None, ts[0], index=index, kernel=kernel, stride=stride, padding=padding)

    @staticmethod
    def flops(out, x, kernel, stride, padding):
        return out.size * (kernel[0] * kernel[1] - 1)


def _scatter_to_first_maximum(g, x, out, kernel, stride, padding):
    """g routed to each window's first element equal to its (finite) maximum, as an image shaped like x."""
    taps = _taps(_padded(x, padding, -np.inf), out.shape[-2:], kernel, stride)
    shape = x.shape[:-2] + tuple(s + 2 * p for s, p in zip(x.shape[-2:], padding))
    covered = stride == kernel and padding == (0, 0) and all(s % k == 0 for s, k in zip(x.shape[-2:], kernel))
    image = _zeros_laid_out_like(out, shape, g.dtype, empty=covered)
    disjoint = all(s >= k for s, k in zip(stride, kernel))
    if g.strides != out.strides:
        # NOTE: g in out's memory order first (one small copy): mixed layouts make every pass below slow
        aligned = np.empty_like(out, dtype=g.dtype)
        aligned[...] = g
        g = aligned
    finite = all_finite(g)
    taken = None
    for tap, dst in zip(taps, _taps(image, out.shape[-2:], kernel, stride)):
        hit = tap == out
        if taken is None:
            taken = hit.copy()
        else:
            np.greater(hit, taken, out=hit)  # equal here and at no earlier position: hit and not taken
            taken |= hit
        if finite and disjoint:
            np.multiply(g, hit, out=dst)
        elif finite:
            dst += g * hit
        elif disjoint:
            dst[...] = np.where(hit, g, 0)  # exact 0 off the maximum even for inf/NaN in g
        else:
            dst += np.where(hit, g, 0)
    return _unpadded(image, padding)


def first_maximum_index(x, out, kernel, stride, padding):
    """For each output, the position a * kw + b of its window's first maximum (first NaN if any)."""
    taps = _taps(_padded(x, padding, -np.inf), out.shape[-2:], kernel, stride)
    index = np.zeros_like(out, dtype=np.uint8 if len(taps) < 256 else np.int64)
    k_of = index.dtype.type
    running = taps[0].copy(order="K")
    for k, tap in enumerate(taps[1:], 1):
        better = tap > running  # strictly greater: the first maximum keeps its index
        np.maximum(running, tap, out=running)
        # NOTE: k exceeds every index so far, so a maximum sets it where `better`; 4x faster than copyto(where=)
        np.maximum(index, better * k_of(k), out=index)
    if np.issubdtype(out.dtype, np.floating) and np.isnan(out).any():
        _point_at_first_nan(index, taps, out)
    return index


def _point_at_first_nan(index, taps, out):
    """PyTorch's rule for a window holding NaN: the output is NaN and the index is the first NaN's."""
    unset = np.isnan(out)
    for k, tap in enumerate(taps):
        hit = unset & np.isnan(tap)
        index[hit] = k
        unset &= ~hit


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
        ph, pw = padding
        image = _zeros_laid_out_like(index, shape[:-2] + (shape[-2] + 2 * ph, shape[-1] + 2 * pw), g.dtype)
        taps = _taps(image, g.shape[-2:], kernel, stride)
        disjoint = all(s >= k for s, k in zip(stride, kernel))
        finite = all_finite(g)
        for k, tap in enumerate(taps):
            if finite and disjoint:
                np.multiply(g, index == k, out=tap)
            elif finite:
                tap += g * (index == k)
            else:
                tap += np.where(index == k, g, 0)
        return _unpadded(image, padding)

    @staticmethod
    def vjp(ctx, xp, g, out, x, shape, index, kernel, stride, padding):
        return (xp.window_gather(g, index=index, kernel=kernel, stride=stride, padding=padding),)

    @staticmethod
    def flops(out, g, shape, index, kernel, stride, padding):
        return 0
