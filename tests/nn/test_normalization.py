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
