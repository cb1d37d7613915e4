"""The course notes' worked example 2 (seed 002): a 2-2-2 sigmoid network, with Tensors.

Only the weights are updated (the biases stay fixed); that is the procedure under
which the notes' printed numbers follow exactly (see docs/conventions.md).
"""
import numpy as np
import pytest

import autograd_core as ag

INPUT = np.array([0.02, 0.7])
TARGET = np.array([0.0, 1.0])
B1, B2 = 0.3, 0.2


def forward(w0, w1):
    hidden = (ag.tensor(INPUT, dtype=np.float64) @ w0.T + B1).sigmoid()
    return (hidden @ w1.T + B2).sigmoid()


def total_error(out):
    return 0.5 * ((ag.tensor(TARGET, dtype=np.float64) - out) ** 2).sum()


def make_weights():
    w0 = ag.tensor(np.array([[0.1, 0.2], [0.3, 0.4]]), requires_grad=True)  # w1 w2 / w3 w4
    w1 = ag.tensor(np.array([[0.2, 0.3], [0.1, 0.2]]), requires_grad=True)  # w5 w6 / w7 w8
    return w0, w1


def train(steps, lr=0.5):
    w0, w1 = make_weights()
    for _ in range(steps):
        loss = total_error(forward(w0, w1))
        w0.grad = w1.grad = None
        loss.backward()
        w0.data -= lr * w0.grad.data
        w1.data -= lr * w1.grad.data
    return w0, w1


def test_first_forward_pass():
    w0, w1 = make_weights()
    out = forward(w0, w1)
    np.testing.assert_allclose(out.data, [0.625, 0.596], atol=1e-3)  # as printed in the notes
    np.testing.assert_allclose(out.data, [0.6258564, 0.5961293], atol=5e-8)  # exact
    assert total_error(out).item() == pytest.approx(0.2774039, abs=5e-8)


def test_first_gradient_matches_hand_derivation():
    """dE/dw1 = 0.019 * 0.238 * 0.020 ≈ 0.00009 in the notes (rounded intermediates)."""
    w0, w1 = make_weights()
    total_error(forward(w0, w1)).backward()
    assert w0.grad.data[0, 0] == pytest.approx(0.00009, abs=1e-5)


def test_one_step_then_ten_thousand():
    w0, w1 = train(1)
    assert total_error(forward(w0, w1)).item() == pytest.approx(0.2653703, abs=5e-8)
    w0, w1 = train(10_000)
    out = forward(w0, w1)
    assert total_error(out).item() == pytest.approx(6.3612e-5, rel=1e-4)
    np.testing.assert_allclose(out.data, [0.00793, 0.99198], atol=5e-6)
