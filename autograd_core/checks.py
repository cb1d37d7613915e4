"""Argument checks for constructors and public functions: a wrong type is a TypeError, a wrong value a ValueError,
each naming the caller and the argument, raised at the call that got it (not later, inside numpy)."""
import numbers

import numpy as np


def check_int(where, name, value, minimum=None):
    """`value` as an int (bool refused, numpy ints accepted), at least `minimum` when given."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{where}: {name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{where}: {name} must be at least {minimum}, got {value}")
    return int(value)


def check_number(where, name, value, minimum=None):
    """`value` as a float (a Python or numpy real number), at least `minimum` when given."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{where}: {name} must be a number, got {type(value).__name__} {value!r}")
    if minimum is not None and not value >= minimum:
        raise ValueError(f"{where}: {name} must be at least {minimum}, got {value}")
    return float(value)


def check_bool(where, name, value):
    """`value` as a bool; anything but True/False (numpy's too) is refused, as PyTorch's bool arguments."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be a bool, got {type(value).__name__} {value!r}")
    return bool(value)


def check_callable(where, name, f):
    """`f` when it can be called (a transform checks its function when built, not at the first call)."""
    if not callable(f):
        raise TypeError(f"{where}: {name} must be callable, got {type(f).__name__} {f!r}")
    return f


def check_argnums(where, argnums):
    """An int or a non-empty tuple/list of ints (JAX's and torch.func's `argnums`)."""
    nums = argnums if isinstance(argnums, (tuple, list)) else (argnums,)
    if not nums:
        raise ValueError(f"{where}: argnums must name at least one argument, got {argnums!r}")
    for a in nums:
        check_int(where, "argnums", a)
    return argnums
