"""Reductions and scans (prod, cumsum, cumprod, logcumsumexp, var, std, all, any, sum/mean dtype) against PyTorch.

Values, gradients (zeros included: products are exact), second derivatives, finite differences in both
modes. Skipped cleanly without torch.
"""
import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from torch_cases import check_against_torch, check_derivatives

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

RNG = np.random.default_rng(3)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((2, 3, 4))
ONE_ZERO = np.array([[2.0, 0.0, 3.0, 0.5], [1.5, -2.0, 0.7, 4.0]])
TWO_ZEROS = np.array([[2.0, 0.0, 3.0, 0.0], [0.0, -2.0, 0.7, 4.0]])
LOGS = np.array([[-1000.0, 0.0, 1000.0, -np.inf], [3.0, -np.inf, 2.0, 2.0]])

CASES = [
    ("prod_all", lambda L, x: L.prod(x), [A]),
    ("prod_dim", lambda L, x: x.prod(1), [A]),
    ("prod_neg_dim_keepdim", lambda L, x: x.prod(-2, keepdim=True), [B]),
    ("prod_odd_length", lambda L, x: x.prod(0), [RNG.standard_normal((7, 2))]),
    ("prod_one_zero", lambda L, x: x.prod(1), [ONE_ZERO]),
    ("prod_two_zeros", lambda L, x: x.prod(1), [TWO_ZEROS]),
    ("prod_all_zeros", lambda L, x: x.prod(), [TWO_ZEROS]),
    ("prod_0d", lambda L, x: x.prod(), [np.array(1.7)]),
    ("prod_empty", lambda L, x: x.prod(0), [np.zeros((0, 3))]),
    ("prod_float32", lambda L, x: x.prod(1), [A.astype(np.float32)]),
    ("cumsum", lambda L, x: L.cumsum(x, 1), [A]),
    ("cumsum_neg_dim", lambda L, x: x.cumsum(-3), [B]),
    ("cumsum_0d", lambda L, x: x.cumsum(0), [np.array(2.5)]),
    ("cumsum_empty", lambda L, x: x.cumsum(0), [np.zeros((0, 2))]),
    ("cumsum_dtype", lambda L, x: x.cumsum(0, dtype=L.float64), [A.astype(np.float32)]),
    ("cumprod", lambda L, x: L.cumprod(x, 1), [A]),
    ("cumprod_one_zero", lambda L, x: x.cumprod(1), [ONE_ZERO]),
    ("cumprod_two_zeros", lambda L, x: x.cumprod(-1), [TWO_ZEROS]),
    ("cumprod_dim0_long", lambda L, x: x.cumprod(0), [RNG.uniform(0.5, 1.5, (9, 2))]),
    ("cumprod_0d", lambda L, x: x.cumprod(0), [np.array(-1.5)]),
    ("cumprod_float32", lambda L, x: x.cumprod(1), [A.astype(np.float32)]),
    ("logcumsumexp", lambda L, x: L.logcumsumexp(x, 1), [A]),
    ("logcumsumexp_dim0", lambda L, x: x.logcumsumexp(0), [B]),
    ("logcumsumexp_extremes", lambda L, x: x.logcumsumexp(1), [LOGS]),
    ("var_default_unbiased", lambda L, x: x.var(), [A]),
    ("var_dim", lambda L, x: L.var(x, 1), [A]),
    ("var_correction0_keepdim", lambda L, x: x.var((0, 2), keepdim=True, correction=0), [B]),
    ("var_unbiased_false", lambda L, x: x.var(1, unbiased=False), [A]),
    ("std_default_unbiased", lambda L, x: x.std(), [A]),
    ("std_dim", lambda L, x: L.std(x, -1), [B]),
    ("std_correction2", lambda L, x: x.std(0, correction=2), [A]),
    ("sum_dtype", lambda L, x: x.sum(1, dtype=L.float64), [A.astype(np.float32)]),
    ("mean_dtype", lambda L, x: L.mean(x, 0, dtype=L.float64), [A.astype(np.float32)]),
]

SECOND = {"prod_all", "prod_dim", "prod_one_zero", "prod_two_zeros", "cumprod", "cumprod_one_zero",
          "cumprod_two_zeros", "logcumsumexp", "var_dim", "std_dim"}


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, fn, arrays):
    rtol = 1e-5 if arrays[0].dtype == np.float32 else 1e-10
    check_against_torch(torch, fn, arrays, rtol=rtol, atol=1e-6 if rtol > 1e-9 else 1e-12, second=name in SECOND)


@pytest.mark.parametrize("name,fn,arrays", [c for c in CASES if c[2][0].dtype == np.float64 and c[2][0].size
                                            and np.isfinite(c[2][0]).all()],
                         ids=[c[0] for c in CASES if c[2][0].dtype == np.float64 and c[2][0].size
                              and np.isfinite(c[2][0]).all()])
def test_derivatives_match_finite_differences(name, fn, arrays):
    check_derivatives(fn, arrays)


def test_ddof_keeps_numpys_meaning():
    np.testing.assert_allclose(ag.var(Tensor(A), 1, ddof=0).data, np.var(A, axis=1))
    np.testing.assert_allclose(Tensor(A).std(ddof=0).data, np.std(A))
    np.testing.assert_allclose(np.var(Tensor(A)).data, np.var(A))  # numpy's own function: numpy's default
    with pytest.raises(TypeError, match="ddof.*correction"):
        Tensor(A).var(ddof=1, correction=1)


def test_var_and_std_of_float16_accumulate_in_float32():
    x = np.full(70000, 300.0, dtype=np.float16)
    x[::2] = 200.0
    for op in ("var", "std"):
        ours, ref = getattr(Tensor(x), op)(), getattr(torch.tensor(x), op)()
        assert ours.dtype == np.float16 and np.isfinite(ours.item())
        np.testing.assert_allclose(ours.item(), ref.item(), rtol=1e-3)


def test_var_of_one_element_is_nan_with_a_warning_as_torch():
    with pytest.warns(UserWarning, match="degrees of freedom"):
        assert np.isnan(Tensor([2.0]).var().item())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert torch.tensor([2.0]).var().isnan()


@pytest.mark.parametrize("op", ["all", "any"])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), (1, True), (-1, False)])
@pytest.mark.parametrize("a", [A > 0, np.array([[0.0, 1.0, np.nan], [2.0, 3.0, 4.0]]), np.zeros((0, 3))])
def test_all_any(op, dim, keepdim, a):
    t = torch.tensor(a)
    ref = getattr(t, op)() if dim is None else getattr(t, op)(dim, keepdim=keepdim)
    ours = getattr(Tensor(a), op)(dim, keepdim)
    assert ours.dtype == np.bool_ and ours.shape == tuple(ref.shape)
    np.testing.assert_array_equal(ours.data, ref.numpy())
    np.testing.assert_array_equal(getattr(ag, op)(Tensor(a), dim, keepdim).data, ref.numpy())


@pytest.mark.parametrize("op,args", [("prod", ()), ("prod", (1,)), ("cumsum", (0,)), ("cumprod", (1,)),
                                     ("sum", ()), ("sum", (1,))])
@pytest.mark.parametrize("a", [np.array([[1, 2, 3], [4, 0, 6]], dtype=np.int32), np.array([[True, False, True]] * 2)])
def test_integer_and_boolean_inputs_give_int64_as_torch(op, args, a):
    ours, ref = getattr(Tensor(a), op)(*args), getattr(torch.tensor(a), op)(*args)
    assert ours.dtype == np.int64 and ref.dtype == torch.int64
    np.testing.assert_array_equal(ours.data, ref.numpy())


@pytest.mark.parametrize("fn", [lambda t: np.std(t), lambda t: np.std(t, axis=0, ddof=1), lambda t: np.prod(t, 1),
                                lambda t: np.cumsum(t), lambda t: np.cumprod(t, axis=1), lambda t: np.sort(t, axis=0),
                                lambda t: np.take_along_axis(t, np.array([[2, 0, 1, 1]]), 0)])
def test_numpy_functions_run_as_engine_ops(fn):
    """numpy's own functions on a Tensor keep numpy's meaning and are differentiated."""
    out = fn(Tensor(A, requires_grad=True))
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, fn(A), rtol=1e-12)
    assert ag.gradcheck(fn, [A])


def test_cumsum_exports_to_onnx(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    from autograd_core import onnx as ag_onnx
    x = RNG.standard_normal((2, 5)).astype(np.float32)
    path = str(tmp_path / "cumsum.onnx")
    ag_onnx.export(lambda t: t.cumsum(-1) * 2.0, (x,), path, input_names=["x"])
    np.testing.assert_allclose(ort.InferenceSession(path).run(None, {"x": x})[0], np.cumsum(x, 1) * 2, rtol=1e-6)
