"""im2col/col2im and max pooling primitives: definitions by explicit loops, NaN and tie rules, layouts."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.ops import col2im, im2col, max_pool


def _padded(x, ph, pw, value=0.0):
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


@pytest.mark.parametrize("kernel,stride,padding", [((3, 3), (1, 1), (1, 1)), ((2, 3), (2, 1), (0, 2))])
def test_im2col_is_every_window_as_a_column(rng, kernel, stride, padding):
    x = rng.standard_normal((2, 3, 6, 5))
    cols = im2col(x, kernel, stride, padding).data
    xp = _padded(x, *padding)
    (kh, kw), (sh, sw) = kernel, stride
    oh, ow = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    expected = np.array([[xp[n, c, i * sh + a, j * sw + b] for n in range(2) for i in range(oh) for j in range(ow)]
                         for c in range(3) for a in range(kh) for b in range(kw)])
    np.testing.assert_array_equal(cols, expected)


def test_col2im_is_the_adjoint_of_im2col(rng):
    x = rng.standard_normal((2, 3, 5, 4))
    cols = im2col(x, (3, 2), (2, 1), (1, 0)).data
    g = rng.standard_normal(cols.shape)
    back = col2im(g, x.shape, (3, 2), (2, 1), (1, 0)).data
    assert back.shape == x.shape
    np.testing.assert_allclose((cols * g).sum(), (x * back).sum(), rtol=1e-12)


def test_max_pool_ties_go_to_the_first_maximum_in_row_major_window_order():
    x = Tensor(np.array([[[[1.0, 3.0], [3.0, 3.0]]]]), requires_grad=True)
    max_pool(x, (2, 2), (2, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[[0, 1], [0, 0]]]])


def test_max_pool_of_a_window_with_nan_is_nan_and_its_gradient_goes_to_the_first_nan():
    x = Tensor(np.array([[[[1.0, np.nan, 5.0, np.nan]]]]), requires_grad=True)
    out = max_pool(x, (1, 4), (1, 4))
    assert np.isnan(out.data).all()
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[[0, 1, 0, 0]]]])


def test_max_pool_padding_counts_as_minus_infinity():
    x = Tensor(-np.ones((1, 1, 2, 2)), requires_grad=True)
    out = max_pool(x, (2, 2), (1, 1), (1, 1))
    np.testing.assert_array_equal(out.data, -np.ones((1, 1, 3, 3)))


def test_convolution_gradients_keep_the_channel_major_layout(rng):
    """conv -> relu -> pool: every gradient on the way back is a view of channel-major memory (no copies)."""
    x = Tensor(rng.standard_normal((4, 2, 6, 6)).astype(np.float32), requires_grad=True)
    w = Tensor(rng.standard_normal((3, 2, 3, 3)).astype(np.float32), requires_grad=True)
    h = ag.ops.matmul(w.reshape(3, -1), im2col(x, (3, 3), (1, 1), (1, 1))).reshape(3, 4, 6, 6).transpose(1, 0, 2, 3)
    pooled = max_pool(h.relu(), (2, 2), (2, 2))
    seen = []
    h.register_hook(lambda g: seen.append(g.data))
    pooled.sum().backward()
    assert seen[0].transpose(1, 0, 2, 3).flags.c_contiguous


def _pair(v):
    return (v, v) if isinstance(v, int) else v


@pytest.mark.torch
@pytest.mark.parametrize("kernel,stride,padding", [(2, 2, 0), (3, 2, 1), ((3, 2), (1, 2), (1, 0))])
def test_max_pool_matches_torch_on_values_ties_and_nans(rng, kernel, stride, padding):
    torch = pytest.importorskip("torch")
    x = np.round(rng.standard_normal((2, 3, 7, 6)))  # rounding makes ties common
    x[0, 0, 1, 1] = np.nan
    ours = Tensor(x, requires_grad=True)
    out = max_pool(ours, _pair(kernel), _pair(stride), _pair(padding))
    g = rng.standard_normal(out.shape)
    out.backward(g)
    theirs = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.max_pool2d(theirs, kernel, stride, padding)
    expected.backward(torch.tensor(g))
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)  # overlaps sum in another order


@pytest.mark.torch
@pytest.mark.parametrize("kernel,stride", [(2, 2), (3, 1)])
def test_max_pool_sends_an_infinite_cotangent_only_to_the_first_maximum(rng, kernel, stride):
    """inf and NaN in the cotangent reach the first maximum only: exact zeros elsewhere, as in PyTorch."""
    torch = pytest.importorskip("torch")
    x = np.round(rng.standard_normal((1, 2, 6, 6)))
    ours = Tensor(x, requires_grad=True)
    out = max_pool(ours, _pair(kernel), _pair(stride), (0, 0))
    g = rng.standard_normal(out.shape)
    g[0, 0, 0, 0], g[0, 1, 1, 1] = np.inf, np.nan
    out.backward(g)
    theirs = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(theirs, kernel, stride).backward(torch.tensor(g))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12)  # overlaps sum in another order
    assert np.count_nonzero(ours.grad.data == 0) == np.count_nonzero(theirs.grad.numpy() == 0) > 0


@pytest.mark.parametrize("stride,padding", [((1, 1), (1, 1)), ((2, 1), (0, 2))])
def test_fused_conv2d_equals_its_composed_form(rng, stride, padding):
    x, w, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    fused_in = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    composed_in = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    fused = ag.ops.conv2d(*fused_in, stride, padding)
    composed = ag.ops.conv2d_composed(ag.ops, *composed_in, stride=stride, padding=padding)
    assert fused._node.prim.name == "Conv2d" and composed._node.prim.name == "Transpose"
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    g = rng.standard_normal(fused.shape)
    fused.backward(g)
    composed.backward(g)
    for a, c in zip(fused_in, composed_in):
        np.testing.assert_allclose(a.grad.data, c.grad.data, rtol=1e-10, atol=1e-12)
