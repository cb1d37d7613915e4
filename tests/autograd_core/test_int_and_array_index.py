"""An index mixing integers and index arrays, as PyTorch orders it: the integers select first, then the arrays index.

numpy counts an integer as an index array too, so in x[1, :, idx] the "arrays" 1 and idx are
apart and their axis goes first: (len(idx), n) where PyTorch gives (n, len(idx)), the same
values transposed (silently so for a square result). Reading, in-place and functional writes.
"""
import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch")

X = np.arange(48.0).reshape(3, 4, 4) / 7
IDX = np.array([3, 0, 2, 1])  # a permutation: square results, and writes that assign each element once
MASK = np.array([True, False, True, True])

INDICES = {  # name -> a function of (lib's index array, lib's mask)
    "int_slice_array": lambda i, m: (1, slice(None), i),
    "array_slice_int": lambda i, m: (i[1::2], slice(None), 2),
    "int_ellipsis_array": lambda i, m: (-1, Ellipsis, i),
    "int_none_array": lambda i, m: (0, None, slice(1, 3), i),
    "int_slice_mask": lambda i, m: (2, slice(None), m),
    "int_int_array": lambda i, m: (1, 2, i),
    "array_int_adjacent": lambda i, m: (slice(None), i, 0),
}


def _index(lib, name):
    return INDICES[name](lib.tensor(IDX), lib.tensor(MASK))


@pytest.mark.parametrize("name", INDICES)
def test_reading_matches_torch_with_its_gradient(name):
    x = ag.tensor(X, requires_grad=True)
    t = torch.tensor(X, requires_grad=True)
    ours, theirs = x[_index(ag, name)], t[_index(torch, name)]
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    weights = np.arange(1.0, ours.data.size + 1).reshape(ours.shape)
    (ours * ag.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("name", INDICES)
def test_writing_matches_torch_in_place_and_through_the_graph(name):
    shape = tuple(torch.tensor(X)[_index(torch, name)].shape)
    value = np.arange(1.0, int(np.prod(shape)) + 1).reshape(shape) * 100
    x, t = ag.tensor(X.copy()), torch.tensor(X.copy())
    x[_index(ag, name)] = ag.tensor(value)
    t[_index(torch, name)] = torch.tensor(value)
    np.testing.assert_array_equal(x.data, t.numpy())
    leaf = ag.tensor(X, requires_grad=True)
    v = ag.tensor(value, requires_grad=True)
    y = leaf * 1.0
    y[_index(ag, name)] = v
    (y * ag.tensor(X + 1)).sum().backward()
    tleaf, tv = torch.tensor(X, requires_grad=True), torch.tensor(value, requires_grad=True)
    ty = tleaf * 1.0
    ty[_index(torch, name)] = tv
    (ty * torch.tensor(X + 1)).sum().backward()
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    np.testing.assert_array_equal(leaf.grad.data, tleaf.grad.numpy())
    np.testing.assert_array_equal(v.grad.data, tv.grad.numpy())
