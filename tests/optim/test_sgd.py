"""SGD: two steps by hand, 20 steps beside torch.optim.SGD for every option combination, errors."""
import itertools

import numpy as np
import pytest

import optim
from _optim_helpers import assert_same_error, assert_trajectories_match, params, replay, run

# Powers of two, so the hand-written updates are exact in binary and compare with ==.
P0, G1, G2 = [1.0, -2.0], [0.5, -1.0], [0.25, 2.0]
LR, MU, DAMP, WD = 0.5, 0.5, 0.25, 0.125


def two_steps(**options):
    (p,) = params(P0)
    run(optim.SGD([p], lr=LR, **options), [p], [[G1], [G2]])
    return p.data


def test_plain_by_hand():
    p0, g1, g2 = map(np.array, (P0, G1, G2))
    np.testing.assert_array_equal(two_steps(), p0 - LR * g1 - LR * g2)


def test_momentum_with_dampening_by_hand():
    p0, g1, g2 = map(np.array, (P0, G1, G2))
    b1 = g1  # the first step copies the gradient: no dampening
    p1 = p0 - LR * b1
    b2 = MU * b1 + (1 - DAMP) * g2
    np.testing.assert_array_equal(two_steps(momentum=MU, dampening=DAMP), p1 - LR * b2)


def test_nesterov_with_weight_decay_by_hand():
    p0, g1, g2 = map(np.array, (P0, G1, G2))
    d1 = g1 + WD * p0
    b1 = d1
    p1 = p0 - LR * (d1 + MU * b1)
    d2 = g2 + WD * p1
    b2 = MU * b1 + d2
    np.testing.assert_array_equal(two_steps(momentum=MU, nesterov=True, weight_decay=WD), p1 - LR * (d2 + MU * b2))


def test_maximize_ascends_by_hand():
    p0, g1, g2 = map(np.array, (P0, G1, G2))
    np.testing.assert_array_equal(two_steps(maximize=True, weight_decay=WD),
                                  p0 + LR * (g1 - WD * p0) + LR * (g2 - WD * (p0 + LR * (g1 - WD * p0))))


def test_momentum_buffer_only_with_momentum():
    ps = params(P0, P0)
    plain, heavy = optim.SGD(ps[:1], lr=LR), optim.SGD(ps[1:], lr=LR, momentum=MU)
    run(plain, ps[:1], [[G1]])
    run(heavy, ps[1:], [[G1]])
    assert plain.state_dict()["state"] == {}
    np.testing.assert_array_equal(heavy.state[ps[1]]["momentum_buffer"], G1)


COMBOS = [dict(momentum=m, dampening=d, nesterov=n, weight_decay=w, maximize=x)
          for m, d, n, w, x in itertools.product((0.0, 0.9), (0.0, 0.3), (False, True), (0.0, 0.1), (False, True))
          if not (n and (m == 0 or d != 0))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("SGD", dict(lr=0.1, **options)))


@pytest.mark.torch
def test_matches_torch_in_float32():
    assert_trajectories_match(*replay("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
                                      dtype=np.float32), rtol=1e-5)


INVALID = [dict(lr=-0.1), dict(lr=0.1, momentum=-0.5), dict(lr=0.1, weight_decay=-1e-4),
           dict(lr=0.1, nesterov=True), dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)]


@pytest.mark.parametrize("options,message", list(zip(INVALID, [
    "Invalid learning rate: -0.1", "Invalid momentum value: -0.5", "Invalid weight_decay value: -0.0001",
    "Nesterov momentum requires a momentum and zero dampening", "Nesterov momentum requires"])))
def test_invalid_hyperparameters(options, message):
    with pytest.raises(ValueError, match=message):
        optim.SGD(params(P0), **options)


@pytest.mark.torch
@pytest.mark.parametrize("options", INVALID, ids=str)
def test_error_messages_are_torchs(options):
    assert_same_error("SGD", **options)


def test_lr_defaults_to_torchs():
    assert optim.SGD(params(P0)).defaults["lr"] == 1e-3
