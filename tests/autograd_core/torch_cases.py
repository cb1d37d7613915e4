"""Harness of the table-driven oracle tests (test_reductions_oracle, test_sorting_oracle, test_indexing_oracle).

A case is one function written against a namespace (`autograd_core` or `torch`, same names and arguments)
and its inputs; float inputs require grad, integer and boolean ones are passed as plain tensors. The
outputs (a tensor or a tuple such as (values, indices)) are compared with torch's: values, integer outputs
exactly, the gradient for a random cotangent, and optionally the gradient of that gradient.
"""
import numpy as np

import autograd_core as ag
from autograd_core import Tensor, gradcheck


def _is_float(a):
    return np.issubdtype(np.asarray(a).dtype, np.floating)


def _outputs(out):
    return list(out) if isinstance(out, tuple) else [out]


def _ours(arrays):
    return [Tensor(np.array(a), requires_grad=_is_float(a)) for a in arrays]


def _theirs(torch, arrays):
    return [torch.tensor(np.array(a), requires_grad=_is_float(a)) for a in arrays]


def _cotangents(ours, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(o.shape).astype(o.dtype) if _is_float(o.data) else None for o in ours]


def check_against_torch(torch, fn, arrays, rtol=1e-10, atol=1e-12, second=False):
    """fn(ag, ...) and fn(torch, ...) give the same outputs and input gradients (and second derivatives)."""
    ours, theirs = _ours(arrays), _theirs(torch, arrays)
    out, ref = _outputs(fn(ag, *ours)), _outputs(fn(torch, *theirs))
    assert len(out) == len(ref)
    for o, r in zip(out, ref):
        r = r.detach().numpy()
        assert o.shape == r.shape, (o.shape, r.shape)
        assert o.dtype == r.dtype, (o.dtype, r.dtype)
        np.testing.assert_allclose(o.data, r, rtol=rtol, atol=atol, equal_nan=True)
    us = _cotangents(out)
    pairs = [(o, r, u) for o, r, u in zip(out, ref, us) if u is not None and r.requires_grad]
    wanted = [i for i, a in enumerate(arrays) if _is_float(a)]
    if not pairs or not wanted:
        return
    loss = sum((o * u).sum() for o, _, u in pairs)
    ref_loss = sum((r * torch.tensor(u)).sum() for _, r, u in pairs)
    grads = ag.grad_of(loss, [ours[i] for i in wanted], create_graph=second)
    ref_grads = torch.autograd.grad(ref_loss, [theirs[i] for i in wanted], create_graph=second, allow_unused=True)
    for g, r in zip(grads, ref_grads):
        expected = np.zeros(g.shape) if r is None else r.detach().numpy()
        np.testing.assert_allclose(getattr(g, "data", g), expected, rtol=rtol, atol=atol, equal_nan=True)
    if second:
        gg = ag.grad_of(sum((g * g).sum() for g in grads), [ours[i] for i in wanted]) if any(
            getattr(g, "requires_grad", False) for g in grads) else [np.zeros(g.shape) for g in grads]
        live = [r for r in ref_grads if r is not None and r.requires_grad]
        ref_gg = torch.autograd.grad(sum((r * r).sum() for r in live), [theirs[i] for i in wanted],
                                     allow_unused=True) if live else [None] * len(wanted)
        for g, r in zip(gg, ref_gg):
            expected = np.zeros(g.shape) if r is None else r.numpy()
            np.testing.assert_allclose(g, expected, rtol=1e-8, atol=1e-10, equal_nan=True)


def check_derivatives(fn, arrays):
    """Reverse and forward mode (one direction and batched) of fn's first float output vs finite differences."""
    def first_float(*xs):
        return next(o for o in _outputs(fn(ag, *xs)) if _is_float(o.data))
    assert gradcheck(first_float, [np.array(a) for a in arrays])
