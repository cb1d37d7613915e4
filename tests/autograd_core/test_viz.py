"""draw_graph: Value and Tensor graphs, module clusters, collapsing, gradient colours, big chains."""
import shutil

import numpy as np
import pytest

import autograd_core as ag
import nn

pytest.importorskip("graphviz")


def _value_example():
    a, b = ag.Value(2.0, "a"), ag.Value(1.0, "b")
    e = (a + b) * (b + 1)
    e.label = "e"
    e.backward()
    return e


def test_value_graph_is_micrograd_style():
    src = ag.draw_graph(_value_example()).source
    assert "a | data 2.0000 | grad 2.0000" in src and "b | data 1.0000 | grad 5.0000" in src
    assert src.count("shape=ellipse") == 3 and "label=\"*\"" in src


def test_tensor_graph_shows_names_shapes_and_module_clusters():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = model(ag.randn(5, 3, rng=0)).sum()
    src = ag.draw_graph(loss).source
    assert "subgraph cluster_0" in src and "subgraph cluster_2" in src
    assert "weight (4, 3) float32" in src and "Affine (5, 4) float32" in src


def test_nested_module_paths_become_nested_clusters():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(2, 3), nn.Tanh())

        def forward(self, x):
            return self.encoder(x).sum()
    src = ag.draw_graph(Net()(ag.randn(2, 2, rng=0))).source
    assert "cluster_encoder {" in src and 'subgraph "cluster_encoder.0"' in src and 'label="encoder.0"' in src


def test_max_nodes_collapses_clusters():
    model = nn.Sequential(*[nn.Sequential(nn.Linear(4, 4), nn.Tanh()) for _ in range(6)])
    loss = model(ag.randn(2, 4, rng=0)).sum()
    full = ag.draw_graph(loss).source
    small = ag.draw_graph(loss, max_nodes=20).source
    assert small.count("\n") < full.count("\n") and "box3d" in small


def test_colour_by_grad_marks_zero_and_nan():
    x = ag.tensor(np.array([-1.0, -2.0]), requires_grad=True)
    y = x.relu().sum()
    y.backward(retain_graph=True)
    src = ag.draw_graph(y, color_by="grad", show_order=True).source
    assert "#d9d9d9" in src and "backward #0" in src
    z = ag.tensor(np.array([0.0]), requires_grad=True)
    w = (z.sqrt() * 0.0).sum()
    with np.errstate(all="ignore"):
        w.backward(retain_graph=True)
    assert "#ff66ff" in ag.draw_graph(w, color_by="grad").source


def test_freed_graph_gives_a_clear_error():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        ag.draw_graph(y)


def test_100k_chain_renders_its_source_without_recursion():
    x = ag.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    assert ag.draw_graph(y, show_data=False).source.count("->") == 200_000


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' program not installed")
def test_renders_svg_with_dot(tmp_path):
    path = ag.draw_graph(_value_example()).render(tmp_path / "graph", format="svg")
    assert open(path).read().lstrip().startswith("<?xml")


def test_missing_dot_program_gives_a_clear_error(monkeypatch, tmp_path):
    import autograd_core.viz as viz
    monkeypatch.setattr(viz.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        ag.draw_graph(_value_example()).render(tmp_path / "g", format="svg")
