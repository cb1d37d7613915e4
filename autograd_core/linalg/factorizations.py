"""torch.linalg's factorizations, solvers and norms with its return types (named tuples), on batches (..., m, n)."""
from collections import namedtuple

import numpy as np

from ..grad_mode import is_grad_enabled
from ..ops import concatenate, matmul, squeeze, swapaxes, unsqueeze, value, where, _shape
from ..ops.decompositions import Cholesky, Det, LogAbsDet, Pinv, as_input, solve as _solve
from ..ops.norms import matrix_norm, vector_norm
from ..ops.spectral import Eigh, Qr, Svd
from ..tensor import Tensor, shared_tensor

_slogdet = namedtuple("slogdet", ("sign", "logabsdet"))
_qr = namedtuple("qr", ("Q", "R"))
_eigh = namedtuple("eigh", ("eigenvalues", "eigenvectors"))
_svd = namedtuple("svd", ("U", "S", "Vh"))
_lstsq = namedtuple("lstsq", ("solution", "residuals", "rank", "singular_values"))


def _matrices(op, a):
    if len(_shape(a)) < 2:
        raise ValueError(f"linalg.{op}: A must have at least 2 dimensions, got shape {tuple(_shape(a))}")


def _mT(a):
    return swapaxes(a, -1, -2)


def _complex(op, a):
    """The numpy array of a complex `a`, else None. Complex matrices are decomposed by numpy without a graph
    (complex autograd is not implemented: a complex input that requires grad is refused), so the eigen- and
    singular values come out real, of the matching precision (complex64: float32), as PyTorch's."""
    arr = value(a)
    if np.result_type(arr).kind != "c":
        return None
    if isinstance(a, Tensor) and a.requires_grad and is_grad_enabled():
        raise RuntimeError(f"linalg.{op}: gradients of complex inputs are not supported; detach() the input")
    return arr


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
    sign = shared_tensor(np.sign(np.linalg.det(value(a)))) if _shape(a)[-1:] == _shape(a)[-2:-1] else None
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
    arr = _complex("eigh", a)
    if arr is not None:  # Hermitian: numpy reads the UPLO triangle, as PyTorch
        w, v = np.linalg.eigh(arr, UPLO=UPLO)
        return _eigh(shared_tensor(w), shared_tensor(v))
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
    arr = _complex("svd", a)
    if arr is not None:
        return _svd(*(shared_tensor(f) for f in np.linalg.svd(arr, full_matrices=full_matrices)))
    packed = Svd.apply(a)
    u, s, v = packed[..., :m, :], packed[..., m, :], packed[..., m + 1:, :]
    if full_matrices and m != n:
        if m > n:
            u = concatenate([u, shared_tensor(_complement(u.data))], -1)
        else:
            v = concatenate([v, shared_tensor(_complement(v.data))], -1)
    return _svd(u, s, _mT(v))


def _complement(q):
    """Orthonormal columns spanning the complement of the orthonormal columns q (..., m, k)."""
    full = np.linalg.qr(q, mode="complete")[0]
    return full[..., q.shape[-1]:]


def svdvals(a):
    """Singular values (..., k), descending; their gradient needs no distinct values."""
    a = as_input(a)
    _matrices("svdvals", a)
    if isinstance(a, Tensor) and _complex("svdvals", a) is None:
        return Svd.apply(a)[..., _shape(a)[-2], :]  # the vectors are what its derivative (and a tangent) needs
    return shared_tensor(np.linalg.svd(value(a), compute_uv=False))


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
        return _qr(shared_tensor(q), shared_tensor(r))
    if m >= n:
        packed = Qr.apply(a)
        q, r = packed[..., :m, :], packed[..., m:, :]
    else:  # A = [X | Y]: Householder QR of A is the QR of X, and R = [R_X | Qᵀ Y]
        packed = Qr.apply(a[..., :m])
        q = packed[..., :m, :]
        r = concatenate([packed[..., m:, :], matmul(_mT(q), a[..., m:])], -1)
    return _qr(shared_tensor(np.zeros((0,), value(a).dtype)) if mode == "r" else q, r)


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
    empty = shared_tensor(np.zeros((0,), dtype))
    residuals = empty
    if driver != "gelsy" and sa[-2] > sa[-1] and bool(np.all(rank == sa[-1])):
        r = matmul(a, x) - (unsqueeze(b, -1) if vector else b)
        residuals = (r * r).sum(-2)
        residuals = squeeze(residuals, -1) if vector else residuals
    return _lstsq(squeeze(x, -1) if vector else x, residuals,
                  shared_tensor(rank.astype(np.int64)) if driver != "gels" else shared_tensor(np.zeros((0,), np.int64)),
                  shared_tensor(s.astype(dtype)) if driver in ("gelsd", "gelss") else empty)


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
