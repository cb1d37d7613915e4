"""Interleaved timing of every implementation of every workload, reported as medians and ratios.

Each round runs every implementation once, in a rotating order, so that a noisy
neighbour slows all of them alike; ratios are taken per round, then their median.
"""
import gc
import statistics
import time
import tracemalloc

import numpy as np

from . import micrograd_ref, numpy_ref, ours, torch_ref, workloads

TRAINING = {
    "mlp": ("MLP 784-256-128-10, batch 128", workloads.mlp, numpy_ref.MLP, torch_ref.mlp, ours.mlp, 1.10),
    "cnn": ("CNN 2x(conv3x3-relu-pool2) + linear, batch 64, 28x28", workloads.cnn, numpy_ref.CNN, torch_ref.cnn, ours.cnn, 1.25),
    "lstm": ("LSTM(28, 128) x 28 steps, batch 64", workloads.lstm, numpy_ref.LSTM, torch_ref.lstm, ours.lstm, 1.25),
    "gru": ("GRU(28, 128) x 28 steps, batch 64", workloads.gru, numpy_ref.GRU, torch_ref.gru, ours.gru, 1.25),
}


def _time(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(impls, rounds, warmup=2):
    """{name: [seconds per round]} running each callable once per round in rotating order."""
    names = list(impls)
    for _ in range(warmup):
        for name in names:
            impls[name]()
    times = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            gc.collect()
            times[name].append(_time(impls[name]))
    return times


def _ratio(times, a, b):
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def _peak_bytes(fn):
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def training_rows(only, rounds):
    rows = []
    for key, (title, make, numpy_impl, torch_impl, ours_impl, target) in TRAINING.items():
        if only and key not in only:
            continue
        weights, x, y = make()
        impls = {"numpy": numpy_impl(weights, workloads.LR), "ours": ours_impl(weights, workloads.LR)}
        if torch_ref.torch is not None:
            impls["torch"] = torch_impl(weights, workloads.LR)
        steps = {name: (lambda impl=impl: impl.step(x, y)) for name, impl in impls.items()}
        times = interleaved(steps, rounds)
        peak = {name: _peak_bytes(steps[name]) for name in ("numpy", "ours")}
        rows.append({
            "workload": title, "numpy ms": 1e3 * statistics.median(times["numpy"]),
            "ours ms": 1e3 * statistics.median(times["ours"]),
            "torch ms": 1e3 * statistics.median(times["torch"]) if "torch" in times else None,
            "ours / numpy": _ratio(times, "ours", "numpy"),
            "ours / torch": _ratio(times, "ours", "torch") if "torch" in times else None,
            "numpy / torch": _ratio(times, "numpy", "torch") if "torch" in times else None,
            "peak mem ours / numpy": peak["ours"] / peak["numpy"], "target": f"ours / numpy <= {target}",
            "met": _ratio(times, "ours", "numpy") <= target,
        })
    return rows


def scalar_row(rounds):
    weights, x, y = workloads.scalar_mlp()
    impls = {"ours": ours.value_mlp_step(weights, x, y)}
    if micrograd_ref.MLP is None:
        return {"workload": "Value MLP 2-16-16-1, 100 points", "note": "micrograd not installed (pip install micrograd)"}
    impls["micrograd"] = micrograd_ref.value_mlp_step(weights, x, y)
    times = interleaved(impls, max(3, rounds // 3), warmup=1)
    speedup = _ratio(times, "micrograd", "ours")
    return {"workload": "Value MLP 2-16-16-1, 100 points, one step", "ours ms": 1e3 * statistics.median(times["ours"]),
            "micrograd ms": 1e3 * statistics.median(times["micrograd"]), "speed-up vs micrograd": speedup,
            "target": ">= 5x", "met": speedup >= 5}


def gradient_cost_row(rounds):
    """time(loss + gradient) / time(loss alone) on the MLP workload, ours and torch."""
    weights, x, y = workloads.mlp()
    model = ours.mlp(weights, workloads.LR).model
    import autograd_core as ag
    import nn.functional as F

    def loss_only():
        with ag.no_grad():
            F.cross_entropy(model(ag.tensor(x)), y)

    def loss_and_grad():
        loss = F.cross_entropy(model(ag.tensor(x)), y)
        model.zero_grad()
        loss.backward()
    impls = {"f": loss_only, "grad": loss_and_grad}
    if torch_ref.torch is not None:
        torch = torch_ref.torch
        tmodel = torch_ref.mlp(weights, workloads.LR).model
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)

        def torch_f():
            with torch.no_grad():
                torch.nn.functional.cross_entropy(tmodel(tx), ty)

        def torch_grad():
            tmodel.zero_grad()
            torch.nn.functional.cross_entropy(tmodel(tx), ty).backward()
        impls.update(torch_f=torch_f, torch_grad=torch_grad)
    times = interleaved(impls, rounds)
    row = {"workload": "cost(gradient) / cost(function), MLP", "ours": _ratio(times, "grad", "f"),
           "target": "<= 2.3"}
    if "torch_f" in times:
        row["torch"] = _ratio(times, "torch_grad", "torch_f")
    row["met"] = row["ours"] <= 2.3
    return row


def overhead_row(rounds):
    """Microseconds an elementwise 10x10 multiply costs on top of bare numpy, recorded for backward."""
    import autograd_core as ag
    a = np.random.default_rng(0).standard_normal((10, 10)).astype(np.float32)
    ta, tb = ag.tensor(a, requires_grad=True), ag.tensor(a)
    n = 20_000

    def bare():
        for _ in range(n):
            a * a

    def ours_op():
        for _ in range(n):
            ta * tb
    times = interleaved({"numpy": bare, "ours": ours_op}, rounds)
    overhead = 1e6 * statistics.median((o - b) / n for o, b in zip(times["ours"], times["numpy"]))
    return {"workload": "per recorded op overhead (10x10 multiply)", "ours us": overhead, "target": "<= 3 us",
            "met": overhead <= 3}


def forward_mode_row(rounds):
    impls = {"ours": ours.forward_mode_jvps()}
    if torch_ref.torch is None:
        return {"workload": "forward mode, 1000 JVPs of R^1000 -> R", "note": "torch not installed"}
    impls["torch"] = torch_ref.forward_mode_jvps()
    times = interleaved(impls, max(3, rounds // 3), warmup=1)
    ratio = _ratio(times, "ours", "torch")
    return {"workload": "forward mode, 1000 JVPs of R^1000 -> R", "ours ms": 1e3 * statistics.median(times["ours"]),
            "torch ms": 1e3 * statistics.median(times["torch"]), "ours / torch": ratio, "target": "< 1 (faster)",
            "met": ratio < 1}


def _cell(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def markdown(rows):
    """One markdown table per kind of row."""
    out, groups = [], {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for keys, group in groups.items():
        out.append("| " + " | ".join(keys) + " |")
        out.append("|" + "---|" * len(keys))
        out += ["| " + " | ".join(_cell(r[k]) for k in keys) + " |" for r in group]
        out.append("")
    return "\n".join(out)


def run(only=(), rounds=15, extras=True):
    rows = training_rows(only, rounds)
    if extras and not only:
        rows += [scalar_row(rounds), gradient_cost_row(rounds), overhead_row(rounds), forward_mode_row(rounds)]
    return rows
