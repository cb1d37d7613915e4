"""Tensor factories (float32 by default, like Python floats)."""
import numpy as np

from .checks import check_int
from .seeding import as_generator
from .tensor import Tensor


def _shape(shape):
    """The sizes given as arguments or as one sequence, as a tuple of ints >= 0 (else an error naming `size`)."""
    if len(shape) == 1 and hasattr(shape[0], "__iter__") and not isinstance(shape[0], (str, bytes)):
        shape = tuple(shape[0])
    for n in shape:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"size must be a tuple of ints, got {type(n).__name__} {n!r} in {shape!r}")
        if n < 0:
            raise ValueError(f"size must be non-negative, got {n} in {shape!r}")
    return tuple(shape)


def _make(arr, requires_grad, name=None):
    return Tensor(arr, requires_grad=requires_grad, name=name)


def tensor(data, requires_grad=False, dtype=None, name=None):
    """A Tensor from a number, nested list, numpy array or Tensor."""
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
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if stop is not None and (stop - start) * step < 0:
        raise ValueError(f"arange: upper bound and lower bound inconsistent with step sign (start={start}, "
                         f"end={stop}, step={step})")
    arr = np.arange(start, stop, step) if stop is not None else np.arange(start, step=step)
    if dtype is not None:
        arr = arr.astype(dtype)
    elif arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return _make(arr, requires_grad)


def eye(n, m=None, dtype=np.float32, requires_grad=False):
    """Identity matrix."""
    check_int("eye", "n", n, 0)
    if m is not None:
        check_int("eye", "m", m, 0)
    return _make(np.eye(n, m, dtype=dtype), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    """Zeros with the shape (and dtype, unless given) of `t`."""
    arr = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.zeros(arr.shape, dtype=dtype or arr.dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    """Ones with the shape (and dtype, unless given) of `t`."""
    arr = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.ones(arr.shape, dtype=dtype or arr.dtype), requires_grad)
