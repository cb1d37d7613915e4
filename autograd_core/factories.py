"""Tensor factories (float32 by default, like Python floats)."""
import numpy as np

from .checks import check_int
from .seeding import pick_generator
from .tensor import Tensor, shared_tensor, wrap


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


shape_of = _shape  # sizes as varargs or one tuple, as PyTorch's factories take them


def check_factory_device(device, where):
    """Accept PyTorch's `device=` when it is the CPU (None, "cpu", "cpu:0"); any other device is a clear error."""
    if device is None or str(device).split(":")[0] == "cpu":
        return
    raise RuntimeError(f"{where}: device {str(device)!r} is not available; this engine keeps every tensor in numpy "
                       "on the CPU (use device='cpu' or leave it out)")


def _make(arr, requires_grad, name=None):
    """A Tensor on the freshly made array `arr` (no copy)."""
    t = wrap(arr)
    t.name = name
    return t.requires_grad_() if requires_grad else t


def tensor(data, requires_grad=False, dtype=None, name=None, device=None):
    """A Tensor from a number, nested list, numpy array or Tensor, with its own copy of the data (torch.tensor)."""
    check_factory_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(*shape, dtype=np.float32, requires_grad=False, device=None):
    """Zeros of `shape` (a tuple, or the sizes as arguments)."""
    check_factory_device(device, "zeros")
    return _make(np.zeros(_shape(shape), dtype=dtype), requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False, device=None):
    """Ones of `shape`."""
    check_factory_device(device, "ones")
    return _make(np.ones(_shape(shape), dtype=dtype), requires_grad)


def full(shape, fill_value, dtype=np.float32, requires_grad=False, device=None):
    """`shape` filled with `fill_value`."""
    check_factory_device(device, "full")
    return _make(np.full(_shape((shape,)), fill_value, dtype=dtype), requires_grad)


def randn(*shape, rng=None, generator=None, dtype=np.float32, requires_grad=False, device=None):
    """Standard normal samples of `shape`; `generator` an `autograd_core.Generator`, or `rng` a numpy Generator
    or a seed (neither: the `manual_seed` generator)."""
    check_factory_device(device, "randn")
    return _make(pick_generator(rng, generator, "randn").standard_normal(_shape(shape)).astype(dtype), requires_grad)


def rand(*shape, rng=None, generator=None, dtype=np.float32, requires_grad=False, device=None):
    """Uniform samples in [0, 1) of `shape`; `generator`/`rng` as in `randn`."""
    check_factory_device(device, "rand")
    return _make(pick_generator(rng, generator, "rand").random(_shape(shape)).astype(dtype), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None):
    """Evenly spaced values like numpy's arange; float results are float32 unless `dtype` says."""
    check_factory_device(device, "arange")
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


def eye(n, m=None, dtype=np.float32, requires_grad=False, device=None):
    """Identity matrix."""
    check_factory_device(device, "eye")
    check_int("eye", "n", n, 0)
    if m is not None:
        check_int("eye", "m", m, 0)
    return _make(np.eye(n, m, dtype=dtype), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False, device=None):
    """Zeros with the shape (and dtype, unless given) of `t`."""
    check_factory_device(device, "zeros_like")
    arr = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.zeros(arr.shape, dtype=dtype or arr.dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False, device=None):
    """Ones with the shape (and dtype, unless given) of `t`."""
    check_factory_device(device, "ones_like")
    arr = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.ones(arr.shape, dtype=dtype or arr.dtype), requires_grad)


# ---- PyTorch's other factories ----------------------------------------------------------------
def empty(*size, dtype=np.float32, requires_grad=False, device=None):
    """An uninitialized tensor of `size` (its values are whatever the memory held), as PyTorch's."""
    check_factory_device(device, "empty")
    return _make(np.empty(_shape(size), dtype=dtype), requires_grad)


def full_like(input, fill_value, *, dtype=None, requires_grad=False, device=None):
    """`fill_value` in the shape (and dtype, unless given) of `input`."""
    check_factory_device(device, "full_like")
    arr = np.asarray(input.data if isinstance(input, Tensor) else input)
    return _make(np.full(arr.shape, fill_value, dtype=dtype or arr.dtype), requires_grad)


def linspace(start, end, steps, *, dtype=None, requires_grad=False, device=None):
    """`steps` values evenly spaced from start to end, both included (float32 unless `dtype` says)."""
    check_factory_device(device, "linspace")
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    return _make(np.linspace(start, end, int(steps)).astype(dtype or np.float32), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, requires_grad=False, device=None):
    """base ** linspace(start, end, steps): `steps` values evenly spaced on a log scale."""
    check_factory_device(device, "logspace")
    if steps < 0:
        raise RuntimeError(f"logspace: number of steps must be non-negative, got {steps}")
    return _make((float(base) ** np.linspace(start, end, int(steps))).astype(dtype or np.float32), requires_grad)


def one_hot(tensor, num_classes=-1):
    """int64 (..., num_classes) with a 1 at each index of the integer `tensor` (num_classes -1: its max + 1)."""
    idx = np.asarray(tensor.data if isinstance(tensor, Tensor) else tensor)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensors (integers), got dtype {idx.dtype}")
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("one_hot: can not infer the total number of classes from an empty tensor")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("one_hot: class values must be non-negative")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes ({num_classes}), got {idx.max()}")
    return shared_tensor((idx[..., None] == np.arange(num_classes)).astype(np.int64))
