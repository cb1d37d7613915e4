"""Updates written out by hand for two steps, resumption from state_dict, errors, end to end."""
import math

import numpy as np
import pytest

import autograd_core as ag
import optim

G1, G2 = np.array([0.5, -1.0]), np.array([0.25, 2.0])
P0 = np.array([1.0, 2.0])


def two_steps(opt_factory):
    p = ag.tensor(P0.copy(), requires_grad=True)
    opt = opt_factory([p])
    for g in (G1, G2):
        p.grad = ag.tensor(g)
        opt.step()
    return p.data


def test_sgd_momentum_by_hand():
    lr, mu = 0.1, 0.9
    v1 = G1
    p1 = P0 - lr * v1
    v2 = mu * v1 + G2
    np.testing.assert_allclose(two_steps(lambda ps: optim.SGD(ps, lr=lr, momentum=mu)), p1 - lr * v2)


def test_sgd_nesterov_weight_decay_by_hand():
    lr, mu, wd = 0.1, 0.9, 0.01
    d1 = G1 + wd * P0
    v1 = d1
    p1 = P0 - lr * (d1 + mu * v1)
    d2 = G2 + wd * p1
    v2 = mu * v1 + d2
    np.testing.assert_allclose(two_steps(lambda ps: optim.SGD(ps, lr=lr, momentum=mu, nesterov=True, weight_decay=wd)),
                               p1 - lr * (d2 + mu * v2))


def test_adam_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p, m, v = P0.copy(), np.zeros(2), np.zeros(2)
    for t, g in enumerate((G1, G2), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr / (1 - b1 ** t) * m / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
    np.testing.assert_allclose(two_steps(lambda ps: optim.Adam(ps, lr=lr)), p)


def test_adamw_decouples_decay():
    lr, wd = 0.01, 0.1
    p, m, v = P0.copy(), np.zeros(2), np.zeros(2)
    for t, g in enumerate((G1, G2), start=1):
        p = p * (1 - lr * wd)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - lr / (1 - 0.9 ** t) * m / (np.sqrt(v) / math.sqrt(1 - 0.999 ** t) + 1e-8)
    np.testing.assert_allclose(two_steps(lambda ps: optim.AdamW(ps, lr=lr, weight_decay=wd)), p)


def test_rmsprop_and_adagrad_by_hand():
    p, s = P0.copy(), np.zeros(2)
    for g in (G1, G2):
        s = 0.99 * s + 0.01 * g * g
        p = p - 0.01 * g / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(two_steps(lambda ps: optim.RMSprop(ps)), p)
    p, s = P0.copy(), np.zeros(2)
    for t, g in enumerate((G1, G2), start=1):
        s = s + g * g
        p = p - 0.01 / (1 + (t - 1) * 0.1) * g / (np.sqrt(s) + 1e-10)
    np.testing.assert_allclose(two_steps(lambda ps: optim.Adagrad(ps, lr_decay=0.1)), p)


@pytest.mark.parametrize("factory", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5),
    lambda ps: optim.Adagrad(ps),
])
def test_resuming_from_state_dict_gives_the_same_trajectory(factory):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(3) for _ in range(10)]
    a = ag.tensor(np.ones(3), requires_grad=True)
    opt_a = factory([a])
    sched_a = optim.lr_scheduler.StepLR(opt_a, step_size=3, gamma=0.5)
    b = ag.tensor(np.ones(3), requires_grad=True)
    opt_b = factory([b])
    for i, g in enumerate(grads):
        a.grad = ag.tensor(g)
        opt_a.step()
        sched_a.step()
        if i == 4:
            saved, saved_sched, saved_p = opt_a.state_dict(), sched_a.state_dict(), a.data.copy()
    b.data[:] = saved_p
    opt_b.load_state_dict(saved)
    sched_b = optim.lr_scheduler.StepLR(opt_b, step_size=3, gamma=0.5)
    sched_b.load_state_dict(saved_sched)
    for g in grads[5:]:
        b.grad = ag.tensor(g)
        opt_b.step()
        sched_b.step()
    np.testing.assert_array_equal(a.data, b.data)


def test_param_groups_take_their_own_options():
    a, b = ag.tensor(np.ones(2), requires_grad=True), ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad = b.grad = ag.tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(a.data, 0.9)
    np.testing.assert_allclose(b.data, 0.0)
    opt.zero_grad()
    assert a.grad is None and b.grad is None


@pytest.mark.parametrize("make,message", [
    (lambda p: optim.SGD(p, lr=-0.1), "learning rate"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-1), "momentum"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "beta"),
    (lambda p: optim.Adam(p, eps=-1), "eps"),
    (lambda p: optim.SGD([], lr=0.1), "empty"),
    (lambda p: optim.SGD(p + p, lr=0.1), "more than once"),
    (lambda p: optim.SGD([{"params": p}, {"params": p}], lr=0.1), "more than one group"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "alpha"),
])
def test_invalid_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make([ag.tensor(np.ones(2), requires_grad=True)])


def test_minimizes_a_quadratic_built_from_engine_ops():
    target = np.array([1.0, -2.0, 3.0])
    w = ag.tensor(np.zeros(3), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    for _ in range(300):
        opt.zero_grad()
        loss = ((w - target) ** 2).sum()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(w.data, target, atol=1e-3)


def test_float32_parameters_stay_float32():
    w = ag.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = optim.Adam([w], lr=0.1, weight_decay=0.1)
    w.grad = ag.tensor(np.ones(3, dtype=np.float32))
    opt.step()
    assert w.data.dtype == np.float32 and opt.state[id(w)]["exp_avg"].dtype == np.float32
