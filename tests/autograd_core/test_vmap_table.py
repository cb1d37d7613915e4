"""Every primitive's batching rule, from the primitives' own sample inputs: vmap equals a loop over examples.

A primitive without a rule must still give the loop's numbers, and must say that it loops (a warning
naming it). The float arguments of each sample get a batch of three slightly different copies.
"""
import warnings

import numpy as np
import pytest

from autograd_core import PRIMITIVES, Primitive, Tensor
from autograd_core.vmap import vmap


def _cases():
    rng = np.random.default_rng(0)
    for name in sorted(PRIMITIVES):
        prim = PRIMITIVES[name]
        if prim.sample_inputs is Primitive.sample_inputs:
            continue
        for i, (args, params) in enumerate(prim.sample_inputs(rng)):
            yield pytest.param(prim, args, params, id=f"{name}-{i}")


def _batched_args(args, rng):
    """Three copies of each float argument, moved by a little noise (inside every op's domain); others unbatched."""
    batch, dims = [], []
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            noise = rng.uniform(-1, 1, (3,) + a.shape) * 1e-3 * (1 + np.abs(a))
            batch.append(a + noise * np.arange(3).reshape((3,) + (1,) * a.ndim))
            dims.append(0)
        else:
            batch.append(a)
            dims.append(None)
    return batch, dims


@pytest.mark.parametrize("prim,args,params", list(_cases()))
def test_vmap_of_every_primitive_equals_a_loop(prim, args, params):
    batch, dims = _batched_args(args, np.random.default_rng(1))
    if all(d is None for d in dims):
        pytest.skip("no float argument to batch")

    def one(*xs):
        return prim.apply(*xs, **params)

    expected = np.stack([one(*[b[k] if d is not None else b for b, d in zip(batch, dims)]).data for k in range(3)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = vmap(one, in_dims=tuple(dims))(*batch)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    loops = [w for w in caught if "no batching rule" in str(w.message)]
    assert all(prim.name in str(w.message) for w in loops)
