"""explore's page in a real browser (headless Chromium): every step shows the engine's sweep, and nothing is fetched."""
import json
import os
import shutil
import tempfile

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.explore import summary
from autograd_core.graph import parents, topological_order

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
    ran = [i for _, i in sorted((v._node.trace.position, i) for i, v in enumerate(vertices) if v._node is not None)]
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
