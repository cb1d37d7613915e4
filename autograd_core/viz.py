"""`draw_graph`: the computational graph of a Value or Tensor as a graphviz Digraph.

One box per value (name, shape, data, gradient) and one ellipse per op. Ops recorded
inside nn modules are grouped into clusters labelled `path: Type(in→out)`, with each
module's parameters; inputs (even ones that require grad) stay outside them. Layout
plumbing (transpose, reshape, broadcast, cast) is folded into the edge to the op that
uses it unless `show_all=True`. `max_nodes` collapses the outermost module clusters,
then the oldest part of the graph, until at most that many nodes are drawn.
`color_by="grad"` shades values by log10 of their gradient's RMS, with a legend.

Works before and after a plain `backward()`: backward keeps each node's structure and
a gradient summary (see `graph.Trace`), so intermediate gradients show as their RMS.
"""
import functools
import html
import math
import shutil

import numpy as np

from .checks import check_int
from .graph import module_scopes, node_of, op_name, parents, topological_order, trace_of
from .tensor import Tensor
from .value import Value

PLUMBING = {"Transpose": "transpose", "Reshape": "reshape", "BroadcastTo": "broadcast", "Cast": "cast"}
_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in "\\|{}<>"})


def _graphviz():
    try:
        import graphviz
    except ImportError:
        raise ImportError("draw_graph needs the Python package 'graphviz': pip install graphviz "
                          "(rendering to SVG/PNG also needs the Graphviz 'dot' program: apt-get install graphviz)") from None
    return graphviz


def _require_dot():
    """Raise a clear error when Graphviz's `dot` program (needed to render files) is missing."""
    if shutil.which("dot") is None:
        raise RuntimeError("rendering needs Graphviz's 'dot' program: apt-get install graphviz (Debian/Ubuntu), "
                           "brew install graphviz (macOS); `.source` gives the DOT text without it")


@functools.lru_cache(maxsize=None)
def _digraph_class(graphviz):
    """graphviz.Digraph whose render/pipe first check that `dot` exists (a clear error, not a trace)."""
    class Digraph(graphviz.Digraph):
        def render(self, *args, **kwargs):
            _require_dot()
            return super().render(*args, **kwargs)

        def pipe(self, *args, **kwargs):
            _require_dot()
            return super().pipe(*args, **kwargs)
    return Digraph


def check_root(root, caller):
    """Refuse anything but a Value or Tensor with a message naming what was expected."""
    if not isinstance(root, (Value, Tensor)):
        raise TypeError(f"{caller}: expected a Value or Tensor (the output of a computation), "
                        f"got {type(root).__name__}")


def _fmt(x):
    return f"{x:.4g}"


def record_field(text):
    """`text` safe inside a Graphviz record label (`|`, braces and angle brackets are syntax there)."""
    return text.translate(_RECORD_SPECIALS)


def data_summary(arr):
    """One number for a one-element array, else its mean and largest magnitude."""
    arr = np.asarray(arr)
    if arr.size == 1:
        return _fmt(arr.reshape(-1)[0].item())  # item(): a complex stays complex
    if arr.size == 0 or not np.issubdtype(arr.dtype, np.number):
        return f"{arr.dtype}, empty" if arr.size == 0 else str(arr.dtype)
    mean = arr.mean()
    mean = complex(mean) if np.iscomplexobj(arr) else float(mean)  # float() would drop an imaginary part
    return f"mean {_fmt(mean)}, |max| {_fmt(float(np.abs(arr).max()))}"


def grad_summary(v):
    """(text, rms or "zero"/"NaN"/"Inf") for the gradient known at `v`, or None.

    A leaf's `.grad` (or a retained one) is an array; every other node has the
    `Trace` its last sweep left (the RMS from ‖g‖).
    """
    if isinstance(v, Value):
        return f"{v.grad:.4f}", _magnitude(v.grad, abs(v.grad))
    if isinstance(v, Tensor) and v.grad is not None:
        arr = np.asarray(v.grad.data)
        if arr.size == 1:
            return _fmt(float(arr.reshape(-1)[0])), _magnitude(arr, float(np.abs(arr).reshape(-1)[0]))
        with np.errstate(all="ignore"):
            rms = float(np.sqrt(np.mean(np.square(arr, dtype=np.float64)))) if arr.size else 0.0
        return f"rms {_fmt(rms)}, |max| {_fmt(float(np.abs(arr).max()) if arr.size else 0.0)}", _magnitude(arr, rms)
    trace = trace_of(v)
    if trace is None:
        return None
    if trace.nonfinite:
        return f"contains {trace.nonfinite}", trace.nonfinite
    text = f"|g| {_fmt(trace.norm)}" if trace.rms == trace.norm else f"rms {_fmt(trace.rms)}"
    return text, "zero" if trace.norm == 0 else trace.rms


def _magnitude(arr, typical):
    arr = np.asarray(arr)
    if np.isnan(arr).any():
        return "NaN"
    if np.isinf(arr).any():
        return "Inf"
    return "zero" if typical == 0 else typical


def _facts(v):
    """(name, shape, dtype, data or None) of a graph vertex: a Tensor, a freed Node or an InputStub."""
    if isinstance(v, Tensor):
        return v.name, v.data.shape, v.data.dtype, v.data
    trace = getattr(v, "trace", None)
    if trace is not None:
        return trace.name, trace.shape, trace.dtype, None
    return getattr(v, "name", None), getattr(v, "shape", None), getattr(v, "dtype", None), None


def _label(v, show_data, show_grad, show_order, common_dtype, stale):
    """Record label fields for one value, each escaped."""
    grad_title = "stale grad " if stale else "grad "
    if isinstance(v, Value):
        fields = [v.label, f"data {v.data:.4f}" if show_data else "", grad_title + f"{v.grad:.4f}" if show_grad else ""]
        return " | ".join(record_field(f) for f in fields if f)
    name, shape, dtype, data = _facts(v)
    title = name or op_name(v) or ("leaf" if getattr(v, "requires_grad", False) else "input")
    if shape is not None:
        title += f" {tuple(shape)}" + ("" if dtype == common_dtype else f" {dtype}")
    fields = [title]
    if show_data and data is not None:
        fields.append(f"data {data_summary(data)}")
    summary = grad_summary(v) if show_grad else None
    if summary is not None:
        fields.append(grad_title + summary[0])
    trace = trace_of(v)
    if show_order and trace is not None:
        fields.append(f"backward #{trace.position}")
    return " | ".join(record_field(f) for f in fields)


def module_title(module):
    """`Linear(4→3)`: the module's type and, when it has them, its input and output sizes."""
    for a, b in (("in_features", "out_features"), ("in_channels", "out_channels"),
                 ("input_size", "hidden_size"), ("num_embeddings", "embedding_dim")):
        if hasattr(module, a) and hasattr(module, b):
            return f"{type(module).__name__}({getattr(module, a)}→{getattr(module, b)})"
    return type(module).__name__


class _Layout:
    """Which vertices are drawn, where (module cluster), and what each drawn edge carries."""

    def __init__(self, root, show_all):
        self.nodes = topological_order(root, parents)
        self.index = {id(n): i for i, n in enumerate(self.nodes)}
        folded = set() if show_all else {id(n) for n in self.nodes if n is not root and op_name(n) in PLUMBING}
        self.visible = [n for n in self.nodes if id(n) not in folded]
        self.inputs = {id(n): [self._through(p, folded) for p in parents(n)] for n in self.visible}
        self.titles, self.scope, self._owned = {}, {}, {}
        for n in self.visible:
            self.scope[id(n)] = self._scope_of(n)
        for n in self.visible:  # a parameter sits in the cluster of its module; an input (x) stays outside
            for p, _ in self.inputs[id(n)]:
                if not self.scope[id(p)] and getattr(p, "requires_grad", False) and not op_name(p):
                    self.scope[id(p)] = self._owner_path(p, n)

    @staticmethod
    def _through(p, folded):
        """(the drawn vertex behind input `p`, the plumbing ops passed on the way)."""
        via = []
        while id(p) in folded:
            via.append(PLUMBING[op_name(p)])
            p = parents(p)[0]
        return p, " ".join(reversed(via))

    def _scope_of(self, n):
        node = node_of(n)
        if node is None:
            return ""
        scopes = module_scopes(node.scope)
        for path, module in scopes:
            self.titles.setdefault(path, module_title(module))
        return scopes[-1][0] if scopes else (node.scope if isinstance(node.scope, str) else "")

    def _owner_path(self, leaf, user):
        """Path of the innermost module around op `user` whose parameters include `leaf`, or "" (outside every cluster)."""
        node = node_of(user)
        for path, module in reversed(module_scopes(node.scope) if node is not None else []):
            owned = self._owned.get(id(module))
            if owned is None:
                owned = self._owned[id(module)] = {id(q) for q in getattr(module, "parameters", tuple)()}
            if id(leaf) in owned:
                return path
        return ""

    def cost(self, n):
        """Nodes drawn for a vertex: its value box, plus the op ellipse for a computed one."""
        return 2 if op_name(n) else 1


def _collapse(layout, max_nodes):
    """{vertex id: box name} so that at most `max_nodes` nodes are drawn.

    Outermost module clusters go first (largest first); if that is not enough, the
    oldest vertices (furthest from the root) share one "earlier" box.
    """
    if max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be at least 1, got {max_nodes}")
    total = sum(layout.cost(n) for n in layout.visible)
    boxes = {}
    if total <= max_nodes:
        return boxes
    sizes = {}
    for n in layout.visible:
        top = _outermost_call(layout, layout.scope[id(n)])
        if top:
            sizes[top] = sizes.get(top, 0) + layout.cost(n)
    chosen = set()
    for top in sorted(sizes, key=lambda t: -sizes[t]):
        if total <= max_nodes:
            break
        if sizes[top] > 1:
            chosen.add(top)
            total -= sizes[top] - 1
    for n in layout.visible:
        top = _outermost_call(layout, layout.scope[id(n)])
        if top in chosen:
            boxes[id(n)] = top
    if total > max_nodes:
        _fold_oldest(layout, boxes, chosen, max_nodes)
    return boxes


def _outermost_call(layout, path):
    """The shortest prefix of a module path that is a module call of its own: a ModuleList or ModuleDict is never
    called, so `transformer.h.0.attn` collapses into `transformer.h.0` (one box per block), not `transformer`."""
    parts = path.split(".")
    for k in range(1, len(parts) + 1):
        prefix = ".".join(parts[:k])
        if prefix in layout.titles:
            return prefix
    return parts[0]


def _fold_oldest(layout, boxes, chosen, max_nodes):
    """Keep the newest units (vertices or collapsed clusters) that fit in `max_nodes - 1`; box the rest."""
    units, seen = [], set()
    for n in reversed(layout.visible):
        key = boxes.get(id(n), id(n))
        if key not in seen:
            seen.add(key)
            units.append((key, 1 if key in chosen else layout.cost(n)))
    kept, budget = set(), max_nodes - 1
    for key, cost in units:
        if cost > budget:
            break
        kept.add(key)
        budget -= cost
    for n in layout.visible:
        if boxes.get(id(n), id(n)) not in kept:
            boxes[id(n)] = "earlier"


def _stale_leaves(root, layout):
    """Ids of leaves whose `.grad` cannot come from this graph: it was never swept by backward().

    A Tensor graph was swept when its root's node has a trace; a Value graph when its root's
    grad is no longer 0 (every backward() adds 1 to it).
    """
    if isinstance(root, Value):
        if not root._prev or root.grad != 0.0:
            return set()
        return {id(n) for n in layout.visible if not n._prev and n.grad != 0.0}
    if root._node is None or trace_of(root) is not None:
        return set()
    return {id(n) for n in layout.visible if isinstance(n, Tensor) and n._node is None and n.grad is not None}


def _grad_colors(magnitudes):
    """({vertex id: fill colour}, (lo, hi) of log10 RMS): white-to-red by log10 |grad|, marks for the rest."""
    logs = [math.log10(m) for m in magnitudes.values() if isinstance(m, float)]
    lo, hi = (min(logs), max(logs)) if logs else (0.0, 0.0)
    colors = {key: _MARKS[m] if isinstance(m, str) else _shade(0.0 if hi == lo else (math.log10(m) - lo) / (hi - lo))
              for key, m in magnitudes.items()}
    return colors, ((lo, hi) if logs else None)


def _shade(t):
    """Red of saturation 0.15..0.9 for t in 0..1, as #rrggbb (HTML labels want hex)."""
    level = round(255 * (1 - (0.15 + 0.75 * t)))
    return f"#ff{level:02x}{level:02x}"


_MARKS = {"zero": "#d9d9d9", "NaN": "#ff66ff", "Inf": "#ff3333"}


def _legend(batch, dtype, scale, any_stale, marks):
    """An HTML graph label: the batch size and dtype said once, the colour scale and the marks used, what dashes mean."""
    rows = []
    said = ", ".join(s for s in (f"values for a batch of {batch}" if batch else "", f"dtype {dtype}" if dtype else "") if s)
    if said:
        rows.append(f'<tr><td colspan="8">{html.escape(said)}</td></tr>')
    if scale is not None or marks:
        cells = ['<td>grad RMS</td>']
        if scale is not None:
            lo, hi = scale
            for t in ((0.0, 0.5, 1.0) if hi > lo else (1.0,)):
                cells.append(f'<td bgcolor="{_shade(t)}">{10 ** (lo + t * (hi - lo)):.2g}</td>')
        cells += [f'<td bgcolor="{color}">{mark}</td>' for mark, color in _MARKS.items() if mark in marks]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if any_stale:
        rows.append('<tr><td colspan="8">dashed: a gradient left by an earlier backward(), not by this graph</td></tr>')
    return f'<<table border="0" cellspacing="2" cellpadding="2">{"".join(rows)}</table>>' if rows else None


def _common_dtype(layout):
    dtypes = {str(_facts(n)[2]) for n in layout.visible if not isinstance(n, Value)} - {"None"}
    return dtypes.pop() if len(dtypes) == 1 else None


def _batch_size(layout):
    """The leading dimension shared by every input (a leaf without grad) of rank ≥ 2, or None."""
    shapes = [_facts(n)[1] for n in layout.visible
              if not isinstance(n, Value) and not op_name(n) and not getattr(n, "requires_grad", False)]
    leading = {shape[0] for shape in shapes if shape is not None and len(shape) >= 2}
    return leading.pop() if len(leading) == 1 else None


def draw_graph(root, format="svg", rankdir="LR", show_data=True, show_grad=True, color_by=None,
               max_nodes=None, show_order=False, show_all=False):
    """The graph that produced `root` (a Value or Tensor) as a `graphviz.Digraph`.

    Args:
        format: output format used by `.render()` / `.pipe()` ("svg", "png", ...).
        rankdir: "LR" (left to right) or "TB".
        show_data, show_grad: include values and gradients in the labels.
        color_by: None or "grad" (shade by log10 RMS of the gradient, mark zero/NaN/Inf, with a legend).
        max_nodes: draw at most this many nodes, collapsing module clusters (outermost first).
        show_order: label each op result with its position in the last backward sweep.
        show_all: draw layout plumbing (transpose, reshape, ...) as ops of their own.
    Returns:
        graphviz.Digraph; `.source` is the DOT text (no Graphviz binary needed).
    """
    check_root(root, "draw_graph")
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph: color_by must be None or 'grad', got {color_by!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if max_nodes is not None:
        check_int("draw_graph", "max_nodes", max_nodes)
    graphviz = _graphviz()
    layout = _Layout(root, show_all)
    boxes = _collapse(layout, max_nodes) if max_nodes is not None else {}
    stale = _stale_leaves(root, layout) if show_grad or color_by == "grad" else set()  # no gradient drawn, none stale
    magnitudes = {}
    if color_by == "grad":
        for n in layout.visible:
            summary = grad_summary(n) if id(n) not in stale else None
            if summary is not None:
                magnitudes[id(n)] = summary[1]
    colors, scale = _grad_colors(magnitudes)
    common = _common_dtype(layout)
    # NOTE: newrank ranks all nodes at once, across clusters; without it dot (2.43 at least) fails on module
    # clusters such as a GPT's ("flat edge between adjacent nodes one of which has a record shape ... lost edge")
    dot = _digraph_class(graphviz)(format=format, graph_attr={"rankdir": rankdir, "nodesep": "0.15", "ranksep": "0.25",
                                                              "newrank": "true"},
                                   node_attr={"fontsize": "10", "height": "0.3"})
    bodies = {}  # scope path -> list of DOT statements, nested into clusters below
    for n in layout.visible:
        if id(n) in boxes:
            continue
        i, scope = layout.index[id(n)], layout.scope[id(n)]
        label = _label(n, show_data, show_grad, show_order, common, id(n) in stale)
        # NOTE: record fields run across the rank direction; braces stack them when ranks run top to bottom
        style = {"shape": "record", "label": label if rankdir in ("LR", "RL") else "{" + label + "}"}
        if id(n) in colors:
            style.update(style="filled", fillcolor=colors[id(n)])
        if id(n) in stale:
            style["style"] = "dashed"
        bodies.setdefault(scope, []).append(("node", f"v{i}", style))
        if op_name(n):
            bodies[scope].append(("node", f"op{i}", {"label": op_name(n), "shape": "ellipse", "fontsize": "9"}))
            bodies[scope].append(("edge", f"op{i}", f"v{i}", {}))
    for box in sorted(set(boxes.values())):
        count = sum(1 for b in boxes.values() if b == box)
        title = f"{box}: {layout.titles[box]}" if box in layout.titles else box
        bodies.setdefault("", []).append(("node", f"box_{box}", {"shape": "box3d", "label": f"{title} ({count} values)"}))
    edges = set()
    for n in layout.visible:
        for p, via in layout.inputs[id(n)]:
            src = f"box_{boxes[id(p)]}" if id(p) in boxes else f"v{layout.index[id(p)]}"
            dst = f"box_{boxes[id(n)]}" if id(n) in boxes else f"op{layout.index[id(n)]}"
            if src != dst and (src, dst) not in edges:
                edges.add((src, dst))
                dot.edge(src, dst, **({"label": via, "fontsize": "8"} if via else {}))
    _write_clusters(dot, bodies, layout.titles)
    marks = {m for m in magnitudes.values() if isinstance(m, str)}
    legend = _legend(_batch_size(layout), common, scale, bool(stale), marks)
    if legend:
        dot.attr(label=legend, labelloc="b", fontsize="9")
    return dot


def _write_clusters(dot, bodies, titles):
    """Nest statements into subgraph clusters following the dotted module paths (recursion only as deep as the modules nest)."""
    for s in list(bodies):
        parts = s.split(".") if s else []
        for depth in range(1, len(parts)):
            bodies.setdefault(".".join(parts[:depth]), [])

    def fill(graph, scope):
        for kind, a, b, *attrs in bodies.get(scope, []):
            if kind == "node":
                graph.node(a, **b)
            else:
                graph.edge(a, b, **attrs[0])
        for child in sorted(s for s in bodies if s and s != scope and (s.rsplit(".", 1)[0] if "." in s else "") == scope):
            with graph.subgraph(name=f"cluster_{child}") as sub:
                sub.attr(label=f"{child}: {titles[child]}" if child in titles else child, style="rounded", color="gray50")
                fill(sub, child)
    fill(dot, "")
