"""detect_anomaly names the first op whose output holds NaN (Inf on request) or whose gradient holds NaN/Inf."""
import os

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F


def test_forward_nan_is_reported_with_op_and_place():
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    with ag.detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(FloatingPointError, match=r"op 'Log' produced NaN .*\(2,\).*test_anomaly.py"):
            x.log()


def test_backward_inf_is_reported():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        y = (x ** 0.5).sum()
        with pytest.raises(FloatingPointError, match="backward of op 'Pow'"):
            y.backward()


def test_an_op_is_reported_by_the_name_the_user_called():
    x = ag.tensor([-1.0, 4.0], requires_grad=True)
    with ag.detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(ag.AnomalyError, match=r"op 'sqrt' \(primitive Pow\) produced NaN"):
            x.sqrt()


def test_an_intended_minus_inf_mask_passes_forward_and_backward():
    scores = ag.tensor(np.ones((2, 3)), requires_grad=True)
    mask = np.array([[0.0, -np.inf, 0.0], [0.0, 0.0, -np.inf]])
    with ag.detect_anomaly():
        probs = ag.softmax(scores + mask, 1)
        (probs * ag.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    np.testing.assert_allclose(probs.data, [[0.5, 0, 0.5], [0.5, 0.5, 0]])
    assert np.isfinite(scores.grad.data).all()


def test_check_inf_flags_an_inf_in_forward():
    scores = ag.tensor(np.ones(3), requires_grad=True)
    with ag.detect_anomaly(check_inf=True):
        with pytest.raises(ag.AnomalyError, match="op 'Add' produced NaN/Inf"):
            scores + np.array([0.0, -np.inf, 0.0])


def test_saturated_probabilities_do_not_trip_the_forward_check():
    p = ag.tensor([0.0, 1.0, 0.5], requires_grad=True)
    with ag.detect_anomaly():
        loss = F.binary_cross_entropy(p, ag.tensor([0.0, 1.0, 1.0]))
    assert np.isfinite(loss.item())


def test_an_anomaly_inside_a_layer_points_at_the_users_line():
    layer = nn.Linear(2, 1)
    with ag.detect_anomaly():
        with pytest.raises(ag.AnomalyError) as caught:
            layer(ag.tensor([[np.nan, 1.0]]))
    message = str(caught.value)
    assert "test_anomaly.py" in message and "layer(ag.tensor([[np.nan, 1.0]]))" in message
    assert f"{os.sep}nn{os.sep}" not in message


def test_an_inf_gradient_inside_a_layer_points_at_the_users_line():
    layer = nn.Linear(2, 1)
    with ag.no_grad():
        layer.weight.data[0, 0] = np.inf
    x = ag.tensor([[1.0, 1.0]], requires_grad=True)
    with ag.detect_anomaly():
        out = layer(x).sum()
        with pytest.raises(ag.AnomalyError, match=r"backward of op .* in the gradient.*test_anomaly.py.*layer\(x\)"):
            out.backward()


def test_without_anomaly_mode_nan_passes_silently():
    x = ag.tensor([-1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        y = x.log()
    assert np.isnan(y.data).all()
