"""The Optimizer base: groups, zero_grad, closures, state_dict and exact resumption, errors, end to end."""
import pickle
import tracemalloc
import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn
import optim
from _optim_helpers import assert_trajectories_match, import_torch, params, replay, run

ALL = [  # every optimizer with the options that give it the most state
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, amsgrad=True, maximize=True)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
]
IDS = [name for name, _ in ALL]


def make(name, ps, **options):
    return getattr(optim, name)(ps, **options)


def gradients(seed, steps, shapes=((3,), (2, 2))):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) for s in shapes] for _ in range(steps)]


def test_param_groups_take_their_own_options_and_the_defaults():
    a, b = params([1.0, 1.0], [1.0, 1.0])
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 1.0]
    assert [g["momentum"] for g in opt.param_groups] == [0.5, 0.5]
    run(opt, [a, b], [[np.ones(2), np.ones(2)]])
    np.testing.assert_array_equal(a.data, [0.9, 0.9])
    np.testing.assert_array_equal(b.data, [0.0, 0.0])


@pytest.mark.torch
@pytest.mark.parametrize("name,options", ALL, ids=IDS)
def test_groups_with_different_options_match_torch(name, options):
    def arrange(ps):
        return [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.05, "weight_decay": 0.2}]

    assert_trajectories_match(*replay(name, options, arrange=arrange))


def test_add_param_group_trains_the_new_parameters():
    a, b = params([1.0], [1.0])
    opt = optim.Adam([a], lr=0.1)
    run(opt, [a], [[np.ones(1)]])
    opt.add_param_group({"params": [b], "lr": 0.5})
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    run(opt, [a, b], [[np.ones(1), np.ones(1)]])
    np.testing.assert_allclose(b.data, [0.5])  # Adam's first step moves by lr
    assert opt.state[a]["step"] == 2 and opt.state[b]["step"] == 1


def test_parameters_without_gradient_are_skipped():
    a, b = params([1.0], [1.0])
    opt = optim.Adam([a, b], lr=0.1)
    run(opt, [a, b], [[np.ones(1), None]])
    np.testing.assert_array_equal(b.data, [1.0])
    assert b not in opt.state


def test_parameters_that_do_not_require_grad_are_accepted_as_in_torch():
    frozen = ag.Tensor(np.ones(2))
    optim.SGD([frozen], lr=0.1).step()
    np.testing.assert_array_equal(frozen.data, [1.0, 1.0])


def test_zero_grad_to_none_or_to_new_zeros():
    a, b = params([1.0, 2.0], [3.0])
    a.grad = shared = ag.Tensor(np.array([5.0, 6.0]))
    opt = optim.SGD([a, b], lr=0.1)
    opt.zero_grad(set_to_none=False)
    assert b.grad is None
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.0])
    np.testing.assert_array_equal(shared.data, [5.0, 6.0])  # a shared gradient is not zeroed in place
    opt.zero_grad()
    assert a.grad is None


@pytest.mark.parametrize("name,options", ALL, ids=IDS)
def test_gradients_are_never_modified(name, options):
    (p,) = params([1.0, -2.0])
    g = np.array([0.5, -1.0])
    p.grad = grad = ag.Tensor(g.copy())
    opt = make(name, [p], **options)
    opt.step()
    opt.step()
    assert p.grad is grad
    np.testing.assert_array_equal(grad.data, g)


def test_step_with_closure_records_and_returns_the_loss():
    (w,) = params([3.0])

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    opt = optim.SGD([w], lr=0.25)
    with ag.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_array_equal(w.data, [1.5])
    assert optim.SGD([w], lr=0.1).step() is None


def test_named_parameters_keep_their_names():
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"] == [model.weight, model.bias]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


@pytest.mark.torch
@pytest.mark.parametrize("name,options", ALL, ids=IDS)
def test_state_dict_has_torchs_layout(name, options):
    torch = import_torch()
    init = [np.ones(3), np.full((2, 2), 0.5)]
    ours = [ag.Tensor(a.copy(), requires_grad=True) for a in init]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = make(name, [{"params": ours[:1]}, {"params": ours[1:], "lr": 0.05}], **options)
    ref = getattr(torch.optim, name)([{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.05}], **options)
    for step_grads in gradients(0, 3):
        for p, q, g in zip(ours, theirs, step_grads):
            p.grad, q.grad = ag.Tensor(g), torch.tensor(g)
        opt.step()
        ref.step()
    mine, torchs = opt.state_dict(), ref.state_dict()
    assert [g["params"] for g in mine["param_groups"]] == [g["params"] for g in torchs["param_groups"]] == [[0], [1]]
    for g, h in zip(mine["param_groups"], torchs["param_groups"]):
        assert set(g) <= set(h) and all(g[k] == h[k] for k in g if k != "params")
    assert mine["state"].keys() == torchs["state"].keys()
    for i, state in mine["state"].items():
        assert state.keys() == torchs["state"][i].keys()
        if "step" in state:
            assert state["step"] == float(torchs["state"][i]["step"])
        for key in set(state) - {"step"}:
            np.testing.assert_allclose(state[key], torchs["state"][i][key].numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,options", ALL, ids=IDS)
def test_resuming_from_a_checkpoint_gives_the_same_trajectory(name, options):
    grads = gradients(1, 12)

    def fresh():
        ps = params([1.0, -1.0, 0.5], [[0.1, 0.2], [0.3, 0.4]])
        opt = make(name, [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], **options)
        return ps, opt, optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

    def train(ps, opt, scheduler, grads):
        for step_grads in grads:
            run(opt, ps, [step_grads])
            scheduler.step()

    ps, opt, scheduler = fresh()
    train(ps, opt, scheduler, grads)
    uninterrupted = [p.data.copy() for p in ps]

    ps, opt, scheduler = fresh()
    train(ps, opt, scheduler, grads[:5])
    checkpoint = pickle.dumps(([p.data for p in ps], opt.state_dict(), scheduler.state_dict()))
    train(ps, opt, scheduler, grads[5:7])  # steps after the checkpoint must not leak into it

    ps, opt, scheduler = fresh()
    arrays, opt_state, scheduler_state = pickle.loads(checkpoint)
    for p, a in zip(ps, arrays):
        p.data[...] = a
    opt.load_state_dict(opt_state)
    scheduler.load_state_dict(scheduler_state)
    train(ps, opt, scheduler, grads[5:])
    for p, a in zip(ps, uninterrupted):
        np.testing.assert_array_equal(p.data, a)


def test_loaded_state_is_copied_and_cast_to_the_parameter_dtype():
    (p,) = params([1.0, 2.0])
    opt = optim.Adam([p])
    run(opt, [p], [[np.ones(2)]])
    saved = opt.state_dict()
    exp_avg = saved["state"][0]["exp_avg"].copy()
    q = ag.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    other = optim.Adam([q])
    other.load_state_dict(saved)
    assert other.state[q]["exp_avg"].dtype == np.float32 and other.state[q]["step"] == 1
    run(other, [q], [[np.ones(2)]])
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"], exp_avg)


@pytest.mark.parametrize("layout,message", [
    (lambda ps: [{"params": ps[:1]}, {"params": ps[1:]}], "different number of parameter groups"),
    (lambda ps: ps[:1], "doesn't match the size"),
    (lambda ps: [ps[1], ps[0]], "does not fit a parameter of shape"),
])
def test_load_state_dict_rejects_another_layout(layout, message):
    ps = params([1.0, 2.0], [3.0])
    opt = optim.Adam(ps)
    run(opt, ps, [[np.ones(2), np.ones(1)]])
    with pytest.raises(ValueError, match=message):
        optim.Adam(layout(params([1.0, 2.0], [3.0]))).load_state_dict(opt.state_dict())


@pytest.mark.parametrize("make_optimizer,error,message", [
    (lambda ps: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda ps: optim.SGD(ps[0], lr=0.1), TypeError, "iterable of Tensors or dicts"),
    (lambda ps: optim.SGD([{"params": set(ps)}], lr=0.1), TypeError, "ordered collections"),
    (lambda ps: optim.SGD([np.ones(2)], lr=0.1), TypeError, "only optimize Tensors, but one of the params is ndarray"),
    (lambda ps: optim.SGD([ps[0] * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda ps: optim.SGD([{"params": ps}, {"params": ps[:1]}], lr=0.1), ValueError, "more than one parameter group"),
    (lambda ps: optim.SGD([{"params": ps, "lr": -1.0}], lr=0.1), ValueError, "Invalid learning rate: -1.0"),
    (lambda ps: optim.SGD([("w", ps[0]), ps[1]], lr=0.1), ValueError, "Some param names are missing"),
    (lambda ps: optim.SGD(["w"], lr=0.1), TypeError, "one of the params is str"),
])
def test_invalid_parameters(make_optimizer, error, message):
    with pytest.raises(error, match=message):
        make_optimizer(params([1.0, 2.0], [3.0]))


def test_add_param_group_rejects_a_parameter_already_held():
    ps = params([1.0], [2.0])
    opt = optim.Adam(ps[:1])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": ps})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group(ps[1:])
    assert len(opt.param_groups) == 1


def test_duplicate_parameters_in_a_group_warn_as_in_torch():
    (p,) = params([1.0])
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_gradient_of_the_wrong_shape_is_an_error():
    (p,) = params([1.0, 2.0])
    p.grad = ag.Tensor(np.ones(1))
    with pytest.raises(ValueError, match=r"gradient of shape \(1,\) does not match its parameter of shape \(2,\)"):
        optim.SGD([p], lr=0.1).step()


@pytest.mark.parametrize("name,options", ALL, ids=IDS)
def test_steps_update_their_state_in_place_and_free_their_temporaries(name, options):
    """State arrays are the same objects step after step, and a step keeps no memory once done."""
    p = ag.Tensor(np.ones(100_000), requires_grad=True)
    p.grad = ag.Tensor(np.full(100_000, 0.5))
    opt = make(name, [p], **options)
    opt.step()
    arrays = {k: v for k, v in opt.state[p].items() if isinstance(v, np.ndarray)}
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.step()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert all(opt.state[p][k] is v for k, v in arrays.items())
    assert kept < p.data.nbytes / 100


@pytest.mark.parametrize("name,options", [
    ("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.1)), ("AdamW", dict(lr=0.1, weight_decay=0.0)),
    ("RMSprop", dict(lr=0.05, centered=True)), ("Adagrad", dict(lr=0.5)),
], ids=IDS)
def test_minimizes_a_quadratic_built_from_engine_ops(name, options):
    target = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    w = ag.zeros(3, requires_grad=True)
    opt = make(name, [w], **options)
    for _ in range(400):
        opt.zero_grad()
        loss = ((w - target) ** 2).sum()
        loss.backward()
        opt.step()
    assert w.data.dtype == np.float32
    np.testing.assert_allclose(w.data, target, atol=1e-2)


def test_trains_module_parameters_with_a_schedule():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32) + 0.3
    model = nn.Linear(3, 1)
    opt = optim.AdamW(model.parameters(), lr=0.1, weight_decay=0.0)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=300)
    for _ in range(300):
        loss = nn.MSELoss()(model(ag.tensor(x)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        scheduler.step()
    assert loss.item() < 1e-4


def test_a_custom_optimizer_written_the_pytorch_way():
    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self.state[p]["steps"] = self.state[p].get("steps", 0) + 1
                        p.data -= group["lr"] * np.sign(p.grad.data)

    (w,) = params([1.0, -1.0])
    opt = SignSGD([w], lr=0.25)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # its own step() still counts for the scheduler's order check
        run(opt, [w], [[np.array([3.0, -2.0])]])
        scheduler.step()
    run(opt, [w], [[np.array([3.0, -2.0])]])
    np.testing.assert_array_equal(w.data, [1.0 - 0.25 - 0.125, -1.0 + 0.25 + 0.125])
    assert opt.state_dict()["state"] == {0: {"steps": 2}}


def test_repr_lists_each_group():
    text = repr(optim.SGD([{"params": params([1.0])}, {"params": params([2.0]), "lr": 0.5}], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "Parameter Group 1\n    dampening: 0.0" in text
    assert "    lr: 0.5" in text and text.endswith(")")


@pytest.mark.parametrize("name,options", ALL, ids=IDS)
def test_each_step_bumps_the_version_of_the_parameters_it_writes(name, options):
    """A step writes p in place and counts it as one in-place change; a parameter without a gradient is untouched."""
    stepped, skipped = ag.Tensor(np.ones(3), requires_grad=True), ag.Tensor(np.ones(2), requires_grad=True)
    opt = make(name, [stepped, skipped], **options)
    stepped.grad = ag.Tensor(np.full(3, 0.5))
    before = stepped.data.copy()
    for expected in (1, 2):
        opt.step()
        assert (stepped._version, skipped._version) == (expected, 0)
    assert not np.array_equal(stepped.data, before)
    np.testing.assert_array_equal(skipped.data, np.ones(2))


def test_a_non_contiguous_parameter_is_updated_in_place():
    memory = np.arange(6.0).reshape(2, 3)
    w = ag.from_numpy(memory.T).requires_grad_()  # a transposed view: no flat view to update in slices
    (w * w).sum().backward()
    optim.SGD([w], lr=0.1).step()
    assert np.allclose(memory, 0.8 * np.arange(6.0).reshape(2, 3)) and w._version == 1
