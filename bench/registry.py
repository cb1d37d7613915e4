"""Workloads and, per workload, its named implementations; other modules register into it on import.

An implementation is a factory `make(weights, lr)` returning a `step(x, y) -> loss` callable
that runs one full training step (forward, loss, backward, SGD update) on its own copy of
the weights. A side that cannot run (torch or micrograd not installed, engine code not
written yet) records why with `unavailable`, and the report shows that instead of a column.
"""
from dataclasses import dataclass, field
from typing import Callable

from . import workloads


@dataclass
class Implementation:
    """A factory plus whether tracemalloc sees its memory (numpy and Python objects yes, torch's allocator no)."""
    make: Callable
    traced: bool = True


@dataclass
class Workload:
    """One training step to time: the maker of its (weights, x, y), its baselines and implementations.

    Ratios are taken against every baseline present; `target` bounds ours / baselines[0]. With `rss`,
    each implementation's peak resident memory is also measured in a fresh process (bench.rss).
    """
    name: str
    title: str
    data: Callable
    baselines: tuple = ("numpy", "torch")
    target: float = None
    lr: float = 0.01
    rss: bool = False
    impls: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)


WORKLOADS = {}
EXTRAS = {}


def workload(name, title, data, **options):
    """Declare a workload; implementations are added with `register`."""
    WORKLOADS[name] = Workload(name, title, data, **options)


def register(workload_name, impl_name, make, traced=True):
    """Add implementation `impl_name` of workload `workload_name`."""
    WORKLOADS[workload_name].impls[impl_name] = Implementation(make, traced)
    WORKLOADS[workload_name].missing.pop(impl_name, None)


def unavailable(workload_name, impl_name, reason):
    """Record why `impl_name` cannot run `workload_name`; the report prints the reason."""
    WORKLOADS[workload_name].missing[impl_name] = reason


def extra(name, measure):
    """A measurement that is not a training step: `measure(rounds)` returns one row (a dict) for the report."""
    EXTRAS[name] = measure


workload("mlp", "MLP 784-256-128-10 ReLU, batch 128", workloads.mlp, rss=True)  # no time target: ahead of torch, and the last percent is not worth less readable code
workload("cnn", "CNN conv3x3(8)-pool-conv3x3(16)-pool-linear, batch 64, 28x28", workloads.cnn, target=1.25, rss=True)
workload("lstm", "LSTM(28, 128) x 28 steps, batch 64, last h -> linear", workloads.lstm, target=1.25, rss=True)
workload("lstm2", "LSTM(28, 128, num_layers=2) x 28 steps, batch 64, last h -> linear", workloads.lstm2, rss=True)
workload("bilstm", "LSTM(28, 128, bidirectional=True) x 28 steps, batch 64, last h -> linear", workloads.bilstm, rss=True)
workload("gru", "GRU(28, 128) x 28 steps, batch 64, last h -> linear", workloads.gru, target=1.25, rss=True)
workload("gpt", "GPT vocab 65, block 64, 128 wide, 4 heads, 2 blocks, batch 16, AdamW", workloads.gpt,
         baselines=("torch",), lr=3e-4, rss=True)  # no numpy reference: ours and torch only
workload("value_mlp", "scalar MLP 2-16-16-1, 100 points, full batch", workloads.value_mlp, baselines=("micrograd",),
                  target=0.2, lr=0.05)
workload("jvp", "forward mode: 1000 JVPs of sum(tanh(W v)), R^1000 -> R", workloads.jvp, baselines=("hips", "torch"),
         target=1.0)
for _n in (100, 1000):
    workload(f"jvp_mlp{_n}", f"forward mode: {_n} JVPs of sum(tanh(W2 tanh(W1 x))), R^{_n} -> R, float64",
             workloads.jvp_mlp(_n), baselines=("hips", "torch"), target=1.0)
