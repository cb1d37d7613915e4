"""The cost ledger: forward mode against reverse mode on the same function, with numbers.

For f: R^n -> R^m the full Jacobian takes n forward-mode passes (one JVP per input
direction) or m reverse-mode passes (one VJP per output direction) after a single
taped forward pass, or one pass each way with all directions batched on a leading
tangent axis (`jacfwd`, `jacrev`). `compare_modes` runs all four and counts passes,
primitive ops, floating-point operations, wall time and the bytes the reverse tape keeps;
`count_paths` counts the input-to-output paths that naive per-path chain-rule
summation would visit, which a reverse sweep never enumerates.
"""
import time

import numpy as np

from .checks import check_callable
from .engine import grad_of
from .forward_mode import ForwardMode
from .grad_mode import Observer, no_grad, observe
from .graph import parents, topological_order
from .jacobian import jacfwd, jacrev
from .tensor import Tensor, shared_tensor

GRIEWANK_BOUND = 5.0
GRIEWANK_CITATION = ("Griewank & Walther, Evaluating Derivatives (2nd ed., SIAM 2008): "
                     "cost(gradient) <= ~4-5 x cost(function) for reverse mode")


def count_paths(root, leaf):
    """Number of distinct paths from `leaf` to `root` in the graph (exact Python integer).

    Dynamic programming over the topological order: paths(node) = Σ paths(parent),
    so a ladder of k diamonds gives 2**k without visiting any path.
    """
    counts = {}
    for node in topological_order(root, parents):
        counts[id(node)] = 1 if node is leaf else sum(counts.get(id(p), 0) for p in parents(node))
    return counts.get(id(root), 0)


class _Ledger(Observer):
    """Counts ops and floating-point operations, forward (with tangents) and backward."""

    def __init__(self):
        self.ops = self.flops = self.vjps = 0
        self.tape = {}

    def on_forward(self, prim, ctx, out, args, arrays, params):
        self.ops += 1
        base = prim.flops(out.data, *arrays, **params)
        directions = sum(level.batch or 1 for a in args if isinstance(a, Tensor) and a._tangent is not None
                         for level in a._tangent)
        self.flops += base * (1 + directions)
        if out._node is not None:
            for a in arrays:
                if isinstance(a, np.ndarray):
                    self.tape[id(a)] = a.nbytes

    def on_backward(self, node, out, in_grads):
        self.vjps += 1
        self.ops += 1
        needed = sum(1 for g in in_grads if g is not None)
        self.flops += node.prim.flops(out.data, *node.arrays, **node.params) * needed


class ModeCost(dict):
    """passes, ops, flops, seconds for one mode."""


class CostReport:
    """Result of `compare_modes`: printable table, `.as_dict()` for programs."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def as_dict(self):
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items() if k != "jacobian"}

    def __str__(self):
        f, r = self.forward, self.reverse
        rows = [("", "forward mode (JVP)", "reverse mode (VJP)"),
                ("passes", f"{f['passes']} (one per input)", f"{r['passes']} (one per output) + 1 taped forward"),
                ("primitive ops executed", f"{f['ops']:,}", f"{r['ops']:,}"),
                ("floating-point ops", f"{f['flops']:,}", f"{r['flops']:,}"),
                ("wall time", f"{f['seconds'] * 1e3:.2f} ms", f"{r['seconds'] * 1e3:.2f} ms")]
        fb, rb = self.forward_batched, self.reverse_batched
        rows += [("batched: passes", "1 (all inputs at once)", "1 (all outputs at once) + 1 taped forward"),
                 ("batched: primitive ops", f"{fb['ops']:,}", f"{rb['ops']:,}"),
                 ("batched: floating-point ops", f"{fb['flops']:,}", f"{rb['flops']:,}"),
                 ("batched: wall time", f"{fb['seconds'] * 1e3:.2f} ms", f"{rb['seconds'] * 1e3:.2f} ms")]
        width = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [f"f: R^{self.n_inputs} -> R^{self.n_outputs}"]
        lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, width)) for row in rows]
        lines += [
            f"  reverse tape keeps {self.tape_bytes:,} bytes for the backward pass",
            f"  input-to-output paths in the (tensor-level) graph, which naive chain-rule expansion would visit one by one: {self.paths:,}; "
            f"one reverse sweep visits {self.graph_edges:,} edges once",
            f"  cost(gradient)/cost(function): {self.gradient_cost_ratio_time:.2f} by time, "
            f"{self.gradient_cost_ratio_flops:.2f} by flops (bound ~{GRIEWANK_BOUND:g}: {GRIEWANK_CITATION})",
            f"  Jacobians agree: {self.jacobians_agree} (max |difference| {self.max_difference:.3g})",
            f"  recommended: {self.recommended} mode - {self.reason}",
        ]
        return "\n".join(lines)

    __repr__ = __str__

    def plot(self, path=None):
        """Bar charts of ops, flops and time for both modes, one direction per pass and batched; needs matplotlib."""
        plt = pyplot("CostReport.plot")
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
        runs = [("forward", self.forward), ("forward batched", self.forward_batched),
                ("reverse", self.reverse), ("reverse batched", self.reverse_batched)]
        for ax, (key, label) in zip(axes, (("ops", "primitive ops"), ("flops", "floating-point ops"),
                                           ("seconds", "wall time (s)"))):
            ax.bar([name for name, _ in runs], [cost[key] for _, cost in runs],
                   color=["tab:blue", "lightsteelblue", "tab:orange", "navajowhite"])
            ax.set(title=label)
            ax.tick_params(axis="x", labelrotation=30)
        fig.suptitle(f"full Jacobian of f: R^{self.n_inputs} -> R^{self.n_outputs}")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=100)
        return fig


def pyplot(where):
    """matplotlib.pyplot, an optional dependency; the backend is left as the user (or Jupyter) set it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(f"{where} needs matplotlib: pip install matplotlib") from None
    return plt


def _inputs(inputs):
    return [np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64 if np.asarray(
        x.data if isinstance(x, Tensor) else x).dtype == np.float64 else np.float32) for x in inputs]


def _forward_mode(f, arrays):
    """n JVP passes, one per scalar input, each a single forward evaluation carrying a tangent."""
    ledger = _Ledger()
    columns = []
    start = time.perf_counter()
    with observe(ledger):
        for a, x in enumerate(arrays):
            for j in range(x.size):
                args = [shared_tensor(p) for p in arrays]
                basis = np.zeros_like(x)
                basis.flat[j] = 1
                level = ForwardMode()
                level.seed(args[a], basis)
                with no_grad(), level:
                    out = f(*args)
                tangent = level.tangent(out)
                columns.append(np.zeros(out.data.size) if tangent is None else np.ravel(tangent))
    seconds = time.perf_counter() - start
    jac = np.stack(columns, axis=1) if columns else np.zeros((0, 0))
    return ModeCost(passes=len(columns), ops=ledger.ops, flops=ledger.flops, seconds=seconds), jac


def _batched_mode(f, arrays, jacobian):
    """The full Jacobian in one batched pass (`jacfwd` or `jacrev`, chunk_size=None), as rows (m, n).

    Outer recording is off: a parameter f closes over that requires grad (a model's weights) would
    otherwise put jacrev on its outer-graph path, one recorded sweep per output, not one batched pass.
    """
    ledger = _Ledger()
    start = time.perf_counter()
    with observe(ledger), no_grad():
        blocks = jacobian(f, argnums=tuple(range(len(arrays))))(*arrays)
    seconds = time.perf_counter() - start
    jac = np.concatenate([b.reshape(int(np.prod(b.shape[:b.ndim - x.ndim])), x.size) for b, x in zip(blocks, arrays)],
                         axis=1)
    return ModeCost(passes=1, ops=ledger.ops, flops=ledger.flops, seconds=seconds), jac


def _reverse_mode(f, arrays):
    """One taped forward pass, then m VJP passes, one per scalar output."""
    ledger = _Ledger()
    start = time.perf_counter()
    with observe(ledger):
        leaves = [shared_tensor(p, requires_grad=True) for p in arrays]
        out = f(*leaves)
        forward_ops, tape = ledger.ops, sum(ledger.tape.values())
        rows = []
        seed = np.zeros_like(out.data)
        for i in range(out.data.size):
            seed.flat[i] = 1
            grads = grad_of(out, leaves, seed, retain_graph=True) if out.requires_grad else \
                [np.zeros_like(p) for p in arrays]
            seed.flat[i] = 0
            rows.append(np.concatenate([np.ravel(g) for g in grads]))
    seconds = time.perf_counter() - start
    jac = np.stack(rows) if rows else np.zeros((0, 0))
    cost = ModeCost(passes=len(rows), ops=ledger.ops, flops=ledger.flops, seconds=seconds)
    return cost, jac, out, leaves, forward_ops, tape


def gradient_cost(f, *inputs):
    """One taped forward pass and one backward pass of scalar `f`: the tape it keeps and what it costs.

    Returns a dict: tape_bytes (arrays the tape keeps for backward), ops and flops
    (forward, backward and any recomputation, as by `checkpoint`), seconds.
    """
    ledger = _Ledger()
    leaves = [shared_tensor(p, requires_grad=True) for p in _inputs(inputs)]
    start = time.perf_counter()
    with observe(ledger):
        out = f(*leaves)
        tape = sum(ledger.tape.values())
        if out.requires_grad:
            grad_of(out, leaves)
    seconds = time.perf_counter() - start
    return {"tape_bytes": tape, "ops": ledger.ops, "flops": ledger.flops, "seconds": seconds}


def _gradient_ratio(f, arrays, repeats=5):
    """cost(function + one reverse pass) / cost(function), by median time and by flops."""
    def run_function():
        with no_grad():
            f(*[shared_tensor(p) for p in arrays])

    def run_gradient():
        leaves = [shared_tensor(p, requires_grad=True) for p in arrays]
        out = f(*leaves)
        if out.requires_grad:
            grad_of(out, leaves, np.ones_like(out.data))
    times = {}
    for name, fn in (("function", run_function), ("gradient", run_gradient)):
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        times[name] = float(np.median(samples))
    ledger_f, ledger_g = _Ledger(), _Ledger()
    with observe(ledger_f):
        run_function()
    with observe(ledger_g):
        run_gradient()
    return times["gradient"] / max(times["function"], 1e-12), ledger_g.flops / max(ledger_f.flops, 1)


def compare_modes(f, *inputs):
    """Full Jacobian of f both ways, with the cost of each; returns a `CostReport`.

    Args:
        f: function of Tensors returning one Tensor (built from engine ops).
        inputs: arrays or Tensors (the point where the Jacobian is taken).
    """
    check_callable("compare_modes", "f", f)
    arrays = _inputs(inputs)
    forward, jac_fwd = _forward_mode(f, arrays)
    reverse, jac_rev, out, leaves, forward_ops, tape = _reverse_mode(f, arrays)
    forward_batched, jac_fwd_batched = _batched_mode(f, arrays, jacfwd)
    reverse_batched, jac_rev_batched = _batched_mode(f, arrays, jacrev)
    n, m = sum(x.size for x in arrays), out.data.size
    diff = max((float(np.max(np.abs(j - jac_rev))) if j.size else 0.0)
               for j in (jac_fwd, jac_fwd_batched.reshape(jac_fwd.shape), jac_rev_batched.reshape(jac_fwd.shape)))
    scale = max(1.0, float(np.max(np.abs(jac_rev)))) if jac_rev.size else 1.0
    nodes = topological_order(out, parents)
    paths = sum(count_paths(out, leaf) for leaf in leaves)
    ratio_time, ratio_flops = _gradient_ratio(f, arrays)
    if n > m:
        recommended, reason = "reverse", f"{m} output(s) < {n} inputs: {m} reverse pass(es) instead of {n} forward passes"
    elif n < m:
        recommended, reason = "forward", f"{n} input(s) < {m} outputs: {n} forward pass(es) instead of {m} reverse passes"
    else:
        faster = "reverse" if reverse["seconds"] < forward["seconds"] else "forward"
        recommended, reason = faster, f"n = m = {n}: same number of passes; {faster} mode measured faster"
    return CostReport(
        n_inputs=n, n_outputs=m, forward=forward, reverse=reverse, forward_batched=forward_batched,
        reverse_batched=reverse_batched, forward_pass_ops=forward_ops,
        tape_bytes=tape, paths=paths, graph_edges=sum(len(parents(v)) for v in nodes),
        gradient_cost_ratio_time=ratio_time, gradient_cost_ratio_flops=ratio_flops,
        griewank_bound=GRIEWANK_BOUND, jacobians_agree=bool(diff <= 1e-4 * scale), max_difference=diff,
        recommended=recommended, reason=reason, jacobian=jac_rev.reshape(out.shape + (n,)),
    )


def dense_test_function(n, m, width=32, seed=0):
    """A two-layer tanh network R^n -> R^m made of engine ops, for cost sweeps."""
    rng = np.random.default_rng(seed)
    w1 = Tensor(rng.standard_normal((width, n)) / np.sqrt(n))
    w2 = Tensor(rng.standard_normal((m, width)) / np.sqrt(width))

    def f(x):
        return (w2 @ (w1 @ x).tanh()).tanh()
    return f


def plot_cost(sizes=(1, 2, 4, 8, 16, 32), fixed=4, width=32, path=None):
    """Passes, ops, flops, time and tape bytes of both modes against n (m fixed) and m (n fixed); needs matplotlib."""
    from .sweep import dense_sweep, legend_below
    plt = pyplot("plot_cost")
    fig, axes = plt.subplots(2, 5, figsize=(18, 7))
    for row, vary in zip(axes, ("n", "m")):
        report = dense_sweep(sizes, fixed, vary, width)
        report.plot(axes=row, legend=False)
        row[0].set_ylabel(report.label, fontsize=7)
    legend_below(fig, axes[0][1])
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig
