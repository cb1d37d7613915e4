"""erf of float32 runs a float32 formula of its own (ops/special.py `_erf_float32`): its accuracy on a dense grid
against math.erf, its edge points and GELU (value and gradient) against PyTorch's float32 kernels. GELU's Φ in
float32 takes another formula (`normal_cdf`): its accuracy against math.erfc."""
import math

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.ops.special import erf_numpy

EDGES = [0.0, -0.0, 1e-45, -1e-45, 1e-38, 1e-20, -1e-8, 0.5, 3.9, 4.0, -4.0, 4.1, 100.0, -1e30,
         math.inf, -math.inf, math.nan]


def _ulps(got, x):
    expected = np.array([math.erf(v) for v in x.astype(np.float64)])
    ulp = np.spacing(np.abs(expected).astype(np.float32)).astype(np.float64)
    return np.abs(got.astype(np.float64) - expected) / ulp


def test_float32_erf_is_within_8_ulps_on_a_dense_grid():
    x = np.concatenate([np.linspace(-6, 6, 200001), 10.0 ** np.arange(-37.9, 0, 0.01)]).astype(np.float32)
    x = np.concatenate([x, -x])
    out = erf_numpy(x)
    assert out.dtype == np.float32
    ulps = _ulps(out, x)
    assert ulps.max() <= 8
    assert ulps.mean() <= 1


def test_float32_erf_edges():
    x = np.array(EDGES, np.float32)
    out = erf_numpy(x)
    assert np.isnan(out[-1])
    np.testing.assert_array_equal(np.signbit(out[:-1]), np.signbit(x[:-1]))  # -0.0 stays -0.0
    np.testing.assert_array_equal(out[9:16], [1, -1, 1, 1, -1, 1, -1])  # ±1 past |x| = 4 and at ±inf
    assert _ulps(out[:-1], x[:-1]).max() <= 8  # tiny x: 1.128 x, also where x is subnormal
    assert erf_numpy(np.float32(0.5)).shape == ()


def test_float32_erf_and_gelu_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(2000) * 3, EDGES]).astype(np.float32)
    np.testing.assert_allclose(ag.erf(x).data, torch.erf(torch.from_numpy(x)).numpy(), rtol=0, atol=5e-7)
    t, tt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = ag.gelu(t), torch.nn.functional.gelu(tt)
    out.sum().backward()
    expected.sum().backward()
    assert out.dtype == np.float32 and t.grad.dtype == np.float32
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-6, atol=2e-6)
    np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_float32_gelu_and_its_slope_are_accurate_on_a_dense_grid():
    x = np.linspace(-12, 12, 240001).astype(np.float32)
    t = ag.tensor(x, requires_grad=True)
    out = ag.gelu(t)
    out.sum().backward()
    x64 = x.astype(np.float64)
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x64])
    exact, slope = x64 * cdf, cdf + x64 * np.exp(-x64 * x64 / 2) / math.sqrt(2 * math.pi)
    error = np.abs(out.data - exact)
    assert (error / np.maximum(1, np.abs(x64))).max() < 2e-7  # PyTorch's float32 erf: 1.5e-7 absolute
    assert np.abs(t.grad.data - slope).max() < 4e-7
    tail = (x64 < 0) & (np.abs(exact) > 1e-37)  # Φ(x) far below zero keeps digits (PyTorch's float32 GELU is 0 there)
    assert (error[tail] / np.abs(exact[tail])).max() < 0.04
    assert (error[x64 > -4] / np.abs(exact[x64 > -4]).clip(1e-30)).max() < 5e-4
