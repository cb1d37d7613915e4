"""autograd_core.linalg: torch.linalg's names, signatures and return types, on batches of matrices (..., m, n).

Forward passes are numpy's LAPACK routines; gradients and tangents are the primitives'
published rules (ops/decompositions.py, ops/spectral.py). A matrix an operation cannot
handle raises LinAlgError (a RuntimeError, as torch.linalg.LinAlgError).
"""
from collections import namedtuple

import numpy as np

from .grad_mode import is_grad_enabled
from .ops import concatenate, einsum, getitem, matmul, squeeze, stack, swapaxes, unsqueeze, value, where, _shape
from .ops.decompositions import (Cholesky, Det, LinAlgError, LogAbsDet, Pinv, as_input, inv, matrix_exp,
                                 solve as _solve)
from .ops.norms import matrix_norm, vector_norm
from .ops.spectral import Eigh, Qr, Svd
from .tensor import Tensor

__all__ = ["LinAlgError", "inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals",
           "pinv", "matrix_exp", "lstsq", "vector_norm", "matrix_norm", "norm", "multi_dot", "matrix_power", "vecdot",
           "matrix_rank", "cross", "logdet", "solve_triangular", "cond", "tensorinv", "tensorsolve", "inv_ex",
           "cholesky_ex"]

_slogdet = namedtuple("slogdet", ("sign", "logabsdet"))
_qr = namedtuple("qr", ("Q", "R"))
_eigh = namedtuple("eigh", ("eigenvalues", "eigenvectors"))
_svd = namedtuple("svd", ("U", "S", "Vh"))
_lstsq = namedtuple("lstsq", ("solution", "residuals", "rank", "singular_values"))
_inv_ex = namedtuple("inv_ex", ("inverse", "info"))
_cholesky_ex = namedtuple("cholesky_ex", ("L", "info"))


def _matrices(op, a):
    if len(_shape(a)) < 2:
        raise ValueError(f"linalg.{op}: A must have at least 2 dimensions, got shape {tuple(_shape(a))}")


def _mT(a):
    return swapaxes(a, -1, -2)


def det(a):
    """Determinant of square matrices (..., n, n) -> (...); its gradient exists at singular matrices too."""
    a = as_input(a)
    return Det.apply(a)


def logdet(a):
    """log det A (...): NaN where det < 0 and -inf where det = 0, with gradient 0 there, as torch.logdet."""
    sign, logabsdet = slogdet(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return where(sign.data > 0, logabsdet, np.log(sign.data))


def slogdet(a):
    """Named tuple (sign, logabsdet), each (...): det = sign · exp(logabsdet); sign has no gradient."""
    a = as_input(a)
    sign = Tensor(np.sign(np.linalg.det(value(a)))) if _shape(a)[-1:] == _shape(a)[-2:-1] else None
    return _slogdet(sign, LogAbsDet.apply(a))


def solve(a, b, *, left=True):
    """X with A X = B (left=False: X A = B); B (..., n, k) or a batch of vectors (..., n); batch axes broadcast."""
    a, b = as_input(a), as_input(b)
    _matrices("solve", a)
    sa, sb = tuple(_shape(a)), tuple(_shape(b))
    if not left:
        return _mT(solve(_mT(a), _mT(b)))
    if len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1]):
        return squeeze(_solve(a, unsqueeze(b, -1)), -1)
    return _solve(a, b)


def cholesky(a, *, upper=False):
    """Lower (upper=True: upper) triangular L with A = L Lᵀ, for symmetric positive-definite A (..., n, n).

    The symmetric part (A + Aᵀ)/2 is factored (the same as PyTorch for the symmetric inputs it documents).
    """
    a = as_input(a)
    low = Cholesky.apply(a)
    return _mT(low) if upper else low


def eigh(a, UPLO="L"):
    """Named tuple (eigenvalues (..., n) ascending, eigenvectors (..., n, n) as columns) of symmetric A.

    The symmetric part (A + Aᵀ)/2 is decomposed, so either triangle (UPLO) gives the same result for
    symmetric A. A loss that depends on eigenvectors of repeated eigenvalues raises LinAlgError in backward.
    """
    a = as_input(a)
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    packed = Eigh.apply(a)
    return _eigh(packed[..., 0, :], packed[..., 1:, :])


def eigvalsh(a, UPLO="L"):
    """Eigenvalues (..., n), ascending, of symmetric A."""
    return eigh(a, UPLO).eigenvalues


def svd(a, full_matrices=True):
    """Named tuple (U, S, Vh) with A = U diag(S) Vh; S (..., k) descending, k = min(m, n).

    full_matrices=True (the default, as PyTorch) completes U (m, m) or Vh (n, n) with an orthonormal
    complement, which takes no gradient (as PyTorch, only the first k vectors are differentiated).
    """
    a = as_input(a)
    _matrices("svd", a)
    m, n = _shape(a)[-2:]
    packed = Svd.apply(a)
    u, s, v = packed[..., :m, :], packed[..., m, :], packed[..., m + 1:, :]
    if full_matrices and m != n:
        if m > n:
            u = concatenate([u, Tensor(_complement(u.data))], -1)
        else:
            v = concatenate([v, Tensor(_complement(v.data))], -1)
    return _svd(u, s, _mT(v))


def _complement(q):
    """Orthonormal columns spanning the complement of the orthonormal columns q (..., m, k)."""
    full = np.linalg.qr(q, mode="complete")[0]
    return full[..., q.shape[-1]:]


def svdvals(a):
    """Singular values (..., k), descending; their gradient needs no distinct values."""
    a = as_input(a)
    _matrices("svdvals", a)
    if isinstance(a, Tensor):  # the vectors are what its derivative (and a transform's tangent) needs
        return Svd.apply(a)[..., _shape(a)[-2], :]
    return Tensor(np.linalg.svd(a, compute_uv=False))


def qr(a, mode="reduced"):
    """Named tuple (Q, R) with A = QR, R upper triangular; mode 'reduced' (k = min(m, n)), 'complete' or 'r'.

    As PyTorch, mode='complete' with m > n is not differentiable, and mode='r' returns an empty Q.
    """
    a = as_input(a)
    _matrices("qr", a)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    m, n = _shape(a)[-2:]
    if mode == "complete" and m > n:
        if isinstance(a, Tensor) and (a.requires_grad and is_grad_enabled() or a._tangent is not None):
            raise RuntimeError("linalg.qr: the QR decomposition is not differentiable when mode='complete' and "
                               f"nrows > ncols (A of shape {tuple(_shape(a))}); use mode='reduced'")
        q, r = np.linalg.qr(value(a), mode="complete")
        return _qr(Tensor(q), Tensor(r))
    if m >= n:
        packed = Qr.apply(a)
        q, r = packed[..., :m, :], packed[..., m:, :]
    else:  # A = [X | Y]: Householder QR of A is the QR of X, and R = [R_X | Qᵀ Y]
        packed = Qr.apply(a[..., :m])
        q = packed[..., :m, :]
        r = concatenate([packed[..., m:, :], matmul(_mT(q), a[..., m:])], -1)
    return _qr(Tensor(np.zeros((0,), value(a).dtype)) if mode == "r" else q, r)


def pinv(a, *, atol=None, rtol=None, hermitian=False):
    """Moore-Penrose pseudo-inverse (..., n, m); singular values <= max(atol, rtol · σ_max) count as 0.

    Default rtol, as PyTorch: eps · max(m, n) when atol is not given either, else 0.
    """
    a = as_input(a)
    _matrices("pinv", a)
    dtype = np.result_type(value(a))
    if rtol is None:
        rtol = np.finfo(dtype).eps * max(_shape(a)[-2:]) if atol is None else 0.0
    return Pinv.apply(a, atol=float(atol or 0.0), rtol=float(rtol))


def lstsq(a, b, rcond=None, *, driver=None):
    """Least-squares solution of A X ≈ B: named tuple (solution, residuals, rank, singular_values) as PyTorch.

    The solution is pinv(A) B (PyTorch's gradient formula), the minimum-norm one for rank-deficient A.
    rank for drivers 'gelsy' (default), 'gelsd', 'gelss'; singular_values for 'gelsd'/'gelss'; residuals
    ‖A X − B‖² per column when m > n, A has full rank and the driver is not 'gelsy'. Others are empty.
    """
    a, b = as_input(a), as_input(b)
    _matrices("lstsq", a)
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise ValueError(f"linalg.lstsq: driver must be one of 'gels', 'gelsy', 'gelsd', 'gelss', got {driver!r}")
    sa, sb = tuple(_shape(a)), tuple(_shape(b))
    vector = len(sb) == len(sa) - 1
    if (sb[-1] if vector else sb[-2]) != sa[-2]:
        raise ValueError(f"linalg.lstsq: B of shape {sb} does not fit A of shape {sa}")
    dtype = np.result_type(value(a))
    rtol = np.finfo(dtype).eps * max(sa[-2:]) if rcond is None or rcond < 0 else rcond
    x = matmul(pinv(a, rtol=rtol), unsqueeze(b, -1) if vector else b)
    s = np.linalg.svd(value(a), compute_uv=False)
    rank = (s > rtol * s[..., :1]).sum(-1) if s.shape[-1] else np.zeros(sa[:-2], np.int64)
    empty = Tensor(np.zeros((0,), dtype))
    residuals = empty
    if driver != "gelsy" and sa[-2] > sa[-1] and bool(np.all(rank == sa[-1])):
        r = matmul(a, x) - (unsqueeze(b, -1) if vector else b)
        residuals = (r * r).sum(-2)
        residuals = squeeze(residuals, -1) if vector else residuals
    return _lstsq(squeeze(x, -1) if vector else x, residuals,
                  Tensor(rank.astype(np.int64)) if driver != "gels" else Tensor(np.zeros((0,), np.int64)),
                  Tensor(s.astype(dtype)) if driver in ("gelsd", "gelss") else empty)


def norm(a, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a vector norm for an int dim or a 1-D input, a matrix norm for a 2-tuple dim or a 2-D input.

    ord=None: the 2-norm of the flattened input (dim None), of vectors (int dim) or Frobenius (2-tuple dim).
    """
    ndim = len(_shape(a))
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    if dim is not None and len(dim) == 2 and ord is not None or dim is None and ord is not None and ndim == 2:
        return matrix_norm(a, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if ord is not None and isinstance(ord, str):
        if dim is not None and len(dim) == 2 or ndim == 2:
            return matrix_norm(a, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
        raise ValueError(f"linalg.norm: ord={ord!r} needs a matrix (2-D input or a 2-tuple dim)")
    if dim is None and ord is not None and ndim != 1:
        raise ValueError(f"linalg.norm: with ord={ord!r} and dim=None the input must be 1-D or 2-D, "
                         f"got shape {tuple(_shape(a))}")
    return vector_norm(a, 2 if ord is None else ord, dim, keepdim, dtype=dtype)



def multi_dot(tensors):
    """A₁ A₂ ... Aₖ; the first may be a vector (n,) and the last a vector (n,), as torch.linalg.multi_dot."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise ValueError(f"linalg.multi_dot: expected at least 2 tensors, got {len(tensors)}")
    for i, t in enumerate(tensors):
        if len(_shape(t)) != (1 if i in (0, len(tensors) - 1) and len(_shape(t)) == 1 else 2):
            raise ValueError(f"linalg.multi_dot: tensor {i} must be 2-D (the first and last may be 1-D), "
                             f"got shape {tuple(_shape(t))}")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def matrix_power(a, n):
    """Aⁿ for an integer n by repeated squaring; n < 0 inverts first, n = 0 gives the identity."""
    a = as_input(a)
    _matrices("matrix_power", a)
    if int(n) != n:
        raise TypeError(f"linalg.matrix_power: n must be an integer, got {n!r}")
    n = int(n)
    if n < 0:
        return matrix_power(inv(a), -n)
    size = _shape(a)[-1]
    if n == 0:
        return Tensor(np.broadcast_to(np.eye(size, dtype=np.result_type(value(a))), _shape(a)).copy())
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def vecdot(x, y, *, dim=-1):
    """Σ x y along `dim` (inputs broadcast), as torch.linalg.vecdot for real tensors."""
    shape = np.broadcast_shapes(_shape(x), _shape(y))
    d = int(dim) % len(shape)
    letters = "abcdefghijklmnopqrstuvwxyz"[:len(shape)]
    lx, ly = letters[len(shape) - len(_shape(x)):], letters[len(shape) - len(_shape(y)):]
    return einsum(f"{lx},{ly}->{letters.replace(letters[d], '')}", x, y)


def matrix_rank(a, *, atol=None, rtol=None, hermitian=False):
    """Number of singular values above max(atol, rtol · σ_max) (int64, no gradient); rtol's default as pinv's."""
    a = as_input(a)
    _matrices("matrix_rank", a)
    s = np.linalg.svd(value(a), compute_uv=False)
    if rtol is None:
        rtol = np.finfo(s.dtype).eps * max(_shape(a)[-2:]) if atol is None or atol <= 0 else 0.0
    tol = np.maximum(atol or 0.0, rtol * (s[..., :1] if s.shape[-1] else 0.0))
    return Tensor((s > tol).sum(-1).astype(np.int64))


def cross(x, y, *, dim=-1):
    """Cross product of 3-vectors along `dim` (inputs broadcast)."""
    shape = np.broadcast_shapes(_shape(x), _shape(y))
    d = int(dim) % len(shape)
    if shape[d] != 3:
        raise ValueError(f"linalg.cross: dim {dim} must have size 3, got shapes {tuple(_shape(x))} and "
                         f"{tuple(_shape(y))}")

    def part(t, i):
        t_shape = _shape(t)
        axis = d - (len(shape) - len(t_shape))
        if axis < 0 or t_shape[axis] == 1:
            return t if axis < 0 else squeeze(t, axis)
        return getitem(t, (slice(None),) * axis + (i,))
    x0, x1, x2 = (part(x, i) for i in range(3))
    y0, y1, y2 = (part(y, i) for i in range(3))
    return stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0], d)


def solve_triangular(a, b, *, upper, left=True, unitriangular=False):
    """X with A X = B (left=False: X A = B) reading only A's upper or lower triangle (and a unit diagonal).

    The gradient of A is triangular too, as PyTorch's.
    """
    a, b = as_input(a), as_input(b)
    _matrices("solve_triangular", a)
    n = _shape(a)[-1]
    mask = (np.triu if upper else np.tril)(np.ones((n, n)), (1 if upper else -1) if unitriangular else 0)
    t = a * mask.astype(np.result_type(value(a)))
    if unitriangular:
        t = t + np.eye(n, dtype=np.result_type(value(a)))
    return _solve(t, b) if left else _mT(_solve(_mT(t), _mT(b)))


def cond(a, p=None):
    """Condition number: σ_max / σ_min for p None or 2 (-2: the inverse), else ‖A‖_p ‖A⁻¹‖_p."""
    a = as_input(a)
    if p in (None, 2, -2):
        s = svdvals(a)
        top, bottom = s[..., 0], s[..., -1]
        return top / bottom if p != -2 else bottom / top
    return matrix_norm(a, p) * matrix_norm(inv(a), p)


def tensorinv(a, ind=2):
    """The inverse of A read as a matrix (prod(shape[:ind]), prod(shape[ind:])): shape shape[ind:] + shape[:ind]."""
    a = as_input(a)
    shape = tuple(_shape(a))
    rows, cols = int(np.prod(shape[:ind])), int(np.prod(shape[ind:]))
    if rows != cols:
        raise ValueError(f"linalg.tensorinv: the product of the first {ind} dims must equal that of the rest, "
                         f"got shape {shape}")
    return inv(a.reshape(rows, cols)).reshape(shape[ind:] + shape[:ind])


def tensorsolve(a, b, dims=None):
    """X with tensordot(A, X, X.ndim) = B: A read as a matrix (b.size, rest); `dims` moves those dims of A last."""
    a, b = as_input(a), as_input(b)
    if dims is not None:
        dims = [d % len(_shape(a)) for d in dims]
        a = a.transpose(tuple(i for i in range(len(_shape(a))) if i not in dims) + tuple(dims))
    sa, sb = tuple(_shape(a)), tuple(_shape(b))
    out_shape = sa[len(sb):]
    rows = int(np.prod(sb))
    if int(np.prod(out_shape)) != rows or sa[:len(sb)] != sb:
        raise ValueError(f"linalg.tensorsolve: A of shape {sa} does not fit B of shape {sb}")
    return squeeze(_solve(a.reshape(rows, rows), b.reshape(rows, 1)), -1).reshape(out_shape)


def inv_ex(a, *, check_errors=False):
    """Named tuple (inverse, info): info (...) is 0, or 1 where A is singular (its inverse then NaN).

    PyTorch's info is LAPACK's index of the failing pivot and its inverse there is undefined; check info != 0.
    """
    return _ex(lambda x: inv(x), a, check_errors, _inv_ex)


def cholesky_ex(a, *, upper=False, check_errors=False):
    """Named tuple (L, info): info (...) is 0, or 1 where A is not positive-definite (L then NaN), see `inv_ex`."""
    return _ex(lambda x: cholesky(x, upper=upper), a, check_errors, _cholesky_ex)


def _ex(op, a, check_errors, result):
    """op(a) and info per matrix, as the *_ex functions: failing matrices give NaN and info 1 instead of raising."""
    a = as_input(a)
    try:
        return result(op(a), Tensor(np.zeros(_shape(a)[:-2], np.int32)))
    except LinAlgError:
        if check_errors:
            raise
    batch = _shape(a)[:-2]
    flat = np.reshape(value(a), (-1,) + tuple(_shape(a)[-2:]))
    info = np.zeros(len(flat), np.int32)
    for i, m in enumerate(flat):
        try:
            op(m)
        except LinAlgError:
            info[i] = 1
    good = Tensor(np.where(info[:, None, None] > 0, np.eye(flat.shape[-1]), flat).reshape(value(a).shape))
    out = op(where(np.reshape(info, batch + (1, 1)) > 0, good, a) if isinstance(a, Tensor) else good)
    return result(where(np.reshape(info, batch + (1, 1)) > 0, np.nan, out), Tensor(info.reshape(batch)))
