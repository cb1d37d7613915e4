"""Square-matrix primitives on numpy's LAPACK: inverse, determinant, solve, Cholesky, pseudo-inverse, exponential.

Each works on stacks of matrices (leading batch axes). The rules are the published
adjoints (Giles 2008, "Collected matrix derivative results"; Murray 2016 for Cholesky;
Golub & Pereyra 1973 for the pseudo-inverse; the block-matrix Fréchet derivative for
the exponential), written in matmul/solve/einsum so that they differentiate again.
"""
import contextlib

import numpy as np

from ..primitive import NO_PARAMS, Primitive, apply
from ..tensor import Tensor
from ._rules import unbroadcast


class LinAlgError(RuntimeError):
    """A matrix the operation cannot handle (singular, not positive-definite), as torch.linalg.LinAlgError."""


@contextlib.contextmanager
def lapack(op, why):
    """Turn numpy's LinAlgError (a ValueError) into LinAlgError naming `op` and why, as PyTorch's messages."""
    try:
        yield
    except np.linalg.LinAlgError as exc:
        raise LinAlgError(f"linalg.{op}: {why} ({exc})") from None


def as_input(x):
    """A Tensor or numpy array as it is; anything else (nested lists, numbers) as a Tensor (float32, as Tensor does)."""
    return x if isinstance(x, (Tensor, np.ndarray)) else Tensor(x)


def square(op, a):
    """Raise a ValueError naming `op` unless `a` is a stack of square matrices."""
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"linalg.{op}: A must be batches of square matrices, got shape {a.shape}")


def cubic(factor):
    """A `flops` rule: factor · (elements of A) · min(m, n), the O(n³) count of a dense factorization."""
    def flops(out, a, *rest, **params):
        return int(factor * np.size(a) * min(np.shape(a)[-2:], default=1))
    return staticmethod(flops)


def mT(xp, a):
    """The transpose of every matrix in a stack (..., m, n) -> (..., n, m)."""
    return xp.swapaxes(a, -1, -2)


def sym(xp, a):
    """(a + aᵀ) / 2: the symmetric part, what the Hermitian decompositions read."""
    return (a + mT(xp, a)) * 0.5


# Sample inputs stay well conditioned whatever the draw (the generic table's generator is shared by every
# primitive, so another op's rows change which numbers come out here).
def with_singular_values(rng, shape, values):
    """Random matrices U diag(values) Vᵀ of `shape` (..., m, n), len(values) = min(m, n)."""
    m, n = shape[-2:]
    u = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, m)))[0][..., :len(values)]
    v = np.linalg.qr(rng.standard_normal(shape[:-2] + (n, n)))[0][..., :len(values)]
    return (u * np.asarray(values, dtype=float)) @ np.swapaxes(v, -1, -2)


def well_conditioned(rng, shape):
    """Random square matrices (shape (..., n, n)) with singular values 1 to 3, for sample inputs."""
    return with_singular_values(rng, shape, np.linspace(3.0, 1.0, shape[-1]))


def spd(rng, shape):
    """Random symmetric positive-definite matrices, for sample inputs."""
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


class Inv(Primitive):
    """out = A⁻¹; dA⁻¹ = −A⁻¹ dA A⁻¹"""

    batched = "broadcast"
    saves = ("output",)

    flops = cubic(2)

    @staticmethod
    def sample_inputs(rng):
        yield (well_conditioned(rng, (3, 3)),), {}
        yield (well_conditioned(rng, (2, 3, 3)),), {}

    @staticmethod
    def forward(ctx, a):
        square("inv", a)
        with lapack("inv", "the input matrix is singular, the inversion could not be completed"):
            return np.linalg.inv(a)

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        return (-xp.matmul(mT(xp, out), xp.matmul(g, mT(xp, out))),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        return -xp.matmul(out, xp.matmul(ts[0], out))


class Det(Primitive):
    """out = det A; d det = det · tr(A⁻¹ dA)"""

    saves = ("inputs", "output")

    flops = cubic(2 / 3)

    @staticmethod
    def sample_inputs(rng):
        yield (well_conditioned(rng, (3, 3)),), {}
        yield (well_conditioned(rng, (2, 2, 2)),), {}

    @staticmethod
    def forward(ctx, a):
        square("det", a)
        return np.linalg.det(a)

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        return (g[..., None, None] * mT(xp, _adjugate(xp, a, out)),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        return xp.einsum("...ij,...ji->...", _adjugate(xp, a, out), ts[0])


def _adjugate(xp, a, det):
    """adj(A) = det(A) A⁻¹; at an exactly singular A (numpy only) from the SVD, so det has a gradient there too."""
    try:
        return det[..., None, None] * xp.inv(a)
    except LinAlgError:
        if type(a) is not np.ndarray:
            raise LinAlgError("linalg.det: the second derivative at a singular matrix is not implemented") from None
    u, s, vh = np.linalg.svd(a)
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(s.shape[-1])], axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * np.matmul(np.swapaxes(vh, -1, -2) * others[..., None, :], np.swapaxes(u, -1, -2))


class LogAbsDet(Primitive):
    """out = log |det A| (slogdet's second part); d out = tr(A⁻¹ dA)"""

    saves = ("inputs",)

    flops = cubic(2 / 3)

    @staticmethod
    def sample_inputs(rng):
        yield (well_conditioned(rng, (3, 3)),), {}
        yield (-well_conditioned(rng, (2, 2, 2)),), {}

    @staticmethod
    def forward(ctx, a):
        square("slogdet", a)
        return np.linalg.slogdet(a)[1]

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        return (g[..., None, None] * mT(xp, xp.inv(a)),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        return xp.einsum("...ij,...ji->...", xp.inv(a), ts[0])


class Solve(Primitive):
    """out = A⁻¹ B for B (..., n, k), batch axes broadcasting; dX = A⁻¹ (dB − dA X)"""

    batched = "broadcast"
    saves = ("inputs", "output")

    flops = cubic(2 / 3)

    @staticmethod
    def sample_inputs(rng):
        yield (well_conditioned(rng, (3, 3)), rng.standard_normal((3, 2))), {}
        yield (well_conditioned(rng, (2, 3, 3)), rng.standard_normal((3, 1))), {}
        yield (well_conditioned(rng, (3, 3)), rng.standard_normal((2, 3, 2))), {}

    @staticmethod
    def forward(ctx, a, b):
        square("solve", a)
        if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
            raise ValueError(f"linalg.solve: B of shape {b.shape} does not fit A of shape {a.shape}")
        # NOTE: equal ranks, so no numpy version reads b as a stack of vectors (numpy 1.x does when b.ndim == a.ndim - 1)
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a, b = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
        with lapack("solve", "the input matrix is singular, the solver could not be completed"):
            return np.linalg.solve(a, b)

    @staticmethod
    def vjp(ctx, xp, g, out, a, b):
        gb = xp.solve(mT(xp, a), g)
        ga = -xp.matmul(gb, mT(xp, out)) if ctx.needs[0] else None
        return (None if ga is None else unbroadcast(ga, a.shape),
                unbroadcast(gb, b.shape) if ctx.needs[1] else None)

    @staticmethod
    def jvp(ctx, xp, ts, out, a, b):
        da, db = ts
        rhs = -xp.matmul(da, out) if da is not None else 0
        return xp.solve(a, rhs if db is None else db + rhs)


def _phi(n, dtype):
    """tril mask with ½ on the diagonal: Φ in Murray's Cholesky rules."""
    return (np.tril(np.ones((n, n))) - 0.5 * np.eye(n)).astype(dtype)


class Cholesky(Primitive):
    """out = L with L Lᵀ = (A + Aᵀ)/2, L lower; dL = L Φ(L⁻¹ dA L⁻ᵀ) (Murray 2016)

    The symmetric part is factored, so the gradient is PyTorch's symmetrized one and is
    also the true derivative (finite differences agree on every entry).
    """

    batched = "broadcast"
    saves = ("output",)

    flops = cubic(1 / 3)

    @staticmethod
    def sample_inputs(rng):
        yield (spd(rng, (3, 3)),), {}
        yield (spd(rng, (2, 2, 2)),), {}

    @staticmethod
    def forward(ctx, a):
        square("cholesky", a)
        with lapack("cholesky", "the factorization could not be completed because the input is not "
                                "positive-definite"):
            return np.linalg.cholesky(sym(np, a))

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        p = xp.matmul(mT(xp, out), g) * _phi(out.shape[-1], xp.value(out).dtype)
        s = xp.solve(mT(xp, out), p)  # L⁻ᵀ Φ(Lᵀ ḡ)
        return (sym(xp, mT(xp, xp.solve(mT(xp, out), mT(xp, s)))),)  # ... L⁻¹, symmetrized

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        w = xp.solve(out, sym(xp, ts[0]))
        return xp.matmul(out, mT(xp, xp.solve(out, mT(xp, w))) * _phi(out.shape[-1], xp.value(out).dtype))


class Pinv(Primitive):
    """out = A⁺ (singular values at or below max(atol, rtol·σ_max) dropped), Golub & Pereyra's derivative"""

    batched = "broadcast"
    saves = ("inputs", "output")

    flops = cubic(8)

    @staticmethod
    def sample_inputs(rng):
        yield (with_singular_values(rng, (4, 3), [3.0, 2.0, 1.0]),), {"atol": 0.0, "rtol": 1e-12}
        yield (with_singular_values(rng, (2, 2, 3), [2.0, 1.0]),), {"atol": 0.0, "rtol": 1e-12}
        yield (well_conditioned(rng, (3, 3)),), {"atol": 0.0, "rtol": 1e-12}

    @staticmethod
    def forward(ctx, a, atol, rtol):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        keep = s > np.maximum(atol, rtol * s[..., :1]) if s.shape[-1] else s > 0
        s_inv = np.where(keep, 1 / np.where(keep, s, 1), 0)
        return np.matmul(np.swapaxes(vh, -1, -2) * s_inv[..., None, :], np.swapaxes(u, -1, -2))

    @staticmethod
    def vjp(ctx, xp, g, out, a, atol, rtol):
        p, pt, gt = out, mT(xp, out), mT(xp, g)
        mm = xp.matmul
        first = -mm(pt, mm(g, pt))
        left = mm(gt, mm(p, pt))  # (I − A A⁺) Gᵀ A⁺ A⁺ᵀ
        right = mm(mm(pt, p), gt)  # A⁺ᵀ A⁺ Gᵀ (I − A⁺ A)
        return (first + left - mm(a, mm(p, left)) + right - mm(mm(right, p), a),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a, atol, rtol):
        p, pt, dat = out, mT(xp, out), mT(xp, ts[0])
        mm = xp.matmul
        left = mm(mm(p, pt), dat)  # A⁺ A⁺ᵀ dAᵀ (I − A A⁺)
        right = mm(dat, mm(pt, p))  # (I − A⁺ A) dAᵀ A⁺ᵀ A⁺
        return -mm(p, mm(ts[0], p)) + left - mm(mm(left, a), p) + right - mm(p, mm(a, right))


def inv(a):
    """A⁻¹ for square matrices (..., n, n); a singular matrix raises LinAlgError."""
    return apply(Inv, (as_input(a),), NO_PARAMS)


def solve(a, b):
    """A⁻¹ B for A (..., n, n) and B (..., n, k), batch axes broadcasting."""
    return apply(Solve, (a, b), NO_PARAMS)


# Padé [13/13] coefficients of exp (Higham 2005, "The scaling and squaring method for the matrix
# exponential revisited")
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm(a):
    """exp(A) for a stack of matrices by scaling and squaring with Padé [13/13], in float64 (complex128)."""
    a = np.asarray(a, dtype=np.result_type(a, np.float64))
    norm = np.abs(a).sum(axis=-2).max() if a.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm / _THETA13)))) if norm > _THETA13 else 0
    a = a / 2.0 ** s
    b, eye = _PADE13, np.eye(a.shape[-1])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r


def _frechet(xp, a, e):
    """The Fréchet derivative L(A, E): the top-right block of exp([[A, E], [0, A]]) (Mathias 1996)."""
    zeros = np.zeros(np.shape(e), dtype=xp.value(e).dtype)
    block = xp.concatenate([xp.concatenate([a, e], -1), xp.concatenate([zeros, a], -1)], -2)
    n = a.shape[-1]
    return xp.matrix_exp(block)[..., :n, n:]


class MatrixExp(Primitive):
    """out = exp(A) = Σ Aᵏ/k!; d exp = L(A, dA), and the VJP is L(Aᵀ, ḡ)"""

    saves = ("inputs",)

    flops = cubic(20)

    @staticmethod
    def sample_inputs(rng):
        yield (rng.standard_normal((3, 3)),), {}
        yield (0.5 * rng.standard_normal((2, 2, 2)),), {}
        yield (4 * rng.standard_normal((2, 2)),), {}

    @staticmethod
    def forward(ctx, a):
        square("matrix_exp", a)
        return _expm(a).astype(a.dtype if a.dtype.kind in "fc" else np.float64, copy=False)

    @staticmethod
    def vjp(ctx, xp, g, out, a):
        return (_frechet(xp, xp.broadcast_to(mT(xp, a), g.shape), g),)

    @staticmethod
    def jvp(ctx, xp, ts, out, a):
        return _frechet(xp, a, ts[0])


def matrix_exp(a):
    """exp(A) for square matrices (..., n, n)."""
    return apply(MatrixExp, (as_input(a),), NO_PARAMS)
