"""One default random generator behind every unseeded draw, so `manual_seed(n)` makes a whole run repeatable.

Every draw goes through `as_generator`, which is how `checkpoint` can note each generator's state
before a segment's first run and hand the same states to its recomputation (`recording_generators`,
`replaying_generators`).
"""
import contextlib
import copy
import threading

import numpy as np

_generator = np.random.default_rng()


class _Draws(threading.local):
    """Per thread: the notebooks recording generator states, and the stand-in for the default generator."""

    def __init__(self):
        self.notebooks = ()
        self.default = None


_DRAWS = _Draws()


def manual_seed(seed):
    """Reseed the default generator behind factories, `nn.init`, dropout and DataLoader shuffling; returns it.

    `seed` is an int; a negative one is taken modulo 2**64, as PyTorch does.
    """
    global _generator
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__} {seed!r}")
    _generator = np.random.default_rng(int(seed) % 2 ** 64)
    return _generator


def default_generator():
    """The generator every random draw uses when it is given no `rng` or `seed` of its own."""
    return _generator if _DRAWS.default is None else _DRAWS.default


def as_generator(rng):
    """`rng` as a numpy Generator: itself, a `Generator`'s stream, a new one seeded with it, or the default for None."""
    if rng is None:
        gen = default_generator()
    elif isinstance(rng, np.random.Generator):
        gen = rng
    elif isinstance(rng, Generator):
        gen = rng.numpy_generator
    else:
        return np.random.default_rng(rng)  # a seed: the same draws every time, nothing to note
    if _DRAWS.notebooks:
        _note(rng, gen)
    return gen


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


def _note(rng, gen):
    """Record `gen`'s state under the default generator, a `Generator` (whose stream a manual_seed replaces) or
    a numpy Generator, unless this segment already drew from it."""
    key = "default" if rng is None else id(rng)
    for book in _DRAWS.notebooks:
        if key not in book:
            book[key] = (rng, copy.deepcopy(gen.bit_generator.state))


@contextlib.contextmanager
def recording_generators():
    """Yields a dict filled, inside the block, with each generator handed out and its state before its first draw."""
    book = {}
    _DRAWS.notebooks = _DRAWS.notebooks + (book,)
    try:
        yield book
    finally:
        _DRAWS.notebooks = tuple(b for b in _DRAWS.notebooks if b is not book)


@contextlib.contextmanager
def replaying_generators(book):
    """Inside the block the generators of `book` draw again from its states (the default one even after a
    `manual_seed`); afterwards each continues where it was, as PyTorch's `fork_rng`."""
    saved_default = _DRAWS.default
    plain = [(rng, state) for rng, state in book.values() if isinstance(rng, np.random.Generator)]
    wrapped = [(rng, state) for rng, state in book.values() if isinstance(rng, Generator)]
    saved_plain = [(rng, rng.bit_generator.state) for rng, _ in plain]
    saved_wrapped = [(rng, rng.numpy_generator) for rng, _ in wrapped]
    try:
        for rng, state in plain:
            rng.bit_generator.state = copy.deepcopy(state)
        for rng, state in wrapped:
            rng.numpy_generator = _stand_in(rng.numpy_generator, state)
        if "default" in book:
            _DRAWS.default = _stand_in(default_generator(), book["default"][1])
        yield
    finally:
        _DRAWS.default = saved_default
        for rng, state in saved_plain:
            rng.bit_generator.state = state
        for rng, gen in saved_wrapped:
            rng.numpy_generator = gen


def _stand_in(gen, state):
    """A copy of numpy Generator `gen` set to `state`: it draws what the original drew from there."""
    stand_in = copy.deepcopy(gen)
    stand_in.bit_generator.state = copy.deepcopy(state)
    return stand_in
