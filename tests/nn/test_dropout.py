"""Dropout: identity in eval, inverted scaling and the right rate in training."""
import numpy as np
import pytest

import autograd_core as ag
import nn


def test_eval_is_identity_train_scales_survivors():
    d = nn.Dropout(0.25, rng=0)
    x = ag.ones(400, 500)
    out = d(x).data
    kept = out != 0
    assert kept.mean() == pytest.approx(0.75, abs=0.01)
    np.testing.assert_allclose(out[kept], 1 / 0.75)
    d.eval()
    assert d(x) is x


def test_gradient_flows_only_through_kept_units():
    d = nn.Dropout(0.5, rng=1)
    x = ag.ones(10, 10, requires_grad=True)
    out = d(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)


def test_edge_probabilities():
    x = ag.ones(3, 3)
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout(1.5)
