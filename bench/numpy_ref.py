"""Hand-written numpy training steps (forward, loss, backward, SGD) with no graph: the speed limit."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _softmax_xent(z, y):
    """Mean cross-entropy and its gradient with respect to the logits."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y]).mean()
    p[np.arange(n), y] -= 1
    return loss, p / n


def _sgd(weights, grads, lr):
    for k, g in grads.items():
        weights[k] -= lr * g


class _Reference:
    """Holds its own copy of the shared initial weights and the learning rate."""

    def __init__(self, weights, lr):
        self.w, self.lr = {k: v.copy() for k, v in weights.items()}, lr


class MLP(_Reference):
    def step(self, x, y):
        w = self.w
        h1 = x @ w["W0"].T + w["b0"]
        a1 = np.maximum(h1, 0)
        h2 = a1 @ w["W1"].T + w["b1"]
        a2 = np.maximum(h2, 0)
        z = a2 @ w["W2"].T + w["b2"]
        loss, dz = _softmax_xent(z, y)
        da2 = dz @ w["W2"]
        dh2 = da2 * (h2 > 0)
        da1 = dh2 @ w["W1"]
        dh1 = da1 * (h1 > 0)
        _sgd(w, {"W2": dz.T @ a2, "b2": dz.sum(0), "W1": dh2.T @ a1, "b1": dh2.sum(0),
                 "W0": dh1.T @ x, "b0": dh1.sum(0)}, self.lr)
        return loss


def _conv_forward(x, w, b):
    """3x3, stride 1, padding 1, via im2col; returns output and the columns for backward."""
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = sliding_window_view(xp, (3, 3), axis=(2, 3)).transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * 9)
    out = cols @ w.reshape(w.shape[0], -1).T + b
    return out.reshape(n, h, wd, -1).transpose(0, 3, 1, 2), cols


def _conv_backward(dout, cols, w, x_shape):
    n, c, h, wd = x_shape
    o = w.shape[0]
    d = dout.transpose(0, 2, 3, 1).reshape(-1, o)
    dw = (d.T @ cols).reshape(w.shape)
    db = d.sum(0)
    dcols = (d @ w.reshape(o, -1)).reshape(n, h, wd, c, 3, 3)
    dxp = np.zeros((n, c, h + 2, wd + 2), dtype=dout.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + wd] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1], dw, db


def _pool_forward(x):
    """2x2 max pooling through a reshape; the mask keeps the first maximum of each window."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    arg = win.argmax(-1)
    return np.take_along_axis(win, arg[..., None], -1)[..., 0], arg


def _pool_backward(dout, arg, shape):
    n, c, h, w = shape
    dwin = np.zeros(dout.shape + (4,), dtype=dout.dtype)
    np.put_along_axis(dwin, arg[..., None], dout[..., None], -1)
    return dwin.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(shape)


class CNN(_Reference):
    def step(self, x, y):
        w = self.w
        c1, cols1 = _conv_forward(x, w["C1"], w["c1"])
        r1 = np.maximum(c1, 0)
        p1, arg1 = _pool_forward(r1)
        c2, cols2 = _conv_forward(p1, w["C2"], w["c2"])
        r2 = np.maximum(c2, 0)
        p2, arg2 = _pool_forward(r2)
        flat = p2.reshape(len(x), -1)
        z = flat @ w["W"].T + w["b"]
        loss, dz = _softmax_xent(z, y)
        dflat = dz @ w["W"]
        dr2 = _pool_backward(dflat.reshape(p2.shape), arg2, r2.shape) * (c2 > 0)
        dp1, dC2, dc2 = _conv_backward(dr2, cols2, w["C2"], p1.shape)
        dr1 = _pool_backward(dp1, arg1, r1.shape) * (c1 > 0)
        _, dC1, dc1 = _conv_backward(dr1, cols1, w["C1"], x.shape)
        _sgd(w, {"W": dz.T @ flat, "b": dz.sum(0), "C2": dC2, "c2": dc2, "C1": dC1, "c1": dc1}, self.lr)
        return loss


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


class LSTM(_Reference):
    def step(self, x, y):
        w = self.w
        steps, n, _ = x.shape
        hs = w["Whh"].shape[1]
        proj = x @ w["Wih"].T + (w["bih"] + w["bhh"])
        h, c = np.zeros((n, hs), np.float32), np.zeros((n, hs), np.float32)
        cache = []
        for t in range(steps):
            g = proj[t] + h @ w["Whh"].T
            i, f, gg, o = _sigmoid(g[:, :hs]), _sigmoid(g[:, hs:2 * hs]), np.tanh(g[:, 2 * hs:3 * hs]), _sigmoid(g[:, 3 * hs:])
            c_new = f * c + i * gg
            tc = np.tanh(c_new)
            cache.append((h, c, i, f, gg, o, tc))
            h, c = o * tc, c_new
        z = h @ w["W"].T + w["b"]
        loss, dz = _softmax_xent(z, y)
        dh = dz @ w["W"]
        dc = np.zeros_like(c)
        dWhh = np.zeros_like(w["Whh"])
        dproj = np.empty_like(proj)
        for t in reversed(range(steps)):
            h_prev, c_prev, i, f, gg, o, tc = cache[t]
            do = dh * tc
            dc = dc + dh * o * (1 - tc * tc)
            dg = np.concatenate([dc * gg * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - gg * gg), do * o * (1 - o)], 1)
            dproj[t] = dg
            dWhh += dg.T @ h_prev
            dh = dg @ w["Whh"]
            dc = dc * f
        flat = dproj.reshape(-1, dproj.shape[-1])
        db = flat.sum(0)
        _sgd(w, {"W": dz.T @ h, "b": dz.sum(0), "Whh": dWhh, "Wih": flat.T @ x.reshape(-1, x.shape[-1]),
                 "bih": db, "bhh": db}, self.lr)
        return loss


class GRU(_Reference):
    def step(self, x, y):
        w = self.w
        steps, n, _ = x.shape
        hs = w["Whh"].shape[1]
        proj = x @ w["Wih"].T + w["bih"]
        h = np.zeros((n, hs), np.float32)
        cache = []
        for t in range(steps):
            rec = h @ w["Whh"].T + w["bhh"]
            r = _sigmoid(proj[t, :, :hs] + rec[:, :hs])
            z = _sigmoid(proj[t, :, hs:2 * hs] + rec[:, hs:2 * hs])
            nn_ = np.tanh(proj[t, :, 2 * hs:] + r * rec[:, 2 * hs:])
            cache.append((h, r, z, nn_, rec[:, 2 * hs:]))
            h = (1 - z) * nn_ + z * h
        out = h @ w["W"].T + w["b"]
        loss, dout = _softmax_xent(out, y)
        dh = dout @ w["W"]
        dWhh, dbhh = np.zeros_like(w["Whh"]), np.zeros_like(w["bhh"])
        dproj = np.empty_like(proj)
        for t in reversed(range(steps)):
            h_prev, r, z, nn_, hn = cache[t]
            dn = dh * (1 - z) * (1 - nn_ * nn_)
            dz = dh * (h_prev - nn_) * z * (1 - z)
            dr = dn * hn * r * (1 - r)
            dproj[t] = np.concatenate([dr, dz, dn], 1)
            drec = np.concatenate([dr, dz, dn * r], 1)
            dWhh += drec.T @ h_prev
            dbhh += drec.sum(0)
            dh = dh * z + drec @ w["Whh"]
        flat = dproj.reshape(-1, dproj.shape[-1])
        _sgd(w, {"W": dout.T @ h, "b": dout.sum(0), "Whh": dWhh, "bhh": dbhh,
                 "Wih": flat.T @ x.reshape(-1, x.shape[-1]), "bih": flat.sum(0)}, self.lr)
        return loss
