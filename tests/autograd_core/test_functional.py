"""grad, value_and_grad, vjp, jvp, jacrev, jacfwd, hessian and gradcheck."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import GradcheckError, Primitive, Tensor, gradcheck
from autograd_core.grad_mode import Observer, observe


def f_vec(x):
    return (x.tanh() * x).sum(axis=-1, keepdims=False) * 2 + x[..., 0] * x[..., 1]


def test_grad_and_value_and_grad():
    x = np.array([0.3, -1.2, 2.0])
    value, g = ag.value_and_grad(lambda t: (t ** 2).sum())(x)
    assert value == pytest.approx(np.sum(x ** 2))
    np.testing.assert_allclose(g, 2 * x)
    assert isinstance(g, np.ndarray) and g.dtype == np.float64
    np.testing.assert_allclose(ag.grad(lambda t: (t ** 2).sum())(x), 2 * x)


def test_grad_argnums_tuple():
    gx, gy = ag.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(gx, [3.0, 4.0])
    np.testing.assert_allclose(gy, [1.0, 2.0])


def test_grad_requires_scalar_output():
    with pytest.raises(TypeError, match="one-element"):
        ag.grad(lambda t: t * 2)(np.ones(3))


def test_vjp_returns_function_of_cotangent():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    out, vjp_fn = ag.vjp(lambda t: t.exp() * 2, x)
    np.testing.assert_allclose(out, 2 * np.exp(x))
    u = np.array([[1.0, 0.0], [0.5, 2.0]])
    (g,) = vjp_fn(u)
    np.testing.assert_allclose(g, u * 2 * np.exp(x))
    (g2,) = vjp_fn(u)  # the graph is kept for repeated calls
    np.testing.assert_allclose(g2, g)


def test_jvp_is_true_forward_mode():
    """One forward pass, no VJP rule runs: an observer sees no backward activity."""
    class Watch(Observer):
        backward_calls = 0

        def on_backward(self, node, out, in_grads):
            Watch.backward_calls += 1

    x, v = np.array([0.5, -0.3, 1.1]), np.array([1.0, 2.0, -1.0])
    with observe(Watch()):
        out, tangent = ag.jvp(lambda t: (t * t).sum(), (x,), (v,))
    assert Watch.backward_calls == 0
    assert out == pytest.approx(np.sum(x * x))
    assert tangent == pytest.approx(np.sum(2 * x * v))


def test_jacfwd_and_jacrev_agree_and_count_passes():
    """12 inputs, 4 outputs: one direction per pass, jacfwd evaluates f 12 times and jacrev
    evaluates it once then sweeps back 4 times; batched, each makes a single pass."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    calls, sweeps = [], []

    def counted(t):
        calls.append(1)
        return f_vec(t)

    class Sweeps(Observer):
        def on_backward(self, node, out, in_grads):
            if node.prim.name == "Tanh":
                sweeps.append(1)
    results = {}
    for chunk_size in (1, None):
        for name, jac in (("jacfwd", ag.jacfwd), ("jacrev", ag.jacrev)):
            calls.clear()
            sweeps.clear()
            with observe(Sweeps()):
                results[name, chunk_size] = jac(counted, chunk_size=chunk_size)(x)
            results[name, chunk_size, "passes"] = (len(calls), len(sweeps))
    assert results["jacfwd", 1, "passes"] == (12, 0) and results["jacrev", 1, "passes"] == (1, 4)
    assert results["jacfwd", None, "passes"] == (1, 0) and results["jacrev", None, "passes"] == (1, 1)
    assert results["jacrev", 1].shape == (4, 4, 3)
    for key in (("jacfwd", 1), ("jacfwd", None), ("jacrev", None)):
        np.testing.assert_allclose(results[key], results["jacrev", 1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("chunk_size,passes", [(1, 5), (2, 3), (None, 1)])
def test_jacfwd_runs_one_forward_pass_per_chunk_of_inputs(chunk_size, passes):
    calls = []
    x = np.arange(5.0)
    jac = ag.jacfwd(lambda t: calls.append(1) or (t * t).sum(), chunk_size=chunk_size)(x)
    assert len(calls) == passes
    np.testing.assert_allclose(jac, 2 * x)


@pytest.mark.parametrize("chunk_size,sweeps", [(1, 4), (3, 2), (None, 1)])
def test_jacrev_runs_one_backward_sweep_per_chunk_of_outputs(chunk_size, sweeps):
    seen = []

    class Watch(Observer):
        def on_backward(self, node, out, in_grads):
            if node.prim.name == "Exp":
                seen.append(1)
    x = np.arange(4.0)
    with observe(Watch()):
        jac = ag.jacrev(lambda t: t.exp() * 3.0, chunk_size=chunk_size)(x)
    assert len(seen) == sweeps
    np.testing.assert_allclose(jac, np.diag(3 * np.exp(x)))


def test_hessian():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.4, -0.7])
    h = ag.hessian(lambda t: 0.5 * (t @ (Tensor(a) @ t)) + (t ** 3).sum())(x)
    np.testing.assert_allclose(h, a + np.diag(6 * x), rtol=1e-10)


class _WrongSquare(Primitive):
    """A deliberately wrong rule (d x² = x) that gradcheck must catch; not registered."""

    def forward(ctx, x):
        return x * x

    def vjp(ctx, xp, g, out, x):
        return (g * x,)

    def jvp(ctx, xp, ts, out, x):
        return ts[0] * x


def test_gradcheck_catches_a_wrong_rule():
    assert "_WrongSquare" not in ag.PRIMITIVES
    with pytest.raises(GradcheckError, match="element"):
        gradcheck(lambda t: _WrongSquare.apply(t), np.array([1.0, 2.0]))


def test_gradcheck_passes_composites_with_integer_inputs():
    idx = np.array([2, 0, 2])
    assert gradcheck(lambda t, i: (t[i] * t[i]).sum() + t.logsumexp(), [np.array([0.1, -0.4, 0.9]), idx])


def test_elementwise_grad_as_hips_autograd():
    """HIPS's tanh example: elementwise_grad nests, and numpy's ufuncs on the Tensor run as engine ops."""
    x = np.linspace(-3, 3, 7)
    d1 = ag.elementwise_grad(np.tanh)(x)
    d2 = ag.elementwise_grad(ag.elementwise_grad(np.tanh))(x)
    t = np.tanh(x)
    np.testing.assert_allclose(d1, 1 - t ** 2, rtol=1e-12)
    np.testing.assert_allclose(d2, -2 * t * (1 - t ** 2), rtol=1e-12)
    d_y = ag.elementwise_grad(lambda a, b: a * np.sin(b), 1)(x, x)
    np.testing.assert_allclose(d_y, x * np.cos(x), rtol=1e-12)
