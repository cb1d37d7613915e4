"""Helpers for the optim tests (no conftest.py here: tests/nn imports `conftest` by name; a second would shadow it)."""
import numpy as np
import pytest

import autograd_core as ag
import optim

SHAPES = [(3, 4), (4,), (2,)]


def params(*arrays):
    """Leaf float64 Tensors that require grad."""
    return [ag.Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]


def run(opt, ps, grads):
    """One `opt.step()` per entry of `grads` (a gradient per parameter; None skips it, as in PyTorch)."""
    for step_grads in grads:
        for p, g in zip(ps, step_grads):
            p.grad = None if g is None else ag.Tensor(np.array(g, dtype=p.data.dtype))
        opt.step()


def assert_trajectories_match(ours, theirs, rtol=1e-12):
    """Parameters equal to `rtol`: float64 replays agree to round-off, well inside the 1e-6 asked."""
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 1e-3)


def import_torch():
    """torch, or skip the test when it is not installed."""
    return pytest.importorskip("torch")


def replay(name, options, arrange=lambda ps: ps, dtype=np.float64, steps=20):
    """Run optim.<name> and torch.optim.<name> side by side; returns (ours, theirs) final parameter arrays.

    Both start from the same parameters and see the same pre-drawn gradients; the last
    parameter gets none on every third step, so skipping is compared too. `arrange` turns
    the parameter list into the optimizer's `params` argument (e.g. groups).
    """
    torch = import_torch()
    rng = np.random.default_rng(0)
    init = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    for k, step_grads in enumerate(grads):
        if k % 3 == 1:
            step_grads[-1] = None
    ours = [ag.Tensor(a.copy(), requires_grad=True) for a in init]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = getattr(optim, name)(arrange(ours), **options)
    ref = getattr(torch.optim, name)(arrange(theirs), **options)
    for step_grads in grads:
        for p, q, g in zip(ours, theirs, step_grads):
            p.grad = None if g is None else ag.Tensor(g)
            q.grad = None if g is None else torch.tensor(g)
        opt.step()
        ref.step()
    return [p.data for p in ours], [q.detach().numpy() for q in theirs]


def assert_same_error(name, **options):
    """optim.<name> and torch.optim.<name> reject `options` with the same ValueError message."""
    torch = import_torch()
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)(params([1.0, 2.0]), **options)
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **options)
    assert str(ours.value) == str(theirs.value)
