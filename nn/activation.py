"""Activation layers; each is a thin module over `nn.functional`."""
import numpy as np

from autograd_core.checks import check_int, check_number
from autograd_core.seeding import as_generator

from . import functional as F
from .module import Module, Parameter


class ReLU(Module):
    def forward(self, x):
        return F.relu(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = check_number("LeakyReLU", "negative_slope", negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Leaky ReLU whose slope is learned: one shared slope, or one per channel (axis 1)."""

    def __init__(self, num_parameters=1, init=0.25):
        super().__init__()
        num_parameters = check_int("PReLU", "num_parameters", num_parameters, 1)
        self.weight = Parameter(np.full(num_parameters, check_number("PReLU", "init", init), dtype=np.float32))

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.weight.size}"


class ELU(Module):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = check_number("ELU", "alpha", alpha)

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class RReLU(Module):
    """Randomized leaky ReLU: slope ~ U(lower, upper) per element in training, (lower + upper) / 2 in eval."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, rng=None):
        super().__init__()
        self.lower, self.upper = check_number("RReLU", "lower", lower), check_number("RReLU", "upper", upper)
        if lower > upper:
            raise ValueError(f"RReLU: lower must be at most upper, got lower={lower}, upper={upper}")
        self.rng = None if rng is None else as_generator(rng)  # None: draw from the manual_seed generator

    def forward(self, x):
        return F.rrelu(x, self.lower, self.upper, self.training, self.rng)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}"


class Softmax(Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = None if dim is None else check_int(type(self).__name__, "dim", dim)

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x):
        return F.log_softmax(x, self.dim)


class Maxout(Module):
    """max over `pieces` affine maps (Goodfellow et al., 2013).

    One Linear(in_features, out_features * pieces); output unit j takes the maximum of
    columns j*pieces .. j*pieces + pieces - 1.
    """

    def __init__(self, in_features, out_features, pieces, rng=None):
        super().__init__()
        from .linear import Linear
        pieces = check_int("Maxout", "pieces", pieces, 1)
        out_features = check_int("Maxout", "out_features", out_features, 0)
        self.out_features, self.pieces = out_features, pieces
        self.linear = Linear(in_features, out_features * pieces, rng=rng)

    def forward(self, x):
        z = self.linear(x)
        return z.reshape(tuple(z.shape[:-1]) + (self.out_features, self.pieces)).max(axis=-1)

    def extra_repr(self):
        return f"out_features={self.out_features}, pieces={self.pieces}"


# ---- modern activations: thin modules over nn.functional. `inplace` is accepted for ported code;
# the result is always a new tensor (an in-place activation saves memory, not meaning)
class _Elementwise(Module):
    function = None  # the name of the nn.functional function applied

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return getattr(F, self.function)(x)


class SiLU(_Elementwise):
    function = "silu"


class Mish(_Elementwise):
    function = "mish"


class Hardswish(_Elementwise):
    function = "hardswish"


class Hardsigmoid(_Elementwise):
    function = "hardsigmoid"


class ReLU6(_Elementwise):
    function = "relu6"


class SELU(_Elementwise):
    function = "selu"


class LogSigmoid(Module):
    def forward(self, x):
        return F.logsigmoid(x)


class Softsign(Module):
    def forward(self, x):
        return F.softsign(x)


class GELU(Module):
    """x Φ(x); approximate="tanh" uses the tanh formula."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class CELU(Module):
    """max(0, x) + min(0, alpha (e^(x/alpha) - 1))."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        if alpha == 0:
            raise ValueError("CELU: alpha cannot be 0")
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x):
        return F.celu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """log(1 + e^(βx)) / β, linear above threshold."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


_BY_NAME = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "leaky_relu": LeakyReLU, "elu": ELU,
            "prelu": PReLU, "rrelu": RReLU, "gelu": GELU, "silu": SiLU, "mish": Mish, "selu": SELU}


def activation_by_name(name):
    """A fresh activation module from its name ('relu', 'tanh', 'sigmoid', 'leaky_relu', 'elu', ...)."""
    if isinstance(name, Module):
        return name
    try:
        return _BY_NAME[name]()
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(_BY_NAME)}") from None
