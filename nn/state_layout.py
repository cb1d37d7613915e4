"""Nested state (an optimizer's state_dict, {"model": ..., "epoch": 3}) as named numeric arrays plus a JSON layout.

A flat {name: array} dict (a module's state_dict) is stored as it is. Anything nested is
flattened to dotted names ("state.0.exp_avg", "param_groups.0.lr"), and the entry
LAYOUT_KEY records, as JSON bytes, how to rebuild it: which containers were dicts,
lists or tuples, which keys were ints, which numbers were Python ints, floats or bools.
JSON can only describe data, so reading a layout cannot run code.
"""
import json

import numpy as np

from autograd_core import Tensor

LAYOUT_KEY = "__layout__"


def flatten(state):
    """{name: ndarray} for `state`, plus LAYOUT_KEY when `state` is more than a flat dict of arrays."""
    if LAYOUT_KEY in state:
        raise TypeError(f"nn.save: {LAYOUT_KEY!r} is reserved for the checkpoint's own layout entry")
    if all(isinstance(k, str) and isinstance(v, (np.ndarray, Tensor)) for k, v in state.items()):
        return {name: _numeric(name, value) for name, value in state.items()}
    arrays = {}

    def describe(value, name):
        if isinstance(value, dict):
            return {"dict": [[_key(name, k), describe(v, _join(name, k))] for k, v in value.items()]}
        if isinstance(value, (list, tuple)):
            return {type(value).__name__: [describe(v, _join(name, i)) for i, v in enumerate(value)]}
        if value is None or isinstance(value, str):
            return {"literal": value}
        if name in arrays:
            raise TypeError(f"nn.save: two entries are both named {name!r}; use keys that stay distinct when joined by '.'")
        arrays[name] = _numeric(name, value)
        kind = next((t.__name__ for t in (bool, int, float) if type(value) is t), None)
        return {kind or ("scalar" if isinstance(value, np.generic) else "array"): name}

    layout = describe(state, "")
    arrays[LAYOUT_KEY] = np.frombuffer(json.dumps(layout).encode(), dtype=np.uint8)
    return arrays


def unflatten(arrays, path):
    """The state `flatten` was given, rebuilt from the arrays read from `path`."""
    if LAYOUT_KEY not in arrays:
        return arrays
    try:
        layout = json.loads(bytes(arrays[LAYOUT_KEY]).decode())
        return _rebuild(layout, arrays)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ValueError(f"nn.load: {path} is not a valid checkpoint: its layout entry is damaged ({exc})") from None


_CONVERT = {"bool": bool, "int": int, "float": float, "scalar": lambda a: a[()], "array": lambda a: a}


def _rebuild(node, arrays):
    (kind, content), = node.items()
    if kind == "dict":
        return {_checked_key(k): _rebuild(v, arrays) for k, v in content}
    if kind in ("list", "tuple"):
        items = [_rebuild(v, arrays) for v in content]
        return items if kind == "list" else tuple(items)
    if kind == "literal":
        if content is not None and not isinstance(content, str):
            raise TypeError(f"literal {content!r} is neither text nor None")
        return content
    return _CONVERT[kind](arrays[content])


def _checked_key(key):
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        raise TypeError(f"key {key!r} is neither text nor an integer")
    return key


def _key(name, key):
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        raise TypeError(f"nn.save: key {key!r} under {name or 'the top level'!r} is not a string or an integer")
    return key


def _join(name, key):
    return f"{name}.{key}" if name else str(key)


def _numeric(name, value):
    arr = np.asarray(value.data if isinstance(value, Tensor) else value)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"nn.save: {name!r} is not a numeric array (dtype {arr.dtype})")
    return arr
