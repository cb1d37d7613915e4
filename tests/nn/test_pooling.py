"""Max and average pooling: torch oracle (ties included), finite differences."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), (2, 1, 0)])
def test_matches_torch(torch, kernel, stride, padding):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 8))
    compare_with_torch(torch, nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding), x)
    compare_with_torch(torch, nn.AvgPool2d(kernel, stride, padding), torch.nn.AvgPool2d(kernel, stride, padding), x)


def test_max_pool_sends_the_gradient_to_the_first_maximum_of_each_window():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 1] = 1.0
    xo = ag.tensor(x, requires_grad=True)
    F.max_pool2d(xo, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[1, 1] = expected[0, 2] = expected[2, 0] = expected[2, 2] = 1.0
    np.testing.assert_array_equal(xo.grad.data[0, 0], expected)


def test_gradcheck():
    x = np.random.default_rng(1).standard_normal((1, 2, 5, 5))
    assert ag.gradcheck(lambda t: F.max_pool2d(t, 2, 1), x)
    assert ag.gradcheck(lambda t: F.max_pool2d(t, 3, 2, 1), x)
    assert ag.gradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1), x)
    assert ag.gradcheck(lambda t: F.avg_pool2d(t, (2, 3), (1, 2)), x)


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), (2, 1, 0), (3, 1, 1), ((2, 3), (1, 2), (1, 0))])
def test_max_pool_ties_after_relu_match_torch(torch, kernel, stride, padding):
    """Small integers through a ReLU: most windows hold several equal maxima (often all zeros)."""
    x = np.maximum(np.random.default_rng(4).integers(-2, 3, (2, 3, 7, 6)), 0).astype(np.float64)
    compare_with_torch(torch, nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding), x)
    xo = ag.tensor(x, requires_grad=True)
    out = F.max_pool2d(xo, kernel, stride, padding)
    out.sum().backward()
    # one whole unit of gradient per window: split ties would leave fractions
    np.testing.assert_array_equal(xo.grad.data, np.round(xo.grad.data))
    assert xo.grad.data.sum() == out.size


def test_unbatched_input_matches_torch(torch):
    x = np.random.default_rng(5).standard_normal((3, 6, 6))
    compare_with_torch(torch, nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1), x)
    compare_with_torch(torch, nn.AvgPool2d(2), torch.nn.AvgPool2d(2), x)


def test_errors():
    with pytest.raises(ValueError, match=r"max_pool2d.*larger.*\(1, 1, 3, 3\)"):
        nn.MaxPool2d(4)(ag.randn(1, 1, 3, 3, rng=0))
    with pytest.raises(ValueError, match=r"AvgPool2d: expected input \(N, C, H, W\) or \(C, H, W\).*\(3, 3\)"):
        nn.AvgPool2d(2)(ag.randn(3, 3, rng=0))
    with pytest.raises(ValueError, match="MaxPool2d: padding 2 should be at most half of kernel_size 3"):
        nn.MaxPool2d(3, padding=2)
    with pytest.raises(ValueError, match="AvgPool2d stride must be at least 1"):
        nn.AvgPool2d(2, stride=0)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1)])
def test_sequential_runs_relu_then_pool_as_written(kernel, stride):
    """The graph of Sequential(ReLU(), MaxPool2d) is x -> Relu -> MaxPool2d; values and gradients are pool(relu(x))."""
    rng = np.random.default_rng(3)
    x = np.round(rng.standard_normal((2, 3, 6, 6)) * 2) / 2  # ties and zeros are common
    pool = nn.MaxPool2d(kernel, stride)
    model_in, direct_in = ag.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    out = nn.Sequential(nn.ReLU(), pool)(model_in)
    pooled = out._node
    relu = pooled.parents[0]._node
    assert (pooled.prim.name, relu.prim.name) == ("MaxPool2d", "Relu")
    assert relu.parents[0] is model_in
    direct = pool(F.relu(direct_in))
    np.testing.assert_array_equal(out.data, direct.data)
    g = rng.standard_normal(out.shape)
    out.backward(g)
    direct.backward(g)
    np.testing.assert_array_equal(model_in.grad.data, direct_in.grad.data)
