"""PyTorch habits run unchanged: dim=/keepdim=, max(dim) with indices, size(), conversions, dtype names, seeding.

Each habit is checked against torch (skipped without it) and, where torch is not
needed, against the numbers it must give.
"""
import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn

RNG = np.random.default_rng(3)
X = RNG.standard_normal((3, 4, 5))
TIES = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [5.0, -1.0, 5.0, 4.0]])


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _both(torch, array, fn):
    """fn applied to our tensor and torch's (both float64, requiring grad): (ours, theirs, our leaf, torch leaf)."""
    ours, theirs = ag.tensor(array, requires_grad=True), torch.tensor(array, requires_grad=True)
    return fn(ours), fn(theirs), ours, theirs


def _assert_value_and_grad(torch, out, ref, ours, theirs):
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    u = RNG.standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


REDUCTIONS = [
    ("sum", lambda t: t.sum(dim=1)), ("sum", lambda t: t.sum(1, keepdim=True)),
    ("sum", lambda t: t.sum(dim=(0, 2))), ("mean", lambda t: t.mean(-1, keepdim=True)),
    ("mean", lambda t: t.mean()), ("var", lambda t: t.var(dim=0, correction=0)),
    ("var", lambda t: t.var(1, keepdim=True, unbiased=True)), ("amax", lambda t: t.amax(dim=(1, 2))),
    ("amin", lambda t: t.amin(0, keepdim=True)), ("logsumexp", lambda t: t.logsumexp(dim=2)),
    ("softmax", lambda t: t.softmax(dim=1)), ("log_softmax", lambda t: t.log_softmax(dim=0)),
    ("squeeze", lambda t: t[:, :1].squeeze(dim=1)), ("unsqueeze", lambda t: t.unsqueeze(dim=-1)),
    ("max values", lambda t: t.max(dim=1).values), ("min values", lambda t: t.min(2, keepdim=True)[0]),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[f"{i}-{r[0]}" for i, r in enumerate(REDUCTIONS)])
def test_dim_keywords_match_torch(torch, name, fn):
    _assert_value_and_grad(torch, *_both(torch, X, fn))


@pytest.mark.torch
def test_cat_and_stack_take_dim(torch):
    out, ref, ours, theirs = _both(torch, X, lambda t: t)
    joined = ag.cat([ours, ours * 2], dim=1).sum() + ag.stack([ours, ours], dim=-1).sum(dim=(0, -1)).sum()
    expect = torch.cat([theirs, theirs * 2], dim=1).sum() + torch.stack([theirs, theirs], dim=-1).sum(dim=(0, -1)).sum()
    _assert_value_and_grad(torch, joined, expect, ours, theirs)


@pytest.mark.parametrize("fn", [
    lambda t: t.sum(dim=0, axis=0), lambda t: t.mean(1, axis=1), lambda t: t.amax(dim=1, axis=1),
    lambda t: ag.cat([t, t], dim=0, axis=0), lambda t: t.argmax(dim=0, axis=0), lambda t: t.softmax(dim=0, axis=0),
])
def test_dim_and_its_numpy_alias_together_is_a_type_error(fn):
    with pytest.raises(TypeError, match="alias axis"):
        fn(ag.tensor(X))


def test_numpy_aliases_mean_the_same_as_dim():
    t = ag.tensor(X)
    for name in ("sum", "mean", "var", "amax", "amin", "logsumexp", "argmax", "argmin"):
        by_dim, by_axis = getattr(t, name)(dim=1, keepdim=True), getattr(t, name)(axis=1, keepdims=True)
        np.testing.assert_array_equal(by_dim.data, by_axis.data, err_msg=name)
        assert by_dim.shape == (3, 1, 5)
    np.testing.assert_array_equal(t.sum(2).data, X.sum(axis=2))  # a positional int is dim


@pytest.mark.torch
@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("dim,keepdim", [(1, False), (0, True), (-1, False)])
def test_max_min_with_dim_return_values_and_indices_as_torch(torch, op, dim, keepdim):
    out, ref, ours, theirs = _both(torch, TIES, lambda t: getattr(t, op)(dim, keepdim=keepdim))
    values, indices = out  # unpackable, like torch.return_types.max
    assert out.values is values and out.indices is indices and type(out).__name__ == op
    np.testing.assert_array_equal(indices.data, ref.indices.numpy())  # ties: the first index, as torch on CPU
    assert indices.dtype == np.int64
    _assert_value_and_grad(torch, values, ref.values, ours, theirs)  # the whole gradient to the returned index


def test_unpacking_max_of_a_batch_of_two_gives_predictions():
    logits = ag.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.5]])
    _, pred = logits.max(1)
    np.testing.assert_array_equal(pred.data, [1, 0])


@pytest.mark.torch
def test_max_without_dim_and_numpy_keyword_max_share_ties_as_torch_amax(torch):
    for ours_fn, torch_fn in [(lambda t: t.max(), lambda t: t.max()),
                              (lambda t: t.max(axis=1), lambda t: t.amax(1)),
                              (lambda t: t.min(axis=(0, 1), keepdims=True), lambda t: t.amin((0, 1), keepdim=True)),
                              (lambda t: t.amax(0), lambda t: t.amax(0))]:
        _assert_value_and_grad(torch, *_both(torch, TIES, lambda t: ours_fn(t) if isinstance(t, ag.Tensor)
                                             else torch_fn(t)))


@pytest.mark.torch
def test_max_with_a_tensor_is_elementwise_maximum(torch):
    other = RNG.standard_normal(TIES.shape)
    out = ag.tensor(TIES).max(ag.tensor(other))
    np.testing.assert_array_equal(out.data, torch.tensor(TIES).max(torch.tensor(other)).numpy())


@pytest.mark.torch
def test_max_and_argmax_edge_cases_match_torch(torch):
    nan_row = np.array([1.0, np.nan, 3.0])
    out, ref = ag.tensor(nan_row).max(0), torch.tensor(nan_row).max(0)
    assert np.isnan(out.values.item()) and out.indices.item() == ref.indices.item() == 1
    scalar = ag.tensor(3.0).max(0)
    assert scalar.values.item() == 3.0 and scalar.indices.item() == 0 and scalar.values.shape == ()
    empty_rows = ag.tensor(np.zeros((0, 3))).max(1)
    assert empty_rows.values.shape == empty_rows.indices.shape == tuple(torch.zeros(0, 3).max(1).values.shape)
    with pytest.raises(IndexError, match=r"size 0.*\(0, 3\)"):
        ag.tensor(np.zeros((0, 3))).max(0)
    with pytest.raises(IndexError, match=r"\(0, 3\)"):
        ag.tensor(np.zeros((0, 3))).max()
    with pytest.raises(IndexError, match=r"\(0,\)"):
        ag.tensor(np.zeros(0)).argmax()
    with pytest.raises(TypeError, match="amax"):
        ag.tensor(TIES).max((0, 1))
    np.testing.assert_array_equal(ag.tensor(TIES).argmax(1, keepdim=True).data, torch.tensor(TIES).argmax(1, keepdim=True).numpy())
    assert ag.tensor(TIES).argmin().item() == torch.tensor(TIES).argmin().item()


@pytest.mark.torch
def test_mean_and_var_of_nothing_are_nan_as_torch(torch):
    assert np.isnan(ag.tensor(np.zeros(0)).mean().item()) and torch.empty(0).mean().isnan()
    np.testing.assert_array_equal(ag.tensor(np.zeros((0, 3))).mean(0).data, torch.empty(0, 3).mean(0).numpy())
    with pytest.warns(UserWarning, match="degrees of freedom"):
        one = ag.tensor([2.0]).var(ddof=1)
    assert np.isnan(one.item())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert torch.tensor([2.0]).var().isnan()
        assert ag.tensor([1.0, 2.0]).var(correction=3).item() == torch.tensor([1.0, 2.0]).var(correction=3).item()


def test_float16_mean_accumulates_in_float32():
    out = ag.ones(100000, dtype=np.float16).mean()
    assert out.dtype == np.float16 and out.item() == 1.0


def test_size_is_the_count_and_a_method():
    t = ag.zeros(2, 3)
    assert t.size == 6 and t.size + 1 == 7 and np.zeros(t.size).shape == (6,)
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-2) == 2
    with pytest.raises(IndexError, match=r"dimension 2 .*\(2, 3\)"):
        t.size(2)
    assert t.numel() == 6 and t.dim() == 2


@pytest.mark.torch
def test_conversions_match_torch(torch):
    data = np.array([[1.7, -2.5], [0.2, 3.9]], dtype=np.float32)
    ours, theirs = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    for name in ("float", "double", "long", "int"):
        out, ref = getattr(ours, name)(), getattr(theirs, name)()
        assert out.dtype == np.dtype(str(ref.dtype).replace("torch.", ""))
        np.testing.assert_array_equal(out.data, ref.detach().numpy())
        assert out.requires_grad == ref.requires_grad
    assert ours.float() is ours and ours.to(ag.float32) is ours and ours.to("cpu") is ours
    assert ours.to(ag.float64).dtype == np.float64 and ours.to(ag.zeros(1, dtype=ag.int64)).dtype == np.int64
    with pytest.raises(RuntimeError, match="no devices"):
        ours.to("cuda")
    twin = ours.clone()
    assert twin.data is not ours.data and twin.requires_grad
    (twin * 3).sum().backward()
    np.testing.assert_array_equal(ours.grad.data, np.full((2, 2), 3.0))


def test_dtype_names():
    assert (ag.float32, ag.float64, ag.int64, ag.int32, ag.bool) == (np.float32, np.float64, np.int64, np.int32, np.bool_)
    assert ag.zeros(2, dtype=ag.int64).dtype == np.int64 and ag.tensor([1, 0], dtype=ag.bool).dtype == np.bool_


def test_manual_seed_seeds_factories_init_dropout_and_shuffling():
    def run():
        ag.manual_seed(7)
        noise = ag.randn(3).data
        layer = nn.Linear(3, 2)
        mask = nn.Dropout(0.5)(ag.ones(20)).data
        order = np.concatenate([b.data for b in nn.data.DataLoader(np.arange(10), batch_size=5, shuffle=True)])
        return noise, layer.weight.data.copy(), mask, order
    first, second = run(), run()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert sorted(first[3]) == list(range(10)) and not np.array_equal(first[3], np.arange(10))


def test_help_lists_functions_and_classes():
    assert {"Tensor", "tensor", "max", "manual_seed", "grad", "no_grad"} <= set(ag.__all__)
    assert {"Linear", "Module", "ModuleDict", "utils", "data", "functional"} <= set(nn.__all__)
    for name in ("sum", "mean", "max", "min", "var", "argmax", "softmax", "reshape", "float", "clone", "size"):
        assert getattr(ag.Tensor, name).__doc__, name


@pytest.mark.torch
def test_squeeze_leaves_axes_that_are_not_size_one_as_torch(torch):
    a = np.arange(6.0).reshape(2, 1, 3)
    for dim in (0, 1, (0, 1), -2, None):
        ours = ag.tensor(a).squeeze() if dim is None else ag.tensor(a).squeeze(dim)
        theirs = torch.tensor(a).squeeze() if dim is None else torch.tensor(a).squeeze(dim)
        assert ours.shape == tuple(theirs.shape), dim
    with pytest.raises(TypeError, match="missing the dim"):
        ag.tensor(a).unsqueeze()


@pytest.mark.torch
def test_all_minus_inf_rows_and_keepdim_argmax_as_torch(torch):
    rows = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    ours, theirs = ag.tensor(rows).max(1), torch.tensor(rows).max(1)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ag.tensor(X).argmax(keepdim=True).shape == tuple(torch.tensor(X).argmax(keepdim=True).shape) == (1, 1, 1)


@pytest.mark.parametrize("scalar", [np.float64(0.5), np.float32(2.0), np.int64(3), np.bool_(True), np.sqrt(4)])
def test_a_numpy_scalar_beside_a_tensor_counts_as_a_python_number_as_torch(torch, scalar):
    """`x * (1 / np.sqrt(d))` keeps a float32 x float32, as torch does (numpy alone would give float64)."""
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    pairs = [(ag.tensor(x) * scalar, torch.tensor(x) * scalar), (scalar + ag.tensor(x), scalar + torch.tensor(x)),
             (ag.tensor(x) / scalar, torch.tensor(x) / scalar),
             (ag.where(ag.tensor(x) > 1, ag.tensor(x), scalar), torch.where(torch.tensor(x) > 1, torch.tensor(x), scalar))]
    for ours, theirs in pairs:
        assert ours.dtype == np.float32 and theirs.dtype == torch.float32
        np.testing.assert_allclose(ours.data, theirs.numpy())
    leaf = ag.tensor(x, requires_grad=True)
    (leaf * scalar).sum().backward()
    assert leaf.grad.dtype == np.float32
    np.testing.assert_allclose(leaf.grad.data, np.full(3, float(scalar), np.float32))


PROMOTIONS = ["x * 0.5", "x / 2", "0.5 + x", "b * 1.5", "x * f", "f * x", "f * z", "x * z", "d * x", "x.sqrt()",
              "x.exp()", "(x * f).sum()", "x.float() * x", "x.double()", "where(x > 1, x, 0.5)", "f16 * x", "f16 * 2.5",
              "x * s", "s * x", "i * s", "i / s", "where(x > 1, x, s)", "i * z", "s * z"]


@pytest.mark.parametrize("expression", PROMOTIONS)
def test_float_results_from_integers_take_torchs_dtype_not_numpys_float64(torch, expression):
    """Integers with a float number or a float op give float32, int64 with float32 gives float32, a 0-d float64
    beside a sized float32 gives float32 (numpy gives float64 for all three); a float64 tensor keeps float64."""
    def operands(lib, f64, f16):
        return dict(x=lib.tensor([1, 2, 3]), b=lib.tensor([True, False, True]), f=lib.tensor([1.0, 2.0, 4.0]),
                    z=lib.tensor(2.0, dtype=f64), d=lib.tensor([1.0, 2.0, 3.0], dtype=f64),
                    f16=lib.tensor([1.0, 2.0, 3.0], dtype=f16), where=lib.where, s=lib.tensor(0.5), i=lib.tensor(3))
    ours = eval(expression, operands(ag, ag.float64, ag.float16))
    theirs = eval(expression, operands(torch, torch.float64, torch.float16))
    assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-3)


@pytest.mark.parametrize("mode", ["floor", "trunc"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64"])
def test_rounded_division_and_floordiv_operator_match_torch(torch, mode, dtype):
    """div(rounding_mode=...) and //: values and dtypes as torch's, on signs, zeros and exact quotients."""
    a = np.array([7, -7, 7, -7, 0, 6, -6, 1], dtype=dtype)
    b = np.array([2, 2, -2, -2, 3, 3, -3, 10], dtype=dtype)
    ours = ag.div(ag.tensor(a), ag.tensor(b), rounding_mode=mode)
    theirs = torch.div(torch.tensor(a), torch.tensor(b), rounding_mode=mode)
    assert ours.dtype == np.dtype(dtype) and str(theirs.dtype) == f"torch.{dtype}"
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    if mode == "floor":
        np.testing.assert_array_equal((ag.tensor(a) // 3).data, (torch.tensor(a) // 3).numpy())
        np.testing.assert_array_equal((13 // ag.tensor(b)).data, (13 // torch.tensor(b)).numpy())
        np.testing.assert_array_equal(ag.tensor(a).floor_divide(ag.tensor(b)).data, theirs.numpy())


def test_rounded_division_by_zero_and_its_gradient_as_torch(torch):
    with pytest.raises(ZeroDivisionError, match="integer division by zero"):
        ag.tensor([5, 6]) // 0
    np.testing.assert_array_equal((ag.tensor([1.5, -1.5, 0.0]) // 0.0).data, (torch.tensor([1.5, -1.5, 0.0]) // 0.0).numpy())
    with pytest.raises(ValueError, match="rounding_mode"):
        ag.div(ag.tensor([1.0]), 2, rounding_mode="round")
    x = ag.tensor([1.5, -2.5, 3.0], requires_grad=True)
    ag.div(x, 2, rounding_mode="floor").sum().backward()
    t = torch.tensor([1.5, -2.5, 3.0], requires_grad=True)
    torch.div(t, 2, rounding_mode="floor").sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


HALF_SCALARS = ["h * 1e5", "h / 1e5", "1e-8 / h", "h * 70000", "h - 1e-6", "h * np.float64(1e5)", "h / np.float64(1e5)",
                "np.float64(1e-8) / h", "where(h > 1, h, 1e5)"]


@pytest.mark.parametrize("expression", HALF_SCALARS)
def test_a_number_outside_float16s_range_beside_a_float16_tensor_is_not_rounded_first_as_torch(torch, expression):
    """PyTorch computes float16 with a number in float32 and rounds once: h / 1e5 is 2e-5, h * 7e4 finite where
    h < 0.93; rounding the number to float16 first (numpy's rule) made them 0 and inf. Gradients too."""
    h = np.array([1e-3, 2.0, -3.0], dtype=np.float16)
    ours_leaf, theirs_leaf = ag.tensor(h, requires_grad=True), torch.tensor(h, requires_grad=True)
    ours = eval(expression, dict(h=ours_leaf, np=np, where=ag.where))
    theirs = eval(expression.replace("np.float64", "float"), dict(h=theirs_leaf, np=np, where=torch.where))
    assert ours.dtype == np.float16 and theirs.dtype == torch.float16
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    weights = np.array([1.0, 0.5, 0.25], dtype=np.float16)
    (ours * ag.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    assert ours_leaf.grad.dtype == np.float16
    expected = theirs_leaf.grad.numpy().astype(np.float64)
    finite = ~np.isnan(expected)  # NOTE: torch's float16 VJP of 1e-8 / h squares h = 1e-3 in float16 and gives NaN
    assert finite.sum() >= 2
    np.testing.assert_allclose(ours_leaf.grad.data.astype(np.float64)[finite], expected[finite], rtol=2e-3)


@pytest.mark.parametrize("change", ["h *= 1e5", "h /= 1e5", "h *= 70000", "h /= np.float64(1e5)", "h -= 1e-6", "h += 1e5"])
@pytest.mark.parametrize("recorded", [False, True])
def test_in_place_float16_with_a_number_outside_its_range_as_torch(torch, change, recorded):
    """In place as out of place: the number is not rounded to float16 first (h /= 1e5 is 2e-5, not 0)."""
    h = np.array([1e-3, 2.0, -3.0], dtype=np.float16)
    leaf, tleaf = ag.tensor(h, requires_grad=recorded), torch.tensor(h, requires_grad=recorded)
    ours, theirs = leaf * 1.0, tleaf * 1.0
    exec(change, dict(h=ours, np=np))
    exec(change.replace("np.float64", "float"), dict(h=theirs, np=np))
    assert ours.dtype == np.float16
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    if recorded:
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_array_equal(leaf.grad.data, tleaf.grad.numpy())
