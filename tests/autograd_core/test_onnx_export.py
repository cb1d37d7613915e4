"""ONNX export: every model in the table passes onnx's checker and runs in ONNX Runtime to our outputs."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from autograd_core import onnx as ag_onnx  # noqa: E402  (needs the optional onnx package)
from onnx_cases import assert_runtime_matches  # noqa: E402


def _f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


class _MaskedMean(nn.Module):
    """Uses a mask computed from its input: the file must compute it, not bake it in."""

    def forward(self, x):
        return ag.where(x > 0, x, ag.zeros_like(x)).mean(1)


class _Recurrent(nn.Module):
    """Batch-first input (N, T, I) to a sequence-first RNN; returns its whole output and last state."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        out, state = self.rnn(x.transpose(0, 1))
        h = state[0] if isinstance(state, tuple) else state
        return out.sum(0) + h[-1].sum(-1, keepdim=True)


def _models():
    """(id, make module, input shapes/dtypes per argument, dynamic axes of each input)."""
    return [
        ("mlp", lambda: nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)), [(5, 4)]),
        ("mlp_sigmoid_relu", lambda: nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 6), nn.ReLU()),
         [(3, 4)]),
        ("cnn", lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.AvgPool2d(2),
                                      nn.Flatten(), nn.Linear(16, 3)), [(2, 1, 8, 8)]),
        ("cnn_stride", lambda: nn.Sequential(nn.Conv2d(2, 3, 3, stride=2), nn.Flatten(), nn.Linear(27, 2)),
         [(2, 2, 7, 7)]),
        ("batchnorm_eval", lambda: nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.ReLU()), [(6, 4)]),
        ("dropout_eval", lambda: nn.Sequential(nn.Linear(4, 5), nn.Dropout(0.5), nn.Linear(5, 2)), [(6, 4)]),
        ("softmax", lambda: nn.Sequential(nn.Linear(4, 5), nn.Softmax(dim=1)), [(3, 4)]),
        ("log_softmax", lambda: nn.Sequential(nn.Linear(4, 5), nn.LogSoftmax(dim=1)), [(3, 4)]),
        ("masked_mean", _MaskedMean, [(3, 5)]),
        ("lstm", lambda: _Recurrent(nn.LSTM(3, 4)), [(2, 5, 3)]),
        ("gru", lambda: _Recurrent(nn.GRU(3, 4)), [(2, 5, 3)]),
        ("embedding", lambda: nn.Sequential(nn.Embedding(7, 3), nn.Flatten(), nn.Linear(6, 2)), [(4, 2, "int")]),
        ("layernorm_gelu", lambda: nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(6), nn.GELU(), nn.Linear(6, 2)),
         [(5, 4)]),
        ("groupnorm_silu", lambda: nn.Sequential(nn.Conv2d(2, 4, 3), nn.GroupNorm(2, 4), nn.SiLU(), nn.Flatten()),
         [(2, 2, 5, 5)]),
        ("conv1d", lambda: nn.Sequential(nn.Conv1d(2, 3, 3, padding=1), nn.ReLU(), nn.AvgPool1d(2), nn.Flatten(),
                                         nn.Linear(9, 2)), [(3, 2, 6)]),
        ("conv_dilated_grouped", lambda: nn.Sequential(nn.Conv2d(4, 4, 3, dilation=2, groups=2, padding="same"),
                                                       nn.Flatten()), [(2, 4, 6, 6)]),
        ("adaptive_pool", lambda: nn.Sequential(nn.Conv2d(1, 2, 3), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten()),
         [(2, 1, 7, 7)]),
        ("bidirectional_lstm", lambda: _Recurrent(nn.LSTM(3, 4, num_layers=2, bidirectional=True)), [(2, 5, 3)]),
        ("transformer_encoder", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                                                   batch_first=True), [(3, 5, 8)]),
    ]


def _inputs(shapes, rng, batch=None):
    """One input per shape (a trailing "int" makes token ids in [0, 7)), with `batch` rows if given."""
    result = []
    for s in shapes:
        dims = tuple(d for d in s if d != "int")
        dims = (batch,) + dims[1:] if batch else dims
        result.append(rng.integers(0, 7, dims) if "int" in s else _f32(rng, *dims))
    return tuple(result)


@pytest.mark.parametrize("name,make,shapes", _models(), ids=[m[0] for m in _models()])
def test_exported_model_matches_our_forward_at_two_batch_sizes(tmp_path, name, make, shapes):
    ag.manual_seed(0)
    model = make()
    rng = np.random.default_rng(0)
    names = [f"x{i}" for i in range(len(shapes))]
    path = tmp_path / f"{name}.onnx"
    ag_onnx.export(model, _inputs(shapes, rng), path, input_names=names, output_names=["y"],
                   dynamic_axes={**{n: {0: "batch"} for n in names}, "y": {0: "batch"}})
    session = ort.InferenceSession(str(path))
    model.eval()
    assert_runtime_matches(session, model, names, lambda batch: _inputs(shapes, rng, batch), (shapes[0][0], 7))


def test_parameters_are_initializers_with_their_state_dict_names(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    proto = ag_onnx.export(model, np.ones((1, 3), np.float32), tmp_path / "m.onnx")
    assert {i.name for i in proto.graph.initializer} >= {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_a_function_exports_too(tmp_path):
    w = ag.tensor(np.arange(6, dtype=np.float32).reshape(3, 2))
    ag_onnx.export(lambda x: (x @ w).exp().sum(1), np.ones((2, 3), np.float32), tmp_path / "f.onnx",
                   input_names=["x"], dynamic_axes={"x": [0]})
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    got = ort.InferenceSession(str(tmp_path / "f.onnx")).run(None, {"x": x})[0]
    np.testing.assert_allclose(got, np.exp(x @ w.data).sum(1), rtol=1e-5)


def test_a_value_computed_in_numpy_is_refused_not_baked_in(tmp_path):
    path = tmp_path / "bad.onnx"
    with pytest.raises(ag_onnx.ExportError, match="Mul.*computed from the model's inputs"):
        ag_onnx.export(lambda x: x * float(x.data.sum()), np.ones((2, 3), np.float32), path)
    assert not list(tmp_path.iterdir())


def test_control_flow_on_values_is_refused(tmp_path):
    with pytest.raises(ag_onnx.ExportError, match="different ops"):
        ag_onnx.export(lambda x: x.exp() if float(x.data[0, 0]) > 1.05 else x, np.ones((2, 2), np.float32) * 1.04,
                       tmp_path / "c.onnx")


class _Assigns(nn.Module):
    def forward(self, x):
        y = x * 1
        y[0] = 0.0
        return y


def test_an_in_place_change_is_refused_naming_the_op_and_module(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2), _Assigns())
    with pytest.raises(ag_onnx.ExportError, match=r"output of Mul \(in a _Assigns\) was changed in place"):
        ag_onnx.export(model, np.ones((2, 2), np.float32), tmp_path / "s.onnx")
    assert not list(tmp_path.iterdir())


def test_an_op_without_translation_is_refused_naming_it_and_its_module(tmp_path, monkeypatch):
    monkeypatch.delitem(ag_onnx.TRANSLATIONS, "Tanh")
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    with pytest.raises(ag_onnx.ExportError, match=r"cannot export Tanh \(in module 1, a Tanh\): it has no ONNX"):
        ag_onnx.export(model, np.ones((2, 2), np.float32), tmp_path / "t.onnx")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fn,op", [(lambda x: ag.linalg.inv(x @ x.transpose(0, 2, 1)), "Inv"),
                                   (lambda x: ag.linalg.eigh(x @ x.transpose(0, 2, 1))[0], "Eigh")])
def test_a_matrix_decomposition_is_refused_by_name(tmp_path, fn, op):
    with pytest.raises(ag_onnx.ExportError, match=f"cannot export {op}: ONNX .* has no operator"):
        ag_onnx.export(fn, _f32(np.random.default_rng(0), 2, 3, 3), tmp_path / "r.onnx")
    assert not list(tmp_path.iterdir())


def test_every_primitive_has_a_translation_or_a_reason():
    assert ag_onnx.untranslated() == []


@pytest.mark.parametrize("loss", ["cross_entropy", "mse_loss"])
def test_a_model_with_its_mean_loss_exports_with_the_mean_over_any_batch(tmp_path, loss):
    ag.manual_seed(0)
    model = nn.Linear(4, 3)
    if loss == "cross_entropy":
        fn, make_target = (lambda x, y: F.cross_entropy(model(x), y)), (lambda rng, n: rng.integers(0, 3, n))
    else:
        fn, make_target = (lambda x, y: F.mse_loss(model(x), y)), (lambda rng, n: _f32(rng, n, 3))
    rng = np.random.default_rng(2)
    ag_onnx.export(fn, (_f32(rng, 5, 4), make_target(rng, 5)), tmp_path / "l.onnx", input_names=["x", "y"],
                   dynamic_axes={"x": [0], "y": [0]})
    session = ort.InferenceSession(str(tmp_path / "l.onnx"))
    for n in (5, 9):
        x, y = _f32(rng, n, 4), make_target(rng, n)
        np.testing.assert_allclose(session.run(None, {"x": x, "y": y})[0], fn(ag.tensor(x), ag.tensor(y)).data,
                                   rtol=1e-5)


def _primitive_cases():
    """Each translated primitive on its own sample inputs (float arguments as float32 graph inputs)."""
    rng = np.random.default_rng(0)
    for name in sorted(ag.PRIMITIVES):
        prim = ag.PRIMITIVES[name]
        if name not in ag_onnx.TRANSLATIONS or prim.sample_inputs is ag.Primitive.sample_inputs:
            continue
        for k, (args, params) in enumerate(prim.sample_inputs(rng)):
            if all(isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.ndim for a in args):
                yield pytest.param(prim, args, params, id=f"{name}-{k}")


@pytest.mark.parametrize("prim,args,params", list(_primitive_cases()))
def test_every_translation_computes_the_primitive(tmp_path, prim, args, params):
    xs = [a.astype(np.float32) for a in args]
    fn = lambda *ts: prim.apply(*ts, **params)  # noqa: E731
    names = [f"x{i}" for i in range(len(xs))]
    try:
        ag_onnx.export(fn, tuple(xs), tmp_path / "p.onnx", input_names=names)
    except ag_onnx.ExportError as exc:
        pytest.skip(f"refused by name: {exc}")  # a clear refusal is allowed; a wrong file is not
    got = ort.InferenceSession(str(tmp_path / "p.onnx")).run(None, dict(zip(names, xs)))[0]
    np.testing.assert_allclose(got, fn(*[ag.tensor(x) for x in xs]).data, rtol=2e-5, atol=2e-5)


def test_the_small_gpt_exports_and_runs_at_other_batch_sizes_and_lengths(tmp_path):
    from autograd_cli.gpt import GPT, GPTConfig
    ag.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16))
    rng = np.random.default_rng(0)
    logits = lambda idx: model(idx)[0]  # noqa: E731
    ag_onnx.export(logits, (rng.integers(0, 11, (2, 6)),), tmp_path / "gpt.onnx", input_names=["idx"],
                   dynamic_axes={"idx": {0: "batch", 1: "time"}})
    session = ort.InferenceSession(str(tmp_path / "gpt.onnx"))
    model.eval()
    for batch, time in ((2, 6), (5, 6), (3, 8), (4, 1)):
        idx = rng.integers(0, 11, (batch, time))
        np.testing.assert_allclose(session.run(None, {"idx": idx})[0], logits(ag.tensor(idx)).data, rtol=1e-5,
                                   atol=1e-5)


def test_two_dynamic_axes_of_one_size_are_refused_as_ambiguous(tmp_path):
    """x[:, :n] with n = x.shape[0]: the batch and the length move together, so the file cannot tell them apart."""
    with pytest.raises(ag_onnx.ExportError, match="fits two dynamic axes"):
        ag_onnx.export(lambda x: x[:, :x.shape[0]], np.ones((4, 4), np.float32), tmp_path / "a.onnx",
                       dynamic_axes={"input_0": {0: "batch", 1: "time"}})


@pytest.mark.parametrize("name,make,shape,time_axis", [
    ("lstm", lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), (2, 5, 3), 1),
    ("gru", lambda: nn.GRU(3, 4), (5, 2, 3), 0),
    ("encoder", lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), (2, 5, 8), 1),
    ("conv1d_pools", lambda: nn.Sequential(nn.Conv1d(2, 3, 3, padding=1), nn.MaxPool1d(2), nn.AvgPool1d(2)),
     (2, 2, 9), 2)])
def test_a_dynamic_sequence_axis_runs_at_other_lengths(tmp_path, name, make, shape, time_axis):
    ag.manual_seed(0)
    model = make()
    rng = np.random.default_rng(0)
    batch_axis = 1 if time_axis == 0 else 0
    ag_onnx.export(model, _f32(rng, *shape), tmp_path / "s.onnx", input_names=["x"],
                   dynamic_axes={"x": {batch_axis: "batch", time_axis: "time"}})
    session = ort.InferenceSession(str(tmp_path / "s.onnx"))
    model.eval()
    for batch, time in ((3, 12), (1, 4)):
        sizes = list(shape)
        sizes[batch_axis], sizes[time_axis] = batch, time
        x = _f32(rng, *sizes)
        got, want = session.run(None, {"x": x}), model(ag.tensor(x))
        want = [want] if isinstance(want, ag.Tensor) else [want[0]] + list(want[1:][0] if isinstance(
            want[1], tuple) else want[1:])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w.data, rtol=1e-5, atol=1e-5)


def test_a_size_the_traces_show_fixed_but_that_follows_a_dynamic_axis_is_refused(tmp_path):
    """Pooling by 2 over a length 6, then 7: the output length 3 looks fixed; the third trace (8) shows it is not."""
    with pytest.raises(ag_onnx.ExportError, match="did not change between the first two traces"):
        ag_onnx.export(nn.MaxPool1d(2), np.ones((2, 2, 6), np.float32), tmp_path / "p.onnx",
                       dynamic_axes={"input_0": {2: "time"}})
    assert not list(tmp_path.iterdir())


def test_an_rnn_unrolled_in_python_refuses_a_dynamic_length(tmp_path):
    with pytest.raises(ag_onnx.ExportError, match="ran different ops"):
        ag_onnx.export(nn.RNN(3, 4), np.ones((5, 2, 3), np.float32), tmp_path / "r.onnx",
                       dynamic_axes={"input_0": {0: "time"}})


def _padding_mask(batch, length):
    """The last key of every sequence masked, one more in the first; the second sequence masked whole (its
    queries attend to nothing: zero weights)."""
    mask = np.zeros((batch, length), bool)
    mask[:, -1] = True
    mask[0, -2] = True
    mask[1] = True
    return mask


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy on the fully masked rows' -inf scores
@pytest.mark.parametrize("name", ["attention", "encoder"])
def test_a_key_padding_mask_given_as_an_input_is_computed_in_the_file(tmp_path, name):
    ag.manual_seed(0)
    if name == "attention":
        layer = nn.MultiheadAttention(8, 2, batch_first=True)
        fn = lambda x, m: layer(x, x, x, key_padding_mask=m)  # noqa: E731  (output and weights)
    else:
        layer = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2)
        fn = lambda x, m: layer(x, src_key_padding_mask=m)  # noqa: E731
    rng = np.random.default_rng(0)
    ag_onnx.export(fn, (_f32(rng, 3, 5, 8), _padding_mask(3, 5)), tmp_path / "m.onnx", input_names=["x", "m"],
                   dynamic_axes={"x": {0: "batch"}, "m": {0: "batch"}})
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    for batch in (3, 4):
        x, m = _f32(rng, batch, 5, 8), _padding_mask(batch, 5)
        m[-1, 1] = True  # a mask the traces never saw
        m[1, 0] = False
        want = fn(ag.tensor(x), ag.tensor(m))
        want = [want] if isinstance(want, ag.Tensor) else list(want)
        for got, w in zip(session.run(None, {"x": x, "m": m}), want):
            np.testing.assert_allclose(got, w.data, rtol=1e-5, atol=1e-5)
