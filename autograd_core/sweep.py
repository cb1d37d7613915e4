"""Forward against reverse mode over a range of sizes: where does each win, and by what measure?

`sweep_modes(make_f, sizes)` runs `compare_modes` at each size and returns a table of
passes, primitive ops, floating-point ops, wall time and tape bytes for both modes
(one direction per pass and batched), with the size where the mode that needs fewer
passes changes (the crossover) marked; `.plot()` draws it.
"""
import numpy as np

from .cost import compare_modes, dense_test_function, plot_cost, pyplot

_MEASURES = (("passes", "passes"), ("ops", "primitive ops"), ("flops", "floating-point ops"),
             ("seconds", "wall time (s)"))


class SweepReport:
    """The table of a sweep: `.rows` (one dict per size), `.crossover`, `str()` and `.plot()`."""

    def __init__(self, rows, label):
        self.rows, self.label = rows, label
        # a tie counts for neither mode: the crossover is the first size where the other mode needs strictly fewer
        winners = [_fewer_passes(r) for r in rows]
        first = next((w for w in winners if w is not None), None)
        self.crossover = next((r["size"] for r, w in zip(rows, winners) if w not in (None, first)), None)

    def as_dict(self):
        return {"label": self.label, "crossover": self.crossover, "rows": self.rows}

    def __str__(self):
        lines = [f"{self.label}: forward / reverse mode, full Jacobian (batched in brackets)",
                 f"  {'size':>6} {'n':>5} {'m':>5} {'passes':>13} {'flops':>25} {'time (ms)':>29} {'tape bytes':>11}"]
        for r in self.rows:
            f, b = r["forward"], r["reverse"]
            fb, bb = r["forward_batched"], r["reverse_batched"]
            lines.append(f"  {r['size']:>6} {r['n']:>5} {r['m']:>5} {f['passes']:>6}/{b['passes']:<6} "
                         f"{f['flops']:>12,}/{b['flops']:<12,} "
                         f"{f['seconds'] * 1e3:>6.2f} [{fb['seconds'] * 1e3:.2f}]/{b['seconds'] * 1e3:.2f} "
                         f"[{bb['seconds'] * 1e3:.2f}] {r['tape_bytes']:>11,}")
        winners = [w for w in map(_fewer_passes, self.rows) if w is not None]
        if self.crossover is None:
            lines.append(f"  no crossover: {winners[0] if winners else 'neither'} mode needs no more passes at "
                         "every size")
        else:
            lines.append(f"  crossover at size {self.crossover}: from there {winners[-1]} mode needs fewer passes")
        return "\n".join(lines)

    __repr__ = __str__

    def plot(self, path=None, axes=None, legend=True):
        """Passes, ops, flops, time and tape bytes against size, both modes, crossover marked; needs matplotlib.

        Draws into `axes` (five matplotlib Axes) when given, else a new figure, which is
        returned (and saved to `path` if given). Solid lines with circles are one direction
        per pass, dashed lines with squares all directions batched in one pass; the legend
        says so (below a new figure, in the ops panel of `axes` when given, the panel that draws
        every line; none with legend=False).
        """
        plt = pyplot("SweepReport.plot")
        fig = None
        if axes is None:
            fig, axes = plt.subplots(1, 5, figsize=(18, 3.6))
            fig.suptitle(self.label)
        sizes = [r["size"] for r in self.rows]
        for ax, (key, title) in zip(axes, _MEASURES):
            for mode, color in (("forward", "tab:blue"), ("reverse", "tab:orange")):
                ax.plot(sizes, [r[mode][key] for r in self.rows], "o-", color=color,
                        label=f"{mode} mode, one direction per pass")
                if key != "passes":  # batched, all directions go in one pass
                    ax.plot(sizes, [r[f"{mode}_batched"][key] for r in self.rows], "s--", color=color,
                            label=f"{mode} mode, all directions batched in one pass")
            self._finish(ax, title)
        axes[4].plot(sizes, [r["tape_bytes"] for r in self.rows], "o-", color="tab:orange", label="reverse tape")
        self._finish(axes[4], "tape bytes")
        if fig is not None:
            legend_below(fig, axes[1])
            if path is not None:
                fig.savefig(path, dpi=100)
        if fig is None and legend:
            axes[1].legend(fontsize=7)
        return fig if fig is not None else axes[0].figure

    def _finish(self, ax, title):
        ax.set(xlabel="size", title=title, xscale="log", yscale="log")
        if self.crossover is not None:
            ax.axvline(self.crossover, color="gray", linestyle=":", label="crossover")


def legend_below(fig, ax):
    """One legend under the whole figure, from `ax` (an ops panel: it has every line), then the layout."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.4 / fig.get_figheight(), 1, 1))  # 0.4 inch for the legend


def _fewer_passes(row):
    """The mode that needs strictly fewer passes at this size, or None for a tie."""
    forward, reverse = row["forward"]["passes"], row["reverse"]["passes"]
    return None if forward == reverse else "reverse" if reverse < forward else "forward"


def sweep_modes(make_f, sizes, label="sweep"):
    """`compare_modes` at every size; returns a `SweepReport`.

    Args:
        make_f: size -> (f, inputs), inputs an array or a tuple of arrays.
        sizes: the sizes to run, increasing.
    """
    rows = []
    for size in sizes:
        f, inputs = make_f(size)
        inputs = inputs if isinstance(inputs, tuple) else (inputs,)
        report = compare_modes(f, *inputs)
        rows.append({"size": size, "n": report.n_inputs, "m": report.n_outputs, "tape_bytes": report.tape_bytes,
                     **{mode: dict(getattr(report, mode))
                        for mode in ("forward", "reverse", "forward_batched", "reverse_batched")}})
    return SweepReport(rows, label)


def dense_sweep(sizes=(1, 2, 4, 8, 16, 32, 64), fixed=8, vary="n", width=32):
    """The dense two-layer tanh network R^n -> R^m, n (or m) varying and the other fixed."""
    def make_f(size):
        n, m = (size, fixed) if vary == "n" else (fixed, size)
        return dense_test_function(n, m, width), np.random.default_rng(1).standard_normal(n)
    other = "m" if vary == "n" else "n"
    return sweep_modes(make_f, sizes, label=f"f: R^n -> R^m, {vary} varying, {other} = {fixed}, width {width}")


def write_sweep_figure(path, sizes=(1, 2, 4, 8, 16, 32, 64), fixed=8, width=32):
    """The figure of `autograd-core cost --sweep`: both sweeps (n varying, then m varying) saved to `path`."""
    plot_cost(sizes, fixed, width, path)
    return path
