"""Peak memory of one training step as the operating system sees it, the same way for every implementation.

tracemalloc (timing.peak_bytes) sees only Python's and numpy's allocations, not torch's, so
for a comparison with torch each implementation runs in a fresh process: build the step,
warm it up, hand freed heap memory back to the OS (glibc's malloc_trim), reset the resident
set's high-water mark, run one step, and report how far the high-water mark rose above the
resident set it started from. Linux only: it needs /proc/self/clear_refs (writing "5" resets
VmHWM) and VmHWM in /proc/self/status; elsewhere `supported()` is False and nothing is measured.

Run as `python -m bench.rss WORKLOAD IMPLEMENTATION`: prints the growth in bytes as JSON.
"""
import ctypes
import ctypes.util
import gc
import json
import os
import subprocess
import sys

_CLEAR_REFS, _STATUS = "/proc/self/clear_refs", "/proc/self/status"
SIDES = {"numpy": "numpy_ref", "tape": "tape_ref", "torch": "torch_ref", "micrograd": "micrograd_ref",
         "hips": "hips_ref", "ours": "ours"}  # implementation -> the bench module that registers it
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def supported():
    """Whether this system can reset and read the resident set's high-water mark (Linux's /proc)."""
    return os.access(_CLEAR_REFS, os.W_OK) and os.path.exists(_STATUS)


def _status_bytes(field):
    """A `VmXXX:  1234 kB` field of /proc/self/status, in bytes."""
    with open(_STATUS) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"rss: no {field} in {_STATUS}")


def _release_free_heap():
    """Return the memory malloc holds free to the OS, so it does not hide the step's own growth (glibc only)."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


def growth(call):
    """Bytes by which one `call()` raises the resident set's high-water mark above the resident set before it."""
    gc.collect()
    _release_free_heap()
    with open(_CLEAR_REFS, "w") as f:
        f.write("5")  # VmHWM := VmRSS
    before = _status_bytes("VmRSS")
    call()
    return max(0, _status_bytes("VmHWM") - before)


def peak_growth(workload, impl, timeout=300):
    """`growth` of one training step of `impl` on `workload`, measured in a fresh process (bytes).

    Raises RuntimeError with the child's message when the step cannot be built or measured there.
    """
    result = subprocess.run([sys.executable, "-m", "bench.rss", workload, impl], cwd=_ROOT, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"rss: {workload}/{impl} failed: {last_line}")
    return json.loads(result.stdout)["bytes"]


def _measure_here(workload_name, impl, warmup=2):
    """The child's side: build `impl`'s step as the benchmark does, warm it up, measure one step.

    Only the module of that implementation is imported (torch's import alone costs seconds); one thread
    comes from the environment variables set before any import (and torch_ref's set_num_threads).
    """
    import importlib
    from . import registry
    importlib.import_module(f"bench.{SIDES[impl]}")
    try:
        import autograd_core
        autograd_core.tune_allocator()  # as `python -m bench` does, for every implementation alike
    except ImportError:
        pass
    workload = registry.WORKLOADS[workload_name]
    weights, x, y = workload.data()
    step = workload.impls[impl].make(weights, workload.lr)
    for _ in range(warmup):
        step(x, y)
    return growth(lambda: step(x, y))


if __name__ == "__main__":
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = "1"  # NOTE: torch reads these at import, which happens below
    print(json.dumps({"bytes": _measure_here(*sys.argv[1:3])}))
