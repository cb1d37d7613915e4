"""Flatten: the same shapes as torch.nn.Flatten, gradients reshaped back."""
import numpy as np
import pytest

import autograd_core as ag
import nn

from _oracle import compare_with_torch


@pytest.mark.parametrize("start,end", [(1, -1), (0, -1), (1, 2), (2, 3), (-3, -2)])
def test_matches_torch(torch, start, end):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    out = compare_with_torch(torch, nn.Flatten(start, end), torch.nn.Flatten(start, end), x)
    assert out.shape == tuple(torch.nn.Flatten(start, end)(torch.tensor(x)).shape)


def test_default_keeps_the_batch_axis():
    assert nn.Flatten()(np.zeros((7, 2, 3, 4))).shape == (7, 24)


def test_flattened_input_keeps_its_name_in_the_graph():
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    x = ag.tensor(np.ones((3, 2, 2), np.float32), name="x")
    loss = model(x).sum()
    loss.backward()
    assert 'label="x (3, 4)"' in ag.draw_graph(loss).source
    assert model[0](ag.tensor(np.ones((3, 2, 2)))).name is None  # an unnamed input stays unnamed


def test_unflatten_matches_torch_and_inverts_flatten(torch):
    x = ag.randn(2, 12, 3, rng=0)
    for dim, sizes in ((1, (3, 4)), (-2, (2, -1)), (-1, (3, 1))):
        out = nn.Unflatten(dim, sizes)(x)
        ref = torch.nn.Unflatten(dim, sizes)(torch.tensor(x.data))
        np.testing.assert_array_equal(out.data, ref.numpy())
    np.testing.assert_array_equal(nn.Flatten(1, 2)(nn.Unflatten(1, (3, 4))(x)).data, x.data)
    with pytest.raises(TypeError, match="tuple of ints"):
        nn.Unflatten(1, 12)
