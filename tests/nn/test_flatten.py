"""Flatten: the same shapes as torch.nn.Flatten, gradients reshaped back."""
import numpy as np
import pytest

import nn

from _oracle import compare_with_torch


@pytest.mark.parametrize("start,end", [(1, -1), (0, -1), (1, 2), (2, 3), (-3, -2)])
def test_matches_torch(torch, start, end):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    out = compare_with_torch(torch, nn.Flatten(start, end), torch.nn.Flatten(start, end), x)
    assert out.shape == tuple(torch.nn.Flatten(start, end)(torch.tensor(x)).shape)


def test_default_keeps_the_batch_axis():
    assert nn.Flatten()(np.zeros((7, 2, 3, 4))).shape == (7, 24)
