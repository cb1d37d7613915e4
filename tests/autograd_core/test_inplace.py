"""In-place operations and version counters: every mutating path, checked against PyTorch's behaviour."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import optim
from autograd_core import Tensor, no_grad

MODIFIED = "modified by an inplace operation"


def _torch():
    return pytest.importorskip("torch")


# ---- a changed saved value raises, naming the op and the shape ---------------------------------
def test_issue_example_setitem_into_a_saved_factor_raises():
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = ag.tensor([1.0, 1.0, 1.0])
    y = (a * w).sum()
    w[0] = 10.0
    assert w._version == 1
    with pytest.raises(RuntimeError, match=r"\[op 'Mul', input 1 of shape \(3,\)\] is at version 1; expected version 0"):
        y.backward()
    assert a.grad is None


def test_issue_example_raises_in_torch_too():
    torch = _torch()
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([1.0, 1.0, 1.0])
    y = (a * w).sum()
    w[0] = 10.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.backward()


def test_changing_an_input_of_an_add_is_allowed_as_in_torch():
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = ag.tensor([1.0, 1.0, 1.0])
    y = (a + w).sum()
    w[0] = 10.0
    y.backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0, 1.0])


def test_leaf_changed_under_no_grad_raises():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with no_grad():
        w += 1
    with pytest.raises(RuntimeError, match=r"op 'Mul', input 0 of shape \(2,\)"):
        y.backward()


def test_an_ops_saved_output_changed_in_place_raises_as_in_torch():
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a.exp()
    y += 1
    with pytest.raises(RuntimeError, match=r"op 'Exp', output 0 of shape \(3,\)"):
        y.sum().backward()
    torch = _torch()
    ta = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ty = ta.exp()
    ty += 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        ty.sum().backward()


def test_output_changed_under_no_grad_raises():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    y = a.tanh()
    with no_grad():
        y.zero_()
    with pytest.raises(RuntimeError, match="op 'Tanh', output 0"):
        y.sum().backward()


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.Adam(ps, lr=0.1)])
def test_optimizer_step_between_two_backwards_on_a_retained_graph_raises(make):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    loss = (model(ag.randn(5, 3, rng=0)) ** 2).sum()
    loss.backward(retain_graph=True)
    versions = [p._version for p in model.parameters()]
    make(list(model.parameters())).step()
    assert [p._version for p in model.parameters()] == [v + 1 for v in versions]
    with pytest.raises(RuntimeError, match=r"op 'Affine', input 1 of shape \(2, 4\)"):
        loss.backward()


def test_torch_also_raises_after_an_optimizer_step_on_a_retained_graph():
    """The second layer's weight is saved for the first layer's gradient (PyTorch skips saving
    what no required gradient reads; we check every input an op's rules read)."""
    torch = _torch()
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    loss = (model(torch.randn(5, 3)) ** 2).sum()
    loss.backward(retain_graph=True)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_nn_init_bumps_the_version_and_a_graph_recorded_before_raises():
    lin = nn.Linear(3, 2)
    loss = (lin(ag.randn(4, 3, rng=0)) ** 2).sum()
    before = lin.weight._version
    nn.init.zeros_(lin.weight)
    assert lin.weight._version == before + 1
    with pytest.raises(RuntimeError, match="op 'Affine', input 1"):
        loss.backward()


def test_writes_into_data_are_not_tracked_as_in_torch():
    w = ag.tensor([1.0, 2.0])
    w.data[0] = 5.0
    assert w._version == 0


# ---- in-place operators ---------------------------------------------------------------------------
OPERATORS = {
    "iadd": lambda x, y: x.__iadd__(y),
    "isub": lambda x, y: x.__isub__(y),
    "imul": lambda x, y: x.__imul__(y),
    "itruediv": lambda x, y: x.__itruediv__(y),
    "setitem": lambda x, y: x.__setitem__(slice(1, None), y[1:]) or x,
    "copy_": lambda x, y: x.copy_(y),
    "fill_": lambda x, y: x.fill_(y[0]),
    "zero_": lambda x, y: x.zero_(),
}


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_each_in_place_operation_on_a_non_leaf_is_differentiated_as_in_torch(name):
    torch = _torch()
    change = OPERATORS[name]
    av, bv = np.array([1.0, 2.0, 3.0]), np.array([2.0, -1.0, 4.0])
    a, b = Tensor(av, requires_grad=True), Tensor(bv, requires_grad=True)
    x = a * a
    result = change(x, b)
    assert result is x and x.grad_fn is not None
    (x * x).sum().backward()
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (av, bv))
    tx = ta * ta
    change(tx, tb)
    (tx * tx).sum().backward()
    np.testing.assert_allclose(x.data, tx.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-12)
    if tb.grad is None:
        assert b.grad is None
    else:
        np.testing.assert_allclose(b.grad.data, tb.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_each_in_place_operation_on_a_leaf_requiring_grad_is_refused(name):
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        OPERATORS[name](w, ag.tensor([1.0, 1.0, 1.0]))
    np.testing.assert_array_equal(w.data, [1.0, 2.0, 3.0])
    assert w._version == 0 and w.is_leaf


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_each_in_place_operation_under_no_grad_changes_the_data_and_bumps_the_version(name):
    torch = _torch()
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    buffer = w.data
    tw = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with no_grad():
        OPERATORS[name](w, ag.tensor([2.0, 4.0, 8.0]))
    with torch.no_grad():
        OPERATORS[name](tw, torch.tensor([2.0, 4.0, 8.0]))
    np.testing.assert_allclose(w.data, tw.detach().numpy())
    assert w.data is buffer and w.is_leaf and w.dtype == np.float32
    assert w._version == tw._version == 1


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_each_in_place_operation_on_a_non_leaf_makes_an_earlier_consumer_that_saved_it_raise(name):
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = a * 2
    y = (x * a).sum()  # Mul saves x
    OPERATORS[name](x, ag.tensor([2.0, 4.0, 8.0]))
    with pytest.raises(RuntimeError, match=r"op 'Mul', input 0 of shape \(3,\)"):
        y.backward()


def test_manual_parameter_update_from_the_tutorials_changes_the_model():
    model = nn.MLP([3, 4, 2])
    params = list(model.parameters())
    before = [p.data.copy() for p in params]
    versions = [p._version for p in params]
    (model(ag.randn(5, 3, rng=0)) ** 2).sum().backward()
    with no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    for p, old, version in zip(params, before, versions):
        np.testing.assert_allclose(p.data, old - 0.1 * p.grad.data, rtol=1e-6)
        assert p.is_leaf and p.requires_grad and p._version == version + 1
    assert list(model.parameters()) == params


def test_plain_tensor_in_place_just_works():
    t = ag.tensor([1.0, 2.0])
    t += 1
    t *= ag.tensor([2.0, 3.0])
    np.testing.assert_array_equal(t.data, [4.0, 9.0])
    assert t.is_leaf and not t.requires_grad and t._version == 2


def test_plain_tensor_given_a_value_that_requires_grad_joins_the_graph():
    b = ag.tensor([1.0, 2.0], requires_grad=True)
    t = ag.zeros(2)
    t += b
    assert not t.is_leaf and t.grad_fn == "Add"
    (t * t).sum().backward()
    np.testing.assert_allclose(b.grad.data, [2.0, 4.0])


def test_a_consumer_recorded_before_the_change_sends_its_gradient_to_the_old_value():
    """z = x + 1 recorded before x *= 2: z's gradient must not pass through the multiplication (torch: [1, 1, 1])."""
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = a * 1
    z = x + 1
    x *= 2
    z.sum().backward(retain_graph=True)
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0, 1.0])
    a.grad = None
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 2.0, 2.0])


def test_in_place_product_with_a_value_that_requires_grad_uses_the_old_value():
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = ag.tensor([2.0, 3.0, 4.0], requires_grad=True)
    x = a * 1
    x *= b
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(b.grad.data, [1.0, 2.0, 3.0])


def test_in_place_keeps_dtype_and_refuses_what_torch_refuses():
    t = ag.tensor(np.array([1.0, 2.0], dtype=np.float32))
    t += np.array([1.0, 1.0], dtype=np.float64)
    assert t.dtype == np.float32
    i = ag.tensor([1, 2])
    with pytest.raises(RuntimeError, match="float64 can't be cast to the desired output type int64"):
        i += 1.5
    with pytest.raises(RuntimeError, match=r"output with shape \(3,\) doesn't match the broadcast shape \(2, 3\)"):
        f = ag.zeros(3)
        f += ag.ones((2, 3))
    np.testing.assert_array_equal(i.data, [1, 2])


def test_setitem_with_a_repeated_index_and_a_value_requiring_grad_raises():
    x = ag.tensor([1.0, 2.0, 3.0]) * 1
    v = ag.tensor([5.0, 6.0], requires_grad=True)
    with pytest.raises(ValueError, match="more than once"):
        x[np.array([0, 0])] = v


def test_setitem_gradient_with_integer_array_index_and_broadcast_value():
    torch = _torch()
    xv, vv = np.arange(12.0).reshape(4, 3), np.array([1.0, -2.0, 3.0])
    x0, v = Tensor(xv, requires_grad=True), Tensor(vv, requires_grad=True)
    x = x0 * 1
    x[np.array([0, 2])] = v
    (x * x).sum().backward()
    tx0, tv = torch.tensor(xv, requires_grad=True), torch.tensor(vv, requires_grad=True)
    tx = tx0 * 1
    tx[torch.tensor([0, 2])] = tv
    (tx * tx).sum().backward()
    np.testing.assert_allclose(x0.grad.data, tx0.grad.numpy())
    np.testing.assert_allclose(v.grad.data, tv.grad.numpy())


# ---- smaller engine cases of issue 14 ------------------------------------------------------------
def test_requires_grad_false_after_use_stops_filling_grad_as_torch():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    x.requires_grad_(False)
    y.backward()
    assert x.grad is None
    torch = _torch()
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    ty = (tx * 2).sum()
    tx.requires_grad_(False)
    ty.backward()
    assert tx.grad is None


def test_real_times_complex_then_backward_raises():
    a = ag.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    c = Tensor(np.array([1 + 1j, 2j]))
    with pytest.raises(RuntimeError, match="complex"):
        (a * c).sum().backward()
    with pytest.raises(RuntimeError, match="complex gradient reached a real tensor"):
        (a * c).abs().sum().backward()
    assert a.grad is None


def test_views_and_detached_tensors_share_the_version_as_in_torch():
    torch = _torch()
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    with no_grad():
        x.detach()[0] = 5.0  # the same memory as x
    assert x._version == 1
    with pytest.raises(RuntimeError, match="op 'Mul', input 0"):
        y.backward()
    tx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ty = (tx * tx).sum()
    tx.detach()[0] = 5.0
    assert tx._version == 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        ty.backward()


def test_a_change_through_a_slice_is_a_change_of_the_sliced_tensor():
    a = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    w = ag.tensor([1.0, 1.0, 1.0, 1.0])
    y = (a * w).sum()
    part = w[1:3]
    part += 1
    np.testing.assert_array_equal(w.data, [1.0, 2.0, 2.0, 1.0])
    assert w._version == part._version == 1
    with pytest.raises(RuntimeError, match="op 'Mul', input 1"):
        y.backward()


def test_backward_frees_the_copies_an_in_place_op_kept():
    import gc
    import weakref
    a = ag.tensor(np.ones(1000), requires_grad=True)
    x = a * 2
    x += 1
    old = weakref.ref(x._node.rebased_from)
    x.sum().backward()
    gc.collect()
    assert old() is None
    np.testing.assert_array_equal(a.grad.data, np.full(1000, 2.0))


def test_a_consumer_reaching_a_released_in_place_node_raises_the_freed_graph_error():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    x = a * 2
    z = x + 1
    x += 1
    x.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        z.sum().backward()


def test_forward_mode_tangents_follow_in_place_changes():
    def f(x):
        y = x * 2
        y += x
        y[0] = x[1] * 5
        y *= x
        return y

    x = np.array([1.0, 2.0, 3.0])
    _, tangent = ag.jvp(f, (x,), (np.array([1.0, 1.0, 1.0]),))
    np.testing.assert_allclose(tangent, [5.0 * 2 + 5.0 * 1, 6.0 * 2, 6.0 * 3])  # d(5 x1 x0), d(3 x1²), d(3 x2²)
    np.testing.assert_allclose(ag.jacfwd(f)(x), ag.jacrev(f)(x))
