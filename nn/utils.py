"""Gradient clipping with PyTorch's formulas (`nn.utils.clip_grad_norm_`, `clip_grad_value_`), for exploding gradients;
parameters to and from one flat vector (`parameters_to_vector`, `vector_to_parameters`)."""
import math

import numpy as np

from autograd_core import Tensor
from autograd_core.tensor import shared_tensor

from .stateless import functional_call  # noqa: F401  (nn.utils.functional_call, as in PyTorch)


def _grads(parameters):
    """The gradient Tensors of `parameters` (one Tensor or an iterable of them) that have one."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _number(name, value):
    """float(value), or PyTorch's ValueError naming the argument (a str such as "inf" is read as torch does)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"clip_grad_norm_: {name} must be a number, got {type(value).__name__} {value!r}") from None


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so their joint `norm_type`-norm is at most `max_norm`, in place.

    The joint norm is the norm of the vector of every gradient element (inf: the
    largest |element|). As PyTorch, every gradient is multiplied by
    min(1, max_norm / (norm + 1e-6)) in its own dtype.

    Returns:
        the joint norm before clipping, a 0-d Tensor.
    """
    grads = _grads(parameters)
    max_norm, norm_type = _number("max_norm", max_norm), _number("norm_type", norm_type)
    if not grads:
        return shared_tensor(np.float32(0.0))
    if math.isinf(norm_type):
        norms = [np.max(np.abs(g.data)) if g.data.size else np.zeros((), g.data.dtype) for g in grads]
        total = np.max(norms)
    else:
        # NOTE: PyTorch's order, each gradient's norm then the norm of those, in their dtype: one sum of squares
        # over all (`ops._rules.sum_of_squares`) would be shorter but differs from torch in the last bit more often
        norms = [np.sum(np.abs(g.data) ** norm_type) ** (1.0 / norm_type) for g in grads]
        total = np.sum(np.asarray(norms) ** norm_type) ** (1.0 / norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}, "
                           "so they cannot be clipped; set error_if_nonfinite=False to scale them anyway")
    total = np.asarray(total, dtype=grads[0].data.dtype)
    coef = np.minimum(np.asarray(max_norm, dtype=total.dtype) / (total + np.asarray(1e-6, total.dtype)), 1)
    for g in grads:
        # a new array (a gradient may share memory with another); asarray keeps a 0-d gradient an array
        g.data = np.asarray(g.data * coef.astype(g.data.dtype))
    return shared_tensor(total)


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient element into [-clip_value, clip_value], in place (as PyTorch, returns None)."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g.data = np.asarray(np.clip(g.data, -clip_value, clip_value), dtype=g.data.dtype)


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D Tensor (recorded: gradients flow back to them)."""
    import autograd_core as ag
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return ag.cat([p.reshape(-1) for p in params], 0)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D `vec` into the parameters, in order (each becomes a view of vec's
    data, as PyTorch's `param.data = ...`); the lengths must add up."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, but got: {type(vec).__name__}")
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    total = sum(p.data.size for p in params)
    if vec.data.ndim != 1 or vec.data.size != total:
        raise ValueError(f"vector_to_parameters: vec of shape {tuple(vec.shape)} does not hold the {total} values of "
                         f"the parameters")
    start = 0
    for p in params:
        p.data = vec.data[start:start + p.data.size].reshape(p.data.shape)
        p._version += 1
        start += p.data.size
