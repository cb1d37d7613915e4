"""`tune_allocator()` keeps a training step's freed memory for the next step (glibc's heap trimming off);
importing autograd_core alone leaves the process's allocator as it was."""
import subprocess
import sys

import pytest

# A "step": activations of 5 x 3 MB allocated, touched and freed, 30 times; prints page faults per step.
STEPS = """
import resource, sys
import numpy as np
if sys.argv[1] != "plain":
    import autograd_core
if sys.argv[1] == "tuned":
    autograd_core.tune_allocator()
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
    from autograd_core.memory import tune_allocator
    if not tune_allocator():
        pytest.skip("the C library has no mallopt (not glibc)")
    plain, imported, tuned = _faults_per_step("plain"), _faults_per_step("imported"), _faults_per_step("tuned")
    assert plain > 1000  # glibc's default hands the 15 MB back and faults it in again every step
    assert imported > 1000  # importing the library changes nothing process-wide
    assert tuned < 50
