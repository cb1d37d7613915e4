"""Adamax: 20 steps beside torch.optim.Adamax, and PyTorch's errors."""
import itertools

import pytest

from _optim_helpers import assert_same_error, assert_trajectories_match, replay

COMBOS = [dict(lr=0.05, betas=b, weight_decay=w, maximize=x, eps=e)
          for b, w, x, e in itertools.product(((0.9, 0.999), (0.5, 0.6)), (0.0, 0.1), (False, True), (1e-8, 0.3))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("Adamax", options))


@pytest.mark.torch
@pytest.mark.parametrize("options", [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
                                     dict(weight_decay=-1.0)], ids=str)
def test_same_errors_as_torch(options):
    assert_same_error("Adamax", **options)
