"""The minimal tape engine trains the MLP exactly as the hand-written numpy reference does."""
import numpy as np
import pytest

from bench import numpy_ref, tape_ref, workloads


def test_sgd_steps_equal_the_numpy_reference():
    weights, x, y = workloads.mlp(1, batch=5, sizes=(7, 6, 5, 4), dtype=np.float64)
    tape, reference = tape_ref.mlp(weights, 0.1), numpy_ref.MLP(weights, 0.1)
    for _ in range(3):
        assert tape(x, y) == pytest.approx(reference.step(x, y), rel=1e-12)
    for mine, theirs in zip(tape.params, reference.params):
        np.testing.assert_allclose(mine.data, theirs, rtol=1e-12, atol=1e-14)


def test_backward_frees_every_op_and_fills_leaf_gradients():
    weights, x, y = workloads.mlp(1, batch=2, sizes=(3, 3, 3, 2), dtype=np.float64)
    w0, b0, w1, b1, w2, b2 = (tape_ref.Var(w) for w in weights.values())
    hidden = tape_ref.relu(tape_ref.affine(tape_ref.Var(x), w0, b0))
    loss = tape_ref.cross_entropy(tape_ref.affine(tape_ref.relu(tape_ref.affine(hidden, w1, b1)), w2, b2), y)
    tape_ref.backward(loss)
    assert loss.op is None and hidden.op is None
    assert all(p.grad.shape == p.data.shape for p in (w0, b0, w1, b1, w2, b2))
