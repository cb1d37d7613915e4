"""The benchmark runs end to end, reports what it cannot run instead of failing, and writes its table."""
import os
import subprocess
import sys

import numpy as np
import pytest

from bench import harness, registry, timing

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _bench(*args, prelude=""):
    code = prelude + "import runpy; runpy.run_module('bench', run_name='__main__')"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_quick_mlp_prints_a_table_and_writes_markdown(tmp_path):
    out = tmp_path / "table.md"
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "mlp", "--markdown", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "| workload | implementation | ms | / numpy |" in result.stdout
    assert "| MLP 784-256-128-10 ReLU, batch 128 | numpy |" in result.stdout
    assert out.read_text().strip() == result.stdout.strip()


def test_a_missing_engine_is_reported_not_fatal():
    result = _bench("--quick", "--only", "mlp", prelude="import sys; sys.modules['autograd_core'] = None; ")
    assert result.returncode == 0, result.stderr
    assert "| numpy |" in result.stdout
    assert "mlp: ours not available (engine not importable" in result.stdout


def test_unknown_names_are_refused():
    result = _bench("--only", "nope")
    assert result.returncode == 2 and "unknown names nope" in result.stderr


def test_a_failing_implementation_becomes_a_note(monkeypatch):
    def data():
        return {"w": np.ones(3, np.float32)}, np.ones(3, np.float32), None

    def broken(weights, lr):
        def step(x, y):
            raise RuntimeError("not yet")
        return step
    monkeypatch.setattr(registry, "WORKLOADS", {})
    registry.workload("toy", "toy workload", data, baselines=("numpy",), target=2.0)
    registry.register("toy", "numpy", lambda weights, lr: lambda x, y: float(x @ weights["w"]))
    registry.register("toy", "ours", broken)
    rows, notes = harness.run(("toy",), rounds=3, warmup=1)
    assert [row["implementation"] for row in rows] == ["numpy"]
    assert notes == ["toy: ours not available (failed: RuntimeError: not yet)"]
    table = harness.markdown(rows, notes)
    assert "| toy workload | numpy |" in table and "- toy: ours not available" in table


def test_rounds_rotate_and_ratios_are_per_round():
    order = []
    calls = {name: (lambda name=name: order.append(name)) for name in "abc"}
    times = timing.interleaved(calls, rounds=3, warmup=0)
    assert order == list("abcbcacab") and all(len(t) == 3 for t in times.values())
    assert timing.ratio({"a": [1, 2, 30], "b": [1, 1, 1]}, "a", "b") == 2


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm", "lstm2", "bilstm", "gru"])
def test_training_workloads_have_the_references(name):
    assert "numpy" in registry.WORKLOADS[name].impls
