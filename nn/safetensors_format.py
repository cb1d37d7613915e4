"""State dicts as .safetensors files (Hugging Face's weights format: a JSON header and raw arrays, no code).

The optional `safetensors` package (`pip install -e ".[interop]"`) does the encoding; it is imported
only when a `.safetensors` path is saved or loaded. Only flat {name: array} state dicts fit the format;
nested state (an optimizer's) stays in `.npz`.
"""
import json
import struct

import numpy as np

from autograd_core import Tensor

# the header's dtype names and their numpy types: what both safetensors and numpy can represent
_DTYPES = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "U16": np.uint16, "I16": np.int16,
           "U32": np.uint32, "I32": np.int32, "U64": np.uint64, "I64": np.int64,
           "F16": np.float16, "F32": np.float32, "F64": np.float64}


def _package(path):
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(f"nn.save/nn.load: {path} is a .safetensors file, which needs the optional "
                          "'safetensors' package: pip install -e \".[interop]\"") from None
    return safetensors.numpy


def encode(state, path):
    """The bytes of a .safetensors file holding the flat state dict `state` (name -> array or Tensor)."""
    arrays = {}
    for name, value in state.items():
        if not isinstance(name, str) or not isinstance(value, (np.ndarray, Tensor)) and not hasattr(value, "__array__"):
            raise TypeError(f"nn.save: {path} is a .safetensors file, which holds only a flat dict of arrays "
                            f"(a module's state_dict); entry {name!r} is a {type(value).__name__}. "
                            "Save nested state such as an optimizer's state_dict to a .npz path")
        array = np.ascontiguousarray(np.asarray(value))
        if array.dtype.type not in _DTYPES.values():
            raise TypeError(f"nn.save: entry {name!r} has dtype {array.dtype}, which .safetensors cannot hold; "
                            "use a .npz path")
        arrays[name] = array
    return _package(path).save(arrays)


def decode(path, max_bytes):
    """{name: ndarray} read from the .safetensors file at `path`, after checking its header.

    The header is checked before any data is read: known numeric dtypes only, shapes that match the
    byte ranges, a total size under `max_bytes`. Every error names the file and the entry.
    """
    not_file = f"nn.load: {path} is not a .safetensors file"
    with open(path, "rb") as f:
        size_bytes = f.read(8)
        if len(size_bytes) != 8:
            raise ValueError(f"{not_file} (shorter than its 8-byte header length)")
        (header_size,) = struct.unpack("<Q", size_bytes)
        if header_size > min(max_bytes, 100 * 2 ** 20):
            raise ValueError(f"{not_file} (its header claims {header_size:,} bytes)")
        try:
            header = json.loads(f.read(header_size))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"{not_file} (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise ValueError(f"{not_file} (its header is not a JSON object)")
    total = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(entry.get("dtype")) if isinstance(entry, dict) else None
        if dtype is None:
            raise ValueError(f"nn.load: entry {name!r} in {path} has dtype {entry.get('dtype') if isinstance(entry, dict) else entry!r}, "
                             f"which numpy cannot hold (known: {', '.join(_DTYPES)})")
        total += int(np.prod(entry.get("shape", []), dtype=object)) * np.dtype(dtype).itemsize
        if total > max_bytes:
            raise ValueError(f"nn.load: {path} holds more than max_bytes={max_bytes:,} bytes "
                             f"(reached at entry {name!r}); if you trust the file, pass a larger max_bytes to nn.load")
    package = _package(path)
    from safetensors import SafetensorError
    try:
        return {name: np.array(array) for name, array in package.load_file(path).items()}  # copies: no mmap kept
    except SafetensorError as exc:  # a damaged file whose header looked valid
        raise ValueError(f"nn.load: {path} is corrupted ({exc})") from None
