"""Losses: every loss and reduction against torch; finite differences; errors."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((6, 4))
CLASSES = np.array([0, 3, 1, 1, 2, 3])
PROBS = 1 / (1 + np.exp(-RNG.standard_normal((6, 4))))
BINARY = (RNG.random((6, 4)) > 0.5).astype(np.float64)
REDUCTIONS = ["mean", "sum", "none"]


def _check(torch, ours, theirs, x, target, torch_target=None):
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours(xo, target)
    ref = theirs(xt, torch.tensor(target) if torch_target is None else torch_target)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(torch, reduction):
    target = RNG.standard_normal((6, 4))
    _check(torch, nn.MSELoss(reduction=reduction), torch.nn.MSELoss(reduction=reduction), LOGITS, target)
    _check(torch, nn.L1Loss(reduction=reduction), torch.nn.L1Loss(reduction=reduction), LOGITS, target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses(torch, reduction):
    _check(torch, nn.BCELoss(reduction=reduction), torch.nn.BCELoss(reduction=reduction), PROBS, BINARY)
    _check(torch, nn.BCEWithLogitsLoss(reduction=reduction), torch.nn.BCEWithLogitsLoss(reduction=reduction),
           LOGITS * 10, BINARY)
    pw = np.array([1.0, 2.0, 0.5, 3.0])
    _check(torch, nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pw),
           torch.nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=torch.tensor(pw)), LOGITS, BINARY)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_classification_losses(torch, reduction):
    t = torch.tensor(CLASSES)
    _check(torch, nn.CrossEntropyLoss(reduction=reduction), torch.nn.CrossEntropyLoss(reduction=reduction), LOGITS, CLASSES, t)
    _check(torch, nn.NLLLoss(reduction=reduction), torch.nn.NLLLoss(reduction=reduction), LOGITS, CLASSES, t)
    w = np.array([1.0, 2.0, 0.5, 1.5])
    _check(torch, nn.CrossEntropyLoss(weight=w, reduction=reduction),
           torch.nn.CrossEntropyLoss(weight=torch.tensor(w), reduction=reduction), LOGITS, CLASSES, t)
    ignore = np.where(CLASSES == 1, -100, CLASSES)
    _check(torch, nn.CrossEntropyLoss(reduction=reduction), torch.nn.CrossEntropyLoss(reduction=reduction),
           LOGITS, ignore, torch.tensor(ignore))
    _check(torch, nn.CrossEntropyLoss(reduction=reduction, label_smoothing=0.1),
           torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=0.1), LOGITS, CLASSES, t)


def test_cross_entropy_with_spatial_dims_and_probability_targets(torch):
    x = RNG.standard_normal((2, 3, 4, 5))
    t = RNG.integers(0, 3, (2, 4, 5))
    _check(torch, nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), x, t, torch.tensor(t))
    probs = np.exp(LOGITS) / np.exp(LOGITS).sum(1, keepdims=True)
    _check(torch, nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), LOGITS, probs)


def test_cross_entropy_is_stable_for_huge_logits():
    x = ag.tensor(np.array([[1000.0, -1000.0, 0.0]]), requires_grad=True)
    loss = F.cross_entropy(x, np.array([1]))
    loss.backward()
    assert loss.item() == pytest.approx(2000.0) and np.isfinite(x.grad.data).all()


def test_gradcheck_of_losses():
    assert ag.gradcheck(lambda x: F.cross_entropy(x, CLASSES), LOGITS)
    assert ag.gradcheck(lambda x: F.binary_cross_entropy_with_logits(x, BINARY), LOGITS)
    assert ag.gradcheck(lambda x: F.binary_cross_entropy(x, BINARY), PROBS)


def test_errors_name_the_loss_and_shapes():
    with pytest.raises(ValueError, match=r"mse_loss.*\(6, 4\).*\(6,\)"):
        F.mse_loss(ag.tensor(LOGITS), np.zeros(6))
    with pytest.raises(IndexError, match="out of range for 4 classes"):
        F.cross_entropy(ag.tensor(LOGITS), np.array([0, 1, 2, 3, 4, 0]))
    with pytest.raises(ValueError, match="target of shape"):
        F.cross_entropy(ag.tensor(LOGITS), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="probabilities"):
        F.binary_cross_entropy(ag.tensor(LOGITS), BINARY)
