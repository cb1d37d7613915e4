"""Zero-sized layers initialise as PyTorch does: a warning and the tensor left as it is, no ZeroDivisionError."""
import numpy as np
import pytest

import autograd_core as ag
import nn
from nn import init


@pytest.mark.parametrize("fill", [init.kaiming_uniform_, init.kaiming_normal_])
def test_kaiming_on_a_zero_element_tensor_warns_and_returns_it(fill):
    weight = nn.Parameter(np.zeros((3, 0), dtype=np.float32))
    with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
        assert fill(weight) is weight
    assert weight.shape == (3, 0)


def test_linear_with_no_inputs_matches_torch(torch):
    with pytest.warns(UserWarning, match="no-op"):
        ours = nn.Linear(0, 3)
    with pytest.warns(UserWarning, match="no-op"):
        theirs = torch.nn.Linear(0, 3)
    assert ours.weight.shape == tuple(theirs.weight.shape) == (3, 0)
    np.testing.assert_array_equal(ours.bias.data, theirs.bias.detach().numpy())
    np.testing.assert_array_equal(ours(ag.zeros(2, 0)).data, np.zeros((2, 3)))
