"""Adagrad: two steps by hand, 20 steps beside torch.optim.Adagrad for every option combination, errors."""
import itertools

import numpy as np
import pytest

import optim
from _optim_helpers import assert_same_error, assert_trajectories_match, params, replay, run

P0, G1, G2 = np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.array([0.25, 2.0])


def two_steps(**options):
    (p,) = params(P0)
    run(optim.Adagrad([p], **options), [p], [[G1], [G2]])
    return p.data


def by_hand(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    """Duchi et al.'s diagonal rule, with PyTorch's lr decay lr / (1 + (t-1)·lr_decay)."""
    p, s = P0.copy(), np.full(2, initial_accumulator_value)
    for t, g in enumerate((G1, G2), start=1):
        g = g + weight_decay * p
        s = s + g * g
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
    return p


# Float64 round-off only: the hand formulas group the same arithmetic differently.
@pytest.mark.parametrize("options", [
    dict(),
    dict(lr=0.5, lr_decay=0.25),
    dict(lr=0.5, initial_accumulator_value=0.75, weight_decay=0.25, eps=1e-3),
])
def test_two_steps_by_hand(options):
    np.testing.assert_allclose(two_steps(**options), by_hand(**options), rtol=1e-14)


def test_state_exists_before_the_first_step_as_in_torch():
    (p,) = params(P0)
    late = params(P0)[0]
    opt = optim.Adagrad([p], initial_accumulator_value=0.5)
    opt.add_param_group({"params": [late], "initial_accumulator_value": 0.25})
    state = opt.state_dict()["state"]
    assert [s["step"] for s in state.values()] == [0, 0]
    np.testing.assert_array_equal(state[0]["sum"], [0.5, 0.5])
    np.testing.assert_array_equal(state[1]["sum"], [0.25, 0.25])


COMBOS = [dict(lr_decay=d, initial_accumulator_value=a, weight_decay=w, maximize=x)
          for d, a, w, x in itertools.product((0.0, 0.01), (0.0, 0.1), (0.0, 0.05), (False, True))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("Adagrad", dict(lr=0.1, **options)))


@pytest.mark.torch
def test_matches_torch_in_float32_with_large_eps():
    assert_trajectories_match(*replay("Adagrad", dict(lr=0.1, lr_decay=0.01, eps=1e-3), dtype=np.float32),
                              rtol=1e-5)


INVALID = [dict(lr=-0.1), dict(lr_decay=-0.1), dict(weight_decay=-0.1), dict(initial_accumulator_value=-0.1),
           dict(eps=-1e-10)]


@pytest.mark.parametrize("options,message", list(zip(INVALID, [
    "Invalid learning rate: -0.1", "Invalid lr_decay value: -0.1", "Invalid weight_decay value: -0.1",
    "Invalid initial_accumulator_value value: -0.1", "Invalid epsilon value: -1e-10"])))
def test_invalid_hyperparameters(options, message):
    with pytest.raises(ValueError, match=message):
        optim.Adagrad(params(P0), **options)


@pytest.mark.torch
@pytest.mark.parametrize("options", INVALID, ids=str)
def test_error_messages_are_torchs(options):
    assert_same_error("Adagrad", **options)
