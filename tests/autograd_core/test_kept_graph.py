"""What a graph keeps after backward: its structure and each node's sweep summary, compactly."""
import copy
import pickle

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.engine import grad_of
from autograd_core.graph import parents, scope_path, trace_of
from autograd_core.primitive import Node


def test_trace_after_backward_reads_position_shape_name_and_norm():
    x = ag.tensor([3.0, 4.0], requires_grad=True)
    h = x * 2.0
    h.name = "h"
    loss = (h * h).sum()  # dloss/dh = 2h = [12, 16], norm 20
    loss.backward()
    trace = trace_of(h)
    assert (trace.position, trace.shape, trace.dtype, trace.name) == (2, (2,), np.float32, "h")
    assert trace.norm == pytest.approx(20.0) and trace.rms == pytest.approx(20.0 / 2 ** 0.5)
    assert trace.nonfinite is None and h._node.trace.position == 2
    assert [trace_of(loss).position, trace_of(parents(loss)[0]).position] == [0, 1]  # a freed Node has one too


def test_unnamed_finite_outputs_of_one_shape_share_one_signature():
    x = ag.tensor(np.ones(3), requires_grad=True)
    a, b = x.exp(), x.tanh()
    (a + b).sum().backward()
    assert a._node.signature is b._node.signature


def test_a_nonfinite_gradient_is_flagged_on_its_own_node_only():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    h = x * 1.0
    s = h.sqrt()
    with np.errstate(all="ignore"):
        s.sum().backward()  # the cotangent of h is 1 / (2 sqrt(h)) = [inf, 0.5]
    assert (trace_of(h).nonfinite, trace_of(h).norm) == ("Inf", np.inf)
    assert trace_of(s).nonfinite is None and trace_of(s).norm == pytest.approx(2 ** 0.5)


def test_a_node_swept_twice_keeps_the_last_sweep():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    loss = y.sum()
    loss.backward(retain_graph=True)
    assert trace_of(y).norm == pytest.approx(2 ** 0.5)
    (loss * 5.0).backward()
    assert trace_of(y).norm == pytest.approx(5 * 2 ** 0.5) and trace_of(y).position == 2


def test_a_node_no_sweep_ran_has_no_trace():
    y = ag.tensor([1.0], requires_grad=True) * 2.0
    assert trace_of(y) is None and y._node.trace is None


def test_one_input_is_kept_bare_and_read_as_a_tuple():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = y.sum()
    z.backward()
    assert z._node.inputs is y._node and parents(z) == (y._node,) and parents(y) == (x,)


def test_a_released_node_keeps_only_its_slots():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * ag.tensor([3.0, 4.0])).sum()
    node = y._node.parents[0]._node
    y.backward()
    assert Node.__slots__ == ("prim", "parents", "scope", "order", "inputs", "position", "norm", "signature",
                              "__dict__")
    assert node.parents is None and not node.__dict__  # arrays, needs, params and saved values are gone
    stub = node.inputs[1]
    assert (stub.shape, stub.dtype, getattr(stub, "data", None)) == ((2,), np.float32, None)


def test_an_input_read_by_several_ops_stays_one_vertex_after_backward():
    x, w = ag.Tensor(np.ones(3), name="x"), ag.tensor(np.ones(3), requires_grad=True)
    a, b = x * w, x + w
    loss = (a * b).sum()
    loss.backward()
    stub = parents(a._node)[0]
    assert parents(b._node)[0] is stub and stub.name == "x"
    assert ag.draw_graph(loss).source.count('label="x (3,)"') == 1


def test_reaching_a_freed_node_raises_before_any_leaf_gradient_changes():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([1.0, 1.0], requires_grad=True)
    y = x.exp()
    y.sum().backward()
    with pytest.raises(RuntimeError, match="second time.*'Exp'"):
        (y * w).sum().backward()
    assert w.grad is None and x.grad.data == pytest.approx(np.exp([1.0, 2.0]))


def test_a_sweep_stopping_at_a_freed_node_gets_every_consumer_share():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.sum().backward()
    (g,) = grad_of((y * 2.0 + y * 3.0 + (y * 4.0).exp().sum() * 0.0).sum(), [y], stop=True)
    assert g.tolist() == [5.0, 5.0]


def _mlp():
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 2)))


def test_module_calls_reuse_one_scope_tuple_per_enclosing_scope():
    model, x = _mlp(), ag.tensor(np.ones((2, 3), np.float32))
    first, second = model(x), model(x)
    assert first._node.scope is second._node.scope
    assert scope_path(first._node.scope) == "2.0" and scope_path(first._node.parents[0]._node.scope) == "1"
    inner = model[2][0]
    with ag.grad_mode.scope("student"):
        alone = inner(ag.tensor(np.ones((2, 4), np.float32)))
    assert alone._node.scope == (inner, "student")  # another enclosing scope: a new tuple
    again = model(x)
    assert scope_path(again._node.scope) == "2.0" and again._node.scope is not first._node.scope


def test_copying_or_pickling_a_module_leaves_its_cached_scope_behind():
    model = _mlp()
    model(ag.tensor(np.ones((2, 3), np.float32)))
    assert model[2][0]._scope[1] is model[2]._scope  # the inner Linear's cache refers to its enclosing modules
    for copied in (copy.deepcopy(model[2]), pickle.loads(pickle.dumps(model[2]))):
        assert copied._scope is None and copied[0]._scope is None
        out = copied(ag.tensor(np.ones((2, 4), np.float32)))
        assert scope_path(out._node.scope) == "0"
