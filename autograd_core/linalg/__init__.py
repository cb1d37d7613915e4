"""autograd_core.linalg: torch.linalg's names, signatures and return types, on batches of matrices (..., m, n).

Forward passes are numpy's LAPACK routines; gradients and tangents are the primitives'
published rules (ops/decompositions.py, ops/spectral.py). A matrix an operation cannot
handle raises LinAlgError (a RuntimeError, as torch.linalg.LinAlgError).
"""
from ..ops.decompositions import LinAlgError, inv, matrix_exp
from ..ops.norms import matrix_norm, vector_norm
from .factorizations import cholesky, det, eigh, eigvalsh, logdet, lstsq, norm, pinv, qr, slogdet, solve, svd, svdvals
from .compositions import (cholesky_ex, cond, cross, inv_ex, matrix_power, matrix_rank, multi_dot, solve_triangular,
                           tensorinv, tensorsolve, vecdot)

__all__ = ["LinAlgError", "inv", "det", "slogdet", "logdet", "solve", "cholesky", "qr", "eigh", "eigvalsh", "svd",
           "svdvals", "pinv", "matrix_exp", "lstsq", "vector_norm", "matrix_norm", "norm", "multi_dot", "matrix_power",
           "vecdot", "matrix_rank", "cross", "solve_triangular", "cond", "tensorinv", "tensorsolve", "inv_ex",
           "cholesky_ex"]
