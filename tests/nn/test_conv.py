"""Conv2d: output sizes, finite differences, torch oracle with stride and padding, errors."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch


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
