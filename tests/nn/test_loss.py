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


def test_bce_refuses_targets_outside_zero_one_as_pytorch():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target must be probabilities in \[0, 1\].*1\.5"):
        F.binary_cross_entropy(ag.tensor(PROBS[:1, :2]), np.array([[0.0, 1.5]]))
    with pytest.raises(ValueError, match="target"):
        nn.BCELoss()(ag.tensor(PROBS[:1, :2]), np.array([[-0.1, 1.0]]))


def test_bce_on_saturated_sigmoid_is_finite_and_zero_where_right():
    x = ag.tensor(np.array([1000.0, -1000.0]), requires_grad=True)
    loss = F.binary_cross_entropy(ag.sigmoid(x), np.array([1.0, 0.0]))
    loss.backward()
    assert loss.item() == 0.0 and (x.grad.data == 0.0).all()


def test_bce_with_logits_at_zero_logit_has_slope_sigmoid_minus_target():
    x = ag.tensor(np.zeros(3), requires_grad=True)
    y = np.array([0.0, 1.0, 0.25])
    F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    np.testing.assert_allclose(x.grad.data, 0.5 - y)


def test_mean_losses_of_an_empty_batch_are_nan_as_pytorch():
    for loss in (F.mse_loss, F.l1_loss):
        x = ag.tensor(np.zeros(0), requires_grad=True)
        out = loss(x, np.zeros(0))
        assert np.isnan(out.item())
        out.backward()
        assert x.grad.shape == (0,)
    assert F.mse_loss(ag.tensor(np.zeros(0)), np.zeros(0), reduction="sum").item() == 0.0


def test_cross_entropy_with_every_target_ignored_is_nan_with_zero_gradient():
    for target in (np.array([-100, -100]), np.array([1, 1])):
        x = ag.tensor(LOGITS[:2], requires_grad=True)
        loss = F.cross_entropy(x, target, ignore_index=int(target[0]))
        loss.backward()
        assert np.isnan(loss.item()) and (x.grad.data == 0).all()


def test_cross_entropy_float_class_labels_ask_for_integer_indices():
    with pytest.raises(TypeError, match=r"targets must be integer class indices.*float64.*class probabilities"):
        nn.CrossEntropyLoss()(ag.tensor(LOGITS), CLASSES.astype(np.float64))
    with pytest.raises(TypeError, match="integer class indices"):
        F.nll_loss(ag.tensor(LOGITS), CLASSES.astype(np.float32))


def test_cross_entropy_probability_targets_are_differentiated(torch):
    probs = np.exp(LOGITS) / np.exp(LOGITS).sum(1, keepdims=True)
    p, pt = ag.tensor(probs, requires_grad=True), torch.tensor(probs, requires_grad=True)
    F.cross_entropy(ag.tensor(LOGITS), p).backward()
    torch.nn.functional.cross_entropy(torch.tensor(LOGITS), pt).backward()
    np.testing.assert_allclose(p.grad.data, pt.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("ignore_index", [-100, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_sample_weights_with_ignored_targets_match_torch(torch, ignore_index, weighted):
    t = np.array([0, 2, 3, 2, -100, 1])
    t = np.where(t == -100, ignore_index, t)
    w = np.array([1.0, 2.0, 0.5, 3.0]) if weighted else None
    _check(torch, lambda x, y: F.cross_entropy(x, y, weight=w, ignore_index=ignore_index),
           lambda x, y: torch.nn.functional.cross_entropy(
               x, y, weight=None if w is None else torch.tensor(w), ignore_index=ignore_index), LOGITS, t)
    with pytest.raises(IndexError, match="target -1 is out of range for 4 classes"):
        F.cross_entropy(ag.tensor(LOGITS), np.array([0, 1, -1, 2, 3, ignore_index]), ignore_index=ignore_index)
