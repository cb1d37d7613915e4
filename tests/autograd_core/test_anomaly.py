"""detect_anomaly names the first op whose output or gradient holds NaN/Inf."""
import numpy as np
import pytest

import autograd_core as ag


def test_forward_nan_is_reported_with_op_and_place():
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"Log.*\(2,\).*test_anomaly.py"):
            x.log()


def test_backward_inf_is_reported():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly():
        y = (x ** 0.5).sum()
        with pytest.raises(FloatingPointError, match="backward of op 'Pow'"):
            y.backward()


def test_without_anomaly_mode_nan_passes_silently():
    x = ag.tensor([-1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        y = x.log()
    assert np.isnan(y.data).all()
