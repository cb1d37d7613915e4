"""Run one of our layers and its torch twin on the same float64 input and compare everything."""
import numpy as np

import autograd_core as ag

from conftest import assert_grads_match, load_from_torch


def compare_with_torch(torch, ours, theirs, x, rtol=1e-6, atol=1e-8, seed=0, train=True):
    """Copy weights torch -> ours; compare outputs, input gradient and parameter gradients."""
    theirs = theirs.double()
    load_from_torch(ours, theirs)
    ours.train(train)
    theirs.train(train)
    xo = ag.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out, ref = ours(xo), theirs(xt)
    if isinstance(ref, tuple):
        out, ref = out[0], ref[0]
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=atol)
    u = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=rtol, atol=atol)
    assert_grads_match(ours, theirs, rtol, atol)
    return out
