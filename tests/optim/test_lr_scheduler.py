"""Schedulers: closed forms, the same lr sequences as torch.optim.lr_scheduler, resumption, misuse."""
import math
import re
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


def _stable_id(value):
    """str(value) without function addresses, so pytest-xdist workers collect the same test ids."""
    return re.sub(r" at 0x[0-9a-f]+", "", str(value))


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
@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=_stable_id)
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
@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=_stable_id)
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


# ---- v3 schedules: LinearLR, PolynomialLR, CosineAnnealingWarmRestarts, OneCycleLR, SequentialLR ----
NEW_SCHEDULES = [
    ("LinearLR", dict()),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=12)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=7)),
    ("PolynomialLR", dict()),
    ("PolynomialLR", dict(total_iters=20, power=2.5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=7)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.01)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=50)),
    ("OneCycleLR", dict(max_lr=[0.5, 2.0], epochs=5, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear",
                        three_phase=True, div_factor=10.0, final_div_factor=100.0)),
    ("OneCycleLR", dict(max_lr=0.8, total_steps=60, cycle_momentum=False)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", NEW_SCHEDULES, ids=str)
def test_new_schedules_match_torch_for_50_steps(name, kwargs):
    ours, theirs = ours_and_torchs(name, kwargs)
    assert ours == theirs


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [dict(max_lr=1.0, total_steps=30), dict(max_lr=1.0, total_steps=30,
                                                                           three_phase=True)], ids=str)
def test_one_cycle_cycles_adams_beta1_as_torch(kwargs):
    torch = import_torch()
    runs = []
    for lib, p in ((optim, params([0.0])), (torch.optim, [torch.zeros(1, requires_grad=True)])):
        opt = lib.Adam(p, lr=0.1, betas=(0.9, 0.99))
        scheduler = lib.lr_scheduler.OneCycleLR(opt, **kwargs)
        seq = []
        for _ in range(30):
            opt.step()
            scheduler.step()
            seq.append((opt.param_groups[0]["lr"], opt.param_groups[0]["betas"]))
        runs.append(seq)
        with pytest.raises(ValueError, match="Tried to step 31 times"):
            scheduler.step()
    assert runs[0] == runs[1]


@pytest.mark.torch
def test_warm_restarts_with_fractional_epochs_match_torch():
    torch = import_torch()
    runs = []
    for lib, ps in ((optim, params([0.0], [0.0])), (torch.optim, [torch.zeros(1), torch.zeros(1)])):
        opt = two_groups(lib, ps)
        scheduler = lib.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2, eta_min=0.001)
        seq = []
        for epoch in (0.5, 1.25, 3.9, 4.0, 7.5, 11.0, 12.0, 13.3, 30.0, 2.0):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scheduler.step(epoch)
            seq.append(scheduler.get_last_lr() + [scheduler.T_i, scheduler.T_cur, scheduler.last_epoch])
        runs.append(seq)
    assert runs[0] == runs[1]


SEQUENCES = [
    (lambda lib, o: [lib.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=5),
                     lib.lr_scheduler.CosineAnnealingLR(o, T_max=20, eta_min=0.001)], [5]),
    (lambda lib, o: [lib.lr_scheduler.ExponentialLR(o, gamma=0.9), lib.lr_scheduler.StepLR(o, 3, 0.5),
                     lib.lr_scheduler.PolynomialLR(o, total_iters=10, power=2.0)], [4, 15]),
    (lambda lib, o: [lib.lr_scheduler.LambdaLR(o, lambda e: 1.0 / (e + 1)),
                     lib.lr_scheduler.MultiStepLR(o, [3, 9], 0.3)], [6]),
    (lambda lib, o: [lib.lr_scheduler.ExponentialLR(o, gamma=0.95),
                     lib.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=4)], [2]),
]


@pytest.mark.torch
@pytest.mark.parametrize("case", range(len(SEQUENCES)))
def test_sequential_lr_matches_torch_for_40_steps(case):
    torch = import_torch()
    make, milestones = SEQUENCES[case]
    runs = []
    for lib, ps in ((optim, params([0.0], [0.0])), (torch.optim, [torch.zeros(1), torch.zeros(1)])):
        opt = two_groups(lib, ps)
        scheduler = lib.lr_scheduler.SequentialLR(opt, make(lib, opt), milestones)
        runs.append(lr_sequence(opt, scheduler, 40))
    assert runs[0] == runs[1]


def test_sequential_lr_state_dict_round_trip():
    def build():
        opt = two_groups(optim, params([0.0], [0.0]))
        parts = [optim.lr_scheduler.LinearLR(opt, total_iters=4), optim.lr_scheduler.ExponentialLR(opt, 0.9)]
        return opt, optim.lr_scheduler.SequentialLR(opt, parts, [4])
    opt, scheduler = build()
    full = lr_sequence(opt, scheduler, 12)
    opt, scheduler = build()
    lr_sequence(opt, scheduler, 6)
    saved_opt, saved = opt.state_dict(), scheduler.state_dict()
    opt, scheduler = build()
    opt.load_state_dict(saved_opt)
    scheduler.load_state_dict(saved)
    assert lr_sequence(opt, scheduler, 6) == full[6:]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", [
    ("LinearLR", dict(start_factor=0.0)), ("LinearLR", dict(start_factor=1.5)), ("LinearLR", dict(end_factor=-0.1)),
    ("CosineAnnealingWarmRestarts", dict(T_0=0)), ("CosineAnnealingWarmRestarts", dict(T_0=2.0)),
    ("CosineAnnealingWarmRestarts", dict(T_0=2, T_mult=0)), ("CosineAnnealingWarmRestarts", dict(T_0=2, eta_min="0")),
    ("OneCycleLR", dict(max_lr=1.0)), ("OneCycleLR", dict(max_lr=1.0, total_steps=0)),
    ("OneCycleLR", dict(max_lr=1.0, epochs=2, steps_per_epoch=0)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=9, pct_start=1)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=9, anneal_strategy="exp")),
    ("OneCycleLR", dict(max_lr=[1.0], total_steps=9)),
    ("SequentialLR", dict(schedulers=[], milestones=[])),
], ids=str)
def test_new_schedules_reject_what_torch_rejects(name, kwargs):
    torch = import_torch()
    errors = []
    for lib, ps in ((optim, params([0.0], [0.0])), (torch.optim, [torch.zeros(1), torch.zeros(1)])):
        with pytest.raises(ValueError) as error:
            getattr(lib.lr_scheduler, name)(two_groups(lib, ps), **kwargs)
        errors.append(str(error.value))
    assert errors[0] == errors[1]
