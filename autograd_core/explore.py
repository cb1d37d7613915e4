"""`explore(root)`: a self-contained HTML page that replays the reverse sweep one VJP at a time.

The replay is the engine's own: for a Tensor graph that still holds its saved values,
the real sweep runs (retaining the graph, leaving `.grad` untouched) under an observer
that records, in the order the engine runs them, each node's VJP and the share it
sends to every input (hooks on tensors run again, as in any backward). Each step of
the page shows the node whose VJP runs, the cotangent that arrived (the sum of its
consumers' shares), and the share each input receives; a node with several consumers
shows its shares adding up and runs only once all have arrived, which is why one sweep
never enumerates paths. After a plain `backward()` the graph keeps its structure and
each node's gradient summary, so the page replays the recorded order and summaries (the
individual shares were freed, and so were the values of the intermediate tensors).

`mode="forward", wrt=x` replays forward mode: tangents flowing from `x` to the output,
one JVP per op, each after the ops it reads (a topological order of the graph, which
need not be the order the code ran). The graph is drawn top to bottom, inputs
first, with arrows the way data flows; each tensor's box shows its values. The page
needs no network: inline SVG, inline script, and a Content-Security-Policy that forbids
every fetch. Beside it goes a static SVG of its last step (explore_static.py), for
viewers that run no scripts.
"""
import html
import json
import os
from importlib import resources

import numpy as np

from .engine import grad_of
from .explore_static import static_svg
from .forward_mode import ForwardMode
from .graph import is_freed, node_of, op_name, parents, topological_order, trace_of
from .grad_mode import Observer, no_grad, observe
from .ops.shape import IndexedGrad
from .tensor import Tensor
from .value import Value
from .viz import check_root

SHOWN_VALUES = 6  # a tensor with at most this many elements shows them all; a bigger one its min, max and mean
MAX_VERTICES = 2000  # a page per VJP step of a bigger graph is unreadable; draw_graph(max_nodes=) summarises those


class Exploration:
    """The page: `.html` (a complete document), `.svg` (a static picture of its last step),
    `.save(path)`, and inline display in Jupyter (the picture, then the page)."""

    def __init__(self, page, svg):
        self.html = page
        self.svg = svg

    def save(self, path):
        """Write the page to `path` and its static picture beside it (`.svg` for the suffix); returns `path`.

        Open the page in any browser (it makes no network request); the picture is for
        places that show files but run no scripts.
        """
        path = os.fspath(path)
        picture = os.path.splitext(path)[0] + ".svg"
        if os.path.abspath(picture) == os.path.abspath(path):
            raise ValueError(f"explore: save(path) names the HTML page, and its picture goes beside it as "
                             f"{os.path.basename(picture)}; give the page another suffix (.html), got {path!r}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)
        with open(picture, "w", encoding="utf-8") as f:
            f.write(self.svg)
        return path

    def _repr_html_(self):
        # NOTE: an iframe keeps the page's ids, styles and key bindings apart from the notebook's
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                'style="width:100%;height:640px;border:1px solid #ccc"></iframe>')

    def _ipython_display_(self):
        """Two outputs: the static picture, which viewers that strip scripts and iframes (GitHub,
        nbviewer) still show, then the interactive page for Jupyter."""
        from IPython.display import display
        display({"image/svg+xml": self.svg, "text/plain": "explore: the sweep after its last step"}, raw=True)
        display({"text/html": self._repr_html_(), "text/plain": "explore: interactive page (needs scripts)"},
                raw=True)


def explore(root, mode="reverse", wrt=None):
    """Replay how the gradient of `root` (a Value or Tensor) is computed, as an HTML page.

    Args:
        root: the output; a Tensor must have one element (as `backward()` without grad).
        mode: "reverse" (the backward sweep) or "forward" (forward mode from `wrt`).
        wrt: for mode="forward", the input (a leaf Value or Tensor) whose tangent is seeded with ones.
    Returns:
        Exploration with `.html`, `.svg` (the last step as a static picture), `.save(path)`
        (writes both), and Jupyter display (the picture, then the interactive page).
    """
    check_root(root, "explore")
    if mode not in ("reverse", "forward"):
        raise ValueError(f"explore: mode must be 'reverse' or 'forward', got {mode!r}")
    vertices = topological_order(root, parents)
    if len(vertices) > MAX_VERTICES:
        raise ValueError(f"explore: the graph has {len(vertices)} values, the page replays at most {MAX_VERTICES}; "
                         "use draw_graph(root, max_nodes=...) for a summary")
    index = {id(v): i for i, v in enumerate(vertices)}
    edges = [(index[id(p)], i) for i, v in enumerate(vertices) for p in parents(v)]
    if mode == "forward":
        if wrt is None or id(wrt) not in index:
            raise ValueError("explore: mode='forward' needs wrt=, an input that the output depends on")
        runs, initial, note = _forward(vertices, index, wrt)
    else:
        if wrt is not None:
            raise ValueError("explore: wrt= is only for mode='forward'")
        runs, initial, note = _reverse(root, vertices, index)
    data = _page_data(vertices, index, edges, runs, initial, mode, note)
    return Exploration(_page(data), static_svg(data))


def summary(x):
    """A number for a scalar, else shape, mean, largest magnitude and norm."""
    if isinstance(x, float):
        return f"{x:.6g}"
    arr = np.asarray(x)
    if arr.size == 1:
        return f"{float(arr.reshape(-1)[0]):.6g}"
    if arr.size == 0:
        return f"empty {arr.shape}"
    a64 = arr.astype(np.float64)
    return (f"{arr.shape}: mean {a64.mean():.4g}, |max| {np.abs(a64).max():.4g}, "
            f"norm {np.sqrt(np.vdot(a64, a64)):.4g}")


def brief(x):
    """What fits under a node or on an edge: the number, or the norm of an array."""
    if isinstance(x, str):
        return x
    arr = np.asarray(x, dtype=np.float64)
    return summary(x) if arr.size == 1 else f"norm {np.sqrt(np.vdot(arr, arr)):.4g}"


def _reverse(root, vertices, index):
    """[(vertex, arrived, [(edge position, share)])] in the engine's order, initial states, a note."""
    if isinstance(root, Value):
        return _reverse_values(root, vertices, index), {index[id(root)]: 1.0}, ""
    node = node_of(root)
    if node is None:
        raise ValueError("explore: the output was not made by a recorded op (a leaf, or computed under no_grad), "
                         "so there is no backward sweep to replay")
    if is_freed(node):
        return _recorded_sweep(vertices, index)
    return _live_sweep(root, vertices, index), {index[id(root)]: np.ones_like(root.data)}, ""


def _reverse_values(root, vertices, index):
    """The Value engine's sweep (a ready stack; a node runs when every consumer has sent its share)."""
    pending = {}
    for v in vertices:
        for p in v._prev:
            pending[id(p)] = pending.get(id(p), 0) + 1
    grads, runs, ready = {id(root): 1.0}, [], [root]
    while ready:
        v = ready.pop()
        g = grads[id(v)]
        local = v._local if v._local is not None else (v._prev[1].data, v._prev[0].data)
        shares = []
        for p, d, rank in zip(v._prev, local, _ranks(v._prev)):
            grads[id(p)] = grads.get(id(p), 0.0) + d * g
            shares.append(((index[id(p)], index[id(v)], rank), d * g))
            pending[id(p)] -= 1
            if not pending[id(p)] and p._prev:
                ready.append(p)
        runs.append((v, g, shares))
    return runs


class _ShareRecorder(Observer):
    """Records every VJP the engine runs: the output tensor and the share sent to each input."""

    def __init__(self):
        self.runs = []

    def on_backward(self, node, out, in_grads):
        shares = []
        for k, (p, need, gi) in enumerate(zip(node.parents, node.needs, in_grads)):
            if need and gi is not None and isinstance(p, Tensor):
                gi = gi.dense(p.data.dtype) if isinstance(gi, IndexedGrad) else np.array(gi)
                shares.append((p, k, gi))
        self.runs.append((out, shares))


def _live_sweep(root, vertices, index):
    """Run the engine's sweep (graph retained, `.grad` untouched) and attach each arriving cotangent."""
    leaves = [v for v in vertices if isinstance(v, Tensor) and v._node is None and v.requires_grad]
    with observe(_ShareRecorder()) as recorder:
        grad_of(root, leaves, retain_graph=True)
    arrived = {id(root): np.ones_like(root.data)}
    runs = []
    for out, shares in recorder.runs:
        if id(out) not in index:  # a checkpoint's recomputation, swept inside the checkpoint's own VJP
            continue
        g = arrived[id(out)]
        edge_shares = []
        for p, k, gi in shares:
            arrived[id(p)] = gi if id(p) not in arrived else arrived[id(p)] + gi
            edge_shares.append(((index[id(p)], index[id(out)], _ranks(node_of(out).parents)[k]), gi))
        runs.append((out, g, edge_shares))
    return runs


def _ranks(inputs):
    """For each input, which of the edges from that same input it is (x * x has two edges from x)."""
    seen, ranks = {}, []
    for p in inputs:
        seen[id(p)] = seen.get(id(p), -1) + 1
        ranks.append(seen[id(p)])
    return ranks


def _recorded_sweep(vertices, index):
    """After a plain backward(): the recorded order and gradient summaries; the shares themselves were freed."""
    traced = sorted((trace_of(v).position, i) for i, v in enumerate(vertices) if trace_of(v) is not None)
    runs = []
    for _, i in traced:
        trace = trace_of(vertices[i])
        g = f"{trace.shape}: norm {trace.norm:.4g}" + (f", contains {trace.nonfinite}" if trace.nonfinite else "")
        shares = []
        for p, rank in zip(parents(vertices[i]), _ranks(parents(vertices[i]))):
            if getattr(p, "requires_grad", False) or node_of(p) is not None:  # inputs without grad get no share
                shares.append(((index[id(p)], i, rank), None))
        runs.append((vertices[i], g, shares))
    note = ("loss.backward() has already run and freed what this graph saved, so the share each op sent "
            "to its inputs is gone. This page replays what backward() kept: the order the VJPs ran and "
            "the size (norm) of each cotangent. Run explore(loss) before loss.backward() to see every share.")
    return runs, {}, note


def _forward(vertices, index, wrt):
    """Forward mode from `wrt` (tangent of ones): [(vertex, tangent out, [(edge, tangent in)])] in run order."""
    if isinstance(wrt, Value):
        return _forward_values(vertices, index, wrt), {index[id(wrt)]: 1.0}, _forward_note("1", wrt.label or "wrt")
    if not isinstance(wrt, Tensor) or wrt._node is not None:
        raise ValueError("explore: wrt= must be a leaf (an input) of the graph")
    ops = [v for v in vertices if node_of(v) is not None]
    if any(is_freed(node_of(v)) for v in ops):
        raise RuntimeError("explore(mode='forward'): backward() freed the values forward mode needs; "
                           "call explore before backward(), or use backward(retain_graph=True)")
    ops.sort(key=lambda v: node_of(v).order)  # creation order: the order the forward pass ran them
    saved = {id(v): v._tangent for v in vertices if isinstance(v, Tensor)}
    runs, rule = [], ForwardMode()
    rule.seed(wrt, np.ones_like(wrt.data))
    try:
        with no_grad():
            for v in ops:
                node = node_of(v)
                v._tangent = None
                rule.on_forward(node.prim, node, v, node.parents, node.arrays, node.params)
                if rule.tangent(v) is None:
                    continue
                incoming = [((index[id(p)], index[id(v)], rank), rule.tangent(p))
                            for p, rank in zip(node.parents, _ranks(node.parents))
                            if isinstance(p, Tensor) and rule.tangent(p) is not None]
                runs.append((v, rule.tangent(v), incoming))
    finally:
        for v in vertices:
            if isinstance(v, Tensor):
                v._tangent = saved[id(v)]
    return runs, {index[id(wrt)]: np.ones_like(wrt.data)}, _forward_note("all ones", wrt.name or "wrt")


def _forward_note(seed, name):
    return (f"Forward mode: the tangent starts as {seed} at {name} and flows forward with the data. "
            "At each op, its JVP turns the tangents of the op's inputs into the tangent its output receives.")


def _forward_values(vertices, index, wrt):
    tangents, runs = {id(wrt): 1.0}, []
    for v in vertices:
        if not v._prev:
            continue
        local = v._local if v._local is not None else (v._prev[1].data, v._prev[0].data)
        incoming, total = [], 0.0
        for p, d, rank in zip(v._prev, local, _ranks(v._prev)):
            if id(p) in tangents:
                incoming.append(((index[id(p)], index[id(v)], rank), tangents[id(p)]))
                total += d * tangents[id(p)]
        if incoming:
            tangents[id(v)] = total
            runs.append((v, total, incoming))
    return runs


def _title(v):
    """The lines a vertex shows: the op that made it, its name (and shape), and for a tensor its values."""
    if isinstance(v, Value):
        return [v._op or "input", f"{v.label} = {v.data:.4g}" if v.label else f"= {v.data:.4g}"]
    name = getattr(v, "name", None) or (trace_of(v).name if trace_of(v) is not None else None)
    shape = v.data.shape if isinstance(v, Tensor) else (trace_of(v).shape if trace_of(v) else getattr(v, "shape", ()))
    return [op_name(v) or ("leaf" if getattr(v, "requires_grad", False) else "input"),
            f"{name + ' ' if name else ''}{tuple(shape)}",
            values(v.data) if isinstance(v, Tensor) else "values freed by backward()"]


def values(arr):
    """A tensor's values in a line: the number, up to SHOWN_VALUES numbers, or min, max and mean."""
    arr = np.asarray(arr)
    if arr.size == 0:
        return "no values (empty)"
    if arr.size == 1:
        return f"= {arr.reshape(-1)[0].item():.4g}"  # item(): a complex stays complex
    if np.iscomplexobj(arr):  # no order, and a cast to float would drop the imaginary parts
        return f"complex, mean {complex(arr.mean()):.3g}, |max| {float(np.abs(arr).max()):.3g}"
    a64 = arr.astype(np.float64)
    if arr.size <= SHOWN_VALUES:
        rows = a64.reshape(-1, arr.shape[-1]) if arr.ndim > 1 else a64.reshape(1, -1)
        return "[" + "; ".join(", ".join(f"{x:.3g}" for x in row) for row in rows) + "]"
    return f"min {a64.min():.3g}, max {a64.max():.3g}, mean {a64.mean():.3g}"


def _layout(vertices, edges):
    """Where each vertex sits and the waypoints each edge passes, as (layer, slot) pairs.

    The page draws inputs at the top and the output at the bottom. Layer = longest path
    from an input (an input sits just above its first use). An edge that spans several
    layers passes a waypoint, a slot of its own, in each layer it crosses, so no edge runs
    through a box; the long edges from one input share their waypoints (a weight used at
    every step of an RNN hangs from one trunk). Layers are filled from the output up: each
    place takes the slot of its first consumer, in the order of that consumer's inputs, so
    the main chain runs straight down the left.
    """
    depth, has_inputs = [0] * len(vertices), [False] * len(vertices)
    for src, dst in sorted(edges, key=lambda e: e[1]):
        depth[dst] = max(depth[dst], depth[src] + 1)
        has_inputs[dst] = True
    first_use = {}
    for src, dst in edges:
        first_use[src] = min(first_use.get(src, depth[dst]), depth[dst])
    layer = [d if has_inputs[i] or i not in first_use else first_use[i] - 1 for i, d in enumerate(depth)]
    consumers = [[] for _ in vertices]  # per place (vertex or waypoint): (the place using it, which input)
    chains, inputs_seen, trunk = [], {}, {}
    for src, dst in edges:
        k = inputs_seen[dst] = inputs_seen.get(dst, -1) + 1
        chain = [_waypoint(trunk, layer, consumers, src, d) for d in range(layer[src] + 1, layer[dst])]
        path = [src, *chain, dst]
        for a, b in zip(path, path[1:]):
            consumers[a].append((b, k if b == dst else 0))
        chains.append(chain)
    slot = _slots(layer, consumers)
    return ([(layer[i], slot[i]) for i in range(len(vertices))],
            [[(layer[w], slot[w]) for w in chain] for chain in chains])


def _waypoint(trunk, layer, consumers, src, d):
    """The place in layer `d` that every long edge from `src` passes: one trunk per input, not a lane per use."""
    if (src, d) not in trunk:
        trunk[src, d] = len(layer)
        layer.append(d)
        consumers.append([])
    return trunk[src, d]


def _slots(layer, consumers):
    """Each place's slot in its layer: layers filled from the output up, by first consumer's (slot, input)."""
    slot, by_layer = [0] * len(layer), {}
    for i, d in enumerate(layer):
        by_layer.setdefault(d, []).append(i)
    for d in sorted(by_layer, reverse=True):
        ordered = sorted(by_layer[d], key=lambda i: (*min(((slot[c], k) for c, k in consumers[i]), default=(0, 0)), i))
        for position, i in enumerate(ordered):
            slot[i] = position
    return slot


def _page_data(vertices, index, edges, runs, initial, mode, note):
    """The graph, its layout and the steps, as the page's script (and the static picture) reads them."""
    positions, waypoints = _layout(vertices, edges)
    ranks, edge_ids, edge_ranks = {}, {}, []
    for k, (src, dst) in enumerate(edges):
        rank = ranks[(src, dst)] = ranks.get((src, dst), -1) + 1
        edge_ids[(src, dst, rank)] = k
        edge_ranks.append(rank)
    data = {
        "mode": mode, "note": note,
        "nodes": [{"lines": _title(v), "layer": layer, "slot": slot,
                   "initial": brief(initial[i]) if i in initial else ""}
                  for i, (v, (layer, slot)) in enumerate(zip(vertices, positions))],
        "edges": [{"from": s, "to": d, "rank": rank, "via": via}
                  for (s, d), rank, via in zip(edges, edge_ranks, waypoints)],
        "steps": [_step(index, v, value, shares, edge_ids, mode) for v, value, shares in runs],
    }
    if mode == "reverse":
        _add_partial_sums(data["steps"], runs, initial)
    return data


def _page(data):
    """Fill the page template with the data."""
    template = resources.files("autograd_core").joinpath("explore_page.html").read_text(encoding="utf-8")
    payload = json.dumps(data).replace("</", "<\\/")  # a "</script>" inside a label must not end the script
    return template.replace("/*DATA*/null", payload)


def _step(index, v, value, shares, edge_ids, mode):
    return {
        "node": index[id(v)],
        "value": value if isinstance(value, str) else summary(value),
        "brief": brief(value),
        "shares": [{"edge": edge_ids[(s, d, rank)], "to": s if mode == "reverse" else d,
                    "from": d if mode == "reverse" else s,
                    "text": "freed by backward()" if share is None else summary(share),
                    "brief": "freed" if share is None else brief(share)}
                   for (s, d, rank), share in shares],
    }


def _add_partial_sums(steps, runs, initial):
    """Per step, what each receiving node holds so far: how many shares, and their running sum."""
    received, totals = {}, dict(initial)
    for step, (_, _, shares) in zip(steps, runs):
        step["status"] = {}
        for (src, _, _), share in shares:
            received[src] = received.get(src, 0) + 1
            if share is not None:
                totals[src] = share if totals.get(src) is None else totals[src] + share
            step["status"][src] = {"received": received[src], "sum": "" if share is None else brief(totals[src])}
