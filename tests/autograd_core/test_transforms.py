"""Composed transforms (forward over reverse, reverse over reverse, ...), pytrees, chunked Jacobians; torch.func oracle."""
import re

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.ops import max_pool


def f_scalar(x):
    return (x.tanh() * x).sum() + (x[0] * x[1]) ** 2 + x.exp().sum() * 0.1


def torch_f_scalar(x):
    return (x.tanh() * x).sum() + (x[0] * x[1]) ** 2 + x.exp().sum() * 0.1


X = np.array([0.3, -1.2, 0.8, 2.0])
V = np.array([1.0, -0.5, 0.25, 2.0])


def f_square(x):
    return (Tensor(np.arange(16.0).reshape(4, 4) / 10) @ x).tanh() * x


def hessian_numeric(x, eps=1e-5):
    g = ag.grad(f_scalar)
    return np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(len(x))], axis=1)


@pytest.mark.parametrize("make", [
    lambda: ag.hessian(f_scalar),
    lambda: ag.jacfwd(ag.grad(f_scalar)),
    lambda: ag.jacrev(ag.grad(f_scalar)),
    lambda: ag.jacfwd(ag.jacrev(f_scalar)),
    lambda: ag.jacrev(ag.jacrev(f_scalar)),
    lambda: ag.jacfwd(ag.jacfwd(f_scalar)),
    lambda: ag.jacrev(ag.jacfwd(f_scalar)),
    lambda: ag.jacfwd(ag.grad(f_scalar), chunk_size=3),
], ids=["hessian", "jacfwd-grad", "jacrev-grad", "jacfwd-jacrev", "jacrev-jacrev", "jacfwd-jacfwd",
        "jacrev-jacfwd", "jacfwd-grad-chunked"])
def test_every_nesting_gives_the_hessian(make):
    h = make()(X)
    assert isinstance(h, np.ndarray) and h.shape == (4, 4)
    np.testing.assert_allclose(h, hessian_numeric(X), rtol=1e-6, atol=1e-7)


def test_forward_over_reverse_hvp_equals_hessian_times_v():
    hv = ag.jvp(ag.grad(f_scalar), (X,), (V,))[1]
    np.testing.assert_allclose(hv, hessian_numeric(X) @ V, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ag.hvp(f_scalar, X, V), hv, rtol=1e-12)


def test_reverse_over_reverse_and_reverse_over_forward():
    np.testing.assert_allclose(ag.grad(lambda x: ag.grad(f_scalar)(x).sum())(X), hessian_numeric(X).sum(axis=0),
                               rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ag.grad(lambda x: ag.jvp(f_scalar, (x,), (V,))[1])(X), hessian_numeric(X) @ V,
                               rtol=1e-6, atol=1e-7)


def test_forward_over_forward_third_derivative():
    d = lambda g: (lambda x: ag.jvp(g, (x,), (np.ones_like(np.asarray(x.data if isinstance(x, Tensor) else x)),))[1])
    x = np.array(0.7)
    third = d(d(d(lambda t: t.exp() * t)))(x)
    assert third == pytest.approx(np.exp(0.7) * (0.7 + 3), rel=1e-12)


def test_no_perturbation_confusion_forward():
    """d/dx [x · d/dy (x + y) at y = 1] at x = 1 is 1, not 2 (Siskind & Pearlmutter)."""
    one = np.array(1.0)

    def outer(x):
        return x * ag.jvp(lambda y: x + y, (one,), (one,))[1]
    assert ag.jvp(outer, (one,), (one,))[1] == pytest.approx(1.0)
    assert ag.grad(outer)(one) == pytest.approx(1.0)


def test_no_perturbation_confusion_reverse():
    one = np.array(1.0)
    assert ag.grad(lambda x: x * ag.grad(lambda y: (x + y).sum())(one))(one) == pytest.approx(1.0)
    # the inner gradient depends on x here, and the outer one sees it: d/dx x·x = 2x
    assert ag.grad(lambda x: x * ag.grad(lambda y: (x * y).sum())(one))(np.array(3.0)) == pytest.approx(6.0)


def test_inner_transforms_return_connected_tensors_outer_ones_arrays():
    seen = {}

    def f(x):
        g = ag.grad(f_scalar)(x)
        value, tangent = ag.jvp(f_scalar, (x,), (V,))
        seen.update(g=g, value=value, tangent=tangent)
        return g.sum() + tangent
    out = ag.grad(f)(X)
    assert isinstance(out, np.ndarray)
    assert all(isinstance(v, Tensor) and v.requires_grad for v in seen.values())


def test_grad_of_pytrees_keeps_their_structure():
    rng = np.random.default_rng(0)
    params = [(rng.standard_normal((3, 2)), rng.standard_normal(3)), (rng.standard_normal((1, 3)), np.zeros(1))]
    x = rng.standard_normal((5, 2))

    def loss(params, x):
        h = Tensor(x)
        for w, b in params:
            h = (h @ w.T + b).tanh()
        return (h * h).sum()
    g = ag.grad(loss)(params, x)
    assert isinstance(g, list) and all(isinstance(layer, tuple) for layer in g)
    flat = np.concatenate([p.ravel() for layer in params for p in layer])

    def loss_flat(v):
        shapes, out, k = [p.shape for layer in params for p in layer], [], 0
        for s in shapes:
            out.append(v[k:k + int(np.prod(s))].reshape(s))
            k += int(np.prod(s))
        return loss([(out[0], out[1]), (out[2], out[3])], x)
    expected = ag.grad(lambda v: loss_flat(v))(flat)
    np.testing.assert_allclose(np.concatenate([p.ravel() for layer in g for p in layer]), expected, rtol=1e-12)
    d = ag.grad(lambda p: (p["w"] * p["b"]["c"]).sum())({"w": np.array([1.0, 2.0]), "b": {"c": np.array([3.0, 4.0])}})
    assert set(d) == {"w", "b"}
    np.testing.assert_allclose(d["w"], [3.0, 4.0])
    np.testing.assert_allclose(d["b"]["c"], [1.0, 2.0])


def test_jvp_vjp_and_jacobians_of_pytrees():
    p = {"a": np.array([1.0, 2.0]), "b": np.array(0.5)}
    t = {"a": np.array([1.0, 0.0]), "b": np.array(2.0)}
    f = lambda d: (d["a"] * d["b"], d["a"].sum())
    out, tangent = ag.jvp(f, (p,), (t,))
    np.testing.assert_allclose(tangent[0], [1.0 * 0.5 + 1.0 * 2.0, 2.0 * 2.0])
    assert tangent[1] == pytest.approx(1.0)
    _, vjp_fn = ag.vjp(f, p)
    (g,) = vjp_fn((np.array([1.0, 1.0]), np.array(1.0)))
    np.testing.assert_allclose(g["a"], [1.5, 1.5])
    assert g["b"] == pytest.approx(3.0)
    for jac in (ag.jacfwd, ag.jacrev):
        j = jac(f)(p)
        np.testing.assert_allclose(j[0]["a"], np.diag([0.5, 0.5]))
        np.testing.assert_allclose(j[0]["b"], [1.0, 2.0])
        np.testing.assert_allclose(j[1]["a"], [1.0, 1.0])


@pytest.mark.parametrize("chunk_size", [1, 2, 5, None])
def test_chunked_jacobians_agree(chunk_size):
    x = np.linspace(-1, 1, 4)
    full = ag.jacrev(f_square, chunk_size=1)(x)
    np.testing.assert_allclose(ag.jacfwd(f_square, chunk_size=chunk_size)(x), full, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ag.jacrev(f_square, chunk_size=chunk_size)(x), full, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="chunk_size"):
        ag.jacfwd(f_square, chunk_size=0)(x)


@pytest.mark.parametrize("where,call", [
    ("jacrev", lambda f: ag.jacrev(f)(np.ones(3))),
    ("jacfwd", lambda f: ag.jacfwd(f)(np.ones(3))),
    ("jvp", lambda f: ag.jvp(f, (np.ones(3),), (np.ones(3),))),
    ("vjp", lambda f: ag.vjp(f, np.ones(3))),
])
def test_a_float_output_names_the_transform_and_what_was_expected(where, call):
    message = f"{where}: the function must return a Tensor (or a pytree of Tensors), got float"
    with pytest.raises(TypeError, match=re.escape(message)):
        call(lambda t: {"ok": t * 2, "bad": float(t.sum().item())})


def test_nested_transform_of_a_numpy_only_rule_is_refused():
    x = np.random.default_rng(0).standard_normal((1, 1, 4, 4))
    with pytest.raises(NotImplementedError, match="MaxPool2d"):
        ag.grad(lambda t: ag.jvp(lambda y: max_pool(y, (2, 2), (2, 2)).sum(), (t,), (np.ones_like(x),))[1])(x)


# ---- torch.func oracle --------------------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_against_torch_func(torch):
    from torch import func
    tx, tv = torch.tensor(X), torch.tensor(V)
    np.testing.assert_allclose(ag.grad(f_scalar)(X), func.grad(torch_f_scalar)(tx).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ag.jvp(f_scalar, (X,), (V,))[1], func.jvp(torch_f_scalar, (tx,), (tv,))[1].numpy(),
                               rtol=1e-12)
    _, torch_vjp = func.vjp(torch_f_scalar, tx)
    np.testing.assert_allclose(ag.vjp(f_scalar, X)[1](np.array(2.0))[0], torch_vjp(torch.tensor(2.0))[0].numpy(),
                               rtol=1e-12)
    expected_h = func.hessian(torch_f_scalar)(tx).numpy()
    np.testing.assert_allclose(ag.hessian(f_scalar)(X), expected_h, rtol=1e-10)
    np.testing.assert_allclose(ag.jacfwd(ag.jacrev(f_scalar))(X), expected_h, rtol=1e-10)
    torch_hvp = func.jvp(func.grad(torch_f_scalar), (tx,), (tv,))[1].numpy()
    np.testing.assert_allclose(ag.hvp(f_scalar, X, V), torch_hvp, rtol=1e-10)
    a = torch.tensor(np.arange(16.0).reshape(4, 4) / 10)
    torch_square = lambda x: torch.tanh(a @ x) * x
    xs = np.linspace(-1, 1, 4)
    for ours, theirs in ((ag.jacfwd, func.jacfwd), (ag.jacrev, func.jacrev)):
        np.testing.assert_allclose(ours(f_square)(xs), theirs(torch_square)(torch.tensor(xs)).numpy(), rtol=1e-12)


def test_pytree_grad_against_torch_func(torch):
    from torch import func
    p = {"w": np.array([[0.5, -1.0], [2.0, 0.1]]), "b": [np.array([0.3, -0.2])]}
    x = np.array([1.0, 2.0])
    ours = ag.grad(lambda q: ((q["w"] @ Tensor(x) + q["b"][0]).tanh() ** 2).sum())(p)
    theirs = func.grad(lambda q: ((q["w"] @ torch.tensor(x) + q["b"][0]).tanh() ** 2).sum())(
        {"w": torch.tensor(p["w"]), "b": [torch.tensor(p["b"][0])]})
    np.testing.assert_allclose(ours["w"], theirs["w"].numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours["b"][0], theirs["b"][0].numpy(), rtol=1e-12)


def _conv_and_lstm():
    import nn
    import nn.functional as F
    conv, lstm = nn.Conv2d(1, 2, 3), nn.LSTM(3, 4)
    for m in (conv, lstm):
        for p in m.parameters():
            p.data = p.data.astype(np.float64)

    def f_conv(x):
        return (F.max_pool2d(conv(x), 2) ** 3).sum()

    def f_lstm(x):
        return (lstm(x)[0] ** 2).sum()
    return [(f_conv, (1, 1, 6, 6)), (f_lstm, (3, 2, 3))]


@pytest.mark.parametrize("case", [0, 1], ids=["conv-maxpool", "lstm"])
def test_hvp_and_hessian_through_fused_layers(case):
    """Fused primitives differentiate their composed forms under create_graph; the cotangent stays live."""
    f, shape = _conv_and_lstm()[case]
    rng = np.random.default_rng(case)
    x, v = rng.standard_normal(shape), rng.standard_normal(shape)
    g, eps = ag.grad(f), 1e-5
    numeric = (g(x + eps * v) - g(x - eps * v)) / (2 * eps)
    hv = ag.hvp(f, x, v)
    np.testing.assert_allclose(hv, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ag.hessian(f)(x).reshape(x.size, x.size) @ v.ravel(), hv.ravel(), rtol=1e-9, atol=1e-12)


def test_third_order_through_a_convolution():
    import nn
    conv = nn.Conv2d(1, 2, 3)
    for p in conv.parameters():
        p.data = p.data.astype(np.float64)

    def f(x):
        return (conv(x) ** 3).sum()
    shape = (1, 1, 5, 5)
    rng = np.random.default_rng(5)
    x, v, w = (rng.standard_normal(shape) for _ in range(3))
    third = ag.grad(lambda t: (ag.hvp(f, t, v) * Tensor(w)).sum())(x)
    eps = 1e-5
    numeric = np.array([((ag.hvp(f, x + eps * e, v) - ag.hvp(f, x - eps * e, v)) * w).sum() / (2 * eps)
                        for e in np.eye(x.size).reshape((x.size,) + shape)]).reshape(shape)
    np.testing.assert_allclose(third, numeric, rtol=1e-5, atol=1e-7)


def test_nested_vjp_of_a_cotangent_computed_from_the_output():
    """vjp_fn(out) inside grad: the cotangent is an input of the product, not differentiated with the output."""
    x = np.array([0.3, -0.8])

    def h(t):
        out, vjp_fn = ag.vjp(lambda y: y * y, t)
        return vjp_fn(out)[0].sum()        # J^T out = 2y · y² = 2y³
    assert ag.value_and_grad(h)(x)[0] == pytest.approx(np.sum(2 * x ** 3))
    np.testing.assert_allclose(ag.grad(h)(x), 6 * x ** 2, rtol=1e-12)


@pytest.mark.parametrize("jacobian", ["jacfwd", "jacrev"])
def test_the_jacobian_of_a_function_returning_its_input_is_the_identity(jacobian):
    """jacfwd cleared the seeded tangents before reading the output's, so an output that is an input got zeros."""
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(getattr(ag, jacobian)(lambda t: t)(x), np.eye(3))
