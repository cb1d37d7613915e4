"""Hand-written numpy training steps (forward, loss, backward, SGD) with no graph: the speed limit.

Each class holds its own copy of a workload's state dict, in state-dict order, and offers
`grads(x, y) -> (loss, [gradient per parameter])` and `step(x, y) -> loss` (grads, then SGD).
Everything stays in the weights' dtype (float32 for timing, float64 in the tests).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import registry


def softmax_xent(z, y):
    """Mean cross-entropy of logits z (N, C) against class indices y, and its gradient; overwrites z."""
    n = len(y)
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = -np.log(z[rows, y]).mean()
    z[rows, y] -= 1
    z /= n
    return float(loss), z


def sigmoid(x, out=None):
    """1 / (1 + exp(-x)) in place passes; NOTE: exp beats tanh(x / 2) here, and its overflow gives the right limit 0."""
    out = np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


class Reference:
    """A copy of the initial weights, in state-dict order, and the SGD step over `grads`."""

    def __init__(self, weights, lr):
        self.params = [np.array(w) for w in weights.values()]
        self.lr = lr

    def step(self, x, y):
        loss, grads = self.grads(x, y)
        for p, g in zip(self.params, grads):
            g *= self.lr
            p -= g
        return loss


class MLP(Reference):
    """Linear-ReLU-Linear-ReLU-Linear, cross-entropy."""

    def grads(self, x, y):
        w0, b0, w1, b1, w2, b2 = self.params
        a1 = np.maximum(x @ w0.T + b0, 0)
        a2 = np.maximum(a1 @ w1.T + b1, 0)
        loss, dz = softmax_xent(a2 @ w2.T + b2, y)
        da2 = dz @ w2
        da2 *= a2 > 0
        da1 = da2 @ w1
        da1 *= a1 > 0
        return loss, [da1.T @ x, da1.sum(0), da2.T @ a1, da2.sum(0), dz.T @ a2, dz.sum(0)]


def im2col(x):
    """3x3 windows of x (N, C, H, W) zero-padded by 1, as columns (C*9, N*H*W).

    Row order (c, ki, kj) matches a Conv2d weight reshaped to (out, C*9); each copied run is
    a contiguous image row, which is what makes this copy cheap.
    """
    n, c, h, w = x.shape
    xp = np.zeros((c, n, h + 2, w + 2), x.dtype)
    xp[:, :, 1:-1, 1:-1] = x.transpose(1, 0, 2, 3)
    win = sliding_window_view(xp, (3, 3), axis=(2, 3))
    return win.transpose(0, 4, 5, 1, 2, 3).reshape(c * 9, n * h * w)


def col2im(cols, shape):
    """Adjoint of im2col: add each window column back onto its pixels, then drop the padding."""
    n, c, h, w = shape
    cols = cols.reshape(c, 3, 3, n, h, w)
    dxp = np.zeros((c, n, h + 2, w + 2), cols.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + w] += cols[:, i, j]
    return dxp[:, :, 1:-1, 1:-1].transpose(1, 0, 2, 3)


def conv3x3(x, weight, bias):
    """Conv2d(kernel 3, padding 1): output as an (N, O, H, W) view of (O, N, H, W) memory, and the columns."""
    n, _, h, w = x.shape
    cols = im2col(x)
    out = weight.reshape(len(weight), -1) @ cols
    out += bias[:, None]
    return out.reshape(-1, n, h, w).transpose(1, 0, 2, 3), cols


def conv3x3_grads(dout, cols, weight, x_shape=None):
    """Gradients of conv3x3 for weight, bias and (if x_shape is given) the input."""
    d = dout.transpose(1, 0, 2, 3).reshape(len(weight), -1)
    dw = (d @ cols.T).reshape(weight.shape)
    dx = None if x_shape is None else col2im(weight.reshape(len(weight), -1).T @ d, x_shape)
    return dx, dw, d.sum(1)


def relu_maxpool2(c):
    """relu, then 2x2 max pooling of its output through a window reshape, in the order the model runs them.

    Returns the pooled values and the windows' view of relu(c) for backward. NOTE: pairwise
    maxima, because numpy's max over axes (3, 5) of this view is about 30x slower.
    """
    n, ch, h, w = c.shape
    win = np.maximum(c, 0).reshape(n, ch, h // 2, 2, w // 2, 2)  # keeps c's memory order (a view of (C, N, H, W))
    rows = np.maximum(win[:, :, :, 0], win[:, :, :, 1])
    return np.maximum(rows[..., 0], rows[..., 1]), win


def relu_maxpool2_grad(dout, pooled, win):
    """Routes dout to each window's maximum, and nowhere where relu cut it off (a window of zeros after
    relu: pooled == 0); other ties have measure zero."""
    n, ch, h2, _, w2, _ = win.shape
    dout = np.multiply(dout, pooled > 0, out=np.empty_like(pooled))  # in pooled's memory order, as win is
    dwin = np.empty((ch, n, h2, 2, w2, 2), win.dtype).transpose(1, 0, 2, 3, 4, 5)
    for i in (0, 1):
        for j in (0, 1):
            np.multiply(win[:, :, :, i, :, j] == pooled, dout, out=dwin[:, :, :, i, :, j])
    return dwin.reshape(n, ch, 2 * h2, 2 * w2)


class CNN(Reference):
    """Conv(3x3, p1)-ReLU-MaxPool2 twice, Flatten, Linear, cross-entropy."""

    def grads(self, x, y):
        k1, c1, k2, c2, w, b = self.params
        h1, cols1 = conv3x3(x, k1, c1)
        p1, win1 = relu_maxpool2(h1)
        h2, cols2 = conv3x3(p1, k2, c2)
        p2, win2 = relu_maxpool2(h2)
        flat = p2.reshape(len(x), -1)
        loss, dz = softmax_xent(flat @ w.T + b, y)
        dh2 = relu_maxpool2_grad((dz @ w).reshape(p2.shape), p2, win2)
        dp1, dk2, dc2 = conv3x3_grads(dh2, cols2, k2, p1.shape)
        _, dk1, dc1 = conv3x3_grads(relu_maxpool2_grad(dp1, p1, win1), cols1, k1)
        return loss, [dk1, dc1, dk2, dc2, dz.T @ flat, dz.sum(0)]


def lstm_layer(x, w_ih, w_hh, b):
    """One LSTM layer over x (T, N, in) from zero state (PyTorch's gate order i, f, g, o).

    Returns hs (T + 1, N, H) with hs[0] = 0, and the saved arrays for `lstm_layer_grads`; the gate
    activations overwrite their pre-activations in one buffer.
    """
    steps, n, _ = x.shape
    hid = w_hh.shape[1]
    gates = (x.reshape(steps * n, -1) @ w_ih.T + b).reshape(steps, n, 4 * hid)
    hs, cs = np.zeros((2, steps + 1, n, hid), x.dtype)
    tanh_c = np.empty((steps, n, hid), x.dtype)
    for t in range(steps):
        g = gates[t]
        g += hs[t] @ w_hh.T
        sigmoid(g[:, :2 * hid], out=g[:, :2 * hid])
        np.tanh(g[:, 2 * hid:3 * hid], out=g[:, 2 * hid:3 * hid])
        sigmoid(g[:, 3 * hid:], out=g[:, 3 * hid:])
        i, f, gg, o = g[:, :hid], g[:, hid:2 * hid], g[:, 2 * hid:3 * hid], g[:, 3 * hid:]
        np.multiply(f, cs[t], out=cs[t + 1])
        cs[t + 1] += i * gg
        np.tanh(cs[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=hs[t + 1])
    return hs, (x, w_ih, w_hh, gates, cs, tanh_c)


def lstm_layer_grads(saved, hs, dh_out, need_dx=False):
    """(dx or None, [dW_ih, dW_hh, db_ih, db_hh]) of `lstm_layer`, given {step: cotangent of hs[step + 1]}
    for the steps whose output is used (the last one only, under a head on the last step)."""
    x, w_ih, w_hh, gates, cs, tanh_c = saved
    steps, n, hid = tanh_c.shape
    dh, dc = np.zeros((2, n, hid), x.dtype)
    dgates = np.empty_like(gates)
    for t in reversed(range(steps)):
        if t in dh_out:
            dh += dh_out[t]
        i, f, gg, o = (gates[t, :, k * hid:(k + 1) * hid] for k in range(4))
        tc = tanh_c[t]
        d = dgates[t]
        np.multiply(dh, tc, out=d[:, 3 * hid:])
        d[:, 3 * hid:] *= o * (1 - o)
        dc += dh * o * (1 - tc * tc)
        np.multiply(dc, gg, out=d[:, :hid])
        d[:, :hid] *= i * (1 - i)
        np.multiply(dc, cs[t], out=d[:, hid:2 * hid])
        d[:, hid:2 * hid] *= f * (1 - f)
        np.multiply(dc, i, out=d[:, 2 * hid:3 * hid])
        d[:, 2 * hid:3 * hid] *= 1 - gg * gg
        if t:
            dh = d @ w_hh
            dc *= f
    flat = dgates.reshape(steps * n, -1)
    db = flat.sum(0)
    dx = (flat @ w_ih).reshape(x.shape) if need_dx else None
    return dx, [flat.T @ x.reshape(steps * n, -1), flat.T @ hs[:steps].reshape(steps * n, -1), db, db.copy()]


class LSTM(Reference):
    """An LSTM (stacked, optionally bidirectional, read off the weights), its last step's output -> Linear,
    cross-entropy. Layer k > 0 reads layer k - 1's outputs; the reverse direction reads the flipped sequence."""

    def grads(self, x, y):
        *rnn, w, b = self.params
        hid = rnn[1].shape[1]
        directions = w.shape[1] // hid
        groups = [rnn[i:i + 4] for i in range(0, len(rnn), 4)]  # (w_ih, w_hh, b_ih, b_hh) per layer and direction
        layers = [groups[i:i + directions] for i in range(0, len(groups), directions)]
        inputs, runs = x, []
        for layer in layers:
            outs = []
            for d, (w_ih, w_hh, b_ih, b_hh) in enumerate(layer):
                seq = inputs if d == 0 else np.ascontiguousarray(inputs[::-1])
                hs, saved = lstm_layer(seq, w_ih, w_hh, b_ih + b_hh)
                outs.append(hs[1:] if d == 0 else hs[:0:-1])  # each in time order
                runs.append((hs, saved))
            inputs = outs[0] if directions == 1 else np.concatenate(outs, axis=2)
        last = inputs[-1]
        loss, dz = softmax_xent(last @ w.T + b, y)
        steps, grads = len(x), []
        dout = {steps - 1: dz @ w}  # {step: cotangent of the top layer's output there}
        for k in reversed(range(len(layers))):
            dx, layer_grads = 0, []  # dx: the cotangent of this layer's input, the layer below's output
            for d in range(directions):
                hs, saved = runs[k * directions + d]
                dh_out = {t if d == 0 else steps - 1 - t: g[:, d * hid:(d + 1) * hid] for t, g in dout.items()}
                dxd, g = lstm_layer_grads(saved, hs, dh_out, need_dx=k > 0)
                if k > 0:
                    dx = dx + (dxd if d == 0 else dxd[::-1])
                layer_grads += g
            grads = layer_grads + grads
            dout = dict(enumerate(dx)) if k > 0 else None
        return loss, grads + [dz.T @ last, dz.sum(0)]


class GRU(Reference):
    """GRU over the sequence with PyTorch's equations (gates r, z, n), last hidden state -> Linear, cross-entropy.

    r = sigma(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
    h' = (1 - z) * n + z * h.
    """

    def grads(self, x, y):
        w_ih, w_hh, b_ih, b_hh, w, b = self.params
        steps, n, _ = x.shape
        hid = w_hh.shape[1]
        xg = (x.reshape(steps * n, -1) @ w_ih.T + b_ih).reshape(steps, n, 3 * hid)
        hs = np.zeros((steps + 1, n, hid), x.dtype)
        hn = np.empty((steps, n, hid), x.dtype)
        for t in range(steps):
            hg = hs[t] @ w_hh.T
            hg += b_hh
            rz = xg[t, :, :2 * hid]
            rz += hg[:, :2 * hid]
            sigmoid(rz, out=rz)
            hn[t] = hg[:, 2 * hid:]
            cand = xg[t, :, 2 * hid:]
            cand += rz[:, :hid] * hn[t]
            np.tanh(cand, out=cand)
            np.subtract(hs[t], cand, out=hs[t + 1])
            hs[t + 1] *= rz[:, hid:]
            hs[t + 1] += cand
        loss, dz = softmax_xent(hs[steps] @ w.T + b, y)
        dh = dz @ w
        dhg, dcand = np.empty_like(xg), np.empty_like(hn)
        for t in reversed(range(steps)):
            r, z, cand = xg[t, :, :hid], xg[t, :, hid:2 * hid], xg[t, :, 2 * hid:]
            dr, dzg, dhn = dhg[t, :, :hid], dhg[t, :, hid:2 * hid], dhg[t, :, 2 * hid:]
            dc = dcand[t]
            np.multiply(dh, 1 - z, out=dc)
            dc *= 1 - cand * cand
            np.multiply(dc, hn[t], out=dr)
            dr *= r * (1 - r)
            np.subtract(hs[t], cand, out=dzg)
            dzg *= dh
            dzg *= z * (1 - z)
            np.multiply(dc, r, out=dhn)
            if t:
                dh *= z
                dh += dhg[t] @ w_hh
        dhf, dcf, xf = dhg.reshape(steps * n, -1), dcand.reshape(steps * n, -1), x.reshape(steps * n, -1)
        # NOTE: the input side's r and z gradients equal the hidden side's; only n differs (no r factor)
        dw_ih = np.concatenate([dhf[:, :2 * hid].T @ xf, dcf.T @ xf])
        db_ih = np.concatenate([dhf[:, :2 * hid].sum(0), dcf.sum(0)])
        return loss, [dw_ih, dhf.T @ hs[:steps].reshape(steps * n, -1), db_ih, dhf.sum(0), dz.T @ hs[steps], dz.sum(0)]

for _name, _cls in {"mlp": MLP, "cnn": CNN, "lstm": LSTM, "gru": GRU, "lstm2": LSTM, "bilstm": LSTM}.items():
    registry.register(_name, "numpy", lambda weights, lr, cls=_cls: cls(weights, lr).step)
