"""nn.save / nn.load: .npz checkpoints, written atomically, anything but plain numeric arrays refused by name."""
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import autograd_core as ag
import nn
import optim
from nn import serialization


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def test_round_trip(tmp_path):
    model = _model()
    model(ag.randn(8, 3, rng=0))
    path = tmp_path / "ckpt.npz"
    nn.save(model, path)
    other = _model()
    other.load_state_dict(nn.load(path))
    model.eval(), other.eval()
    x = ag.randn(2, 3, rng=1)
    np.testing.assert_array_equal(model(x).data, other(x).data)


def test_nested_state_round_trips_with_its_python_types(tmp_path):
    state = {"model": {"w": np.arange(6.0).reshape(2, 3)}, "epoch": 3, "lr": 0.1, "done": False, "note": None,
             "betas": (0.9, 0.999), "ids": [0, 1], "name": "run-1", "steps": {0: np.int64(7)}}
    nn.save(state, tmp_path / "nested.npz")
    back = nn.load(tmp_path / "nested.npz")
    np.testing.assert_array_equal(back.pop("model")["w"], state.pop("model")["w"])
    assert back == state
    assert [type(back[k]) for k in ("epoch", "lr", "done", "betas", "ids")] == [int, float, bool, tuple, list]
    assert type(back["steps"][0]) is np.int64


def test_nested_state_is_stored_as_named_arrays(tmp_path):
    nn.save({"param_groups": [{"lr": 0.5}], "state": {0: {"exp_avg": np.ones(2)}}}, tmp_path / "s.npz")
    with np.load(tmp_path / "s.npz") as archive:
        assert {"param_groups.0.lr", "state.0.exp_avg"} <= set(archive.files)
        assert archive["param_groups.0.lr"] == 0.5


@pytest.mark.parametrize("state,match", [
    ({"w": np.array(["a"])}, "'w' is not a numeric array"),
    ({"w": [np.ones(1)], "x": {"0": np.ones(1)}, "w.0": np.ones(1)}, "both named 'w.0'"),
    ({(1, 2): 1.0}, "is not a string or an integer"),
    ({"__layout__": np.ones(1)}, "reserved"),
])
def test_unsavable_state_is_refused_naming_the_entry(tmp_path, state, match):
    with pytest.raises(TypeError, match=match):
        nn.save(state, tmp_path / "bad.npz")
    assert os.listdir(tmp_path) == []


def test_a_failed_save_leaves_the_previous_checkpoint_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    good = {"w": np.arange(1000.0)}
    nn.save(good, path)

    def disk_full_midway(file, arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(serialization, "_write_npz", disk_full_midway)
    with pytest.raises(OSError, match="No space left"):
        nn.save({"w": np.zeros(1000)}, path)
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    np.testing.assert_array_equal(nn.load(path)["w"], good["w"])


def test_an_interrupted_save_cleans_up_too(tmp_path, monkeypatch):
    def interrupted(file, arrays):
        raise KeyboardInterrupt
    monkeypatch.setattr(serialization, "_write_npz", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.zeros(3)}, tmp_path / "ckpt.npz")
    assert os.listdir(tmp_path) == []


def test_save_is_flushed_to_disk_before_it_replaces_the_file(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(serialization.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(serialization.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b)))
    nn.save({"w": np.zeros(3)}, tmp_path / "ckpt.npz")
    assert events[:2] == ["fsync", "replace"]
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_pickled_checkpoint_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"code": "anything"}], dtype=object))
    with pytest.raises(ValueError, match=r"'payload' in .*evil.npz holds pickled objects"):
        nn.load(path)


def _write(path, content):
    path.write_bytes(content)
    return path


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _zip(path, member, content):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, content)
    return path


@pytest.mark.parametrize("make,match", [
    (lambda p: _write(p, b""), "is not a checkpoint"),
    (lambda p: _write(p, np.random.default_rng(0).bytes(500)), "is not a checkpoint"),
    (lambda p: _write(p, pickle.dumps({"w": [1.0, 2.0]})), "is not a checkpoint"),
    (lambda p: _write(p, _npy_bytes(np.ones(3))), "is not a checkpoint.*single .npy array"),
    (lambda p: _write(p, b"PK\x03\x04 a broken zip"), "is not a checkpoint"),
    (lambda p: _zip(p, "w.npy", pickle.dumps([1, 2])), r"entry 'w' in .* is not a numpy array"),
    (lambda p: _zip(p, "w", pickle.dumps([1, 2])), r"entry 'w' is not a uniquely named .npy array"),
    (lambda p: (np.savez(p, w=np.array(["a", "b"])), p)[1], r"entry 'w' in .* holds <U1 values, not numbers"),
    (lambda p: (np.savez(p, w=np.zeros(2, dtype="f8,i4")), p)[1], r"entry 'w' in .* not numbers"),
    (lambda p: _zip(p, "w.npy", _npy_bytes(np.arange(10.0))[:-8]), r"entry 'w' in .* truncated"),
    (lambda p: _zip(p, "__layout__.npy", _npy_bytes(np.frombuffer(b'{"os": 1}', np.uint8))), "layout entry is damaged"),
])
def test_crafted_files_fail_with_a_reason_that_names_the_file(tmp_path, make, match):
    path = make(tmp_path / "crafted.npz")
    with pytest.raises(ValueError, match=match) as caught:
        nn.load(path)
    assert str(path) in str(caught.value) and "allow_pickle" not in str(caught.value)


def test_a_small_file_that_inflates_past_the_cap_is_refused_and_the_cap_can_be_raised(tmp_path):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, w=np.zeros(2 ** 22))
    assert os.path.getsize(path) < 100_000
    with pytest.raises(ValueError, match=r"more than max_bytes=1,000,000 bytes .* pass a larger max_bytes"):
        nn.load(path, max_bytes=1_000_000)
    assert nn.load(path, max_bytes=2 ** 25)["w"].shape == (2 ** 22,)


def test_by_default_an_entry_that_claims_256_mib_is_refused_before_reading_it(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (2 ** 25,)})
    path = _zip(tmp_path / "claims.npz", "w.npy", header.getvalue())  # the header writer adds the magic
    with pytest.raises(ValueError, match=r"more than max_bytes=104,857,600 bytes uncompressed \(reached at entry 'w'\)"):
        nn.load(path)


def test_a_text_array_in_load_state_dict_names_the_key():
    with pytest.raises(TypeError, match=r"'weight' holds <U1 values"):
        nn.Linear(1, 1).load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})


def test_saving_into_a_missing_folder_names_the_target(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cannot write next to .*missing.*ckpt.npz"):
        nn.save({"w": np.ones(1)}, tmp_path / "missing" / "ckpt.npz")


def test_an_optimizer_saves_its_state_dict_and_other_objects_are_refused(tmp_path):
    opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.5, momentum=0.9)
    nn.save(opt, tmp_path / "opt.npz")
    assert nn.load(tmp_path / "opt.npz")["param_groups"][0]["lr"] == 0.5
    with pytest.raises(TypeError, match="expected a module, an optimizer or a dict of arrays, got list"):
        nn.save([np.ones(1)], tmp_path / "list.npz")


@pytest.mark.parametrize("nested", [False, True])
def test_every_entry_keeps_its_name_even_numpys_own_keywords(tmp_path, nested):
    """np.savez(f, **arrays) took these names as its own keywords: dropped, or a numpy error."""
    names = ["file", "allow_pickle", "fix_imports", "arr_0", "args", "kwds", "a/b", "x.npy", ""]
    state = {name: np.full((2,), i, dtype=np.float32) for i, name in enumerate(names)}
    if nested:
        state = {"model": state, "epoch": 4}
    nn.save(state, tmp_path / "ckpt.npz")
    loaded = nn.load(tmp_path / "ckpt.npz")
    flat = loaded["model"] if nested else loaded
    assert list(flat) == names
    for i, name in enumerate(names):
        np.testing.assert_array_equal(flat[name], np.full((2,), i, dtype=np.float32))
        assert flat[name].dtype == np.float32
    key = "model.allow_pickle" if nested else "allow_pickle"
    assert np.load(tmp_path / "ckpt.npz", allow_pickle=False)[key].tolist() == [1.0, 1.0]
