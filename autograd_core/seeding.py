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
    """Reseed the default generator behind factories, `nn.init`, dropout and DataLoader shuffling; returns it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator():
    """The generator every random draw uses when it is given no `rng` or `seed` of its own."""
    return _generator if _DRAWS.default is None else _DRAWS.default


def as_generator(rng):
    """`rng` as a numpy Generator: itself, a new one seeded with it, or the default generator for None."""
    if rng is None:
        gen = default_generator()
    elif isinstance(rng, np.random.Generator):
        gen = rng
    else:
        return np.random.default_rng(rng)  # a seed: the same draws every time, nothing to note
    if _DRAWS.notebooks:
        _note(gen, rng is None)
    return gen


def _note(gen, default):
    key = "default" if default else id(gen)
    for book in _DRAWS.notebooks:
        if key not in book:
            book[key] = (gen, copy.deepcopy(gen.bit_generator.state))


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
    explicit = [(gen, state) for key, (gen, state) in book.items() if key != "default"]
    saved = [(gen, gen.bit_generator.state) for gen, _ in explicit]
    try:
        for gen, state in explicit:
            gen.bit_generator.state = copy.deepcopy(state)
        if "default" in book:
            stand_in = copy.deepcopy(book["default"][0])
            stand_in.bit_generator.state = copy.deepcopy(book["default"][1])
            _DRAWS.default = stand_in
        yield
    finally:
        _DRAWS.default = saved_default
        for gen, state in saved:
            gen.bit_generator.state = state
