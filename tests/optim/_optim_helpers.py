"""Plain helpers for the optim tests (a unique module name: tests/nn has its own helpers)."""
import numpy as np

import autograd_core as ag

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
