"""Where our engine is registered, it computes the same steps as the baselines it is timed against."""
import numpy as np
import pytest

from bench import harness, registry  # noqa: F401 (harness imports every side, so all are registered)


def _sides(name, baseline):
    workload = registry.WORKLOADS[name]
    for side in ("ours", baseline):
        if side not in workload.impls:
            pytest.skip(f"{name}: {side} not available ({workload.missing.get(side, 'not registered')})")
    weights, x, y = workload.data()
    return [workload.impls[side].make(weights, workload.lr) for side in ("ours", baseline)], x, y


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm", "lstm2", "bilstm", "gru"])
def test_ours_trains_like_the_numpy_reference(name):
    (ours, reference), x, y = _sides(name, "numpy")
    for _ in range(3):
        assert ours(x, y) == pytest.approx(reference(x, y), rel=1e-4)


def test_ours_value_engine_trains_like_micrograd():
    (ours, reference), x, y = _sides("value_mlp", "micrograd")
    for _ in range(2):
        assert ours(x, y) == pytest.approx(reference(x, y), rel=1e-9)


def test_ours_forward_mode_agrees_with_torch():
    (ours, reference), x, y = _sides("jvp", "torch")
    np.testing.assert_allclose([float(t) for t in ours(x, y[:50])], [float(t) for t in reference(x, y[:50])],
                               rtol=1e-4, atol=1e-6)



@pytest.mark.parametrize("name", ["jvp", "jvp_mlp100", "jvp_mlp1000"])
@pytest.mark.parametrize("baseline", ["hips", "torch"])
def test_forward_mode_rows_agree_with_hips_and_torch(name, baseline):
    (ours, reference), x, y = _sides(name, baseline)
    np.testing.assert_allclose([float(t) for t in ours(x, y[:20])], [float(t) for t in reference(x, y[:20])],
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["jacfwd_batched", "jacfwd_square"])
def test_batched_jacobian_rows_report_their_targets(name):
    row = registry.EXTRAS[name](1)
    assert row["ours"] > 0 and isinstance(row["met"], bool)


@pytest.mark.parametrize("name", ["lstm2_cost", "bilstm_cost"])
def test_lstm_cost_rows_report_ours_torch_and_the_target(name):
    row = registry.EXTRAS[name](1)
    # a ratio of two timings: positive, but on a busy machine not reliably above 1 (timings are for bench/, not tests)
    assert row["ours"] > 0 and row["target"] == "<= 2.1" and row["met"] == (row["ours"] <= 2.1)
    assert row["torch"] is None or row["torch"] > 0


def test_gpt_trains_like_torch_on_small_sizes():
    workload = registry.WORKLOADS["gpt"]
    for side in ("ours", "torch"):
        if side not in workload.impls:
            pytest.skip(f"gpt: {side} not available ({workload.missing.get(side, 'not registered')})")
    from bench import workloads
    weights, x, y = workloads.gpt(batch=4, block=16, n_embd=32)
    ours, theirs = (workload.impls[side].make(weights, workload.lr) for side in ("ours", "torch"))
    for _ in range(3):
        assert ours(x, y) == pytest.approx(theirs(x, y), rel=1e-5)
