"""Write the teaching notebooks from the cell lists in `content/`, execute them, save with outputs.

python notebooks/build.py            # all notebooks
python notebooks/build.py 03         # only those whose name starts with 03
"""
import importlib.util
import os
import sys

import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def kernel_sees_this_checkout():
    """Put this checkout first on the kernel's path, so notebooks run this engine, not an installed one."""
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)


def load_cells(path):
    spec = importlib.util.spec_from_file_location("cells", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TITLE, module.CELLS


def build(name, timeout=120):
    title, cells = load_cells(os.path.join(HERE, "content", name + ".py"))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}")]
    for kind, text in cells:
        text = text.strip("\n")
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text))
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": HERE}}).execute()
    nbformat.write(nb, os.path.join(HERE, name + ".ipynb"))


def main(prefixes):
    kernel_sees_this_checkout()
    names = sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "content")) if f.endswith(".py") and f[0].isdigit())
    for name in names:
        if not prefixes or any(name.startswith(p) for p in prefixes):
            print("building", name, flush=True)
            build(name)


if __name__ == "__main__":
    main(sys.argv[1:])
