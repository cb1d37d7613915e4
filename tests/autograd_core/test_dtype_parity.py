"""Result dtypes against PyTorch where numpy's promotion differs: integer and boolean reductions, bool
arithmetic, the rank of sized tensors over 0-d tensors over Python numbers, complex widths.

Each row: a name, an expression of the library `L` and the operands `a`, `b` (numpy arrays become tensors of
their dtype in both libraries; Python numbers stay numbers), compared by dtype name and by value at the
precision of that dtype. Skipped cleanly without torch.
"""
import numpy as np
import pytest

import autograd_core as ag
import nn.functional as nn_functional

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def arr(values, dtype):
    return np.array(values, dtype=dtype)


def dtype(L, name):
    """The dtype `name` of library L (the engine takes numpy's)."""
    return getattr(torch, name) if L is torch else np.dtype(name)


U8 = arr([200, 100, 7], "uint8")  # sums past 255
I8, I16, I32, I64 = (arr([100, 90, -7], t) for t in ("int8", "int16", "int32", "int64"))  # int8 sums past 127
MASK = arr([True, False, True], bool)
H = arr([1.5, -2.25, 1e-3], "float16")
F = arr([0.1, -3.0, 2.5], "float32")
D = arr([0.1, -3.0, 2.5], "float64")
C64 = arr([1 + 2j, -0.5j, 3], "complex64")
C128 = arr([1 + 2j, -0.5j, 3], "complex128")
SMALL_U8 = arr([1, 2, 3], "uint8")
HERMITIAN64 = arr([[2, 1 - 1j], [1 + 1j, 3]], "complex64")  # eigenvalues 1 and 4
HERMITIAN128 = HERMITIAN64.astype("complex128")


def _iadd(t, v):
    t += v
    return t


def _F(L):
    """nn.functional of library L."""
    return torch.nn.functional if L is torch else nn_functional


def _isub(t, v):
    t -= v
    return t


def _imul(t, v):
    t *= v
    return t

CASES = [
    # integer and boolean reductions: int64, as torch (numpy: uint64 for uint8)
    ("sum_uint8", lambda L, a: a.sum(), [U8]),
    ("sum_uint8_dim", lambda L, a: L.sum(a, 0), [arr([[200, 100], [250, 1]], "uint8")]),
    ("sum_int8", lambda L, a: a.sum(), [I8]),
    ("sum_int16_keepdim", lambda L, a: a.sum(0, keepdim=True), [I16]),
    ("sum_int32", lambda L, a: a.sum(), [I32]),
    ("sum_bool", lambda L, a: a.sum(), [MASK]),
    ("sum_uint8_0d", lambda L, a: a.sum(), [arr(255, "uint8")]),
    ("sum_uint8_empty", lambda L, a: a.sum(), [arr([], "uint8")]),
    ("sum_dtype_int8", lambda L, a: a.sum(dtype=dtype(L, "int8")), [arr([1, 2, 3], "uint8")]),
    ("sum_dtype_int32", lambda L, a: a.sum(dtype=dtype(L, "int32")), [I8]),
    ("prod_uint8", lambda L, a: a.prod(), [SMALL_U8]),
    ("cumsum_uint8", lambda L, a: a.cumsum(0), [U8]),
    ("cumsum_int8", lambda L, a: L.cumsum(a, 0), [I8]),
    ("cumprod_bool", lambda L, a: a.cumprod(0), [MASK]),
    ("mean_int_with_dtype", lambda L, a: a.mean(dtype=dtype(L, "float64")), [I32]),
    # complex reductions keep complex (they were taken for integers)
    ("prod_complex64", lambda L, a: a.prod(), [C64]),
    ("cumsum_complex64", lambda L, a: a.cumsum(0), [C64]),
    ("cumprod_complex128", lambda L, a: a.cumprod(0), [C128]),
    # boolean arithmetic
    ("bool_pow_2", lambda L, a: a ** 2, [MASK]),
    ("bool_pow_true", lambda L, a: a ** True, [MASK]),
    ("two_pow_bool", lambda L, a: 2 ** a, [MASK]),
    ("bool_square", lambda L, a: L.square(a), [MASK]),
    ("bool_plus_bool", lambda L, a: a + a, [MASK]),
    ("bool_plus_true", lambda L, a: a + True, [MASK]),
    ("bool_times_3", lambda L, a: a * 3, [MASK]),
    ("bool_times_half", lambda L, a: a * 2.5, [MASK]),
    ("bool_div_bool", lambda L, a: a / (a + True), [MASK]),
    ("bool_plus_int8_0d", lambda L, a, b: a + b, [MASK, arr(5, "int8")]),
    ("bool_0d_plus_1", lambda L, a: a + 1, [arr(True, bool)]),
    ("exp_bool", lambda L, a: L.exp(a), [MASK]),
    # float ops on 8-bit integers: float32, not numpy's float16
    ("exp_uint8", lambda L, a: L.exp(a), [arr([1, 5, 11], "uint8")]),
    ("log_int8", lambda L, a: L.log(a), [arr([1, 5, 100], "int8")]),
    ("tanh_uint8_0d", lambda L, a: L.tanh(a), [arr(3, "uint8")]),
    ("sigmoid_int8", lambda L, a: L.sigmoid(a), [arr([-3, 0, 7], "int8")]),
    ("uint8_div_2", lambda L, a: a / 2, [U8]),
    ("int32_times_half", lambda L, a: a * 2.5, [I32]),
    # ranks: sized tensors, then 0-d tensors, then Python numbers
    ("float16_plus_float32_0d", lambda L, a, b: a + b, [H, arr(0.3, "float32")]),
    ("float32_0d_times_float16", lambda L, a, b: a * b, [arr(0.3, "float32"), H]),
    ("float16_div_float64_0d", lambda L, a, b: a / b, [H, arr(3.0, "float64")]),
    ("float16_0d_plus_float32_0d", lambda L, a, b: a + b, [arr(1.5, "float16"), arr(0.3, "float32")]),
    ("float16_maximum_float32_0d", lambda L, a, b: L.maximum(a, b), [H, arr(0.3, "float32")]),
    ("float16_empty_plus_float32_0d", lambda L, a, b: a + b, [arr([], "float16"), arr(0.3, "float32")]),
    ("int16_plus_float16", lambda L, a, b: a + b, [arr([1, 2, 300], "int16"), H]),
    ("float16_times_int64", lambda L, a, b: a * b, [H, arr([1, 2, 3], "int64")]),
    ("uint8_plus_int64_0d", lambda L, a, b: a + b, [SMALL_U8, arr(4, "int64")]),
    ("int8_0d_plus_uint8", lambda L, a, b: a + b, [arr(4, "int8"), SMALL_U8]),
    ("int64_plus_float64_0d", lambda L, a, b: a + b, [I64, arr(0.5, "float64")]),
    ("int64_plus_float32_0d", lambda L, a, b: a + b, [I64, arr(0.5, "float32")]),
    ("float32_0d_plus_1", lambda L, a: a + 1, [arr(0.5, "float32")]),
    ("int64_0d_times_half", lambda L, a: a * 2.5, [arr(3, "int64")]),
    ("half_times_int64_0d", lambda L, a: 0.5 * a, [arr(3, "int64")]),
    ("two_pow_bool_0d", lambda L, a: 2 ** a, [arr(True, bool)]),
    ("float16_0d_times_python_float", lambda L, a: 0.1 * a, [arr(1.5, "float16")]),
    ("where_int8_int64_0d", lambda L, a, b: L.where(a > 1, a, b), [arr([1, 2, 3], "int8"), arr(9, "int64")]),
    ("float16_plus_1", lambda L, a: a + 1, [H]),
    ("int8_plus_bool", lambda L, a, b: a + b, [I8, MASK]),
    ("int8_times_true", lambda L, a: a * True, [I8]),
    ("uint8_0d_plus_int8_0d", lambda L, a, b: a + b, [arr(3, "uint8"), arr(-4, "int8")]),
    ("int64_empty_times_half", lambda L, a: a * 0.5, [arr([], "int64")]),
    ("bool_empty_sum", lambda L, a: a.sum(0), [np.zeros((0, 2), bool)]),
    ("where_float16_float32_0d", lambda L, a, b: L.where(a > 0, a, b), [H, arr(0.3, "float32")]),
    # complex widths
    ("complex64_plus_int32", lambda L, a, b: a + b, [C64, arr([1, 2, 3], "int32")]),
    ("complex64_div_int64_0d", lambda L, a, b: a / b, [C64, arr(3, "int64")]),
    ("complex64_plus_float64_0d", lambda L, a, b: a + b, [C64, arr(0.5, "float64")]),
    ("complex64_times_complex128_0d", lambda L, a, b: a * b, [C64, arr(2 - 1j, "complex128")]),
    ("float32_plus_complex128_0d", lambda L, a, b: a + b, [F, arr(2 - 1j, "complex128")]),
    ("float64_0d_times_complex64", lambda L, a, b: a * b, [arr(0.5, "float64"), C64]),
    ("int64_plus_python_complex", lambda L, a: a + (1 + 2j), [I64]),
    ("uint8_times_python_complex", lambda L, a: a * 1j, [SMALL_U8]),
    ("float64_plus_python_complex", lambda L, a: a + 1j, [D]),
    ("complex64_pow_int32", lambda L, a, b: a ** b, [C64, arr([1, 2, 3], "int32")]),
    ("abs_complex128", lambda L, a: L.abs(a), [C128]),
    ("abs_complex64", lambda L, a: L.abs(a), [C64]),
    ("matrix_exp_complex64", lambda L, a: L.linalg.matrix_exp(a), [np.outer(C64, C64[::-1]) / 4]),
    ("matrix_exp_complex128", lambda L, a: L.linalg.matrix_exp(a), [np.outer(C128, C128[::-1]) / 4]),
    # eigen- and singular values, norms of complex matrices: real, of the matching precision
    ("svdvals_complex64", lambda L, a: L.linalg.svdvals(a), [HERMITIAN64]),
    ("svdvals_complex128", lambda L, a: L.linalg.svdvals(a), [HERMITIAN128]),
    ("eigvalsh_complex64", lambda L, a: L.linalg.eigvalsh(a), [HERMITIAN64]),
    ("eigvalsh_complex128_upper", lambda L, a: L.linalg.eigvalsh(a, UPLO="U"), [HERMITIAN128]),
    ("eigh_values_complex128", lambda L, a: L.linalg.eigh(a)[0], [HERMITIAN128]),
    ("eigh_vectors_abs_complex64", lambda L, a: L.linalg.eigh(a)[1].abs(), [HERMITIAN64]),
    ("svd_s_complex64", lambda L, a: L.linalg.svd(a)[1], [HERMITIAN64]),
    ("matrix_norm_fro_complex64", lambda L, a: L.linalg.matrix_norm(a), [HERMITIAN64]),
    ("matrix_norm_nuc_complex128", lambda L, a: L.linalg.matrix_norm(a, "nuc"), [HERMITIAN128]),
    ("matrix_norm_2_complex64", lambda L, a: L.linalg.matrix_norm(a, 2), [HERMITIAN64]),
    ("linalg_norm_complex128", lambda L, a: L.linalg.norm(a), [HERMITIAN128]),
    ("vector_norm_complex64", lambda L, a: L.linalg.vector_norm(a, 3), [C64]),
    ("cond_complex64", lambda L, a: L.linalg.cond(a), [HERMITIAN64]),
    ("var_complex64", lambda L, a: a.var(), [C64]),
    ("std_complex128_dim", lambda L, a: L.std(a, 0, keepdim=True), [C128]),
    # step, float and clamp functions of bool (and integer) tensors
    ("sign_bool", lambda L, a: L.sign(a), [MASK]),
    ("sign_bool_method", lambda L, a: a.sign(), [arr(True, bool)]),
    ("sigmoid_bool", lambda L, a: L.sigmoid(a), [MASK]),
    ("sigmoid_bool_0d", lambda L, a: a.sigmoid(), [arr(True, bool)]),
    ("clamp_bool_1_2", lambda L, a: L.clamp(a, 1, 2), [MASK]),
    ("clip_bool_min_0", lambda L, a: L.clip(a, min=0), [MASK]),
    ("clamp_uint8_min_minus_1", lambda L, a: L.clamp(a, -1), [arr([1, 250], "uint8")]),
    ("hardtanh_int64", lambda L, a: _F(L).hardtanh(a, -0.5, 2.7), [arr([-3, 0, 1, 5], "int64")]),
    ("relu6_uint8", lambda L, a: _F(L).relu6(a), [arr([253, 0, 1, 5], "uint8")]),
    ("hardtanh_int8", lambda L, a: _F(L).hardtanh(a, -1.5, 1.5), [arr([-3, 0, 1, 5], "int8")]),
    # a Python int an integer tensor's dtype cannot hold wraps into it, as torch (numpy raises OverflowError)
    ("uint8_plus_300", lambda L, a: a + 300, [arr([1, 250], "uint8")]),
    ("300_plus_uint8", lambda L, a: 300 + a, [arr([1, 250], "uint8")]),
    ("uint8_minus_300", lambda L, a: a - 300, [arr([1, 250], "uint8")]),
    ("uint8_plus_minus_1", lambda L, a: a + (-1), [arr([1, 250], "uint8")]),
    ("uint8_times_300", lambda L, a: a * 300, [arr([1, 250], "uint8")]),
    ("uint8_floordiv_300", lambda L, a: a // 300, [arr([1, 250], "uint8")]),
    ("int8_plus_200", lambda L, a: a + 200, [arr([1, -100], "int8")]),
    ("int16_plus_100000", lambda L, a: a + 100000, [arr([1, -100], "int16")]),
    ("int32_plus_2_to_40", lambda L, a: a + 2 ** 40, [arr([1, 2], "int32")]),
    ("uint8_maximum_int64_0d_300", lambda L, a, b: L.maximum(a, b), [arr([1, 250], "uint8"), arr(300, "int64")]),
    ("uint8_floordiv_int64_0d_300", lambda L, a, b: a // b, [arr([1, 250], "uint8"), arr(300, "int64")]),
    ("uint8_remainder_int64_0d_300", lambda L, a, b: a % b, [arr([1, 250], "uint8"), arr(300, "int64")]),
    ("uint8_less_300", lambda L, a: a < 300, [arr([1, 250], "uint8")]),
    ("300_greater_uint8", lambda L, a: 300 > a, [arr([1, 250], "uint8")]),
    ("uint8_greater_minus_1", lambda L, a: a > -1, [arr([1, 250], "uint8")]),
    ("int8_greater_200", lambda L, a: a > 200, [arr([1, -100], "int8")]),
    ("uint8_iadd_300", lambda L, a: _iadd(a, 300), [arr([1, 250], "uint8")]),
    ("int8_iadd_200", lambda L, a: _iadd(a, 200), [arr([1, -100], "int8")]),
    ("int16_iadd_100000", lambda L, a: _iadd(a, 100000), [arr([1, -100], "int16")]),
    ("uint8_imul_300", lambda L, a: _imul(a, 300), [arr([1, 250], "uint8")]),
]

TOLERANCE = {"float16": 1e-3, "float32": 1e-6, "complex64": 1e-6}


def _operand(L, x):
    return (ag.tensor(x) if L is ag else torch.tensor(x)) if isinstance(x, np.ndarray) else x


@pytest.mark.parametrize("name,fn,operands", CASES, ids=[c[0] for c in CASES])
def test_result_dtype_and_value_as_torch(name, fn, operands):
    ref = fn(torch, *(_operand(torch, x) for x in operands))
    ours = fn(ag, *(_operand(ag, x) for x in operands))
    expected = str(ref.dtype).removeprefix("torch.")
    assert str(ours.dtype) == expected
    assert tuple(ours.shape) == tuple(ref.shape)
    rtol = TOLERANCE.get(expected, 1e-12)
    np.testing.assert_allclose(ours.data, ref.numpy(), rtol=rtol, atol=rtol * 1e-3)


ERRORS = [
    ("mean_int64", lambda L, a: a.mean(), [I64], RuntimeError, "could not infer output dtype"),
    ("mean_bool_dim", lambda L, a: L.mean(a, 0), [MASK], RuntimeError, "Got: Bool"),
    ("mean_uint8", lambda L, a: a.mean(), [U8], RuntimeError, "Got: Byte"),
    ("mean_dtype_int64", lambda L, a: a.mean(dtype=dtype(L, "int64")), [F], RuntimeError, "Got: Long"),
    ("var_int32", lambda L, a: a.var(), [I32], RuntimeError, "floating point"),
    ("std_bool", lambda L, a: L.std(a), [MASK], RuntimeError, "floating point"),
    ("floor_bool", lambda L, a: L.floor(a), [MASK], TypeError, "not implemented for bool"),
    ("ceil_bool", lambda L, a: a.ceil(), [MASK], TypeError, "not implemented for bool"),
    ("trunc_bool", lambda L, a: L.trunc(a), [MASK], TypeError, "not implemented for bool"),
    ("round_bool", lambda L, a: L.round(a), [MASK], TypeError, "not implemented for bool"),
    ("frac_bool", lambda L, a: L.frac(a), [MASK], TypeError, "not implemented for bool"),
    ("frac_int64", lambda L, a: L.frac(a), [I64], TypeError, "not implemented for int64"),
    ("clamp_bool_bool_bounds", lambda L, a: L.clamp(a, True, True), [MASK], TypeError, "not implemented for bool"),
    ("clamp_uint8_max_300", lambda L, a: L.clamp(a, 2, 300), [SMALL_U8], ValueError, "without overflow"),
    ("clamp_int8_min_minus_200", lambda L, a: a.clamp(min=-200), [I8], ValueError, "without overflow"),
    # the activations PyTorch has no integer or bool kernel of
    ("softplus_int64", lambda L, a: _F(L).softplus(a), [I64], TypeError, "not implemented for int64"),
    ("gelu_bool", lambda L, a: _F(L).gelu(a), [MASK], TypeError, "not implemented for bool"),
    ("silu_int64", lambda L, a: _F(L).silu(a), [I64], TypeError, "not implemented for int64"),
    ("elu_bool", lambda L, a: _F(L).elu(a), [MASK], TypeError, "not implemented for bool"),
    ("selu_int64", lambda L, a: _F(L).selu(a), [I64], TypeError, "not implemented for int64"),
    ("celu_bool", lambda L, a: _F(L).celu(a), [MASK], TypeError, "not implemented for bool"),
    ("leaky_relu_int64", lambda L, a: _F(L).leaky_relu(a), [I64], TypeError, "not implemented for int64"),
    ("mish_bool", lambda L, a: _F(L).mish(a), [MASK], TypeError, "not implemented for bool"),
    ("logsigmoid_int64", lambda L, a: _F(L).logsigmoid(a), [I64], TypeError, "not implemented for int64"),
    ("hardsigmoid_bool", lambda L, a: _F(L).hardsigmoid(a), [MASK], TypeError, "not implemented for bool"),
    ("hardswish_int64", lambda L, a: _F(L).hardswish(a), [I64], TypeError, "not implemented for int64"),
    ("gelu_tanh_bool", lambda L, a: _F(L).gelu(a, approximate="tanh"), [MASK], TypeError, "not implemented"),
    ("hardtanh_bool", lambda L, a: _F(L).hardtanh(a), [MASK], TypeError, "hardtanh"),
    ("relu6_bool", lambda L, a: _F(L).relu6(a), [MASK], TypeError, "hardtanh"),
    ("hardtanh_uint8_negative", lambda L, a: _F(L).hardtanh(a), [SMALL_U8], TypeError, "hardtanh"),
    # subtraction and negation with a bool operand: torch refuses even where numpy takes True as 1
    ("neg_bool", lambda L, a: -a, [MASK], RuntimeError, "Negation, the `-` operator, on a bool tensor"),
    ("bool_minus_bool", lambda L, a: a - a, [MASK], RuntimeError, "with two bool tensors is not supported"),
    ("bool_minus_float", lambda L, a, b: a - b, [MASK, F], RuntimeError, "with a bool tensor is not supported"),
    ("float_minus_bool", lambda L, a, b: a - b, [F, MASK], RuntimeError, "with a bool tensor is not supported"),
    ("bool_minus_1", lambda L, a: a - 1, [MASK], RuntimeError, "with a bool tensor is not supported"),
    ("1_minus_bool", lambda L, a: 1 - a, [MASK], RuntimeError, "with a bool tensor is not supported"),
    ("half_minus_bool", lambda L, a: 0.5 - a, [MASK], RuntimeError, "with a bool tensor is not supported"),
    ("float_minus_true", lambda L, a: a - True, [F], RuntimeError, "with a bool tensor is not supported"),
    ("bool_0d_minus_float", lambda L, a, b: a - b, [arr(True, bool), F], RuntimeError, "with a bool tensor"),
    ("float_minus_bool_0d", lambda L, a, b: a - b, [F, arr(True, bool)], RuntimeError, "with a bool tensor"),
    ("sub_int64_bool", lambda L, a, b: L.sub(a, b), [I64, MASK], RuntimeError, "with a bool tensor"),
    ("float_isub_bool", lambda L, a, b: _isub(a, b), [F, MASK], RuntimeError, "with a bool tensor"),
    ("bool_isub_1", lambda L, a: _isub(a, 1), [MASK], RuntimeError, "with a bool tensor"),
    ("int64_plus_2_to_70", lambda L, a: a + 2 ** 70, [I64], OverflowError, "Add"),
]


@pytest.mark.parametrize("name,fn,operands,error,match", ERRORS, ids=[c[0] for c in ERRORS])
def test_what_torch_refuses_raises(name, fn, operands, error, match):
    with pytest.raises(Exception):
        fn(torch, *(_operand(torch, x) for x in operands))
    with pytest.raises(error, match=match):
        fn(ag, *(_operand(ag, x) for x in operands))


def test_numpy_functions_keep_numpys_int_mean_var_std():
    """np.mean / np.var / np.std of an integer tensor stay numpy's (a number), as float32 (the engine's float)."""
    t = ag.tensor(arr([1, 2, 3, 4], "int64"))
    assert np.mean(t).dtype == np.float32 and float(np.mean(t)) == 2.5
    assert float(np.var(t)) == pytest.approx(1.25) and float(np.std(t)) == pytest.approx(1.25 ** 0.5)


@pytest.mark.parametrize("expression", ["h * s", "s * h", "h / s", "h + s", "maximum(h, s)"])
def test_float16_beside_a_0d_float32_tensor_differentiates_as_torch(expression):
    """The result is float16; the gradients keep each leaf's dtype and torch's values (float16 precision)."""
    grads = []
    for L in (ag, torch):
        h = _operand(L, H).requires_grad_(True)
        s = _operand(L, arr(3.0, "float32")).requires_grad_(True)
        out = eval(expression, {"h": h, "s": s, "maximum": L.maximum})
        assert str(out.dtype).removeprefix("torch.") == "float16"
        out.sum().backward()
        grads.append([np.asarray(g.detach().numpy() if L is torch else g.data) for g in (h.grad, s.grad)])
    for ours, theirs in zip(*grads):
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours.astype(np.float64), theirs.astype(np.float64), rtol=2e-3, atol=1e-4)


@pytest.mark.parametrize("op", ["svdvals", "eigvalsh", "eigh", "svd"])
def test_complex_decompositions_refuse_a_graph(op):
    """Complex autograd is not implemented: a complex input that requires grad is refused, not differentiated
    wrongly; without grad (or under no_grad) the values come out."""
    x = ag.tensor(np.real(HERMITIAN128), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"linalg\.(svd|eigh).*: gradients of complex inputs are not supported"):
        getattr(ag.linalg, op)(x * 1j)
    with ag.no_grad():
        assert getattr(ag.linalg, op)(x * 1j) is not None
