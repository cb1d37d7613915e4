"""nn.utils: gradient clipping by joint norm and by value, against torch.nn.utils."""
import numpy as np
import pytest

import autograd_core as ag
import nn

SHAPES = [(3, 4), (4,), (2, 2, 2)]


def _grads(scale, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(s) * scale).astype(np.float32) for s in SHAPES]


def _ours(grads):
    params = [nn.Parameter(np.zeros(g.shape, np.float32)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = ag.tensor(g.copy())
    return params


def _theirs(torch, grads):
    params = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g.copy())
    return params


@pytest.mark.torch
@pytest.mark.parametrize("scale,max_norm,norm_type", [(10.0, 1.0, 2), (0.01, 1.0, 2), (3.0, 0.5, float("inf")),
                                                      (3.0, 2.0, 1), (5.0, 1e-3, 3.0)])
def test_clip_grad_norm_matches_torch(scale, max_norm, norm_type):
    torch = pytest.importorskip("torch")
    grads = _grads(scale)
    ours, theirs = _ours(grads), _theirs(torch, grads)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expect = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, ag.Tensor) and total.shape == () and total.dtype == np.float32
    np.testing.assert_allclose(total.item(), expect.item(), rtol=1e-6)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-6, atol=1e-9)
    clipped = np.concatenate([p.grad.data.ravel() for p in ours])
    assert np.linalg.norm(clipped, ord=norm_type) <= max_norm * (1 + 1e-5) or scale < 1


def test_clip_grad_norm_leaves_small_gradients_and_skips_missing_ones():
    grads = _grads(1e-3)
    params = _ours(grads) + [nn.Parameter(np.zeros(3, np.float32))]
    total = nn.utils.clip_grad_norm_(iter(params), max_norm=1.0)
    np.testing.assert_allclose(total.item(), np.linalg.norm(np.concatenate([g.ravel() for g in grads])), rtol=1e-5)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.data, g, rtol=1e-6)
    assert params[-1].grad is None
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0


def test_clip_grad_norm_refuses_a_non_finite_norm_only_when_asked():
    params = _ours([np.array([np.inf, 1.0], np.float32)])
    with pytest.raises(RuntimeError, match="total norm"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert np.isinf(nn.utils.clip_grad_norm_(params, 1.0).item())


@pytest.mark.torch
def test_clip_grad_value_matches_torch():
    torch = pytest.importorskip("torch")
    grads = _grads(2.0, seed=1)
    ours, theirs = _ours(grads), _theirs(torch, grads)
    assert nn.utils.clip_grad_value_(ours, 0.7) is None
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.data, q.grad.numpy())
        assert p.grad.dtype == np.float32 and np.abs(p.grad.data).max() == np.float32(0.7)


def test_clipping_a_single_tensor():
    (p,) = _ours([np.array([3.0, 4.0], np.float32)])
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == 5.0
    np.testing.assert_allclose(p.grad.data, [0.6, 0.8], rtol=1e-5)


@pytest.mark.parametrize("clip", [lambda p: nn.utils.clip_grad_norm_([p], 1.0),
                                  lambda p: nn.utils.clip_grad_norm_(p, 1.0, norm_type="inf"),
                                  lambda p: nn.utils.clip_grad_value_([p], 0.5)],
                         ids=["norm", "inf-norm", "value"])
def test_clipping_a_0d_parameter_keeps_its_gradient_an_array(clip):
    p = ag.tensor(np.array(3.0), requires_grad=True)
    (p * p).backward()
    clip(p)
    assert isinstance(p.grad.data, np.ndarray) and p.grad.shape == () and p.grad.dtype == np.float64
    assert 0 < float(p.grad.data) <= 1.0
    p.grad.zero_()
    assert float(p.grad.data) == 0.0
