"""explore's page in a real browser (headless Chromium): every step shows the engine's sweep, and nothing is fetched."""
import json
import os
import shutil
import tempfile

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.explore import summary, values
from autograd_core.graph import parents, topological_order, trace_of

webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver not installed")

STATE = """
const items = [...document.querySelectorAll('#step-shares li')];
return {step: +document.body.dataset.step, node: document.getElementById('step-node').dataset.node,
        value: document.getElementById('step-value').dataset.value,
        shares: items.map(li => [+li.dataset.to, li.dataset.text]),
        running: [...document.querySelectorAll('.vertex.running')].map(g => +g.dataset.index),
        counter: document.getElementById('counter').textContent};
"""


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="explore-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(browser, exploration, tmp_path, name):
    """Load the saved page; return the requests it made (besides loading itself) and its console errors."""
    path = os.path.abspath(exploration.save(tmp_path / f"{name}.html"))
    url = "file://" + path
    browser.get_log("performance")
    browser.get(url)
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    fetched = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
               and e["params"].get("documentURL") == url and e["params"]["request"]["url"] != url]
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    return fetched, errors


def index_of(vertices, v):
    return next(i for i, u in enumerate(vertices) if u is v)


def step_through(browser, expected, press):
    """Advance one step at a time with `press(k)` and check what the page shows against `expected[k]`."""
    state = browser.execute_script(STATE)
    assert state["step"] == 0 and state["running"] == [] and state["counter"] == f"step 0 of {len(expected)}"
    for k, (node, value, receivers) in enumerate(expected, start=1):
        press(k)
        state = browser.execute_script(STATE)
        assert state["step"] == k and state["running"] == [node] and int(state["node"]) == node
        assert state["value"] == value
        assert sorted(to for to, _ in state["shares"]) == sorted(receivers)
    return state


def press_keys_buttons_and_slider(browser):
    """Steps by the right arrow, the next button and the slider in turn: all three must work."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def press(k):
        if k % 3 == 0:
            browser.execute_script("const s = document.getElementById('slider'); s.value = arguments[0];"
                                   "s.dispatchEvent(new Event('input'));", k)
        elif k % 3 == 1:
            browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        else:
            browser.find_element(By.ID, "next").click()
    return press


def test_value_sweep_in_the_browser(browser, tmp_path):
    a, b = ag.Value(2.0, "a"), ag.Value(-1.5, "b")
    c = a * b
    d = (c + b).tanh() * c
    page = ag.explore(d)
    fetched, errors = open_page(browser, page, tmp_path, "values")
    vertices = topological_order(d, parents)
    d.backward()
    ran = [s["node"] for s in json.loads(page.html.split("const D = ", 1)[1].split(";\n", 1)[0])["steps"]]
    expected = [(i, summary(vertices[i].grad), [index_of(vertices, p) for p in vertices[i]._prev]) for i in ran]
    for k, i in enumerate(ran):  # the engine's rule: a node runs only after every consumer sent its share
        assert all(index_of(vertices, u) in ran[:k] for u in vertices if any(p is vertices[i] for p in u._prev))
    step_through(browser, expected, press_keys_buttons_and_slider(browser))
    assert fetched == [] and errors == []
    browser.save_screenshot(str(tmp_path / "values.png"))


def test_tensor_sweep_in_the_browser_matches_the_engine(browser, tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = ag.Tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), name="x")
    hidden = model[1](model[0](x))
    loss = (model[2](hidden) ** 2).mean() + (hidden * hidden).sum()
    page = ag.explore(loss)
    fetched, errors = open_page(browser, page, tmp_path, "tensors")
    vertices = topological_order(loss, parents)
    for v in vertices:
        if v._node is not None:
            v.retain_grad()
    loss.backward(retain_graph=True)
    ran = [i for _, i in sorted((trace_of(v).position, i) for i, v in enumerate(vertices) if v._node is not None)]
    expected = [(i, summary(vertices[i].grad.data),
                 [index_of(vertices, p) for p in parents(vertices[i]) if p.requires_grad]) for i in ran]
    last = step_through(browser, expected, press_keys_buttons_and_slider(browser))
    assert last["counter"] == f"step {len(ran)} of {len(ran)}"
    browser.find_element("id", "prev").click()
    assert browser.execute_script(STATE)["step"] == len(ran) - 1
    assert fetched == [] and errors == []


def test_forward_mode_in_the_browser(browser, tmp_path):
    x = ag.Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True, name="x")
    y = (x.tanh() * x).sum()
    page = ag.explore(y, mode="forward", wrt=x)
    fetched, errors = open_page(browser, page, tmp_path, "forward")
    vertices = topological_order(y, parents)
    t = np.ones(3)
    th = (1 - np.tanh(x.data) ** 2) * t
    tangents = [th, th * x.data + np.tanh(x.data) * t, np.sum(th * x.data + np.tanh(x.data) * t)]
    ops = [v for v in vertices if v._node is not None]
    expected = [(index_of(vertices, v), summary(tv), [index_of(vertices, v)] * sum(
        1 for p in parents(v) if p is x or p._node is not None)) for v, tv in zip(ops, tangents)]
    step_through(browser, expected, press_keys_buttons_and_slider(browser))
    assert fetched == [] and errors == []


REVERSE_WORDS = {"cotangent", "cotangents", "share", "shares", "vjp", "vjps", "backward", "sweep"}

BOXES = """
const box = r => { const b = r.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
return [...document.querySelectorAll('.vertex')].map(g => ({
    rect: box(g.querySelector('rect')),
    lines: [...g.querySelectorAll('text:not(.status)')].map(t => [t.textContent, t.getComputedTextLength()])}));
"""

EDGES = """
return [...document.querySelectorAll('.edge path')].map(p => {
    const n = p.getTotalLength(), at = t => { const q = p.getPointAtLength(t * n); return [q.x, q.y]; };
    const marker = (p.getAttribute('marker-end') || '').match(/^url\\(#(.+)\\)$/);
    const shown = getComputedStyle(p).markerEnd.match(/#([^")]+)/);
    return {marker: marker && marker[1], shown: shown && shown[1],
            defined: [marker, shown].map(m => !!m && document.getElementById(m[1]) !== null
                                              && document.getElementById(m[1]).tagName === 'marker'),
            points: Array.from({length: 41}, (_, k) => at(k / 40)), flowing: p.parentNode.classList.contains('flowing'),
            label: p.parentNode.querySelector('text').textContent};
});
"""


def small_mlp():
    """The brief's model: Linear(2, 2), Sigmoid, Linear(2, 1) on one sample, and its squared error."""
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1))
    x = ag.Tensor(np.array([[0.5, -1.0]], dtype=np.float32), requires_grad=True, name="x")
    return model, x, ((model(x) - 1.0) ** 2).mean()


def visible_words(browser):
    return set(browser.execute_script("return document.body.innerText").lower().replace("(", " ").split())


def test_forward_page_speaks_of_tangents_and_jvps_never_of_shares(browser, tmp_path):
    model, x, loss = small_mlp()
    open_page(browser, ag.explore(loss, mode="forward", wrt=x), tmp_path, "forward-words")
    total = len(page_steps(browser))
    for k in range(total + 1):
        browser.execute_script("document.getElementById('slider').value = arguments[0];"
                               "document.getElementById('slider').dispatchEvent(new Event('input'));", k)
        words = visible_words(browser)
        assert not words & REVERSE_WORDS, (k, words & REVERSE_WORDS)
        assert "tangent" in words and ("jvp" in words or k == 0)
        flowing = {e["label"][:2] for e in browser.execute_script(EDGES) if e["flowing"]}
        assert flowing == ({"\u25bc "} if k else set())  # the tangent goes down, with the arrow
    assert "forward mode" in browser.title
    open_page(browser, ag.explore(loss), tmp_path, "reverse-words")
    browser.find_element("id", "next").click()
    assert {"cotangent", "vjp", "share"} <= visible_words(browser)


def page_steps(browser):
    return browser.execute_script("return D.steps")


def test_every_edge_has_an_arrowhead_pointing_the_way_data_flows(browser, tmp_path):
    model, x, loss = small_mlp()
    page = ag.explore(loss)
    open_page(browser, page, tmp_path, "arrows")
    browser.find_element("id", "next").click()
    nodes, edges = browser.execute_script("return D.nodes"), browser.execute_script(EDGES)
    boxes = browser.execute_script(BOXES)
    assert len(edges) == sum(len(parents(v)) for v in topological_order(loss, parents)) == 11
    assert {e["marker"] for e in edges} == {"arrow"} and all(all(e["defined"]) for e in edges)
    assert {e["shown"] for e in edges if e["flowing"]} == {"arrow-flowing"} and sum(e["flowing"] for e in edges) == 1
    assert [e["label"][:2] for e in edges if e["flowing"]] == ["\u25b2 "]  # the share goes up, against the arrow
    for e, edge in zip(edges, browser.execute_script("return D.edges")):
        (x0, y0), (x1, y1) = e["points"][0], e["points"][-1]
        src, dst = boxes[edge["from"]]["rect"], boxes[edge["to"]]["rect"]
        assert y0 == pytest.approx(src[3]) and src[0] < x0 < src[2]  # leaves the input's box at its bottom
        assert y1 == pytest.approx(dst[1]) and dst[0] < x1 < dst[2]  # the arrowhead ends on the consumer's top
    assert [n["lines"][0] for n in nodes[-2:]] == ["Sum", "Mul"]  # mean: a sum, then a product with 1/n


def test_boxes_show_values_and_fit_their_text(browser, tmp_path):
    model, x, loss = small_mlp()
    open_page(browser, ag.explore(loss), tmp_path, "boxes")
    vertices = topological_order(loss, parents)
    boxes = browser.execute_script(BOXES)
    assert [b["lines"][2][0] for b in boxes] == [values(v.data) for v in vertices]
    assert boxes[index_of(vertices, x)]["lines"][2][0] == "[0.5, -1]"
    assert boxes[-1]["lines"][2][0] == f"= {float(loss.data):.4g}"
    for b in boxes:
        left, top, right, bottom = b["rect"]
        assert all(width <= right - left - 8 for _, width in b["lines"])


def value_graph_with_a_long_edge():
    a, b = ag.Value(2.0, "a"), ag.Value(-1.5, "b")
    c = a * b
    return (c + b).tanh() * c  # c feeds the last op too, past the two between; b skips c


@pytest.mark.parametrize("graph", ["values", "mlp"])
def test_no_boxes_overlap_and_no_edge_runs_through_a_box(browser, tmp_path, graph):
    root = value_graph_with_a_long_edge() if graph == "values" else small_mlp()[-1]
    open_page(browser, ag.explore(root), tmp_path, graph)
    boxes, edges = browser.execute_script(BOXES), browser.execute_script(EDGES)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a["rect"][2] <= b["rect"][0] or b["rect"][2] <= a["rect"][0] or \
                a["rect"][3] <= b["rect"][1] or b["rect"][3] <= a["rect"][1]
    for e, edge in zip(edges, browser.execute_script("return D.edges")):
        others = [b["rect"] for k, b in enumerate(boxes) if k not in (edge["from"], edge["to"])]
        assert not any(r[0] + 1 < px < r[2] - 1 and r[1] + 1 < py < r[3] - 1 for px, py in e["points"] for r in others)
    assert sum(len(edge["via"]) for edge in browser.execute_script("return D.edges")) == (3 if graph == "values" else 0)
    browser.save_screenshot(str(tmp_path / f"{graph}.png"))


def test_after_backward_the_page_says_plainly_what_was_freed(browser, tmp_path):
    model, x, loss = small_mlp()
    loss.backward()
    open_page(browser, ag.explore(loss), tmp_path, "freed")
    text = browser.execute_script("return document.body.innerText")
    assert "Run explore(loss) before loss.backward() to see every share." in text
    boxes = browser.execute_script(BOXES)
    freed = [b["lines"][0][0] for b in boxes if b["lines"][2][0] == "values freed by backward()"]
    assert freed == ["Affine", "Sigmoid", "Affine", "Sub", "Pow", "Sum"] and boxes[-1]["lines"][2][0] == values(loss.data)
    browser.find_element("id", "next").click()
    browser.find_element("id", "next").click()
    assert browser.execute_script(STATE)["shares"][0][1] == "freed by backward()"


STATIC_TEXT = """
const svg = document.documentElement, boxes = [...svg.querySelectorAll('rect[rx]')];
return {width: +svg.getAttribute('width'),
        boxes: boxes.map(r => [+r.getAttribute('x'), +r.getAttribute('y'), +r.getAttribute('width'), +r.getAttribute('height')]),
        texts: [...svg.querySelectorAll('text')].map(t => [t.textContent, +t.getAttribute('x'), +t.getAttribute('y'),
                                                          t.getComputedTextLength()])};
"""


@pytest.mark.parametrize("graph", ["values", "mlp"])
def test_static_picture_beside_the_page_keeps_its_text_inside_boxes_and_picture(browser, tmp_path, graph):
    root = value_graph_with_a_long_edge() if graph == "values" else small_mlp()[-1]
    ag.explore(root).save(tmp_path / f"{graph}.html")
    browser.get("file://" + os.path.abspath(tmp_path / f"{graph}.svg"))
    shown = browser.execute_script(STATIC_TEXT)
    assert len(shown["boxes"]) == len(topological_order(root, parents))
    for text, x, y, length in shown["texts"]:
        assert x + length <= shown["width"], text  # the header wraps to the picture's width
        for bx, by, bw, bh in shown["boxes"]:
            if bx < x < bx + bw and by < y < by + bh:  # a line inside a box fits it (clipped with an ellipsis)
                assert x + length <= bx + bw - 4, text
    browser.save_screenshot(str(tmp_path / f"static-{graph}.png"))
