"""The benchmark's implementations compute the same training step: numpy reference, ours, torch."""
import os
import subprocess
import sys

import numpy as np
import pytest

from bench import numpy_ref, ours, workloads

WORKLOADS = {"mlp": (workloads.mlp, numpy_ref.MLP, ours.mlp), "cnn": (workloads.cnn, numpy_ref.CNN, ours.cnn),
             "lstm": (workloads.lstm, numpy_ref.LSTM, ours.lstm), "gru": (workloads.gru, numpy_ref.GRU, ours.gru)}


def _weights_after_two_steps(impl, x, y):
    losses = [impl.step(x, y) for _ in range(2)]
    return losses


@pytest.mark.parametrize("name", WORKLOADS)
def test_ours_matches_the_hand_written_numpy_step(name):
    make, reference, engine = WORKLOADS[name]
    weights, x, y = make()
    ref, mine = reference(weights, workloads.LR), engine(weights, workloads.LR)
    np.testing.assert_allclose(_weights_after_two_steps(mine, x, y), _weights_after_two_steps(ref, x, y), rtol=1e-4)
    mine_params = [p.data for p in mine.model.parameters()]
    ref_params = [ref.w[k] for k in ref.w]
    for a, b in zip(sorted(mine_params, key=np.size), sorted(ref_params, key=np.size)):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("name", WORKLOADS)
def test_numpy_reference_matches_torch(name):
    pytest.importorskip("torch")
    from bench import torch_ref
    make, reference, _ = WORKLOADS[name]
    weights, x, y = make()
    ref, theirs = reference(weights, workloads.LR), getattr(torch_ref, name)(weights, workloads.LR)
    np.testing.assert_allclose(_weights_after_two_steps(ref, x, y), _weights_after_two_steps(theirs, x, y), rtol=1e-4)


def test_scalar_engines_agree():
    pytest.importorskip("micrograd")
    from bench import micrograd_ref
    weights, x, y = workloads.scalar_mlp()
    a, b = ours.value_mlp_step(weights, x, y), micrograd_ref.value_mlp_step(weights, x, y)
    for _ in range(2):
        assert a() == pytest.approx(b(), rel=1e-9)


def test_quick_benchmark_prints_a_table():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "mlp"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "| MLP 784-256-128-10" in result.stdout and "ours / numpy" in result.stdout
