"""NAdam: 20 steps beside torch.optim.NAdam for each option combination, and PyTorch's errors."""
import itertools

import numpy as np
import pytest

from _optim_helpers import assert_same_error, assert_trajectories_match, replay

COMBOS = [dict(lr=0.05, weight_decay=w, decoupled_weight_decay=d, maximize=x, momentum_decay=m)
          for w, d, x, m in itertools.product((0.0, 0.1), (False, True), (False, True), (4e-3, 0.5))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("NAdam", options))


@pytest.mark.torch
def test_matches_torch_in_float32():
    ours, theirs = replay("NAdam", dict(lr=0.05, betas=(0.8, 0.99)), dtype=np.float32)
    assert_trajectories_match(ours, theirs, rtol=1e-6)


@pytest.mark.torch
@pytest.mark.parametrize("options", [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, -0.1)),
                                     dict(weight_decay=-1.0), dict(momentum_decay=-1.0)], ids=str)
def test_same_errors_as_torch(options):
    assert_same_error("NAdam", **options)
