"""Linear and MLP: finite differences and torch oracle."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from _oracle import compare_with_torch


def test_linear_gradcheck():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    assert ag.gradcheck(F.linear, [x, w, b])


def test_linear_layout_and_default_init_bounds():
    lin = nn.Linear(50, 7)
    assert lin.weight.shape == (7, 50) and lin.bias.shape == (7,)
    assert np.abs(lin.weight.data).max() <= 1 / np.sqrt(50) and lin.weight.dtype == np.float32


def test_linear_shape_error():
    with pytest.raises(ValueError, match=r"linear.*\(4, 5\).*\(2, 3\)"):
        nn.Linear(3, 2)(ag.randn(4, 5, rng=0))


def test_linear_matches_torch(torch):
    x = np.random.default_rng(1).standard_normal((5, 3))
    compare_with_torch(torch, nn.Linear(3, 4), torch.nn.Linear(3, 4), x)
    compare_with_torch(torch, nn.Linear(3, 4, bias=False), torch.nn.Linear(3, 4, bias=False), x)


def test_mlp_structure_and_names():
    m = nn.MLP([2, 16, 16, 1], activation="tanh")
    assert [n for n, _ in m.named_parameters()][::2] == ["layers.0.weight", "layers.2.weight", "layers.4.weight"]
    assert isinstance(m.layers[1], nn.Tanh) and len(m.layers) == 5
    with pytest.raises(ValueError, match="activation"):
        nn.MLP([2, 3, 1], activation="swish-ish")


def test_mlp_gradients_match_torch(torch):
    ours = nn.MLP([3, 5, 2])
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2)).double()
    state = {f"layers.{k}": v.detach().numpy() for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)
    for p in ours.parameters():
        p.data = p.data.astype(np.float64)
    x = np.random.default_rng(2).standard_normal((6, 3))
    out = ours(ag.tensor(x))
    ref = theirs(torch.tensor(x))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10)
    out.sum().backward()
    ref.sum().backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-10, err_msg=name)
