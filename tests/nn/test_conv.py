"""Conv2d: output sizes, finite differences, torch oracle with stride and padding, errors."""
import re

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch
from conftest import load_from_torch


@pytest.mark.parametrize("size,kernel,stride,padding", [(5, 3, 1, 0), (7, 3, 2, 1), (6, 2, 2, 0), (5, 5, 1, 2)])
def test_output_size_formula(size, kernel, stride, padding):
    conv = nn.Conv2d(2, 3, kernel, stride, padding)
    out = conv(ag.randn(1, 2, size, size, rng=0))
    assert out.shape == (1, 3, (size - kernel + 2 * padding) // stride + 1, (size - kernel + 2 * padding) // stride + 1)


def test_gradcheck_input_weight_bias():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    assert ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1), [x, w, b])


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 1), ((2, 1), (0, 2)), (4, 0), (3, (2, 1))])
def test_matches_torch(torch, stride, padding):
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    compare_with_torch(torch, nn.Conv2d(3, 4, (3, 2), stride, padding),
                       torch.nn.Conv2d(3, 4, (3, 2), stride, padding), x)
    compare_with_torch(torch, nn.Conv2d(3, 2, 3, bias=False), torch.nn.Conv2d(3, 2, 3, bias=False), x)


def test_errors_name_layer_and_shapes():
    conv = nn.Conv2d(3, 4, 3)
    with pytest.raises(ValueError, match=r"Conv2d.*\(N, 3, H, W\).*\(2, 2, 5, 5\)"):
        conv(ag.randn(2, 2, 5, 5, rng=0))
    with pytest.raises(ValueError, match=r"Conv2d.*\(5, 5\)"):
        conv(ag.randn(5, 5, rng=0))
    with pytest.raises(ValueError, match=r"Conv2d.*larger than the padded input \(2, 2\).*\(1, 3, 2, 2\)"):
        conv(ag.randn(1, 3, 2, 2, rng=0))
    with pytest.raises(ValueError, match=r"Conv2d.*\(N, C, H, W\) or \(C, H, W\).*\(1, 3, 5, 5, 1\)"):
        conv(ag.randn(1, 3, 5, 5, 1, rng=0))
    with pytest.raises(ValueError, match="Conv2d stride must be at least 1"):
        nn.Conv2d(3, 4, 3, stride=0)
    with pytest.raises(ValueError, match="Conv2d padding must be at least 0"):
        nn.Conv2d(3, 4, 3, padding=-1)
    with pytest.raises(ValueError, match=r"conv2d: input of shape \(2, 2, 5, 5\) does not match weight of shape \(4, 3, 3, 3\)"):
        F.conv2d(ag.randn(2, 2, 5, 5, rng=0), conv.weight)


def test_pointwise_and_unbatched_convolutions_match_torch(torch):
    rng = np.random.default_rng(2)
    compare_with_torch(torch, nn.Conv2d(3, 5, 1), torch.nn.Conv2d(3, 5, 1), rng.standard_normal((2, 3, 4, 4)))
    compare_with_torch(torch, nn.Conv2d(3, 2, 3, 2, 1), torch.nn.Conv2d(3, 2, 3, 2, 1), rng.standard_normal((3, 6, 5)))


def test_float32_matches_torch_float32(torch):
    x = np.random.default_rng(3).standard_normal((2, 3, 9, 9)).astype(np.float32)
    theirs = torch.nn.Conv2d(3, 8, 3, padding=1)
    ours = nn.Conv2d(3, 8, 3, padding=1)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    out = ours(ag.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_default_init_is_pytorchs():
    conv = nn.Conv2d(8, 16, (3, 2))
    bound = 1 / np.sqrt(8 * 3 * 2)
    for p in (conv.weight, conv.bias):
        assert p.dtype == np.float32 and np.abs(p.data).max() <= bound
    assert np.abs(conv.weight.data).max() > 0.95 * bound
    assert conv.weight.data.std() == pytest.approx(bound / np.sqrt(3), rel=0.1)
    a, b = nn.Conv2d(2, 3, 3, rng=5), nn.Conv2d(2, 3, 3, rng=5)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


# ---- v3 options: a table of layers beside torch (output, input and parameter gradients) ----------------
CONV_OPTIONS = [  # (layer, args, kwargs, input shape)
    ("Conv2d", (3, 4, 3), dict(dilation=2), (2, 3, 8, 7)),
    ("Conv2d", (3, 4, (2, 3)), dict(dilation=(2, 1), stride=2, padding=(1, 2)), (2, 3, 9, 8)),
    ("Conv2d", (4, 6, 3), dict(groups=2, padding=1), (2, 4, 5, 5)),
    ("Conv2d", (4, 4, 3), dict(groups=4, bias=False), (1, 4, 6, 5)),
    ("Conv2d", (3, 4, (3, 4)), dict(padding="same"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 3), dict(padding="same", dilation=2), (2, 3, 7, 6)),
    ("Conv2d", (3, 4, 3), dict(padding="valid"), (2, 3, 5, 5)),
    ("Conv2d", (3, 2, 3), dict(padding=2, padding_mode="reflect"), (2, 3, 5, 6)),
    ("Conv2d", (3, 2, 3), dict(padding=(1, 2), padding_mode="replicate", stride=2), (2, 3, 5, 6)),
    ("Conv2d", (3, 2, 3), dict(padding=(2, 1), padding_mode="circular"), (2, 3, 5, 6)),
    ("Conv2d", (2, 4, 2), dict(padding="same", padding_mode="circular", groups=2), (2, 2, 5, 5)),
    ("Conv2d", (3, 2, 3), dict(padding=1, padding_mode="reflect", dilation=2), (3, 6, 6)),
    ("Conv1d", (3, 4, 3), dict(), (2, 3, 9)),
    ("Conv1d", (3, 4, 3), dict(stride=2, padding=1, dilation=2), (2, 3, 11)),
    ("Conv1d", (4, 6, 2), dict(groups=2, padding="same", padding_mode="reflect"), (2, 4, 7)),
    ("Conv1d", (3, 2, 5), dict(padding=3, padding_mode="circular"), (3, 6)),
    ("ConvTranspose2d", (3, 4, 3), dict(), (2, 3, 4, 5)),
    ("ConvTranspose2d", (3, 4, 3), dict(stride=2, padding=1, output_padding=1), (2, 3, 4, 5)),
    ("ConvTranspose2d", (4, 6, (2, 3)), dict(stride=(2, 3), padding=(0, 1), groups=2), (2, 4, 3, 4)),
    ("ConvTranspose2d", (3, 2, 3), dict(dilation=2, stride=3, output_padding=(2, 1), bias=False), (2, 3, 3, 3)),
    ("ConvTranspose2d", (3, 2, 3), dict(stride=2, padding=2), (3, 4, 4)),
]


@pytest.mark.parametrize("layer,args,kwargs,shape", CONV_OPTIONS, ids=[f"{c[0]}{c[1]}-{c[2]}" for c in CONV_OPTIONS])
def test_convolution_options_match_torch(torch, layer, args, kwargs, shape):
    x = np.random.default_rng(5).standard_normal(shape)
    compare_with_torch(torch, getattr(nn, layer)(*args, **kwargs), getattr(torch.nn, layer)(*args, **kwargs), x,
                       rtol=1e-9, atol=1e-12)


def test_conv_transpose2d_output_size_matches_torch(torch):
    ours, theirs = nn.ConvTranspose2d(2, 3, 3, stride=2), torch.nn.ConvTranspose2d(2, 3, 3, stride=2).double()
    load_from_torch(ours, theirs)
    x = np.random.default_rng(6).standard_normal((1, 2, 4, 4))
    out = ours(ag.tensor(x), output_size=(10, 9))
    ref = theirs(torch.tensor(x), output_size=(10, 9))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,widths", [((2, 5), (1, 2)), ((2, 3, 5), (2, 1)), ((2, 3, 4, 5), (1, 2, 3, 0)),
                                          ((1, 2, 3, 4, 5), (1, 1, 2, 0, 0, 2))], ids=str)
def test_functional_pad_matches_torch(torch, mode, shape, widths):
    if mode != "constant" and len(shape) not in (len(widths) // 2 + 1, len(widths) // 2 + 2):
        pytest.skip("torch pads only the last 1-3 dims of a batched or unbatched input by reflection")
    x = np.random.default_rng(7).standard_normal(shape)
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kwargs = dict(value=1.5) if mode == "constant" else {}
    out = F.pad(xo, widths, mode, **kwargs)
    ref = torch.nn.functional.pad(xt, widths, mode, **kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy())
    u = np.random.default_rng(8).standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-12)


def test_functional_pad_crops_with_negative_widths_and_keeps_numpy_order_in_ag_pad(torch):
    x = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(F.pad(ag.tensor(x), (-1, 2, 1, -2)).data,
                                  torch.nn.functional.pad(torch.tensor(x), (-1, 2, 1, -2)).numpy())
    assert ag.pad(ag.tensor(x), ((1, 0), (0, 2))).shape == (5, 7)  # numpy order: the first axis first


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.Conv2d(3, 4, 3, groups=2),
    lambda lib, t: lib.Conv2d(4, 3, 3, groups=2),
    lambda lib, t: lib.Conv2d(4, 4, 3, groups=0),
    lambda lib, t: lib.Conv2d(3, 4, 3, padding="full"),
    lambda lib, t: lib.Conv2d(3, 4, 3, padding="same", stride=2),
    lambda lib, t: lib.Conv2d(3, 4, 3, padding_mode="mirror"),
    lambda lib, t: lib.ConvTranspose2d(3, 4, 3, padding_mode="reflect"),
    lambda lib, t: lib.functional.pad(t(np.zeros((1, 2, 3))), (3, 0), "reflect"),
])
def test_convolution_arguments_are_checked_as_torch(torch, call):
    with pytest.raises((ValueError, RuntimeError, NotImplementedError)) as theirs:
        call(torch.nn, torch.tensor)
    with pytest.raises((ValueError, RuntimeError, NotImplementedError)) as ours:
        call(nn, ag.tensor)
    if "pad" not in str(call.__code__.co_names):
        # sorted words: both messages print a set, whose order varies from run to run
        assert sorted(re.findall(r"\w+", str(ours.value))) == sorted(re.findall(r"\w+", str(theirs.value)))


def test_default_conv2d_stays_one_fused_op():
    conv = nn.Conv2d(3, 4, 3, padding=1)
    out = conv(ag.randn(2, 3, 5, 5, rng=0))
    assert out._node.prim.name == "Conv2d"


@pytest.mark.parametrize("call", [
    lambda F, x, w: F.conv2d(x, w, None, 1, 1, 2, 1),
    lambda F, x, w: F.conv2d(x, w.reshape(4, 1, 3, 3)[:2], None, 1, "same", 1, 2),
    lambda F, x, w: F.conv2d(F.pad(x, (1, 2, 2, 1), "reflect"), w),
    lambda F, x, w: F.conv_transpose2d(x, w.reshape(2, 2, 3, 3), None, 2, 1, 1),
    lambda F, x, w: F.avg_pool2d(F.conv2d(x, w), 2, 1, ceil_mode=True, count_include_pad=False),
    lambda F, x, w: F.interpolate(F.conv2d(x, w), scale_factor=1.5, mode="bilinear"),
    lambda F, x, w: F.max_pool2d(F.conv2d(x, w, padding=1), 2, dilation=2, ceil_mode=True),
])
def test_double_backward_of_composed_paths_matches_torch(torch, call):
    """grad of (‖∂L/∂w‖²) with respect to x, through the composed paths (create_graph)."""
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal((1, 2, 6, 6)), rng.standard_normal((2, 2, 3, 3))
    xo, wo = ag.tensor(x, requires_grad=True), ag.tensor(w, requires_grad=True)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    (gw,) = ag.grad_of((call(F, xo, wo) ** 3).sum(), [wo], create_graph=True)
    (gwt,) = torch.autograd.grad((call(torch.nn.functional, xt, wt) ** 3).sum(), [wt], create_graph=True)
    np.testing.assert_allclose(gw.data, gwt.detach().numpy(), rtol=1e-9, atol=1e-12)
    (gw * gw).sum().backward()
    (gwt * gwt).sum().backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-8, atol=1e-10)
