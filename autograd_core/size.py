"""PyTorch habits numpy lacks: `Tensor.size` as count and method, and device names in `.to()`."""


class Size(int):
    """The element count (an int, numpy's `t.size`) that is also callable as PyTorch's `t.size()`.

    Both habits are common and the engine itself reads `t.size` as a number, so the
    attribute stays an int: `t.size == 6`, while `t.size()` gives the shape tuple and
    `t.size(dim)` the length of one axis (negative dims count from the end).
    """

    def __new__(cls, count, shape):
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __reduce__(self):  # pickles and copies as the plain count
        return int, (int(self),)

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        ndim = len(self.shape)
        if not isinstance(dim, int) or not -ndim <= dim < ndim:
            raise IndexError(f"size(): dimension {dim!r} is out of range for a tensor of shape {self.shape} "
                             f"(expected an int in [{-ndim}, {ndim - 1}])")
        return self.shape[dim]


def check_device(name):
    """True for PyTorch's device "cpu" (the only one: arrays live in numpy); other devices raise, dtypes give False."""
    if not isinstance(name, str) or name.split(":")[0] not in ("cpu", "cuda", "mps", "xpu", "meta"):
        return False
    if name.split(":")[0] != "cpu":
        raise RuntimeError(f"to({name!r}): this engine has no devices; every tensor lives in numpy on the CPU")
    return True
