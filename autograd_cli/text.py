"""The character-level text example: the Zen of Python as data, training the small GPT, sampling from it.

The text ships with Python (the `this` module holds it ROT13-encoded); it is decoded
without the import printing it. One epoch is one pass over every window of
`block_size` characters, in shuffled batches.
"""
import codecs
import contextlib
import io

import numpy as np

import autograd_core as ag
import nn
import optim

from .examples import fit
from .gpt import GPT, GPTConfig

# sized so that the default run (`autograd-core train --model gpt`) ends within a minute on 2 cores
DEFAULTS = {"epochs": 12, "lr": 6e-3, "batch_size": 32}
CONFIG = {"block_size": 32, "n_layer": 2, "n_head": 4, "n_embd": 64, "dropout": 0.0, "gelu": "none"}  # exact GELU


def load_zen():
    """The Zen of Python (856 characters), read from the standard library's `this` without printing it."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return codecs.decode(this.s, "rot13")


class Vocabulary:
    """Characters <-> integer ids (sorted, so the ids do not depend on the text's order)."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids):
        return "".join(self.chars[int(i)] for i in ids)


def windows(ids, block_size):
    """Every (input, target) pair of `block_size` ids, the target shifted by one: two (n, block_size) arrays."""
    starts = np.arange(len(ids) - block_size)[:, None] + np.arange(block_size)
    return ids[starts], ids[starts + 1]


def build_gpt(vocab_size, seed=0, **config):
    """The small GPT with CONFIG's sizes (overridable), seeded."""
    nn.init.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=vocab_size, **{**CONFIG, **config}))


def train_gpt(model, ids, epochs, lr, batch_size, seed=0, progress=True):
    """AdamW (weight decay 0.1) with gradient clipping at 1 on next-character cross-entropy; the per-step losses.

    Raises `examples.Diverged` as soon as a loss is NaN or infinite.
    """
    x, y = windows(ids, model.config.block_size)
    loader = nn.data.DataLoader((x, y), batch_size=batch_size, shuffle=True, seed=seed)
    opt = optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)
    return fit(model, loader, opt, epochs, lambda xb, yb: model(xb, yb)[1], clip=1.0, progress=progress)


def sample(model, vocab, prompt, length, temperature=0.8, seed=0):
    """`prompt` continued by `length` characters drawn from the model's softmax (at `temperature`), seeded."""
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(prompt))
    model.eval()
    with ag.no_grad():
        for _ in range(length):
            context = np.array([ids[-model.config.block_size:]])
            logits, _ = model(context)
            z = logits.data[0, -1].astype(np.float64) / temperature
            p = np.exp(z - z.max())
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
    model.train()
    return vocab.decode(ids)
