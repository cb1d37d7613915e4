"""The static picture beside `explore`'s page: its last step as one SVG, drawn without a script.

Viewers that strip scripts and iframes (GitHub, nbviewer) show image outputs, so the
picture gives them the replay's end state: the same boxes, layout and arrows as the
page, each box with its gradient (or tangent) and each edge with the share it carried.
Only presentation attributes are used (no <style>, no markers, no paint-order), which
survive SVG sanitizers and renderers such as cairosvg. The geometry constants and formulas mirror explore_page.html.
"""
from html import escape

W, PAD, HEADER_LINE = 200, 20, 15
CHAR = {11: 6.8, 10: 6.2}  # width of a character (px) at each font size, generous (DejaVu digits: 0.64 em)
SQUEEZE = 1.3  # a box's line may be squeezed to 1/1.3 of its width before it is cut
COLOURS = {"box": "#ffffff", "done": "#e8f0fe", "line": "#555555", "edge": "#888888", "sent": "#1a56b0"}
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'


def static_svg(data):
    """An SVG of the page `data` (as explore builds it) after its last step."""
    lines = max((len(n["lines"]) for n in data["nodes"]), default=1)
    height_box = 8 + 14 * lines
    slot_w, layer_h = W + 50, height_box + 66
    nodes, edges = data["nodes"], data["edges"]
    layers = max((n["layer"] for n in nodes), default=0)
    slots = max([n["slot"] for n in nodes] + [v[1] for e in edges for v in e["via"]] + [0])
    width = PAD * 2 + W + 60 + slot_w * slots
    header = _header(data, int((width - 2 * PAD) / CHAR[11]))
    top = PAD + HEADER_LINE * len(header) + 10
    height = top + PAD + height_box + 14 + layer_h * layers

    def left(slot):
        return PAD + slot * slot_w

    def box_top(layer):
        return top + layer * layer_h

    status, done, labels = _final_state(data)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" {FONT}>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for k, text in enumerate(header):
        size, colour = (13, "#222222") if k == 0 else (11, "#a05a00" if text.startswith("!") else "#444444")
        weight = ' font-weight="600"' if k == 0 else ""
        out.append(f'<text x="{PAD}" y="{PAD + HEADER_LINE * k}" font-size="{size}" fill="{colour}"{weight}>'
                   f'{escape(text.lstrip("!"))}</text>')
    for k, (d, tip, label_at) in enumerate(_edge_shapes(nodes, edges, left, box_top, height_box)):
        colour = COLOURS["sent"] if k in labels else COLOURS["edge"]
        out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.2"/>')
        x, y = tip
        out.append(f'<path d="M{x - 4.5:g},{y - 9:g} L{x:g},{y:g} L{x + 4.5:g},{y - 9:g} z" fill="{colour}"/>')
        if k in labels:
            out.append(_halo_text(label_at[0], label_at[1], 10, COLOURS["sent"], labels[k]))
    for i, n in enumerate(nodes):
        x, y = left(n["slot"]), box_top(n["layer"])
        out.append(f'<rect x="{x}" y="{y}" width="{W}" height="{height_box}" rx="5" '
                   f'fill="{COLOURS["done"] if i in done else COLOURS["box"]}" stroke="{COLOURS["line"]}"/>')
        for j, line in enumerate(n["lines"]):
            out.append(_box_line(x + 6, y + 16 + 14 * j, 10 if j == 2 else 11, j == 0, line))
        if status[i]:
            out.append(_halo_text(x, y + height_box + 12, 10, COLOURS["sent"], _clip(status[i], 44)))
    out.append("</svg>")
    return "\n".join(out)


def _header(data, columns):
    """Title, legend and the page's note (prefixed with ! to colour it as the page does), wrapped."""
    reverse = data["mode"] == "reverse"
    steps = len(data["steps"])
    done = f"after all {steps} steps" if steps != 1 else "after its one step"
    title = f"The backward sweep {done}" if reverse else f"Forward mode {done}"
    legend = ("Static picture of the interactive page's last step. Arrows: the way data flowed forward. "
              "Under each box: its gradient (g) or the shares it received; on each edge: the share sent back along it."
              if reverse else
              "Static picture of the interactive page's last step. Arrows: the way data and tangents flow. "
              "Under each box: its tangent (t); on each edge: the tangent that came in along it.")
    lines = [title] + _wrap(legend, columns)
    if data["note"]:
        lines += ["!" + line for line in _wrap(data["note"], columns)]
    return lines


def _wrap(text, width):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


def _final_state(data):
    """What the page shows after its last step: each box's status line, which boxes ran, each edge's label."""
    reverse = data["mode"] == "reverse"
    status = [("seed " if reverse else "seed tangent ") + n["initial"] if n["initial"] else "" for n in data["nodes"]]
    expected = [0] * len(data["nodes"])
    for step in data["steps"]:
        for share in step["shares"]:
            if reverse:
                expected[share["to"]] += 1
    done, labels = set(), {}
    for step in data["steps"]:
        done.add(step["node"])
        status[step["node"]] = ("g: " if reverse else "t: ") + step["brief"]
        for share in step["shares"]:
            labels[share["edge"]] = share["brief"]
        for j, st in step.get("status", {}).items():
            j = int(j)
            status[j] = f"{st['received']} of {expected[j]} shares" + (f": sum {st['sum']}" if st["sum"] else "")
    return status, done, labels


def _edge_shapes(nodes, edges, left, box_top, height_box):
    """Per edge: its SVG path, where its arrow tip is, and where its label sits (as the page computes them)."""
    inputs_of, uses_of, labels_at, ends, rows = [0] * len(nodes), [0] * len(nodes), {}, [], []
    for e in edges:
        ends.append((uses_of[e["from"]], inputs_of[e["to"]]))
        uses_of[e["from"]] += 1
        inputs_of[e["to"]] += 1
        at = f'{e["from"]}@{e["via"][-1][0]}' if e["via"] else str(e["from"])
        labels_at[at] = labels_at.get(at, 0) + 1
        rows.append(labels_at[at] - 1)

    def spread(k, n):
        return (k - (n - 1) / 2) * min(28, (W - 40) / max(n - 1, 1))

    shapes = []
    for k, e in enumerate(edges):
        a, b = nodes[e["from"]], nodes[e["to"]]
        points = [(left(a["slot"]) + W / 2 + spread(ends[k][0], uses_of[e["from"]]), box_top(a["layer"]) + height_box)]
        for layer, slot in e["via"]:
            points += [(left(slot) + W / 2, box_top(layer)), (left(slot) + W / 2, box_top(layer) + height_box)]
        points.append((left(b["slot"]) + W / 2 + spread(ends[k][1], inputs_of[e["to"]]), box_top(b["layer"])))
        d = f"M{points[0][0]:g},{points[0][1]:g}"
        for i in range(0, len(points) - 1, 2):
            (x1, y1), (x2, y2) = points[i], points[i + 1]
            d += f" C{x1:g},{y1 + 36:g} {x2:g},{y2 - 36:g} {x2:g},{y2:g}"
            if i + 2 < len(points):
                d += f" L{points[i + 2][0]:g},{points[i + 2][1]:g}"
        x1, y1 = points[-2]
        shapes.append((d, points[-1], (x1 + 6, y1 + 26 + 12 * rows[k])))
    return shapes


def _box_line(x, y, size, bold, line):
    """A line of a box: a line that may be too wide for the box is squeezed to its width
    (textLength, which holds in any font), and one far too wide is first cut with an ellipsis."""
    room = W - 12
    weight = ' font-weight="600"' if bold else ""
    if len(line) * CHAR[size] <= room:
        return f'<text x="{x}" y="{y}" font-size="{size}" fill="#222222"{weight}>{escape(line)}</text>'
    line = _clip(line, SQUEEZE * room / CHAR[size])
    return (f'<text x="{x}" y="{y}" font-size="{size}" fill="#222222"{weight} textLength="{room}" '
            f'lengthAdjust="spacingAndGlyphs">{escape(line)}</text>')


def _clip(text, room):
    room = int(room)
    return text if len(text) <= room else text[:room - 1] + "\u2026"


def _halo_text(x, y, size, colour, text):
    """Text with a white outline, readable where it crosses an edge: the outline is a copy drawn first,
    not paint-order (which cairosvg and some viewers ignore, painting the white stroke over the letters)."""
    at = f'x="{x:g}" y="{y:g}" font-size="{size}"'
    return (f'<text {at} fill="#ffffff" stroke="#ffffff" stroke-width="3" aria-hidden="true">{escape(text)}</text>\n'
            f'<text {at} fill="{colour}">{escape(text)}</text>')
