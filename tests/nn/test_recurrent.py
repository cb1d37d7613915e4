"""RNN, LSTM, GRU (cells and sequences): torch oracle, finite differences, shapes, errors."""
import numpy as np
import pytest

import autograd_core as ag
import nn
from nn import recurrent

from conftest import assert_grads_match, load_from_torch

RNG = np.random.default_rng(0)


def _run_sequence(torch, ours, theirs, x, state=None, torch_state=None):
    theirs = theirs.double()
    load_from_torch(ours, theirs)
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, hn = ours(xo, state) if state is not None else ours(xo)
    ref, ref_hn = theirs(xt, torch_state) if torch_state is not None else theirs(xt)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    hs, ref_hs = (hn if isinstance(hn, tuple) else (hn,)), (ref_hn if isinstance(ref_hn, tuple) else (ref_hn,))
    for a, b in zip(hs, ref_hs):
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    u = RNG.standard_normal(out.shape)
    v = RNG.standard_normal(hs[-1].shape)
    ((out * u).sum() + (hs[-1] * v).sum()).backward()
    ((ref * torch.tensor(u)).sum() + (ref_hs[-1] * torch.tensor(v)).sum()).backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert_grads_match(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_sequence_layers_match_torch(torch, kind, batch_first):
    ours = getattr(nn, kind)(3, 4, batch_first=batch_first)
    theirs = getattr(torch.nn, kind)(3, 4, batch_first=batch_first)
    _run_sequence(torch, ours, theirs, RNG.standard_normal((2, 5, 3) if batch_first else (5, 2, 3)))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_initial_states_and_unbatched_input(torch, kind):
    ours, theirs = getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4)
    h0 = RNG.standard_normal((1, 2, 4))
    if kind == "LSTM":
        c0 = RNG.standard_normal((1, 2, 4))
        state, tstate = (ag.tensor(h0), ag.tensor(c0)), (torch.tensor(h0), torch.tensor(c0))
    else:
        state, tstate = ag.tensor(h0), torch.tensor(h0)
    _run_sequence(torch, ours, theirs, RNG.standard_normal((6, 2, 3)), state, tstate)
    _run_sequence(torch, getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4), RNG.standard_normal((6, 3)))


def test_relu_rnn_matches_torch(torch):
    _run_sequence(torch, nn.RNN(3, 4, nonlinearity="relu"), torch.nn.RNN(3, 4, nonlinearity="relu"),
                  RNG.standard_normal((4, 2, 3)))


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(torch, kind):
    ours, theirs = getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4).double()
    load_from_torch(ours, theirs)
    x = RNG.standard_normal((2, 3))
    h = RNG.standard_normal((2, 4))
    if kind == "LSTMCell":
        c = RNG.standard_normal((2, 4))
        out = ours(ag.tensor(x), (ag.tensor(h), ag.tensor(c)))[1]
        ref = theirs(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))[1]
    else:
        out, ref = ours(ag.tensor(x), ag.tensor(h)), theirs(torch.tensor(x), torch.tensor(h))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10)
    out.sum().backward()
    ref.sum().backward()
    assert_grads_match(ours, theirs, rtol=1e-9, atol=1e-12)


def test_parameter_names_and_shapes():
    lstm = nn.LSTM(3, 5)
    assert {n: p.shape for n, p in lstm.named_parameters()} == {
        "weight_ih_l0": (20, 3), "weight_hh_l0": (20, 5), "bias_ih_l0": (20,), "bias_hh_l0": (20,)}
    assert [n for n, _ in nn.GRUCell(2, 3).named_parameters()] == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_gradcheck_through_time(kind):
    layer = getattr(nn, kind)(2, 3)
    for p in layer.parameters():
        p.data = p.data.astype(np.float64)
    assert ag.gradcheck(lambda x: layer(x)[0], RNG.standard_normal((4, 2, 2)))


def test_errors():
    with pytest.raises(ValueError, match=r"LSTM.*last dimension 3.*\(5, 2, 4\)"):
        nn.LSTM(3, 4)(ag.randn(5, 2, 4, rng=0))
    with pytest.raises(ValueError, match=r"initial state.*\(1, 2, 4\)"):
        nn.GRU(3, 4)(ag.randn(5, 2, 3, rng=0), ag.zeros(2, 4))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_fused_and_composed_steps_agree(kind):
    fused, composed = getattr(nn, kind)(3, 4, fused=True), getattr(nn, kind)(3, 4, fused=False)
    composed.load_state_dict(fused.state_dict())
    x = RNG.standard_normal((5, 2, 3)).astype(np.float32)
    outs = []
    for layer in (fused, composed):
        xt = ag.tensor(x, requires_grad=True)
        out = layer(xt)
        out = out[0] if isinstance(out, tuple) else out
        out.sum().backward()
        outs.append((out.data, xt.grad.data, [p.grad.data for p in layer.parameters()]))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-5, atol=1e-6)
    for a, b in zip(outs[0][2], outs[1][2]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_without_bias_matches_torch(torch, kind):
    ours, theirs = getattr(nn, kind)(3, 4, bias=False), getattr(torch.nn, kind)(3, 4, bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    _run_sequence(torch, ours, theirs, RNG.standard_normal((5, 2, 3)))


def _state_pair(torch, kind, shape):
    arrays = [RNG.standard_normal(shape) for _ in range(2 if "LSTM" in kind else 1)]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batched", [True, False])
def test_gradients_reach_the_initial_state(torch, kind, batched):
    ours, theirs = getattr(nn, kind)(3, 4, batch_first=True), getattr(torch.nn, kind)(3, 4, batch_first=True).double()
    load_from_torch(ours, theirs)
    x = RNG.standard_normal((2, 5, 3) if batched else (5, 3))
    states, tstates = _state_pair(torch, kind, (1, 2, 4) if batched else (1, 4))
    pick = (lambda s: tuple(s)) if kind == "LSTM" else (lambda s: s[0])
    out, hn = ours(ag.tensor(x), pick(states))
    ref, ref_hn = theirs(torch.tensor(x), pick(tstates))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    last = hn[1] if kind == "LSTM" else hn
    ref_last = ref_hn[1] if kind == "LSTM" else ref_hn
    assert last.shape == tuple(ref_last.shape)
    u, v = RNG.standard_normal(out.shape), RNG.standard_normal(last.shape)
    ((out * u).sum() + (last * v).sum()).backward()
    ((ref * torch.tensor(u)).sum() + (ref_last * torch.tensor(v)).sum()).backward()
    for s, ts in zip(states, tstates):
        np.testing.assert_allclose(s.grad.data, ts.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert_grads_match(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given_state", [True, False])
def test_cells_match_torch_on_every_output_and_gradient(torch, kind, batched, given_state):
    ours, theirs = getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4).double()
    load_from_torch(ours, theirs)
    x = RNG.standard_normal((2, 3) if batched else (3,))
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    states, tstates = _state_pair(torch, kind, (2, 4) if batched else (4,))
    if given_state:
        pick = (lambda s: tuple(s)) if kind == "LSTMCell" else (lambda s: s[0])
        outs, refs = ours(xo, pick(states)), theirs(xt, pick(tstates))
    else:
        outs, refs = ours(xo), theirs(xt)
    outs, refs = (outs, refs) if kind == "LSTMCell" else ((outs,), (refs,))
    loss, ref_loss = 0.0, 0.0
    for out, ref in zip(outs, refs):
        assert out.shape == tuple(ref.shape)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        u = RNG.standard_normal(out.shape)
        loss, ref_loss = loss + (out * u).sum(), ref_loss + (ref * torch.tensor(u)).sum()
    loss.backward()
    ref_loss.backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    if given_state:
        for s, ts in zip(states, tstates):
            np.testing.assert_allclose(s.grad.data, ts.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert_grads_match(ours, theirs, rtol=1e-9, atol=1e-12)


def _bind(layer, tensors):
    """Point the layer's weight attributes at `tensors` (bypassing registration) so gradcheck can vary them."""
    for (name, _), t in zip(list(layer.named_parameters()), tensors):
        object.__setattr__(layer, name, t)


@pytest.mark.parametrize("kind,options", [("RNN", {}), ("RNNCell", {}), ("LSTMCell", {}), ("GRUCell", {})] + [
    (kind, {"fused": fused}) for kind in ("LSTM", "GRU") for fused in (True, False)])
def test_gradcheck_parameters_and_state(kind, options):
    layer = getattr(nn, kind)(2, 3, **options)
    params = [p.data.astype(np.float64) for p in layer.parameters()]
    cell = kind.endswith("Cell")
    x = RNG.standard_normal((2, 2) if cell else (3, 2, 2))
    h0 = RNG.standard_normal((2, 3) if cell else (1, 2, 3))
    lstm = "LSTM" in kind

    def f(x, h0, *weights):
        _bind(layer, weights)
        out = layer(x, (h0, h0 * 0.5) if lstm else h0)
        if cell:
            return ag.concatenate(list(out), axis=1) if lstm else out
        return ag.concatenate([out[0].reshape(-1), (out[1][1] if lstm else out[1]).reshape(-1)], axis=0)

    assert ag.gradcheck(f, [x, h0] + params)


def test_state_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"GRUCell: state must have shape \(2, 4\).*\(3, 4\)"):
        nn.GRUCell(3, 4)(ag.randn(2, 3, rng=0), ag.zeros(3, 4))
    with pytest.raises(ValueError, match=r"RNNCell: state must have shape \(4,\).*\(1, 4\)"):
        nn.RNNCell(3, 4)(ag.randn(3, rng=0), ag.zeros(1, 4))
    with pytest.raises(ValueError, match=r"LSTM: the state must be a pair \(h, c\)"):
        nn.LSTM(3, 4)(ag.randn(5, 2, 3, rng=0), ag.zeros(1, 2, 4))
    with pytest.raises(ValueError, match=r"LSTMCell: state must have shape \(2, 4\).*\(2, 5\)"):
        nn.LSTMCell(3, 4)(ag.randn(2, 3, rng=0), (ag.zeros(2, 4), ag.zeros(2, 5)))
    with pytest.raises(ValueError, match=r"RNN: initial state must have shape \(1, 4\)"):
        nn.RNN(3, 4)(ag.randn(5, 3, rng=0), ag.zeros(1, 1, 4))


def test_default_init_bounds_and_gru_docstring():
    gru = nn.GRU(5, 16)
    for p in gru.parameters():
        assert np.abs(p.data).max() <= 0.25 and np.abs(p.data).max() > 0.2 and p.dtype == np.float32
    assert "(1 - z)" in recurrent.__doc__ and "opposite" in recurrent.__doc__


@pytest.mark.parametrize("layer", [nn.RNN, nn.LSTM, nn.GRU])
def test_an_empty_sequence_is_a_clear_error(layer):
    with pytest.raises(ValueError, match=f"{layer.__name__}: expected a sequence of length at least 1"):
        layer(3, 4)(np.zeros((0, 2, 3), np.float32))


@pytest.mark.torch
@pytest.mark.parametrize("kind,options", [("RNN", {}), ("LSTM", {"fused": True}), ("LSTM", {"fused": False}),
                                          ("GRU", {"fused": True}), ("GRU", {"fused": False})])
@pytest.mark.parametrize("batch_first", [False, True])
def test_an_empty_batch_gives_empty_outputs_and_gradients_as_torch(torch, kind, options, batch_first):
    ours = getattr(nn, kind)(4, 3, batch_first=batch_first, **options)
    theirs = getattr(torch.nn, kind)(4, 3, batch_first=batch_first)
    x = np.zeros((0, 5, 4) if batch_first else (5, 0, 4), np.float32)
    xo = ag.tensor(x, requires_grad=True)
    out, state = ours(xo)
    ref, ref_state = theirs(torch.tensor(x))
    assert out.shape == tuple(ref.shape)
    for s, r in zip(state if kind == "LSTM" else (state,), ref_state if kind == "LSTM" else (ref_state,)):
        assert s.shape == tuple(r.shape) == (1, 0, 3)
    out.sum().backward()
    assert xo.grad.shape == x.shape
    assert all(p.grad is not None and not p.grad.data.any() for p in ours.parameters())


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_take_an_empty_batch_and_a_zero_hidden_size_as_torch(kind):
    empty = getattr(nn, kind)(4, 3)(np.zeros((0, 4), np.float32))
    sizeless = getattr(nn, kind)(4, 0)(np.ones((2, 4), np.float32))
    for out, shape in ((empty, (0, 3)), (sizeless, (2, 0))):
        assert [o.shape for o in (out if kind == "LSTMCell" else (out,))] == [shape] * (2 if kind == "LSTMCell" else 1)


@pytest.mark.parametrize("layer", [nn.RNN, nn.LSTM, nn.GRU])
def test_a_layer_without_hidden_units_is_refused_as_in_torch(layer):
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        layer(4, 0)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_fused_layers_give_the_composed_second_derivatives(kind):
    """create_graph differentiates the fused primitive's declared composed form: grad of grad as the op-by-op layer."""
    x = RNG.standard_normal((4, 2, 3))
    results = []
    for fused in (True, False):
        layer = getattr(nn, kind)(3, 2, fused=fused, rng=0)
        for p in layer.parameters():
            p.data = p.data.astype(np.float64)
        xt = ag.tensor(x, requires_grad=True)
        out, _ = layer(xt)
        (gx,) = ag.grad_of((out * out).sum(), [xt], create_graph=True)
        (gx * gx).sum().backward()
        results.append((gx.data, xt.grad.data, layer.weight_hh_l0.grad.data))
    for fused_value, composed_value in zip(*results):
        np.testing.assert_allclose(fused_value, composed_value, rtol=1e-10, atol=1e-12)


def test_batch_first_input_keeps_its_name_in_the_graph():
    lstm = nn.LSTM(3, 2, batch_first=True)
    x = ag.tensor(np.ones((4, 5, 3), np.float32), name="x")
    out, _ = lstm(x)
    out.sum().backward()
    assert "x (5, 4, 3)" in ag.draw_graph(out.sum()).source  # the time-major view the layer reads


# ---- stacked and bidirectional layers (v3) ------------------------------------------------------------
STACKS = [dict(num_layers=2), dict(bidirectional=True), dict(num_layers=3, bidirectional=True),
          dict(num_layers=2, bidirectional=True, batch_first=True), dict(num_layers=2, bias=False),
          dict(num_layers=2, dropout=0.5)]  # dropout in training mode is checked below; eval here


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("options", STACKS, ids=str)
def test_stacked_and_bidirectional_layers_match_torch(torch, kind, options):
    ours, theirs = getattr(nn, kind)(3, 4, **options), getattr(torch.nn, kind)(3, 4, **options)
    ours.eval()
    theirs.eval()
    shape = (2, 5, 3) if options.get("batch_first") else (5, 2, 3)
    _run_sequence(torch, ours, theirs, RNG.standard_normal(shape))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("unbatched", [False, True])
def test_stacked_bidirectional_initial_states_match_torch(torch, kind, unbatched):
    ours = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True)
    theirs = getattr(torch.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    shape = (4, 4) if unbatched else (4, 2, 4)
    parts = [RNG.standard_normal(shape) for _ in range(2 if kind == "LSTM" else 1)]
    state = tuple(ag.tensor(p, requires_grad=True) for p in parts)
    tstate = tuple(torch.tensor(p, requires_grad=True) for p in parts)
    x = RNG.standard_normal((6, 3) if unbatched else (6, 2, 3))
    _run_sequence(torch, ours, theirs, x, state if kind == "LSTM" else state[0],
                  tstate if kind == "LSTM" else tstate[0])
    for a, b in zip(state, tstate):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_stacked_parameter_names_shapes_and_output_shapes_are_torchs(torch, kind):
    ours = getattr(nn, kind)(3, 5, num_layers=2, bidirectional=True)
    theirs = getattr(torch.nn, kind)(3, 5, num_layers=2, bidirectional=True)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    out, state = ours(ag.randn(7, 2, 3, rng=0))
    assert out.shape == (7, 2, 10)
    for part in (state if kind == "LSTM" else (state,)):
        assert part.shape == (4, 2, 5)


def test_fused_and_op_by_op_stacks_agree():
    for kind in ("LSTM", "GRU"):
        fused = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, rng=1)
        slow = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, rng=1, fused=False)
        x = ag.randn(5, 2, 3, rng=2)
        np.testing.assert_allclose(fused(x)[0].data, slow(x)[0].data, rtol=1e-6, atol=1e-7)


def test_dropout_acts_between_layers_only_in_training():
    ag.manual_seed(0)
    lstm = nn.LSTM(3, 4, num_layers=2, dropout=1.0)  # p = 1 zeroes the second layer's input
    x = ag.randn(5, 2, 3, rng=0)
    out, (h, c) = lstm(x)
    only_biases = nn.LSTM(4, 4)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(only_biases, f"{name}_l0").data[...] = getattr(lstm, f"{name}_l1").data
    ref, (ref_h, _) = only_biases(ag.zeros(5, 2, 4))
    np.testing.assert_allclose(out.data, ref.data, rtol=1e-6)
    lstm.eval()
    assert not np.allclose(lstm(x)[0].data, out.data)  # no dropout in eval
    lstm.train()
    first_layer = nn.LSTM(3, 4)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(first_layer, f"{name}_l0").data[...] = getattr(lstm, f"{name}_l0").data
    np.testing.assert_allclose(h.data[0], first_layer(x)[1][0].data[0], rtol=1e-6)  # layer 0's state: no dropout


@pytest.mark.parametrize("kwargs,message", [
    (dict(num_layers=0), "num_layers must be greater than zero"),
    (dict(dropout=1.5), "dropout should be a number in range"),
    (dict(dropout=-0.1), "dropout should be a number in range")])
def test_stack_arguments_are_checked_as_torch(torch, kwargs, message):
    for lib in (nn, torch.nn):
        with pytest.raises(ValueError, match=message):
            lib.GRU(3, 4, **kwargs)


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


def test_stacked_state_shape_is_checked():
    with pytest.raises(ValueError, match=r"initial state must have shape \(4, 2, 4\)"):
        nn.GRU(3, 4, num_layers=2, bidirectional=True)(ag.randn(5, 2, 3, rng=0), ag.zeros(2, 2, 4))
