"""The outer-graph rule (a transform's result joins the graph of what it closes over) and has_aux, vs torch.func."""
import numpy as np
import pytest

import autograd_core as ag

RNG = np.random.default_rng(0)
W0, X = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 3))


def test_maml_meta_gradient_through_a_closed_over_parameter_matches_torch_func():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((3, 2))
    w = ag.tensor(W0, requires_grad=True)
    inner = ag.grad(lambda v: ((v * w).tanh() ** 2).sum())(x)
    assert isinstance(inner, ag.Tensor) and inner.requires_grad
    ((w - 0.1 * inner) ** 2).sum().backward()
    wt = torch.tensor(W0, requires_grad=True)
    gt = torch.func.grad(lambda v: ((v * wt).tanh() ** 2).sum())(torch.tensor(x))
    ((wt - 0.1 * gt) ** 2).sum().backward()
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy(), rtol=1e-12)


def test_an_argument_that_requires_grad_keeps_the_result_connected():
    w = ag.tensor(W0, requires_grad=True)
    g = ag.grad(lambda v: ((ag.tensor(X) @ v) ** 3).sum())(w)
    assert isinstance(g, ag.Tensor) and g.requires_grad
    g.sum().backward()
    expected = ag.hessian(lambda v: ((ag.tensor(X) @ v) ** 3).sum())(W0).reshape(6, 6).sum(0).reshape(3, 2)
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-10)


def test_nothing_requiring_grad_outside_or_no_grad_gives_numpy_arrays():
    w = ag.tensor(W0)
    assert isinstance(ag.grad(lambda x: (x @ w).sum())(X), np.ndarray)
    wg = ag.tensor(W0, requires_grad=True)
    with ag.no_grad():
        assert isinstance(ag.grad(lambda x: (x @ wg).sum())(X), np.ndarray)
    out, fn = ag.vjp(lambda x: x @ wg, X)
    assert isinstance(out, ag.Tensor) and isinstance(fn(np.ones((4, 2)))[0], ag.Tensor)


def test_gradcheck_and_compare_modes_record_nothing_outside():
    w = ag.tensor(W0, requires_grad=True)
    report = ag.compare_modes(lambda x: (x @ w).tanh(), RNG.standard_normal(3))
    assert report.n_inputs == 3 and w.grad is None
    assert ag.gradcheck(lambda x: (x @ w).tanh(), (RNG.standard_normal((2, 3)),))
    assert w.grad is None


def test_has_aux_return_shapes_are_jax_s():
    def f(x):
        y = (x * x).sum()
        return y, {"half": y * 0.5, "tag": "sq"}
    x = np.array([1.0, 2.0])
    g, aux = ag.grad(f, has_aux=True)(x)
    np.testing.assert_allclose(g, 2 * x)
    assert aux["tag"] == "sq" and float(aux["half"]) == 2.5 and isinstance(aux["half"], np.ndarray)
    (value, aux), g = ag.value_and_grad(f, has_aux=True)(x)
    assert float(value) == 5.0 and float(aux["half"]) == 2.5
    out, fn, aux = ag.vjp(lambda x: (x * 3, x.sum()), x, has_aux=True)
    np.testing.assert_allclose(fn(np.ones(2))[0], [3.0, 3.0])
    assert float(aux) == 3.0


def test_has_aux_needs_a_pair():
    with pytest.raises(TypeError, match="has_aux=True needs the function to return a pair"):
        ag.grad(lambda x: (x * x).sum(), has_aux=True)(np.ones(2))


def test_per_sample_gradients_with_aux_inside_vmap():
    def loss(w, x):
        y = (x @ w).tanh().sum()
        return y, y
    w = RNG.standard_normal((3, 2))
    g, values = ag.vmap(ag.grad(loss, has_aux=True), in_dims=(None, 0))(w, X)
    np.testing.assert_allclose(values, [np.tanh(x @ w).sum() for x in X], rtol=1e-12)
    np.testing.assert_allclose(g[1], ag.grad(lambda v: loss(v, X[1])[0])(w), rtol=1e-12)


@pytest.mark.parametrize("jacobian", ["jacrev", "jacfwd"])
def test_jacobians_take_has_aux(jacobian):
    x = RNG.standard_normal(3)
    jac, aux = getattr(ag, jacobian)(lambda v: (v.tanh(), (v * v).sum()), has_aux=True)(x)
    np.testing.assert_allclose(jac, np.diag(1 - np.tanh(x) ** 2), rtol=1e-12)
    np.testing.assert_allclose(aux, (x * x).sum())


def test_jacrev_of_a_function_closing_over_a_parameter_is_connected_as_torch_func():
    torch = pytest.importorskip("torch")
    w0, x = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
    w = ag.tensor(w0, requires_grad=True)
    jac = ag.jacrev(lambda v: (w @ v).tanh())(x)
    assert isinstance(jac, ag.Tensor) and jac.requires_grad
    (jac ** 2).sum().backward()
    wt = torch.tensor(w0, requires_grad=True)
    (torch.func.jacrev(lambda v: torch.tanh(wt @ v))(torch.tensor(x)) ** 2).sum().backward()
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy(), rtol=1e-12)
    assert isinstance(ag.jacrev(lambda v: (v * 2).tanh())(x), np.ndarray)
