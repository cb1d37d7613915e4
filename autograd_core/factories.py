"""Tensor factories (float32 by default, like Python floats)."""
import numpy as np

from .seeding import as_generator
from .tensor import Tensor, as_tensor, from_numpy, wrap


def _shape(shape):
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        return tuple(shape[0])
    return tuple(shape)


def _make(arr, requires_grad, name=None):
    """A Tensor on the freshly made array `arr` (no copy)."""
    t = wrap(arr)
    t.name = name
    return t.requires_grad_() if requires_grad else t


def tensor(data, requires_grad=False, dtype=None, name=None):
    """A Tensor from a number, nested list, numpy array or Tensor, with its own copy of the data (torch.tensor)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(*shape, dtype=np.float32, requires_grad=False):
    """Zeros of `shape` (a tuple, or the sizes as arguments)."""
    return _make(np.zeros(_shape(shape), dtype=dtype), requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    """Ones of `shape`."""
    return _make(np.ones(_shape(shape), dtype=dtype), requires_grad)


def full(shape, fill_value, dtype=np.float32, requires_grad=False):
    """`shape` filled with `fill_value`."""
    return _make(np.full(_shape((shape,)), fill_value, dtype=dtype), requires_grad)


def randn(*shape, rng=None, dtype=np.float32, requires_grad=False):
    """Standard normal samples of `shape`; `rng` is a numpy Generator or a seed (None: the `manual_seed` generator)."""
    return _make(as_generator(rng).standard_normal(_shape(shape)).astype(dtype), requires_grad)


def rand(*shape, rng=None, dtype=np.float32, requires_grad=False):
    """Uniform samples in [0, 1) of `shape`; `rng` as in `randn`."""
    return _make(as_generator(rng).random(_shape(shape)).astype(dtype), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    """Evenly spaced values like numpy's arange; float results are float32 unless `dtype` says."""
    arr = np.arange(start, stop, step) if stop is not None else np.arange(start, step=step)
    if dtype is not None:
        arr = arr.astype(dtype)
    elif arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return _make(arr, requires_grad)


def eye(n, m=None, dtype=np.float32, requires_grad=False):
    """Identity matrix."""
    return _make(np.eye(n, m, dtype=dtype), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    """Zeros with the shape (and dtype, unless given) of `t`."""
    arr = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.zeros(arr.shape, dtype=dtype or arr.dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    """Ones with the shape (and dtype, unless given) of `t`."""
    arr = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.ones(arr.shape, dtype=dtype or arr.dtype), requires_grad)
