"""nn.save / nn.load: .npz checkpoints, pickled content refused."""
import numpy as np
import pytest

import autograd_core as ag
import nn


def test_round_trip(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    model(ag.randn(8, 3, rng=0))
    path = tmp_path / "ckpt.npz"
    nn.save(model, path)
    other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    other.load_state_dict(nn.load(path))
    model.eval(), other.eval()
    x = ag.randn(2, 3, rng=1)
    np.testing.assert_array_equal(model(x).data, other(x).data)


def test_pickled_checkpoint_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"code": "anything"}], dtype=object))
    with pytest.raises(ValueError, match="pickled"):
        nn.load(path)
