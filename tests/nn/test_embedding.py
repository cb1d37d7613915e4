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


@pytest.mark.parametrize("padding_idx", [2, -1])
def test_padding_row_starts_at_zero_and_gets_no_gradient_as_torch(torch, padding_idx):
    ours = nn.Embedding(5, 3, padding_idx=padding_idx)
    theirs = torch.nn.Embedding(5, 3, padding_idx=padding_idx).double()
    assert not ours.weight.data[padding_idx].any() and ours.padding_idx == padding_idx % 5
    from conftest import load_from_torch
    with torch.no_grad():
        theirs.weight[padding_idx] = 1.5  # a padding row that is not zero is still read, and still gets no gradient
    load_from_torch(ours, theirs)
    idx = np.array([[0, 2, 4], [4, 4, 1]])
    out, ref = ours(idx), theirs(torch.tensor(idx))
    np.testing.assert_allclose(out.data, ref.detach().numpy())
    u = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy())
    assert not ours.weight.grad.data[padding_idx].any()


def test_padding_idx_out_of_range():
    with pytest.raises(ValueError, match="padding_idx 5 must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(ValueError, match="within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=-6)
