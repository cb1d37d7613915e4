"""Products with PyTorch's names and shape checks: mm, bmm, mv, dot, outer, inner, kron, tensordot, einsum.

All are compositions of MatMul or the Einsum primitive (and reshapes), so gradients,
tangents and graphs come from those.
"""
import numpy as np

from ..primitive import apply
from . import matmul, reshape, squeeze, _shape  # defined before this module loads
from .einsum import Einsum, explicit_equation


def _dims(x):
    return "x".join(map(str, _shape(x))) or "scalar"


def _need(op, x, name, ndim):
    if len(_shape(x)) != ndim:
        raise ValueError(f"{op}: {name} must be {ndim}-D, got shape {tuple(_shape(x))}")


def einsum(equation, *operands):
    """Einstein summation over `operands` (also given as one list, as PyTorch accepts).

    Any equation torch.einsum takes: explicit or implicit output, `...`, repeated indices
    (diagonals), size-1 dims broadcasting. Returns the contraction as one Tensor.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str) and operands:  # the sublist form: op0, [0, 1], op1, [1, 2], [0, 2]
        equation, operands = _from_sublists((equation,) + tuple(operands))
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string, got {type(equation).__name__}")
    equation, squeezed = explicit_equation(equation, [_shape(x) for x in operands])
    operands = [squeeze(x, axes) if axes else x for x, axes in zip(operands, squeezed)]
    terms, rhs = equation.split("->")
    if len(operands) == 1 and terms == rhs:
        return operands[0]
    return apply(Einsum, tuple(operands), {"equation": equation})


def _from_sublists(args):
    """(equation, operands) from torch.einsum's sublist form, indices 0-51 standing for a-z, A-Z."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def term(sub):
        try:
            return "".join("..." if i is Ellipsis else letters[i] for i in sub)
        except (TypeError, IndexError):
            raise ValueError(f"einsum: a sublist holds indices 0-51 or Ellipsis, got {sub!r}") from None
    pairs = args[:-1] if len(args) % 2 else args  # an odd count ends with the output's sublist
    equation = ",".join(term(s) for s in pairs[1::2])
    return (equation + "->" + term(args[-1]) if len(args) % 2 else equation), pairs[0::2]


def mm(x, y):
    """Matrix product of x (n, m) and y (m, p) -> (n, p); both must be 2-D."""
    _need("mm", x, "the first matrix", 2)
    _need("mm", y, "the second matrix", 2)
    if _shape(x)[1] != _shape(y)[0]:
        raise ValueError(f"mm: shapes cannot be multiplied ({_dims(x)} and {_dims(y)})")
    return matmul(x, y)


def bmm(x, y):
    """Batched matrix product of x (b, n, m) and y (b, m, p) -> (b, n, p); no broadcasting."""
    _need("bmm", x, "batch1", 3)
    _need("bmm", y, "batch2", 3)
    sx, sy = _shape(x), _shape(y)
    if sx[0] != sy[0] or sx[2] != sy[1]:
        raise ValueError(f"bmm: batch1 of shape {tuple(sx)} and batch2 of shape {tuple(sy)} do not match "
                         "(expected (b, n, m) and (b, m, p))")
    return matmul(x, y)


def mv(x, v):
    """Matrix-vector product of x (n, m) and v (m,) -> (n,)."""
    _need("mv", x, "the matrix", 2)
    _need("mv", v, "the vector", 1)
    if _shape(x)[1] != _shape(v)[0]:
        raise ValueError(f"mv: shapes cannot be multiplied ({_dims(x)} and {_dims(v)})")
    return matmul(x, v)


def dot(x, y):
    """Inner product of two 1-D tensors of one length -> a scalar."""
    _need("dot", x, "the first vector", 1)
    _need("dot", y, "the second vector", 1)
    if _shape(x) != _shape(y):
        raise ValueError(f"dot: vectors of different lengths, shapes {tuple(_shape(x))} and {tuple(_shape(y))}")
    return einsum("i,i->", x, y)


def outer(x, y):
    """Outer product of x (n,) and y (m,) -> (n, m)."""
    _need("outer", x, "the first vector", 1)
    _need("outer", y, "the second vector", 1)
    return einsum("i,j->ij", x, y)


def inner(x, y):
    """Sum over the last dims of x (..., n) and y (..., n) -> x.shape[:-1] + y.shape[:-1]; a scalar multiplies."""
    if not _shape(x) or not _shape(y):
        return x * y
    if _shape(x)[-1] != _shape(y)[-1]:
        raise ValueError(f"inner: last dims differ, shapes {tuple(_shape(x))} and {tuple(_shape(y))}")
    return tensordot(x, y, ([-1], [-1]))


def tensordot(x, y, dims=2):
    """Contract dims of x with dims of y: an int n (x's last n with y's first n) or two lists of dims."""
    sx, sy = _shape(x), _shape(y)
    if isinstance(dims, (int, np.integer)):
        if not 0 <= dims <= min(len(sx), len(sy)):
            raise ValueError(f"tensordot: dims={dims} does not fit shapes {tuple(sx)} and {tuple(sy)}")
        dx, dy = list(range(len(sx) - dims, len(sx))), list(range(dims))
    else:
        dx, dy = ([d] if isinstance(d, (int, np.integer)) else list(d) for d in dims)
    if len(dx) != len(dy):
        raise ValueError(f"tensordot: {len(dx)} dims of x but {len(dy)} dims of y to contract")
    dx, dy = [d % max(len(sx), 1) for d in dx], [d % max(len(sy), 1) for d in dy]
    for a, b in zip(dx, dy):
        if sx[a] != sy[b]:
            raise ValueError(f"tensordot: dim {a} of x (shape {tuple(sx)}) and dim {b} of y (shape {tuple(sy)}) "
                             "differ in size")
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    tx = [next(letters) for _ in sx]
    ty = [tx[dx[dy.index(i)]] if i in dy else next(letters) for i in range(len(sy))]
    out = [c for i, c in enumerate(tx) if i not in dx] + [c for i, c in enumerate(ty) if i not in dy]
    return einsum("".join(tx) + "," + "".join(ty) + "->" + "".join(out), x, y)


def kron(x, y):
    """Kronecker product: blocks x[i] * y, shape the elementwise product of the (left-padded) shapes."""
    sx, sy = tuple(_shape(x)), tuple(_shape(y))
    n = max(len(sx), len(sy))
    sx, sy = (1,) * (n - len(sx)) + sx, (1,) * (n - len(sy)) + sy
    a, b = "abcdefghijklm"[:n], "nopqrstuvwxyz"[:n]
    if n > 13:
        raise ValueError(f"kron: at most 13 dims, got shapes {sx} and {sy}")
    pairs = "".join(p + q for p, q in zip(a, b))
    out = einsum(f"{a},{b}->{pairs}", reshape(x, sx), reshape(y, sy))
    return reshape(out, tuple(p * q for p, q in zip(sx, sy)))


__all__ = ["einsum", "mm", "bmm", "mv", "dot", "outer", "inner", "tensordot", "kron"]
