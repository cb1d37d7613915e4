"""Weight initialization in place, with PyTorch's formulas and a numpy Generator for reproducibility."""
import math
import warnings

import numpy as np

from autograd_core.seeding import manual_seed, pick_generator  # noqa: F401  (the one default generator)


def _fill(tensor, values):
    tensor.data[...] = values
    tensor._version += 1  # an in-place change, as PyTorch counts it
    return tensor


def calculate_gain(nonlinearity, param=None):
    """Recommended gain for an activation (PyTorch's table)."""
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "identity"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    shape = tensor.data.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor of at least 2 dimensions, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor, mode):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def zeros_(tensor):
    return _fill(tensor, 0)


def ones_(tensor):
    return _fill(tensor, 1)


def constant_(tensor, value):
    return _fill(tensor, value)


def normal_(tensor, mean=0.0, std=1.0, rng=None, generator=None):
    """N(mean, std²) in place; `generator` (PyTorch's, an autograd_core.Generator) or `rng` draws, else manual_seed's."""
    if not std >= 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(tensor, pick_generator(rng, generator, "normal_").normal(mean, std, tensor.data.shape))


def uniform_(tensor, a=0.0, b=1.0, rng=None, generator=None):
    """U(a, b) in place; `generator` or `rng` as in `normal_`."""
    if not a <= b:
        raise ValueError(f"uniform_: expects a range [a, b) with a <= b, got a={a}, b={b}")
    return _fill(tensor, pick_generator(rng, generator, "uniform_").uniform(a, b, tensor.data.shape))


def xavier_uniform_(tensor, gain=1.0, rng=None, generator=None):
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a, rng, generator)


def xavier_normal_(tensor, gain=1.0, rng=None, generator=None):
    """N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng, generator)


def _no_elements(tensor):
    """PyTorch's rule: a zero-element tensor (e.g. the weight of Linear(0, 3)) is left as it is, with a warning."""
    if tensor.data.size:
        return False
    warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
    return True


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None, generator=None):
    """U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015)."""
    if _no_elements(tensor):
        return tensor
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound, rng, generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None, generator=None):
    """N(0, std²) with std = gain / sqrt(fan)."""
    if _no_elements(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, rng, generator)
