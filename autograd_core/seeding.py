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
    """`rng` as a numpy Generator: itself, a new one seeded with it, or the default generator for None."""
    if rng is None:
        return _generator
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
