"""torch.linalg's conveniences, composed from the factorizations: products, powers, triangular and tensor
solves, condition numbers, ranks, and the *_ex variants that report failures instead of raising."""
from collections import namedtuple

import numpy as np

from ..ops import einsum, getitem, matmul, squeeze, stack, value, where, _shape
from ..ops.decompositions import LinAlgError, as_input, inv, solve as _solve
from ..ops.norms import matrix_norm
from ..tensor import Tensor, shared_tensor
from .factorizations import _matrices, _mT, cholesky, svdvals

_inv_ex = namedtuple("inv_ex", ("inverse", "info"))
_cholesky_ex = namedtuple("cholesky_ex", ("L", "info"))


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
        return shared_tensor(np.broadcast_to(np.eye(size, dtype=np.result_type(value(a))), _shape(a)).copy())
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
    return shared_tensor((s > tol).sum(-1).astype(np.int64))


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
        return result(op(a), shared_tensor(np.zeros(_shape(a)[:-2], np.int32)))
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
    good = shared_tensor(np.where(info[:, None, None] > 0, np.eye(flat.shape[-1]), flat).reshape(value(a).shape))
    out = op(where(np.reshape(info, batch + (1, 1)) > 0, good, a) if isinstance(a, Tensor) else good)
    return result(where(np.reshape(info, batch + (1, 1)) > 0, np.nan, out), shared_tensor(info.reshape(batch)))
