"""Max and average pooling: torch oracle (ties included), finite differences."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), (2, 1, 0)])
def test_matches_torch(torch, kernel, stride, padding):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 8))
    compare_with_torch(torch, nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding), x)
    compare_with_torch(torch, nn.AvgPool2d(kernel, stride, padding), torch.nn.AvgPool2d(kernel, stride, padding), x)


def test_max_pool_sends_the_gradient_to_the_first_maximum_of_each_window():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 1] = 1.0
    xo = ag.tensor(x, requires_grad=True)
    F.max_pool2d(xo, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[1, 1] = expected[0, 2] = expected[2, 0] = expected[2, 2] = 1.0
    np.testing.assert_array_equal(xo.grad.data[0, 0], expected)


def test_gradcheck():
    x = np.random.default_rng(1).standard_normal((1, 2, 5, 5))
    assert ag.gradcheck(lambda t: F.max_pool2d(t, 2, 1), x)
    assert ag.gradcheck(lambda t: F.max_pool2d(t, 3, 2, 1), x)
    assert ag.gradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1), x)
    assert ag.gradcheck(lambda t: F.avg_pool2d(t, (2, 3), (1, 2)), x)


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), (2, 1, 0), (3, 1, 1), ((2, 3), (1, 2), (1, 0))])
def test_max_pool_ties_after_relu_match_torch(torch, kernel, stride, padding):
    """Small integers through a ReLU: most windows hold several equal maxima (often all zeros)."""
    x = np.maximum(np.random.default_rng(4).integers(-2, 3, (2, 3, 7, 6)), 0).astype(np.float64)
    compare_with_torch(torch, nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding), x)
    xo = ag.tensor(x, requires_grad=True)
    out = F.max_pool2d(xo, kernel, stride, padding)
    out.sum().backward()
    # one whole unit of gradient per window: split ties would leave fractions
    np.testing.assert_array_equal(xo.grad.data, np.round(xo.grad.data))
    assert xo.grad.data.sum() == out.size


def test_unbatched_input_matches_torch(torch):
    x = np.random.default_rng(5).standard_normal((3, 6, 6))
    compare_with_torch(torch, nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1), x)
    compare_with_torch(torch, nn.AvgPool2d(2), torch.nn.AvgPool2d(2), x)


def test_errors():
    with pytest.raises(ValueError, match=r"max_pool2d.*larger.*\(1, 1, 3, 3\)"):
        nn.MaxPool2d(4)(ag.randn(1, 1, 3, 3, rng=0))
    with pytest.raises(ValueError, match=r"AvgPool2d: expected input \(N, C, H, W\) or \(C, H, W\).*\(3, 3\)"):
        nn.AvgPool2d(2)(ag.randn(3, 3, rng=0))
    with pytest.raises(ValueError, match="MaxPool2d: padding 2 should be at most half of kernel_size 3"):
        nn.MaxPool2d(3, padding=2)
    with pytest.raises(ValueError, match="AvgPool2d stride must be at least 1"):
        nn.AvgPool2d(2, stride=0)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1)])
def test_sequential_runs_relu_then_pool_as_written(kernel, stride):
    """The graph of Sequential(ReLU(), MaxPool2d) is x -> Relu -> MaxPool2d; values and gradients are pool(relu(x))."""
    rng = np.random.default_rng(3)
    x = np.round(rng.standard_normal((2, 3, 6, 6)) * 2) / 2  # ties and zeros are common
    pool = nn.MaxPool2d(kernel, stride)
    model_in, direct_in = ag.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    out = nn.Sequential(nn.ReLU(), pool)(model_in)
    pooled = out._node
    relu = pooled.parents[0]._node
    assert (pooled.prim.name, relu.prim.name) == ("MaxPool2d", "Relu")
    assert relu.parents[0] is model_in
    direct = pool(F.relu(direct_in))
    np.testing.assert_array_equal(out.data, direct.data)
    g = rng.standard_normal(out.shape)
    out.backward(g)
    direct.backward(g)
    np.testing.assert_array_equal(model_in.grad.data, direct_in.grad.data)


# ---- v3 options: a table of layers beside torch (output and input gradient) ---------------------------
POOL_OPTIONS = [  # (layer, kwargs, input shape)
    ("MaxPool2d", dict(kernel_size=3, stride=2, ceil_mode=True), (2, 3, 8, 7)),
    ("MaxPool2d", dict(kernel_size=2, dilation=2), (2, 2, 7, 8)),
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True), (1, 2, 8, 9)),
    ("MaxPool2d", dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 1)), (3, 6, 5)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, ceil_mode=True), (2, 3, 8, 7)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), (2, 3, 7, 6)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 2, 8, 8)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), (2, 2, 6, 8)),
    ("AvgPool2d", dict(kernel_size=2, divisor_override=3), (2, 2, 6, 6)),
    ("AvgPool2d", dict(kernel_size=(2, 3), padding=(1, 1), count_include_pad=False), (3, 5, 7)),
    ("MaxPool1d", dict(kernel_size=3), (2, 3, 10)),
    ("MaxPool1d", dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True), (2, 3, 12)),
    ("AvgPool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 3, 10)),
    ("AvgPool1d", dict(kernel_size=4), (3, 9)),
    ("AdaptiveAvgPool2d", dict(output_size=(3, 2)), (2, 3, 7, 5)),
    ("AdaptiveAvgPool2d", dict(output_size=(None, 4)), (2, 3, 5, 9)),
    ("AdaptiveAvgPool2d", dict(output_size=1), (3, 4, 6)),
    ("AdaptiveMaxPool2d", dict(output_size=(3, 4)), (2, 3, 7, 6)),
    ("AdaptiveMaxPool2d", dict(output_size=5), (2, 3, 7, 6)),
    ("Upsample", dict(scale_factor=2), (2, 3, 3, 4)),
    ("Upsample", dict(size=(5, 7)), (2, 3, 3, 4)),
    ("Upsample", dict(size=(2, 3)), (1, 2, 5, 7)),
    ("Upsample", dict(scale_factor=2, mode="bilinear"), (2, 3, 3, 4)),
    ("Upsample", dict(size=(5, 3), mode="bilinear", align_corners=True), (2, 3, 3, 4)),
    ("Upsample", dict(scale_factor=(1.5, 0.5), mode="bilinear"), (1, 2, 4, 6)),
    ("Upsample", dict(scale_factor=2.5, mode="linear"), (2, 3, 4)),
    ("Upsample", dict(size=7, mode="linear", align_corners=True), (2, 3, 4)),
    ("Upsample", dict(scale_factor=3), (2, 3, 4)),
]


@pytest.mark.parametrize("layer,kwargs,shape", POOL_OPTIONS, ids=[f"{c[0]}-{c[1]}" for c in POOL_OPTIONS])
def test_pooling_options_match_torch(torch, layer, kwargs, shape):
    x = np.random.default_rng(9).standard_normal(shape)
    compare_with_torch(torch, getattr(nn, layer)(**kwargs), getattr(torch.nn, layer)(**kwargs), x,
                       rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layer,kwargs,shape", [
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, return_indices=True, ceil_mode=True), (2, 2, 7, 6)),
    ("MaxPool2d", dict(kernel_size=2, dilation=2, return_indices=True), (2, 5, 6)),
    ("MaxPool1d", dict(kernel_size=3, stride=2, return_indices=True), (2, 3, 9)),
    ("AdaptiveMaxPool2d", dict(output_size=(2, 3), return_indices=True), (2, 3, 5, 7)),
], ids=str)
def test_return_indices_match_torch(torch, layer, kwargs, shape):
    x = np.random.default_rng(10).standard_normal(shape)
    x[..., 0, :2] = 5.0  # a tie: the first maximum's index
    out, index = getattr(nn, layer)(**kwargs)(ag.tensor(x))
    ref, ref_index = getattr(torch.nn, layer)(**kwargs)(torch.tensor(x))
    np.testing.assert_array_equal(out.data, ref.numpy())
    np.testing.assert_array_equal(index.data, ref_index.numpy())


def test_ties_in_dilated_and_ceil_mode_max_pool_send_the_gradient_to_the_first_maximum(torch):
    x = np.zeros((1, 1, 5, 5))
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    F.max_pool2d(xo, 2, 2, dilation=2, ceil_mode=True).sum().backward()
    torch.nn.functional.max_pool2d(xt, 2, 2, dilation=2, ceil_mode=True).sum().backward()
    np.testing.assert_array_equal(xo.grad.data, xt.grad.numpy())


def test_default_pooling_stays_on_the_fused_paths():
    x = ag.randn(2, 3, 6, 6, rng=0, requires_grad=True)
    assert nn.MaxPool2d(2)(x)._node.prim.name == "MaxPool2d"
    assert F.max_pool2d(x, 2)._node.prim.name == "MaxPool2d"


@pytest.mark.parametrize("call", [
    lambda F, t: F.max_pool2d(t(np.zeros((1, 1, 4, 4))), 2, padding=2),
    lambda F, t: F.avg_pool2d(t(np.zeros((1, 1, 4, 4))), 3, padding=2, ceil_mode=True),
    lambda F, t: F.interpolate(t(np.zeros((1, 1, 4, 4))), scale_factor=2, mode="nearest", align_corners=True),
    lambda F, t: F.interpolate(t(np.zeros((1, 1, 4, 4))), size=3, scale_factor=2),
    lambda F, t: F.interpolate(t(np.zeros((1, 1, 4, 4))), mode="bilinear"),
    lambda F, t: F.interpolate(t(np.zeros((1, 1, 4, 4))), scale_factor=2, mode="linear"),
])
def test_pooling_arguments_are_checked_as_torch(torch, call):
    with pytest.raises((ValueError, RuntimeError, NotImplementedError)) as theirs:
        call(torch.nn.functional, torch.tensor)
    with pytest.raises(type(theirs.value)):
        call(F, ag.tensor)


@pytest.mark.parametrize("call", [
    lambda F, x: F.max_pool2d(x, 2, 1, return_indices=True),
    lambda F, x: F.max_pool2d(x, 2, 2, padding=1, ceil_mode=True, return_indices=True),
    lambda F, x: F.max_pool2d(x, 2, 1, dilation=2, return_indices=True),
    lambda F, x: F.adaptive_max_pool2d(x, 2, return_indices=True),
])
def test_max_pool_options_at_nan_and_inf_match_torch(torch, call):
    x = np.array([[[[np.nan, 1.0, 3.0, 0.0], [np.nan, 2.0, 0.5, np.nan], [1.0, np.inf, -np.inf, 2.0]]]])
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (out, index), (ref, ref_index) = call(F, xo), call(torch.nn.functional, xt)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(index.data, ref_index.numpy())
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_array_equal(xo.grad.data, xt.grad.numpy())
