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


def test_max_pool_sends_the_gradient_to_one_element_on_ties(torch):
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 0] = 1.0
    compare_with_torch(torch, nn.MaxPool2d(2), torch.nn.MaxPool2d(2), x)
    xo = ag.tensor(x, requires_grad=True)
    F.max_pool2d(xo, 2).sum().backward()
    assert xo.grad.data.sum() == 4.0


def test_gradcheck():
    x = np.random.default_rng(1).standard_normal((1, 2, 5, 5))
    assert ag.gradcheck(lambda t: F.max_pool2d(t, 2, 1), x)
    assert ag.gradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1), x)


def test_kernel_too_large():
    with pytest.raises(ValueError, match="max_pool2d.*larger"):
        nn.MaxPool2d(4)(ag.randn(1, 1, 3, 3, rng=0))
