"""Fixtures for the optim tests: torch, a replay of 20 steps beside torch.optim, and error-message comparison."""
import numpy as np
import pytest

import autograd_core as ag
import optim
from _optim_helpers import SHAPES, params


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def replay(torch):
    """replay(name, options, arrange=..., dtype=..., steps=20) -> (ours, theirs) final parameter arrays.

    Both optimizers start from the same parameters and see the same pre-drawn gradients;
    the last parameter gets none on every third step, so skipping is compared too.
    `arrange` turns the parameter list into the optimizer's `params` argument (e.g. groups).
    """

    def replay(name, options, arrange=lambda ps: ps, dtype=np.float64, steps=20):
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

    return replay


@pytest.fixture
def same_error(torch):
    """same_error(name, *args, **kwargs): ours and torch.optim raise ValueError with the same message."""

    def same_error(name, *args, **kwargs):
        with pytest.raises(ValueError) as ours:
            getattr(optim, name)(params([1.0, 2.0]), *args, **kwargs)
        with pytest.raises(ValueError) as theirs:
            getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], *args, **kwargs)
        assert str(ours.value) == str(theirs.value)

    return same_error
