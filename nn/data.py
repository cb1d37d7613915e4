"""Mini-batches: an epoch is one pass over the data, an iteration one batch, as in the notes."""
import numpy as np

from autograd_core import Tensor


class TensorDataset:
    """Equal-length arrays seen as one dataset: item i is the tuple of their i-th rows."""

    def __init__(self, *arrays):
        arrays = [a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays]
        if not arrays:
            raise ValueError("TensorDataset: need at least one array")
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(f"TensorDataset: arrays have different lengths {[len(a) for a in arrays]}")
        self.arrays = arrays

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over a dataset in batches.

    Args:
        dataset_or_arrays: an array, a tuple/list of equal-length arrays, or an object
            with __len__ and __getitem__ (returning an array or a tuple of arrays).
        batch_size: rows per batch; the last batch may be smaller unless drop_last.
        shuffle: a new permutation every epoch, from a Generator seeded with `seed`.
    Yields:
        numpy arrays: a tuple per batch, or one array when given one array.
    """

    def __init__(self, dataset_or_arrays, batch_size=1, shuffle=False, seed=None, drop_last=False):
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        data = dataset_or_arrays
        self.single = isinstance(data, (np.ndarray, Tensor))
        if self.single:
            data = TensorDataset(data)
        elif isinstance(data, (tuple, list)):
            data = TensorDataset(*data)
        self.dataset = data
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            batch = self._fetch(order[start:start + self.batch_size])
            yield batch[0] if self.single else batch

    def _fetch(self, idx):
        if isinstance(self.dataset, TensorDataset):
            return self.dataset[idx]
        items = [self.dataset[int(i)] for i in idx]
        if not isinstance(items[0], tuple):
            return (np.stack([np.asarray(it) for it in items]),)
        return tuple(np.stack([np.asarray(it[k]) for it in items]) for k in range(len(items[0])))
