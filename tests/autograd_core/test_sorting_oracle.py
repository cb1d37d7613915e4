"""Sorting and selection (sort, argsort, topk, kthvalue, median, unique, searchsorted) against PyTorch.

Values, indices (ties and NaN broken as PyTorch's CPU kernels break them), gradients going to the
returned indices, finite differences in both modes. Skipped cleanly without torch.
"""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from torch_cases import check_against_torch, check_derivatives

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

RNG = np.random.default_rng(11)
A = RNG.standard_normal((3, 5))
B = RNG.standard_normal((2, 3, 4))
TIES = np.array([[3.0, 1.0, 3.0, 2.0, 1.0, 3.0, 1.0], [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0]])
NANS = np.array([[3.0, np.nan, 1.0, 3.0, np.nan, 0.0], [1.0, 2.0, 2.0, -1.0, 0.5, 2.0]])
LONG_TIES = RNG.integers(0, 3, (4, 70)).astype(float)  # many ties: ATen's selection algorithm decides

CASES = [
    ("sort", lambda L, x: L.sort(x), [A]),
    ("sort_dim0_desc", lambda L, x: x.sort(0, descending=True), [A]),
    ("sort_neg_dim_3d", lambda L, x: x.sort(-2), [B]),
    ("sort_ties", lambda L, x: x.sort(1), [TIES]),
    ("sort_ties_desc", lambda L, x: x.sort(1, True), [TIES]),
    ("sort_stable_kw", lambda L, x: L.sort(x, dim=1, descending=True, stable=True), [TIES]),
    ("sort_nan", lambda L, x: x.sort(1), [NANS]),
    ("sort_nan_desc", lambda L, x: x.sort(1, descending=True), [NANS]),
    ("sort_0d", lambda L, x: x.sort(), [np.array(2.0)]),
    ("sort_empty", lambda L, x: x.sort(0), [np.zeros((0, 3))]),
    ("sort_float32", lambda L, x: x.sort(), [A.astype(np.float32)]),
    ("argsort", lambda L, x: (L.argsort(x, 1), x.argsort(0, descending=True)), [TIES]),
    ("topk", lambda L, x: L.topk(x, 2), [A]),
    ("topk_smallest_dim0", lambda L, x: x.topk(2, 0, largest=False), [A]),
    ("topk_ties", lambda L, x: x.topk(4, 1), [TIES]),
    ("topk_ties_smallest", lambda L, x: x.topk(5, 1, largest=False), [TIES]),
    ("topk_nan", lambda L, x: x.topk(3), [NANS]),
    ("topk_long_ties", lambda L, x: x.topk(30), [LONG_TIES]),
    ("topk_long_ties_all", lambda L, x: x.topk(70, largest=False), [LONG_TIES]),
    ("topk_partial_sort_path", lambda L, x: x.topk(1), [LONG_TIES]),
    ("topk_k0", lambda L, x: x.topk(0), [A]),
    ("topk_3d", lambda L, x: x.topk(2, dim=-3), [B]),
    ("kthvalue", lambda L, x: L.kthvalue(x, 2), [A]),
    ("kthvalue_dim0_keepdim", lambda L, x: x.kthvalue(3, 0, keepdim=True), [A]),
    ("kthvalue_ties", lambda L, x: x.kthvalue(3, 1), [TIES]),
    ("kthvalue_long_ties", lambda L, x: x.kthvalue(33), [LONG_TIES]),
    ("kthvalue_nan", lambda L, x: x.kthvalue(5), [NANS]),
    ("median_dim", lambda L, x: L.median(x, 1), [A]),
    ("median_ties", lambda L, x: x.median(1), [TIES]),
    ("median_long_ties", lambda L, x: x.median(-1, keepdim=True), [LONG_TIES]),
    ("median_nan", lambda L, x: x.median(1), [NANS]),
    ("median_all", lambda L, x: x.median(), [A]),
    ("median_all_ties", lambda L, x: x.median(), [TIES]),
    ("median_all_nan", lambda L, x: x.median(), [NANS]),
    ("median_0d", lambda L, x: x.median(0), [np.array(1.5)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_values_indices_and_gradients_match_torch(name, fn, arrays):
    rtol = 1e-6 if arrays[0].dtype == np.float32 else 1e-12
    check_against_torch(torch, fn, arrays, rtol=rtol)


DIFFERENTIABLE = [c for c in CASES if c[0] in ("sort", "sort_dim0_desc", "sort_neg_dim_3d", "topk",
                                               "topk_smallest_dim0", "topk_3d", "kthvalue", "kthvalue_dim0_keepdim",
                                               "median_dim", "median_all")]


@pytest.mark.parametrize("name,fn,arrays", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_derivatives_match_finite_differences(name, fn, arrays):
    check_derivatives(fn, arrays)


def test_results_are_named_tuples_as_torch():
    for out in (ag.sort(Tensor(A)), ag.topk(Tensor(A), 2), ag.kthvalue(Tensor(A), 1), ag.median(Tensor(A), 0)):
        values, indices = out
        assert out.values is values and out.indices is indices and indices.dtype == np.int64


@pytest.mark.parametrize("call,error,match", [
    (lambda L, x: L.topk(x, 6), RuntimeError, "topk.*out of range"),
    (lambda L, x: L.kthvalue(x, 0), RuntimeError, "kthvalue.*out of range"),
    (lambda L, x: L.kthvalue(x, 6), RuntimeError, "kthvalue.*out of range"),
    (lambda L, x: L.sort(x, 2), ValueError, "sort"),
    (lambda L, x: L.median(x[:, :0], 1), IndexError, "median"),
])
def test_bad_arguments_raise(call, error, match):
    with pytest.raises(Exception):
        call(torch, torch.tensor(A))
    with pytest.raises(error, match=match):
        call(ag, Tensor(A))


@pytest.mark.parametrize("a", [np.array([3, 1, 1, 2, 3, 3]), np.array([[1.0, 2.0], [1.0, 2.0], [0.5, 2.0]]),
                               np.array([], dtype=np.float32)])
@pytest.mark.parametrize("dim", [None, 0])
def test_unique_matches_torch(a, dim):
    if dim is not None and a.ndim == 1 and a.size == 0:
        pytest.skip("torch rejects dim on an empty 1-D tensor")
    ours = ag.unique(Tensor(a), return_inverse=True, return_counts=True, dim=dim)
    ref = torch.unique(torch.tensor(a), return_inverse=True, return_counts=True, dim=dim)
    for o, r in zip(ours, ref):
        assert o.dtype == r.numpy().dtype and o.shape == tuple(r.shape)
        np.testing.assert_array_equal(o.data, r.numpy())
    np.testing.assert_array_equal(Tensor(a).unique().data, torch.tensor(a).unique().numpy())
    assert not ag.unique(Tensor(np.asarray(a, float), requires_grad=True)).requires_grad


@pytest.mark.parametrize("seq,vals", [
    (np.array([1.0, 3.0, 3.0, 5.0, 7.0]), np.array([[3.0, 6.0, 0.0], [7.0, 8.0, 1.0]])),
    (np.array([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]), np.array([[3.0, 6.0], [1.0, 7.0]])),
    (np.array([1, 2, 2, 9]), np.array(2)),
])
@pytest.mark.parametrize("kwargs", [{}, {"right": True}, {"side": "right"}, {"out_int32": True}])
def test_searchsorted_matches_torch(seq, vals, kwargs):
    ours = ag.searchsorted(Tensor(seq), Tensor(vals), **kwargs)
    ref = torch.searchsorted(torch.tensor(seq), torch.tensor(vals), **kwargs)
    assert ours.dtype == ref.numpy().dtype
    np.testing.assert_array_equal(ours.data, ref.numpy())


def test_topk_and_kthvalue_pick_torchs_index_among_many_ties():
    """Random rows full of ties: the index (so the gradient) is the one ATen's algorithms return."""
    rng = np.random.default_rng(0)
    for _ in range(40):
        n = int(rng.integers(2, 150))
        x = rng.integers(0, 4, n).astype(float)
        if rng.random() < 0.3:
            x[rng.integers(0, n, 3)] = np.nan
        k = int(rng.integers(1, n + 1))
        for largest in (True, False):
            np.testing.assert_array_equal(ag.topk(Tensor(x), k, largest=largest).indices.data,
                                          torch.topk(torch.tensor(x), k, largest=largest).indices.numpy())
        assert ag.kthvalue(Tensor(x), k).indices.item() == torch.kthvalue(torch.tensor(x), k).indices.item()
        assert ag.median(Tensor(x), 0).indices.item() == torch.median(torch.tensor(x), 0).indices.item()
