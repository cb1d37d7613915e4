"""Tensor construction, dtypes, factories, attributes and the numpy bridge."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_python_data_becomes_float32_and_arrays_keep_dtype():
    assert Tensor(1.5).dtype == np.float32
    assert Tensor([[1.0, 2.0]]).dtype == np.float32
    assert Tensor(np.zeros(2)).dtype == np.float64
    assert Tensor([1, 2]).dtype.kind == "i"
    assert Tensor([1.0], dtype=np.float64).dtype == np.float64


def test_attributes():
    t = ag.tensor(np.arange(6.0).reshape(2, 3), name="t")
    assert (t.shape, t.ndim, t.size, t.name, t.is_leaf) == ((2, 3), 2, 6, "t", True)
    assert t.T.shape == (3, 2)
    assert np.asarray(t) is t.data and t.numpy() is t.data
    assert ag.tensor(3.0).item() == 3.0


def test_factories():
    assert ag.zeros((2, 3)).shape == (2, 3) and ag.zeros(2, 3).dtype == np.float32
    assert ag.ones(4).data.sum() == 4
    np.testing.assert_array_equal(ag.randn(3, rng=7).data, ag.randn(3, rng=np.random.default_rng(7)).data)
    assert ag.arange(5).dtype.kind == "i" and ag.arange(0, 1, 0.25).dtype == np.float32
    assert ag.zeros_like(ag.ones((2, 2), dtype=np.float64)).dtype == np.float64
    assert ag.ones_like(np.zeros(3), requires_grad=True).requires_grad


def test_comparisons_return_boolean_tensors_without_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for mask in (x > 1.5, x >= 2, x < 2, x <= 2, x == 2, x != 2):
        assert mask.dtype == np.bool_ and not mask.requires_grad
    np.testing.assert_array_equal((x > 1.5).data, [False, True, True])


def test_numpy_on_the_left_gives_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([2.0, 3.0], dtype=np.float32) * x
    assert isinstance(y, Tensor) and y.requires_grad


@pytest.mark.parametrize("expr,expected", [
    (lambda t: t.transpose(), lambda a: a.transpose()),
    (lambda t: t.transpose(1, 0, 2), lambda a: a.transpose(1, 0, 2)),
    (lambda t: t.transpose(0, 2), lambda a: np.swapaxes(a, 0, 2)),  # two axes: PyTorch's swap
    (lambda t: t.flatten(), lambda a: a.reshape(24)),
    (lambda t: t.flatten(1), lambda a: a.reshape(2, 12)),
    (lambda t: t.unsqueeze(0).squeeze(0), lambda a: a),
    (lambda t: t[:, None].squeeze(), lambda a: a),
    (lambda t: t.reshape(-1, 4), lambda a: a.reshape(6, 4)),
    (lambda t: t.sum(axis=(0, 2), keepdims=True), lambda a: a.sum(axis=(0, 2), keepdims=True)),
    (lambda t: t.var(axis=1, ddof=1), lambda a: a.var(axis=1, ddof=1)),
    (lambda t: ag.stack([t, t], axis=1), lambda a: np.stack([a, a], axis=1)),
    (lambda t: ag.pad(t, ((0, 0), (1, 1), (2, 0))), lambda a: np.pad(a, ((0, 0), (1, 1), (2, 0)))),
    (lambda t: t[:, 0:1].expand(2, 5, 4), lambda a: np.broadcast_to(a[:, 0:1], (2, 5, 4))),
])
def test_shape_ops(expr, expected):
    """Each shape op gives numpy's values (and so its shape), element for element."""
    t = ag.randn(2, 3, 4, rng=0)
    out, want = expr(t), expected(t.data)
    assert out.shape == want.shape and out.dtype == want.dtype
    np.testing.assert_allclose(out.data, want, rtol=1e-6)


def test_var_matches_numpy():
    x = np.random.default_rng(0).standard_normal((3, 5))
    np.testing.assert_allclose(ag.var(Tensor(x), axis=1, ddof=1).data, np.var(x, axis=1, ddof=1))
    np.testing.assert_allclose(ag.var(Tensor(x), ddof=0).data, np.var(x))
    np.testing.assert_allclose(ag.var(Tensor(x)).data, np.var(x, ddof=1))  # unbiased by default, as PyTorch


def test_matmul_vector_cases():
    rng = np.random.default_rng(0)
    a, v, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((2, 4, 5))
    for x, y in ((a, v), (v, v), (v, b), (a, b)):
        np.testing.assert_allclose(ag.matmul(Tensor(x), Tensor(y)).data, np.matmul(x, y))
        assert ag.gradcheck(lambda p, q: ag.matmul(p, q), [x, y])


def test_softmax_and_log_softmax_are_stable():
    x = ag.tensor([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(x.softmax(axis=-1).data, [[1.0, 0.0, 0.0]])
    assert np.isfinite(x.log_softmax().data[0, :2]).all()
