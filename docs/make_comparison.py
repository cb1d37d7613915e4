"""Render docs/compare_*.png: our `draw_graph` beside torchviz's `make_dot` on the same graphs.

The graphs (docs/graph_comparison.md shows and compares the pictures):
- `notes`: seed 002's example 1 as notebook 01 builds it, a 2-2-1 sigmoid network without
  biases, x = [0.35, 0.9], cost C = 0.5 (y5 - 0.5)^2, as scalar Values (`notes_values`)
  and as Tensors through nn.Linear layers (`our_notes_tensors`);
- `mlp`: Linear(4, 3), ReLU, Linear(3, 2), cross-entropy on a seeded batch of 8, after
  backward, and once more after an SGD step and a new forward pass (stale gradients).
Every picture is 800 px wide and drawn top to bottom. torch and torchviz are optional:
without them only our pictures are made. micrograd's picture comes from a scratch script
kept out of the repository, since its `draw_dot` exists only in a notebook of the
micrograd repository; `notes_values` builds the same Value graph with any scalar engine.

Run from the repository root: `python docs/make_comparison.py`.
"""
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import autograd_core as ag  # noqa: E402  (after the path is set, so the script runs from any directory)
import nn  # noqa: E402
import optim  # noqa: E402
from nn import functional as F  # noqa: E402

DOCS = ROOT / "docs"
WIDTH_PX = 800
DPI = 96
DEFAULT_PAD_IN = 0.0555  # Graphviz's margin around a drawing (4 points)
RANKDIR = "TB"  # every tool's picture top to bottom: these chains drawn left to right are 2000+ px wide
NOTES_INPUTS = {"x1": 0.35, "x2": 0.9}
NOTES_WEIGHTS = {"w31": 0.1, "w32": 0.8, "w41": 0.4, "w42": 0.6, "w53": 0.3, "w54": 0.9}
NOTES_TARGET = 0.5


def notes_values(leaf, sigmoid):
    """Seed 002's example 1 from `leaf(number, name)` and `sigmoid(v)`, so any scalar engine can build it.

    Returns {name: node} for x1, x2, the six weights, h3, h4, y5 and the cost C.
    """
    v = {name: leaf(x, name) for name, x in {**NOTES_INPUTS, **NOTES_WEIGHTS}.items()}
    v["h3"] = sigmoid(v["w31"] * v["x1"] + v["w32"] * v["x2"])
    v["h4"] = sigmoid(v["w41"] * v["x1"] + v["w42"] * v["x2"])
    v["y5"] = sigmoid(v["w53"] * v["h3"] + v["w54"] * v["h4"])
    v["C"] = 0.5 * (v["y5"] - NOTES_TARGET) ** 2
    return v


def our_notes_values():
    """Our scalar graph of example 1 after C.backward(), intermediates labelled as notebook 01 labels them."""
    v = notes_values(ag.Value, ag.Value.sigmoid)
    for name in ("h3", "h4", "y5", "C"):
        v[name].label = name
    v["C"].backward()
    return v["C"]


def notes_weight_arrays():
    """Example 1's weights as (out, in) matrices: W0 = [[w31, w32], [w41, w42]], W1 = [[w53, w54]]."""
    w = NOTES_WEIGHTS
    return np.array([[w["w31"], w["w32"]], [w["w41"], w["w42"]]]), np.array([[w["w53"], w["w54"]]])


def notes_network(torch_nn):
    """Sequential(Linear(2, 2), Sigmoid, Linear(2, 1), Sigmoid), no biases, from our `nn` or `torch.nn`."""
    return torch_nn.Sequential(torch_nn.Linear(2, 2, bias=False), torch_nn.Sigmoid(),
                               torch_nn.Linear(2, 1, bias=False), torch_nn.Sigmoid())


def our_notes_tensors():
    """Our Tensor graph of example 1 after backward (float64, the notes' numbers exactly)."""
    model = notes_network(nn).to(ag.float64)
    with ag.no_grad():
        for layer, w in zip((model[0], model[2]), notes_weight_arrays()):
            layer.weight.copy_(ag.tensor(w))
    x = ag.Tensor(np.array([list(NOTES_INPUTS.values())]), name="x")
    loss = 0.5 * ((model(x) - NOTES_TARGET) ** 2).sum()
    loss.backward()
    return loss


def mlp_batch():
    """A seeded batch of 8: inputs (8, 4), integer classes (8,), and the weights of a 4-3-2 MLP."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 4)).astype(np.float32), rng.integers(0, 2, size=8)
    weights = [rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in ((3, 4), (3,), (2, 3), (2,))]
    return x, y, weights


def mlp_network(torch_nn):
    """Sequential(Linear(4, 3), ReLU, Linear(3, 2)) from our `nn` or `torch.nn`."""
    return torch_nn.Sequential(torch_nn.Linear(4, 3), torch_nn.ReLU(), torch_nn.Linear(3, 2))


def our_mlp_model():
    """Our 4-3-2 MLP holding the seeded weights, the batch's inputs `x` and targets `y`."""
    x, y, weights = mlp_batch()
    model = mlp_network(nn)
    with ag.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(ag.tensor(w))
    return model, ag.Tensor(x, name="x"), ag.Tensor(y, name="y")


def our_mlp():
    """Our 4-3-2 MLP's cross-entropy on the batch, after backward."""
    model, x, y = our_mlp_model()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return loss


def our_mlp_stale():
    """The MLP after one SGD step and a new forward pass, drawn before any new backward: its grads are stale."""
    model, x, y = our_mlp_model()
    F.cross_entropy(model(x), y).backward()
    optim.SGD(model.parameters(), lr=0.1).step()
    return F.cross_entropy(model(x), y)


def torch_notes_tensors(torch):
    """torch's example 1 after backward, and its named parameters."""
    model = notes_network(torch.nn).double()
    with torch.no_grad():
        for layer, w in zip((model[0], model[2]), notes_weight_arrays()):
            layer.weight.copy_(torch.tensor(w))
    loss = 0.5 * ((model(torch.tensor([list(NOTES_INPUTS.values())], dtype=torch.float64)) - NOTES_TARGET) ** 2).sum()
    loss.backward()
    return loss, dict(model.named_parameters())


def torch_mlp(torch):
    """torch's 4-3-2 MLP cross-entropy on the same batch after backward, and its named parameters."""
    x, y, weights = mlp_batch()
    model = mlp_network(torch.nn)
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.tensor(w))
    loss = torch.nn.functional.cross_entropy(model(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    return loss, dict(model.named_parameters())


def render_png(dot, path, width_px=WIDTH_PX, dpi=DPI):
    """Write `dot` (a graphviz.Digraph) to `path` as a PNG `width_px` wide, at one scale for every tool.

    A drawing wider than that is scaled down to fit (its text shrinks, as on a page); a
    narrower one keeps its natural size and is centred with padding, so equal font sizes
    look equal in every picture.
    """
    natural_in = float(dot.pipe(format="plain").decode().split(maxsplit=3)[2])
    target_in = width_px / dpi
    if natural_in + 2 * DEFAULT_PAD_IN > target_in:
        dot.graph_attr.update(size=f"{target_in:.4f},1000!", dpi=str(dpi))
    else:
        dot.graph_attr.pop("size", None)  # torchviz sets 12 x 12 inches; no drawing here reaches it
        dot.graph_attr.update(pad=f"{(target_in - natural_in) / 2:.4f},{DEFAULT_PAD_IN}", dpi=str(dpi))
    pathlib.Path(path).write_bytes(dot.pipe(format="png"))
    print(f"wrote {path}")


def draw_ours():
    """Our pictures: the notes' network as Values and as Tensors, the MLP after backward, and with stale grads."""
    render_png(ag.draw_graph(our_notes_values(), rankdir=RANKDIR, color_by="grad"), DOCS / "compare_notes_values_ours.png")
    render_png(ag.draw_graph(our_notes_tensors(), rankdir=RANKDIR, color_by="grad"), DOCS / "compare_notes_tensors_ours.png")
    render_png(ag.draw_graph(our_mlp(), rankdir=RANKDIR, color_by="grad"), DOCS / "compare_mlp_ours.png")
    render_png(ag.draw_graph(our_mlp_stale(), rankdir=RANKDIR, color_by="grad"), DOCS / "compare_mlp_stale_ours.png")


def draw_torchviz():
    """torchviz's pictures of the same Tensor graphs, when torch and torchviz are installed."""
    try:
        import torch
        import torchviz
    except ImportError:
        print("torch or torchviz not installed: skipped their pictures (pip install torch torchviz==0.0.3)")
        return
    for graph, build in (("notes_tensors", torch_notes_tensors), ("mlp", torch_mlp)):
        loss, params = build(torch)
        render_png(torchviz.make_dot(loss, params=params), DOCS / f"compare_{graph}_torchviz.png")


if __name__ == "__main__":
    draw_ours()
    draw_torchviz()
