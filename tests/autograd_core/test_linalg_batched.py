"""The linear-algebra primitives' batched rules: jacfwd (all directions in one pass) equals one pass per
direction and jacrev, on every sample input of the generic table."""
import numpy as np
import pytest

from autograd_core import PRIMITIVES, jacfwd, jacrev

NAMES = ["Einsum", "Inv", "Det", "LogAbsDet", "Solve", "Cholesky", "Pinv", "MatrixExp", "Eigh", "Svd", "Qr",
         "VectorNorm"]


def _cases():
    rng = np.random.default_rng(0)
    for name in NAMES:
        for i, (args, params) in enumerate(PRIMITIVES[name].sample_inputs(rng)):
            yield pytest.param(PRIMITIVES[name], args, params, id=f"{name}-{i}")


@pytest.mark.parametrize("prim,args,params", list(_cases()))
def test_batched_jacobian_equals_one_direction_per_pass(prim, args, params):
    argnums = tuple(range(len(args)))

    def f(*xs):
        return prim.apply(*xs, **params)

    batched = jacfwd(f, argnums=argnums)(*args)
    single = jacfwd(f, argnums=argnums, chunk_size=1)(*args)
    reverse = jacrev(f, argnums=argnums)(*args)
    for b, s, r in zip(batched, single, reverse):
        np.testing.assert_allclose(b, s, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, r, rtol=1e-9, atol=1e-10)
