"""autograd_core keeps a training step's freed memory for the next step (glibc's heap trimming off)."""
import subprocess
import sys

import pytest

# A "step": activations of 5 x 3 MB allocated, touched and freed, 30 times; prints page faults per step.
STEPS = """
import resource, sys
import numpy as np
if sys.argv[1] == "engine":
    import autograd_core
def step():
    arrays = [np.ones(3 << 18, dtype=np.float32) for _ in range(5)]
    del arrays
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(30):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 30)
"""


def _faults_per_step(mode):
    out = subprocess.run([sys.executable, "-c", STEPS, mode], capture_output=True, text=True, check=True)
    return float(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc tuning")
def test_freed_step_memory_is_reused_without_page_faults():
    from autograd_core.memory import keep_freed_memory
    if not keep_freed_memory():
        pytest.skip("the C library has no mallopt (not glibc)")
    plain, engine = _faults_per_step("plain"), _faults_per_step("engine")
    assert plain > 1000  # glibc's default hands the 15 MB back and faults it in again every step
    assert engine < 50
