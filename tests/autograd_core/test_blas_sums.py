"""The BLAS sums of ops/_rules.py (`sum_last`, `unbroadcast`'s leading-axis path, ones @ rows) give numpy's
sums: edge values (inf, -inf, NaN), empty axes, every float dtype, non-contiguous inputs."""
import numpy as np
import pytest

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
