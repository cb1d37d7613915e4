"""Decompositions with several outputs: eigh, svd, qr, each one primitive with its outputs packed in one array.

A primitive has one output, so eigh returns [λ; V] as (..., n+1, n), svd [U; S; V] as
(..., m+1+n, k) and qr [Q; R] as (..., m+n, n); `autograd_core.linalg` slices them
apart (a slice's gradient is a scatter, so a loss that uses one part gives zeros to the rest).
Real matrices; the rules are Giles 2008 (eigh), Townsend 2016 (svd) and Walter & Lehmann
2018 as in TensorFlow and JAX (qr).

Eigen- and singular vectors are defined up to sign; a loss that does not depend on the
signs gets the same gradient whichever LAPACK picks. Where values repeat, the vectors'
derivative does not exist: the rules raise unless the loss's share there is zero (a loss
that depends only on the spanned subspace).
"""
import numpy as np

from ..primitive import Primitive
from .decompositions import LinAlgError, cubic, mT, square, sym, with_singular_values


def _gap_inverse(xp, values, numerator, op, tangent=False):
    """F ∘ numerator with F_ij = 1 / (values_j − values_i) off the diagonal, 0 on it.

    Pairs of (numerically) equal values get 0 where the numerator vanishes. Elsewhere the
    vectors' derivative does not exist: a VJP raises LinAlgError (the loss depends on a
    basis of a degenerate subspace); a JVP, which cannot know whether its vector tangents
    will be used (svdvals only reads S), gives them NaN, as PyTorch and JAX do.
    """
    v = np.asarray(xp.value(values))  # the gap test reads numbers (under vmap: the recorded example's)
    n = v.shape[-1]
    scale = np.abs(v).max(axis=-1, initial=0.0)[..., None, None] if v.size else 0.0
    tiny = np.abs(v[..., None, :] - v[..., :, None]) <= 64 * np.finfo(v.dtype).eps * scale
    num = np.abs(np.asarray(xp.value(numerator)))
    bad = tiny & ~np.eye(n, dtype=bool) & (num > np.sqrt(np.finfo(v.dtype).eps) * max(num.max(initial=0.0), 1.0))
    keep = (~tiny).astype(v.dtype)
    if bad.any() and not tangent:
        what = "eigenvalues" if op == "eigh" else "singular values"
        raise LinAlgError(f"linalg.{op}: the vectors of repeated {what} are not unique, so a loss that depends "
                          f"on them has no gradient (values {v})")
    if bad.any():
        keep = np.where(bad, np.nan, keep)
    return numerator * keep / (values[..., None, :] - values[..., :, None] + (1 - np.nan_to_num(keep)))


def _diag(xp, m):
    return xp.einsum("...ii->...i", m)


def _embed(v, n, dtype):
    return v[..., :, None] * np.eye(n, dtype=dtype)


class Eigh(Primitive):
    """[λ; V] (..., n+1, n), (A + Aᵀ)/2 = V diag(λ) Vᵀ, λ ascending; dλ = diag(VᵀdAV), dV = V (F ∘ VᵀdAV)"""

    batched = "broadcast"
    saves = ("output",)

    flops = cubic(9)

    @staticmethod
    def sample_inputs(rng):
        q = np.linalg.qr(rng.standard_normal((3, 3)))[0]
        yield ((q * [-1.0, 0.5, 2.0]) @ q.T,), {}
        q = np.linalg.qr(rng.standard_normal((2, 2, 2)))[0]
        yield ((q * [1.0, 3.0]) @ np.swapaxes(q, -1, -2),), {}

    @staticmethod
    def forward(ctx, a):
        square("eigh", a)
        w, v = np.linalg.eigh(sym(np, a))
        return np.concatenate([w[..., None, :], v], axis=-2)

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        w, v, gw, gv = out[..., 0, :], out[..., 1:, :], g[..., 0, :], g[..., 1:, :]
        inner = xp.matmul(mT(xp, v), gv)
        middle = _gap_inverse(xp, w, (inner - mT(xp, inner)) * 0.5, "eigh") + _embed(gw, w.shape[-1], xp.value(w).dtype)
        return (xp.matmul(v, xp.matmul(middle, mT(xp, v))),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        w, v = out[..., 0, :], out[..., 1:, :]
        m = xp.matmul(mT(xp, v), xp.matmul(sym(xp, ts[0]), v))
        dv = xp.matmul(v, _gap_inverse(xp, w, m, "eigh", tangent=True))
        return xp.concatenate([_diag(xp, m)[..., None, :], dv], -2)


def _safe_inverse(xp, s):
    zero = (xp.value(s) == 0).astype(xp.value(s).dtype)
    return (1 - zero) / (s + zero)


class Svd(Primitive):
    """[U; S; V] (..., m+1+n, k), A = U diag(S) Vᵀ reduced (k = min(m, n)); Townsend's rules"""

    batched = "broadcast"
    saves = ("output",)  # of the input, the rules read only its shape

    flops = cubic(10)

    @staticmethod
    def sample_inputs(rng):
        yield (with_singular_values(rng, (3, 3), [3.0, 2.0, 1.0]),), {}
        yield (with_singular_values(rng, (4, 2), [2.0, 1.0]),), {}
        yield (with_singular_values(rng, (2, 2, 3), [2.5, 1.0]),), {}

    @staticmethod
    def forward(ctx, a):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return np.concatenate([u, s[..., None, :], np.swapaxes(vh, -1, -2)], axis=-2)

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        m = a.shape[-2]
        u, s, v = out[..., :m, :], out[..., m, :], out[..., m + 1:, :]
        gu, gs, gv = g[..., :m, :], g[..., m, :], g[..., m + 1:, :]
        j, k = xp.matmul(mT(xp, u), gu), xp.matmul(mT(xp, v), gv)
        numerator = (j - mT(xp, j)) * s[..., None, :] + s[..., :, None] * (k - mT(xp, k))
        middle = _gap_inverse(xp, s * s, numerator, "svd") + _embed(gs, s.shape[-1], xp.value(s).dtype)
        s_inv = _safe_inverse(xp, s)
        core = xp.matmul(u, middle) + (gu - xp.matmul(u, j)) * s_inv[..., None, :]
        return (xp.matmul(core, mT(xp, v)) + xp.matmul(u * s_inv[..., None, :], mT(xp, gv - xp.matmul(v, k))),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        m = a.shape[-2]
        u, s, v, da = out[..., :m, :], out[..., m, :], out[..., m + 1:, :], ts[0]
        dp = xp.matmul(mT(xp, u), xp.matmul(da, v))
        dss = dp * s[..., None, :]
        sds = s[..., :, None] * dp
        s_inv = _safe_inverse(xp, s)[..., None, :]
        dav, datu = xp.matmul(da, v), xp.matmul(mT(xp, da), u)
        du = xp.matmul(u, _gap_inverse(xp, s * s, dss + mT(xp, dss), "svd", True))
        dv = xp.matmul(v, _gap_inverse(xp, s * s, sds + mT(xp, sds), "svd", True))
        du = du + (dav - xp.matmul(u, dp)) * s_inv
        dv = dv + (datu - xp.matmul(v, mT(xp, dp))) * s_inv
        return xp.concatenate([du, _diag(xp, dp)[..., None, :], dv], -2)


class Qr(Primitive):
    """[Q; R] (..., m+n, n), A = QR reduced for m >= n (R upper triangular); Walter & Lehmann's rules"""

    batched = "broadcast"
    saves = ("output",)

    flops = cubic(2)

    @staticmethod
    def sample_inputs(rng):
        yield (with_singular_values(rng, (3, 3), [3.0, 2.0, 1.0]),), {}
        yield (with_singular_values(rng, (2, 4, 2), [2.0, 1.0]),), {}

    @staticmethod
    def forward(ctx, a):
        if a.ndim < 2 or a.shape[-2] < a.shape[-1]:
            raise ValueError(f"Qr: needs m >= n, got shape {a.shape}")
        q, r = np.linalg.qr(a)
        return np.concatenate([q, r], axis=-2)

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        m, n = a.shape[-2:]
        q, r, gq, gr = out[..., :m, :], out[..., m:, :], g[..., :m, :], g[..., m:, :]
        qdq = xp.matmul(mT(xp, q), gq)
        rdr = xp.matmul(r, mT(xp, gr))
        lower = (qdq - mT(xp, qdq) + rdr - mT(xp, rdr)) * np.tril(np.ones((n, n), dtype=xp.value(r).dtype))
        right = xp.matmul(q, lower) + gq - xp.matmul(q, qdq)  # everything multiplied by R⁻ᵀ on the right
        return (xp.matmul(q, gr) + mT(xp, xp.solve(r, mT(xp, right))),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        m, n = a.shape[-2:]
        q, r = out[..., :m, :], out[..., m:, :]
        dxr = mT(xp, xp.solve(mT(xp, r), mT(xp, ts[0])))  # dA R⁻¹
        c = xp.matmul(mT(xp, q), dxr)
        low = c * np.tril(np.ones((n, n), dtype=xp.value(r).dtype), -1)
        omega = low - mT(xp, low)
        return xp.concatenate([xp.matmul(q, omega - c) + dxr, xp.matmul(c - omega, r)], -2)
