"""RAdam: 20 steps beside torch.optim.RAdam (both sides of the ρ_t > 5 switch), and PyTorch's errors."""
import itertools

import pytest

from _optim_helpers import assert_same_error, assert_trajectories_match, replay

COMBOS = [dict(lr=0.05, betas=b, weight_decay=w, decoupled_weight_decay=d, maximize=x)
          for b, w, d, x in itertools.product(((0.9, 0.999), (0.5, 0.6)), (0.0, 0.1), (False, True), (False, True))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("RAdam", options))


@pytest.mark.torch
@pytest.mark.parametrize("options", [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
                                     dict(weight_decay=-1.0)], ids=str)
def test_same_errors_as_torch(options):
    assert_same_error("RAdam", **options)
