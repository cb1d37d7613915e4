"""Timing primitives: interleaved rounds in rotating order, per-round ratios, and tracemalloc peaks."""
import gc
import statistics
import time
import tracemalloc


def interleaved(calls, rounds, warmup=2):
    """{name: [seconds, one per round]}: each round runs every call once, starting one further each round.

    A noisy neighbour then slows all of them alike, and no call always runs first (cold) or last.
    """
    names = list(calls)
    for _ in range(warmup):
        for name in names:
            calls[name]()
    times = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            gc.collect()
            start = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - start)
    return times


def ratio(times, a, b):
    """Median over rounds of time(a) / time(b) in the same round."""
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def median_ms(seconds):
    """Median of a list of seconds, in milliseconds."""
    return 1e3 * statistics.median(seconds)


def peak_bytes(call):
    """Peak bytes that Python's allocators (numpy's buffers included) hold during one call."""
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
