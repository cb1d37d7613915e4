"""Keep the memory a training step frees for the next step, instead of handing it back to the OS.

glibc's malloc returns the free top of its heap to the operating system once it exceeds a
threshold, and a step that frees its activations crosses it every time: the next step then
page-faults the same memory back in (measured: about 4,900 page faults per CNN training step
of the benchmark, half the step's time). Fixing both thresholds keeps arrays of up to 32 MB
on the heap and up to 256 MB of it in the process between steps. Elsewhere (not glibc) this
does nothing.

It changes the whole process's allocator, so it is never a side effect of importing the
library: a program that trains calls `autograd_core.tune_allocator()` once (the command line,
the benchmark and the notebooks do).
"""
import ctypes
import ctypes.util

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers


def tune_allocator(mmap_threshold=32 << 20, trim_threshold=256 << 20):
    """Set glibc's mmap and trim thresholds for this process; returns True when the C library took them.

    Args:
        mmap_threshold: allocations at least this large (bytes) get their own mapping.
        trim_threshold: free heap top (bytes) kept before it is handed back to the OS.
    """
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, trim_threshold))
