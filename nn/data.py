"""Mini-batches: an epoch is one pass over the data, an iteration one batch, as in the notes."""
import numpy as np

from autograd_core import Tensor, stack
from autograd_core.seeding import default_generator, pick_generator
from autograd_core.tensor import shared_tensor


class TensorDataset:
    """Equal-length arrays (or Tensors) seen as one dataset: item i is the tuple of their i-th rows, as Tensors."""

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset: need at least one array")
        self.arrays = [_rows(a, i) for i, a in enumerate(arrays)]
        lengths = {len(a) for a in self.arrays}
        if len(lengths) != 1:
            raise ValueError(f"TensorDataset: arrays have different lengths {[len(a) for a in self.arrays]}")

    @property
    def tensors(self):
        """The arrays as Tensors (sharing their data), PyTorch's attribute name."""
        return tuple(shared_tensor(a) for a in self.arrays)

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(shared_tensor(a[index]) for a in self.arrays)


def _rows(a, position):
    """`a` as a numpy array with a first (sample) axis; anything else raises naming what was expected."""
    arr = a.data if isinstance(a, Tensor) else np.asarray(a)
    if arr.ndim == 0:
        raise TypeError(f"TensorDataset: argument {position} must be an array whose first axis indexes the samples, "
                        f"got {type(a).__name__} {a!r}; a list of samples can be passed to DataLoader as it is")
    return arr


class DataLoader:
    """Iterate over a dataset in batches of Tensors, as PyTorch's DataLoader.

    Args:
        dataset: a TensorDataset, a list of samples, any object with __len__ and
            __getitem__ (a sample is an array, a number, or a tuple of them), or one
            array or Tensor whose rows are the samples. A tuple of equal-length arrays
            is read as TensorDataset(*arrays).
        batch_size: samples per batch (positional too); the last batch may be smaller
            unless drop_last.
        shuffle: a new permutation every epoch (positional too), drawn from a Generator
            seeded with `seed`, or `generator` (an `autograd_core.Generator`, as PyTorch's),
            or from the `autograd_core.manual_seed` generator when neither is given.
    Yields:
        a Tensor per batch when samples are single arrays or numbers, else a tuple of
        Tensors (one per field), or a dict of them for dict samples. Python numbers become
        float32 (or int64), arrays and numpy scalars keep their dtype.
    """

    def __init__(self, dataset, *positional, batch_size=None, shuffle=None, drop_last=False, seed=None, generator=None):
        batch_size, shuffle = _batch_args(positional, batch_size, shuffle)
        self.single = isinstance(dataset, (np.ndarray, Tensor))
        if self.single:
            dataset = TensorDataset(dataset)
        elif isinstance(dataset, tuple):
            dataset = TensorDataset(*dataset)
        elif not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must have __len__ and __getitem__ (a TensorDataset, a list of "
                            f"samples, an array), got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        if seed is not None and generator is not None:
            raise TypeError("DataLoader: pass either seed= or generator=, not both")
        self.rng = None if seed is None and generator is None else pick_generator(seed, generator, "DataLoader")

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        rng = self.rng if self.rng is not None else default_generator()
        order = rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._fetch(order[start:start + self.batch_size])

    def _fetch(self, idx):
        if isinstance(self.dataset, TensorDataset):
            batch = self.dataset[idx]  # one fancy index per array, not one __getitem__ per sample
            return batch[0] if self.single else batch
        return _collate([self.dataset[int(i)] for i in idx])


def _batch_args(positional, batch_size, shuffle):
    """(batch_size, shuffle) from PyTorch's positional order or the keywords, each checked with a clear message."""
    if positional and isinstance(positional[0], (np.ndarray, Tensor, list, tuple)):
        raise TypeError(f"DataLoader takes one dataset; got a {type(positional[0]).__name__} where batch_size goes. "
                        "To batch several arrays together pass DataLoader(TensorDataset(X, y), batch_size=...)")
    if len(positional) > 2:
        raise TypeError(f"DataLoader: only batch_size and shuffle may be positional, got {len(positional)} "
                        "arguments after the dataset; pass drop_last= and seed= by keyword")
    if len(positional) >= 1:
        if batch_size is not None:
            raise TypeError("DataLoader: got multiple values for batch_size")
        batch_size = positional[0]
    if len(positional) == 2:
        if shuffle is not None:
            raise TypeError("DataLoader: got multiple values for shuffle")
        shuffle = positional[1]
    batch_size = 1 if batch_size is None else batch_size
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, (bool, np.bool_)) or batch_size < 1:
        raise ValueError(f"DataLoader: batch_size should be a positive integer value, but got batch_size={batch_size!r}")
    return int(batch_size), bool(shuffle)


def _collate(samples):
    """A batch from a list of samples, as PyTorch's default_collate: a Tensor, a tuple field by field, or a dict
    key by key. Samples that require grad are stacked with their graph; numpy scalars keep their dtype."""
    first = samples[0]
    if isinstance(first, dict):
        return {key: _collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        return tuple(_collate(list(field)) for field in zip(*samples, strict=True))
    if any(isinstance(s, Tensor) and s.requires_grad for s in samples):
        return stack([s if isinstance(s, Tensor) else Tensor(s) for s in samples])
    if isinstance(first, (np.ndarray, Tensor, np.generic)):
        return shared_tensor(np.stack([v.data if isinstance(v, Tensor) else v for v in samples]))
    return shared_tensor(samples)
