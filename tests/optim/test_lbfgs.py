"""LBFGS: several steps with a closure beside torch.optim.LBFGS (fixed step and strong Wolfe), and its errors."""
import numpy as np
import pytest

import autograd_core as ag
import optim
from _optim_helpers import import_torch

A = np.random.default_rng(0).standard_normal((6, 3))
B = np.random.default_rng(1).standard_normal(6)


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def problem(lib, to_leaf):
    """A Rosenbrock valley plus a small least-squares term, over two parameters; returns (params, loss_fn)."""
    xy, w = to_leaf(np.array([-1.5, 2.0])), to_leaf(np.zeros(3))

    def loss_fn(a, b):
        r = a @ w - b
        return rosenbrock(xy[0], xy[1]) + (r * r).sum()
    return [xy, w], loss_fn


def trajectory(lib, to_leaf, constant, options, steps):
    ps, loss_fn = problem(lib, to_leaf)
    opt = lib.LBFGS(ps, **options)
    a, b = constant(A), constant(B)

    def closure():
        opt.zero_grad()
        loss = loss_fn(a, b)
        loss.backward()
        return loss
    losses = [opt.step(closure).item() for _ in range(steps)]
    return losses, [p.data if isinstance(p, ag.Tensor) else p.detach().numpy() for p in ps], opt


OPTIONS = [dict(), dict(lr=0.5, max_iter=5), dict(line_search_fn="strong_wolfe"),
           dict(line_search_fn="strong_wolfe", history_size=2, max_iter=7), dict(lr=0.1, max_iter=3, history_size=1),
           dict(line_search_fn="strong_wolfe", max_eval=4)]


@pytest.mark.torch
@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_matches_torch_step_for_step(options):
    torch = import_torch()
    ours, ours_p, opt = trajectory(optim, lambda a: ag.Tensor(a.copy(), requires_grad=True), ag.Tensor, options, 4)
    theirs, theirs_p, ref = trajectory(torch.optim, lambda a: torch.tensor(a.copy(), requires_grad=True),
                                       torch.tensor, options, 4)
    # 1e-6, as asked: 80 fixed steps of lr=1 down the Rosenbrock valley grow round-off to ~1e-7
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    for p, q in zip(ours_p, theirs_p):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-9)
    state, ref_state = opt.state[opt._params[0]], ref.state[ref._params[0]]
    assert (state["func_evals"], state["n_iter"]) == (ref_state["func_evals"], ref_state["n_iter"])


def test_converges_on_rosenbrock_with_strong_wolfe():
    ps, loss_fn = problem(optim, lambda a: ag.Tensor(a.copy(), requires_grad=True))
    opt = optim.LBFGS(ps, line_search_fn="strong_wolfe", max_iter=100)

    def closure():
        opt.zero_grad()
        loss = loss_fn(ag.Tensor(A), ag.Tensor(B))
        loss.backward()
        return loss
    opt.step(closure)
    np.testing.assert_allclose(ps[0].data, [1.0, 1.0], atol=1e-5)
    np.testing.assert_allclose(ps[1].data, np.linalg.lstsq(A, B, rcond=None)[0], atol=1e-5)


def test_errors():
    p = ag.Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [p]}, {"params": [ag.Tensor(np.zeros(1), requires_grad=True)]}])
    opt = optim.LBFGS([p], line_search_fn="wolfe")

    def closure():
        opt.zero_grad()
        loss = ((p - 1.0) ** 2).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_resuming_from_a_state_dict_continues_the_same_trajectory():
    def build():
        ps, loss_fn = problem(optim, lambda a: ag.Tensor(a.copy(), requires_grad=True))
        opt = optim.LBFGS(ps, line_search_fn="strong_wolfe", max_iter=3, history_size=4)

        def closure():
            opt.zero_grad()
            loss = loss_fn(ag.Tensor(A), ag.Tensor(B))
            loss.backward()
            return loss
        return ps, opt, closure
    ps, opt, closure = build()
    for _ in range(4):
        opt.step(closure)
    expected = [p.data.copy() for p in ps]
    ps, opt, closure = build()
    for _ in range(2):
        opt.step(closure)
    saved, values = opt.state_dict(), [p.data.copy() for p in ps]
    ps, opt, closure = build()
    for p, v in zip(ps, values):
        p.data[...] = v
    opt.load_state_dict(saved)
    for _ in range(2):
        opt.step(closure)
    for p, e in zip(ps, expected):
        np.testing.assert_array_equal(p.data, e)
