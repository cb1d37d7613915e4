"""The BLAS sums of ops/_rules.py (`sum_last`, `unbroadcast`'s leading-axis path, ones @ rows) give numpy's
sums: edge values (inf, -inf, NaN), empty axes, every float dtype, non-contiguous inputs. float16 sums
accumulate in float32, as PyTorch's (numpy's own float16 sum across rows stops at 2048)."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core.ops._rules import sum_last, unbroadcast


def _arrays():
    rng = np.random.default_rng(0)
    base = rng.standard_normal((4, 3, 5))
    edges = base.copy()
    edges[0, 0, 1], edges[1, 2, 0], edges[2, 1, 4], edges[3, 0, 0], edges[3, 0, 2] = np.inf, -np.inf, np.nan, np.inf, -np.inf
    for dtype in (np.float16, np.float32, np.float64):
        yield f"random {np.dtype(dtype).name}", base.astype(dtype)
        yield f"edges {np.dtype(dtype).name}", edges.astype(dtype)
    yield "transposed", base.astype(np.float32).transpose(2, 1, 0)
    yield "empty rows", np.zeros((0, 3, 5), np.float32)
    yield "empty last axis", np.zeros((4, 3, 0), np.float32)


CASES = dict(_arrays())


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dims", [1, 2])
def test_sum_last_is_numpys_sum(name, dims):
    a = CASES[name]
    got, want = sum_last(a, dims), np.sum(a, axis=tuple(range(a.ndim - dims, a.ndim)), keepdims=True)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2e-3 if a.dtype == np.float16 else 1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("keep", [1, 2])
def test_unbroadcast_of_leading_axes_is_numpys_sum(name, keep):
    a = CASES[name]
    shape = a.shape[a.ndim - keep:]
    got, want = unbroadcast(a, shape), np.sum(a, axis=tuple(range(a.ndim - keep)))
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2e-3 if a.dtype == np.float16 else 1e-6, atol=1e-6)


HALF_SUMS = {
    "sum over the first axis": lambda t, c: t.sum(0),
    "sum of all": lambda t, c: t.sum(),
    "a bias's gradient (leading axis)": lambda t, c: c,
    "a (1, 2) bias's gradient (size-1 axis)": lambda t, c: c,
}


@pytest.mark.parametrize("name", sorted(HALF_SUMS))
def test_float16_sums_accumulate_in_float32(name):
    ones = np.ones((5000, 2), np.float16)
    bias = ag.tensor(np.zeros((1, 2) if "(1, 2)" in name else 2, np.float16), requires_grad=True)
    (ag.tensor(ones) + bias).sum().backward()
    out = HALF_SUMS[name](ag.tensor(ones), bias.grad)
    want = 10000 if name == "sum of all" else 5000  # numpy's float16 sum over the rows gives 2048
    assert out.dtype == np.float16 and np.all(out.data == want)


def test_float16_sums_as_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3000, 3)).astype(np.float16)
    np.testing.assert_array_equal(ag.tensor(x).sum(0).data, torch.from_numpy(x).sum(0).numpy())
    np.testing.assert_array_equal(sum_last(np.ascontiguousarray(x.T)).ravel(), torch.from_numpy(x).sum(0).numpy())
