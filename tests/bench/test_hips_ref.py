"""The forward-mode rows: our jvp passes compute what HIPS autograd's make_jvp and torch.func.jvp compute."""
import numpy as np
import pytest

from bench import harness, registry  # noqa: F401 (harness imports every side, so all are registered)


@pytest.mark.parametrize("name", ["jvp", "jvp_mlp100", "jvp_mlp1000"])
@pytest.mark.parametrize("baseline", ["hips", "torch"])
def test_forward_mode_rows_agree(name, baseline):
    workload = registry.WORKLOADS[name]
    for side in ("ours", baseline):
        if side not in workload.impls:
            pytest.skip(f"{name}: {side} not available ({workload.missing.get(side, 'not registered')})")
    weights, x, y = workload.data()
    ours, reference = (workload.impls[side].make(weights, workload.lr) for side in ("ours", baseline))
    np.testing.assert_allclose([float(t) for t in ours(x, y[:20])], [float(t) for t in reference(x, y[:20])],
                               rtol=1e-4, atol=1e-6)


def test_batched_jacobian_rows_report_their_targets():
    for name in ("jacfwd_batched", "jacfwd_square"):
        row = registry.EXTRAS[name](1)
        assert row["ours"] > 0 and isinstance(row["met"], bool)
