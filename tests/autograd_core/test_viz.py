"""draw_graph: Value and Tensor graphs, readable labels, clusters, folding, collapsing, colours, after backward."""
import gc
import re
import shutil
import tracemalloc
import weakref

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


def _drawn_nodes(src):
    """Names of the node statements in DOT text (not edges, not graph/node/edge defaults)."""
    return [m for m in re.findall(r"^\s*(\w+) \[", src, re.M) if m not in ("graph", "node", "edge")]


def _mlp_loss(batch=8):
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = ag.Tensor(np.random.default_rng(0).standard_normal((batch, 4)).astype(np.float32), name="x")
    return model, nn.functional.cross_entropy(model(x), np.arange(batch) % 2)


def test_value_graph_is_micrograd_style():
    src = ag.draw_graph(_value_example()).source
    assert "a | data 2.0000 | grad 2.0000" in src and "b | data 1.0000 | grad 5.0000" in src
    assert src.count("shape=ellipse") == 3 and "label=\"*\"" in src


def test_clusters_say_module_name_and_type_and_the_batch_is_said_once():
    _, loss = _mlp_loss()
    src = ag.draw_graph(loss).source
    assert 'label="0: Linear(4→3)"' in src and 'label="1: Tanh"' in src and 'label="2: Linear(3→2)"' in src
    assert '"x (8, 4) | data mean' in src  # the named input, dtype not repeated per node
    assert src.count("float32") == 1 and "values for a batch of 8, dtype float32" in src


def test_labels_are_escaped_for_graphviz_records():
    x = ag.Tensor(np.array([1.0, -3.0]), requires_grad=True, name="a|b{c}<d>")
    src = ag.draw_graph((x * x).sum()).source
    assert r"a\|b\{c\}\<d\> (2,)" in src
    assert r"data mean -1, \|max\| 3" in src  # the separator inside a field is escaped too


def test_layout_plumbing_is_folded_unless_show_all():
    w = ag.Tensor(np.ones((3, 2)), requires_grad=True, name="w")
    y = (ag.Tensor(np.ones((4, 2)), name="x") @ w.T).reshape(12).sum()
    folded, full = ag.draw_graph(y).source, ag.draw_graph(y, show_all=True).source
    assert "Transpose" not in folded and "Reshape" not in folded
    assert 'label=transpose' in folded and 'label=reshape' in folded
    assert "label=Transpose" in full and "label=Reshape" in full
    assert len(_drawn_nodes(full)) == len(_drawn_nodes(folded)) + 4


def test_nested_module_paths_become_nested_clusters():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(2, 3), nn.Tanh())

        def forward(self, x):
            return self.encoder(x).sum()
    src = ag.draw_graph(Net()(ag.randn(2, 2, rng=0))).source
    assert "cluster_encoder {" in src and 'subgraph "cluster_encoder.0"' in src
    assert 'label="encoder: Sequential"' in src and 'label="encoder.0: Linear(2→3)"' in src


def _cluster_of(src, label):
    """The innermost cluster (module path, "" for none) holding the node whose label starts with `label`."""
    stack, found = [], []
    for line in src.splitlines():
        line = line.strip()
        if line.startswith("subgraph "):
            stack.append(line[len("subgraph "):-1].strip().strip('"')[len("cluster_"):])
        elif line == "}" and stack:  # the last one closes the digraph
            stack.pop()
        elif f'[label="{label}' in line:
            found.append(stack[-1] if stack else "")
    assert len(found) == 1, f"{len(found)} nodes labelled {label!r}"
    return found[0]


@pytest.mark.parametrize("swept", [False, True], ids=["before_backward", "after_backward"])
def test_an_input_that_requires_grad_is_drawn_outside_the_module_clusters(swept):
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = ag.Tensor(np.ones((8, 4), np.float32), requires_grad=True, name="x")
    loss = nn.functional.cross_entropy(model(x), np.arange(8) % 2)
    if swept:
        loss.backward()
    src = ag.draw_graph(loss).source
    assert _cluster_of(src, "x (8, 4)") == ""  # not created by 0: Linear, which uses it first
    assert _cluster_of(src, "weight (3, 4)") == _cluster_of(src, "bias (3,)") == "0"
    assert _cluster_of(src, "weight (2, 3)") == _cluster_of(src, "bias (2,)") == "2"


def test_a_gpt_block_keeps_its_input_outside_and_each_parameter_in_its_innermost_module():
    from autograd_cli.gpt import GPT, GPTConfig
    ag.manual_seed(0)
    block = GPT(GPTConfig(vocab_size=5, block_size=4, n_layer=1, n_head=2, n_embd=4)).transformer.h[0]
    e = ag.Tensor(np.ones((1, 3, 4), np.float32), requires_grad=True, name="e")
    src = ag.draw_graph(block(e).sum()).source
    assert _cluster_of(src, "e (1, 3, 4)") == ""
    assert _cluster_of(src, "weight (12, 4)") == "attn.c_attn" and _cluster_of(src, "weight (16, 4)") == "mlp.c_fc"


@pytest.mark.parametrize("max_nodes", [1, 2, 5, 9, 20, 38])
def test_max_nodes_collapses_clusters(max_nodes):
    model = nn.Sequential(*[nn.Sequential(nn.Linear(4, 4), nn.Tanh()) for _ in range(6)])
    loss = model(ag.randn(2, 4, rng=0)).sum()
    full = len(_drawn_nodes(ag.draw_graph(loss).source))
    src = ag.draw_graph(loss, max_nodes=max_nodes).source
    assert full == 6 * 6 + 1 + 2  # per block: weight, bias, Affine value + op, Tanh value + op; input; Sum
    assert max_nodes - 5 <= len(_drawn_nodes(src)) <= max_nodes and "box3d" in src
    assert ('label="Sum () | data' in src) == (max_nodes >= 3)  # the root's end stays readable


def test_max_nodes_collapses_outermost_clusters_first():
    model = nn.Sequential(*[nn.Sequential(nn.Linear(4, 4), nn.Tanh()) for _ in range(6)])
    src = ag.draw_graph(model(ag.randn(2, 4, rng=0)).sum(), max_nodes=30).source
    assert len(_drawn_nodes(src)) == 29  # two blocks of 6 become two boxes: 39 - 2 * 5
    assert len(re.findall(r'label="\d: Sequential \(4 values\)"', src)) == 2  # whole blocks, not inner Linears


def test_max_nodes_keeps_the_newest_part_of_a_long_chain():
    y = ag.tensor(1.0, requires_grad=True)
    for _ in range(50):
        y = y * 1.5
    src = ag.draw_graph(y, max_nodes=7).source
    assert len(_drawn_nodes(src)) == 7 and "earlier (48 values)" in src


def test_graph_outlives_a_plain_backward():
    model, loss = _mlp_loss()
    x = ag.Tensor(np.ones((8, 4), np.float32), name="x")
    h = model[0](x)
    loss = nn.functional.cross_entropy(model[2](model[1](h)), np.arange(8) % 2)
    paths_before = ag.count_paths(loss, model[0].weight)
    loss.backward()
    src = ag.draw_graph(loss, color_by="grad", show_order=True).source
    assert ag.count_paths(loss, model[0].weight) == paths_before == 1
    assert "Affine (8, 3) | grad rms" in src and "backward #0" in src and "Tanh (8, 3)" in src
    assert 'label="x (8, 4)"' in src and "weight (3, 4) | data mean" in src  # inputs kept without their data
    assert "stale" not in src


def test_the_record_keeps_no_intermediate_array_alive():
    w = ag.Tensor(np.ones((50, 50)), requires_grad=True)
    h = (w * 2.0).tanh()
    watched = weakref.ref(h.data)
    loss = (h * h).sum()
    del h
    loss.backward()
    gc.collect()
    assert watched() is None and ag.count_paths(loss, w) == 2  # h * h: two edges from h


def test_second_backward_through_the_record_raises_the_clear_error():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time.*'Sum'"):
        y.backward()
    assert x.grad.data.tolist() == [2.0, 4.0]


def _bytes_kept_per_step(model, steps=200):
    """Bytes that each training step adds when every loss is kept in a list (the beginner's `losses.append(loss)`)."""
    x, y = ag.Tensor(np.ones((64, 32), np.float32), name="x"), np.arange(64) % 2  # any kept array: >= 512 bytes

    def step(losses):
        loss = nn.functional.cross_entropy(model(x), y)
        model.zero_grad()
        loss.backward()
        losses.append(loss)
    losses = []
    for _ in range(5):
        step(losses)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(steps):
        step(losses)
    gc.collect()
    per_step = (tracemalloc.get_traced_memory()[0] - before) / steps
    tracemalloc.stop()
    return per_step


@pytest.mark.parametrize("model", [
    lambda: nn.Sequential(nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2)),  # 4 nodes: Linear, Relu, Linear, loss
    lambda: nn.Linear(32, 2),  # softmax regression: 2 nodes
], ids=["two_layer_mlp", "softmax_regression"])
def test_keeping_every_loss_costs_under_a_kilobyte_per_step(model):
    per_step = _bytes_kept_per_step(model())
    assert per_step <= 1024, f"{per_step:.0f} bytes kept per step"


def test_colour_by_grad_marks_zero_and_nan_after_a_plain_backward():
    x = ag.tensor(np.array([-1.0, -2.0]), requires_grad=True)
    y = x.relu().sum()
    y.backward()
    src = ag.draw_graph(y, color_by="grad", show_order=True).source
    assert 'leaf (2,) | data mean -1.5, \\|max\\| 2 | grad rms 0, \\|max\\| 0" fillcolor="#d9d9d9"' in src
    assert "backward #0" in src and "<td>grad RMS</td>" in src
    z = ag.tensor(np.array([0.0]), requires_grad=True)
    w = ((z * 1.0).sqrt() * 0.0).sum()
    with np.errstate(all="ignore"):
        w.backward()
    src = ag.draw_graph(w, color_by="grad").source
    assert 'Mul (1,) | grad contains NaN" fillcolor="#ff66ff"' in src  # an intermediate, from its summary
    assert 'leaf (1,) | data 0 | grad nan" fillcolor="#ff66ff"' in src


def test_stale_gradients_are_marked():
    model, loss = _mlp_loss()
    loss.backward()
    _, fresh = _mlp_loss()
    loss2 = nn.functional.cross_entropy(model(ag.randn(8, 4, rng=1)), np.arange(8) % 2)
    src = ag.draw_graph(loss2, color_by="grad").source
    assert src.count("stale grad ") == 4 and "style=dashed" in src
    assert "dashed: a gradient left by an earlier backward()" in src
    assert "stale" not in ag.draw_graph(loss, color_by="grad").source
    hidden = ag.draw_graph(loss2, show_grad=False).source  # no gradients drawn: nothing to mark as stale
    assert "dashed" not in hidden and "stale" not in hidden


def test_draw_graph_names_what_it_expected():
    with pytest.raises(TypeError, match="draw_graph: expected a Value or Tensor .* got float"):
        ag.draw_graph(3.0)


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


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' program not installed")
def test_the_whole_graph_of_a_small_gpt_renders_with_dot():
    """Module clusters with records once made dot fail ("flat edge between adjacent nodes ... lost edge")."""
    from autograd_cli.gpt import GPT, GPTConfig
    ag.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=5, block_size=4, n_layer=1, n_head=2, n_embd=4))
    _, loss = model(ag.tensor(np.array([[1, 2]])), ag.tensor(np.array([[2, 3]])))
    svg = ag.draw_graph(loss).pipe(format="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "transformer.h.0: Block" in svg


def test_missing_dot_program_gives_a_clear_error(monkeypatch, tmp_path):
    import autograd_core.viz as viz
    monkeypatch.setattr(viz.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        ag.draw_graph(_value_example()).render(tmp_path / "g", format="svg")


def test_stale_value_gradients_are_marked_until_the_new_graph_is_swept():
    w, x = ag.Value(2.0, label="w"), ag.Value(3.0, label="x")
    (w * x).backward()  # last step's gradients: w.grad 3, x.grad 2
    w.data -= 0.1
    loss = w * x  # a new forward, drawn before its backward
    src = ag.draw_graph(loss, color_by="grad").source
    assert src.count("stale grad ") == 2 and "style=dashed" in src
    assert "an earlier backward()" in src
    loss.backward()
    src = ag.draw_graph(loss, color_by="grad").source
    assert "stale" not in src and "grad 6.0000" in src  # 3 + 3 accumulated, from this graph now


def test_legend_shows_only_the_marks_the_drawing_uses():
    x = ag.tensor(np.array([-1.0, -2.0]), requires_grad=True)  # relu cuts both: the leaf's gradient is zero
    y = x.relu().sum()
    y.backward()
    src = ag.draw_graph(y, color_by="grad").source
    assert ">zero</td>" in src and ">NaN</td>" not in src and ">Inf</td>" not in src


def test_data_summary_of_complex_values_keeps_the_imaginary_part():
    from autograd_core.viz import data_summary
    assert data_summary(np.array(2 + 1j)) == "2+1j"
    assert data_summary(np.array([1 + 2j, 3j, 1])) == "mean 0.6667+1.667j, |max| 3"


def test_a_gpt_step_collapses_into_one_box_per_block():
    """Blocks sit in a ModuleList inside a ModuleDict, which are never called: each block is still its own box,
    named by its path, and the two embeddings stay two clusters."""
    from autograd_cli.gpt import GPT, GPTConfig
    ag.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=20, block_size=8, n_layer=2, n_head=2, n_embd=16))
    rng = np.random.default_rng(0)
    _, loss = model(ag.tensor(rng.integers(0, 20, (2, 8))), ag.tensor(rng.integers(0, 20, (2, 8))))
    loss.backward()
    src = ag.draw_graph(loss, max_nodes=40).source
    assert "transformer.h.0: Block" in src and "transformer.h.1: Block" in src
    assert "transformer.wte: Embedding" in src and "transformer.wpe: Embedding" in src
    assert len(_drawn_nodes(src)) <= 40
