"""vmap composed with each transform (grad, vjp, jvp, jacrev, jacfwd, hessian, checkpoint), with negative in_dims,
None in_dims and pytree arguments: against a loop over the examples and against torch.func."""
import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.vmap import vmap

RNG = np.random.default_rng(11)
W = RNG.standard_normal((3, 4))
XS = RNG.standard_normal((4, 5))  # five examples of R^4 along the LAST axis: in_dims=-1
VS = RNG.standard_normal((5, 4))  # tangents / cotangents, one per example along axis 0


def f(L, p, x):
    """R^4 -> R^3 of a pytree of parameters p = {"w": (3, 4), "b": [(3,)]} (L: autograd_core or torch)."""
    return L.tanh(p["w"] @ x + p["b"][0]) * (x[:3] ** 2)


def scalar(L, p, x):
    return (f(L, p, x) ** 2).sum()


def _checkpointed(p, x):
    return ag.checkpoint(lambda q, y: scalar(ag, q, y), p, x)


# name -> (ours: (p, x, v) -> result, torch's: (torch, p, x, v) -> result); v is the example's tangent or cotangent
CASES = {
    "grad": (lambda p, x, v: ag.grad(lambda y: scalar(ag, p, y))(x),
             lambda torch, p, x, v: torch.func.grad(lambda y: scalar(torch, p, y))(x)),
    "grad_wrt_pytree": (lambda p, x, v: ag.grad(lambda q: scalar(ag, q, x))(p)["b"][0],
                        lambda torch, p, x, v: torch.func.grad(lambda q: scalar(torch, q, x))(p)["b"][0]),
    "vjp": (lambda p, x, v: ag.vjp(lambda y: f(ag, p, y), x)[1](v[:3])[0],
            lambda torch, p, x, v: torch.func.vjp(lambda y: f(torch, p, y), x)[1](v[:3])[0]),
    "jvp": (lambda p, x, v: ag.jvp(lambda y: f(ag, p, y), (x,), (v,))[1],
            lambda torch, p, x, v: torch.func.jvp(lambda y: f(torch, p, y), (x,), (v,))[1]),
    "jacrev": (lambda p, x, v: ag.jacrev(lambda y: f(ag, p, y))(x),
               lambda torch, p, x, v: torch.func.jacrev(lambda y: f(torch, p, y))(x)),
    "jacfwd": (lambda p, x, v: ag.jacfwd(lambda y: f(ag, p, y))(x),
               lambda torch, p, x, v: torch.func.jacfwd(lambda y: f(torch, p, y))(x)),
    "hessian": (lambda p, x, v: ag.hessian(lambda y: scalar(ag, p, y))(x),
                lambda torch, p, x, v: torch.func.hessian(lambda y: scalar(torch, p, y))(x)),
    "checkpoint_grad": (lambda p, x, v: ag.grad(lambda y: _checkpointed(p, y))(x),
                        lambda torch, p, x, v: torch.func.grad(lambda y: scalar(torch, p, y))(x)),
}
IN_DIMS = (None, -1, 0)  # parameters shared (a pytree, None), x batched along its last axis, v along axis 0


def _params():
    return {"w": W, "b": [RNG.standard_normal(3)]}


def _loop(ours, p, xs, vs):
    return np.stack([np.asarray(ours(p, xs[:, k], vs[k])) for k in range(vs.shape[0])])


def _batched(ours, p, case):
    """vmap(ours) on the examples: one batched pass (no loop warning; inside vmap, checkpoint's fn simply runs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return vmap(ours, in_dims=IN_DIMS)(p, XS, VS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_vmap_of_a_transform_equals_a_loop(case):
    ours, _ = CASES[case]
    p = _params()
    got = _batched(ours, p, case)
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, _loop(ours, p, XS, VS), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("case", sorted(CASES))
def test_vmap_of_a_transform_matches_torch_func(case):
    torch = pytest.importorskip("torch")
    ours, theirs = CASES[case]
    p = _params()
    tp = {"w": torch.tensor(p["w"]), "b": [torch.tensor(p["b"][0])]}
    expected = torch.func.vmap(lambda q, x, v: theirs(torch, q, x, v), in_dims=IN_DIMS)(
        tp, torch.tensor(XS), torch.tensor(VS))
    np.testing.assert_allclose(_batched(ours, p, case), expected.numpy(), rtol=1e-10, atol=1e-12)


def test_a_transform_of_vmap_equals_a_loop():
    """The other order: jacfwd and jacrev of a vmapped function are block diagonal, one block per example."""
    p = _params()
    batched = lambda xs: vmap(lambda x: f(ag, p, x), in_dims=-1)(xs)  # noqa: E731
    for jacobian in (ag.jacfwd, ag.jacrev):
        jac = jacobian(batched)(XS)  # (5, 3) + (4, 5)
        for k in range(5):
            np.testing.assert_allclose(jac[k, :, :, k], ag.jacfwd(lambda x: f(ag, p, x))(XS[:, k]), rtol=1e-11)
            others = np.delete(jac[k], k, axis=-1)
            assert not others.any()
