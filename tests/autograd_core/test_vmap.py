"""vmap: one example's function on a batch, against a loop over examples and against torch.func."""
import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F
from autograd_core.vmap import vmap
from nn.utils import functional_call

RNG = np.random.default_rng(0)
W = RNG.standard_normal((3, 4))
V = RNG.standard_normal(3)


def _loop(f, args, in_dims):
    size = next(np.shape(a)[d] for a, d in zip(args, in_dims) if d is not None)
    outs = [f(*[ag.tensor(np.take(a, k, axis=d)) if d is not None else a for a, d in zip(args, in_dims)])
            for k in range(size)]
    return np.stack([o.data for o in outs])


FUNCTIONS = [  # (id, f, argument shapes, in_dims)
    ("tanh_sum", lambda x: (x @ W).tanh().sum(), [(5, 3)], (0,)),
    ("vector_matrix", lambda x: x @ W, [(5, 3)], (0,)),
    ("matrix_vector", lambda a: a @ V, [(5, 4, 3)], (0,)),
    ("vector_vector", lambda x, y: x @ y, [(5, 3), (5, 3)], (0, 0)),
    ("matrix_batched_vector", lambda x, a: a @ x, [(5, 3), (4, 3)], (0, None)),
    ("batched_matrices", lambda a, b: a @ b, [(5, 2, 3), (5, 3, 4)], (0, 0)),
    ("unbatched_left_matrix", lambda a, b: a @ b, [(2, 3), (5, 3, 4)], (None, 0)),
    ("reductions", lambda x: x.sum(0) + x.amax(1).sum() + x.mean() + x.logsumexp(0).sum() + x.max(),
     [(5, 3, 4)], (0,)),
    ("softmax", lambda x: x.softmax(-1) * x.log_softmax(0), [(5, 3, 4)], (0,)),
    ("shapes", lambda x: x.reshape(12).reshape(4, 3).transpose((1, 0))[1:, ::2], [(5, 3, 4)], (0,)),
    ("index_arrays", lambda x: x[np.array([2, 0, 0])] * 2, [(5, 3, 4)], (0,)),
    ("new_axis", lambda x: x[None, :, 1] + x.unsqueeze(0)[:, :, 0], [(5, 3, 4)], (0,)),
    ("concat_stack", lambda x, y: ag.concatenate([x, y], 0) + ag.stack([x, y], -1).sum(-1).sum(0),
     [(5, 3), (3,)], (0, None)),
    ("broadcast_to", lambda x: ag.broadcast_to(x, (2, 3)) * 1.5, [(5, 3)], (0,)),
    ("where_mask", lambda x: ag.where(x > 0, x, x * 0.1), [(5, 3, 4)], (0,)),
    ("batch_axis_last", lambda x: (x * x).sum(), [(3, 5)], (-1,)),
    ("pad_clip", lambda x: ag.pad(x, ((1, 2),)).clip(-0.5, 0.5), [(5, 3)], (0,)),
]


@pytest.mark.parametrize("name,f,shapes,in_dims", FUNCTIONS, ids=[c[0] for c in FUNCTIONS])
def test_vmap_equals_a_loop(name, f, shapes, in_dims):
    args = [RNG.standard_normal(s) for s in shapes]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every op here has a batching rule: no loop
        got = vmap(f, in_dims=in_dims)(*args)
    np.testing.assert_allclose(got, _loop(f, args, in_dims), rtol=1e-12, atol=1e-12)


LAYERS = [
    ("mlp", lambda: nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3)), (7, 2, 4)),
    ("conv", lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()),
     (3, 2, 1, 4, 4)),
    ("lstm", lambda: nn.LSTM(3, 4), (3, 5, 2, 3)),
    ("gru", lambda: nn.GRU(3, 4), (3, 5, 2, 3)),
]


@pytest.mark.parametrize("name,make,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_vmap_of_a_layer_equals_a_loop_without_looping(name, make, shape):
    ag.manual_seed(0)
    layer = make().to(np.float64)
    x = RNG.standard_normal(shape)

    def f(xi):
        out = layer(xi)
        return out[0] if isinstance(out, tuple) else out
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = vmap(f)(x)
    np.testing.assert_allclose(got, _loop(f, [x], (0,)), rtol=1e-12, atol=1e-12)


def _mlp_loss_setup():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3)).to(np.float64)
    params = {k: p.data.copy() for k, p in model.named_parameters()}
    x, y = RNG.standard_normal((8, 6)), RNG.integers(0, 3, 8)

    def loss(p, xi, yi):
        return F.cross_entropy(functional_call(model, p, (xi[None],)), yi[None])
    return model, params, x, y, loss


def test_per_sample_gradients_equal_a_loop_of_grads():
    model, params, x, y, loss = _mlp_loss_setup()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per_sample = vmap(ag.grad(loss), in_dims=(None, 0, 0))(params, x, y)
    for k in range(len(y)):
        one = ag.grad(loss)(params, x[k], y[k])
        for name in params:
            np.testing.assert_allclose(per_sample[name][k], one[name], rtol=1e-12, atol=1e-14)


def test_per_sample_gradients_match_torch_func():
    torch = pytest.importorskip("torch")
    model, params, x, y, loss = _mlp_loss_setup()
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    tparams = {k: torch.tensor(v) for k, v in params.items()}

    def tloss(p, xi, yi):
        return torch.nn.functional.cross_entropy(torch.func.functional_call(theirs, p, (xi[None],)), yi[None])
    expected = torch.func.vmap(torch.func.grad(tloss), in_dims=(None, 0, 0))(tparams, torch.tensor(x),
                                                                             torch.tensor(y))
    got = vmap(ag.grad(loss), in_dims=(None, 0, 0))(params, x, y)
    for name in params:
        np.testing.assert_allclose(got[name], expected[name].numpy(), rtol=1e-10, atol=1e-12)


def test_dp_sgd_clipping_of_per_sample_gradient_norms():
    model, params, x, y, loss = _mlp_loss_setup()
    per_sample = vmap(ag.grad(loss), in_dims=(None, 0, 0))(params, x, y)
    norms = np.sqrt(sum((g.reshape(len(y), -1) ** 2).sum(1) for g in per_sample.values()))
    clipped = {k: g / np.maximum(1.0, norms / 0.1).reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in per_sample.items()}
    assert np.allclose(np.sqrt(sum((g.reshape(len(y), -1) ** 2).sum(1) for g in clipped.values())),
                       np.minimum(norms, 0.1))


def test_in_dims_pytrees_none_and_out_dims():
    x, y = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 3))
    f = lambda d, s: (d["a"] * s, d["a"].sum())  # noqa: E731
    out, total = vmap(f, in_dims=({"a": 1}, None), out_dims=(1, 0))({"a": y}, 2.0)
    np.testing.assert_allclose(out, y * 2.0)
    np.testing.assert_allclose(total, y.sum(0))
    np.testing.assert_allclose(vmap(lambda a, b: a + b, in_dims=(0, None))(x, x[0]), x + x[0])


def test_an_output_that_does_not_depend_on_the_batch_is_broadcast_or_kept_with_out_dims_none():
    x = RNG.standard_normal((3, 2))
    w = ag.tensor(np.ones(2))
    np.testing.assert_allclose(vmap(lambda a: w * 2)(x), np.full((3, 2), 2.0))
    out, same = vmap(lambda a: (a * 2, w * 3), out_dims=(0, None))(x)
    np.testing.assert_allclose(same, np.full(2, 3.0))


def test_chunk_size_gives_the_same_result():
    x = RNG.standard_normal((7, 3))
    f = lambda a: (a @ W).tanh()  # noqa: E731
    np.testing.assert_allclose(vmap(f, chunk_size=3)(x), vmap(f)(x), rtol=1e-15)


def test_nested_vmap_and_compositions_with_the_other_transforms():
    x = RNG.standard_normal((3, 4, 2))
    f = lambda a: (a * a).sum().sin() if hasattr(ag, "sin") else (a * a).sum().tanh()  # noqa: E731
    inner = vmap(vmap(f))(x)
    np.testing.assert_allclose(inner, _loop(lambda row: vmap(f)(row.data) * ag.tensor(1.0), [x], (0,)), rtol=1e-12)
    g = vmap(ag.grad(f))(x.reshape(12, 2))
    np.testing.assert_allclose(g, np.stack([ag.grad(f)(r) for r in x.reshape(12, 2)]), rtol=1e-12)
    h = vmap(ag.hessian(f))(x[0])
    np.testing.assert_allclose(h, np.stack([ag.hessian(f)(r) for r in x[0]]), rtol=1e-10)
    total = ag.grad(lambda a: vmap(f)(a).sum())(x[0])
    np.testing.assert_allclose(total, np.stack([ag.grad(f)(r) for r in x[0]]), rtol=1e-12)
    _, tangent = ag.jvp(lambda a: vmap(f)(a), (x[0],), (np.ones_like(x[0]),))
    np.testing.assert_allclose(tangent, np.stack([ag.jvp(f, (r,), (np.ones(2),))[1] for r in x[0]]), rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_a_value_computed_in_numpy_from_an_example_makes_vmap_loop_exactly_with_a_warning(seed):
    x = np.random.default_rng(seed).standard_normal((6, 3))
    x[1] = x[0][::-1]
    x[5] = x[0][[1, 2, 0]]  # the real probes agree on the statistic: the rearranged recording must catch it
    f = lambda a: a * float(np.abs(a.data).sum())  # noqa: E731  (numpy on .data: not an engine op)
    with pytest.warns(UserWarning, match="differs between examples.*once per example"):
        got = vmap(f)(x)
    np.testing.assert_allclose(got, x * np.abs(x).sum(1, keepdims=True))


@pytest.mark.parametrize("statistic", [lambda d: float(d.sum()), lambda d: float(np.linalg.norm(d)),
                                       lambda d: float(d.max())], ids=["sum", "norm", "max"])
def test_a_statistic_read_from_data_is_never_replayed_from_one_example(statistic):
    x = np.abs(np.random.default_rng(3).standard_normal((5, 4)))
    x[1] = x[0]  # two equal real examples
    f = lambda a: a * statistic(a.data)  # noqa: E731
    with pytest.warns(UserWarning, match="once per example"):
        got = vmap(f)(x)
    np.testing.assert_allclose(got, np.stack([row * statistic(row) for row in x]))


def test_two_examples_with_the_same_signs_do_not_hide_a_mask_computed_in_numpy():
    x = np.abs(RNG.standard_normal((4, 3))) * np.array([[1, -1, 1]] * 2 + [[-1, 1, 1]] * 2)
    f = lambda a: a * ag.tensor((a.data > 0).astype(float))  # noqa: E731
    with pytest.warns(UserWarning, match="once per example"):
        got = vmap(f)(x)
    np.testing.assert_allclose(got, x * (x > 0))


def test_randomness_same_draws_once_for_the_whole_batch():
    import nn.functional as F
    x = np.ones((5, 8))
    ag.manual_seed(3)
    got = vmap(lambda a: F.dropout(a, 0.5, training=True), randomness="same")(x)
    assert (got == got[0]).all() and set(np.unique(got)) <= {0.0, 2.0}
    after = ag.randn(3).data
    ag.manual_seed(3)
    F.dropout(ag.tensor(np.ones(8)), 0.5, training=True)  # one draw, as vmap made
    np.testing.assert_array_equal(ag.randn(3).data, after)


def test_randomness_different_gives_each_example_its_own_draws():
    import nn.functional as F
    x = np.ones((6, 8))
    with pytest.warns(UserWarning, match="randomness='different'"):
        got = vmap(lambda a: F.dropout(a, 0.5, training=True), randomness="different")(x)
    assert len({row.tobytes() for row in got}) > 1 and set(np.unique(got)) <= {0.0, 2.0}


def test_the_result_is_connected_to_an_outer_graph():
    w = ag.tensor(W, requires_grad=True)
    x = RNG.standard_normal((5, 3))
    out = vmap(lambda a: (a @ w).tanh().sum())(x)
    assert isinstance(out, ag.Tensor) and out.requires_grad
    out.sum().backward()
    wt = ag.tensor(W, requires_grad=True)
    (ag.tensor(x) @ wt).tanh().sum().backward()
    np.testing.assert_allclose(w.grad.data, wt.grad.data, rtol=1e-12)


ERRORS = [
    ("different_sizes", lambda: vmap(lambda a, b: a + b)(np.ones((3, 2)), np.ones((4, 2))), ValueError,
     "input 0: 3, input 1: 4"),
    ("in_dims_out_of_range", lambda: vmap(lambda a: a, in_dims=2)(np.ones((3, 2))), ValueError, "in_dims=2"),
    ("in_dims_length", lambda: vmap(lambda a, b: a, in_dims=(0,))(np.ones(3), np.ones(3)), ValueError,
     "one entry per argument"),
    ("nothing_batched", lambda: vmap(lambda a: a, in_dims=None)(np.ones(3)), ValueError, "no input is batched"),
    ("python_if", lambda: vmap(lambda a: a * 2 if a.sum() > 0 else a)(np.ones((3, 2))), RuntimeError,
     r"bool\(\).*batched value"),
    ("item", lambda: vmap(lambda a: a * a.sum().item())(np.ones((3, 2))), RuntimeError, r"item\(\)"),
    ("random_draw", lambda: vmap(lambda a: F.dropout(a, 0.5, training=True))(np.ones((3, 2))), RuntimeError,
     "randomness='error'"),
    ("in_place", lambda: vmap(lambda a: (a * 1).__iadd__(1.0))(np.ones((3, 2))), RuntimeError, "in place"),
    ("not_a_tensor", lambda: vmap(lambda a: 3.0)(np.ones(3)), TypeError, "must return Tensors"),
    ("randomness_unknown", lambda: vmap(lambda a: a, randomness="shared"), ValueError, "'shared'"),
]


@pytest.mark.parametrize("name,call,kind,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_what_vmap_cannot_batch_raises_a_clear_error(name, call, kind, match):
    with pytest.raises(kind, match=match):
        call()
