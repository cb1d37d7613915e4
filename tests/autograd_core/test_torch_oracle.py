"""Oracle tests against PyTorch: values, gradients, double backward, torch.func transforms.

Skipped cleanly when torch is not importable.
"""
import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4,))
P = RNG.uniform(0.5, 2.0, (3, 4))
M = RNG.standard_normal((4, 5))

# Each case: (name, function written once against a namespace `lib`, inputs).
CASES = [
    ("add_broadcast", lambda lib, x, y: x + y, [A, B]),
    ("sub_mul_div", lambda lib, x, y: (x - y) * x / (y * y + 1), [A, B]),
    ("pow", lambda lib, x, y: x ** y, [P, B]),
    ("pow_const", lambda lib, x: x ** 3 + x ** 0.5 * 0 + 2 ** x, [P]),
    ("exp_log", lambda lib, x: x.exp() + x.log(), [P]),
    ("tanh_sigmoid_relu", lambda lib, x: x.tanh() * x.sigmoid() + x.relu(), [A]),
    ("abs_neg", lambda lib, x: -x.abs(), [A]),
    ("max_min_reduce", lambda lib, x: lib.amax(x, 1) + lib.amin(x, 0).sum(), [A]),
    ("maximum", lambda lib, x, y: lib.maximum(x, y) + lib.minimum(x, y) * 2, [A, B]),
    ("matmul", lambda lib, x, y: x @ y, [A, M]),
    ("sum_mean_var", lambda lib, x: x.sum(1) + x.mean(0).sum() + lib.var(x, 1), [A]),
    ("logsumexp", lambda lib, x: lib.logsumexp(x, 1), [A]),
    ("softmax", lambda lib, x: lib.softmax(x, -1) * lib.log_softmax(x, 0), [A]),
    ("reshape_transpose", lambda lib, x: x.reshape(2, 6).T * 3, [A]),
    ("index", lambda lib, x: x[np.array([0, 2, 2])][:, 1:3] * 2, [A]),
    ("where_clip", lambda lib, x: lib.where(x > 0, x, x * x) + lib.clip(x, -0.5, 0.5), [A]),
    ("cat_stack", lambda lib, x: lib.cat([x, x * 2], 0).sum(0) + lib.stack([x, x], 0).sum((0, 1)), [A]),
]


class _Ours:
    amax = staticmethod(lambda x, a: x.max(axis=a))
    amin = staticmethod(lambda x, a: x.min(axis=a))
    maximum, minimum, where, clip = ag.maximum, ag.minimum, ag.where, ag.clip
    var = staticmethod(lambda x, a: x.var(axis=a, ddof=0))
    logsumexp = staticmethod(lambda x, a: x.logsumexp(axis=a))
    softmax = staticmethod(lambda x, a: x.softmax(axis=a))
    log_softmax = staticmethod(lambda x, a: x.log_softmax(axis=a))
    cat = staticmethod(lambda xs, a: ag.concatenate(xs, a))
    stack = staticmethod(lambda xs, a: ag.stack(xs, a))


class _Torch:
    amax = staticmethod(lambda x, a: torch.amax(x, a))
    amin = staticmethod(lambda x, a: torch.amin(x, a))
    maximum, minimum = torch.maximum, torch.minimum
    where = staticmethod(torch.where)
    clip = staticmethod(torch.clamp)
    var = staticmethod(lambda x, a: torch.var(x, a, unbiased=False))
    logsumexp = staticmethod(torch.logsumexp)
    softmax = staticmethod(torch.softmax)
    log_softmax = staticmethod(torch.log_softmax)
    cat = staticmethod(torch.cat)
    stack = staticmethod(torch.stack)


def _torch_inputs(arrays):
    return [torch.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, fn, arrays):
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = _torch_inputs(arrays)
    out, ref = fn(_Ours, *ours), fn(_Torch, *theirs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    u = RNG.standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_double_backward_matches_torch(name, fn, arrays):
    """Gradients taken with create_graph, then the gradient of their sum of squares: both as torch's.

    Where the gradient does not depend on the inputs (a linear op), both second derivatives must be zeros.
    """
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = _torch_inputs(arrays)
    out, ref = fn(_Ours, *ours), fn(_Torch, *theirs)
    u = RNG.standard_normal(out.shape)
    g_ours = ag.grad_of(out, ours, u, create_graph=True)
    g_theirs = torch.autograd.grad(ref, theirs, torch.tensor(u), create_graph=True, allow_unused=True)
    for g, t, a in zip(g_ours, g_theirs, arrays):
        expected = np.zeros_like(a) if t is None else t.detach().numpy()
        np.testing.assert_allclose(np.zeros_like(a) if g is None else g.data, expected, rtol=1e-9, atol=1e-12)
    second = sum((g * g).sum() for g in g_ours if g is not None)
    second_ref = sum((g * g).sum() for g in g_theirs if g is not None)
    np.testing.assert_allclose(float(second.data), second_ref.item(), rtol=1e-9)
    if second.requires_grad:
        second.backward()
    if second_ref.requires_grad:
        second_ref.backward()
    for o, t in zip(ours, theirs):
        expected = np.zeros_like(o.data) if t.grad is None else t.grad.numpy(force=True)  # force: a ZeroTensor
        got = np.zeros_like(o.data) if o.grad is None else o.grad.data
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_at_the_edges_matches_torch(dtype):
    """±inf, ±1000 (e^-x overflows), values near 0 and NaN: torch's values, without a warning."""
    x = np.array([-np.inf, -1000, -88.8, -20, -1e-8, 0, 1e-8, 20, 88.8, 1000, np.inf, np.nan], dtype=dtype)
    ours = Tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ours.sigmoid()
        out.backward(np.ones_like(x))
    theirs = torch.tensor(x, requires_grad=True)
    ref = torch.sigmoid(theirs)
    ref.backward(torch.ones_like(theirs))
    assert out.dtype == dtype
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-15, atol=0)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **tol)
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), **tol)
    np.testing.assert_array_equal(out.data[[0, 1, -2]], [0, 0, 1])


def test_func_transforms_match_torch():
    from torch.func import hessian, jacfwd, jacrev, jvp
    x = RNG.standard_normal((3,))
    v = RNG.standard_normal((3,))
    tx, tv = torch.tensor(x), torch.tensor(v)

    def g(t):
        return (t.tanh() * t).sum() + (t ** 2).sum() * t[0]

    def vec(t):
        return t.tanh() * t[0] + t ** 3

    out, tan = ag.jvp(g, (x,), (v,))
    ref_out, ref_tan = jvp(g, (tx,), (tv,))
    np.testing.assert_allclose(out, ref_out.numpy(), rtol=1e-12)
    np.testing.assert_allclose(tan, ref_tan.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ag.jacfwd(vec)(x), jacfwd(vec)(tx).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ag.jacrev(vec)(x), jacrev(vec)(tx).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ag.hessian(g)(x), hessian(g)(tx).numpy(), rtol=1e-10)


def test_float32_training_step_matches_torch():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 5)).astype(np.float32)
    w = (rng.standard_normal((5, 3)) * 0.3).astype(np.float32)
    tw = torch.tensor(w, requires_grad=True)
    ow = Tensor(w, requires_grad=True)
    loss = (Tensor(x) @ ow).sigmoid().log_softmax(axis=1).mean()
    ref = torch.log_softmax(torch.sigmoid(torch.tensor(x) @ tw), 1).mean()
    loss.backward()
    ref.backward()
    assert ow.grad.dtype == np.float32
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-5)
    np.testing.assert_allclose(ow.grad.data, tw.grad.numpy(), rtol=1e-4, atol=1e-6)
