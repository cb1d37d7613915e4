"""Every notebook runs from top to bottom in a fresh kernel, draws every figure it promises,
and prints the course notes' numbers as computed by the engine (never typed into the code)."""
import glob
import os
import shutil

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NOTEBOOK_DIR = os.path.join(ROOT, "notebooks")
NOTEBOOKS = sorted(glob.glob(os.path.join(NOTEBOOK_DIR, "*.ipynb")))
CONTENT = sorted(f[:-3] for f in os.listdir(os.path.join(NOTEBOOK_DIR, "content")) if f[0].isdigit())

# Strings each notebook's outputs must contain and none of its code cells may contain:
# the numbers of issue 18, so they can only come from the engine.
COMPUTED = {
    "00_build_your_own_engine": [
        "z3 = 0.755", "z4 = 0.680", "y3 = 0.680", "z5 = 0.801", "y5 = 0.690", "y4 = 0.66374", "0.01805",
        "C = 0.0181039", "0.0276740", "0.0270016", "db/da = 1.0", "ratio 2.000000", "within 1e-9: True",
        "ratio 5.0000",
    ],
    "01_backprop_by_hand": [
        "0.690283", "0.0181039", "0.0276740", "0.0270016", "0.01805", "0.02694",
        "w31 = 0.0991", "w32 = 0.7976", "w41 = 0.3971", "w42 = 0.5926", "0.016565", "2.5714",
        "net_h1   = 0.442", "out_h1   = 0.6087", "net_h2   = 0.586", "out_h2   = 0.642",
        "net_o1   = 0.514", "out_o1   = 0.6258", "net_o2   = 0.389", "out_o2   = 0.596",
        "0.2774039", "0.02931", "-0.00972", "0.2653703", "6.3612e-05", "0.99198",
        "29 Value ops", "15 Tensor ops", "equal: True",
        "equals the bracket: True",
    ],
    "02_forward_vs_reverse": ["de/db = 5.0", "reverse-mode FLOPs 900 -> 5,860", "4,096"],
    "03_activations": ["95.227 %", "4.741 %", "0.032 %", "95.25 %", "4.71 %", "first two: 0.04 %",
                       "outputs [0.5 0.5 0.5 0.5]", "one affine map A x + c: True"],
    "04_initialization": ["at layer 10: 5e+03", "1 of 16", "16 of 16", "fixed random linear loss: 1.0",
                          "sqrt(pi/(pi-1)) = 1.211", "training mode, output mean per feature: [0. 0. 0.]"],
    "05_cnn_digits": ["gradients, fused vs composed: True", "gradcheck, composed form:   True",
                      "same as the composed form: True", "10x10 pixels",
                      "rows 0..6, columns 0..6: 49 of 64 pixels"],
    "06_rnn_lstm_gru": ["equals jacrev of the unrolled map: True", "nn.LSTMCell: True True",
                        "gradcheck nn.LSTMCell (x, h, c): True", "gradcheck nn.GRUCell (x, h):     True",
                        "clipped to norm 1 : 60 finite steps", "mean forget gate 0.73",
                        "max |notes - nn.GRUCell| = below 1e-12  equal: True"],
    "07_models_as_modules": ["counted by the module: 4810"],
    "08_losses_and_logistic": ["cross-entropy 1.378", "cross-entropy 0.639", "equal: True",
                               "4 of 4 on the right side", "0 of 4 on the right side",
                               "XOR = 1 region on the grid: 2 connected piece(s)"],
    "09_layers_untangle_curves": ["training accuracy 100.0%"],
    "10_small_gpt": ["856 characters, 45 distinct", "28,864 parameters", "ln(45) = 3.807",
                     "each row sums to 1: True", "rebuilt output equals the layer's own: True",
                     "f: R^128 -> R^1", "Jacobians agree: True", "by hand: 28,864"],
    "11_per_sample_gradients": ["per-sample gradients (64, 32, 64)", "equal to float32 rounding: True",
                                "at most C: True"],
}
# Digraph: a graph drawn with graphviz directly; explore: its static picture shows beside the interactive page
FIGURE_CALLS = ("plt.show()", "draw_graph(", "Digraph(", "explore(")
IMAGE_TYPES = ("image/png", "image/svg+xml")


def test_every_content_file_is_built():
    assert [os.path.basename(p)[:-6] for p in NOTEBOOKS] == CONTENT


def test_every_notebook_has_its_computed_numbers_listed():
    assert sorted(COMPUTED) == CONTENT


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[os.path.basename(p) for p in NOTEBOOKS])
def executed(request):
    """(name, notebook) executed in a fresh kernel that imports this checkout's packages."""
    nb = nbformat.read(request.param, as_version=4)
    path = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", path)
        # one BLAS thread per kernel: pytest-xdist already runs a kernel per core, and two BLAS
        # threads per kernel on top made the GPT notebook several times slower
        mp.setenv("OMP_NUM_THREADS", "1")
        mp.setenv("OPENBLAS_NUM_THREADS", "1")
        nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": NOTEBOOK_DIR}}).execute()
    return os.path.basename(request.param)[:-6], nb


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _text(output):
    if output.output_type == "stream":
        return output.text
    return output.get("data", {}).get("text/plain", "")


def test_notebook_executes_without_errors(executed):
    _, nb = executed
    errors = [o for c in _code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]


def test_every_figure_cell_shows_an_image(executed):
    name, nb = executed
    for cell in _code_cells(nb):
        if not any(call in cell.source for call in FIGURE_CALLS):
            continue
        if ("draw_graph(" in cell.source or "Digraph(" in cell.source) and not shutil.which("dot"):
            continue  # without Graphviz the cell prints DOT text instead
        images = [o for o in cell.outputs if any(t in o.get("data", {}) for t in IMAGE_TYPES)]
        assert images, f"{name}: figure cell drew no image:\n{cell.source[:300]}"


def test_notes_numbers_are_computed_not_typed(executed):
    name, nb = executed
    sources = "\n".join(c.source for c in _code_cells(nb))
    outputs = "\n".join(_text(o) for c in _code_cells(nb) for o in c.outputs)
    for number in COMPUTED[name]:
        assert number not in sources, f"{name}: {number!r} is typed into a code cell"
        assert number in outputs, f"{name}: {number!r} does not appear in any output"
