"""The elementwise breadth against PyTorch: value and gradient, float32 and float64, over random inputs
and each op's edge points (0, kinks, bounds, thresholds, ties, ±inf, NaN). Skipped without torch."""
import math

import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch")
F = pytest.importorskip("torch.nn.functional")
pytestmark = pytest.mark.torch

INF, NAN = math.inf, math.nan
COMMON = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 30.0, -30.0, INF, -INF, NAN]


def _normal(scale=2.0, shift=0.0):
    return lambda rng, n: rng.standard_normal(n) * scale + shift


def _uniform(lo, hi):
    return lambda rng, n: rng.uniform(lo, hi, n)


# (id, ours, torch's, random draw, extra edge points); every unary case is also run on COMMON
UNARY = [
    ("sin", ag.sin, torch.sin, _normal(3), [1e8]),
    ("cos", ag.cos, torch.cos, _normal(3), [1e8]),
    ("tan", ag.tan, torch.tan, _uniform(-1.4, 1.4), [math.pi / 2]),
    ("asin", ag.asin, torch.asin, _uniform(-0.99, 0.99), [2.0, -2.0]),
    ("acos", ag.acos, torch.acos, _uniform(-0.99, 0.99), [2.0]),
    ("atan", ag.atan, torch.atan, _normal(3), [1e200]),
    ("sinh", ag.sinh, torch.sinh, _normal(3), [800.0]),
    ("cosh", ag.cosh, torch.cosh, _normal(3), [-800.0]),
    ("asinh", ag.asinh, torch.asinh, _normal(3), [1e200]),
    ("acosh", ag.acosh, torch.acosh, _uniform(1.01, 5), [2.0, 1e10]),
    ("atanh", ag.atanh, torch.atanh, _uniform(-0.99, 0.99), [2.0]),
    ("log1p", ag.log1p, torch.log1p, _uniform(-0.99, 5), [1e-10, -2.0]),
    ("expm1", ag.expm1, torch.expm1, _normal(3), [1e-10, 800.0]),
    ("log2", ag.log2, torch.log2, _uniform(0.01, 10), [8.0]),
    ("log10", ag.log10, torch.log10, _uniform(0.01, 10), [100.0]),
    ("exp2", ag.exp2, torch.exp2, _normal(3), [2000.0]),
    ("erf", ag.erf, torch.erf, _normal(2), [4.0, -4.0, 6.0, 27.0, 1e-300]),
    ("erfc", ag.erfc, torch.erfc, _normal(2), [4.0, -4.0, 6.0, 10.0, 27.0]),
    ("sign", ag.sign, torch.sign, _normal(), []),
    ("floor", ag.floor, torch.floor, _normal(3), [2.0, -2.0]),
    ("ceil", ag.ceil, torch.ceil, _normal(3), [2.0, -2.0]),
    ("round", ag.round, torch.round, _normal(3), [1.5, 2.5, -1.5, 3.5, 0.49999997]),
    ("round_decimals", lambda x: ag.round(x, decimals=2), lambda x: torch.round(x, decimals=2), _normal(3),
     [0.125, 0.135, -1.005]),
    ("trunc", ag.trunc, torch.trunc, _normal(3), [2.7, -2.7]),
    ("frac", ag.frac, torch.frac, _normal(3), [2.7, -2.7]),
    ("reciprocal", ag.reciprocal, torch.reciprocal, _uniform(0.1, 3), [1e-300]),
    ("rsqrt", ag.rsqrt, torch.rsqrt, _uniform(0.1, 3), [4.0]),
    ("square", ag.square, torch.square, _normal(3), [1e200]),
    ("nan_to_num", ag.nan_to_num, torch.nan_to_num, _normal(), []),
    ("nan_to_num_values", lambda x: ag.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-3.0),
     lambda x: torch.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-3.0), _normal(), []),
    ("sigmoid", ag.sigmoid, torch.sigmoid, _normal(4), [800.0, -800.0]),
    ("logsigmoid", ag.logsigmoid, F.logsigmoid, _normal(4), [800.0, -800.0]),
    ("softplus", ag.softplus, F.softplus, _normal(8), [20.0, 20.001, 19.999, -800.0]),
    ("softplus_beta", lambda x: ag.softplus(x, beta=2.0, threshold=10.0),
     lambda x: F.softplus(x, beta=2.0, threshold=10.0), _normal(4), [5.0, 5.001]),
    ("silu", ag.silu, F.silu, _normal(4), []),
    ("gelu", ag.gelu, F.gelu, _normal(3), [6.0, -6.0, -10.0]),
    ("gelu_tanh", lambda x: ag.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh"), _normal(3),
     [6.0, -6.0]),
    ("mish", ag.mish, F.mish, _normal(4), []),
    ("relu6", ag.relu6, F.relu6, _normal(4, 3), [6.0, 6.5]),
    ("hardtanh", ag.hardtanh, F.hardtanh, _normal(), []),
    ("hardtanh_bounds", lambda x: ag.hardtanh(x, -2.0, 3.0), lambda x: F.hardtanh(x, -2.0, 3.0), _normal(3),
     [-2.0, 3.0]),
    ("hardsigmoid", ag.hardsigmoid, F.hardsigmoid, _normal(4), [3.0, -3.0]),
    ("hardswish", ag.hardswish, F.hardswish, _normal(4), [3.0, -3.0]),
    ("elu", ag.elu, F.elu, _normal(), []),
    ("elu_alpha", lambda x: ag.elu(x, 0.5), lambda x: F.elu(x, 0.5), _normal(), []),
    ("selu", ag.selu, F.selu, _normal(), []),
    ("celu", lambda x: ag.celu(x, 2.0), lambda x: F.celu(x, 2.0), _normal(), []),
    ("leaky_relu", ag.leaky_relu, F.leaky_relu, _normal(), []),
    ("leaky_relu_slope", lambda x: ag.leaky_relu(x, 0.2), lambda x: F.leaky_relu(x, 0.2), _normal(), []),
]

# (id, ours, torch's, random draws per argument, edge points per argument)
_PAIRS_X = [0.0, -0.0, 1.0, 0.0, 1.0, -3.0, 3.0, -3.0, 5.5, INF, 1.0, -INF, INF, NAN, 0.0, 0.0, 2.0]
_PAIRS_Y = [0.0, 0.0, 0.0, -1.0, INF, 2.0, -2.0, -2.0, 2.5, 1.0, -INF, -INF, INF, 1.0, NAN, 2.0, 2.0]
BINARY = [
    ("atan2", ag.atan2, torch.atan2, (_normal(), _normal())),
    ("hypot", ag.hypot, torch.hypot, (_normal(), _normal())),
    ("fmod", ag.fmod, torch.fmod, (_normal(4), _uniform(0.5, 2))),
    ("remainder", ag.remainder, torch.remainder, (_normal(4), _uniform(-2, -0.5))),
    ("logaddexp", ag.logaddexp, torch.logaddexp, (_normal(3), _normal(3))),
    ("xlogy", ag.xlogy, torch.xlogy, (_normal(), _uniform(0.1, 3))),
    ("lerp_tensor_weight", lambda a, b: ag.lerp(a, b, ag.tensor(np.array([0.25, 0.5, 0.75, 1.0, 0.0] * 4)[:a.shape[0]],
                                                                dtype=a.dtype)),
     lambda a, b: torch.lerp(a, b, torch.tensor(np.array([0.25, 0.5, 0.75, 1.0, 0.0] * 4)[:a.shape[0]], dtype=a.dtype)),
     (_normal(), _normal())),
    ("lerp_number_weight", lambda a, b: ag.lerp(a, b, 0.7), lambda a, b: torch.lerp(a, b, 0.7), (_normal(), _normal())),
]

DTYPES = {"float32": (np.float32, torch.float32, dict(rtol=2e-5, atol=1e-6)),
          "float64": (np.float64, torch.float64, dict(rtol=1e-10, atol=1e-13))}


def _run_ours(fn, arrays):
    leaves = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    out.backward(np.ones(out.shape, out.dtype))
    return out, [t.grad.data for t in leaves]


def _run_torch(fn, arrays):
    leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), [t.grad.numpy() for t in leaves]


def _compare(ours_fn, torch_fn, arrays, tol):
    with np.errstate(all="ignore"):
        out, grads = _run_ours(ours_fn, arrays)
    expected, expected_grads = _run_torch(torch_fn, arrays)
    assert out.dtype == expected.dtype, "the input's float dtype is kept"
    np.testing.assert_allclose(out.data, expected, **tol, err_msg=f"values at {arrays}")
    for g, e in zip(grads, expected_grads):
        np.testing.assert_allclose(g, e, **tol, err_msg=f"gradients at {arrays}")


@pytest.mark.parametrize("dtype", sorted(DTYPES))
@pytest.mark.parametrize("name,ours,theirs,draw,edges", UNARY, ids=[c[0] for c in UNARY])
def test_unary_value_and_gradient_match_torch(name, ours, theirs, draw, edges, dtype):
    np_dtype, _, tol = DTYPES[dtype]
    if name == "hardsigmoid":  # PyTorch's kernel multiplies by the float32 1/6 (0.16666667163), in float64 too
        tol = dict(rtol=1e-7, atol=0)
    rng = np.random.default_rng(7)
    _compare(ours, theirs, [draw(rng, 40).astype(np_dtype)], tol)
    with np.errstate(over="ignore"):  # 1e200 is inf in float32
        edge_points = np.array(COMMON + edges, dtype=np_dtype)
    _compare(ours, theirs, [edge_points], tol)


@pytest.mark.parametrize("dtype", sorted(DTYPES))
@pytest.mark.parametrize("name,ours,theirs,draws", BINARY, ids=[c[0] for c in BINARY])
def test_binary_value_and_gradient_match_torch(name, ours, theirs, draws, dtype):
    np_dtype, _, tol = DTYPES[dtype]
    rng = np.random.default_rng(8)
    _compare(ours, theirs, [d(rng, 20).astype(np_dtype) for d in draws], tol)
    _compare(ours, theirs, [np.array(_PAIRS_X, np_dtype), np.array(_PAIRS_Y, np_dtype)], tol)


def test_binary_ops_broadcast_like_torch():
    rng = np.random.default_rng(9)
    a, b = rng.standard_normal((3, 1)), rng.uniform(0.5, 2, (4,))
    for ours, theirs in [(ag.atan2, torch.atan2), (ag.fmod, torch.fmod), (ag.xlogy, torch.xlogy)]:
        _compare(ours, theirs, [a, b], DTYPES["float64"][2])


def test_erf_is_accurate_to_a_few_ulps_in_float64():
    x = np.linspace(-7, 7, 20001)
    expected_erf = np.array([math.erf(v) for v in x])
    expected_erfc = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(ag.erf(x).data, expected_erf, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(ag.erfc(x).data, expected_erfc, rtol=2e-15, atol=0)


def test_integer_inputs_promote_like_torch():
    ints = np.array([-3, 0, 2, 5])
    for ours, theirs in [(ag.sin, torch.sin), (ag.erf, torch.erf), (ag.floor, torch.floor), (ag.sign, torch.sign),
                         (ag.round, torch.round)]:
        out, expected = ours(ints), theirs(torch.tensor(ints))
        assert out.dtype == expected.numpy().dtype
        np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(ag.fmod(ag.tensor([5, -5]), ag.tensor([3, 3])).data, [2, -2])
    np.testing.assert_array_equal(ag.remainder(ag.tensor([5, -5]), ag.tensor([3, 3])).data, [2, 1])
    with pytest.raises(ZeroDivisionError, match="fmod"):
        ag.fmod(ag.tensor([5]), ag.tensor([0]))


def test_double_backward_matches_torch():
    x = np.array([-2.0, -0.3, 0.4, 1.7])
    for ours, theirs in [(ag.gelu, F.gelu), (ag.erf, torch.erf), (ag.softplus, F.softplus), (ag.selu, F.selu),
                         (ag.mish, F.mish), (ag.atan, torch.atan), (ag.logsigmoid, F.logsigmoid)]:
        t = ag.tensor(x, requires_grad=True)
        g, = ag.grad_of(ours(t).sum(), [t], create_graph=True)
        g.sum().backward()
        tt = torch.tensor(x, requires_grad=True)
        gt, = torch.autograd.grad(theirs(tt).sum(), tt, create_graph=True)
        gt.sum().backward()
        np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_methods_and_numpy_ufuncs_run_the_same_ops():
    x = ag.tensor([0.3, -0.7], requires_grad=True)
    y = ag.tensor([1.5, 2.0])
    for method, fn in [(x.sin(), ag.sin(x)), (x.atan2(y), ag.atan2(x, y)), (np.arctan2(x, y), ag.atan2(x, y)),
                       (np.log1p(x), ag.log1p(x)), (x % 0.25, ag.remainder(x, 0.25)), (x.lerp(y, 0.3), ag.lerp(x, y, 0.3))]:
        assert method.requires_grad
        np.testing.assert_array_equal(method.data, fn.data)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="gelu.*approximate"):
        ag.gelu(ag.tensor([1.0]), approximate="fast")
    with pytest.raises(ValueError, match="hardtanh.*min_val"):
        ag.hardtanh(ag.tensor([1.0]), 2.0, 1.0)
    with pytest.raises(ValueError, match="Atan2.*shapes"):
        ag.atan2(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0, 3.0]))


def test_a_python_number_takes_the_tensors_dtype_as_torch():
    x = np.array([0.3, -0.7, 2.0], np.float32)
    for ours, theirs in [(ag.atan2, torch.atan2), (ag.hypot, torch.hypot), (ag.fmod, torch.fmod),
                         (ag.remainder, torch.remainder), (ag.logaddexp, torch.logaddexp), (ag.xlogy, torch.xlogy)]:
        out = ours(x, 1.5)
        expected = theirs(torch.tensor(x), torch.tensor(1.5, dtype=torch.float64))  # a 0-d tensor is weak in torch
        assert out.dtype == np.float32 and expected.dtype == torch.float32
        np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-6)
