"""Cost ledger: path counts, pass counts, agreeing Jacobians, the recommendation."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core.cost import dense_test_function
from autograd_core.grad_mode import Observer, observe


def diamond_ladder(x, k):
    for _ in range(k):
        x = x * 2.0 + x * 3.0
    return x


@pytest.mark.parametrize("k", [1, 5, 20, 60])
def test_diamond_ladder_has_2_to_the_k_paths(k):
    x = ag.Value(0.5)
    assert ag.count_paths(diamond_ladder(x, k), x) == 2 ** k
    t = ag.tensor(0.5, requires_grad=True, dtype=np.float64)
    assert ag.count_paths(diamond_ladder(t, k), t) == 2 ** k


def test_reverse_sweep_visits_each_node_once_on_the_ladder():
    calls = []

    class Count(Observer):
        def on_backward(self, node, out, in_grads):
            calls.append(node)
    x = ag.tensor(0.5, requires_grad=True, dtype=np.float64)
    y = diamond_ladder(x, 30)
    with observe(Count()):
        y.backward()
    assert len(calls) == 3 * 30          # two muls and one add per rung, once each
    assert x.grad.item() == pytest.approx(5.0 ** 30)   # while there are 2**30 paths


def test_pass_counts_and_agreeing_jacobians():
    n, m = 3, 6
    report = ag.compare_modes(dense_test_function(n, m, width=8), np.random.default_rng(0).standard_normal(n))
    assert report.forward["passes"] == n and report.reverse["passes"] == m
    assert report.jacobians_agree
    x = np.random.default_rng(0).standard_normal(n)
    np.testing.assert_allclose(report.jacobian, ag.jacfwd(dense_test_function(n, m, width=8))(x), rtol=1e-6, atol=1e-6)
    assert report.recommended == "forward"
    d = report.as_dict()
    assert d["forward"]["ops"] > 0 and d["reverse"]["flops"] > 0 and d["tape_bytes"] > 0
    assert "forward mode (JVP)" in str(report)


def test_many_inputs_one_output_recommends_reverse():
    report = ag.compare_modes(lambda x: (x.tanh() * x).sum(), np.linspace(-1, 1, 50))
    assert report.recommended == "reverse" and report.reverse["passes"] == 1
    assert report.forward["ops"] > 10 * report.reverse["ops"]
    assert 0 < report.gradient_cost_ratio_flops <= report.griewank_bound


def test_plot_cost_writes_a_figure(tmp_path):
    pytest.importorskip("matplotlib")
    from autograd_core.cost import plot_cost
    plot_cost(sizes=(1, 2, 4), fixed=2, width=4, path=tmp_path / "cost.png")
    assert (tmp_path / "cost.png").stat().st_size > 1000


def test_compare_modes_reports_batched_cost_too():
    report = ag.compare_modes(dense_test_function(6, 2, width=8), np.random.default_rng(0).standard_normal(6))
    fb, rb = report.forward_batched, report.reverse_batched
    assert fb["passes"] == rb["passes"] == 1
    # one batched forward pass runs each primitive once, where the per-direction passes run it n times
    assert report.forward["ops"] == 6 * fb["ops"]
    assert 0 < fb["flops"] and 0 < rb["flops"]
    assert report.jacobians_agree
    assert "batched: primitive ops" in str(report) and "forward_batched" in report.as_dict()


def test_batched_reverse_is_one_sweep_when_f_closes_over_a_parameter_that_requires_grad():
    w = ag.tensor(np.random.default_rng(1).standard_normal((5, 20)), requires_grad=True)
    report = ag.compare_modes(lambda x: (x @ w).tanh(), np.random.default_rng(0).standard_normal(5))
    w_constant = w.detach()
    plain = ag.compare_modes(lambda x: (x @ w_constant).tanh(), np.random.default_rng(0).standard_normal(5))
    # one batched sweep (about the cost without the closed-over graph), not one recorded sweep per output
    assert report.reverse_batched["ops"] < report.reverse["ops"]
    assert report.reverse_batched["ops"] < 2 * plain.reverse_batched["ops"]
    assert report.jacobians_agree and w.grad is None


def test_a_closed_over_parameter_costs_reverse_mode_nothing_it_does_not_ask_for():
    w = ag.tensor(np.random.default_rng(1).standard_normal((5, 20)), requires_grad=True)
    x = np.random.default_rng(0).standard_normal(5)
    report = ag.compare_modes(lambda x: (x @ w).tanh(), x)
    w_constant = w.detach()
    plain = ag.compare_modes(lambda x: (x @ w_constant).tanh(), x)
    # grad_of runs only what leads to x: w's share of x @ w (2·5·20 flops per output, 4,000 in all) is not computed
    assert (report.reverse["flops"], report.reverse_batched["flops"]) == (4620, 6002)
    assert (plain.reverse["flops"], plain.reverse_batched["flops"]) == (4620, 6002)
    assert report.reverse["ops"] == plain.reverse["ops"] and report.reverse_batched["ops"] == plain.reverse_batched["ops"]


def test_sweep_modes_finds_the_crossover():
    def make_f(n):
        return dense_test_function(n, 4, width=8), np.random.default_rng(0).standard_normal(n)
    report = ag.sweep_modes(make_f, [1, 2, 4, 8, 16])
    assert [r["n"] for r in report.rows] == [1, 2, 4, 8, 16]
    assert [r["forward"]["passes"] for r in report.rows] == [1, 2, 4, 8, 16]
    assert all(r["reverse"]["passes"] == 4 for r in report.rows)
    assert report.crossover == 8
    assert "crossover at size 8" in str(report)
    tapes = [r["tape_bytes"] for r in report.rows]
    assert tapes == sorted(tapes) and tapes[0] < tapes[-1]


def test_a_tie_in_passes_counts_for_neither_mode():
    """n = 4 inputs and m outputs: at m = 4 both modes need 4 passes; forward needs strictly fewer only from m = 8."""
    def make_f(m):
        return dense_test_function(4, m, width=8), np.random.default_rng(0).standard_normal(4)
    report = ag.sweep_modes(make_f, [1, 2, 4, 8])
    assert report.crossover == 8
    assert "crossover at size 8: from there forward mode needs fewer passes" in str(report)
    assert ag.sweep_modes(make_f, [4, 8]).crossover is None  # a tie, then forward: no mode changed


def test_report_plots_draw_every_measure(tmp_path):
    pytest.importorskip("matplotlib")
    report = ag.sweep_modes(lambda n: (dense_test_function(n, 2, width=4), np.ones(n)), [1, 2, 4])
    fig = report.plot(path=tmp_path / "sweep.png")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["passes", "primitive ops", "floating-point ops", "wall time (s)", "tape bytes"]
    assert all(ax.lines for ax in fig.axes) and (tmp_path / "sweep.png").stat().st_size > 0
    fig = ag.compare_modes(dense_test_function(3, 2, width=4), np.ones(3)).plot()
    assert [len(ax.patches) for ax in fig.axes] == [4, 4, 4]


def test_sweep_legend_in_given_axes_lists_only_lines_its_panel_draws():
    plt = pytest.importorskip("matplotlib.pyplot")
    report = ag.sweep_modes(lambda n: (dense_test_function(n, 2, width=4), np.ones(n)), [1, 2, 4])
    fig, axes = plt.subplots(1, 5)
    report.plot(axes=axes)
    legends = [ax.get_legend() for ax in axes]
    drawn = {line.get_label() for line in axes[1].lines}
    assert [legend is not None for legend in legends] == [False, True, False, False, False]
    assert {text.get_text() for text in legends[1].get_texts()} == drawn
    assert any("batched" in label for label in drawn)
    plt.close(fig)


def test_sweep_figure_for_the_cli_and_no_backend_switch(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    from autograd_core.sweep import write_sweep_figure
    before = matplotlib.get_backend()
    write_sweep_figure(tmp_path / "sweep.png", sizes=(1, 2), fixed=2, width=4)
    assert (tmp_path / "sweep.png").stat().st_size > 0
    assert matplotlib.get_backend() == before
