"""The gradient of whole-row integer indexing (an embedding's; sort + reduceat in ops/shape.py) against PyTorch.

Repeated and negative rows, an empty or 0-d index, a non-contiguous cotangent, float16/32/64,
index arrays of a narrow integer dtype into a table longer than that dtype's range, gradients
accumulated over two backward passes.
"""
import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(11)

CASES = [  # (name, table shape, index)
    ("repeats_and_negatives", (5, 3), np.array([0, 2, 2, -1, 0, 4, -5])),
    ("2d_index", (4, 2), np.array([[1, 1], [-4, 0]])),
    ("0d_index", (4, 3), np.array(2)),
    ("empty_index", (4, 3), np.zeros(0, dtype=np.int64)),
    ("one_row_repeated", (4, 3), np.array([[-1, -1, -1]])),
    ("3d_table", (4, 2, 3), np.array([3, -1, 0, 3])),
    ("int8_index_long_table", (200, 2), np.array([1, 2, 1, -1], dtype=np.int8)),
    ("uint8_index_long_table", (300, 2), np.array([1, 2, 1, 255], dtype=np.uint8)),
    ("int16_index_long_table", (40000, 1), np.array([7, -1, 7], dtype=np.int16)),
]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name, shape, index", CASES, ids=[c[0] for c in CASES])
def test_row_gradient_matches_torch(name, shape, index, dtype):
    table = RNG.standard_normal(shape).astype(dtype)
    out_shape = index.shape + shape[1:]
    cot = RNG.standard_normal(out_shape[::-1]).astype(dtype).T  # a transposed, non-contiguous cotangent
    x = ag.tensor(table, requires_grad=True)
    for _ in range(2):  # the second pass accumulates into .grad
        (x[index] * ag.tensor(cot)).sum().backward()
    t = torch.tensor(table, requires_grad=True)
    for _ in range(2):
        (t[torch.tensor(index.astype(np.int64))] * torch.tensor(np.ascontiguousarray(cot))).sum().backward()
    assert x.grad.dtype == np.dtype(dtype)
    np.testing.assert_allclose(x.grad.numpy().astype(np.float64), t.grad.numpy().astype(np.float64),
                               atol=2e-2 if dtype == "float16" else 1e-6)


def test_double_backward_through_row_indexing_matches_torch():
    table, index = RNG.standard_normal((4, 2, 3)), np.array([[1, 3], [1, -3]])
    x = ag.tensor(table, requires_grad=True)
    (g,) = ag.grad_of((x[index] ** 3).sum(), [x], create_graph=True)
    (gg,) = ag.grad_of((g * g).sum(), [x])
    t = torch.tensor(table, requires_grad=True)
    (gt,) = torch.autograd.grad((t[torch.tensor(index)] ** 3).sum(), [t], create_graph=True)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), [t])
    np.testing.assert_allclose(np.asarray(gg), ggt.numpy(), rtol=1e-12)
