"""Runs the registered workloads side by side and turns the timings into report rows.

Every implementation of a workload starts from the same seeded weights and data, is warmed
up, then timed in interleaved rounds; a row gives its median time, its per-round ratio
medians against each baseline, its peak memory during one step against numpy's (tracemalloc,
blind to torch's allocations) and, for workloads marked `rss`, the growth of its peak resident
memory over one step in a fresh process against torch's (bench.rss; Linux only, else "-").
"""
import subprocess

from . import hips_ref, micrograd_ref, numpy_ref, ours, persample, registry, rss, tape_ref, timing, torch_ref  # noqa: F401 (they register)

ORDER = ("numpy", "tape", "torch", "micrograd", "hips", "ours")
MEM_TARGET = 1.3  # peak memory of our training step / the hand-written one's (issue 7)
RSS_TARGET = 1.3  # peak resident memory growth of our training step / torch's (issue 26)


def pin_threads():
    """Limit the BLAS/OpenMP pools already loaded (numpy's, torch's) to one thread, when threadpoolctl is there."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(1)
    return True


def names():
    """Every name `--only` accepts: workloads, then extras."""
    return list(registry.WORKLOADS) + list(registry.EXTRAS)


def _calls(workload):
    """{impl: zero-argument step} on shared weights and data; a non-baseline that fails is marked missing."""
    weights, x, y = workload.data()
    calls = {}
    for name in sorted(workload.impls, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
        try:
            step = workload.impls[name].make(weights, workload.lr)
            step(x, y)
        except Exception as error:  # an engine under construction must not stop the other columns
            if name in workload.baselines:
                raise
            registry.unavailable(workload.name, name, f"failed: {type(error).__name__}: {error}")
            continue
        calls[name] = lambda step=step: step(x, y)
    return calls


def _verdict(workload, row):
    """'time <= t: yes; mem <= 1.3: NO; rss / torch <= 1.3: yes' for ours: the issues' bounds on time and memory."""
    parts = []
    time_ratio = row.get(f"/ {workload.baselines[0]}")
    if workload.target is not None and time_ratio is not None:
        parts.append(f"time <= {workload.target:g}: {'yes' if time_ratio <= workload.target else 'NO'}")
    mem_ratio = row.get("mem / numpy")
    if mem_ratio is not None:
        parts.append(f"mem <= {MEM_TARGET:g}: {'yes' if mem_ratio <= MEM_TARGET else 'NO'}")
    rss_ratio = row.get("rss / torch")
    if rss_ratio is not None:
        parts.append(f"rss / torch <= {RSS_TARGET:g}: {'yes' if rss_ratio <= RSS_TARGET else 'NO'}")
    return "; ".join(parts) or None


def _rss_growths(workload, names, notes, measure):
    """{impl: bytes} of bench.rss for `names` when `measure`, the workload asks for it and the system allows;
    failures become notes."""
    if not (measure and workload.rss):
        return {}
    if not rss.supported():
        notes.append(f"{workload.name}: resident memory not measured (needs Linux's /proc/self/clear_refs)")
        return {}
    growths = {}
    for name in names:
        try:
            growths[name] = rss.peak_growth(workload.name, name)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            notes.append(f"{workload.name}: {name} resident memory not measured ({error})")
    return growths


def workload_rows(workload, rounds, warmup, notes=None, rss_processes=True):
    """One row per implementation of `workload` that runs; what could not be measured is added to `notes`.

    rss_processes=False omits the resident-memory columns (no fresh processes: a smoke run).
    """
    calls = _calls(workload)
    if not calls:
        return []
    growths = _rss_growths(workload, calls, [] if notes is None else notes, rss_processes)
    times = timing.interleaved(calls, rounds, warmup)
    peaks = {name: timing.peak_bytes(call) for name, call in calls.items() if workload.impls[name].traced}
    mem_base = next((b for b in ("numpy",) + workload.baselines if b in peaks), None)
    rows = []
    for name in calls:
        row = {"workload": workload.title, "implementation": name, "ms": timing.median_ms(times[name])}
        for base in workload.baselines:
            if base in times:
                row[f"/ {base}"] = timing.ratio(times, name, base)
        row["peak MiB"] = peaks[name] / 2 ** 20 if name in peaks else None
        if mem_base:
            row[f"mem / {mem_base}"] = peaks[name] / peaks[mem_base] if name in peaks else None
        if workload.rss and rss_processes:
            row["rss MiB"] = growths[name] / 2 ** 20 if name in growths else None
            row["rss / torch"] = growths[name] / growths["torch"] if name in growths and growths.get("torch") else None
        row["target"] = _verdict(workload, row) if name == "ours" else None
        rows.append(row)
    return rows


def run(only=(), rounds=15, warmup=2, rss_processes=True):
    """(rows, notes): report rows of the selected workloads and extras, and what could not run.

    rss_processes: measure resident memory in fresh processes where workloads ask for it (bench.rss).
    """
    rows, notes = [], []
    for name, workload in registry.WORKLOADS.items():
        if only and name not in only:
            continue
        rows += workload_rows(workload, rounds, warmup, notes, rss_processes)
        notes += [f"{name}: {impl} not available ({why})" for impl, why in workload.missing.items()]
    for name, measure in registry.EXTRAS.items():
        if not only or name in only:
            rows.append(measure(rounds))
    return rows, notes


def _cell(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def markdown(rows, notes=()):
    """Markdown tables, one per kind of row (rows with the same columns), then the notes as a list."""
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    out = []
    for keys, group in groups.items():
        out += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        out += ["| " + " | ".join(_cell(row[k]) for k in keys) + " |" for row in group]
        out.append("")
    out += [f"- {note}" for note in notes]
    return "\n".join(out).rstrip() + "\n"
