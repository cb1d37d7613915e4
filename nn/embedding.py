"""Embedding: a lookup table of learnable vectors, indexed by integers (`nn.functional.embedding`)."""
import numpy as np

from autograd_core.checks import check_int

from . import init
from .functional import _padding_index, embedding
from .module import Module, Parameter


class Embedding(Module):
    """weight (num_embeddings, embedding_dim), initialized N(0, 1) like PyTorch.

    forward(indices): integer indices of any shape -> indices.shape + (embedding_dim,);
    repeated indices accumulate their gradients into the same row. The `padding_idx` row starts
    at zero and gets no gradient.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, rng=None):
        super().__init__()
        num_embeddings = check_int("Embedding", "num_embeddings", num_embeddings, 0)
        embedding_dim = check_int("Embedding", "embedding_dim", embedding_dim, 0)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = None if padding_idx is None else _padding_index(padding_idx, num_embeddings)
        self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=np.float32))
        init.normal_(self.weight, rng=rng)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, indices):
        return embedding(indices, self.weight, self.padding_idx)

    def extra_repr(self):
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
