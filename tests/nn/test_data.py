"""DataLoader: batches, shuffling with a seed, the last partial batch."""
import numpy as np
import pytest

import autograd_core as ag
from nn.data import DataLoader, TensorDataset


def test_batches_and_last_partial_batch():
    x, y = np.arange(10).reshape(10, 1), np.arange(10)
    loader = DataLoader((x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    assert len(DataLoader((x, y), batch_size=4, drop_last=True)) == 2


def test_shuffle_is_seeded_and_changes_every_epoch():
    x = np.arange(20)
    a, b = DataLoader(x, batch_size=5, shuffle=True, seed=1), DataLoader(x, batch_size=5, shuffle=True, seed=1)
    epoch1, epoch2 = np.concatenate(list(a)), np.concatenate(list(a))
    np.testing.assert_array_equal(epoch1, np.concatenate(list(b)))
    assert sorted(epoch1) == list(range(20)) and not np.array_equal(epoch1, epoch2)


def test_dataset_object():
    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i]), i * i
    (xb, yb), = list(DataLoader(Squares(), batch_size=5))
    np.testing.assert_array_equal(yb, [0, 1, 4, 9, 16])


def test_errors():
    with pytest.raises(ValueError, match="lengths"):
        TensorDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(np.zeros(3), batch_size=0)


def test_batches_are_tensors_a_tuple_per_batch_as_torch():
    x, y = np.arange(12, dtype=np.float32).reshape(6, 2), np.arange(6)
    xb, yb = next(iter(DataLoader(TensorDataset(x, y), batch_size=4)))
    assert isinstance(xb, ag.Tensor) and isinstance(yb, ag.Tensor)
    assert xb.dtype == np.float32 and yb.dtype == np.int64 and xb.shape == (4, 2)
    (single,) = list(DataLoader(x, batch_size=6))
    assert isinstance(single, ag.Tensor) and single.shape == (6, 2)
    assert all(isinstance(t, ag.Tensor) for t in TensorDataset(x, y)[1])


@pytest.mark.torch
def test_list_of_samples_batches_as_torch():
    torch = pytest.importorskip("torch")
    for dataset in ([1, 2, 3], [(np.ones(2), 1), (np.zeros(2), 0), (np.ones(2) * 2, 1)]):
        ours = list(DataLoader(dataset, 2))
        theirs = list(torch.utils.data.DataLoader(dataset, 2))
        assert len(ours) == len(theirs) == 2
        for a, b in zip(ours, theirs):
            for u, v in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, list) else (b,)):
                np.testing.assert_array_equal(u.data, v.numpy())


def test_positional_batch_size_and_shuffle_as_torch():
    x = np.arange(10)
    assert [len(b) for b in DataLoader(x, 4)] == [4, 4, 2]
    shuffled = np.concatenate([b.data for b in DataLoader(x, 5, True, seed=3)])
    assert sorted(shuffled) == list(range(10)) and not np.array_equal(shuffled, x)


def test_misuse_gets_a_message_naming_what_was_expected():
    x, y = np.zeros((8, 2)), np.zeros(8)
    with pytest.raises(TypeError, match=r"one dataset.*TensorDataset\(X, y\)"):
        DataLoader(x, y, batch_size=4)
    with pytest.raises(TypeError, match="multiple values for batch_size"):
        DataLoader(x, 2, batch_size=4)
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(5)
    with pytest.raises(TypeError, match="first axis indexes the samples"):
        TensorDataset(x, 3)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        DataLoader(x, batch_size=2.5)


@pytest.mark.torch
@pytest.mark.parametrize("bad", [True, False, 0, -1, 2.5, "2"])
@pytest.mark.parametrize("positional", [False, True])
def test_batch_size_that_is_not_a_positive_int_is_a_value_error_as_torch(bad, positional):
    torch = pytest.importorskip("torch")
    call = (lambda D: D([1, 2, 3], bad)) if positional else (lambda D: D([1, 2, 3], batch_size=bad))
    with pytest.raises(ValueError):
        call(torch.utils.data.DataLoader)
    with pytest.raises(ValueError, match=r"batch_size should be a positive integer value, but got batch_size="):
        call(DataLoader)


@pytest.mark.torch
def test_dict_samples_collate_into_a_dict_of_batches_as_torch():
    torch = pytest.importorskip("torch")
    dataset = [{"x": np.full(2, i, dtype=np.float32), "y": i, "pair": (np.float64(i), np.int16(-i))}
               for i in range(5)]
    ours = list(DataLoader(dataset, batch_size=2))
    theirs = list(torch.utils.data.DataLoader(dataset, batch_size=2))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        assert isinstance(a, dict) and list(a) == list(b) == ["x", "y", "pair"]
        np.testing.assert_array_equal(a["x"].data, b["x"].numpy())
        np.testing.assert_array_equal(a["y"].data, b["y"].numpy())
        for u, v in zip(a["pair"], b["pair"]):
            assert u.dtype == np.dtype(str(v.dtype).replace("torch.", ""))
            np.testing.assert_array_equal(u.data, v.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float16, np.float64, np.int8, np.int32, np.bool_])
def test_numpy_scalars_keep_their_dtype_as_torch(dtype):
    torch = pytest.importorskip("torch")
    dataset = [dtype(v) for v in (1, 0, 1)]
    ours, = list(DataLoader(dataset, batch_size=3))
    theirs, = list(torch.utils.data.DataLoader(dataset, batch_size=3))
    assert ours.dtype == dtype and str(theirs.dtype) == "torch." + {np.bool_: "bool"}.get(dtype, np.dtype(dtype).name)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_samples_that_require_grad_are_stacked_with_their_graph():
    w = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    dataset = [(w * i, i) for i in range(3)]
    xb, yb = next(iter(DataLoader(dataset, batch_size=3)))
    assert xb.requires_grad and xb.shape == (3, 2)
    (xb * xb).sum().backward()
    np.testing.assert_allclose(w.grad.data, 2 * w.data * (0 + 1 + 4))
