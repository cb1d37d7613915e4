"""autograd_core: a reverse- and forward-mode automatic differentiation engine on numpy.

`Value` is the scalar engine (micrograd style); `Tensor` the array engine. Every op
is a registered primitive with forward, VJP and JVP side by side; `backward()` walks
the recorded graph once in reverse topological order.
"""
from .tensor import Tensor
from .value import Value
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .anomaly import AnomalyError, detect_anomaly
from .primitive import PRIMITIVES, Primitive
from .factories import arange, eye, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .ops import (abs, add, argmax, argmin, astype, broadcast_to, cat, clip, concatenate, div, exp,
                  expand, flatten, log, log_softmax, logsumexp, matmul, max, maximum, mean, min,
                  minimum, mul, neg, pad, pow, relu, reshape, sigmoid, softmax, sqrt, squeeze, stack,
                  sub, sum, swapaxes, tanh, transpose, unsqueeze, var, where)
from .functional import grad, jvp, value_and_grad, vjp
from .jacobian import hessian, hvp, jacfwd, jacrev
from .checkpoint import checkpoint
from .engine import grad_of
from .gradcheck import GradcheckError, gradcheck
from .viz import draw_graph
from .cost import compare_modes, count_paths
from .sweep import sweep_modes
