"""Convolution options beyond the fused default (re-exported by `nn.functional`): padding modes, "same",
dilation, groups, 1-D convolution and transposed convolution, all composed from engine ops.

The default 2-D call (zero padding, no dilation, one group) stays one fused Conv2d op: these paths
only run when an option asks for them. Dilation inserts zeros into the kernel (pad and reshape),
groups run one convolution per group, a transposed convolution is the fused convolution's input
gradient (one matmul, then Col2im).
"""
import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.ops import col2im, getitem

from .functional import _as_tensor
from .functional import conv2d as fused_conv2d  # the default path, bound before nn.functional rebinds conv2d


_PADDING_STRINGS = {"same", "valid"}  # a set, printed in its own order, as PyTorch prints its own


def _tuple(v, n, what):
    """An int or a sequence of n ints, as an n-tuple."""
    out = (v,) * n if isinstance(v, (int, np.integer)) else tuple(v)
    if len(out) != n or any(int(p) != p for p in out):
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {v!r}")
    return tuple(int(p) for p in out)


# ---- F.pad ------------------------------------------------------------------------------------------
def _source_index(mode, size, before, after):
    """Indices into an axis of `size` that a `mode` pad of (before, after) reads, in order."""
    i = np.arange(-before, size + after)
    if mode == "circular":
        return i % size
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    period = 2 * (size - 1)  # reflect: mirror about the edges, the edge itself not repeated
    i = np.abs(i) % period if period else np.zeros_like(i)
    return np.where(i >= size, period - i, i)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) // 2 dims, PyTorch's order: (left, right) of the last dim, then of the one before...

    mode "constant" fills with `value` (0 by default; a negative width crops); "reflect",
    "replicate" and "circular" read the input itself (each is an index gather, whose gradient
    adds back to the positions read).
    """
    x = _as_tensor(input)
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: padding length must be divisible by 2 and at most twice the input's {x.ndim} dims, "
                         f"got {len(pad)}")
    dims = len(pad) // 2
    widths = [(0, 0)] * (x.ndim - dims) + [(pad[2 * k], pad[2 * k + 1]) for k in reversed(range(dims))]
    if mode == "constant":
        crop = tuple(slice(-min(b, 0), s + min(a, 0)) for (b, a), s in zip(widths, x.shape))
        if any(b < 0 or a < 0 for b, a in widths):
            x = getitem(x, crop)
        grow = tuple((max(b, 0), max(a, 0)) for b, a in widths)
        return ag.pad(x, grow, 0.0 if value is None else value) if any(b or a for b, a in grow) else x
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    if value:
        raise ValueError(f"pad: padding mode '{mode}' doesn't take in value argument")
    if not dims + 1 <= x.ndim <= dims + 2:
        raise NotImplementedError(f"pad: only {dims + 1}-D or {dims + 2}-D inputs support {dims}-D {mode} padding, "
                                  f"got input shape {tuple(x.shape)}")
    for axis in range(x.ndim - dims, x.ndim):
        before, after = widths[axis]
        size = x.shape[axis]
        if mode == "reflect" and not (before < size and after < size):
            raise RuntimeError(f"pad: padding size should be less than the corresponding input dimension, but got: "
                               f"padding ({before}, {after}) at dimension {axis} of input {tuple(x.shape)}")
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError(f"pad: padding value causes wrapping around more than once (padding ({before}, "
                               f"{after}) at dimension {axis} of input {tuple(x.shape)})")
        if before or after:
            x = getitem(x, (slice(None),) * axis + (_source_index(mode, size, before, after),))
    return x


# ---- convolution with every option -------------------------------------------------------------------
def _dilated(w, dilation):
    """The kernel w (..., kh, kw) with dilation - 1 zeros between taps: ((kh-1)·dh + 1, (kw-1)·dw + 1)."""
    for axis, d in ((-2, dilation[0]), (-1, dilation[1])):
        if d == 1 or w.shape[axis] == 1:
            continue
        w = ag.swapaxes(w, axis, -1) if axis == -2 else w
        k = w.shape[-1]
        spread = ag.pad(w.reshape(tuple(w.shape) + (1,)), ((0, 0),) * w.ndim + ((0, d - 1),))
        w = getitem(spread.reshape(tuple(w.shape[:-1]) + (k * d,)), (Ellipsis, slice(0, (k - 1) * d + 1)))
        w = ag.swapaxes(w, -2, -1) if axis == -2 else w
    return w


def _same_padding(kernel, dilation):
    """PyTorch's padding="same": dilation·(k - 1) in total per axis, the odd one on the right/bottom."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return [(t // 2, t - t // 2) for t in totals]


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    """2-D cross-correlation with every PyTorch option (F.conv2d's signature, plus padding_mode as nn.Conv2d's).

    input (N, C, H, W) or (C, H, W); weight (O, C / groups, kh, kw); padding an int, a pair,
    "valid" or "same" (stride 1 only).
    """
    x = _as_tensor(input)
    if x.ndim == 3:
        out = conv2d(x.reshape((1,) + tuple(x.shape)), weight, bias, stride, padding, dilation, groups, padding_mode)
        return out.reshape(tuple(out.shape[1:]))
    stride, dilation = _tuple(stride, 2, "conv2d stride"), _tuple(dilation, 2, "conv2d dilation")
    if x.ndim != 4 or weight.ndim != 4:
        raise ValueError(f"conv2d: expected input (N, C, H, W) and weight (O, C/groups, kh, kw), got shapes "
                         f"{tuple(x.shape)} and {tuple(weight.shape)}")
    if groups == 1 and x.shape[1] != weight.shape[1]:
        raise ValueError(f"conv2d: input of shape {x.shape} does not match weight of shape {weight.shape} "
                         f"(expected (N, {weight.shape[1]}, H, W))")
    if groups < 1 or x.shape[1] != weight.shape[1] * groups or weight.shape[0] % groups:
        raise RuntimeError(f"conv2d: given groups={groups}, weight of shape {tuple(weight.shape)}, expected input "
                           f"{tuple(x.shape)} to have {weight.shape[1] * groups} channels, and out channels "
                           f"divisible by groups")
    widths = _padding_widths(padding, weight.shape[2:], stride, dilation, "conv2d")
    if any(b or a for b, a in widths) and (padding_mode != "zeros" or any(b != a for b, a in widths)):
        flat = (widths[1][0], widths[1][1], widths[0][0], widths[0][1])
        x = pad(x, flat, "constant" if padding_mode == "zeros" else padding_mode)
        widths = [(0, 0), (0, 0)]
    sym = (widths[0][0], widths[1][0])
    w = _dilated(weight, dilation)
    padded = tuple(s + 2 * p for s, p in zip(x.shape[2:], sym))
    if any(k > s for k, s in zip(w.shape[2:], padded)):
        raise RuntimeError(f"conv2d: kernel size {tuple(w.shape[2:])} (dilated) can't be greater than the padded "
                           f"input size {padded}")
    if groups == 1:
        return fused_conv2d(x, w, bias, stride, sym)
    cin, cout = weight.shape[1], weight.shape[0] // groups
    outs = []
    for g in range(groups):
        ins, outs_g = slice(g * cin, (g + 1) * cin), slice(g * cout, (g + 1) * cout)
        outs.append(fused_conv2d(getitem(x, (slice(None), ins)), getitem(w, outs_g),
                                 None if bias is None else getitem(bias, outs_g), stride, sym))
    return ag.concatenate(outs, axis=1)


def _padding_widths(padding, kernel, stride, dilation, what):
    """[(before, after)] per spatial axis from an int, a tuple, "valid" or "same"."""
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * len(kernel)
        if padding != "same":
            raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
        if any(s != 1 for s in stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
        return _same_padding(kernel, dilation)
    return [(p, p) for p in _tuple(padding, len(kernel), f"{what} padding")]


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    """1-D cross-correlation: input (N, C, L) or (C, L), weight (O, C / groups, k); a 2-D convolution of height 1."""
    x = _as_tensor(input)
    if weight.ndim != 3 or x.ndim not in (2, 3):
        raise ValueError(f"conv1d: expected input (N, C, L) or (C, L) and weight (O, C/groups, k), got shapes "
                         f"{tuple(x.shape)} and {tuple(weight.shape)}")
    unbatched = x.ndim == 2
    if unbatched:
        x = x.reshape((1,) + tuple(x.shape))
    if isinstance(padding, str):
        pad2 = padding
    else:
        pad2 = (0, _tuple(padding, 1, "conv1d padding")[0])
    w = weight.reshape((weight.shape[0], weight.shape[1], 1, weight.shape[2]))
    out = conv2d(x.reshape((x.shape[0], x.shape[1], 1, x.shape[2])), w, bias, (1, _tuple(stride, 1, "stride")[0]),
                 pad2, (1, _tuple(dilation, 1, "dilation")[0]), groups, padding_mode)
    out = out.reshape((out.shape[0], out.shape[1], out.shape[3]))
    return out.reshape(tuple(out.shape[1:])) if unbatched else out


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d in its input: weight (C_in, C_out / groups, kh, kw);
    H_out = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1.

    Composed as the fused convolution's input gradient: one matmul of the weight with the
    input, then Col2im adds each column back at its window (one group at a time).
    """
    x = _as_tensor(input)
    if x.ndim == 3:
        out = conv_transpose2d(x.reshape((1,) + tuple(x.shape)), weight, bias, stride, padding, output_padding, groups,
                               dilation)
        return out.reshape(tuple(out.shape[1:]))
    stride, padding = _tuple(stride, 2, "stride"), _tuple(padding, 2, "padding")
    output_padding, dilation = _tuple(output_padding, 2, "output_padding"), _tuple(dilation, 2, "dilation")
    if x.ndim != 4 or weight.ndim != 4 or x.shape[1] != weight.shape[0] or weight.shape[0] % groups:
        raise RuntimeError(f"conv_transpose2d: input of shape {tuple(x.shape)} does not match weight of shape "
                           f"{tuple(weight.shape)} with groups={groups} (expected (N, {weight.shape[0]}, H, W))")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"conv_transpose2d: output padding must be smaller than either stride or dilation, got "
                           f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    if any(op >= s for op, s in zip(output_padding, stride)):
        raise NotImplementedError(f"conv_transpose2d: output_padding {output_padding} not smaller than stride {stride} "
                                  "(PyTorch allows it below the dilation) is not supported")
    w = _dilated(weight, dilation)
    kernel = tuple(w.shape[2:])
    n, (h, wd) = x.shape[0], x.shape[2:]
    out_hw = tuple((s - 1) * st - 2 * p + k + op for s, st, p, k, op in zip((h, wd), stride, padding, kernel,
                                                                           output_padding))
    if min(out_hw) <= 0:
        raise RuntimeError(f"conv_transpose2d: the output size {out_hw} is too small (input {tuple(x.shape)})")
    cin, cout = weight.shape[0] // groups, weight.shape[1]
    outs = []
    for g in range(groups):
        xg = x if groups == 1 else getitem(x, (slice(None), slice(g * cin, (g + 1) * cin)))
        wg = w if groups == 1 else getitem(w, slice(g * cin, (g + 1) * cin))
        rows = ag.transpose(wg.reshape(cin, -1), (1, 0))  # (C_out·kh·kw, C_in)
        cols = ag.matmul(rows, ag.transpose(xg, (1, 0, 2, 3)).reshape(cin, -1))
        outs.append(col2im(cols, (n, cout) + out_hw, kernel, stride, padding))
    out = outs[0] if groups == 1 else ag.concatenate(outs, axis=1)
    return out if bias is None else out + bias.reshape(-1, 1, 1)
