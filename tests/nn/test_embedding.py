"""Embedding: lookups, accumulated gradients for repeated indices, torch oracle."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F


def test_matches_torch_with_repeated_indices(torch):
    ours, theirs = nn.Embedding(6, 3), torch.nn.Embedding(6, 3).double()
    from conftest import load_from_torch
    load_from_torch(ours, theirs)
    idx = np.array([[0, 2, 2], [5, 0, 2]])
    out, ref = ours(idx), theirs(torch.tensor(idx))
    np.testing.assert_allclose(out.data, ref.detach().numpy())
    u = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy())


def test_out_of_range_and_float_indices():
    emb = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match=r"embedding: index out of range \[0, 4\).*max 4"):
        emb(np.array([0, 4]))
    with pytest.raises(IndexError, match="out of range.*min -1"):
        emb(np.array([-1, 2]))
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([0.0]))
    assert emb(ag.tensor(np.array([1, 3]))).shape == (2, 2)


def test_gradcheck_weight_and_shapes():
    idx = np.array([[1, 0, 1], [3, 3, 2]])
    w = np.random.default_rng(1).standard_normal((4, 2))
    assert ag.gradcheck(lambda w: F.embedding(idx, w), w)
    emb = nn.Embedding(10, 3)
    assert emb(np.array(4)).shape == (3,)
    assert emb(np.zeros((2, 5, 7), dtype=np.int64)).shape == (2, 5, 7, 3)
    assert emb.weight.data.std() == pytest.approx(1.0, abs=0.5) and emb.weight.dtype == np.float32
