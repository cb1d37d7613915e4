"""Optimizer state saves and loads through nn.save/nn.load's .npz format; loading checks kind and shapes."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import optim

OPTIMIZERS = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (optim.Adam, {"lr": 0.01, "amsgrad": True}),
    (optim.AdamW, {"lr": 0.01, "weight_decay": 0.1}),
    (optim.RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01}),
    (optim.NAdam, {"lr": 0.01, "weight_decay": 0.1}),
    (optim.RAdam, {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    (optim.Adamax, {"lr": 0.01}),
]


def _setup(kind, options, seed=0):
    nn.init.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    return model, kind(model.parameters(), **options)


def _steps(model, opt, count, seed):
    x = np.random.default_rng(seed).standard_normal((count, 5, 3)).astype(np.float32)
    for batch in x:
        loss = (model(ag.tensor(batch)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


@pytest.mark.parametrize("kind,options", OPTIMIZERS, ids=[k.__name__ for k, _ in OPTIMIZERS])
def test_resuming_from_a_checkpoint_continues_exactly(tmp_path, kind, options):
    model, opt = _setup(kind, options)
    _steps(model, opt, 3, seed=1)
    nn.save(model, tmp_path / "model.npz")
    nn.save(opt.state_dict(), tmp_path / "opt.npz")
    _steps(model, opt, 3, seed=2)

    resumed, resumed_opt = _setup(kind, {"lr": 123.0}, seed=9)
    resumed.load_state_dict(nn.load(tmp_path / "model.npz"))
    resumed_opt.load_state_dict(nn.load(tmp_path / "opt.npz"))
    assert resumed_opt.param_groups[0]["lr"] == options["lr"]
    _steps(resumed, resumed_opt, 3, seed=2)
    for p, q in zip(model.parameters(), resumed.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("kind,options", OPTIMIZERS, ids=[k.__name__ for k, _ in OPTIMIZERS])
def test_the_loaded_state_dict_equals_the_saved_one(tmp_path, kind, options):
    model, opt = _setup(kind, options)
    _steps(model, opt, 2, seed=1)
    saved = opt.state_dict()
    nn.save(saved, tmp_path / "opt.npz")
    loaded = nn.load(tmp_path / "opt.npz")
    assert loaded["param_groups"] == saved["param_groups"]
    assert loaded["state"].keys() == saved["state"].keys()
    for i, entries in saved["state"].items():
        assert loaded["state"][i].keys() == entries.keys()
        for name, value in entries.items():
            assert type(loaded["state"][i][name]) is type(value)
            np.testing.assert_array_equal(loaded["state"][i][name], value)


def test_adam_state_is_refused_by_sgd(tmp_path):
    model, adam = _setup(optim.Adam, {"lr": 0.01})
    _steps(model, adam, 1, seed=1)
    nn.save(adam.state_dict(), tmp_path / "adam.npz")
    sgd = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"not SGD state: .*\['amsgrad', 'betas', .*'eps'"):
        sgd.load_state_dict(nn.load(tmp_path / "adam.npz"))


def test_sgd_state_is_refused_by_adam():
    model, sgd = _setup(optim.SGD, {"lr": 0.1, "momentum": 0.9})
    with pytest.raises(ValueError, match="not Adam state: .*'dampening'"):
        optim.Adam(model.parameters()).load_state_dict(sgd.state_dict())


def test_state_of_a_differently_shaped_model_is_refused(tmp_path):
    model, adam = _setup(optim.Adam, {"lr": 0.01})
    _steps(model, adam, 1, seed=1)
    other = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    with pytest.raises(ValueError, match=r"of shape \(4, 3\) does not fit a parameter of shape \(5, 3\)"):
        optim.Adam(other.parameters()).load_state_dict(adam.state_dict())



def test_state_lacking_a_newer_option_loads_with_the_default():
    model, adam = _setup(optim.Adam, {"lr": 0.01})
    state = adam.state_dict()
    del state["param_groups"][0]["amsgrad"]
    fresh = optim.Adam(model.parameters(), amsgrad=True)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["amsgrad"] is True


def test_state_carrying_a_schedulers_option_loads():
    model, adam = _setup(optim.Adam, {"lr": 0.01})
    state = adam.state_dict()
    state["param_groups"][0]["initial_lr"] = 0.01
    fresh = optim.Adam(model.parameters())
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["initial_lr"] == 0.01
