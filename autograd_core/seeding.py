"""One default random generator behind every unseeded draw, so `manual_seed(n)` makes a whole run repeatable."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Reseed the default generator behind factories, `nn.init`, dropout and DataLoader shuffling; returns it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator():
    """The generator every random draw uses when it is given no `rng` or `seed` of its own."""
    return _generator


def as_generator(rng):
    """`rng` as a numpy Generator: itself, a `Generator`'s stream, a new one seeded with it, or the default for None."""
    if rng is None:
        return _generator
    if isinstance(rng, Generator):
        return rng.numpy_generator
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def pick_generator(rng, generator, where):
    """The numpy Generator for a call given PyTorch's `generator=` and/or this engine's `rng=` (at most one)."""
    if rng is not None and generator is not None:
        raise TypeError(f"{where}: pass either generator= or rng=, not both")
    if generator is not None and not isinstance(generator, (Generator, np.random.Generator)):
        raise TypeError(f"{where}: generator must be an autograd_core.Generator, got {type(generator).__name__}")
    return as_generator(generator if generator is not None else rng)


class Generator:
    """PyTorch's `torch.Generator`: a random stream of its own, for `generator=` arguments.

    `Generator().manual_seed(42)` reseeds it and returns it. A new one starts from PyTorch's
    fixed default seed, so two fresh generators give the same numbers (not torch's numbers:
    the stream is numpy's PCG64). `get_state()`/`set_state()` save and restore the stream.
    """

    DEFAULT_SEED = 67280421310721  # torch.Generator().initial_seed()

    def __init__(self, device="cpu"):
        if str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"Generator: device {device!r} is not available; this engine runs on the CPU only")
        self.manual_seed(self.DEFAULT_SEED)

    device = "cpu"

    def manual_seed(self, seed):
        """Restart the stream from integer `seed`; returns the generator."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"manual_seed: the seed must be an int, got {type(seed).__name__}")
        self._seed = int(seed)
        self.numpy_generator = np.random.default_rng(self._seed % 2**64)
        return self

    def seed(self):
        """Reseed from the operating system's entropy; returns the new seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy) % 2**63)
        return self._seed

    def initial_seed(self):
        """The seed this stream last started from."""
        return self._seed

    def get_state(self):
        """The stream's state (a dict), for `set_state`."""
        return self.numpy_generator.bit_generator.state

    def set_state(self, state):
        """Continue from a state returned by `get_state`; returns the generator."""
        self.numpy_generator.bit_generator.state = state
        return self

    def __repr__(self):
        return f"Generator(seed={self._seed})"
