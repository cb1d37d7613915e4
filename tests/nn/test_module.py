"""Module: discovery of parameters and children, modes, state_dict, repr, scopes."""
from collections import OrderedDict

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.grad_mode import STATE
from autograd_core.graph import scope_path


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        self.head = nn.Linear(3, 2)
        self.scale = nn.Parameter(np.ones(1))
        self.register_buffer("steps", np.zeros(()))

    def forward(self, x):
        return self.head(self.encoder(x)) * self.scale


def test_named_parameters_children_modules():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
                     "head.weight", "head.bias"]
    assert [n for n, _ in net.named_children()] == ["encoder", "head"]
    assert len(list(net.modules())) == 6
    assert net.num_parameters() == 1 + 4 * 8 + 8 + 8 * 3 + 3 + 3 * 2 + 2
    assert net.encoder[0].weight.name == "weight"


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    model = nn.Sequential(lin, lin)
    assert len(list(model.parameters())) == 2


def test_train_eval_propagate():
    net = Net()
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_and_backward():
    net = Net()
    net(ag.randn(5, 4, rng=0)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    state = a.state_dict()
    assert list(state) == [n for n, _ in a.named_parameters()] + ["steps"]
    b.load_state_dict(state)
    x = ag.randn(3, 4, rng=1)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    broken = OrderedDict(state)
    del broken["head.bias"]
    broken["extra"] = np.zeros(1)
    with pytest.raises(RuntimeError, match="head.bias.*extra"):
        b.load_state_dict(broken)
    bad_shape = OrderedDict(state)
    bad_shape["head.weight"] = np.zeros((5, 5))
    with pytest.raises(ValueError, match=r"head.weight.*\(5, 5\).*\(2, 3\)"):
        b.load_state_dict(bad_shape)


def test_repr_is_nested():
    text = repr(Net())
    assert "(encoder): Sequential(" in text and "(0): Linear(in_features=4, out_features=8, bias=True)" in text


def _scopes_seen(call):
    """The module path of every op recorded while `call()` runs."""
    seen = []

    class Spy(ag.grad_mode.Observer):
        def on_forward(self, prim, ctx, out, args, arrays, params):
            seen.append(scope_path(STATE.scope))
    with ag.grad_mode.observe(Spy()):
        call()
    assert STATE.scope is None
    return seen


def test_module_calls_tag_ops_with_their_path():
    net = Net()
    seen = _scopes_seen(lambda: net(ag.randn(2, 4, rng=0, requires_grad=True)))
    assert "encoder.0" in seen and "encoder.1" in seen and "head" in seen


def test_module_paths_nest_under_a_named_scope():
    net = Net()

    def call():
        with ag.grad_mode.scope("student"):
            net(ag.randn(2, 4, rng=0, requires_grad=True))
    seen = _scopes_seen(call)
    assert "student.encoder.0" in seen and "student.head" in seen


def test_setattr_before_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(1))
    with pytest.raises(AttributeError, match="super"):
        Broken()


def test_module_list():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6 and isinstance(ml[1], nn.Linear)


def test_module_dict_registers_its_modules_as_torch():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "act": nn.ReLU()})
    d["head"] = nn.Linear(3, 1)
    assert list(d) == ["enc", "act", "head"] and len(d) == 3 and "act" in d
    assert [name for name, _ in d.named_parameters()] == ["enc.weight", "enc.bias", "head.weight", "head.bias"]
    assert isinstance(d.pop("act"), nn.ReLU) and list(d.keys()) == ["enc", "head"]
    assert set(d.state_dict()) == {"enc.weight", "enc.bias", "head.weight", "head.bias"}
    with pytest.raises(TypeError, match="must be a Module"):
        d["x"] = 3


@pytest.mark.torch
def test_assigning_a_non_parameter_to_a_parameter_is_a_type_error_as_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="Parameter or None expected"):
        torch.nn.Linear(2, 3).weight = torch.zeros(3, 2)
    lin = nn.Linear(2, 3)
    for value in (np.zeros((3, 2), np.float32), ag.zeros(3, 2)):
        with pytest.raises(TypeError, match=r"parameter 'weight'.*Parameter or None expected"):
            lin.weight = value
    assert [name for name, _ in lin.named_parameters()] == ["weight", "bias"]
    lin.weight = nn.Parameter(np.ones((3, 2), np.float32))
    lin.bias = None
    assert [name for name, _ in lin.named_parameters()] == ["weight"] and lin.weight.data.sum() == 6


def test_modules_take_lists_and_arrays_as_input():
    lin = nn.Linear(2, 1)
    expected = lin(ag.tensor([[1.0, 2.0]])).data
    np.testing.assert_array_equal(lin([[1.0, 2.0]]).data, expected)
    np.testing.assert_array_equal(lin(np.array([[1.0, 2.0]], dtype=np.float32)).data, expected)
    np.testing.assert_array_equal(nn.Sequential(lin)([[1.0, 2.0]]).data, expected)


@pytest.mark.torch
@pytest.mark.parametrize("make,make_torch,shape", [
    (lambda: nn.Linear(3, 2), lambda torch: torch.nn.Linear(3, 2), (4, 3)),
    (lambda: nn.Conv2d(1, 2, 3), lambda torch: torch.nn.Conv2d(1, 2, 3), (1, 1, 5, 5)),
    (lambda: nn.LSTM(3, 2), lambda torch: torch.nn.LSTM(3, 2), (4, 1, 3)),
    (lambda: nn.GRUCell(3, 2), lambda torch: torch.nn.GRUCell(3, 2), (4, 3)),
], ids=["Linear", "Conv2d", "LSTM", "GRUCell"])
def test_float64_input_into_float32_weights_raises_as_torch(make, make_torch, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape)
    with pytest.raises((RuntimeError, ValueError)) as theirs:
        make_torch(torch)(torch.tensor(x))
    with pytest.raises(theirs.type, match=r"input has dtype float64 .* weights have dtype float32.*x\.float\(\)"):
        make()(x)
    assert make()(x.astype(np.float32)) is not None
    model = make().to(np.float64)
    assert all(p.dtype == np.float64 for p in model.parameters()) and model(x) is not None


def test_parameter_shares_a_tensors_data_and_copies_an_array():
    t = ag.zeros(3)
    p = nn.Parameter(t)
    t.data[0] = 1.0
    assert p.data[0] == 1.0 and p.requires_grad and not t.requires_grad
    a = np.zeros(3, np.float32)
    q = nn.Parameter(a)
    a[0] = 1.0
    assert q.data[0] == 0.0
    assert nn.Parameter().shape == (0,)


def test_state_dict_values_are_tensors_sharing_the_parameters():
    net = nn.Linear(3, 2)
    state = net.state_dict()
    assert all(isinstance(v, ag.Tensor) and not v.requires_grad for v in state.values())
    snapshot = state["weight"].clone()
    with ag.no_grad():
        net.weight.data[0, 0] = 5.0
    assert state["weight"].data[0, 0] == 5.0 and snapshot.data[0, 0] != 5.0
    assert net.state_dict(keep_vars=True)["weight"] is net.weight


def test_load_state_dict_returns_the_key_lists_and_takes_any_array_like():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    result = ours.load_state_dict(theirs.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    np.testing.assert_array_equal(ours.weight.data, theirs.weight.detach().numpy())
    assert repr(theirs.load_state_dict({k: torch.tensor(v.data) for k, v in ours.state_dict().items()})) == repr(result)
    partial = {"weight": ag.ones(2, 3), "extra": np.zeros(1)}
    missing, unexpected = ours.load_state_dict(partial, strict=False)
    assert (missing, unexpected) == (["bias"], ["extra"]) and (ours.weight.data == 1).all()
    assert theirs.load_state_dict({"weight": torch.ones(2, 3), "extra": torch.zeros(1)}, strict=False) == \
        (["bias"], ["extra"])
    with pytest.raises(RuntimeError, match=r"Linear.*\['bias'\].*\['extra'\]"):
        ours.load_state_dict(partial)
    with pytest.raises(RuntimeError, match="size mismatch for 'weight'"):
        ours.load_state_dict({"weight": np.zeros((3, 3)), "bias": np.zeros(2)})
