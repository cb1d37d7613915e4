"""explore: the replayed sweep matches the engine's order and values (the page itself: test_explore_browser.py)."""
import json
import re
from xml.etree import ElementTree

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.explore import brief, summary, values
from autograd_core.graph import parents, topological_order, trace_of

SVG_NS = "{http://www.w3.org/2000/svg}"


def page_data(exploration):
    """The graph and steps the page replays, as the page's script receives them."""
    return json.loads(re.search(r"const D = (.*);\n", exploration.html).group(1))


def position(vertices, v):
    """Index of `v` by identity (a Tensor's == is elementwise)."""
    return next(i for i, u in enumerate(vertices) if u is v)


def value_graph():
    a, b = ag.Value(2.0, "a"), ag.Value(-1.5, "b")
    c = a * b
    c.label = "c"
    d = (c + b).tanh() * c  # b and c each feed two ops: their shares add up
    d.label = "d"
    return a, b, c, d


def tensor_graph():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = ag.Tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), name="x")
    hidden = model[1](model[0](x))
    out = model[2](hidden)
    loss = (out ** 2).mean() + (hidden * hidden).sum()  # hidden has two consumers
    return model, hidden, loss


def test_value_sweep_runs_each_node_after_all_its_consumers_with_the_engines_gradients():
    *_, d = value_graph()
    data = page_data(ag.explore(d))
    vertices = topological_order(d, parents)
    d.backward()
    ran = [s["node"] for s in data["steps"]]
    assert len(ran) == sum(1 for v in vertices if v._prev) and ran[0] == vertices.index(d)
    for k, i in enumerate(ran):
        consumers = {e["to"] for e in data["edges"] if e["from"] == i}
        assert consumers <= set(ran[:k])
        assert data["steps"][k]["value"] == summary(vertices[i].grad)


def test_value_sweep_shows_shares_adding_up_at_a_node_with_two_consumers():
    a, b, c, d = value_graph()
    data = page_data(ag.explore(d))
    vertices = topological_order(d, parents)
    d.backward()
    b_index = vertices.index(b)
    sums = [s["status"][str(b_index)] for s in data["steps"] if str(b_index) in s["status"]]
    assert [s["received"] for s in sums] == [1, 2] and sums[-1]["sum"] == summary(b.grad)
    shares = [float(sh["text"]) for s in data["steps"] for sh in s["shares"] if sh["to"] == b_index]
    assert sum(shares) == pytest.approx(b.grad, rel=1e-5)


def test_tensor_sweep_is_the_engines_order_with_its_cotangents_and_leaves_untouched():
    model, hidden, loss = tensor_graph()
    data = page_data(ag.explore(loss))
    assert all(p.grad is None for p in model.parameters())
    vertices = topological_order(loss, parents)
    hidden.retain_grad()
    loss.backward(retain_graph=True)
    engine_order = sorted((trace_of(v).position, i) for i, v in enumerate(vertices) if v._node is not None)
    assert [s["node"] for s in data["steps"]] == [i for _, i in engine_order]
    step = next(s for s in data["steps"] if s["node"] == position(vertices, hidden))
    assert step["value"] == summary(hidden.grad.data)
    weight = position(vertices, model[0].weight)
    status = [s["status"][str(weight)] for s in data["steps"] if str(weight) in s["status"]]
    assert status[-1]["sum"] == brief(model[0].weight.grad.data)


def test_tensor_shares_are_each_inputs_vjp():
    w = ag.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True, name="w")
    y = (w * w).sum()  # two edges from w, each carrying g * w
    data = page_data(ag.explore(y))
    mul = data["steps"][1]
    assert [sh["text"] for sh in mul["shares"]] == [summary(np.array([1.0, 2.0, 3.0]))] * 2
    assert len({sh["edge"] for sh in mul["shares"]}) == 2
    assert mul["status"][str(0)] == {"received": 2, "sum": brief(np.array([2.0, 4.0, 6.0]))}


def test_after_a_plain_backward_the_recorded_order_and_norms_are_replayed():
    _, hidden, loss = tensor_graph()
    hidden.retain_grad()
    loss.backward()
    data = page_data(ag.explore(loss))
    assert "Run explore(loss) before loss.backward() to see every share." in data["note"] and data["steps"]
    vertices = topological_order(loss, parents)
    step = next(s for s in data["steps"] if s["node"] == position(vertices, hidden._node))
    assert step["value"].endswith(f"norm {np.linalg.norm(hidden.grad.data):.4g}")
    assert all(sh["text"] == "freed by backward()" for s in data["steps"] for sh in s["shares"])


def test_forward_mode_replays_tangents_in_creation_order():
    x = ag.Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True, name="x")
    h = x.tanh()
    y = (h * x).sum()
    data = page_data(ag.explore(y, mode="forward", wrt=x))
    _, expected = ag.jvp(lambda t: (t.tanh() * t).sum(), (x.data,), (np.ones(3),))
    assert [data["nodes"][s["node"]]["lines"][0] for s in data["steps"]] == ["Tanh", "Mul", "Sum"]
    assert data["steps"][-1]["value"] == summary(np.asarray(expected))
    assert x._tangent is None and h._tangent is None


def test_forward_mode_speaks_of_tangents_and_jvps():
    x = ag.Tensor(np.array([0.5, -1.0]), requires_grad=True, name="x")
    note = page_data(ag.explore((x.sigmoid() * 3.0).sum(), mode="forward", wrt=x))["note"]
    assert "tangent" in note and "JVP" in note and "at x" in note
    assert not {"cotangent", "share", "vjp", "backward"} & set(re.findall(r"[a-z]+", note.lower()))


def test_forward_mode_on_values():
    a, b, c, d = value_graph()
    data = page_data(ag.explore(d, mode="forward", wrt=b))
    eps = 1e-6
    a2, b2 = ag.Value(2.0), ag.Value(-1.5 + eps)
    c2 = a2 * b2
    slope = ((((c2 + b2).tanh() * c2).data) - d.data) / eps
    assert float(data["steps"][-1]["value"]) == pytest.approx(slope, rel=1e-4)


def test_page_is_self_contained_and_saves(tmp_path):
    page = ag.explore(value_graph()[-1])
    assert "default-src 'none'" in page.html and "<script src" not in page.html and "http://" not in page.html.replace(
        "http://www.w3.org/2000/svg", "")
    path = page.save(tmp_path / "sweep.html")
    assert open(path, encoding="utf-8").read() == page.html
    assert (tmp_path / "sweep.svg").read_text(encoding="utf-8") == page.svg  # the static picture, beside it
    assert page._repr_html_().startswith("<iframe srcdoc=") and "&lt;script&gt;" in page._repr_html_()
    with pytest.raises(ValueError, match="names the HTML page"):
        page.save(tmp_path / "sweep.svg")


def test_a_label_cannot_end_the_script():
    v = ag.Value(1.0, "</script><b>")
    assert "</script><b>" not in ag.explore(v * 2.0).html


def test_clear_errors():
    with pytest.raises(TypeError, match="explore: expected a Value or Tensor .* got float"):
        ag.explore(3.0)
    y = ag.Tensor(np.ones(2), requires_grad=True).sum()
    with pytest.raises(ValueError, match="mode must be 'reverse' or 'forward'"):
        ag.explore(y, mode="sideways")
    with pytest.raises(ValueError, match="needs wrt="):
        ag.explore(y, mode="forward")
    with pytest.raises(ValueError, match="not made by a recorded op"):
        ag.explore(ag.Tensor(np.ones(1), requires_grad=True))
    x = ag.Tensor(np.ones(2), requires_grad=True)
    z = (x * 2.0).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="freed the values forward mode needs"):
        ag.explore(z, mode="forward", wrt=x)


def test_values_line_shows_numbers_for_small_tensors_and_a_summary_for_big_ones():
    assert values(np.array(0.5, dtype=np.float32)) == "= 0.5"
    assert values(np.array([[2.0]])) == "= 2"
    assert values(np.array([0.5, -1.0, 2.0])) == "[0.5, -1, 2]"
    assert values(np.array([[1, 2, 3], [4, 5, 6]])) == "[1, 2, 3; 4, 5, 6]"
    assert values(np.arange(7.0)) == "min 0, max 6, mean 3"
    assert values(np.zeros((0, 3))) == "no values (empty)"


def test_boxes_show_each_tensors_values_and_after_backward_only_what_is_still_alive():
    model, _, loss = tensor_graph()
    vertices = topological_order(loss, parents)
    lines = [n["lines"] for n in page_data(ag.explore(loss))["nodes"]]
    assert [line[2] for line in lines] == [values(v.data) for v in vertices]
    assert lines[position(vertices, model[0].bias)][2] == values(model[0].bias.data)
    loss.backward()
    freed = topological_order(loss, parents)
    lines = [n["lines"] for n in page_data(ag.explore(loss))["nodes"]]
    alive = {i for i, v in enumerate(freed) if isinstance(v, ag.Tensor)}
    assert {position(freed, loss), position(freed, model[0].weight)} <= alive and len(alive) == 1 + 4
    assert [line[2] for i, line in enumerate(lines) if i in alive] == [values(freed[i].data) for i in sorted(alive)]
    assert {line[2] for i, line in enumerate(lines) if i not in alive} == {"values freed by backward()"}
    assert lines[position(freed, loss)][1] == "()" and lines[position(freed, loss)][2] == values(loss.data)


@pytest.mark.parametrize("graph", ["values", "tensors"])
def test_layout_gives_every_box_and_each_inputs_trunk_its_own_place_and_edges_run_downwards(graph):
    root = value_graph()[-1] if graph == "values" else tensor_graph()[-1]
    data = page_data(ag.explore(root))
    boxes = [(n["layer"], n["slot"]) for n in data["nodes"]]
    trunks = {tuple(w): e["from"] for e in data["edges"] for w in e["via"]}
    assert len(set(boxes)) == len(boxes) and not set(boxes) & set(trunks)
    assert all(trunks[tuple(w)] == e["from"] for e in data["edges"] for w in e["via"])  # a waypoint is one input's
    for e in data["edges"]:
        top, bottom = data["nodes"][e["from"]]["layer"], data["nodes"][e["to"]]["layer"]
        assert top < bottom and [w[0] for w in e["via"]] == list(range(top + 1, bottom))
    output = data["nodes"][-1]  # at the left, below the rest
    assert output["slot"] == 0 and output["layer"] == max(n["layer"] for n in data["nodes"])


def test_a_weight_used_at_every_step_hangs_from_one_trunk():
    w = ag.Tensor(np.eye(2) * 0.5, requires_grad=True, name="W")
    h = ag.Tensor(np.ones((1, 2)), name="h0")
    for _ in range(5):
        h = (h @ w).tanh()
    data = page_data(ag.explore(h.sum()))
    vertices = topological_order(h, parents)
    from_w = [e for e in data["edges"] if e["from"] == position(vertices, w)]
    waypoints = {tuple(p) for e in from_w for p in e["via"]}
    assert len(from_w) == 5 and len(waypoints) == max(len(e["via"]) for e in from_w) == 8  # layers 1..8
    assert {slot for _, slot in waypoints} == {1}  # beside the chain, which runs down slot 0


def test_complex_values_keep_their_imaginary_parts():
    assert values(np.array([1 + 2j])) == "= 1+2j"
    assert values(np.array([1 + 2j, 3j, 1])) == "complex, mean 0.667+1.67j, |max| 3"


def test_a_checkpoint_in_the_graph_is_one_step_whose_shares_are_its_vjp():
    lin = nn.Linear(3, 2).to(np.float64)
    x = ag.Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True, name="x")
    loss = (ag.checkpoint(lambda h: lin(h).tanh(), x) ** 2).sum()
    data = page_data(ag.explore(loss))
    vertices = topological_order(loss, parents)
    assert all(vertices[s["node"]]._node is not None for s in data["steps"])
    loss.backward()
    for t in (x, lin.weight, lin.bias):
        status = [s["status"][str(position(vertices, t))] for s in data["steps"]
                  if str(position(vertices, t)) in s["status"]]
        assert status[-1]["sum"] == brief(t.grad.data)


def svg_texts(exploration):
    """The static picture parsed as XML: (root element, every <text>'s string but the halos drawn behind labels)."""
    root = ElementTree.fromstring(exploration.svg)
    return root, [t.text for t in root.iter(SVG_NS + "text") if t.get("aria-hidden") != "true"]


def test_static_picture_is_the_pages_last_step_with_the_engines_gradients():
    a, b, c, d = value_graph()
    page = ag.explore(d)
    data = page_data(page)
    root, texts = svg_texts(page)
    vertices = topological_order(d, parents)
    d.backward()
    boxes = [r for r in root.iter(SVG_NS + "rect") if r.get("rx")]
    assert len(boxes) == len(vertices)
    for v in vertices:
        if v._prev:  # each op's box ends with the gradient the engine gives it
            assert "g: " + brief(v.grad) in texts
    leaf_sums = [t for t in texts if t.endswith(f"sum {brief(b.grad)}")]
    assert leaf_sums == ["2 of 2 shares: sum " + brief(b.grad)]  # b's two shares, added up
    shares = [sh["brief"] for step in data["steps"] for sh in step["shares"]]
    assert sorted(t for t in texts if t in shares) == sorted(shares)  # every edge carries its share
    arrowheads = [p for p in root.iter(SVG_NS + "path") if p.get("d").endswith("z")]
    assert len(arrowheads) == len(data["edges"])


def test_static_picture_needs_no_script_style_or_network_and_escapes_labels():
    v = ag.Value(1.0, "<b>&</b>")
    page = ag.explore(v * 2.0)
    root, texts = svg_texts(page)  # parses: the label was escaped
    assert "<b>&</b> = 1" in texts
    tags = {element.tag for element in root.iter()}
    assert tags <= {SVG_NS + t for t in ("svg", "rect", "path", "text")}  # no script, style, marker or image
    assert "http" not in page.svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_static_picture_draws_each_halo_as_a_white_copy_behind_its_label_without_paint_order():
    """paint-order is ignored by cairosvg and some viewers, which then paint the white stroke over the letters."""
    page = ag.explore(value_graph()[-1])
    assert "paint-order" not in page.svg
    root, _ = svg_texts(page)
    texts = list(root.iter(SVG_NS + "text"))
    halos = [k for k, t in enumerate(texts) if t.get("stroke")]
    shares = [sh["brief"] for step in page_data(page)["steps"] for sh in step["shares"]]
    assert sorted(texts[k].text for k in halos if texts[k].text in shares) == sorted(shares)  # every edge label
    assert any(texts[k].text.startswith("g: ") for k in halos)  # and the lines under the boxes
    for k in halos:
        halo, label = texts[k], texts[k + 1]
        assert (halo.get("fill"), halo.get("stroke"), halo.get("stroke-width"), halo.get("aria-hidden")) == \
            ("#ffffff", "#ffffff", "3", "true")
        assert label.get("stroke") is None and label.get("fill") == "#1a56b0" and label.text == halo.text
        assert [label.get(at) for at in ("x", "y", "font-size")] == [halo.get(at) for at in ("x", "y", "font-size")]


def test_static_picture_of_forward_mode_and_of_a_freed_graph_say_what_they_show():
    _, hidden, loss = tensor_graph()
    x = next(v for v in topological_order(loss, parents) if getattr(v, "name", None) == "x")
    _, texts = svg_texts(ag.explore(loss, mode="forward", wrt=x))
    assert texts[0] == "Forward mode after all 9 steps" and any(t.startswith("t: ") for t in texts)
    loss.backward()
    _, texts = svg_texts(ag.explore(loss))
    assert any(t.startswith("loss.backward() has already run") for t in texts) and "freed" in texts


def test_jupyter_shows_the_static_picture_then_the_interactive_page(monkeypatch):
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", lambda bundle, raw: shown.append(bundle))
    page = ag.explore(value_graph()[-1])
    page._ipython_display_()
    assert [sorted(bundle) for bundle in shown] == [["image/svg+xml", "text/plain"], ["text/html", "text/plain"]]
    assert shown[0]["image/svg+xml"] == page.svg and shown[1]["text/html"] == page._repr_html_()
