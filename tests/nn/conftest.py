"""Helpers for nn tests: copying weights from torch modules and comparing gradients."""
import numpy as np
import pytest


def load_from_torch(ours, theirs, dtype=np.float64):
    """Copy a torch module's state into ours (same parameter names), in `dtype`."""
    state = {k: v.detach().numpy().astype(dtype if v.is_floating_point() else v.numpy().dtype)
             for k, v in theirs.state_dict().items()}
    for name, p in ours.named_parameters():
        p.data = state[name].copy()
    for name, b in ours.named_buffers():
        b.data = state[name].copy()


def assert_grads_match(ours, theirs, rtol=1e-6, atol=1e-8):
    torch_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        expected = torch_params[name].grad
        assert p.grad is not None, f"no gradient for {name}"
        np.testing.assert_allclose(p.grad.data, expected.numpy(), rtol=rtol, atol=atol, err_msg=name)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")
