"""Embedding: lookups, accumulated gradients for repeated indices, torch oracle."""
import numpy as np
import pytest

import autograd_core as ag
import nn


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
    with pytest.raises(IndexError, match="out of range"):
        emb(np.array([0, 4]))
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([0.0]))
    assert emb(ag.tensor(np.array([1, 3]))).shape == (2, 2)
