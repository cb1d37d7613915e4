"""Schedulers: closed forms, the same lr sequences as torch.optim.lr_scheduler, resumption, misuse."""
import math
import warnings

import pytest

import optim
from _optim_helpers import import_torch, params
from optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, StepLR

SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("StepLR", dict(step_size=3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),  # 50 steps go down and up again twice
    ("CosineAnnealingLR", dict(T_max=13)),
    ("CosineAnnealingLR", dict(T_max=3, eta_min=0.05)),
    ("MultiStepLR", dict(milestones=[3, 8, 8, 20], gamma=0.5)),
    ("MultiStepLR", dict(milestones=[10])),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95 ** epoch + 0.01 * (epoch % 3))),
    ("LambdaLR", dict(lr_lambda=[lambda epoch: 1.0 / (epoch + 1), lambda epoch: 0.9 ** epoch])),
]


def two_groups(lib, ps):
    """An optimizer of `lib` (optim or torch.optim) with two groups at different learning rates."""
    return lib.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.3}], lr=0.1, momentum=0.9)


def lr_sequence(opt, scheduler, steps):
    """get_last_lr() after construction and after each of `steps` epochs (optimizer first, then scheduler)."""
    lrs = [scheduler.get_last_lr()]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
        assert lrs[-1] == [g["lr"] for g in opt.param_groups]
    return lrs


def ours_and_torchs(name, kwargs, steps=50):
    torch = import_torch()
    opt = two_groups(optim, params([0.0], [0.0]))
    ref = two_groups(torch.optim, [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)])
    return (lr_sequence(opt, getattr(optim.lr_scheduler, name)(opt, **kwargs), steps),
            lr_sequence(ref, getattr(torch.optim.lr_scheduler, name)(ref, **kwargs), steps))


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)])
def test_same_lr_sequence_as_torch_for_50_steps(name, kwargs):
    ours, theirs = ours_and_torchs(name, kwargs)
    assert ours == theirs  # the same float arithmetic in the same order: bit for bit


@pytest.mark.torch
def test_chained_schedulers_match_torch():
    torch = import_torch()
    def chained(lib, ps):
        opt = two_groups(lib, ps)
        return opt, [lib.lr_scheduler.StepLR(opt, 4, 0.5), lib.lr_scheduler.CosineAnnealingLR(opt, T_max=6)]

    sequences = []
    for lib, ps in ((optim, params([0.0], [0.0])), (torch.optim, [torch.zeros(1), torch.zeros(1)])):
        opt, schedulers = chained(lib, ps)
        seq = []
        for _ in range(30):
            opt.step()
            for s in schedulers:
                s.step()
            seq.append([g["lr"] for g in opt.param_groups])
        sequences.append(seq)
    assert sequences[0] == sequences[1]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)])
def test_constructing_with_last_epoch_matches_torch(name, kwargs):
    torch = import_torch()
    def resumed(lib, ps):
        opt = two_groups(lib, ps)
        for group, lr in zip(opt.param_groups, (0.1, 0.3)):
            group["initial_lr"], group["lr"] = lr, lr / 4
        return opt, getattr(lib.lr_scheduler, name)(opt, last_epoch=5, **kwargs)

    ours = lr_sequence(*resumed(optim, params([0.0], [0.0])), 20)
    theirs = lr_sequence(*resumed(torch.optim, [torch.zeros(1), torch.zeros(1)]), 20)
    assert ours == theirs


@pytest.mark.parametrize("scheduler,closed_form", [
    (lambda o: StepLR(o, step_size=4, gamma=0.5), lambda t: 0.1 * 0.5 ** (t // 4)),
    (lambda o: ExponentialLR(o, gamma=0.9), lambda t: 0.1 * 0.9 ** t),
    (lambda o: CosineAnnealingLR(o, T_max=10, eta_min=0.01),
     lambda t: 0.01 + (0.1 - 0.01) * (1 + math.cos(math.pi * t / 10)) / 2),
])
def test_follows_the_closed_form(scheduler, closed_form):
    opt = optim.SGD(params([0.0]), lr=0.1)
    lrs = lr_sequence(opt, scheduler(opt), 30)
    assert [lr for (lr,) in lrs] == pytest.approx([closed_form(t) for t in range(31)], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("make", [
    lambda o: StepLR(o, step_size=3, gamma=0.5),
    lambda o: ExponentialLR(o, gamma=0.8),
    lambda o: CosineAnnealingLR(o, T_max=4, eta_min=0.01),
])
def test_resuming_from_state_dicts_continues_the_same_sequence(make):
    opt = two_groups(optim, params([0.0], [0.0]))
    scheduler = make(opt)
    full = lr_sequence(opt, scheduler, 20)
    opt = two_groups(optim, params([0.0], [0.0]))
    scheduler = make(opt)
    lr_sequence(opt, scheduler, 7)
    saved_opt, saved_scheduler = opt.state_dict(), scheduler.state_dict()
    assert "optimizer" not in saved_scheduler and saved_scheduler["last_epoch"] == 7
    opt = two_groups(optim, params([0.0], [0.0]))
    scheduler = make(opt)
    opt.load_state_dict(saved_opt)
    scheduler.load_state_dict(saved_scheduler)
    assert lr_sequence(opt, scheduler, 13) == full[7:]


def test_sets_initial_lr_and_base_lrs():
    opt = two_groups(optim, params([0.0], [0.0]))
    scheduler = StepLR(opt, 2)
    assert scheduler.base_lrs == [0.1, 0.3] == [g["initial_lr"] for g in opt.param_groups]
    assert scheduler.last_epoch == 0


def test_get_last_lr_is_a_copy():
    opt = optim.SGD(params([0.0]), lr=0.1)
    scheduler = ExponentialLR(opt, 0.5)
    scheduler.get_last_lr()[0] = 123.0
    assert scheduler.get_last_lr() == [0.1]


def test_warns_when_stepped_before_the_optimizer():
    opt = optim.SGD(params([0.0]), lr=0.1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        StepLR(opt, 2).step()
    opt = optim.SGD(params([0.0]), lr=0.1)
    scheduler = StepLR(opt, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        scheduler.step()


def test_misuse_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        StepLR(object(), 2)
    with pytest.raises(KeyError, match="initial_lr"):
        ExponentialLR(optim.SGD(params([0.0]), lr=0.1), gamma=0.9, last_epoch=3)


PLATEAU_METRICS = [1.0, 0.8, 0.7, 0.7, 0.69995, 0.71, 0.7, 0.72, 0.6, 0.6, 0.6, 0.6, 0.61, 0.59, 0.5999, 0.6,
                   0.6, 0.58, 0.58, 0.58, 0.58, 0.58, 0.58, 0.58, 0.57, 0.57, 0.57, 0.57, 0.57, 0.57]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(patience=2),
    dict(patience=1, factor=0.5, cooldown=2, min_lr=[0.01, 0.05]),
    dict(mode="max", patience=0, factor=0.7, threshold=0.05, threshold_mode="abs"),
    dict(patience=0, threshold=0.02, threshold_mode="rel", min_lr=0.02, eps=0.05),
], ids=str)
def test_reduce_lr_on_plateau_matches_torch_step_for_step(kwargs):
    torch = import_torch()
    sequences = []
    for lib, ps in ((optim, params([0.0], [0.0])), (torch.optim, [torch.zeros(1), torch.zeros(1)])):
        opt = two_groups(lib, ps)
        scheduler = lib.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        seq = []
        for metric in PLATEAU_METRICS:
            opt.step()
            scheduler.step(metric)
            seq.append(scheduler.get_last_lr() + [scheduler.num_bad_epochs, scheduler.best])
        sequences.append(seq)
    assert sequences[0] == sequences[1]
    assert sequences[0][-1][:2] != [0.1, 0.3]  # the lr did come down


def test_reduce_lr_on_plateau_rejects_bad_arguments():
    opt = two_groups(optim, params([0.0], [0.0]))
    for kwargs, message in [(dict(factor=1.0), "factor"), (dict(mode="up"), "mode"),
                            (dict(threshold_mode="pct"), "threshold_mode"), (dict(min_lr=[0.1]), "min_lrs")]:
        with pytest.raises(ValueError, match=message):
            optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)


def test_lambda_lr_state_dict_skips_functions_and_keeps_callable_objects():
    class Warmup:
        def __init__(self):
            self.steps = 4

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.steps)
    opt = two_groups(optim, params([0.0], [0.0]))
    warmup = Warmup()
    scheduler = optim.lr_scheduler.LambdaLR(opt, [warmup, lambda epoch: 1.0])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"steps": 4}, None]
    warmup.steps = 10
    scheduler.load_state_dict(state)
    assert warmup.steps == 4 and scheduler.get_last_lr() == [0.1 * 0.25, 0.3]
