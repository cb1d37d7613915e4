"""Losses: every loss and reduction against torch; finite differences; errors."""
import re

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


# ---- v3 losses: value and every input's gradient beside torch, a table of options ----------------------
def _v3_inputs():
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    x[0, :3] = y[0, :3] + np.array([0.5, -1.0, 2.0])  # |d| exactly at delta/beta in some rows
    logp = np.log(rng.dirichlet(np.ones(5), size=4))
    p = rng.dirichlet(np.ones(5), size=4)
    p[1, 2] = 0.0  # xlogy(0, 0) = 0
    sign = np.array([1.0, -1.0, 1.0, -1.0])
    pos = rng.uniform(0.1, 3.0, (4, 5))
    counts = rng.integers(0, 5, (4, 5)).astype(float)
    var = rng.uniform(1e-7, 2.0, (4, 5))
    var[2, 1:3] = 1e-8, 0.0  # clamped at eps: the gradient still passes, as in torch
    return dict(x=x, y=y, logp=logp, p=p, logq=np.log(p + 0.1), sign=sign, pos=pos, counts=counts,
                a=rng.standard_normal((4, 3)), b=rng.standard_normal((4, 3)), c=rng.standard_normal((4, 3)),
                v=rng.standard_normal(4), w=rng.standard_normal(4),
                var1=rng.uniform(0.5, 2.0, (4, 1)), var0=rng.uniform(0.5, 2.0, 4), a1=rng.standard_normal(6),
                b1=rng.standard_normal(6), t0=np.array(-1.0), var=var)


V3_CASES = [  # (function, argument names, differentiable positions, keyword options)
    ("kl_div", ("logp", "p"), (0, 1), dict(reduction="batchmean")),
    ("kl_div", ("logp", "p"), (0, 1), dict(reduction="sum")),
    ("kl_div", ("logp", "logq"), (0, 1), dict(reduction="none", log_target=True)),
    ("huber_loss", ("x", "y"), (0, 1), dict()),
    ("huber_loss", ("x", "y"), (0, 1), dict(delta=0.5, reduction="none")),
    ("huber_loss", ("x", "y"), (0,), dict(delta=2.0, reduction="sum")),
    ("smooth_l1_loss", ("x", "y"), (0, 1), dict()),
    ("smooth_l1_loss", ("x", "y"), (0, 1), dict(beta=0.5, reduction="none")),
    ("smooth_l1_loss", ("x", "y"), (0,), dict(beta=0.0, reduction="sum")),
    ("cosine_embedding_loss", ("a", "b", "sign"), (0, 1), dict()),
    ("cosine_embedding_loss", ("a", "b", "sign"), (0, 1), dict(margin=-0.2, reduction="none")),
    ("cosine_embedding_loss", ("a1", "b1", "t0"), (0, 1), dict(margin=0.1)),
    ("margin_ranking_loss", ("v", "w", "sign"), (0, 1), dict()),
    ("margin_ranking_loss", ("v", "w", "sign"), (0, 1), dict(margin=0.5, reduction="none")),
    ("triplet_margin_loss", ("a", "b", "c"), (0, 1, 2), dict()),
    ("triplet_margin_loss", ("a", "b", "c"), (0, 1, 2), dict(margin=2.0, p=1, swap=True, reduction="none")),
    ("triplet_margin_loss", ("a", "b", "c"), (0, 1, 2), dict(margin=0.3, p=3, eps=1e-3, reduction="sum")),
    ("triplet_margin_loss", ("a1", "b1", "a1"), (0, 1), dict(margin=0.5)),
    ("gaussian_nll_loss", ("x", "y", "var"), (0, 1, 2), dict()),
    ("gaussian_nll_loss", ("x", "y", "var"), (0, 1, 2), dict(full=True, eps=1e-3, reduction="none")),
    ("gaussian_nll_loss", ("x", "y", "var1"), (0, 1, 2), dict(reduction="sum")),
    ("gaussian_nll_loss", ("x", "y", "var0"), (0, 2), dict()),
    ("poisson_nll_loss", ("x", "counts"), (0,), dict()),
    ("poisson_nll_loss", ("pos", "counts"), (0,), dict(log_input=False, full=True, reduction="none")),
    ("poisson_nll_loss", ("x", "pos"), (0, 1), dict(full=True, reduction="sum")),
]


@pytest.mark.parametrize("name,args,diff,kwargs", V3_CASES, ids=[f"{c[0]}-{c[3]}" for c in V3_CASES])
def test_v3_losses_match_torch_values_and_gradients(torch, name, args, diff, kwargs):
    data = _v3_inputs()
    ours = [ag.tensor(data[a], requires_grad=i in diff) for i, a in enumerate(args)]
    theirs = [torch.tensor(data[a], requires_grad=i in diff) for i, a in enumerate(args)]
    out = getattr(F, name)(*ours, **kwargs)
    ref = getattr(torch.nn.functional, name)(*theirs, **kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    u = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    for i in diff:
        # kl_div's target gradient at target 0 is NaN in both (the slope of t log t there is -inf)
        np.testing.assert_allclose(ours[i].grad.data, theirs[i].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=args[i])


@pytest.mark.parametrize("module,kwargs,args", [
    ("KLDivLoss", dict(reduction="batchmean"), ("logp", "p")), ("HuberLoss", dict(delta=0.7), ("x", "y")),
    ("SmoothL1Loss", dict(beta=0.3), ("x", "y")), ("CosineEmbeddingLoss", dict(margin=0.1), ("a", "b", "sign")),
    ("MarginRankingLoss", dict(margin=0.2), ("v", "w", "sign")),
    ("TripletMarginLoss", dict(swap=True), ("a", "b", "c")),
    ("GaussianNLLLoss", dict(full=True), ("x", "y", "var")), ("PoissonNLLLoss", dict(log_input=False), ("pos", "counts")),
], ids=str)
def test_v3_loss_modules_match_torch(torch, module, kwargs, args):
    data = _v3_inputs()
    out = getattr(nn, module)(**kwargs)(*[ag.tensor(data[a]) for a in args])
    ref = getattr(torch.nn, module)(**kwargs)(*[torch.tensor(data[a]) for a in args])
    np.testing.assert_allclose(out.data, ref.numpy(), rtol=1e-10)


def test_kl_div_mean_warns_as_torch():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(ag.tensor(np.log([[0.5, 0.5]])), np.array([[0.25, 0.75]]))


@pytest.mark.parametrize("call", [
    lambda F, t: F.kl_div(t(X2), t(X2), reduction="avg"),
    lambda F, t: F.huber_loss(t(X2), t(X2), delta=0.0),
    lambda F, t: F.huber_loss(t(X2), t(X2), reduction="bad"),
    lambda F, t: F.smooth_l1_loss(t(X2), t(X2), beta=-1.0),
    lambda F, t: F.triplet_margin_loss(t(X2), t(X2), t(X2), margin=-1.0),
    lambda F, t: F.triplet_margin_loss(t(X2), t(X2), t(X2[0])),
    lambda F, t: F.margin_ranking_loss(t(X2), t(X2), t(X2[0])),
    lambda F, t: F.cosine_embedding_loss(t(X2), t(X2), t(np.ones((2, 1)))),
    lambda F, t: F.cosine_embedding_loss(t(X2), t(X2), t(np.array(1.0))),
    lambda F, t: F.poisson_nll_loss(t(X2), t(X2), reduction="bad"),
    lambda F, t: F.gaussian_nll_loss(t(X2), t(X2), t(-np.ones((2, 3)))),
    lambda F, t: F.gaussian_nll_loss(t(X2), t(X2), -1.0),
    lambda F, t: F.gaussian_nll_loss(t(X2), t(X2), t(np.ones((3, 3)))),
    lambda F, t: F.gaussian_nll_loss(t(X2), t(X2), t(np.ones((2, 3))), reduction="bad"),
    lambda F, t: F.cross_entropy(t(X2), t(X2), label_smoothing=1.5),
    lambda F, t: F.cross_entropy(t(X2), t(X2), ignore_index=1),
    lambda F, t: F.cross_entropy(t(X2), t(np.array([0, 1])), weight=t(np.ones(2))),
])
def test_v3_losses_reject_what_torch_rejects_with_its_message(torch, call):
    with pytest.raises((ValueError, RuntimeError)) as theirs:
        call(torch.nn.functional, torch.tensor)
    with pytest.raises(type(theirs.value)) as ours:
        call(F, ag.tensor)
    assert _words(ours.value) == _words(theirs.value)


def _words(error):
    """An error message without punctuation and torch.Size: shapes print as (2, 3) here, torch.Size([2, 3]) there."""
    return re.sub(r"[^\w ]", "", str(error).replace("torch.Size", "")).split()


X2 = np.arange(6.0).reshape(2, 3) / 6


@pytest.mark.parametrize("target,kwargs", [
    (np.array(2), dict()), (np.array([0.1, 0.2, 0.3, 0.4]), dict()),
    (np.array(1), dict(label_smoothing=0.2, reduction="none")),
    (np.array(3), dict(weight=np.array([1.0, 2.0, 0.5, 3.0]))),
    (np.array([0.5, 0.0, 0.25, 0.25]), dict(label_smoothing=0.1, reduction="sum"))], ids=str)
def test_cross_entropy_of_unbatched_logits_matches_torch(torch, target, kwargs):
    z = np.array([0.3, -1.2, 2.0, 0.1])
    xo, xt = ag.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    theirs_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out, ref = F.cross_entropy(xo, target, **kwargs), torch.nn.functional.cross_entropy(xt, torch.tensor(target),
                                                                                          **theirs_kwargs)
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
    out.backward()
    ref.backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-14)
