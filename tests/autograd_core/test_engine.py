"""Reverse mode: accumulation, graph freeing, create_graph, hooks, no_grad, deep chains."""
import gc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_gradient_accumulates_across_backward_calls():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2 * 1 + 3, 2 * 2 + 3])


def test_shared_subexpression_is_visited_once_and_summed():
    x = ag.tensor(3.0, requires_grad=True)
    a = x * x            # used twice below: its cotangent must be the sum of both uses
    y = a * a + a
    y.backward()
    assert x.grad.item() == pytest.approx(4 * 27 + 6)


def test_reverse_order_with_cross_edge():
    """b depends on a and the root depends on both: a's gradient must include b's share."""
    x = ag.tensor(2.0, requires_grad=True)
    a = x * 1.5
    b = a * a
    r = a + b
    r.backward()
    assert x.grad.item() == pytest.approx(1.5 + 2 * 3.0 * 1.5)


def test_second_backward_through_freed_graph_raises_naming_the_op():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*Sum"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 8.0])


def test_non_scalar_backward_needs_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\)"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0])


def test_backward_grad_shape_mismatch():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_create_graph_gives_grad_of_grad():
    x = ag.tensor(2.0, requires_grad=True, dtype=np.float64)
    y = x ** 3
    (g,) = ag.grad_of(y, [x], create_graph=True)
    assert g.item() == pytest.approx(12.0)
    g.backward()
    assert x.grad.item() == pytest.approx(12.0)  # d/dx 3x^2 = 6x


def test_backward_create_graph_then_hessian_vector_product():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3))
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    f = (x @ (a @ x)).sum() + x.tanh().sum()
    f.backward(create_graph=True)
    v = rng.standard_normal(3)
    g = x.grad
    x.grad = None
    (g * v).sum().backward()
    t = np.tanh(x.data)
    expected = (a + a.T) @ v + (-2 * t * (1 - t * t)) * v
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-10)


def test_composed_fallback_keeps_the_cotangents_dependence_on_the_inputs():
    """Conv2d is linear in w: its Hessian term comes only through the cotangent 2·conv(x, w)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    v = rng.standard_normal(w.shape)
    ours = Tensor(w, requires_grad=True)
    out = ag.ops.conv2d(Tensor(x), ours)
    (g,) = ag.grad_of((out * out).sum(), [ours], create_graph=True)
    (g * v).sum().backward()
    theirs = torch.tensor(w, requires_grad=True)
    out_t = torch.nn.functional.conv2d(torch.tensor(x), theirs)
    (g_t,) = torch.autograd.grad((out_t * out_t).sum(), theirs, create_graph=True)
    (g_t * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(g.data, g_t.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10)


def test_composed_fallback_gives_partial_derivatives_when_an_input_repeats():
    """conv2d(x, x) under create_graph: each position's share is its own partial, summed once into x."""
    x = Tensor(np.random.default_rng(1).standard_normal((1, 1, 3, 3)), requires_grad=True)
    (plain,) = ag.grad_of(ag.ops.conv2d(x, x).sum(), [x])
    (graphed,) = ag.grad_of(ag.ops.conv2d(x, x).sum(), [x], create_graph=True)
    np.testing.assert_allclose(graphed.data, plain, rtol=1e-12)


def test_create_graph_keeps_the_graph_of_a_given_grad():
    x = ag.tensor(3.0, requires_grad=True, dtype=np.float64)
    (g,) = ag.grad_of(x * 2, [x], grad=x * x, create_graph=True)  # g = 2 x^2
    g.backward()
    assert x.grad.item() == pytest.approx(12.0)


def test_no_grad_records_nothing_and_works_as_decorator():
    x = ag.tensor([1.0], requires_grad=True)
    with ag.no_grad():
        y = x * 2
    assert not y.requires_grad and y.is_leaf

    @ag.no_grad()
    def f(t):
        return t * 3
    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_no_grad_as_bare_decorator():
    @ag.no_grad
    def f(t):
        return t * 3
    assert not f(ag.tensor([1.0], requires_grad=True)).requires_grad


def test_setitem_on_a_leaf_requiring_grad_is_refused_outside_no_grad():
    t = ag.zeros(3)
    t[1] = 5.0
    np.testing.assert_array_equal(t.data, [0, 5, 0])
    w = ag.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w[0] = 1.0
    with ag.no_grad():
        w[0] = 1.0
    assert w.data[0] == 1.0


def test_detach_and_requires_grad_():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert d.is_leaf and not d.requires_grad
    d.requires_grad_()
    (d * d).sum().backward()
    np.testing.assert_allclose(d.grad.data, [4.0, 8.0])
    assert x.grad is None


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="int64"):
        ag.tensor([1, 2, 3], requires_grad=True)
    with pytest.raises(TypeError, match="floating"):
        Tensor(np.arange(3)).requires_grad_()


def test_retain_grad_keeps_non_leaf_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.data, [6.0, 12.0])


def test_hook_sees_and_replaces_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    seen = []
    handle = h.register_hook(lambda g: (seen.append(g.data.copy()), g * 0.5)[1])
    h.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad.data, [1.5, 1.5])
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])


def test_leaves_never_share_a_gradient_array():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor([3.0, 4.0], requires_grad=True)
    (x + y).sum().backward()
    assert x.grad.data is not y.grad.data
    x.grad.data[:] = 0
    np.testing.assert_allclose(y.grad.data, [1.0, 1.0])


def test_float32_stays_float32_through_backward():
    x = ag.randn(4, 3, rng=0, requires_grad=True)
    w = ag.randn(3, 2, rng=1, requires_grad=True)
    loss = ((x @ w).relu() * 0.5 + 1).sigmoid().mean()
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


@pytest.mark.parametrize("n", [100_000])
def test_tensor_chain_of_100k_ops(n):
    x = ag.tensor(1.0, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(n):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_value_chain_of_100k_ops():
    x = ag.Value(1.0)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0 and y.data == 100_001.0


def _live_tensors():
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Tensor))


def test_graph_is_freed_after_backward():
    x = ag.randn(8, 8, rng=0, requires_grad=True)
    h = (x @ x).tanh()
    probe = weakref.ref(h)
    loss = h.sum()
    del h
    loss.backward()
    gc.collect()
    assert probe() is None, "an intermediate Tensor survived backward()"


def test_training_style_loop_keeps_live_tensor_count_flat():
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((5, 3)) * 0.1, requires_grad=True)
    b = Tensor(np.zeros(3), requires_grad=True)
    x, t = rng.standard_normal((16, 5)), rng.standard_normal((16, 3))
    counts = []
    for step in range(1000):
        loss = (((ag.tensor(x) @ w + b).tanh() - t) ** 2).mean()
        w.grad = b.grad = None
        loss.backward()
        w.data -= 0.1 * w.grad.data
        b.data -= 0.1 * b.grad.data
        if step in (100, 999):
            counts.append(_live_tensors())
    assert counts[1] <= counts[0]


def test_zero_d_float64_leaf_gets_a_zero_d_array_gradient():
    t = ag.tensor(np.float64(1.5), requires_grad=True)
    (t * t).backward()
    assert type(t.grad.data) is np.ndarray and t.grad.data.shape == ()
    assert np.asarray(t.grad) == 3.0


@pytest.mark.parametrize("leaf", [True, False])
def test_hook_returning_the_wrong_shape_raises_naming_both_shapes(leaf):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x if leaf else x * 3
    h.register_hook(lambda g: np.ones(3))
    with pytest.raises(RuntimeError, match=r"shape \(3,\).*shape \(2,\)"):
        (h * 2).sum().backward()
    assert x.grad is None


def test_freed_graph_keeps_the_op_name_and_frees_saved_values():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = y.sum()
    z.backward()
    assert y.grad_fn == "Exp" and y._node.parents is None and not y._node.__dict__
    with pytest.raises(RuntimeError, match="second time.*Sum"):
        z.backward()
