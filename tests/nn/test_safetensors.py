"""nn.save / nn.load with .safetensors paths: round trips, PyTorch in both directions, refused files."""
import json
import struct

import numpy as np
import pytest

import autograd_core as ag
import nn
import optim

pytest.importorskip("safetensors")


def _mlp():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))


def _write_raw(path, header, data=b""):
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + data)


def test_a_module_round_trips_exactly(tmp_path):
    model = _mlp()
    nn.save(model, tmp_path / "m.safetensors")
    loaded = nn.load(tmp_path / "m.safetensors")
    assert sorted(loaded) == sorted(name for name, _ in model.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(loaded[name], p.data)
        assert loaded[name].dtype == p.data.dtype


def test_the_file_is_safetensors_and_not_npz(tmp_path):
    nn.save({"w": np.arange(6, dtype=np.float32).reshape(2, 3)}, tmp_path / "w.safetensors")
    from safetensors.numpy import load_file
    np.testing.assert_array_equal(load_file(str(tmp_path / "w.safetensors"))["w"], np.arange(6).reshape(2, 3))


def test_ours_loads_into_pytorch_with_the_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file
    model = _mlp()
    nn.save(model, tmp_path / "m.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    theirs.load_state_dict(load_file(str(tmp_path / "m.safetensors")))
    x = np.random.default_rng(0).standard_normal((7, 4)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(), model(ag.tensor(x)).data, rtol=1e-6)


def test_a_pytorch_file_loads_into_ours_with_the_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    save_file(theirs.state_dict(), str(tmp_path / "t.safetensors"))
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))
    ours.load_state_dict(nn.load(tmp_path / "t.safetensors"))
    x = np.random.default_rng(1).standard_normal((2, 1, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_nested_optimizer_state_is_refused_pointing_to_npz(tmp_path):
    model = _mlp()
    opt = optim.Adam(model.parameters())
    with pytest.raises(TypeError, match=r"\.npz"):
        nn.save(opt, tmp_path / "o.safetensors")
    assert not list(tmp_path.iterdir())


def test_a_dtype_safetensors_cannot_hold_is_refused_naming_the_entry(tmp_path):
    with pytest.raises(TypeError, match="'z'.*complex128"):
        nn.save({"z": np.ones(2, dtype=np.complex128)}, tmp_path / "z.safetensors")


@pytest.mark.parametrize("make,match", [
    (lambda p: p.write_bytes(b"\x01\x02"), "shorter than its 8-byte header"),
    (lambda p: p.write_bytes(struct.pack("<Q", 2 ** 40)), "header claims"),
    (lambda p: p.write_bytes(struct.pack("<Q", 4) + b"abcd"), "not JSON"),
    (lambda p: _write_raw(p, [1, 2]), "not a JSON object"),
    (lambda p: _write_raw(p, {"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4),
     "'w'.*BF16"),
    (lambda p: _write_raw(p, {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8),
     "corrupted"),
])
def test_crafted_files_fail_naming_the_file(tmp_path, make, match):
    path = tmp_path / "bad.safetensors"
    make(path)
    with pytest.raises(ValueError, match=match) as info:
        nn.load(path)
    assert "bad.safetensors" in str(info.value)


def test_the_size_cap_applies_before_reading_and_can_be_raised(tmp_path):
    path = tmp_path / "big.safetensors"
    nn.save({"w": np.zeros(1000, dtype=np.float64)}, path)
    with pytest.raises(ValueError, match="max_bytes=4,000.*'w'"):
        nn.load(path, max_bytes=4000)
    np.testing.assert_array_equal(nn.load(path, max_bytes=8000)["w"], np.zeros(1000))


def test_a_failed_save_leaves_the_previous_file(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save({"w": np.ones(3, dtype=np.float32)}, path)
    with pytest.raises(TypeError):
        nn.save({"w": np.ones(3, dtype=np.complex64)}, path)
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(3))
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]
