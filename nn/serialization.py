"""Checkpoints as numpy .npz files (or .safetensors, by suffix): written atomically, read without pickle
(an untrusted file cannot run code)."""
import contextlib
import os
import secrets
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import safetensors_format
from .state_layout import flatten, unflatten

# default cap on a checkpoint's uncompressed size: far above this project's models (a few MB), far below
# what a small crafted file can inflate to (deflate reaches about 1000:1)
MAX_BYTES = 100 * 2 ** 20
_NPY_MAGIC = b"\x93NUMPY"
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def save(obj, path):
    """Write the state_dict of a module or optimizer, or a dict (of arrays, or nested), to `path` as .npz.

    A path ending in `.safetensors` is written in that format instead (flat state dicts only).

    The file is written to a temporary in the same directory, flushed to disk and renamed over
    `path` (atomic on POSIX), so a failed or interrupted save leaves any previous file intact.
    """
    state = obj.state_dict() if callable(getattr(obj, "state_dict", None)) else obj
    if not isinstance(state, dict):
        raise TypeError(f"nn.save: expected a module, an optimizer or a dict of arrays, got {type(obj).__name__}")
    path = _path("nn.save", path)
    if path.endswith(".safetensors"):
        encoded = safetensors_format.encode(state, path)
        write = lambda f: f.write(encoded)
    else:
        arrays = flatten(state)
        write = lambda f: _write_npz(f, arrays)
    temporary = f"{path}.{secrets.token_hex(4)}.tmp"
    try:  # mode 0o666 lets the umask decide the permissions, as for any new file
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise type(exc)(exc.errno, f"nn.save: cannot write next to {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(os.path.dirname(os.path.abspath(path)))


def _write_npz(f, arrays):
    """The .npz numpy's `savez` writes, one NAME.npy per entry; written here because `savez(f, **arrays)`
    takes the names `file`, `allow_pickle` and `fix_imports` as its own keywords."""
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def _path(where, path):
    """`path` as a str; anything that is not a path (a number, a file object) is a TypeError naming the argument."""
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"{where}: path must be a str or os.PathLike, got {type(path).__name__} {path!r}") from None


def _sync_directory(directory):
    """Make the rename itself durable (POSIX); platforms that cannot open a directory skip this."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load(path, max_bytes=MAX_BYTES):
    """Read what `save` wrote: a state dict (name -> numpy array), or the nested state it was given.

    Only plain numeric arrays are accepted (no pickles, text or raw bytes), and the total
    uncompressed size is capped at `max_bytes` (100 MiB by default; raise it for a trusted larger file).
    Every error names the file and the entry. A path ending in `.safetensors` is read as that format.
    """
    path = _path("nn.load", path)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)) or max_bytes < 0:
        raise ValueError(f"nn.load: max_bytes must be an int >= 0, got {max_bytes!r}")
    if path.endswith(".safetensors"):
        return safetensors_format.decode(path, max_bytes)
    not_checkpoint = f"nn.load: {path} is not a checkpoint (nn.save writes .npz archives of numeric arrays)"
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as f:
            single_array = f.read(len(_NPY_MAGIC)) == _NPY_MAGIC
        raise ValueError(not_checkpoint + (": it is a single .npy array" if single_array else "")) from None
    arrays, total = OrderedDict(), 0
    with archive:
        for info in archive.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if name in arrays or not info.filename.endswith(".npy"):
                raise ValueError(f"{not_checkpoint}: entry {info.filename!r} is not a uniquely named .npy array")
            try:
                with archive.open(info) as member:
                    shape, fortran_order, dtype = _read_header(member, name, path)
                    total += int(np.prod(shape, dtype=object)) * dtype.itemsize
                    if total > max_bytes:
                        raise ValueError(f"nn.load: {path} holds more than max_bytes={max_bytes:,} bytes uncompressed "
                                         f"(reached at entry {name!r}); if you trust the file, pass a larger "
                                         f"max_bytes to nn.load")
                    arrays[name] = _read_data(member, shape, fortran_order, dtype, name, path)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise ValueError(f"nn.load: entry {name!r} in {path} is corrupted ({exc})") from None
    return unflatten(arrays, path)


def _read_header(member, name, path):
    """(shape, fortran_order, dtype) of one .npy entry, refusing anything but plain numbers."""
    try:
        version = np.lib.format.read_magic(member)
        shape, fortran_order, dtype = _HEADER_READERS[version](member)
    except (ValueError, KeyError, SyntaxError):
        raise ValueError(f"nn.load: entry {name!r} in {path} is not a numpy array (raw bytes such as a pickle "
                         "are refused)") from None
    if dtype.hasobject:
        raise ValueError(f"nn.load: entry {name!r} in {path} holds pickled objects, which are refused "
                         "(checkpoints hold plain numeric arrays)")
    if dtype.kind not in "biufc" or dtype.fields is not None:
        raise ValueError(f"nn.load: entry {name!r} in {path} holds {dtype} values, not numbers; refused")
    return shape, fortran_order, dtype


def _read_data(member, shape, fortran_order, dtype, name, path):
    """The array of one entry, after checking its data is exactly as long as its header says."""
    buffer = bytearray(int(np.prod(shape, dtype=object)) * dtype.itemsize)
    view, filled = memoryview(buffer), 0
    while filled < len(buffer):
        count = member.readinto(view[filled:])
        if not count:
            break
        filled += count
    if filled != len(buffer) or member.read(1):
        raise ValueError(f"nn.load: entry {name!r} in {path} is truncated or corrupted "
                         f"(its data does not match its shape {shape})")
    return np.frombuffer(buffer, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
