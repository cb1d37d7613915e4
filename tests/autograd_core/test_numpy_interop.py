"""numpy functions on Tensors run as engine ops and are differentiated; none drops the graph silently."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, no_grad


def leaf(values, dtype=np.float64):
    return ag.tensor(np.array(values, dtype=dtype), requires_grad=True)


def test_dot_plus_sum_backpropagates_through_numpy():
    a = leaf([1.0, 2.0])
    y = np.dot(a, a) + a.sum()
    assert isinstance(y, Tensor) and y.item() == 8.0
    y.backward()
    np.testing.assert_array_equal(a.grad.data, [3.0, 5.0])


@pytest.mark.parametrize("name,fn,slope", [
    ("exp", np.exp, lambda x: np.exp(x)),
    ("log", np.log, lambda x: 1 / x),
    ("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ("sqrt", np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    ("abs", np.abs, np.sign),
    ("square", np.square, lambda x: 2 * x),
    ("negative", np.negative, lambda x: -np.ones_like(x)),
    ("reciprocal", np.reciprocal, lambda x: -1 / x ** 2),
    ("power", lambda t: np.power(t, 3), lambda x: 3 * x ** 2),
    ("clip", lambda t: np.clip(t, 0.6, 1.5), lambda x: ((x >= 0.6) & (x <= 1.5)).astype(float)),
])
def test_unary_ufuncs_and_functions_are_differentiated(name, fn, slope):
    x = np.array([0.5, 1.0, 2.0])
    t = leaf(x)
    out = fn(t)
    assert isinstance(out, Tensor) and out.requires_grad, name
    out.backward(np.ones(3))
    np.testing.assert_allclose(t.grad.data, slope(x), rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("fn,da,db", [
    (np.add, [1, 1], [1, 1]), (np.subtract, [1, 1], [-1, -1]), (np.multiply, [3, 2], [1, 2]),
    (np.divide, [1 / 3, 1 / 2], [-1 / 9, -2 / 4]), (np.maximum, [0, 0.5], [1, 0.5]),
    (np.minimum, [1, 0.5], [0, 0.5]),
])
def test_binary_ufuncs_with_an_array_on_either_side(fn, da, db):
    a, b = leaf([1.0, 2.0]), leaf([3.0, 2.0])
    fn(a, b).backward(np.ones(2))
    np.testing.assert_allclose(a.grad.data, da)
    np.testing.assert_allclose(b.grad.data, db)
    c = leaf([3.0, 2.0])
    out = fn(np.array([1.0, 2.0]), c)  # the ndarray first: numpy hands the call to the Tensor
    assert isinstance(out, Tensor)
    out.backward(np.ones(2))
    np.testing.assert_allclose(c.grad.data, db)


def test_array_operators_with_a_tensor_on_the_right_record_the_op():
    t = leaf([1.0, -2.0])
    mask = np.array([1.0, 0.0])
    out = mask * t + np.array([1.0, 1.0]) - t ** 2
    out.backward(np.ones(2))
    np.testing.assert_allclose(t.grad.data, [1 - 2, 0 + 4])
    assert isinstance(np.array([0.0, 0.0]) < t, Tensor)


@pytest.mark.parametrize("fn,expected_grad", [
    (lambda t: np.sum(t, axis=0), np.ones((2, 3))),
    (lambda t: np.sum(t, axis=1, keepdims=True), np.ones((2, 3))),
    (lambda t: np.mean(t, axis=1), np.full((2, 3), 1 / 3)),
    (lambda t: np.add.reduce(t, axis=1), np.ones((2, 3))),
    (lambda t: np.max(t, axis=1), [[0, 0, 1], [0, 1, 0]]),
    (lambda t: np.amin(t, axis=0, keepdims=True), [[1, 1, 0], [0, 0, 1]]),
    (lambda t: np.maximum.reduce(t, axis=0), [[0, 0, 1], [1, 1, 0]]),
    (lambda t: np.var(t), None),
])
def test_reductions_take_axis_and_keepdims(fn, expected_grad):
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]])
    t = leaf(x)
    out = fn(t)
    np.testing.assert_allclose(out.data, fn(x))
    out.backward(np.ones(out.shape))
    if expected_grad is None:
        expected_grad = 2 * (x - x.mean()) / x.size
    np.testing.assert_allclose(t.grad.data, expected_grad)


@pytest.mark.parametrize("fn", [
    lambda a, b: np.concatenate([a, b]), lambda a, b: np.concatenate([a, b], axis=None),
    lambda a, b: np.stack([a, a], axis=1), lambda a, b: np.reshape(a, (4,)), lambda a, b: np.transpose(a),
    lambda a, b: np.ravel(a), lambda a, b: np.expand_dims(a, 0), lambda a, b: np.squeeze(np.expand_dims(b, 0)),
    lambda a, b: np.swapaxes(a, 0, 1), lambda a, b: np.broadcast_to(b, (3, 2)),
    lambda a, b: np.where(np.array([True, False]), a, b), lambda a, b: np.matmul(a, a), lambda a, b: np.dot(b, a),
    lambda a, b: np.dot(2.0, a),
])
def test_shape_functions_joins_and_products_are_differentiated(fn):
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0]])
    out = fn(leaf(a), leaf(b))
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, fn(a, b))
    assert ag.gradcheck(lambda x, y: fn(x, y) * 1.0, [a, b])


def test_other_numpy_functions_refuse_a_tensor_that_requires_grad():
    t = leaf([0.5, 1.0])
    for call, name in [(lambda: np.cbrt(t), "numpy.cbrt"), (lambda: np.diff(t), "numpy.diff"),
                       (lambda: np.median(t), "numpy.median"), (lambda: np.add.accumulate(t), "numpy.add.accumulate"),
                       (lambda: np.sum(t, dtype=np.float32), "numpy.sum"), (lambda: np.dot(t, np.ones((2, 2, 2))), "numpy.dot")]:
        with pytest.raises(TypeError, match=name.replace(".", r"\.") + " .*requires grad"):
            call()


def test_without_a_gradient_to_lose_numpy_runs_on_the_data():
    t = ag.tensor([0.5, 1.0], dtype=np.float64)
    sin = np.sin(t)
    assert isinstance(sin, Tensor) and sin.dtype == np.float64  # a ufunc gives a Tensor, as on torch tensors
    np.testing.assert_allclose(sin.data, np.sin([0.5, 1.0]))
    diff = np.diff(t)
    assert type(diff) is np.ndarray  # another numpy function gives numpy's own result
    np.testing.assert_allclose(diff, [0.5])
    with no_grad():
        r = leaf([1.0, 2.0])
        np.testing.assert_allclose(np.diff(r), [1.0])  # nothing is recorded under no_grad


def test_results_without_gradient_are_computed_whatever_requires_grad():
    t = leaf([[1.0, 3.0], [2.0, 2.0]])
    assert np.shape(t) == (2, 2) and np.ndim(t) == 2 and np.size(t) == 4
    assert np.allclose(t, [[1, 3], [2, 2]]) and np.array_equal(t, t.data)
    np.testing.assert_array_equal(np.argmax(t, axis=1), [1, 0])
    assert not np.any(np.isnan(t).data)
    assert (np.sign(t - 2.0).data == [[-1, 1], [0, 0]]).all()


def test_ufunc_out_argument():
    t = ag.tensor([1.0, 2.0], dtype=np.float64)
    out = np.zeros(2)
    assert np.multiply(t, 3.0, out=out) is out
    np.testing.assert_array_equal(out, [3.0, 6.0])
    target = ag.tensor(np.zeros(2))
    version = target._version
    assert np.add(t, t, out=target) is target
    np.testing.assert_array_equal(target.data, [2.0, 4.0])
    assert target._version == version + 1
    assert np.sin(t, out=np.zeros(2)) is not None
    s = np.zeros(1)
    np.sum(t, out=s)
    np.testing.assert_array_equal(s, [3.0])


def test_out_refuses_to_drop_a_graph():
    t = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match=r"numpy\.multiply\(\.\.\., out=\.\.\.\).*drop its graph"):
        np.multiply(t, 2.0, out=np.zeros(2))
    buffer = np.zeros(2)
    with pytest.raises(TypeError, match="numpy.add"):
        buffer += t  # an ndarray cannot hold the graph of a Tensor requiring grad
    with pytest.raises(TypeError, match="requires grad"):
        np.multiply(ag.tensor([1.0, 2.0]), 2.0, out=leaf([0.0, 0.0]))


def test_asarray_is_an_explicit_conversion_and_keeps_working():
    t = leaf([1.0, 2.0])
    assert np.asarray(t) is t.data
    np.testing.assert_array_equal(np.asarray(t, dtype=np.float32), [1.0, 2.0])


def test_numpy_scalar_keeps_its_dtype():
    assert ag.tensor(np.float64(0.3)).dtype == np.float64
    assert ag.tensor(np.float64(0.3)).item() == 0.3
    assert ag.tensor(np.float16(1.5)).dtype == np.float16
    assert ag.tensor(0.3).dtype == np.float32  # a Python float stays float32


def test_out_into_a_tensor_requiring_grad_is_allowed_under_no_grad():
    p = leaf([1.0, 2.0])
    with no_grad():
        np.multiply(p, 0.5, out=p)
    np.testing.assert_array_equal(p.data, [0.5, 1.0])
