"""DataLoader: batches, shuffling with a seed, the last partial batch."""
import numpy as np
import pytest

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
