"""Dropout: identity in eval, inverted scaling and the right rate in training."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F


def test_eval_is_identity_train_scales_survivors():
    d = nn.Dropout(0.25, rng=0)
    x = ag.ones(400, 500)
    out = d(x).data
    kept = out != 0
    assert kept.mean() == pytest.approx(0.75, abs=0.01)
    np.testing.assert_allclose(out[kept], 1 / 0.75)
    d.eval()
    assert d(x) is x


def test_gradient_flows_only_through_kept_units():
    d = nn.Dropout(0.5, rng=1)
    x = ag.ones(10, 10, requires_grad=True)
    out = d(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)


def test_edge_probabilities():
    x = ag.ones(3, 3)
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout(1.5)


def test_eval_matches_torch_and_train_statistics_match_torchs(torch):
    x = np.random.default_rng(0).standard_normal((300, 400))
    ours, theirs = nn.Dropout(0.3, rng=1), torch.nn.Dropout(0.3)
    ours.eval()
    theirs.eval()
    np.testing.assert_array_equal(ours(ag.tensor(x)).data, theirs(torch.tensor(x)).numpy())
    ours.train()
    theirs.train()
    mine, ref = ours(ag.tensor(x)).data, theirs(torch.tensor(x)).numpy()
    assert (mine == 0).mean() == pytest.approx((ref == 0).mean(), abs=0.01)
    np.testing.assert_allclose(mine[mine != 0] / x[mine != 0], 1 / 0.7)
    assert mine.mean() == pytest.approx(x.mean(), abs=0.01)


def test_gradcheck_with_a_fixed_mask():
    x = np.random.default_rng(2).standard_normal((4, 5))
    assert ag.gradcheck(lambda t: F.dropout(t, 0.4, rng=np.random.default_rng(3)), x)


def test_seeded_modules_draw_the_same_masks():
    x = ag.ones(50)
    a, b = nn.Dropout(0.5, rng=7), nn.Dropout(0.5, rng=7)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    assert not np.array_equal(a(x).data, a(x).data)


def test_p_one_gives_zeros_and_zero_gradient():
    x = ag.tensor(np.arange(6.0), requires_grad=True)
    out = nn.Dropout(1.0)(x)
    out.sum().backward()
    assert not out.data.any() and not x.grad.data.any()


@pytest.mark.parametrize("training", [True, False])
def test_functional_dropout_returns_a_tensor_for_numpy_input(training):
    out = F.dropout(np.ones((4, 5), np.float32), 0.5, training=training, rng=np.random.default_rng(0))
    assert isinstance(out, ag.Tensor) and out.shape == (4, 5)
