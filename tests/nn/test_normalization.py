"""BatchNorm1d/2d: batch statistics in training, running statistics in eval, as PyTorch."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch


@pytest.mark.parametrize("ours,theirs,shape", [
    (lambda: nn.BatchNorm1d(3), "BatchNorm1d(3)", (8, 3)),
    (lambda: nn.BatchNorm1d(3, momentum=0.3), "BatchNorm1d(3, momentum=0.3)", (5, 3, 4)),
    (lambda: nn.BatchNorm2d(3), "BatchNorm2d(3)", (4, 3, 5, 5)),
    (lambda: nn.BatchNorm2d(3, momentum=None), "BatchNorm2d(3, momentum=None)", (2, 3, 3, 4)),
    (lambda: nn.BatchNorm1d(3, affine=False), "BatchNorm1d(3, affine=False)", (6, 3)),
])
def test_train_and_eval_match_torch_over_several_steps(torch, ours, theirs, shape):
    ours, theirs = ours(), eval("torch.nn." + theirs).double()
    rng = np.random.default_rng(0)
    for p in theirs.parameters():
        p.data.uniform_(0.5, 1.5)
    for step in range(3):
        x = rng.standard_normal(shape) * 2 + 1
        compare_with_torch(torch, ours, theirs, x, seed=step, train=True)
        theirs.zero_grad()
        ours.zero_grad()
    np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-10)
    assert int(ours.num_batches_tracked.data) == 3
    compare_with_torch(torch, ours, theirs, rng.standard_normal(shape), train=False)


def test_gradcheck_training_mode():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((6, 3)), rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)
    assert ag.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [x, w, b])


def test_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\).*\(4, 2, 5, 5\)"):
        nn.BatchNorm2d(3)(ag.randn(4, 2, 5, 5, rng=0))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(ag.randn(1, 3, rng=0))


def test_without_running_stats_batch_statistics_are_used_in_eval_too(torch):
    ours, theirs = nn.BatchNorm2d(2, track_running_stats=False), torch.nn.BatchNorm2d(2, track_running_stats=False)
    assert list(ours.state_dict()) == ["weight", "bias"]
    x = np.random.default_rng(2).standard_normal((3, 2, 4, 4))
    compare_with_torch(torch, ours, theirs, x, train=True)
    ours.zero_grad()
    theirs.zero_grad()
    compare_with_torch(torch, ours, theirs, x, train=False)


def test_running_statistics_are_buffers_in_the_state_dict(torch):
    bn = nn.BatchNorm1d(4)
    assert sorted(bn.state_dict()) == ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"]
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    theirs = torch.nn.BatchNorm1d(4)
    theirs(torch.randn(8, 4) * 3 + 2)
    bn.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    theirs.eval()
    bn.eval()
    x = np.random.default_rng(3).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(bn(ag.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_gradcheck_eval_mode_and_three_dimensional_input():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 3, 4)), rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    assert ag.gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b, training=False), [x, w, b])
    assert ag.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [x, w, b])


def test_functional_batch_norm_takes_numpy_input_and_names_missing_running_statistics():
    x = np.random.default_rng(5).standard_normal((6, 3)).astype(np.float32)
    mean, var = np.zeros(3, np.float32), np.ones(3, np.float32)
    out = F.batch_norm(x, mean, var, training=True)
    assert isinstance(out, ag.Tensor)
    np.testing.assert_allclose(out.data.mean(axis=0), 0, atol=1e-5)
    with pytest.raises(ValueError, match="running_mean and running_var are required"):
        F.batch_norm(x, None, None, training=False)


@pytest.mark.parametrize("shape", [(0, 3), (0, 3, 5)])
def test_empty_batch_in_training_matches_torch(torch, shape):
    ours, theirs = nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3).double()
    x, xt = ag.tensor(np.zeros(shape), requires_grad=True), torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    out, ref = ours(x), theirs(xt)
    out.sum().backward()
    ref.sum().backward()
    assert out.shape == tuple(ref.shape) == shape and x.grad.shape == shape
    np.testing.assert_array_equal(ours.weight.grad.data, theirs.weight.grad.numpy())
    np.testing.assert_array_equal(ours.bias.grad.data, theirs.bias.grad.numpy())
    np.testing.assert_array_equal(ours.running_mean.data, theirs.running_mean.numpy())
    np.testing.assert_array_equal(ours.running_var.data, theirs.running_var.numpy())
    assert int(ours.num_batches_tracked.data) == int(theirs.num_batches_tracked) == 1


def test_empty_batch_without_running_statistics_is_empty():
    out = nn.BatchNorm2d(3, track_running_stats=False)(ag.zeros(0, 3, 2, 2))
    assert out.shape == (0, 3, 2, 2)


def test_one_value_per_channel_in_training_is_refused_as_torch():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(ag.ones(1, 3))


# ---- LayerNorm, RMSNorm, GroupNorm, InstanceNorm2d ------------------------------------------------------
@pytest.mark.parametrize("ours,theirs,shape", [
    (lambda: nn.LayerNorm(4), "LayerNorm(4)", (3, 5, 4)),
    (lambda: nn.LayerNorm((5, 4), eps=1e-3), "LayerNorm((5, 4), eps=1e-3)", (3, 5, 4)),
    (lambda: nn.LayerNorm(4, bias=False), "LayerNorm(4, bias=False)", (2, 4)),
    (lambda: nn.LayerNorm(4, elementwise_affine=False), "LayerNorm(4, elementwise_affine=False)", (2, 4)),
    (lambda: nn.RMSNorm(4), "RMSNorm(4)", (3, 5, 4)),
    (lambda: nn.RMSNorm((5, 4), eps=1e-6), "RMSNorm((5, 4), eps=1e-6)", (3, 5, 4)),
    (lambda: nn.GroupNorm(2, 6), "GroupNorm(2, 6)", (3, 6, 4, 3)),
    (lambda: nn.GroupNorm(3, 6, affine=False), "GroupNorm(3, 6, affine=False)", (2, 6)),
    (lambda: nn.InstanceNorm2d(3), "InstanceNorm2d(3)", (2, 3, 4, 5)),
    (lambda: nn.InstanceNorm2d(3, affine=True), "InstanceNorm2d(3, affine=True)", (2, 3, 4, 5)),
    (lambda: nn.InstanceNorm2d(3, affine=True), "InstanceNorm2d(3, affine=True)", (3, 4, 5)),
])
def test_modern_norms_match_torch(torch, ours, theirs, shape):
    ours, theirs = ours(), eval("torch.nn." + theirs).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)
    x = np.random.default_rng(3).standard_normal(shape) * 3 + 1
    compare_with_torch(torch, ours, theirs, x)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_instance_norm_running_stats_match_torch(torch):
    ours, theirs = nn.InstanceNorm2d(2, track_running_stats=True), torch.nn.InstanceNorm2d(2, track_running_stats=True)
    rng = np.random.default_rng(4)
    for step in range(2):
        compare_with_torch(torch, ours, theirs.double(), rng.standard_normal((3, 2, 4, 4)) + 2, seed=step)
    np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-6)
    compare_with_torch(torch, ours, theirs, rng.standard_normal((3, 2, 4, 4)), train=False)


@pytest.mark.parametrize("p,dim", [(2, 1), (1, -1), (3, 0), (float("inf"), 1), (2, (1, 2))])
def test_normalize_matches_torch_with_a_zero_row(torch, p, dim):
    x = np.random.default_rng(5).standard_normal((3, 4, 2))
    x[1, :, :] = 0
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = F.normalize(xo, p, dim), torch.nn.functional.normalize(xt, p, dim)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    u = np.random.default_rng(6).standard_normal(x.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_functional_norms_gradcheck():
    rng = np.random.default_rng(7)
    x, w, b = rng.standard_normal((2, 4, 3)), rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)
    assert ag.gradcheck(lambda x, w, b: F.layer_norm(x, 3, w, b), [x, w, b])
    assert ag.gradcheck(lambda x, w: F.rms_norm(x, (4, 3), None) * w, [x, w])
    assert ag.gradcheck(lambda x: F.group_norm(x, 2), [x])
    assert ag.gradcheck(lambda x: F.normalize(x, 2, 1), [x])


def test_modern_norm_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match=r"normalized_shape \[4\]"):
        nn.LayerNorm(4)(ag.randn(2, 3))
    with pytest.raises(ValueError, match="GroupNorm.*expected input"):
        nn.GroupNorm(2, 6)(ag.randn(2, 4))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        nn.InstanceNorm2d(2)(ag.randn(2, 2, 1, 1))


@pytest.mark.parametrize("ours,theirs,shape", [(nn.BatchNorm1d, "BatchNorm1d", (70000, 3)),
                                               (nn.BatchNorm2d, "BatchNorm2d", (40, 3, 40, 40))])
def test_large_float16_batch_is_normalized_in_float32_as_torch(torch, ours, theirs, shape):
    """A float16 batch whose sum of squares overflows float16: statistics in float32, output float16, as torch on CPU."""
    x = (np.random.default_rng(0).standard_normal(shape) * 300 + 100).astype(np.float16)
    ours, theirs = ours(3), getattr(torch.nn, theirs)(3)
    xt = torch.tensor(x, requires_grad=True)
    xo = ag.tensor(x, requires_grad=True)
    out, expected = ours(xo), theirs(xt)
    assert out.dtype == np.float16 and expected.dtype == torch.float16
    np.testing.assert_allclose(out.data.astype(np.float32), expected.detach().numpy().astype(np.float32),
                               rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), rtol=1e-4)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-4)
    assert np.isfinite(ours.running_var.data).all()
    u = np.random.default_rng(1).standard_normal(shape).astype(np.float16)
    (out * ag.tensor(u)).sum().backward()
    (expected * torch.tensor(u)).sum().backward()
    assert xo.grad.dtype == np.float16
    np.testing.assert_allclose(xo.grad.data.astype(np.float32), xt.grad.numpy().astype(np.float32),
                               rtol=1e-2, atol=2e-6)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(ours(x).data.astype(np.float32), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("call", [
    lambda F, lib: F.layer_norm(lib.ones(2, 3), (3,), lib.ones(1), lib.zeros(3)),
    lambda F, lib: F.layer_norm(lib.ones(2, 3), (3,), lib.ones(3), lib.zeros(2, 3)),
    lambda F, lib: F.layer_norm(lib.ones(2, 3), (3,), lib.ones(3)),
    lambda F, lib: F.rms_norm(lib.ones(2, 3), (3,), lib.ones(1)),
], ids=["weight_of_one", "bias_with_batch_axis", "weight_only", "rms_weight_of_one"])
def test_norm_weight_and_bias_must_have_the_normalized_shape_as_torch(torch, call):
    """A weight or bias that would broadcast is an error in PyTorch, not a silently different normalization."""
    try:
        expected = call(torch.nn.functional, torch)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="same shape as normalized_shape"):
            call(F, ag)
    else:
        np.testing.assert_allclose(call(F, ag).data, expected.numpy())
