"""The micrograd baseline runs the shared scalar-MLP step: its first loss equals a numpy forward pass."""
import numpy as np
import pytest

from bench import micrograd_ref, registry


def test_micrograd_side_loads_the_shared_weights():
    pytest.importorskip("micrograd")
    workload = registry.WORKLOADS["value_mlp"]
    weights, x, y = workload.data()
    w0, b0, w1, b1, w2, b2 = weights.values()
    scores = np.maximum(np.maximum(x @ w0.T + b0, 0) @ w1.T + b1, 0) @ w2.T + b2
    expected = np.maximum(1 - y * scores[:, 0], 0).mean()
    assert micrograd_ref.trainer(weights, workload.lr)(x, y) == pytest.approx(expected, rel=1e-12)
