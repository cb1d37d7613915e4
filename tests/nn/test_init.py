"""nn.init: fan computations and distributions match PyTorch's formulas."""
import math

import numpy as np
import pytest

import nn
from nn import init


def _param(*shape):
    return nn.Parameter(np.zeros(shape, dtype=np.float64))


def test_fans_of_linear_and_conv_weights():
    assert init._calculate_fan_in_and_fan_out(_param(30, 20)) == (20, 30)
    assert init._calculate_fan_in_and_fan_out(_param(16, 8, 3, 3)) == (72, 144)
    with pytest.raises(ValueError, match="at least 2"):
        init._calculate_fan_in_and_fan_out(_param(5))


def test_gains():
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))


@pytest.mark.parametrize("fn,expected_std", [
    (lambda t: init.xavier_uniform_(t, rng=0), math.sqrt(2 / (400 + 300))),
    (lambda t: init.xavier_normal_(t, rng=0), math.sqrt(2 / (400 + 300))),
    (lambda t: init.kaiming_uniform_(t, nonlinearity="relu", rng=0), math.sqrt(2 / 400)),
    (lambda t: init.kaiming_normal_(t, nonlinearity="relu", rng=0), math.sqrt(2 / 400)),
    (lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", rng=0), math.sqrt(2 / 300)),
])
def test_distributions_have_the_right_spread(fn, expected_std):
    t = fn(_param(300, 400))
    assert abs(t.data.mean()) < 0.01 * expected_std * 10
    assert t.data.std() == pytest.approx(expected_std, rel=0.02)


def test_uniform_bounds_and_reproducibility():
    a = init.xavier_uniform_(_param(10, 10), rng=3)
    b = init.xavier_uniform_(_param(10, 10), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.data, b.data)
    assert np.abs(a.data).max() <= math.sqrt(6 / 20)


def test_manual_seed_makes_layers_reproducible():
    init.manual_seed(5)
    w1 = nn.Linear(3, 4).weight.data.copy()
    init.manual_seed(5)
    np.testing.assert_array_equal(nn.Linear(3, 4).weight.data, w1)


def test_constant_zeros_ones():
    t = _param(2, 2)
    assert init.ones_(t).data.sum() == 4 and init.zeros_(t).data.sum() == 0
    assert init.constant_(t, 2.5).data.mean() == 2.5
