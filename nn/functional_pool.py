"""Pooling and resizing beyond the fused defaults (re-exported by `nn.functional`), composed from engine ops.

Max pooling with dilation, ceil_mode or return_indices (and adaptive max pooling) finds each window's
first maximum (its last NaN, if any, as PyTorch's CPU kernels) in numpy, then gathers it: the gradient
goes to that one position, as in PyTorch.
Average pooling with its options sums sliding windows and divides by PyTorch's per-window count;
adaptive average pooling and (bi)linear resizing are one small matrix per spatial axis; nearest
resizing is an index gather. The default max_pool2d / avg_pool2d calls keep their fused paths.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import autograd_core as ag
from autograd_core.grad_mode import STATE, report_untraced
from autograd_core.tensor import shared_tensor
from autograd_core.ops import getitem, sliding_window

from .functional import _as_tensor
from .functional import avg_pool2d as fused_avg_pool2d  # the default paths, bound before nn.functional rebinds them
from .functional import max_pool2d as fused_max_pool2d


def _tuple(v, n, what):
    out = (v,) * n if isinstance(v, (int, np.integer)) else tuple(v)
    if len(out) != n or any(int(p) != p for p in out):
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {v!r}")
    return tuple(int(p) for p in out)


def _pooled_size(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling_output_shape: with ceil_mode the last window must still start inside the input or left pad."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _geometry(x, kernel_size, stride, padding, dilation, ceil_mode, what, n=2):
    """Checked (kernel, stride, padding, dilation, output size) over the last n dims of x."""
    kernel = _tuple(kernel_size, n, f"{what} kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else _tuple(stride, n, f"{what} stride")
    padding, dilation = _tuple(padding, n, f"{what} padding"), _tuple(dilation, n, f"{what} dilation")
    if x.ndim not in (n + 1, n + 2):
        raise ValueError(f"{what}: expected a {n + 1}-D or {n + 2}-D input, got shape {tuple(x.shape)}")
    if min(kernel) <= 0 or min(stride) <= 0 or min(dilation) <= 0:
        raise RuntimeError(f"{what}: kernel_size, stride and dilation must be greater than zero, got kernel_size="
                           f"{kernel}, stride={stride}, dilation={dilation}")
    for k, p, d in zip(kernel, padding, dilation):
        if not 0 <= p <= ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    out = tuple(_pooled_size(size, k, s, p, d, ceil_mode)
                for size, k, s, p, d in zip(x.shape[-n:], kernel, stride, padding, dilation))
    if min(out) < 1:
        raise RuntimeError(f"{what}: given input size {tuple(x.shape)}, the calculated output size {out} is too small")
    return kernel, stride, padding, dilation, out


def _traced_index(index, name, x, **params):
    """The maxima's positions as a Tensor; while ONNX export traces, it is reported as an op of x (`name`, `params`),
    so the file computes the positions from its input instead of holding these."""
    out = shared_tensor(index.astype(np.int64, copy=False))
    return report_untraced(name, (x,), params, out) if STATE.observers else out


def _gather_maxima(x, index):
    """x (..., H, W) read at flat positions `index` (..., OH, OW), a Tensor, of each image: the pooled values,
    linear in x."""
    lead, (h, w) = tuple(x.shape[:-2]), tuple(x.shape[-2:])
    images = int(np.prod(lead))
    flat = x.reshape(images, h * w)
    picked = getitem(flat, (np.arange(images)[:, None], index.reshape(images, -1).data))
    return picked.reshape(lead + tuple(index.shape[-2:]))


def _first_maximum(taps):
    """Position along the last axis of the first maximum, or of the LAST NaN where there is one (PyTorch's CPU
    loop takes every NaN it meets: `val > max || isnan(val)`)."""
    first = np.argmax(taps, axis=-1)  # numpy's argmax stops at the first NaN
    nan = np.isnan(taps)
    if nan.any():
        last_nan = taps.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        first = np.where(nan.any(axis=-1), last_nan, first)
    return first


def _window_argmax(image, kernel, stride, padding, dilation, out_hw):
    """For each window, the flat index h * W + w (in the unpadded image) of its first maximum (see _first_maximum)."""
    (h, w), (ph, pw) = image.shape[-2:], padding
    span = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    size = tuple(max(s + 2 * p, (o - 1) * st + sp) for s, p, o, st, sp in zip((h, w), padding, out_hw, stride, span))
    padded = np.full(image.shape[:-2] + size, -np.inf, dtype=image.dtype)
    padded[..., ph:ph + h, pw:pw + w] = image
    win = sliding_window_view(padded, span, axis=(-2, -1))[..., ::stride[0], ::stride[1], ::dilation[0], ::dilation[1]]
    win = win[..., :out_hw[0], :out_hw[1], :, :]
    a, b = np.divmod(_first_maximum(win.reshape(win.shape[:-2] + (-1,))), kernel[1])
    rows = np.arange(out_hw[0])[:, None] * stride[0] + a * dilation[0] - ph
    cols = np.arange(out_hw[1])[None, :] * stride[1] + b * dilation[1] - pw
    return rows * w + cols


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Maximum over each (dilated) window of (N, C, H, W) or (C, H, W); the gradient goes to the first maximum.

    With return_indices, also each maximum's flat position h * W + w in its input image (int64).
    """
    x = _as_tensor(input)
    if dilation == 1 and not ceil_mode and not return_indices and x.ndim == 4:
        if padding != 0:
            _geometry(x, kernel_size, stride, padding, 1, False, "max_pool2d")  # PyTorch's padding rule
        return fused_max_pool2d(x, kernel_size, stride, padding)
    kernel, stride, padding, dilation, out_hw = _geometry(x, kernel_size, stride, padding, dilation, ceil_mode,
                                                          "max_pool2d")
    index = _traced_index(_window_argmax(x.data, kernel, stride, padding, dilation, out_hw), "window_argmax", x,
                          kernel=kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    out = _gather_maxima(x, index)
    return (out, index) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Maximum over each window of (N, C, L) or (C, L), as a pooling of height 1."""
    x = _as_tensor(input)
    one = lambda v, what: (1, _tuple(v, 1, what)[0])  # noqa: E731
    result = max_pool2d(x.reshape(tuple(x.shape[:-1]) + (1, x.shape[-1])), one(kernel_size, "max_pool1d kernel_size"),
                        None if stride is None else one(stride, "max_pool1d stride"),
                        (0, _tuple(padding, 1, "padding")[0]), one(dilation, "max_pool1d dilation"), ceil_mode, True)
    out, index = result
    out = out.reshape(tuple(out.shape[:-2]) + (out.shape[-1],))
    return (out, shared_tensor(index.data.reshape(out.shape))) if return_indices else out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each window of (N, C, H, W) or (C, H, W), PyTorch's divisor: the window's size within the
    padded input (count_include_pad) or within the input, or `divisor_override`."""
    x = _as_tensor(input)
    if not ceil_mode and count_include_pad and divisor_override is None and x.ndim == 4:
        if padding != 0:
            _geometry(x, kernel_size, stride, padding, 1, False, "avg_pool2d")  # PyTorch's padding rule
        return fused_avg_pool2d(x, kernel_size, stride, padding)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    kernel, stride, padding, _, out_hw = _geometry(x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    grow = [(p, max((o - 1) * s + k - size - p, p)) for size, k, s, p, o in zip(x.shape[-2:], kernel, stride, padding,
                                                                               out_hw)]
    padded = ag.pad(x, ((0, 0),) * (x.ndim - 2) + tuple(grow)) if any(b or a for b, a in grow) else x
    sums = sliding_window(padded, kernel, stride).sum(axis=(-2, -1))
    sums = getitem(sums, (Ellipsis, slice(0, out_hw[0]), slice(0, out_hw[1])))
    if divisor_override is not None:
        return sums / float(divisor_override)
    counts = [_window_counts(size, k, s, p, o, count_include_pad)
              for size, k, s, p, o in zip(x.shape[-2:], kernel, stride, padding, out_hw)]
    return sums * (1.0 / np.outer(*counts)).astype(x.dtype)


def _window_counts(size, k, s, p, out, count_include_pad):
    """Per output position along one axis, the elements PyTorch divides by (the counts factor over the two axes)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    if count_include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over each window of (N, C, L) or (C, L), as a pooling of height 1."""
    x = _as_tensor(input)
    out = avg_pool2d(x.reshape(tuple(x.shape[:-1]) + (1, x.shape[-1])), (1, _tuple(kernel_size, 1, "kernel_size")[0]),
                     None if stride is None else (1, _tuple(stride, 1, "stride")[0]),
                     (0, _tuple(padding, 1, "padding")[0]), ceil_mode, count_include_pad, None)
    return out.reshape(tuple(out.shape[:-2]) + (out.shape[-1],))


# ---- adaptive pooling -----------------------------------------------------------------------------------
def _adaptive_sizes(x, output_size, what):
    if x.ndim not in (3, 4):
        raise ValueError(f"{what}: expected a 3-D or 4-D input, got shape {tuple(x.shape)}")
    sizes = (output_size, output_size) if isinstance(output_size, (int, np.integer)) or output_size is None \
        else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"{what}: output_size must be an int or a pair, got {output_size!r}")
    return tuple(int(s if o is None else o) for o, s in zip(sizes, x.shape[-2:]))


def _adaptive_bounds(size, out):
    """PyTorch's windows: [floor(i * size / out), ceil((i + 1) * size / out)) for i < out."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _averaging_matrix(size, out, dtype):
    start, end = _adaptive_bounds(size, out)
    cols = np.arange(size)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def adaptive_avg_pool2d(input, output_size):
    """Mean over PyTorch's adaptive windows, output (..., oh, ow): one averaging matrix per axis."""
    x = _as_tensor(input)
    oh, ow = _adaptive_sizes(x, output_size, "adaptive_avg_pool2d")
    rows, cols = _averaging_matrix(x.shape[-2], oh, x.dtype), _averaging_matrix(x.shape[-1], ow, x.dtype)
    return ag.matmul(rows, ag.matmul(x, cols.T))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Maximum over PyTorch's adaptive windows; the gradient goes to each window's first maximum."""
    x = _as_tensor(input)
    oh, ow = _adaptive_sizes(x, output_size, "adaptive_max_pool2d")
    (h, w), image = x.shape[-2:], x.data
    (r0, r1), (c0, c1) = _adaptive_bounds(h, oh), _adaptive_bounds(w, ow)
    index = np.empty(image.shape[:-2] + (oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            window = image[..., r0[i]:r1[i], c0[j]:c1[j]]
            a, b = np.divmod(_first_maximum(window.reshape(window.shape[:-2] + (-1,))), c1[j] - c0[j])
            index[..., i, j] = (r0[i] + a) * w + c0[j] + b
    index = _traced_index(index, "adaptive_argmax", x, output_size=(oh, ow))
    out = _gather_maxima(x, index)
    return (out, index) if return_indices else out


# ---- resizing -------------------------------------------------------------------------------------------
def _source_scale(size, out, scale_factor, align_corners):
    """PyTorch's area_pixel_compute_scale."""
    if align_corners:
        return (size - 1) / (out - 1) if out > 1 else 0.0
    return 1.0 / scale_factor if scale_factor is not None else size / out


def _linear_matrix(size, out, scale_factor, align_corners, dtype):
    """(out, size) weights of linear interpolation along one axis, PyTorch's source positions."""
    scale = _source_scale(size, out, scale_factor, align_corners)
    dst = np.arange(out, dtype=np.float64)
    src = scale * dst if align_corners else np.maximum(scale * (dst + 0.5) - 0.5, 0.0)
    i0 = np.minimum(src.astype(np.int64), size - 1)
    i1 = np.minimum(i0 + 1, size - 1)
    lam = src - i0
    m = np.zeros((out, size))
    np.add.at(m, (np.arange(out), i0), 1.0 - lam)
    np.add.at(m, (np.arange(out), i1), lam)
    return m.astype(dtype)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize the spatial dims of (N, C, L) or (N, C, H, W): mode "nearest" (3-D, 4-D), "linear" (3-D) or
    "bilinear" (4-D), with PyTorch's source positions (align_corners for the linear modes)."""
    x = _as_tensor(input)
    if mode not in ("nearest", "linear", "bilinear"):
        raise NotImplementedError(f"interpolate: mode must be 'nearest', 'linear' or 'bilinear', got {mode!r}")
    if align_corners is not None and mode == "nearest":
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    dims = x.ndim - 2
    if dims not in (1, 2) or (mode == "linear" and dims != 1) or (mode == "bilinear" and dims != 2):
        raise NotImplementedError(f"Got {x.ndim}D input, but {mode} mode needs "
                                  f"{ {'linear': '3D', 'bilinear': '4D'}.get(mode, '3D or 4D')} input")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None
                         else "either size or scale_factor should be defined")
    scales = [None] * dims if scale_factor is None else list(_floats(scale_factor, dims))
    sizes = (_tuple(size, dims, "interpolate size") if size is not None
             else tuple(int(math.floor(s * f)) for s, f in zip(x.shape[2:], scales)))
    if mode == "nearest":
        idx = [np.minimum(np.floor(np.arange(o) * _source_scale(s, o, f, False)).astype(np.int64), s - 1)
               for s, o, f in zip(x.shape[2:], sizes, scales)]
        index = (Ellipsis, idx[0]) if dims == 1 else (Ellipsis, idx[0][:, None], idx[1][None, :])
        return getitem(x, index)
    mats = [_linear_matrix(s, o, f, bool(align_corners), x.dtype) for s, o, f in zip(x.shape[2:], sizes, scales)]
    out = ag.matmul(x, mats[-1].T)
    return ag.matmul(mats[0], out) if dims == 2 else out


def _floats(v, n):
    return (float(v),) * n if isinstance(v, (int, float, np.integer, np.floating)) else tuple(float(f) for f in v)
