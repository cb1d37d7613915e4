"""Every public nn layer and loss exports to ONNX: the checker passes and ONNX Runtime matches our forward
(1e-5, float32) at the traced batch size and at another one on the dynamic batch axis.

The table walks `nn`'s exports: a layer class missing from both LAYERS and REFUSED fails the test, so a new
layer cannot be silently left out; a refused one must raise ExportError naming the op.
"""
import numpy as np
import pytest

import autograd_core as ag
import nn

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from autograd_core import onnx as ag_onnx  # noqa: E402  (needs the optional onnx package)
from onnx_cases import assert_runtime_matches  # noqa: E402

BATCHES = (3, 5)  # traced, then another on the dynamic axis


def F(*shape, batch=0):
    """A float input; `shape` has None where the batch goes (`batch` is its axis)."""
    return ("f", shape, batch)


def P(*shape, batch=0):
    """A float input in (0.1, 0.7): probabilities, variances."""
    return ("p", shape, batch)


def I(high, *shape, batch=0):
    """Integer ids (or class targets) in [0, high)."""
    return (("i", high), shape, batch)


def S(*shape, batch=0):
    """Targets of -1 and 1."""
    return ("s", shape, batch)


def _warmed(module, *shape):
    """A normalization layer with running statistics from one training-mode forward (eval then uses them)."""
    module(ag.tensor(np.random.default_rng(3).standard_normal(shape).astype(np.float32) * 2 + 1))
    return module


def _decoder_layer():
    return nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)


def _encoder_layer():
    return nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)


class _Attention(nn.Module):
    """Self-attention with a causal mask, returning the output and the averaged weights."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        mask = ag.triu(ag.ones((4, 4)), diagonal=1) > 0
        return self.attn(x, x, x, attn_mask=mask)


LAYERS = {
    # layer name: (make it, inputs)
    "Linear": (lambda: nn.Linear(4, 3), [F(None, 4)]),
    "MLP": (lambda: nn.MLP([4, 6, 3]), [F(None, 4)]),
    "Identity": (nn.Identity, [F(None, 4)]),
    "Flatten": (nn.Flatten, [F(None, 2, 3)]),
    "Unflatten": (lambda: nn.Unflatten(1, (2, 3)), [F(None, 6)]),
    "Conv1d": (lambda: nn.Conv1d(2, 3, 3, stride=2, padding=1), [F(None, 2, 7)]),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, padding=1), [F(None, 2, 5, 5)]),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2,
                                                   dilation=2), [F(None, 4, 3, 4)]),
    "MaxPool1d": (lambda: nn.MaxPool1d(3, stride=2, padding=1), [F(None, 2, 7)]),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), [F(None, 2, 4, 6)]),
    "AvgPool1d": (lambda: nn.AvgPool1d(2), [F(None, 2, 6)]),
    "AvgPool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), [F(None, 2, 5, 6)]),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d((2, 3)), [F(None, 2, 5, 7)]),
    "AdaptiveMaxPool2d": (lambda: nn.AdaptiveMaxPool2d((2, 3)), [F(None, 2, 5, 7)]),
    "Upsample": (lambda: nn.Upsample(scale_factor=2), [F(None, 2, 3, 3)]),
    "BatchNorm1d": (lambda: _warmed(nn.BatchNorm1d(4), 6, 4), [F(None, 4)]),
    "BatchNorm2d": (lambda: _warmed(nn.BatchNorm2d(3), 2, 3, 4, 4), [F(None, 3, 4, 4)]),
    "LayerNorm": (lambda: nn.LayerNorm(5), [F(None, 2, 5)]),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), [F(None, 4, 3, 3)]),
    "InstanceNorm2d": (lambda: nn.InstanceNorm2d(3, affine=True), [F(None, 3, 4, 4)]),
    "RMSNorm": (lambda: nn.RMSNorm(5), [F(None, 5)]),
    "Dropout": (lambda: nn.Dropout(0.5), [F(None, 4)]),
    "Embedding": (lambda: nn.Embedding(7, 3), [I(7, None, 4)]),
    "RNN": (lambda: nn.RNN(3, 4, num_layers=2, bidirectional=True), [F(5, None, 3, batch=1)]),
    "LSTM": (lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), [F(None, 5, 3)]),
    "GRU": (lambda: nn.GRU(3, 4, num_layers=2, bidirectional=True), [F(5, None, 3, batch=1)]),
    "RNNCell": (lambda: nn.RNNCell(3, 4), [F(None, 3), F(None, 4)]),
    "LSTMCell": (lambda: nn.LSTMCell(3, 4), [F(None, 3)]),
    "GRUCell": (lambda: nn.GRUCell(3, 4), [F(None, 3), F(None, 4)]),
    "MultiheadAttention": (_Attention, [F(None, 4, 8)]),
    "TransformerEncoderLayer": (_encoder_layer, [F(None, 4, 8)]),
    "TransformerEncoder": (lambda: nn.TransformerEncoder(_encoder_layer(), 2, norm=nn.LayerNorm(8)), [F(None, 4, 8)]),
    "TransformerDecoderLayer": (_decoder_layer, [F(None, 4, 8), F(None, 3, 8)]),
    "TransformerDecoder": (lambda: nn.TransformerDecoder(_decoder_layer(), 2), [F(None, 4, 8), F(None, 3, 8)]),
    # activations
    "ReLU": (nn.ReLU, [F(None, 5)]),
    "ReLU6": (nn.ReLU6, [F(None, 5)]),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.2), [F(None, 5)]),
    "PReLU": (lambda: nn.PReLU(3), [F(None, 3, 2)]),
    "RReLU": (nn.RReLU, [F(None, 5)]),
    "ELU": (lambda: nn.ELU(0.7), [F(None, 5)]),
    "CELU": (lambda: nn.CELU(0.5), [F(None, 5)]),
    "SELU": (nn.SELU, [F(None, 5)]),
    "GELU": (nn.GELU, [F(None, 5)]),
    "SiLU": (nn.SiLU, [F(None, 5)]),
    "Mish": (nn.Mish, [F(None, 5)]),
    "Sigmoid": (nn.Sigmoid, [F(None, 5)]),
    "LogSigmoid": (nn.LogSigmoid, [F(None, 5)]),
    "Hardsigmoid": (nn.Hardsigmoid, [F(None, 5)]),
    "Hardswish": (nn.Hardswish, [F(None, 5)]),
    "Tanh": (nn.Tanh, [F(None, 5)]),
    "Softplus": (lambda: nn.Softplus(beta=2.0, threshold=1.0), [F(None, 5)]),
    "Softsign": (nn.Softsign, [F(None, 5)]),
    "Softmax": (lambda: nn.Softmax(dim=1), [F(None, 5)]),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=-1), [F(None, 5)]),
    "Maxout": (lambda: nn.Maxout(4, 3, 2), [F(None, 4)]),
    # losses (mean over the batch: its count is computed in the graph)
    "MSELoss": (nn.MSELoss, [F(None, 3), F(None, 3)]),
    "L1Loss": (nn.L1Loss, [F(None, 3), F(None, 3)]),
    "BCELoss": (nn.BCELoss, [P(None, 3), P(None, 3)]),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, [F(None, 3), P(None, 3)]),
    "NLLLoss": (nn.NLLLoss, [F(None, 4), I(4, None)]),
    "CrossEntropyLoss": (nn.CrossEntropyLoss, [F(None, 4), I(4, None)]),
    "KLDivLoss": (lambda: nn.KLDivLoss(reduction="batchmean"), [F(None, 4), P(None, 4)]),
    "HuberLoss": (lambda: nn.HuberLoss(delta=0.5), [F(None, 3), F(None, 3)]),
    "SmoothL1Loss": (lambda: nn.SmoothL1Loss(beta=0.5), [F(None, 3), F(None, 3)]),
    "CosineEmbeddingLoss": (lambda: nn.CosineEmbeddingLoss(0.1), [F(None, 4), F(None, 4), S(None)]),
    "MarginRankingLoss": (lambda: nn.MarginRankingLoss(0.2), [F(None), F(None), S(None)]),
    "TripletMarginLoss": (nn.TripletMarginLoss, [F(None, 4), F(None, 4), F(None, 4)]),
    "GaussianNLLLoss": (nn.GaussianNLLLoss, [F(None, 3), F(None, 3), P(None, 3)]),
    "PoissonNLLLoss": (nn.PoissonNLLLoss, [F(None, 3), P(None, 3)]),
}

# layers that cannot be exported: name -> (make it, inputs, the op the ExportError names); none today
REFUSED = {}

# not layers with a forward of their own: they hold or chain layers (Sequential is used by the tables)
CONTAINERS = {"Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"}


def _layer_classes():
    return sorted(name for name in nn.__all__
                  if isinstance(getattr(nn, name), type) and issubclass(getattr(nn, name), nn.Module))


def test_the_table_covers_every_public_layer(tmp_path):
    listed = set(LAYERS) | set(REFUSED) | CONTAINERS
    assert [name for name in _layer_classes() if name not in listed] == []
    assert not set(LAYERS) & set(REFUSED)
    for name, (make, specs, op) in REFUSED.items():  # each refusal is an ExportError naming the op, and no file
        with pytest.raises(ag_onnx.ExportError, match=f"cannot export {op}"):
            ag_onnx.export(make(), _inputs(specs, BATCHES[0], np.random.default_rng(0)), tmp_path / f"{name}.onnx")
        assert not list(tmp_path.iterdir())


def _inputs(specs, batch, rng):
    result = []
    for kind, shape, axis in specs:
        shape = tuple(batch if d is None else d for d in shape)
        if kind == "f":
            result.append(rng.standard_normal(shape).astype(np.float32))
        elif kind == "p":
            result.append(rng.uniform(0.1, 0.7, shape).astype(np.float32))
        elif kind == "s":
            result.append(rng.choice(np.array([-1.0, 1.0], np.float32), shape))
        else:
            result.append(rng.integers(0, kind[1], shape))
    return tuple(result)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_exports_and_matches_our_forward_at_two_batch_sizes(tmp_path, name):
    make, specs = LAYERS[name]
    ag.manual_seed(0)
    model = make()
    rng = np.random.default_rng(0)
    names = [f"x{i}" for i in range(len(specs))]
    path = tmp_path / f"{name}.onnx"
    ag_onnx.export(model, _inputs(specs, BATCHES[0], rng), path, input_names=names,
                   dynamic_axes={n: {spec[2]: "batch"} for n, spec in zip(names, specs)})
    session = ort.InferenceSession(str(path))
    model.eval()
    assert_runtime_matches(session, model, names, lambda batch: _inputs(specs, batch, rng), BATCHES)
