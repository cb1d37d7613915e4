"""Adam: two steps by hand, 20 steps beside torch.optim.Adam for every option combination, errors."""
import itertools

import numpy as np
import pytest

import optim
from _optim_helpers import assert_same_error, assert_trajectories_match, params, replay, run

P0, G1, G2 = np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.array([0.25, 2.0])


def two_steps(name="Adam", grads=(G1, G2), **options):
    (p,) = params(P0)
    run(getattr(optim, name)([p], **options), [p], [[g] for g in grads])
    return p.data


def by_hand(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    """Algorithm 1 of Kingma & Ba: p -= lr · m̂ / (sqrt(v̂) + eps), with weight decay as L2 or decoupled (AdamW)."""
    (beta1, beta2), p, m, v, v_max = betas, P0.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    for t, g in enumerate((G1, G2), start=1):
        if decoupled:
            p = p - lr * weight_decay * p
        else:
            g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = np.maximum(v_max, v)
        m_hat, v_hat = m / (1 - beta1 ** t), (v_max if amsgrad else v) / (1 - beta2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


# Float64 round-off only: the hand formulas group the same arithmetic differently.
@pytest.mark.parametrize("options", [
    dict(),
    dict(lr=0.1, betas=(0.8, 0.99), eps=1e-3),
    dict(lr=0.1, weight_decay=0.5),
    dict(lr=0.1, betas=(0.5, 0.5), amsgrad=True),  # v shrinks on the second step, so the max matters
])
def test_two_steps_by_hand(options):
    np.testing.assert_allclose(two_steps(**options), by_hand(**options), rtol=1e-14)


def test_amsgrad_changes_the_step_when_v_shrinks():
    assert not np.allclose(two_steps(lr=0.1, betas=(0.5, 0.5), amsgrad=True), two_steps(lr=0.1, betas=(0.5, 0.5)))


def test_decoupled_weight_decay_is_adamw():
    np.testing.assert_allclose(two_steps(lr=0.1, weight_decay=0.5, decoupled_weight_decay=True),
                               by_hand(lr=0.1, weight_decay=0.5, decoupled=True), rtol=1e-14)
    np.testing.assert_array_equal(two_steps(lr=0.1, weight_decay=0.5, decoupled_weight_decay=True),
                                  two_steps("AdamW", lr=0.1, weight_decay=0.5))


def test_maximize_descends_the_negated_gradient():
    np.testing.assert_array_equal(two_steps(lr=0.1, weight_decay=0.5, maximize=True),
                                  two_steps(lr=0.1, weight_decay=0.5, grads=(-G1, -G2)))


def test_state_in_parameter_dtype():
    (p,) = params(P0)
    p.data = p.data.astype(np.float32)
    opt = optim.Adam([p], amsgrad=True, weight_decay=0.1)
    run(opt, [p], [[G1]])
    assert p.data.dtype == np.float32
    assert {k: v.dtype for k, v in opt.state[p].items() if k != "step"} == dict.fromkeys(
        ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), np.float32)
    assert opt.state[p]["step"] == 1


COMBOS = [dict(weight_decay=w, amsgrad=a, maximize=x, decoupled_weight_decay=d)
          for w, a, x, d in itertools.product((0.0, 0.1), (False, True), (False, True), (False, True))]


@pytest.mark.torch
@pytest.mark.parametrize("options", COMBOS, ids=str)
def test_matches_torch_for_20_steps(options):
    assert_trajectories_match(*replay("Adam", dict(lr=0.01, **options)))


@pytest.mark.torch
def test_matches_torch_with_other_betas_and_eps():
    assert_trajectories_match(*replay("Adam", dict(lr=0.05, betas=(0.5, 0.9), eps=1e-3, amsgrad=True)))


@pytest.mark.torch
def test_matches_torch_in_float32():
    assert_trajectories_match(*replay("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True), dtype=np.float32),
                              rtol=1e-5)


INVALID = [dict(lr=-1e-3), dict(eps=-1e-8), dict(betas=(1.0, 0.999)), dict(betas=(-0.1, 0.999)),
           dict(betas=(0.9, 1.0)), dict(weight_decay=-0.1)]


@pytest.mark.parametrize("options,message", list(zip(INVALID, [
    "Invalid learning rate: -0.001", "Invalid epsilon value: -1e-08", "Invalid beta parameter at index 0: 1.0",
    "Invalid beta parameter at index 0: -0.1", "Invalid beta parameter at index 1: 1.0",
    "Invalid weight_decay value: -0.1"])))
def test_invalid_hyperparameters(options, message):
    with pytest.raises(ValueError, match=message):
        optim.Adam(params(P0), **options)


@pytest.mark.torch
@pytest.mark.parametrize("options", INVALID, ids=str)
def test_error_messages_are_torchs(options):
    assert_same_error("Adam", **options)
