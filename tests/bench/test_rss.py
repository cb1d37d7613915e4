"""The resident-memory measurement finds what a step allocates, in this process and in a fresh one."""
import numpy as np
import pytest

from bench import harness, registry, rss, timing

linux = pytest.mark.skipif(not rss.supported(), reason="needs Linux's /proc/self/clear_refs")
MIB = 2 ** 20


@linux
def test_a_step_that_touches_50_mib_reports_about_50_mib():
    def step():
        block = np.ones(50 * MIB, np.uint8)  # written, so every page is resident
        return int(block[::4096].sum())
    assert rss.growth(step) / MIB == pytest.approx(50, abs=2)


@linux
def test_memory_freed_before_the_step_does_not_hide_its_growth():
    held = np.ones(40 * MIB, np.uint8)
    del held  # freed before the step: the step must still show its own 30 MiB
    assert rss.growth(lambda: np.ones(30 * MIB, np.uint8).sum()) / MIB == pytest.approx(30, abs=2)


@linux
def test_a_step_that_allocates_nothing_reports_almost_nothing():
    assert rss.growth(lambda: 1 + 1) < 1 * MIB


@linux
def test_a_fresh_process_agrees_with_tracemalloc_on_the_numpy_mlp():
    """The numpy reference allocates only numpy arrays, which tracemalloc sees too: the two measures agree."""
    workload = registry.WORKLOADS["mlp"]
    weights, x, y = workload.data()
    step = workload.impls["numpy"].make(weights, workload.lr)
    step(x, y)
    traced = timing.peak_bytes(lambda: step(x, y))
    assert rss.peak_growth("mlp", "numpy") == pytest.approx(traced, rel=0.3)


@linux
def test_torch_is_measured_in_its_own_process():
    if "torch" not in registry.WORKLOADS["mlp"].impls:
        pytest.skip("torch not installed")
    assert 0 < rss.peak_growth("mlp", "torch") < 50 * MIB


@linux
def test_a_failing_child_raises_with_its_message():
    with pytest.raises(RuntimeError, match="rss: mlp/nope failed: KeyError: 'nope'"):
        rss.peak_growth("mlp", "nope")


def _toy(monkeypatch):
    """A registry holding one cheap workload whose `torch` and `ours` sides are plain functions."""
    monkeypatch.setattr(registry, "WORKLOADS", {})
    registry.workload("toy", "toy workload", lambda: ({}, None, None), baselines=("torch",), rss=True)
    for side in ("torch", "ours"):
        registry.register("toy", side, lambda weights, lr: lambda x, y: 0.0, traced=False)
    return registry.WORKLOADS["toy"]


def test_rows_carry_rss_columns_and_the_torch_target(monkeypatch):
    workload = _toy(monkeypatch)
    monkeypatch.setattr(rss, "supported", lambda: True)
    monkeypatch.setattr(rss, "peak_growth", lambda name, impl: {"torch": 10 * MIB, "ours": 14 * MIB}[impl])
    rows = {row["implementation"]: row for row in harness.workload_rows(workload, 1, 0)}
    assert rows["torch"]["rss MiB"] == 10 and rows["ours"]["rss / torch"] == pytest.approx(1.4)
    assert rows["ours"]["target"] == "rss / torch <= 1.3: NO"


def test_without_proc_the_columns_are_empty_and_a_note_says_why(monkeypatch):
    workload = _toy(monkeypatch)
    monkeypatch.setattr(rss, "supported", lambda: False)
    notes = []
    rows = harness.workload_rows(workload, 1, 0, notes)
    assert all(row["rss MiB"] is None and row["rss / torch"] is None for row in rows)
    assert notes == ["toy: resident memory not measured (needs Linux's /proc/self/clear_refs)"]
