"""Masked VJPs (relu, clamp, max pooling) send exactly 0 where the mask is off, even for inf/NaN cotangents."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.ops import max_pool

G = np.array([np.inf, np.nan, 1.0, -np.inf])


@pytest.mark.parametrize("op", [ag.relu, lambda t: t.clip(-0.5, 0.5)])
def test_inf_and_nan_cotangents_stay_out_of_masked_entries(op):
    x = Tensor(np.array([-1.0, -2.0, 0.25, 0.3]), requires_grad=True)
    op(x).backward(G)
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0, -np.inf])


def test_relu_with_finite_cotangent_is_the_masked_cotangent(rng):
    x = Tensor(rng.standard_normal((5, 6)), requires_grad=True)
    g = rng.standard_normal((5, 6))
    ag.relu(x).backward(g)
    np.testing.assert_array_equal(x.grad.data, np.where(x.data > 0, g, 0))


@pytest.mark.parametrize("stride", [(1, 2), (1, 1)])
def test_max_pool_routes_an_infinite_cotangent_only_to_the_maximum(stride):
    x = Tensor(np.array([[[[1.0, 3.0, 2.0, 0.0]]]]), requires_grad=True)
    out = max_pool(x, (1, 2), stride)
    out.backward(np.full(out.shape, np.inf))
    np.testing.assert_array_equal(x.grad.data[0, 0, 0], [0, np.inf, np.inf, 0])
