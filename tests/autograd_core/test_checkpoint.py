"""checkpoint: identical gradients (inputs and the parameters a block reads), less tape, more ops."""
import re

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.cost import gradient_cost


def make_mlp(seed=0, width=16, depth=4):
    rng = np.random.default_rng(seed)
    return [(ag.tensor(rng.standard_normal((width, width)) / 4, requires_grad=True),
             ag.tensor(rng.standard_normal(width) / 4, requires_grad=True)) for _ in range(depth)]


def block(h, w, b):
    return (h @ w.T + b).tanh().tanh()


def mlp(x, layers, checkpointed):
    h = x
    for w, b in layers:
        h = ag.checkpoint(block, h, w, b) if checkpointed else block(h, w, b)
    return (h * h).sum()


def test_gradients_identical_to_the_plain_call():
    layers = make_mlp()
    x = ag.tensor(np.random.default_rng(1).standard_normal((8, 16)), requires_grad=True)
    grads = []
    for checkpointed in (False, True):
        for t in [x] + [p for layer in layers for p in layer]:
            t.grad = None
        mlp(x, layers, checkpointed).backward()
        grads.append([t.grad.data.copy() for t in [x] + [p for layer in layers for p in layer]])
    for plain, recomputed in zip(*grads):
        np.testing.assert_array_equal(recomputed, plain)


def test_parameters_read_from_a_module_get_their_gradients():
    lin = nn.Linear(5, 5).to(np.float64)
    x = ag.tensor(np.random.default_rng(2).standard_normal((3, 5)), requires_grad=True)
    (lin(x).tanh() ** 2).sum().backward()
    expected = [lin.weight.grad.data.copy(), lin.bias.grad.data.copy(), x.grad.data.copy()]
    lin.zero_grad()
    x.grad = None
    (ag.checkpoint(lambda h: lin(h).tanh(), x) ** 2).sum().backward()
    for got, want in zip([lin.weight.grad.data, lin.bias.grad.data, x.grad.data], expected):
        np.testing.assert_array_equal(got, want)


def test_checkpoint_composes_with_transforms():
    layers = [(w.data, b.data) for w, b in make_mlp(width=4, depth=2)]
    x = np.random.default_rng(3).standard_normal((2, 4))
    plain = ag.grad(lambda ps: mlp(ag.tensor(x), ps, False))(layers)
    recomputed = ag.grad(lambda ps: mlp(ag.tensor(x), ps, True))(layers)
    for (gw, gb), (hw, hb) in zip(plain, recomputed):
        np.testing.assert_allclose(hw, gw, rtol=1e-12)
        np.testing.assert_allclose(hb, gb, rtol=1e-12)
    v = np.ones_like(x)
    f = lambda ps: lambda t: mlp(t, ps, True)
    np.testing.assert_allclose(ag.hvp(f(layers), x, v), ag.hvp(lambda t: mlp(t, layers, False), x, v), rtol=1e-10)


def test_ledger_shows_tape_bytes_down_and_ops_up():
    layers = [(w.data, b.data) for w, b in make_mlp(width=64, depth=6)]
    x = np.random.default_rng(4).standard_normal((32, 64))
    flat = [p for layer in layers for p in layer]

    def run(checkpointed):
        def f(x, *ps):
            return mlp(x, list(zip(ps[::2], ps[1::2])), checkpointed)
        return gradient_cost(f, x, *flat)
    plain, recomputed = run(False), run(True)
    assert recomputed["tape_bytes"] < 0.6 * plain["tape_bytes"]
    assert recomputed["ops"] > plain["ops"]


def split_block(h, w, b):
    """Three outputs of different shapes from one segment, as a tuple and as a dict."""
    z = (h @ w.T + b).tanh()
    return z, (z * z).sum(axis=1), z[:, :2].exp()


@pytest.mark.parametrize("pack", [lambda *outs: outs, lambda z, s, e: {"z": z, "rest": [s, e]}],
                         ids=["tuple", "dict"])
def test_several_outputs_give_the_values_and_gradients_of_the_plain_call(pack):
    (w, b), = make_mlp(seed=5, width=6, depth=1)
    x = ag.tensor(np.random.default_rng(6).standard_normal((3, 6)), requires_grad=True)
    u = [np.random.default_rng(7).standard_normal(s) for s in [(3, 6), (3,), (3, 2)]]
    results = []
    for run in (lambda f, *a: f(*a), ag.checkpoint):
        for t in (x, w, b):
            t.grad = None
        out = run(lambda *a: pack(*split_block(*a)), x, w, b)
        z, s, e = out if isinstance(out, tuple) else (out["z"], *out["rest"])
        ((z * u[0]).sum() + (s * u[1]).sum() + (e * u[2]).sum()).backward()
        results.append([z.data, s.data, e.data] + [t.grad.data.copy() for t in (x, w, b)])
    assert isinstance(out, type(pack(1, 2, 3)))
    for plain, recomputed in zip(*results):
        assert recomputed.shape == plain.shape
        np.testing.assert_allclose(recomputed, plain, rtol=1e-13, atol=1e-15)


def test_several_outputs_compose_with_transforms():
    (w, b), = [(w.data, b.data) for w, b in make_mlp(seed=9, width=4, depth=1)]
    x = np.random.default_rng(10).standard_normal((2, 4))

    def loss(x, w, b, checkpointed):
        z, s, e = ag.checkpoint(split_block, x, w, b) if checkpointed else split_block(x, w, b)
        return (z ** 3).sum() + (s * s).sum() + e.sum()
    plain = ag.grad(lambda *a: loss(*a, False), (0, 1, 2))(x, w, b)
    recomputed = ag.grad(lambda *a: loss(*a, True), (0, 1, 2))(x, w, b)
    for got, want in zip(recomputed, plain):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    v = np.ones_like(x)
    np.testing.assert_allclose(ag.hvp(lambda t: loss(t, w, b, True), x, v),
                               ag.hvp(lambda t: loss(t, w, b, False), x, v), rtol=1e-10)


def test_checkpoint_requires_tensor_results_of_one_dtype():
    t = ag.tensor(np.array([1.0]), requires_grad=True)
    with pytest.raises(TypeError, match=re.escape("checkpoint: the function must return a Tensor (or a pytree of "
                                                  "Tensors), got float")):
        ag.checkpoint(lambda t: (t, 2.0), t)
    with pytest.raises(TypeError, match=re.escape("checkpoint: fn's outputs must share one dtype, "
                                                  "got ['float64', 'float32']")):
        ag.checkpoint(lambda t: (t * 2, t.astype(np.float32)), t)


@pytest.mark.torch
def test_checkpointed_gradients_match_torch_checkpoint():
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint
    layers = make_mlp(seed=7, width=6, depth=3)
    x = np.random.default_rng(8).standard_normal((4, 6))
    ours_x = ag.tensor(x, requires_grad=True)
    mlp(ours_x, layers, checkpointed=True).backward()
    tx = torch.tensor(x, requires_grad=True)
    tlayers = [(torch.tensor(w.data, requires_grad=True), torch.tensor(b.data, requires_grad=True)) for w, b in layers]
    h = tx
    for w, b in tlayers:
        h = torch_checkpoint(lambda h, w, b: torch.tanh(torch.tanh(h @ w.T + b)), h, w, b, use_reentrant=False)
    (h * h).sum().backward()
    np.testing.assert_allclose(ours_x.grad.data, tx.grad.numpy(), rtol=1e-12)
    for (w, b), (tw, tb) in zip(layers, tlayers):
        np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(b.grad.data, tb.grad.numpy(), rtol=1e-12)


def _random_block(rng=None):
    """Linear -> dropout -> RReLU -> Linear, every draw from `rng` (None: the default generator)."""
    return nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5, rng=rng), nn.RReLU(rng=rng),
                         nn.Linear(8, 3)).to(np.float64)


def _loss_and_grads(model, x, checkpointed):
    for p in model.parameters():
        p.grad = None
    x.grad = None
    out = ag.checkpoint(model, x) if checkpointed else model(x)
    loss = (out ** 2).sum()
    loss.backward()
    return loss.item(), [p.grad.data.copy() for p in model.parameters()] + [x.grad.data.copy()]


@pytest.mark.parametrize("source", ["default", "generator", "seed"])
def test_recomputation_draws_the_first_runs_random_numbers(source):
    """A checkpointed block with dropout and RReLU trains on the gradient of the network whose loss it reports."""
    def run(checkpointed):
        ag.manual_seed(0)
        model = _random_block({"default": None, "generator": np.random.default_rng(5), "seed": 5}[source])
        x = ag.tensor(np.random.default_rng(1).standard_normal((4, 6)), requires_grad=True)
        return _loss_and_grads(model, x, checkpointed)
    (plain_loss, plain), (loss, recomputed) = run(False), run(True)
    assert loss == plain_loss
    for got, want in zip(recomputed, plain):
        np.testing.assert_array_equal(got, want)


def test_generators_continue_after_backward_as_if_nothing_was_recomputed():
    rng = np.random.default_rng(3)
    x = ag.tensor(np.ones((2, 5)), requires_grad=True)
    ag.manual_seed(4)
    plain = [nn.functional.dropout(x, 0.5, rng=rng).data, nn.functional.dropout(x, 0.5).data]
    after = [rng.random(3), ag.default_generator().random(3)]
    rng = np.random.default_rng(3)
    ag.manual_seed(4)
    out = ag.checkpoint(lambda h: nn.functional.dropout(nn.functional.dropout(h, 0.5, rng=rng), 0.5), x)
    out.sum().backward()
    np.testing.assert_array_equal(out.data, plain[0] * plain[1])
    np.testing.assert_array_equal(x.grad.data, plain[0] * plain[1])
    np.testing.assert_array_equal(rng.random(3), after[0])
    np.testing.assert_array_equal(ag.default_generator().random(3), after[1])


def test_a_manual_seed_between_forward_and_backward_does_not_change_the_masks():
    x = ag.tensor(np.ones(200), requires_grad=True)
    ag.manual_seed(0)
    out = ag.checkpoint(lambda h: nn.functional.dropout(h, 0.5) * 3, x)
    ag.manual_seed(123)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)


def test_retained_graph_replays_the_same_masks_every_backward():
    x = ag.tensor(np.ones(50), requires_grad=True)
    out = ag.checkpoint(lambda h: nn.functional.dropout(h, 0.3), x).sum()
    grads = []
    for _ in range(2):
        x.grad = None
        out.backward(retain_graph=True)
        grads.append(x.grad.data.copy())
    np.testing.assert_array_equal(grads[0], grads[1])
    np.testing.assert_array_equal(grads[0] != 0, grads[0] == 1 / 0.7)


def test_nested_checkpoints_keep_their_draws():
    x = ag.tensor(np.random.default_rng(2).standard_normal((3, 4)), requires_grad=True)

    def inner(h):
        return nn.functional.dropout(h.tanh(), 0.5)

    def outer(h):
        return nn.functional.dropout(ag.checkpoint(inner, h) * 2, 0.5)
    grads = []
    for nested in (False, True):
        ag.manual_seed(6)
        x.grad = None
        (ag.checkpoint(outer, x) if nested else outer(x)).sum().backward()
        grads.append(x.grad.data.copy())
    np.testing.assert_array_equal(grads[1], grads[0])


@pytest.mark.torch
def test_dropout_gradient_is_the_reported_networks_as_torch_preserve_rng_state():
    """torch's checkpoint with preserve_rng_state=True: the gradient equals the gradient of the masked output."""
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint
    x = np.random.default_rng(3).standard_normal((5, 7))
    results = []
    for run in ("ours", "torch"):
        if run == "ours":
            t = ag.tensor(x, requires_grad=True)
            out = ag.checkpoint(lambda h: nn.functional.dropout(h.tanh(), 0.5), t)
        else:
            torch.manual_seed(0)
            t = torch.tensor(x, requires_grad=True)
            out = torch_checkpoint(lambda h: torch.nn.functional.dropout(h.tanh(), 0.5), t,
                                   use_reentrant=False, preserve_rng_state=True)
        (out * out).sum().backward()
        kept = (out.detach().numpy() if run == "torch" else out.data) != 0
        dtanh = 1 - np.tanh(x) ** 2
        # d/dx sum((mask * 2 * tanh x)^2) = 2 * out * mask * 2 * dtanh
        expected = 2 * (out.detach().numpy() if run == "torch" else out.data) * kept * 2 * dtanh
        results.append((t.grad.numpy() if run == "torch" else t.grad.data, expected))
    for got, expected in results:
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_an_autograd_core_generator_is_replayed_even_if_reseeded_before_backward():
    g = ag.Generator().manual_seed(11)
    x = ag.tensor(np.ones(6), requires_grad=True)
    out = ag.checkpoint(lambda h: h * ag.randn(6, generator=g, dtype=np.float64), x)
    g.manual_seed(99)
    after = ag.randn(3, generator=ag.Generator().manual_seed(99)).data
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)
    np.testing.assert_array_equal(ag.randn(3, generator=g).data, after)
