"""`draw_graph`: the computational graph of a Value or Tensor as a graphviz Digraph.

One box per value (label, shape or value, gradient) and one ellipse per op. Ops
recorded inside nn modules are grouped into clusters named by the module's path;
`max_nodes` collapses whole clusters so large models stay readable; `color_by="grad"`
shades values by log10 of their mean |gradient| (vanishing gradients pale, large ones
dark) and marks zero, NaN and Inf gradients.

Draw a Tensor graph before `backward()`, or after `backward(retain_graph=True)` to see
every node's gradient; a plain `backward()` frees the graph.
"""
import functools
import math
import shutil

import numpy as np

from .grad_mode import scope_path
from .graph import op_name, parents, topological_order
from .tensor import Tensor
from .value import Value

_ZERO, _NAN, _INF = "#d9d9d9", "#ff66ff", "#ff3333"


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


def _grad_of(node):
    """(array or float or None) gradient known for a graph node."""
    if isinstance(node, Value):
        return node.grad
    if node.grad is not None:
        return node.grad.data
    ctx = node._node
    g = getattr(ctx, "__dict__", {}).get("grad") if ctx is not None else None
    return None if g is None else np.asarray(getattr(g, "data", g))


def _magnitude(g):
    """Mean |g|, or a string for zero / NaN / Inf."""
    arr = np.asarray(g, dtype=np.float64)
    if np.isnan(arr).any():
        return "NaN"
    if np.isinf(arr).any():
        return "Inf"
    mag = float(np.abs(arr).mean()) if arr.size else 0.0
    return "zero" if mag == 0 else mag


def _fmt(x):
    return f"{x:.4g}"


def _stats(arr):
    arr = np.asarray(arr)
    if arr.size == 1:
        return _fmt(float(arr.reshape(-1)[0]))
    if not np.issubdtype(arr.dtype, np.number):
        return str(arr.dtype)
    return f"mean {_fmt(float(arr.mean()))} |max| {_fmt(float(np.abs(arr).max()))}"


def _label(node, show_data, show_grad, order):
    lines = []
    if isinstance(node, Value):
        lines.append(node.label or "")
        if show_data:
            lines.append(f"data {node.data:.4f}")
        if show_grad:
            lines.append(f"grad {node.grad:.4f}")
    else:
        lines.append(f"{node.name or ('' if node._node is None else node._node.prim.name)} {tuple(node.shape)} {node.dtype}")
        if show_data:
            lines.append(f"data {_stats(node.data)}")
        g = _grad_of(node)
        if show_grad and g is not None:
            lines.append(f"grad {_stats(g)}")
    if order is not None:
        lines.append(f"backward #{order}")
    return " | ".join(line for line in lines if line)


def _colors(nodes):
    """Fill colour per node id from log10 mean |grad| (white = smallest, red = largest)."""
    mags = {id(n): _magnitude(g) for n in nodes if (g := _grad_of(n)) is not None}
    logs = [math.log10(m) for m in mags.values() if isinstance(m, float)]
    lo, hi = (min(logs), max(logs)) if logs else (0.0, 1.0)
    colors = {}
    for key, m in mags.items():
        if m == "zero":
            colors[key] = _ZERO
        elif m == "NaN":
            colors[key] = _NAN
        elif m == "Inf":
            colors[key] = _INF
        else:
            t = 0.0 if hi == lo else (math.log10(m) - lo) / (hi - lo)
            colors[key] = f"0.0 {0.15 + 0.75 * t:.3f} 1.0"
    return colors


def _scope(node, consumers):
    """Module path that owns a node: its op's scope, or for a named leaf its first consumer's."""
    if isinstance(node, Tensor):
        if node._node is not None:
            return scope_path(node._node.scope)
        if node.name and consumers.get(id(node)):
            return consumers[id(node)]
    return ""


def _collapse(scopes, count, max_nodes):
    """Choose module paths to draw as single boxes until at most `max_nodes` nodes remain."""
    sizes = {}
    for s in scopes.values():
        parts = s.split(".") if s else []
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth])
            sizes[prefix] = sizes.get(prefix, 0) + 1
    collapsed = set()
    for prefix in sorted(sizes, key=lambda p: (-sizes[p], -p.count("."))):
        if count <= max_nodes:
            break
        if any(prefix.startswith(c + ".") or prefix == c for c in collapsed):
            continue
        covered = [c for c in collapsed if c.startswith(prefix + ".")]
        saved = sizes[prefix] - 1 - sum(sizes[c] - 1 for c in covered)
        if saved > 0:
            collapsed -= set(covered)
            collapsed.add(prefix)
            count -= saved
    return collapsed


def draw_graph(root, format="svg", rankdir="LR", show_data=True, show_grad=True, color_by=None,
               max_nodes=None, show_order=False):
    """The graph that produced `root` (a Value or Tensor) as a `graphviz.Digraph`.

    Args:
        format: output format used by `.render()` / `.pipe()` ("svg", "png", ...).
        rankdir: "LR" (left to right) or "TB".
        show_data, show_grad: include values and gradients in the labels.
        color_by: None or "grad" (shade by log10 mean |grad|, mark zero/NaN/Inf).
        max_nodes: collapse module clusters until at most this many nodes remain.
        show_order: label each op result with its position in the backward sweep.
    Returns:
        graphviz.Digraph; `.source` is the DOT text (no Graphviz binary needed).
    """
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph: color_by must be None or 'grad', got {color_by!r}")
    if isinstance(root, Tensor) and root._node is not None and root._node.parents is None:
        raise RuntimeError("draw_graph: this graph was freed by backward(); call backward(retain_graph=True) "
                           "to draw it with its gradients, or draw before backward()")
    graphviz = _graphviz()
    nodes = topological_order(root, parents)
    index = {id(n): i for i, n in enumerate(nodes)}
    consumers = {}
    for n in nodes:
        for p in parents(n):
            consumers.setdefault(id(p), _scope(n, {}))
    scopes = {id(n): _scope(n, consumers) for n in nodes}
    total = len(nodes) + sum(1 for n in nodes if parents(n))
    collapsed = _collapse(scopes, total, max_nodes) if max_nodes is not None and total > max_nodes else set()
    colors = _colors(nodes) if color_by == "grad" else {}

    def box_of(n):
        s = scopes[id(n)]
        for c in collapsed:
            if s == c or s.startswith(c + "."):
                return "cluster_box_" + c
        return None

    dot = _digraph_class(graphviz)(format=format, graph_attr={"rankdir": rankdir}, node_attr={"fontsize": "10"})
    bodies = {}  # scope path -> list of DOT statements, nested into clusters below

    def emit(scope, line):
        bodies.setdefault(scope, []).append(line)

    for n in nodes:
        if box_of(n):
            continue
        i, op = index[id(n)], op_name(n)
        ctx = getattr(n, "_node", None)
        order = getattr(ctx, "__dict__", {}).get("sweep") if show_order and ctx is not None else None
        style = {"shape": "record", "label": _label(n, show_data, show_grad, order)}
        if id(n) in colors:
            style.update(style="filled", fillcolor=colors[id(n)])
        emit(scopes[id(n)], ("node", f"v{i}", style))
        if op:
            emit(scopes[id(n)], ("node", f"op{i}", {"label": op, "shape": "ellipse"}))
            emit(scopes[id(n)], ("edge", f"op{i}", f"v{i}"))
    for c in collapsed:
        members = [n for n in nodes if box_of(n) == "cluster_box_" + c]
        emit("", ("node", "cluster_box_" + c, {"shape": "box3d", "label": f"{c} ({len(members)} values)"}))

    edges = set()
    for n in nodes:
        for p in parents(n):
            src = box_of(p) or f"v{index[id(p)]}"
            dst = box_of(n) or f"op{index[id(n)]}"
            if src != dst and (src, dst) not in edges:
                edges.add((src, dst))
                dot.edge(src, dst)
    _write_clusters(dot, bodies)
    return dot


def _write_clusters(dot, bodies):
    """Nest statements into subgraph clusters following the dotted module paths."""
    def fill(graph, scope):
        for kind, *rest in bodies.get(scope, []):
            if kind == "node":
                name, attrs = rest
                graph.node(name, **attrs)
            else:
                graph.edge(*rest)
        children = sorted({s for s in bodies if s and s != scope and s.rsplit(".", 1)[0] == scope} |
                          ({s for s in bodies if s and "." not in s} if scope == "" else set()))
        for child in children:
            if child == scope:
                continue
            with graph.subgraph(name=f"cluster_{child}") as sub:
                sub.attr(label=child, style="rounded", color="gray50")
                fill(sub, child)
    for s in list(bodies):
        parts = s.split(".") if s else []
        for depth in range(1, len(parts)):
            bodies.setdefault(".".join(parts[:depth]), [])
    fill(dot, "")
