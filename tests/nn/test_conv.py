"""Conv2d: output sizes, finite differences, torch oracle with stride and padding, errors."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch


@pytest.mark.parametrize("size,kernel,stride,padding", [(5, 3, 1, 0), (7, 3, 2, 1), (6, 2, 2, 0), (5, 5, 1, 2)])
def test_output_size_formula(size, kernel, stride, padding):
    conv = nn.Conv2d(2, 3, kernel, stride, padding)
    out = conv(ag.randn(1, 2, size, size, rng=0))
    assert out.shape == (1, 3, (size - kernel + 2 * padding) // stride + 1, (size - kernel + 2 * padding) // stride + 1)


def test_gradcheck_input_weight_bias():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    assert ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1), [x, w, b])


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 1), ((2, 1), (0, 2))])
def test_matches_torch(torch, stride, padding):
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    compare_with_torch(torch, nn.Conv2d(3, 4, (3, 2), stride, padding),
                       torch.nn.Conv2d(3, 4, (3, 2), stride, padding), x)
    compare_with_torch(torch, nn.Conv2d(3, 2, 3, bias=False), torch.nn.Conv2d(3, 2, 3, bias=False), x)


def test_errors_name_layer_and_shapes():
    conv = nn.Conv2d(3, 4, 3)
    with pytest.raises(ValueError, match=r"Conv2d.*\(N, 3, H, W\).*\(2, 2, 5, 5\)"):
        conv(ag.randn(2, 2, 5, 5, rng=0))
    with pytest.raises(ValueError, match=r"Conv2d.*\(5, 5\)"):
        conv(ag.randn(5, 5, rng=0))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv(ag.randn(1, 3, 2, 2, rng=0))
