"""RMSprop: two steps by hand, 20 steps beside torch.optim.RMSprop for every option combination, errors."""
import itertools

import numpy as np
import pytest

import optim
from _optim_helpers import assert_same_error, assert_trajectories_match, params, replay, run

P0, G1, G2 = np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.array([0.25, 2.0])


def two_steps(**options):
    (p,) = params(P0)
    run(optim.RMSprop([p], **options), [p], [[G1], [G2]])
    return p.data


def by_hand(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    """Hinton's rule with PyTorch's variants: eps outside the root, momentum on g / denominator."""
    p, s, g_avg, buf = P0.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    for g in (G1, G2):
        g = g + weight_decay * p
        s = alpha * s + (1 - alpha) * g * g
        g_avg = alpha * g_avg + (1 - alpha) * g
        denom = np.sqrt(s - g_avg ** 2 if centered else s) + eps
        buf = momentum * buf + g / denom
        p = p - lr * (buf if momentum else g / denom)
    return p


# Float64 round-off only: the hand formulas group the same arithmetic differently.
@pytest.mark.parametrize("options", [
    dict(),
    dict(lr=0.1, alpha=0.5, eps=1e-3, weight_decay=0.25),
    dict(lr=0.1, momentum=0.5),
    dict(lr=0.1, alpha=0.9, centered=True),
    dict(lr=0.1, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.25),
])
def test_two_steps_by_hand(options):
    np.testing.assert_allclose(two_steps(**options), by_hand(**options), rtol=1e-14)


def test_state_holds_only_what_the_options_need():
    ps = params(P0, P0)
    plain, full = optim.RMSprop(ps[:1]), optim.RMSprop(ps[1:], momentum=0.5, centered=True)
    run(plain, ps[:1], [[G1]])
    run(full, ps[1:], [[G1]])
    assert set(plain.state[ps[0]]) == {"step", "square_avg"}
    assert set(full.state[ps[1]]) == {"step", "square_avg", "momentum_buffer", "grad_avg"}


COMBOS = [dict(centered=c, momentum=m, weight_decay=w, maximize=x)
          for c, m, w, x in itertools.product((False, True), (0.0, 0.9), (0.0, 0.1), (False, True))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("RMSprop", dict(lr=0.01, **options)))


@pytest.mark.torch
@pytest.mark.parametrize("alpha", [0.3, 0.9])  # below 0.5 PyTorch's lerp takes its other branch
def test_matches_torch_with_other_alpha_and_eps(alpha):
    assert_trajectories_match(*replay("RMSprop", dict(lr=0.01, alpha=alpha, eps=1e-4, centered=True, momentum=0.5)))


@pytest.mark.torch
def test_matches_torch_in_float32():
    assert_trajectories_match(*replay("RMSprop", dict(lr=0.01, centered=True, momentum=0.9), dtype=np.float32),
                              rtol=1e-5)


INVALID = [dict(lr=-0.1), dict(eps=-1.0), dict(momentum=-0.9), dict(weight_decay=-0.1), dict(alpha=-0.5)]


@pytest.mark.parametrize("options,message", list(zip(INVALID, [
    "Invalid learning rate: -0.1", "Invalid epsilon value: -1.0", "Invalid momentum value: -0.9",
    "Invalid weight_decay value: -0.1", "Invalid alpha value: -0.5"])))
def test_invalid_hyperparameters(options, message):
    with pytest.raises(ValueError, match=message):
        optim.RMSprop(params(P0), **options)


@pytest.mark.torch
@pytest.mark.parametrize("options", INVALID, ids=str)
def test_error_messages_are_torchs(options):
    assert_same_error("RMSprop", **options)
