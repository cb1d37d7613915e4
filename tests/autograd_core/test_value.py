"""The scalar engine, checked on the course notes' worked example (seed 002, example 1)."""
import math

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value


def sigmoid_net(x, w0, w1):
    """2-2-1 network of the notes: sigmoid hidden and output units, no biases."""
    hidden = [(w0[j][0] * x[0] + w0[j][1] * x[1]).sigmoid() for j in range(2)]
    return (w1[0] * hidden[0] + w1[1] * hidden[1]).sigmoid()


def build_example():
    x = [Value(0.35, "x1"), Value(0.9, "x2")]
    w0 = [[Value(0.1, "w31"), Value(0.8, "w32")], [Value(0.4, "w41"), Value(0.6, "w42")]]
    w1 = [Value(0.3, "w53"), Value(0.9, "w54")]
    y = sigmoid_net(x, w0, w1)
    cost = 0.5 * (y - 0.5) ** 2
    return x, w0, w1, y, cost


def test_worked_example_forward_and_gradients_exact():
    _, w0, w1, y, cost = build_example()
    cost.backward()
    assert y.data == pytest.approx(0.690283, abs=5e-7)
    assert cost.data == pytest.approx(0.0181039, abs=5e-8)
    assert w1[0].grad == pytest.approx(0.0276740, abs=5e-8)
    assert w1[1].grad == pytest.approx(0.0270016, abs=5e-8)


def test_worked_example_one_step_of_gradient_descent():
    _, w0, w1, _, cost = build_example()
    cost.backward()
    params = [w for row in w0 for w in row] + w1
    new = [Value(p.data - 1.0 * p.grad) for p in params]
    y = sigmoid_net([Value(0.35), Value(0.9)], [new[0:2], new[2:4]], new[4:6])
    assert (0.5 * (y - 0.5) ** 2).data == pytest.approx(0.016565, abs=5e-7)


def test_operators_and_reflected_forms():
    a = Value(2.0)
    exprs = {
        "2*a": (2 * a, 2.0), "1-a": (1 - a, -1.0), "2/a": (2 / a, -0.5), "a/4": (a / 4, 0.25),
        "-a": (-a, -1.0), "a**3": (a ** 3, 12.0), "a+1": (a + 1, 1.0), "a-1": (a - 1, 1.0),
    }
    for name, (expr, slope) in exprs.items():
        a.grad = 0.0
        expr.backward()
        assert a.grad == pytest.approx(slope), name


@pytest.mark.parametrize("op,fn,dfn", [
    ("exp", math.exp, math.exp),
    ("log", math.log, lambda x: 1 / x),
    ("tanh", math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    ("sigmoid", lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    ("relu", lambda x: max(x, 0.0), lambda x: float(x > 0)),
])
@pytest.mark.parametrize("x", [0.7, 1.9])
def test_unary_methods(op, fn, dfn, x):
    v = Value(x)
    out = getattr(v, op)()
    out.backward()
    assert out.data == pytest.approx(fn(x))
    assert v.grad == pytest.approx(dfn(x))


def test_paths_example_of_the_notes():
    """e = c*d with c = a + b, d = b + 1, a = 2, b = 1: de/da = d = 2, de/db = c + d = 5."""
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c, d = a + b, b + 1
    e = c * d
    e.backward()
    assert (e.data, a.grad, b.grad) == (6.0, 2.0, 5.0)


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_bad_inputs_raise_clearly():
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()


def test_n_ary_sum_is_one_node_with_unit_edges():
    xs = [Value(float(i)) for i in range(5)]
    total = Value.sum(xs + [2.5])
    assert total.data == 12.5 and len(total._prev) == 6 and total._op == "sum"
    (total * total).backward()
    assert all(x.grad == 25.0 for x in xs)


def test_power_edges_give_pytorchs_numbers():
    x = Value(0.0)
    root = x ** 0.5
    root.backward()
    assert root.data == 0.0 and x.grad == math.inf
    z = Value(0.0)
    (z ** 0).backward()
    assert z.grad == 0.0  # d(x^0)/dx = 0, not 0 * 0^-1 = NaN
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(1.0) / 0).data == math.inf and (1 / Value(0.0)).data == math.inf


def test_exp_overflows_to_inf():
    x = Value(1000.0)
    y = x.exp()
    y.backward()
    assert y.data == math.inf and x.grad == math.inf


def test_relu_of_nan_is_nan():
    assert math.isnan(Value(float("nan")).relu().data)
    assert Value(-0.0).relu().data == 0.0


def test_value_with_a_tensor_names_what_is_expected():
    for op in (lambda v, t: v + t, lambda v, t: v * t, lambda v, t: v / t, lambda v, t: v - t):
        with pytest.raises(TypeError, match="Value .* Tensor: a Value combines with Values and Python numbers"):
            op(Value(1.0), ag.tensor([1.0]))
    assert (Value(1.0) * np.float32(2.0)).data == 2.0


def test_tensor_or_array_with_a_value_is_refused_by_name():
    with pytest.raises(TypeError, match="Value \\+ ndarray: a Value combines with Values and Python numbers"):
        ag.tensor([1.0]) + Value(1.0)
    with pytest.raises(TypeError, match="Value \\* ndarray"):
        np.ones(2) * Value(1.0)


def test_a_second_backward_doubles_the_leaf_gradients_exactly():
    # micrograd's sweep would propagate the intermediates' accumulated .grad: a.grad 153, not 78
    a, b = ag.Value(2.0), ag.Value(3.0)
    c = a * b
    e = c * c + c
    e.backward()
    first = (a.grad, b.grad, c.grad)
    e.backward()
    assert first == (39.0, 26.0, 13.0)
    assert (a.grad, b.grad) == (78.0, 52.0)  # leaves accumulate, as torch's .grad does
    assert (c.grad, e.grad) == (13.0, 1.0)  # an intermediate holds this call's gradient


def test_backward_of_a_leaf_accumulates_one():
    x = ag.Value(1.5)
    x.backward()
    x.backward()
    assert x.grad == 2.0
