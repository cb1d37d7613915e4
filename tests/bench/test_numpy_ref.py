"""The hand-written numpy references are correct: gradients and SGD steps equal torch autograd's, in float64."""
import numpy as np
import pytest

from bench import numpy_ref, workloads

torch = pytest.importorskip("torch")
from bench import torch_ref  # noqa: E402

SMALL = {
    "mlp": (numpy_ref.MLP, lambda: workloads.mlp(1, batch=5, sizes=(7, 6, 5, 4), dtype=np.float64)),
    "cnn": (numpy_ref.CNN, lambda: workloads.cnn(1, batch=3, side=8, channels=(2, 3, 4), classes=5, dtype=np.float64)),
    "lstm": (numpy_ref.LSTM, lambda: workloads.lstm(1, batch=3, steps=4, n_in=5, hidden=6, classes=4, dtype=np.float64)),
    "lstm2": (numpy_ref.LSTM, lambda: workloads.lstm2(1, batch=3, steps=4, n_in=5, hidden=6, classes=4, dtype=np.float64)),
    "bilstm": (numpy_ref.LSTM, lambda: workloads.bilstm(1, batch=3, steps=4, n_in=5, hidden=6, classes=4,
                                                        dtype=np.float64)),
    "gru": (numpy_ref.GRU, lambda: workloads.gru(1, batch=3, steps=4, n_in=5, hidden=6, classes=4, dtype=np.float64)),
}


def _torch_loss(name, weights, x, y):
    net = torch_ref.model(name, weights)
    return net, torch.nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))


@pytest.mark.parametrize("name", SMALL)
def test_gradients_match_torch_autograd(name):
    reference, make = SMALL[name]
    weights, x, y = make()
    loss, grads = reference(weights, 0.1).grads(x, y)
    net, expected = _torch_loss(name, weights, x, y)
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    for (key, p), g in zip(net.named_parameters(), grads):
        assert g.dtype == np.float64 and g.shape == p.shape, key
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("name", SMALL)
def test_one_sgd_step_matches_torch(name):
    reference, make = SMALL[name]
    weights, x, y = make()
    ours = reference(weights, 0.1)
    net, expected = _torch_loss(name, weights, x, y)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    expected.backward()
    opt.step()
    assert ours.step(x, y) == pytest.approx(expected.item(), rel=1e-12)
    for (key, p), mine in zip(net.named_parameters(), ours.params):
        np.testing.assert_allclose(mine, p.detach().numpy(), rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("name", SMALL)
def test_benchmark_sizes_in_float32_track_torch(name):
    """Two steps at full size in float32 stay within float32 rounding of torch's."""
    reference = SMALL[name][0]
    weights, x, y = getattr(workloads, name)()
    ours, theirs = reference(weights, 0.01), torch_ref.trainer(name)(weights, 0.01)
    for _ in range(2):
        assert ours.step(x, y) == pytest.approx(theirs(x, y), rel=1e-5)
    assert all(p.dtype == np.float32 for p in ours.params)


def test_lstm_reference_handles_deeper_bidirectional_stacks():
    """Three layers, both directions: the layer-to-layer and reverse bookkeeping beyond the benchmark's rows."""
    weights, x, y = workloads.recurrent(4, 2, batch=2, steps=3, n_in=4, hidden=5, classes=3, dtype=np.float64,
                                        num_layers=3, bidirectional=True)
    loss, grads = numpy_ref.LSTM(weights, 0.1).grads(x, y)
    net, expected = _torch_loss("lstm", weights, x, y)
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12) and len(grads) == len(list(net.parameters()))
    for (key, p), g in zip(net.named_parameters(), grads):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=key)


def test_sigmoid_saturates_without_nan():
    with np.errstate(over="ignore"):
        out = numpy_ref.sigmoid(np.array([-1000.0, 0.0, 1000.0], np.float32))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


def test_im2col_and_col2im_are_adjoint(rng):
    x = rng.standard_normal((2, 3, 5, 4))
    cols = numpy_ref.im2col(x)
    c = rng.standard_normal(cols.shape)
    assert np.sum(cols * c) == pytest.approx(np.sum(x * numpy_ref.col2im(c, x.shape)), rel=1e-12)


def test_maxpool_grad_routes_each_window_to_its_max(rng):
    c = rng.standard_normal((2, 3, 4, 6))
    pooled, win = numpy_ref.relu_maxpool2(c)
    expected = torch.nn.functional.max_pool2d(torch.relu(torch.from_numpy(c)), 2)
    np.testing.assert_array_equal(pooled, expected.numpy())
    dout = rng.standard_normal(pooled.shape)
    t = torch.from_numpy(c).requires_grad_()
    torch.nn.functional.max_pool2d(torch.relu(t), 2).backward(torch.from_numpy(dout))
    np.testing.assert_array_equal(numpy_ref.relu_maxpool2_grad(dout, pooled, win), t.grad.numpy())
