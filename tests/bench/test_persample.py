"""The per-sample-gradient workload: our vmap(grad), torch.func and the numpy version give the same numbers."""
import numpy as np
import pytest

from bench import persample, workloads


def _small():
    weights, x, y = workloads.persample(batch=6, sizes=(7, 5, 3), dtype=np.float64)
    return weights, x, y


def test_ours_equals_the_hand_written_numpy_per_sample_gradients():
    weights, x, y = _small()
    ours, by_hand = persample.ours(weights, 0.0)(x, y), persample.numpy_by_hand(weights, 0.0)(x, y)
    for name in weights:
        assert ours[name].shape == (6,) + weights[name].shape
        np.testing.assert_allclose(ours[name], by_hand[name], rtol=1e-10, atol=1e-12)


def test_torch_func_agrees():
    pytest.importorskip("torch")
    weights, x, y = _small()
    theirs, ours = persample.torch_func(weights, 0.0)(x, y), persample.ours(weights, 0.0)(x, y)
    for name in weights:
        np.testing.assert_allclose(ours[name], theirs[name].numpy(), rtol=1e-10, atol=1e-12)
