"""Indexing ops (gather, scatter*, index_*, masked_*, take_along_dim, nonzero) against PyTorch.

Values, gradients for a random cotangent, and reverse/forward derivatives vs finite differences; errors
for bad arguments. Skipped cleanly without torch.
"""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, no_grad
from torch_cases import check_against_torch, check_derivatives

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4))
A32 = A.astype(np.float32)
B = RNG.standard_normal((2, 3, 4))
V = RNG.standard_normal(5)
S = RNG.standard_normal((4, 4))
I2 = np.array([[0, 0, 3], [2, 1, 1]])          # gather along dim 1 of (3, 4): repeats, smaller than the input
I0 = np.array([[2, 0, 1, 1], [0, 2, 2, 0]])    # along dim 0, index rows fewer than the input's
IB = RNG.integers(0, 3, (2, 2, 4))
MASK = A > 0.2
ROWS = np.array([2, 0, 2])
ROW_MASK = np.array([True, False, True, True])

CASES = [
    ("gather_dim1", lambda L, x, i: L.gather(x, 1, i), [A, I2]),
    ("gather_dim0", lambda L, x, i: L.gather(x, 0, i), [A, I0]),
    ("gather_neg_dim_3d", lambda L, x, i: x.gather(-2, i), [B, IB[:, :, :3]]),
    ("gather_float32", lambda L, x, i: L.gather(x, 1, i), [A32, I2]),
    ("gather_0d", lambda L, x, i: L.gather(x, 0, i), [np.array(1.5), np.array(0)]),
    ("gather_empty", lambda L, x, i: L.gather(x, 1, i), [A, np.zeros((0, 2), dtype=np.int64)]),
    ("gather_1d", lambda L, x, i: L.gather(x, 0, i), [V, np.array([4, 0, 4])]),
    ("take_along_dim", lambda L, x, i: L.take_along_dim(x, i, 1), [A, np.array([[0, 3], [1, 1], [2, 0]])]),
    ("take_along_dim_bcast", lambda L, x, i: L.take_along_dim(x, i, dim=0), [A, np.array([[2, 0, 1, 1]])]),
    ("take_along_dim_flat", lambda L, x, i: L.take_along_dim(x, i), [A, np.array([11, 0, 5, 5])]),
    ("scatter_src", lambda L, x, s, i: L.scatter(x, 1, i, s), [A, RNG.standard_normal((2, 2)), np.array([[3, 0], [1, 2]])]),
    ("scatter_dim0", lambda L, x, s, i: x.scatter(0, i, s), [A, RNG.standard_normal((1, 4)), np.array([[2, 1, 0, 2]])]),
    ("scatter_value", lambda L, x, i: L.scatter(x, 1, i, 2.5), [A, np.array([[3, 0], [1, 2]])]),
    ("scatter_add", lambda L, x, s, i: L.scatter_add(x, 1, i, s), [A, RNG.standard_normal((3, 3)), I2[[0, 1, 0]]]),
    ("scatter_add_dim0", lambda L, x, s, i: x.scatter_add(0, i, s), [A, RNG.standard_normal((2, 4)), I0]),
    ("scatter_add_1d_neg", lambda L, x, s, i: L.scatter_add(x, -1, i, s), [V, RNG.standard_normal(4), np.array([1, 1, 4, 1])]),
    ("index_select", lambda L, x, i: L.index_select(x, 0, i), [A, ROWS]),
    ("index_select_neg", lambda L, x, i: x.index_select(-1, i), [B, np.array([3, 3, 0])]),
    ("index_select_empty", lambda L, x, i: L.index_select(x, 1, i), [A, np.zeros(0, dtype=np.int64)]),
    ("index_add", lambda L, x, s, i: L.index_add(x, 0, i, s), [A, RNG.standard_normal((3, 4)), ROWS]),
    ("index_add_alpha", lambda L, x, s, i: x.index_add(1, i, s, alpha=-2.0), [A, RNG.standard_normal((3, 2)), np.array([1, 1])]),
    ("index_copy", lambda L, x, s, i: L.index_copy(x, 1, i, s), [A, RNG.standard_normal((3, 2)), np.array([3, 0])]),
    ("index_fill", lambda L, x, i: L.index_fill(x, 1, i, -1.0), [A, np.array([3, 0, 3])]),
    ("index_fill_tensor", lambda L, x, v, i: x.index_fill(0, i, v), [A, np.array(0.7), np.array([1])]),
    ("masked_fill", lambda L, x, m: L.masked_fill(x, m, -1.0), [A, MASK]),
    ("masked_fill_bcast", lambda L, x, m: x.masked_fill(m, 0.0), [A, ROW_MASK]),
    ("masked_fill_neg_inf_softmax", lambda L, x, m: L.softmax(x.masked_fill(m, float("-inf")), -1), [S, np.triu(np.ones((4, 4), bool), 1)]),
    ("masked_fill_tensor_value", lambda L, x, v, m: x.masked_fill(m, v), [A, np.array(3.0), MASK]),
    ("masked_fill_float32", lambda L, x, m: x.masked_fill(m, 2), [A32, MASK]),
    ("masked_fill_0d", lambda L, x, m: x.masked_fill(m, 2.0), [np.array(1.0), np.array(True)]),
    ("masked_select", lambda L, x, m: L.masked_select(x, m), [A, MASK]),
    ("masked_select_bcast", lambda L, x, m: x.masked_select(m), [A, ROW_MASK]),
    ("masked_scatter", lambda L, x, s, m: L.masked_scatter(x, m, s), [A, RNG.standard_normal((4, 4)), MASK]),
    ("masked_scatter_bcast", lambda L, x, s, m: x.masked_scatter(m, s), [A, RNG.standard_normal(9), ROW_MASK]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, fn, arrays):
    check_against_torch(torch, fn, arrays)


@pytest.mark.parametrize("name,fn,arrays", [c for c in CASES if c[2][0].dtype == np.float64 and c[2][0].size],
                         ids=[c[0] for c in CASES if c[2][0].dtype == np.float64 and c[2][0].size])
def test_derivatives_match_finite_differences(name, fn, arrays):
    check_derivatives(fn, arrays)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    src = np.array([[1.0, 2.0, 2.0, 0.0], [3.0, 0.0, 2.0, 0.5]])
    x = np.array([[2.0, 0.0, 1.0], [0.5, 2.0, 3.0]])
    index = np.array([[0, 2, 2, 0], [1, 1, 1, 1]])
    fn = lambda L, x, s, i: L.scatter_reduce(x, 1, i, s, reduce, include_self=include_self)  # noqa: E731
    check_against_torch(torch, fn, [x, src, index], second=True)
    if reduce not in ("amax", "amin"):  # (ties make amax/amin non-differentiable: no finite differences)
        check_derivatives(fn, [x, src, index])


@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("scalar", [False, True])
def test_scatter_with_legacy_reduce_matches_torch(reduce, scalar):
    x, s, i = RNG.standard_normal((3, 4)), RNG.standard_normal((2, 4)), np.array([[0, 1, 2, 0], [2, 2, 1, 0]])
    src, tsrc = (2.5, 2.5) if scalar else (Tensor(s), torch.tensor(s))
    expected = torch.tensor(x).scatter(0, torch.tensor(i), tsrc, reduce=reduce).numpy()
    np.testing.assert_allclose(ag.scatter(Tensor(x), 0, i, src, reduce=reduce).data, expected, rtol=1e-12)
    t = Tensor(x.copy())
    assert t.scatter_(0, i, src, reduce=reduce) is t
    np.testing.assert_allclose(t.data, expected, rtol=1e-12)


def test_scatter_reduce_mean_of_integers_floors_as_torch():
    x, s, i = np.array([5, 7, 1]), np.array([2, -3, 4, 8]), np.array([0, 0, 1, 2])
    ours = ag.scatter_reduce(Tensor(x), 0, i, Tensor(s), "mean")
    ref = torch.tensor(x).scatter_reduce(0, torch.tensor(i), torch.tensor(s), "mean")
    np.testing.assert_array_equal(ours.data, ref.numpy())


@pytest.mark.parametrize("as_tuple", [False, True])
@pytest.mark.parametrize("a", [A > 0, np.array([0.0, 1.0, 0.0, 2.0]), np.zeros((2, 0)), np.array(3.0), np.array(0)])
def test_nonzero_and_where_of_one_argument(a, as_tuple):
    ours, ref = ag.nonzero(Tensor(a), as_tuple=as_tuple), torch.nonzero(torch.tensor(a), as_tuple=as_tuple)
    for o, r in zip(ours if as_tuple else [ours], ref if as_tuple else [ref]):
        assert o.dtype == np.int64
        np.testing.assert_array_equal(o.data, r.numpy())
    if as_tuple:
        assert len(ours) == len(ref)
        for o, r in zip(ag.where(Tensor(a)), torch.where(torch.tensor(a))):
            np.testing.assert_array_equal(o.data, r.numpy())


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
def test_count_nonzero(dim):
    a = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, np.nan]])
    ours, ref = ag.count_nonzero(Tensor(a), dim), torch.count_nonzero(torch.tensor(a), dim)
    assert ours.dtype == np.int64 and ours.shape == tuple(ref.shape)
    np.testing.assert_array_equal(ours.data, ref.numpy())


# ---- in place ---------------------------------------------------------------------------------
INPLACE = [
    ("masked_fill_", lambda t, s: t.masked_fill_(torch_or_np(t, MASK), s.sum() if s is not None else -2.0)),
    ("index_fill_", lambda t, s: t.index_fill_(1, torch_or_np(t, np.array([0, 2])), -1.0)),
    ("index_copy_", lambda t, s: t.index_copy_(0, torch_or_np(t, np.array([2, 0])), s)),
    ("index_add_", lambda t, s: t.index_add_(0, torch_or_np(t, np.array([2, 2])), s, alpha=3.0)),
    ("scatter_", lambda t, s: t.scatter_(1, torch_or_np(t, np.array([[3, 0, 1, 2], [1, 2, 3, 0]])), s)),
    ("scatter_add_", lambda t, s: t.scatter_add_(1, torch_or_np(t, np.array([[3, 3, 1, 2], [1, 1, 1, 0]])), s)),
    ("scatter_reduce_sum", lambda t, s: t.scatter_reduce_(1, torch_or_np(t, np.array([[3, 3, 1, 2], [1, 1, 1, 0]])), s, "sum", include_self=False)),
    ("scatter_reduce_prod", lambda t, s: t.scatter_reduce_(1, torch_or_np(t, np.array([[3, 3, 1, 2], [1, 1, 1, 0]])), s, "prod", include_self=False)),
    ("scatter_reduce_mean", lambda t, s: t.scatter_reduce_(0, torch_or_np(t, np.array([[2, 2, 1, 2], [0, 2, 1, 0]])), s, "mean")),
    ("masked_scatter_", lambda t, s: t.masked_scatter_(torch_or_np(t, np.array([[True, False, True, False]] * 3)), s)),
]


def torch_or_np(t, a):
    return torch.tensor(a) if isinstance(t, torch.Tensor) else a


@pytest.mark.parametrize("name,change", INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_variants_match_torch_and_record_the_change(name, change):
    src = RNG.standard_normal((2, 4))
    x, s = Tensor(A, requires_grad=True), Tensor(src, requires_grad=True)
    tx, ts = torch.tensor(A, requires_grad=True), torch.tensor(src, requires_grad=True)
    y, ty = x * 2.0, tx * 2.0
    before = y._version
    assert change(y, s) is y
    change(ty, ts)
    assert y._version > before
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    u = RNG.standard_normal(A.shape)
    (y * u).sum().backward()
    (ty * torch.tensor(u)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(s.grad.data if s.grad is not None else 0 * src,
                               ts.grad.numpy() if ts.grad is not None else 0 * src, rtol=1e-12)


def test_in_place_without_grad_changes_the_data_and_bumps_the_version():
    t = Tensor(A.copy())
    t.masked_fill_(MASK, 0.0).index_fill_(0, np.array([0]), 1.0)
    expected = torch.tensor(A).masked_fill_(torch.tensor(MASK), 0.0).index_fill_(0, torch.tensor([0]), 1.0)
    np.testing.assert_array_equal(t.data, expected.numpy())
    assert t._version == 2


@pytest.mark.parametrize("reduce", ["amax", "amin", "mean"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_in_place_without_grad(reduce, include_self):
    x = np.array([[5, 1, 7], [2, 8, 3]])
    s, i = np.array([[4, 9, 2, 6], [1, 1, 0, 7]]), np.array([[0, 0, 2, 1], [1, 2, 2, 2]])
    for dtype in (np.int64, np.float64):
        t = Tensor(x.astype(dtype))
        t.scatter_reduce_(1, i, Tensor(s.astype(dtype)), reduce, include_self=include_self)
        ref = torch.tensor(x.astype(dtype)).scatter_reduce_(1, torch.tensor(i), torch.tensor(s.astype(dtype)), reduce,
                                                            include_self=include_self)
        np.testing.assert_array_equal(t.data, ref.numpy())
        assert t._version > 0


def test_in_place_on_a_leaf_requiring_grad_is_refused_and_allowed_under_no_grad():
    w = Tensor(A.copy(), requires_grad=True)
    with pytest.raises(RuntimeError, match="masked_fill_.*leaf"):
        w.masked_fill_(MASK, 0.0)
    with pytest.raises(RuntimeError, match="scatter_add_.*leaf"):
        w.scatter_add_(0, np.array([[0]]), Tensor(np.ones((1, 1))))
    with no_grad():
        w.masked_fill_(MASK, 0.0)
    assert (w.data[MASK] == 0).all()


def test_in_place_change_of_a_saved_value_makes_backward_raise():
    x = Tensor(A, requires_grad=True)
    y = x * 1.0
    z = y.exp()  # Exp saves its output... and y? it saves z; use y in a product to save y
    w = y * y
    y.masked_fill_(MASK, 0.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        (w.sum() + z.sum()).backward()


# ---- bad arguments: a clear error naming the op, as torch raises --------------------------------
ERRORS = [
    ("gather index out of range", lambda L, x: L.gather(x, 1, idx(L, [[4]])), RuntimeError, "gather.*out of bounds"),
    ("gather negative index", lambda L, x: L.gather(x, 1, idx(L, [[-1]])), RuntimeError, "gather.*out of bounds"),
    ("gather float index", lambda L, x: L.gather(x, 1, idx(L, [[1.0]])), RuntimeError, "gather.*int"),
    ("gather rank mismatch", lambda L, x: L.gather(x, 1, idx(L, [1])), RuntimeError, "gather.*dimensions"),
    ("gather index too big", lambda L, x: L.gather(x, 1, idx(L, [[0]] * 4)), RuntimeError, "gather.*larger"),
    ("gather bad dim", lambda L, x: L.gather(x, 2, idx(L, [[0]])), ValueError, "gather"),
    ("scatter_add dtype", lambda L, x: L.scatter_add(x, 0, idx(L, [[0]]), L.ones((1, 1), dtype=L.float32)), RuntimeError, "scatter_add.*dtype"),
    ("index_select out of range", lambda L, x: L.index_select(x, 0, idx(L, [3])), IndexError, "index_select"),
    ("index_select 2-d index", lambda L, x: L.index_select(x, 0, idx(L, [[0]])), IndexError, "index_select"),
    ("index_add shape", lambda L, x: L.index_add(x, 0, idx(L, [0, 1]), L.ones((1, 4), dtype=L.float64)), RuntimeError, "index_add.*source"),
    ("index_add out of range", lambda L, x: L.index_add(x, 0, idx(L, [5]), L.ones((1, 4), dtype=L.float64)), RuntimeError, "index_add.*out of bounds"),
    ("masked_fill float mask", lambda L, x: x.masked_fill(L.ones((3, 4)), 0.0), RuntimeError, "masked_fill.*bool"),
    ("masked_fill value shape", lambda L, x: x.masked_fill(L.ones((3, 4), dtype=L.bool), L.ones(2)), RuntimeError, "masked_fill.*0-dim"),
    ("masked_scatter too few", lambda L, x: x.masked_scatter(L.ones((3, 4), dtype=L.bool), L.ones(2, dtype=L.float64)), RuntimeError, "masked_scatter"),
]


def idx(L, a):
    return L.tensor(a) if L is torch else np.array(a)


@pytest.mark.parametrize("name,call,error,match", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_arguments_raise_as_torch(name, call, error, match):
    with pytest.raises(Exception):
        call(torch, torch.tensor(A))
    with pytest.raises(error, match=match):
        call(ag, Tensor(A))
