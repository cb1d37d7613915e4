"""Shape ops against PyTorch: values, gradients, and which results share memory with their input."""
import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch")

# (id, shape, op): `op(lib, x)` runs the same code on an autograd_core and on a torch tensor
CASES = [
    ("transpose-1d", (4,), lambda lib, x: x.transpose(0, -1)),
    ("transpose-2d-swap", (2, 3), lambda lib, x: x.transpose(0, 1)),
    ("transpose-2d-neg", (2, 3), lambda lib, x: x.transpose(-1, 0)),
    ("transpose-3d", (2, 3, 4), lambda lib, x: x.transpose(1, 2)),
    ("transpose-4d", (2, 3, 4, 5), lambda lib, x: x.transpose(0, 3)),
    ("transpose-4d-same", (2, 3, 4, 5), lambda lib, x: x.transpose(2, 2)),
    ("transpose-fn", (2, 3, 4), lambda lib, x: lib.transpose(x, 0, 2)),
    ("transpose-0d", (), lambda lib, x: x.transpose(0, -1)),
    ("T", (2, 3), lambda lib, x: x.T),
    ("mT", (2, 3, 4), lambda lib, x: x.mT),
    ("permute", (2, 3, 4), lambda lib, x: x.permute(2, 0, 1)),
    ("permute-tuple", (2, 3, 4), lambda lib, x: x.permute((1, -1, 0))),
    ("permute-2d-identity", (2, 3), lambda lib, x: x.permute(0, 1)),
    ("swapaxes", (2, 3, 4), lambda lib, x: x.swapaxes(0, 2)),
    ("swapdims", (2, 3, 4), lambda lib, x: x.swapdims(-1, 1)),
    ("movedim", (2, 3, 4), lambda lib, x: x.movedim(0, -1)),
    ("movedim-tuple", (2, 3, 4, 5), lambda lib, x: lib.movedim(x, (0, 1), (3, 0))),
    ("view", (2, 3, 4), lambda lib, x: x.view(4, -1)),
    ("view-tuple", (2, 3, 4), lambda lib, x: x.view((6, 4))),
    ("view-0d", (), lambda lib, x: x.view(1, 1)),
    ("view-to-0d", (1,), lambda lib, x: x.view(())),
    ("view-empty", (0, 3), lambda lib, x: x.view(3, 0)),
    ("view-of-slice", (4, 6), lambda lib, x: x[:, 2:].view(4, 2, 2)),
    ("view-of-split", (2, 3, 12), lambda lib, x: x.split(4, -1)[1].view(2, 3, 2, 2)),
    ("view-transposed-ok", (3, 4, 5), lambda lib, x: x.transpose(0, 1).view(4, 3, 5, 1)),
    ("view-step-slice", (4, 6), lambda lib, x: x[::2].view(2, 2, 3)),
    ("view-expanded", (3, 1), lambda lib, x: x.expand(3, 4).view(3, 2, 2)),
    ("view_as", (2, 6), lambda lib, x: x.view_as(lib.zeros(3, 4))),
    ("reshape-copy", (3, 4), lambda lib, x: x.t().reshape(-1) if lib is torch else x.T.reshape(-1)),
    ("reshape-view", (3, 4), lambda lib, x: x.reshape(2, 6)),
    ("flatten", (2, 3, 4), lambda lib, x: x.flatten(1)),
    ("flatten-mid", (2, 3, 4, 5), lambda lib, x: x.flatten(1, 2)),
    ("flatten-0d", (), lambda lib, x: x.flatten()),
    ("unflatten", (2, 12), lambda lib, x: x.unflatten(1, (3, -1))),
    ("unflatten-neg", (2, 12), lambda lib, x: x.unflatten(-1, (2, 2, 3))),
    ("split-int", (5, 3), lambda lib, x: x.split(2)),
    ("split-sizes", (2, 6), lambda lib, x: x.split([1, 3, 2], dim=1)),
    ("split-neg-dim", (2, 3, 4), lambda lib, x: x.split(3, -1)),
    ("split-fn", (6,), lambda lib, x: lib.split(x, 4)),
    ("split-empty", (0, 2), lambda lib, x: x.split(2)),
    ("chunk", (5, 2), lambda lib, x: x.chunk(3)),
    ("chunk-more", (6,), lambda lib, x: x.chunk(4)),
    ("chunk-dim", (2, 7), lambda lib, x: x.chunk(2, dim=-1)),
    ("chunk-empty", (0,), lambda lib, x: x.chunk(3)),
    ("unbind", (3, 2), lambda lib, x: x.unbind()),
    ("unbind-dim", (2, 3, 4), lambda lib, x: x.unbind(-1)),
    ("narrow", (4, 5), lambda lib, x: x.narrow(1, 1, 3)),
    ("narrow-neg", (4, 5), lambda lib, x: x.narrow(0, -2, 2)),
    ("flip", (3, 4), lambda lib, x: x.flip(0)),
    ("flip-many", (2, 3, 4), lambda lib, x: x.flip(0, -1)),
    ("flip-tuple", (2, 3, 4), lambda lib, x: lib.flip(x, (1, 2))),
    ("flip-0d", (), lambda lib, x: x.flip(())),
    ("roll", (5,), lambda lib, x: x.roll(2)),
    ("roll-neg", (3, 4), lambda lib, x: x.roll(-1, 1)),
    ("roll-flat", (3, 4), lambda lib, x: x.roll(5)),
    ("roll-many", (3, 4), lambda lib, x: x.roll((1, -3), (0, 1))),
    ("roll-zero", (3, 4), lambda lib, x: x.roll(0, 0)),
    ("repeat", (2, 3), lambda lib, x: x.repeat(2, 3)),
    ("repeat-lead", (3,), lambda lib, x: x.repeat(2, 1, 2)),
    ("repeat-ones", (2, 3), lambda lib, x: x.repeat(1, 1)),
    ("repeat-zero", (2, 3), lambda lib, x: x.repeat(0, 2)),
    ("repeat-0d", (), lambda lib, x: x.repeat(3)),
    ("repeat-broadcast-row", (1, 3), lambda lib, x: x.repeat(2, 1)),
    ("repeat_interleave", (2, 3), lambda lib, x: x.repeat_interleave(2)),
    ("repeat_interleave-dim", (2, 3), lambda lib, x: x.repeat_interleave(3, dim=1)),
    ("repeat_interleave-one", (2, 3), lambda lib, x: x.repeat_interleave(1, dim=0)),
    ("repeat_interleave-counts", (3, 2), lambda lib, x: x.repeat_interleave(lib.tensor([1, 0, 2]), dim=0)),
    ("tile", (2, 3), lambda lib, x: x.tile((2,))),
    ("tile-more", (2, 3), lambda lib, x: lib.tile(x, (2, 1, 2))),
    ("expand", (3, 1), lambda lib, x: x.expand(2, 3, 4)),
    ("expand-keep", (3, 1), lambda lib, x: x.expand(-1, 5)),
    ("expand_as", (1, 4), lambda lib, x: x.expand_as(lib.zeros(3, 4))),
    ("tril", (3, 4), lambda lib, x: x.tril()),
    ("tril-k", (4, 3), lambda lib, x: x.tril(-1)),
    ("tril-batched", (2, 3, 3), lambda lib, x: lib.tril(x, 1)),
    ("triu", (3, 4), lambda lib, x: x.triu()),
    ("triu-k", (2, 4, 3), lambda lib, x: x.triu(2)),
    ("triu-empty", (0, 3), lambda lib, x: x.triu()),
    ("diag-vec", (3,), lambda lib, x: x.diag()),
    ("diag-vec-k", (3,), lambda lib, x: lib.diag(x, -2)),
    ("diag-mat", (3, 4), lambda lib, x: x.diag(1)),
    ("diagonal", (3, 4), lambda lib, x: x.diagonal()),
    ("diagonal-args", (2, 3, 4), lambda lib, x: x.diagonal(offset=-1, dim1=2, dim2=0)),
    ("diagonal-far", (3, 3), lambda lib, x: x.diagonal(5)),
    ("diag_embed", (2, 3), lambda lib, x: x.diag_embed()),
    ("diag_embed-args", (2, 3), lambda lib, x: lib.diag_embed(x, 1, 0, 2)),
    ("trace", (3, 4), lambda lib, x: x.trace()),
    ("contiguous-noop", (3, 4), lambda lib, x: x.contiguous()),
    ("contiguous-copy", (3, 4), lambda lib, x: x.transpose(0, 1).contiguous()),
    ("clamp", (3, 4), lambda lib, x: x.clamp(-0.5, 0.5)),
    ("clamp-kw", (3, 4), lambda lib, x: x.clamp(max=0.1)),
    ("clip-kw", (3, 4), lambda lib, x: lib.clip(x, min=-0.2)),
    ("clamp-crossed", (3, 4), lambda lib, x: lib.clamp(x, 0.5, -0.5)),
    ("clamp_min", (3, 4), lambda lib, x: x.clamp_min(0.0)),
    ("clamp_max", (3, 4), lambda lib, x: lib.clamp_max(x, 0.0)),
    ("clamp-tensor", (3, 4), lambda lib, x: x.clamp(min=x[0] * 0.5, max=x[1].abs())),
]

# Ops whose result torch makes share its input's memory (checked against torch too, per case)
VIEWS = {"transpose", "T", "mT", "permute", "swapaxes", "swapdims", "movedim", "view", "view_as", "reshape", "flatten",
         "unflatten", "split", "chunk", "unbind", "narrow", "expand", "expand_as", "diagonal", "contiguous"}


def _pieces(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


@pytest.mark.parametrize("shape,op", [pytest.param(s, f, id=i) for i, s, f in CASES])
def test_value_and_gradient_match_torch(shape, op):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    ours = ag.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    outs, touts = _pieces(op(ag, ours)), _pieces(op(torch, theirs))
    assert len(outs) == len(touts)
    weights = [rng.standard_normal(tuple(t.shape)) for t in touts]
    for o, t in zip(outs, touts):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-12, atol=0)
    if not any(t.requires_grad for t in touts):
        return
    sum((o * w).sum() for o, w in zip(outs, weights)).backward()
    sum((t * torch.tensor(w)).sum() for t, w in zip(touts, weights)).backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape,op", [pytest.param(s, f, id=i) for i, s, f in CASES if 0 not in s])
def test_shares_memory_exactly_where_torch_does(shape, op):
    x = np.random.default_rng(0).standard_normal(shape)
    ours, theirs = ag.tensor(x), torch.tensor(x)
    for o, t in zip(_pieces(op(ag, ours)), _pieces(op(torch, theirs))):
        if t.numel() == 0:
            continue
        torch_shares = t.untyped_storage().data_ptr() == theirs.untyped_storage().data_ptr()
        assert np.shares_memory(o.data, ours.data) == torch_shares


def test_views_share_writes_with_their_base():
    x = ag.zeros(3, 4)
    x.view(2, 6)[1, 0] = 1.0
    x.T[0, 2] = 2.0
    x.diagonal()[1] = 3.0
    x.split(2, 1)[1][0, 0] = 4.0
    np.testing.assert_array_equal(x.data, [[0, 0, 4, 0], [0, 3, 1, 0], [2, 0, 0, 0]])


@pytest.mark.parametrize("make,shape", [
    (lambda lib: lib.zeros(3, 4).T, (-1,)),
    (lambda lib: lib.zeros(3, 4).T, (12, 1)),
    (lambda lib: lib.zeros(3, 4).T, (4, 3, 1)),
    (lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1), (4, 6)),
    (lambda lib: lib.zeros(2, 3, 4).permute(1, 0, 2), (6, 4)),
    (lambda lib: lib.zeros(2, 3, 4).permute(0, 2, 1), (2, 12)),
    (lambda lib: lib.zeros(4, 6)[:, ::2], (-1,)),
    (lambda lib: lib.zeros(4, 6)[:, :3], (-1,)),
    (lambda lib: lib.zeros(4, 6)[::2, ::3], (2, 2, 1)),
    (lambda lib: lib.zeros(3, 1).expand(3, 4), (-1,)),
    (lambda lib: lib.zeros(3, 1).expand(3, 4), (3, 2, 2)),
    (lambda lib: lib.zeros(1, 4).expand(3, 4), (12,)),
    (lambda lib: lib.zeros(2, 3, 4)[:, 1:], (2, 8)),
    (lambda lib: lib.zeros(2, 3, 4)[:, 1:], (4, 4)),
    (lambda lib: lib.zeros(2, 1, 4)[..., 1:], (2, 3)),
])
def test_view_fails_exactly_where_torch_does(make, shape):
    """A view exists (sharing memory) wherever torch's does; elsewhere both raise, ours suggesting reshape."""
    try:
        make(torch).view(*shape)
    except RuntimeError:
        with pytest.raises(RuntimeError, match=r"view.*Use \.reshape"):
            make(ag).view(*shape)
    else:
        base = make(ag)
        out = base.view(*shape)
        assert np.shares_memory(out.data, base.data) and out.shape == tuple(make(torch).view(*shape).shape)


@pytest.mark.parametrize("call,match", [
    (lambda x: x.view(5), r"view.*\[5\].*size 12"),
    (lambda x: x.view(-1, -1), "view"),
    (lambda x: x.split(0), "split"),
    (lambda x: x.split([1, 1]), "split.*sum to 3"),
    (lambda x: x.chunk(0), "chunk"),
    (lambda x: x.narrow(0, 2, 2), "narrow"),
    (lambda x: x.repeat(2), "repeat"),
    (lambda x: x.unflatten(1, (3, -1)), "unflatten"),
    (lambda x: x.diagonal(0, 1, 1), "diagonal"),
    (lambda x: x.permute(0, 0), "permute"),
    (lambda x: x.permute(0), "permute"),
    (lambda x: x.transpose(0, 2), "transpose"),
    (lambda x: x[0].mT, "mT"),
    (lambda x: x[0].tril(), "tril"),
])
def test_bad_arguments_raise_naming_the_op(call, match):
    x = ag.zeros(3, 4)
    with pytest.raises((ValueError, RuntimeError), match=match):
        call(x)
    with pytest.raises((ValueError, RuntimeError, IndexError)):
        call(torch.zeros(3, 4))


def test_transpose_keeps_numpy_permutations():
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(x.transpose().data, np.arange(24.0).reshape(2, 3, 4).T)
    np.testing.assert_array_equal(x.transpose(1, 2, 0).data, np.arange(24.0).reshape(2, 3, 4).transpose(1, 2, 0))
    np.testing.assert_array_equal(ag.transpose(x, axes=(2, 1, 0)).data, np.arange(24.0).reshape(2, 3, 4).T)
    np.testing.assert_array_equal(np.transpose(x, (0, 2, 1)).data, np.arange(24.0).reshape(2, 3, 4).transpose(0, 2, 1))


@pytest.mark.parametrize("make,shares", [
    (lambda a: ag.tensor(a), False),
    (lambda a: ag.Tensor(a), False),
    (lambda a: ag.Tensor(a, requires_grad=True), False),
    (lambda a: ag.from_numpy(a), True),
    (lambda a: ag.as_tensor(a), True),
    (lambda a: ag.as_tensor(a, dtype=np.float32), False),  # a conversion must copy
])
def test_tensor_copies_and_from_numpy_shares_as_torch(make, shares):
    a = np.arange(6.0).reshape(2, 3)
    t = make(a)
    a[0, 0] = 42.0
    assert (t.data[0, 0] == 42.0) == shares
    b = np.arange(6.0).reshape(2, 3)
    theirs = {True: torch.from_numpy, False: torch.tensor}[shares](b)
    assert np.shares_memory(theirs.numpy(), b) == shares  # torch's own behaviour, which we mirror


def test_as_tensor_returns_a_tensor_as_is_and_from_numpy_wants_an_array():
    t = ag.zeros(3)
    assert ag.as_tensor(t) is t
    with pytest.raises(TypeError, match="from_numpy"):
        ag.from_numpy([1.0, 2.0])
    assert ag.as_tensor([1.0, 2.0]).dtype == np.float32


@pytest.mark.parametrize("fn", [
    lambda a: np.flip(a), lambda a: np.flip(a, 1), lambda a: np.roll(a, 2), lambda a: np.roll(a, -1, axis=0),
    lambda a: np.tril(a, -1), lambda a: np.triu(a, 1), lambda a: np.diagonal(a, 1),
    lambda a: np.trace(a), lambda a: np.trace(a, -1), lambda a: np.moveaxis(a, 0, -1), lambda a: np.tile(a, 2),
    lambda a: np.tile(a, (2, 1, 1)), lambda a: np.repeat(a, 2), lambda a: np.repeat(a, [1, 0, 2], axis=0),
    lambda a: np.transpose(a, (1, 0)), lambda a: np.swapaxes(a, 0, 1),
])
def test_numpy_layout_functions_keep_numpys_meaning_on_tensors(fn):
    a = np.arange(12.0).reshape(3, 4)
    t = ag.tensor(a, requires_grad=True)
    out = fn(t)
    assert isinstance(out, ag.Tensor)
    np.testing.assert_array_equal(out.data, fn(a))
    assert ag.gradcheck(fn, [a])


_PRIMITIVE_CASES = ("flip", "diagonal", "diag_embed", "diag", "contiguous", "tril", "triu", "roll", "movedim", "view",
                    "trace", "repeat")


@pytest.mark.parametrize("shape,op", [pytest.param(s, f, id=i) for i, s, f in CASES if 0 not in s
                                      and i != "contiguous-noop" and i.split("-")[0] in _PRIMITIVE_CASES])
def test_batched_forward_jacobian_equals_reverse(shape, op):
    """jacfwd pushes all tangent directions through each primitive at once (its batch rule)."""
    x = np.random.default_rng(0).standard_normal(shape)
    np.testing.assert_allclose(ag.jacfwd(lambda t: op(ag, t))(x), ag.jacrev(lambda t: op(ag, t))(x), rtol=0, atol=0)


@pytest.mark.filterwarnings("error::UserWarning")  # vmap warns when an op falls back to a loop
@pytest.mark.parametrize("shape,op", [pytest.param(s, f, id=i) for i, s, f in CASES if s and 0 not in s])
def test_vmap_runs_each_op_batched_without_a_loop(shape, op):
    x = np.random.default_rng(0).standard_normal((3,) + shape)
    first = lambda t: _pieces(op(ag, t))[0]  # noqa: E731
    expected = np.stack([first(ag.tensor(xi)).data for xi in x])
    np.testing.assert_array_equal(ag.vmap(first)(x), expected)


def test_shape_ops_export_to_onnx(tmp_path):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from autograd_core import onnx as ag_onnx

    def f(t):
        return (t.tril() + t.triu(1).roll(1, 0) + t.flip(1) + t.T.contiguous().view(4, 3).T
                + t.repeat(1, 2)[:, :4] + t.split(2, 1)[1].repeat(1, 2) + t.unsqueeze(0).repeat_interleave(2, 0)[1])
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    ag_onnx.export(f, (x,), tmp_path / "shape.onnx")
    session = ort.InferenceSession(str(tmp_path / "shape.onnx"))
    np.testing.assert_allclose(session.run(None, {session.get_inputs()[0].name: x})[0], f(ag.tensor(x)).data, rtol=1e-6)


def test_tensor_of_a_torch_tensor_copies_and_keeps_its_dtype():
    theirs = torch.arange(3, dtype=torch.float64)
    ours, shared = ag.tensor(theirs), ag.as_tensor(theirs)
    theirs[0] = 7.0
    assert ours.dtype == np.float64 and ours.data[0] == 0.0 and shared.data[0] == 7.0


@pytest.mark.parametrize("change", [
    lambda lib, y: y.diagonal(1).__imul__(3),
    lambda lib, y: y.diagonal(0, 1, 0).__setitem__(0, 5.0),
    lambda lib, y: y.transpose(0, 1).diagonal().__iadd__(y[0, :3]),
])
def test_in_place_through_diagonal_reaches_the_base_as_torch(change):
    a = np.random.default_rng(0).standard_normal((3, 4))
    grads = []
    for lib in (ag, torch):
        x = lib.tensor(a, requires_grad=True)
        y = x * 2
        change(lib, y)
        (y * y).sum().backward()
        grads.append(np.asarray(x.grad.detach() if lib is torch else x.grad.data))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_view_of_an_op_output_succeeds_whatever_layout_the_op_chose():
    """A convolution's output is channel-major memory here, contiguous in PyTorch: conv(x).view(N, -1) works in both."""
    import nn
    x = np.random.default_rng(0).standard_normal((2, 1, 5, 5)).astype(np.float32)
    conv = nn.Conv2d(1, 3, 3)
    theirs = torch.nn.Conv2d(1, 3, 3)
    theirs.load_state_dict({k: torch.from_numpy(v.data.copy()) for k, v in conv.state_dict().items()})
    np.testing.assert_allclose(conv(ag.tensor(x)).view(2, -1).data,
                               theirs(torch.from_numpy(x)).view(2, -1).detach().numpy(), rtol=1e-5, atol=1e-6)
