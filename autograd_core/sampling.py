"""PyTorch's random factories: rand_like, randn_like, randint, randperm, multinomial, bernoulli, normal.

Each takes `generator=` (an `autograd_core.Generator`, as PyTorch) or this engine's `rng=` (a numpy
Generator or a seed); without either, the `manual_seed` generator draws. The streams are numpy's,
not torch's numbers; the distributions, shapes, dtypes and argument errors are PyTorch's.
"""
import numpy as np

from .factories import check_factory_device, shape_of
from .seeding import pick_generator
from .tensor import Tensor, shared_tensor


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _float_dtype(dtype, where):
    dtype = np.dtype(np.float32 if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: needs a floating-point dtype, got {dtype}")
    return dtype


def rand_like(input, *, dtype=None, generator=None, rng=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1) with the shape (and float dtype, unless given) of `input`."""
    check_factory_device(device, "rand_like")
    x = _data(input)
    dtype = _float_dtype(dtype or x.dtype, "rand_like")
    return shared_tensor(pick_generator(rng, generator, "rand_like").random(x.shape).astype(dtype), requires_grad=requires_grad)


def randn_like(input, *, dtype=None, generator=None, rng=None, device=None, requires_grad=False):
    """Standard normal samples with the shape (and float dtype, unless given) of `input`."""
    check_factory_device(device, "randn_like")
    x = _data(input)
    dtype = _float_dtype(dtype or x.dtype, "randn_like")
    return shared_tensor(pick_generator(rng, generator, "randn_like").standard_normal(x.shape).astype(dtype),
                  requires_grad=requires_grad)


def randint(*args, size=None, generator=None, rng=None, dtype=np.int64, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high): `randint(high, size)` or `randint(low, high, size)`, int64."""
    if size is None:
        if not args:
            raise TypeError("randint: missing the size (a tuple), e.g. randint(0, 10, (3,))")
        *args, size = args
    if len(args) not in (1, 2):
        raise TypeError(f"randint: expected randint(high, size) or randint(low, high, size), got {len(args)} bounds")
    low, high = (0, args[0]) if len(args) == 1 else args
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    check_factory_device(device, "randint")
    values = pick_generator(rng, generator, "randint").integers(low, high, shape_of((size,)))
    return shared_tensor(values.astype(dtype), requires_grad=requires_grad)


def randperm(n, *, generator=None, rng=None, dtype=np.int64, device=None, requires_grad=False):
    """A random permutation of 0 .. n-1, int64."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    check_factory_device(device, "randperm")
    return shared_tensor(pick_generator(rng, generator, "randperm").permutation(int(n)).astype(dtype),
                  requires_grad=requires_grad)


def multinomial(input, num_samples, replacement=False, *, generator=None, rng=None):
    """Category indices drawn with weights `input` (1-D, or 2-D: one row per draw), int64 (num_samples,) per row.

    The weights need not sum to 1. Without replacement every index of a row is distinct (zero-weight
    categories come last, as PyTorch's); with it, draws are independent.
    """
    p = np.asarray(_data(input), dtype=np.float64)
    if p.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {p.shape}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample {num_samples} samples (num_samples must be positive)")
    rows = p.reshape(-1, p.shape[-1])
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(rows.sum(axis=1) <= 0):
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample ({num_samples}) > prob_dist.size(-1) "
                           f"({rows.shape[1]}) samples without replacement")
    g = pick_generator(rng, generator, "multinomial")
    if replacement:  # inverse CDF: one uniform draw per sample, located in the row's cumulative weights
        cdf = np.cumsum(rows, axis=1)
        u = g.random((len(rows), num_samples)) * cdf[:, -1:]
        out = np.stack([np.searchsorted(c, ui, side="right") for c, ui in zip(cdf, u)])
        out = np.minimum(out, rows.shape[1] - 1)
    else:  # Gumbel top-k: the k largest log p + Gumbel noise are a draw without replacement
        with np.errstate(divide="ignore"):
            keys = np.log(rows) + g.gumbel(size=rows.shape)
        ties = g.random(rows.shape)  # zero-weight categories (keys -inf) come last, in random order
        out = np.lexsort((ties, -keys), axis=1)[:, :num_samples]
    return shared_tensor(out.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))


def bernoulli(input, p=None, *, generator=None, rng=None):
    """1 with probability `input` (or the number `p`) elementwise, else 0, in input's float dtype."""
    probs = _data(input)
    if p is not None:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        probs = np.full(probs.shape, p)
    elif np.any(~((probs >= 0) & (probs <= 1))):
        raise RuntimeError("bernoulli: expects all probabilities to be in [0, 1] (and not NaN)")
    dtype = _data(input).dtype if _data(input).dtype.kind == "f" else np.float32
    draws = pick_generator(rng, generator, "bernoulli").random(probs.shape) < probs
    return shared_tensor(draws.astype(dtype))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, rng=None, dtype=None, device=None, requires_grad=False):
    """Normal samples: elementwise for Tensor mean and/or std (broadcast), or `size` of them for two numbers.

    The dtype is that of the Tensor argument (float32 for numbers). No gradient flows to mean or std,
    as in PyTorch.
    """
    check_factory_device(device, "normal")
    tensors = [_data(a) for a in (mean, std) if isinstance(a, (Tensor, np.ndarray))]
    if not tensors and size is None:
        raise TypeError("normal: with a number for both mean and std, give the size, e.g. normal(0.0, 1.0, (3,))")
    if tensors and size is not None:
        raise TypeError("normal: size is taken only when mean and std are both numbers")
    s = _data(std)
    if np.any(s < 0) or np.any(np.isnan(s)):
        raise RuntimeError(f"normal expects all elements of std >= 0.0, got std={std if np.ndim(s) == 0 else 'a tensor'}")
    shape = np.broadcast_shapes(*(t.shape for t in tensors)) if tensors else shape_of((size,))
    dtype = dtype or (np.result_type(*tensors) if tensors else np.float32)
    dtype = _float_dtype(dtype if np.dtype(dtype).kind == "f" else None, "normal")
    z = pick_generator(rng, generator, "normal").standard_normal(shape)
    return shared_tensor((_data(mean) + z * s).astype(dtype), requires_grad=requires_grad)
