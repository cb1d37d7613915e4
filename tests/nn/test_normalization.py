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
