"""Activations: finite differences, torch oracle, modes of RReLU, Maxout layout."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

X = np.random.default_rng(0).standard_normal((4, 3, 2)) * 2


@pytest.mark.parametrize("fn", [F.relu, F.sigmoid, F.tanh, lambda x: F.leaky_relu(x, 0.2),
                                lambda x: F.elu(x, 1.5), lambda x: F.softmax(x, 1), lambda x: F.log_softmax(x, 1),
                                lambda x: F.rrelu(x, training=False)])
def test_gradcheck(fn):
    assert ag.gradcheck(fn, X)


def test_prelu_gradcheck_for_input_and_slopes():
    assert ag.gradcheck(F.prelu, [X, np.array([0.1, 0.3, -0.2])])
    assert ag.gradcheck(F.prelu, [X, np.array([0.25])])


@pytest.mark.parametrize("ours,theirs", [
    (lambda: nn.ReLU(), "ReLU()"), (lambda: nn.Sigmoid(), "Sigmoid()"), (lambda: nn.Tanh(), "Tanh()"),
    (lambda: nn.LeakyReLU(0.1), "LeakyReLU(0.1)"), (lambda: nn.ELU(0.7), "ELU(0.7)"),
    (lambda: nn.Softmax(1), "Softmax(1)"), (lambda: nn.LogSoftmax(-1), "LogSoftmax(-1)"),
    (lambda: nn.PReLU(3, 0.1), "PReLU(3, 0.1)"), (lambda: nn.PReLU(), "PReLU()"),
])
def test_matches_torch(torch, ours, theirs):
    from _oracle import compare_with_torch
    compare_with_torch(torch, ours(), eval("torch.nn." + theirs), X)


def test_elu_is_finite_for_large_inputs():
    x = ag.tensor(np.array([1000.0, -1000.0]), requires_grad=True)
    F.elu(x).sum().backward()
    assert np.isfinite(x.grad.data).all()


def test_rrelu_random_in_training_mean_in_eval():
    layer = nn.RReLU(0.1, 0.3, rng=0)
    x = ag.tensor(-np.ones((200, 50)))
    slopes = -layer(x).data
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    layer.eval()
    np.testing.assert_allclose(-layer(x).data, 0.2)


def test_maxout_takes_max_over_pieces():
    m = nn.Maxout(4, 3, pieces=2).to(np.float64)
    x = ag.randn(5, 4, rng=0, dtype=np.float64)
    z = m.linear(x).data.reshape(5, 3, 2)
    np.testing.assert_allclose(m(x).data, z.max(axis=-1), rtol=1e-6)
    assert ag.gradcheck(lambda t: m(t), x.data)


@pytest.mark.parametrize("fn,slope_at_zero", [
    (lambda x: F.elu(x, 2.0), 2.0), (lambda x: F.leaky_relu(x, 0.1), 0.1),
    (lambda x: F.rrelu(x, 0.1, 0.3, training=False), 0.2), (F.relu, 0.0),
])
def test_slope_at_zero_is_pytorchs(fn, slope_at_zero):
    x = ag.tensor(np.array([0.0]), requires_grad=True)
    fn(x).sum().backward()
    assert x.grad.data[0] == pytest.approx(slope_at_zero)


def test_prelu_slope_gradient_is_zero_at_infinite_positive_input():
    x = ag.tensor(np.array([[np.inf, -2.0]]), requires_grad=True)
    w = ag.tensor(np.array([0.25, 0.25]), requires_grad=True)
    F.prelu(x, w).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [0.0, -2.0])


@pytest.mark.parametrize("ours,theirs", [
    (lambda: nn.GELU(), "GELU()"), (lambda: nn.GELU("tanh"), "GELU('tanh')"), (lambda: nn.SiLU(), "SiLU()"),
    (lambda: nn.Mish(), "Mish()"), (lambda: nn.Softplus(), "Softplus()"), (lambda: nn.Softplus(2.0, 3.0), "Softplus(2.0, 3.0)"),
    (lambda: nn.Hardswish(), "Hardswish()"), (lambda: nn.Hardsigmoid(), "Hardsigmoid()"), (lambda: nn.ReLU6(), "ReLU6()"),
    (lambda: nn.LogSigmoid(), "LogSigmoid()"), (lambda: nn.SELU(), "SELU()"), (lambda: nn.CELU(0.5), "CELU(0.5)"),
    (lambda: nn.Softsign(), "Softsign()"), (lambda: nn.Identity(3, unused=True), "Identity(3, unused=True)"),
])
def test_modern_activations_match_torch(torch, ours, theirs):
    from _oracle import compare_with_torch
    x = X * 2
    x[0, 0] = [0.0, 3.0]  # a kink of relu6/hardswish's neighbours and an exact zero
    compare_with_torch(torch, ours(), eval("torch.nn." + theirs), x)


def test_modern_activation_arguments():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("erf")
    with pytest.raises(ValueError, match="alpha cannot be 0"):
        nn.CELU(0.0)
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert ag.gradcheck(F.softsign, X)
