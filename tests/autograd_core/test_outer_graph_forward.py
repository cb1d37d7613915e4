"""The outer-graph rule for the forward-mode transforms (jvp, jacfwd, hessian, hvp): a result that depends on a
Tensor requiring grad from outside (closed over, or an argument) is a Tensor on that graph, as torch.func.
Checked against torch.func's gradients and, always, against central differences of the transform itself."""
import numpy as np
import pytest

import autograd_core as ag

RNG = np.random.default_rng(3)
W0, X0, V0 = RNG.standard_normal((3, 4)), RNG.standard_normal(4), RNG.standard_normal(4)


def _f(L, w):
    """R^4 -> R^3 closing over w (L: autograd_core or torch)."""
    return lambda x: L.tanh(w @ x) * (w @ x)


def _scalar_f(L, w):
    return lambda x: (L.tanh(w @ x) ** 2).sum() + (x ** 3).sum()


# each: transform applied to (L, func, w) -> a scalar of its result
CASES = {
    "jacfwd": lambda L, func, w: (func.jacfwd(_f(L, w))(_x(L)) ** 2).sum(),
    "hessian": lambda L, func, w: (func.hessian(_scalar_f(L, w))(_x(L)) ** 2).sum(),
    "jvp": lambda L, func, w: _jvp_scalar(func.jvp(_f(L, w), (_x(L),), (_x(L, V0),))),
    "hvp": lambda L, func, w: (_hvp(L, func, w) ** 2).sum(),
}


def _x(L, value=X0):
    return value if L is ag else L.tensor(value)


def _jvp_scalar(pair):
    out, tangent = pair
    return (tangent ** 2).sum() + (out * tangent).sum()


def _hvp(L, func, w):
    if L is ag:
        return ag.hvp(_scalar_f(L, w), X0, V0)
    return func.jvp(func.grad(_scalar_f(L, w)), (_x(L),), (_x(L, V0),))[1]


def _numeric_gradient(case, eps=1e-6):
    grad = np.zeros_like(W0)
    for i in np.ndindex(W0.shape):
        step = np.zeros_like(W0)
        step[i] = eps
        up, down = (float(CASES[case](ag, ag, ag.tensor(W0 + s))) for s in (step, -step))
        grad[i] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("case", sorted(CASES))
def test_closed_over_parameter_connects_the_result(case):
    w = ag.tensor(W0, requires_grad=True)
    s = CASES[case](ag, ag, w)
    assert isinstance(s, ag.Tensor) and s.requires_grad
    s.backward()
    np.testing.assert_allclose(w.grad.data, _numeric_gradient(case), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", sorted(CASES))
def test_closed_over_parameter_gradient_matches_torch_func(case):
    torch = pytest.importorskip("torch")
    w = ag.tensor(W0, requires_grad=True)
    CASES[case](ag, ag, w).backward()
    wt = torch.tensor(W0, requires_grad=True)
    CASES[case](torch, torch.func, wt).backward()
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_an_argument_that_requires_grad_keeps_jacfwd_and_jvp_connected():
    x = ag.tensor(X0, requires_grad=True)
    w = ag.tensor(W0)
    (ag.jacfwd(_f(ag, w))(x) ** 2).sum().backward()
    eps, numeric = 1e-6, np.zeros(4)
    for i in range(4):
        e = np.eye(4)[i] * eps
        numeric[i] = ((ag.jacfwd(_f(ag, w))(X0 + e) ** 2).sum() - (ag.jacfwd(_f(ag, w))(X0 - e) ** 2).sum()) / (2 * eps)
    np.testing.assert_allclose(x.grad.data, numeric, rtol=1e-6, atol=1e-8)
    x.grad = None
    out, tangent = ag.jvp(_f(ag, w), (x,), (V0,))
    assert isinstance(tangent, ag.Tensor) and tangent.requires_grad
    tangent.sum().backward()  # d/dx of Σ J(x) v: the Hessian-vector products of the outputs, summed
    h = ag.hessian(lambda v: _f(ag, w)(v).sum())(X0)
    np.testing.assert_allclose(x.grad.data, h @ V0, rtol=1e-10)


def test_without_anything_requiring_grad_outside_the_results_are_numpy():
    w, wg = ag.tensor(W0), ag.tensor(W0, requires_grad=True)
    assert isinstance(ag.jacfwd(_f(ag, w))(X0), np.ndarray)
    assert isinstance(ag.hessian(_scalar_f(ag, w))(X0), np.ndarray)
    assert all(isinstance(r, np.ndarray) for r in ag.jvp(_f(ag, w), (X0,), (V0,)))
    assert isinstance(ag.hvp(_scalar_f(ag, w), X0, V0), np.ndarray)  # grad's own leaves inside are not "outside"
    with ag.no_grad():
        assert isinstance(ag.jacfwd(_f(ag, wg))(X0), np.ndarray)
        assert all(isinstance(r, np.ndarray) for r in ag.jvp(_f(ag, wg), (X0,), (V0,)))
    assert wg.grad is None


def test_a_numpy_only_jvp_rule_keeps_numpy_results_and_says_so():
    import nn.functional as F
    w = ag.tensor(RNG.standard_normal((1, 1, 4, 4)), requires_grad=True)
    x = RNG.standard_normal((1, 1, 4, 4))
    with pytest.warns(UserWarning, match="MaxPool2d"):
        _, tangent = ag.jvp(lambda v: F.max_pool2d(v * w, 2), (x,), (np.ones_like(x),))
    assert isinstance(tangent, np.ndarray)
    plain = ag.tensor(w.data)
    np.testing.assert_allclose(tangent, ag.jvp(lambda v: F.max_pool2d(v * plain, 2), (x,), (np.ones_like(x),))[1])
