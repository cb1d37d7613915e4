"""docs/api.md stays in step with the code: every name it lists exists.

A heading with a code span (`nn.utils`) sets the namespace; each inline code span below
it that starts with a name (`clip_grad_norm_(...)`, `.grad`, `t.size()`) must resolve
there; `t.` and a leading dot look the name up on an instance (of the heading's class,
else of Tensor). Keyword arguments (`dim=`), operators,
literals and numpy or torch names are not API names and are skipped.
"""
import keyword
import pathlib
import re

import pytest

import autograd_core as ag
import nn
import optim

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "api.md"
ROOTS = {"autograd_core": ag, "nn": nn, "optim": optim}
NOT_API = {"np", "numpy", "torch", "jax", "graphviz", "safetensors", "onnx", "onnxruntime", "help", "import", "pip", "t", "True", "False", "None"}
NAME = re.compile(r"^(t\.|\.)?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(.?)")


def _names():
    """(namespace, name, on_instance) for every API name written in docs/api.md, in order."""
    text = re.sub(r"^```.*?^```", "", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)
    by_level, found = {}, []
    for match in re.finditer(r"^(#+)(.*)$|`([^`]+)`", text, flags=re.M):
        if match.group(1):  # a heading: its code span, or its parent's namespace
            level, span = len(match.group(1)), re.search(r"`([^`]+)`", match.group(2))
            by_level = {k: v for k, v in by_level.items() if k < level}
            by_level[level] = span.group(1) if span else by_level.get(level - 1)
            continue
        namespace = by_level.get(max(by_level, default=0))
        name = NAME.match(" ".join(match.group(3).split()))
        if not name or namespace is None or name.group(3) == "=" or keyword.iskeyword(name.group(2)):
            continue
        if name.group(2).split(".")[0] not in NOT_API:
            found.append((namespace, name.group(2), bool(name.group(1))))
    return found


def _instance(cls):
    """An instance to look attributes up on (`.grad` exists on a Tensor, not on the class)."""
    if cls is ag.Value:
        return ag.Value(1.0)
    if cls is nn.Module:
        return nn.Module()
    return ag.tensor([1.0], requires_grad=True) * 1


def _resolve(namespace, name, on_instance):
    root, *rest = namespace.split(".")
    obj = ROOTS[root]
    for part in rest:
        obj = getattr(obj, part)
    first, *path = name.split(".")
    if first in ROOTS:
        obj = ROOTS[first]
    elif first != namespace.split(".")[-1]:  # `Value(...)` under the heading `autograd_core.Value` is the class
        path = [first] + path
    if on_instance:
        obj = _instance(obj if isinstance(obj, type) else ag.Tensor)
    for part in path:
        obj = getattr(obj, part)
    return obj


def test_the_reference_lists_names():
    names = {name for _, name, _ in _names()}
    assert {"Tensor", "max", "manual_seed", "clip_grad_norm_", "ReduceLROnPlateau", "TensorDataset", "hvp",
            "checkpoint", "sweep_modes", "explore", "zero_", "copy_", "fill_", "detect_anomaly"} <= names
    assert len(names) >= 231  # the count when the merged branches were documented: lower means a name was dropped


@pytest.mark.parametrize("namespace,name,on_instance", sorted(set(_names())))
def test_every_listed_name_exists(namespace, name, on_instance):
    try:
        _resolve(namespace, name, on_instance)
    except AttributeError as error:
        pytest.fail(f"docs/api.md lists `{name}` under `{namespace}`, but it does not exist: {error}")
