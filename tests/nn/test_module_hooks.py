"""Module hooks, traversal, buffers, containers and parameter vectors, as PyTorch's."""
import numpy as np
import pytest

import autograd_core as ag
import nn


def _net():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def test_forward_pre_hook_and_forward_hook_see_and_replace_values():
    net, calls = _net(), []
    x = ag.randn(5, 3, rng=1)
    h1 = net[0].register_forward_pre_hook(lambda m, args: calls.append(("pre", args[0].shape)) or (args[0] * 2,))
    h2 = net[0].register_forward_hook(lambda m, args, out: calls.append(("post", out.shape)))
    h3 = net[2].register_forward_hook(lambda m, args, out: out + 1.0)
    expected = net[2].forward(net[1](net[0].forward(x * 2))).data + 1.0
    np.testing.assert_allclose(net(x).data, expected, rtol=1e-6)
    assert calls == [("pre", (5, 3)), ("post", (5, 4))]
    for h in (h1, h2, h3):
        h.remove()
    np.testing.assert_allclose(net(x).data, net[2].forward(net[1](net[0].forward(x))).data)
    assert len(calls) == 2


def test_hooks_with_kwargs_prepend_and_context_manager():
    m, order = nn.Linear(2, 2), []
    m.register_forward_hook(lambda mod, a, o: order.append("second"))
    m.register_forward_hook(lambda mod, a, o: order.append("first"), prepend=True)
    m.register_forward_pre_hook(lambda mod, a, kw: (a, kw), with_kwargs=True)
    with m.register_forward_hook(lambda mod, a, kw, o: order.append(sorted(kw)), with_kwargs=True):
        m(ag.randn(1, 2, rng=0))
    m(ag.randn(1, 2, rng=0))
    assert order == ["first", "second", [], "first", "second"]
    m.register_forward_pre_hook(lambda mod, a, kw: "bad", with_kwargs=True)
    with pytest.raises(RuntimeError, match="new_args, new_kwargs"):
        m(ag.randn(1, 2, rng=0))


def test_full_backward_hook_matches_torch(torch):
    net = _net()
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    from conftest import load_from_torch
    load_from_torch(net, ref)
    seen, ref_seen = [], []
    net[2].register_full_backward_hook(lambda m, gi, go: seen.append((gi[0].data, go[0].data)))
    ref[2].register_full_backward_hook(lambda m, gi, go: ref_seen.append((gi[0].numpy(), go[0].numpy())))
    # doubling grad_input of the first layer doubles the input's gradient
    net[0].register_full_backward_hook(lambda m, gi, go: (gi[0] * 2,))
    ref[0].register_full_backward_hook(lambda m, gi, go: (gi[0] * 2,))
    x = np.random.default_rng(2).standard_normal((5, 3))
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (net(xo) ** 2).sum().backward()
    (ref(xt) ** 2).sum().backward()
    np.testing.assert_allclose(seen[0][0], ref_seen[0][0], rtol=1e-10)
    np.testing.assert_allclose(seen[0][1], ref_seen[0][1], rtol=1e-10)
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-10)


def test_full_backward_hook_without_input_grad_gets_none():
    m, seen = nn.Linear(3, 2), []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go[0].shape)))
    m(ag.randn(4, 3, rng=0)).sum().backward()
    assert seen == [((None,), (4, 2))]


def test_traversal_apply_and_get_submodule():
    net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    assert [n for n, _ in net.named_modules()] == ["", "0", "1", "1.0", "1.1"]
    assert [n for n, _ in net.named_children()] == ["0", "1"]
    assert net.get_submodule("1.1") is net[1][1] and net.get_submodule("") is net
    with pytest.raises(AttributeError, match="has no attribute `2`"):
        net.get_submodule("1.2")
    order = []
    assert net.apply(lambda m: order.append(type(m).__name__)) is net
    assert order == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]
    net.apply(lambda m: nn.init.zeros_(m.weight) if isinstance(m, nn.Linear) else None)
    assert not net[1][1].weight.data.any()


def test_requires_grad_and_dtype_conversions():
    net = _net()
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    assert net.double()[0].weight.dtype == np.float64
    assert net.half()[2].bias.dtype == np.float16
    assert net.float()[0].weight.dtype == np.float32


def test_register_buffer_persistent_and_errors():
    m = nn.Linear(2, 2)
    m.register_buffer("counts", np.zeros(3))
    m.register_buffer("scratch", np.ones(2), persistent=False)
    m.register_buffer("empty", None)
    assert [n for n, _ in m.named_buffers()] == ["counts", "scratch"]
    assert list(m.state_dict()) == ["weight", "bias", "counts"]
    m.load_state_dict(m.state_dict())
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("weight", np.zeros(2))
    with pytest.raises(KeyError, match="be empty or contain"):
        m.register_buffer("a.b", np.zeros(2))


def test_module_list_append_extend_insert_and_slices():
    a, b, c, d = (nn.Linear(1, 1) for _ in range(4))
    ml = nn.ModuleList([a]).append(b).extend([d])
    ml.insert(2, c)
    assert list(ml) == [a, b, c, d] and [n for n, _ in ml.named_children()] == ["0", "1", "2", "3"]
    assert isinstance(ml[1:], nn.ModuleList) and list(ml[1:]) == [b, c, d]
    ml.insert(-1, nn.ReLU())
    assert isinstance(ml[3], nn.ReLU) and ml[4] is d
    assert len(list(ml.parameters())) == 8


def test_parameter_list_and_dict(torch):
    pl = nn.ParameterList([np.zeros(2), ag.ones(3)])
    pl.append(nn.Parameter(np.ones((2, 2))))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in pl)
    pd = nn.ParameterDict({"w": np.ones(2)})
    pd["b"] = ag.zeros(1)
    assert list(pd.keys()) == ["w", "b"] and "w" in pd and len(pd) == 2
    del pd["w"]
    assert list(pd.state_dict()) == ["b"]

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.plist, self.pdict = nn.ParameterList([np.zeros(2)]), nn.ParameterDict({"scale": np.ones(1)})
    assert list(Holder().state_dict()) == ["plist.0", "pdict.scale"]


def test_parameters_to_vector_and_back():
    net = _net()
    vec = nn.utils.parameters_to_vector(net.parameters())
    assert vec.shape == (3 * 4 + 4 + 4 * 2 + 2,)
    np.testing.assert_array_equal(vec.data[:12], net[0].weight.data.reshape(-1))
    vec.sum().backward()
    assert all(np.all(p.grad.data == 1) for p in net.parameters())
    nn.utils.vector_to_parameters(ag.arange(26, dtype=np.float32), net.parameters())
    np.testing.assert_array_equal(net[2].bias.data, [24, 25])
    np.testing.assert_array_equal(net[0].weight.data[1], [3, 4, 5])
    with pytest.raises(ValueError, match="26 values"):
        nn.utils.vector_to_parameters(ag.zeros(5), net.parameters())
    with pytest.raises(TypeError, match="expected a Tensor"):
        nn.utils.vector_to_parameters(np.zeros(26), net.parameters())


def test_full_backward_hook_of_a_module_with_three_inputs_matches_torch(torch):
    from conftest import load_from_torch
    ours, theirs = nn.MultiheadAttention(4, 2), torch.nn.MultiheadAttention(4, 2).double()
    load_from_torch(ours, theirs)
    arrays = [np.random.default_rng(i).standard_normal((3, 2, 4)) for i in range(3)]
    seen, expected = [], []
    ours.register_full_backward_hook(lambda m, gi, go: seen.append([g.data for g in gi] + [go[0].data]))
    theirs.register_full_backward_hook(lambda m, gi, go: expected.append([g.numpy() for g in gi] + [go[0].numpy()]))
    ours(*[ag.tensor(a, requires_grad=True) for a in arrays])[0].sum().backward()
    theirs(*[torch.tensor(a, requires_grad=True) for a in arrays])[0].sum().backward()
    assert len(seen) == len(expected) == 1
    for got, want in zip(seen[0], expected[0]):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
