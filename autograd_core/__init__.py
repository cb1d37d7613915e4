"""autograd_core: a reverse- and forward-mode automatic differentiation engine on numpy.

`Value` is the scalar engine (micrograd style); `Tensor` the array engine. Every op
is a registered primitive with forward, VJP and JVP side by side; `backward()` walks
the recorded graph once in reverse topological order.
"""
from types import ModuleType as _ModuleType

import numpy as np

from .memory import tune_allocator
from .tensor import Tensor, as_tensor, from_numpy
from .value import Value
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .anomaly import AnomalyError, detect_anomaly
from .primitive import PRIMITIVES, Primitive
from .factories import arange, eye, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .ops import (abs, add, amax, amin, argmax, argmin, astype, broadcast_to, cat, clip, clone, concatenate, div,
                  exp, expand, flatten, log, log_softmax, logsumexp, matmul, max, maximum, mean, min,
                  minimum, mul, neg, pad, pow, relu, reshape, sigmoid, softmax, sqrt, squeeze, stack,
                  sub, sum, swapaxes, tanh, transpose, unsqueeze, var, where)
from .ops import (chunk, clamp, clamp_max, clamp_min, contiguous, diag, diag_embed, diagonal, expand_as, flip,
                  movedim, narrow, permute, repeat, repeat_interleave, roll, split, swapdims, tile, trace, tril,
                  triu, unbind, unflatten, view, view_as)
from .ops import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan, atan2,
                  atanh, ceil, celu, cos, cosh, elu, erf, erfc, exp2, expm1, floor, floor_divide, fmod, frac, gelu,
                  hardsigmoid, hardswish, hardtanh, hypot, leaky_relu, lerp, log1p, log2, log10, logaddexp, logsigmoid, mish,
                  nan_to_num, reciprocal, relu6, remainder, round, rsqrt, selu, sign, silu, sin, sinh, softplus, square,
                  tan, trunc, xlogy)
from .ops.indexing import (count_nonzero, gather, index_add, index_copy, index_fill, index_select, masked_fill,
                           masked_scatter, masked_select, nonzero, scatter, scatter_add, scatter_reduce,
                           take_along_dim)
from .ops.scan import cumprod, cumsum, logcumsumexp, prod
from .ops.reductions import all, any, std
from .ops.sorting import argsort, kthvalue, median, searchsorted, sort, topk, unique
from .ops import bmm, dot, einsum, inner, kron, mm, mv, outer, tensordot  # products (ops/products.py)
from .ops import cdist, cosine_similarity, norm  # norms and distances (ops/norms.py)
from . import linalg  # torch.linalg's decompositions and norms
from .seeding import default_generator, manual_seed
from .seeding import Generator
from .factories import empty, full_like, linspace, logspace, one_hot
from .sampling import bernoulli, multinomial, normal, rand_like, randint, randn_like, randperm
from .functional import elementwise_grad, grad, jvp, value_and_grad, vjp
from .jacobian import hessian, hvp, jacfwd, jacrev
from .checkpoint import checkpoint
from .vmap import vmap
from .engine import grad_of
from .gradcheck import GradcheckError, gradcheck
from .viz import draw_graph
from .explore import explore
from .cost import compare_modes, count_paths
from .sweep import sweep_modes

# dtype names as in PyTorch (`ag.float32`, ...); numpy dtypes work wherever a dtype is taken
float16, float32, float64 = np.float16, np.float32, np.float64
int32, int64, bool = np.int32, np.int64, np.bool_
long, double = np.int64, np.float64
float, half = np.float32, np.float16  # PyTorch's spellings: torch.float is float32
_DTYPE_NAMES = ("float16", "float32", "float64", "int32", "int64", "bool", "long", "double", "float", "half")

# what help(autograd_core) lists and `import *` takes: functions and classes (dtype names stay qualified,
# `ag.bool`, as `bool` would shadow the builtin)
__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, _ModuleType) and name not in _DTYPE_NAMES)
