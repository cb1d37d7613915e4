"""AdamW: decoupled decay by hand, PyTorch's default weight_decay, 20 steps beside torch.optim.AdamW."""
import itertools

import numpy as np
import pytest

import optim
from _optim_helpers import assert_same_error, assert_trajectories_match, params, replay, run

P0, G1, G2 = np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.array([0.25, 2.0])


def two_steps(**options):
    (p,) = params(P0)
    run(optim.AdamW([p], **options), [p], [[G1], [G2]])
    return p.data


def by_hand(lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    """Loshchilov & Hutter: shrink p by lr·λ, then the plain Adam step on the raw gradient."""
    p, m, v = P0.copy(), np.zeros(2), np.zeros(2)
    for t, g in enumerate((G1, G2), start=1):
        p = p - lr * weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return p


def test_two_steps_by_hand():
    np.testing.assert_allclose(two_steps(lr=0.1, weight_decay=0.5), by_hand(0.1, 0.5), rtol=1e-14)


def test_default_weight_decay_is_torchs():
    assert optim.AdamW(params(P0)).defaults["weight_decay"] == 1e-2
    np.testing.assert_allclose(two_steps(lr=0.1), by_hand(0.1, 1e-2), rtol=1e-14)


def test_decay_does_not_enter_the_moments():
    ps = params(P0, P0)
    adamw, adam = optim.AdamW(ps[:1], weight_decay=0.5), optim.Adam(ps[1:])
    run(adamw, ps[:1], [[G1], [G2]])
    run(adam, ps[1:], [[G1], [G2]])
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_array_equal(adamw.state[ps[0]][key], adam.state[ps[1]][key])


def test_stays_decoupled_after_loading_an_adam_state():
    (p,) = params(P0)
    opt = optim.AdamW([p])
    opt.load_state_dict(optim.Adam(params(P0)).state_dict())
    assert opt.param_groups[0]["decoupled_weight_decay"] is True


COMBOS = [dict(weight_decay=w, amsgrad=a, maximize=x)
          for w, a, x in itertools.product((0.0, 1e-2, 0.3), (False, True), (False, True))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("AdamW", dict(lr=0.01, **options)))


@pytest.mark.torch
def test_matches_torch_with_defaults_in_float32():
    assert_trajectories_match(*replay("AdamW", {}, dtype=np.float32), rtol=1e-5)


@pytest.mark.torch
@pytest.mark.parametrize("options", [dict(lr=-1.0), dict(betas=(0.9, 1.5)), dict(weight_decay=-0.1)], ids=str)
def test_error_messages_are_torchs(options):
    assert_same_error("AdamW", **options)
