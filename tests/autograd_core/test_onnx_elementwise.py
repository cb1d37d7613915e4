"""The elementwise breadth exports to ONNX (opset 17) and onnxruntime computes what the engine does."""
import numpy as np
import pytest

import autograd_core as ag

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from autograd_core import onnx as ag_onnx  # noqa: E402  (needs the optional onnx package)

UNARY = {name: getattr(ag, name) for name in (
    "sin", "cos", "tan", "atan", "sinh", "cosh", "asinh", "erf", "erfc", "floor", "ceil", "round", "trunc", "frac",
    "sign", "expm1", "exp2", "logsigmoid", "softplus", "gelu", "silu", "mish", "relu6", "hardtanh", "hardsigmoid",
    "hardswish", "elu", "selu", "celu", "leaky_relu", "nan_to_num", "square")}
UNARY.update({
    "asin": lambda x: ag.asin(x / 10), "acos": lambda x: ag.acos(x / 10), "atanh": lambda x: ag.atanh(x / 10),
    "acosh": lambda x: ag.acosh(x * x + 1), "log1p": lambda x: ag.log1p(x * x), "log2": lambda x: ag.log2(x * x + 0.1),
    "log10": lambda x: ag.log10(x * x + 0.1), "reciprocal": ag.reciprocal, "rsqrt": lambda x: ag.rsqrt(x * x + 0.1),
    "round_decimals": lambda x: ag.round(x, decimals=2), "gelu_tanh": lambda x: ag.gelu(x, approximate="tanh"),
    "softplus_beta": lambda x: ag.softplus(x, beta=2.0, threshold=1.0), "elu_alpha": lambda x: ag.elu(x, 0.5),
    "nan_to_num_values": lambda x: ag.nan_to_num(ag.log(x), nan=1.0, posinf=2.0, neginf=-3.0)})
BINARY = {"atan2": ag.atan2, "atan2_negative_x": lambda a, b: ag.atan2(a, -b), "hypot": ag.hypot, "fmod": ag.fmod,
          "remainder": ag.remainder, "remainder_negative": lambda a, b: ag.remainder(a, -b),
          "logaddexp": ag.logaddexp, "xlogy": ag.xlogy, "lerp": lambda a, b: ag.lerp(a, b, 0.3)}


def _check(fn, args, tmp_path):
    path = tmp_path / "op.onnx"
    ag_onnx.export(fn, args, path)
    session = ort.InferenceSession(str(path))
    got = session.run(None, {i.name: a for i, a in zip(session.get_inputs(), args)})[0]
    np.testing.assert_allclose(got, fn(*[ag.tensor(a) for a in args]).data, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_export_matches_the_engine(name, tmp_path):
    x = (np.random.default_rng(0).standard_normal((3, 5)) * 2).astype(np.float32)
    x[0, :3] = [0.0, 0.5, -2.5]  # ties of round, a kink of hardtanh, 0 for nan_to_num's log
    _check(UNARY[name], (x,), tmp_path)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_export_matches_the_engine(name, tmp_path):
    rng = np.random.default_rng(1)
    x, y = (rng.standard_normal((3, 5)) * 3).astype(np.float32), rng.uniform(0.5, 2, (3, 5)).astype(np.float32)
    x[0, 0] = 0.0
    _check(BINARY[name], (x, y), tmp_path)


def test_integer_remainder_and_fmod_export(tmp_path):
    a, b = np.array([5, -5, 7, -7], np.int64), np.array([3, 3, -2, -2], np.int64)
    for fn in (ag.fmod, ag.remainder):
        path = tmp_path / "int.onnx"
        ag_onnx.export(fn, (a, b), path)
        session = ort.InferenceSession(str(path))
        got = session.run(None, {i.name: v for i, v in zip(session.get_inputs(), (a, b))})[0]
        np.testing.assert_array_equal(got, fn(a, b).data)
