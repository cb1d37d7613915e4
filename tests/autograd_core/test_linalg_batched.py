"""The linear-algebra primitives' batched rules: jacfwd (all directions in one pass) equals one pass per
direction and jacrev, on every sample input of the generic table; vmap (and per-example gradients) of the
public functions equals a loop, with no op falling back to a loop."""
import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import PRIMITIVES, grad, jacfwd, jacrev, linalg as LA
from autograd_core.vmap import vmap

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


FUNCTIONS = [
    ("einsum", lambda x, y: ag.einsum("ij,jk->ik", x, y), [(3, 4), (4, 2)]),
    ("einsum-ellipsis", lambda x, y: ag.einsum("...i,...i->...", x, y), [(2, 3), (3,)]),
    ("solve-det-inv", lambda a, b: LA.solve(a, b) * LA.det(a) + LA.inv(a)[0], [(3, 3), (3,)]),
    ("slogdet-matrix_exp", lambda a, b: LA.slogdet(a).logabsdet + LA.matrix_exp(0.1 * a).sum() + b.sum(),
     [(3, 3), (2,)]),
    ("eigh-svd-qr", lambda a, b: (LA.eigh(a + a.T).eigenvalues.sum() + LA.svdvals(a).sum()
                                  + (LA.qr(a).R ** 2).sum() + b.sum()), [(3, 3), (2,)]),
    # NOTE: 2-norms: rules that read a sign from the data (Abs, other ords) are beyond vmap(grad) for now
    ("norms", lambda x, y: LA.vector_norm(x, dim=1) + ag.cdist(x, y).sum(-1)
     + ag.cosine_similarity(x, y[:1], dim=1), [(3, 2), (4, 2)]),
]


@pytest.mark.parametrize("name,f,shapes", FUNCTIONS, ids=[n for n, _, _ in FUNCTIONS])
def test_vmap_and_per_example_gradients_equal_a_loop_without_looping(name, f, shapes):
    rng = np.random.default_rng(3)
    args = [rng.standard_normal((3,) + s) + (3 * np.eye(s[-1]) if len(s) == 2 and s[0] == s[1] else 0)
            for s in shapes]
    loss = lambda *xs: f(*xs).sum()  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every op here has a batching rule: no loop
        got = vmap(f)(*args)
        grads = vmap(grad(loss, argnums=(0, 1)))(*args)
    expected = np.stack([f(*[a[k] for a in args]).data for k in range(3)])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    for i in range(2):
        loop = np.stack([grad(loss, argnums=(0, 1))(*[a[k] for a in args])[i] for k in range(3)])
        np.testing.assert_allclose(grads[i], loop, rtol=1e-9, atol=1e-12)
