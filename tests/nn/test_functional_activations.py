"""nn.functional's activations are the engine's, with PyTorch's signatures, `inplace=` included."""
import numpy as np
import pytest

import autograd_core as ag
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

INPLACE = [("elu", (0.5,)), ("selu", ()), ("celu", (2.0,)), ("leaky_relu", (0.2,)), ("hardtanh", (-0.5, 0.5)),
           ("relu6", ()), ("hardsigmoid", ()), ("hardswish", ()), ("silu", ()), ("mish", ())]
X = np.array([-4.0, -1.0, -0.5, 0.0, 0.3, 2.0, 7.0])


@pytest.mark.parametrize("name,args", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_writes_into_the_input_and_differentiates_as_torch(name, args):
    x = ag.tensor(X, requires_grad=True)
    h = x * 1
    out = getattr(F, name)(h, *args, inplace=True)
    assert out is h and h._version == 1
    out.sum().backward()
    xt = torch.tensor(X, requires_grad=True)
    ht = xt * 1
    getattr(TF, name)(ht, *args, inplace=True).sum().backward()
    np.testing.assert_allclose(h.data, ht.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-7)


@pytest.mark.parametrize("name,args", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_on_a_leaf_that_requires_grad_is_refused_and_plain_data_changes(name, args):
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(F, name)(ag.tensor(X, requires_grad=True), *args, inplace=True)
    t = ag.tensor(X.copy())  # (ag.tensor may share a numpy array's memory)
    getattr(F, name)(t, *args, True)  # inplace as the last positional argument, as PyTorch
    np.testing.assert_allclose(t.data, getattr(TF, name)(torch.tensor(X), *args).numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["gelu", "softplus", "logsigmoid", "one_hot"])
def test_the_other_names_are_the_engines(name):
    assert getattr(F, name) is getattr(ag, name)
