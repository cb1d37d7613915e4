"""grad_of runs only the ops on a path from the output to a requested input, as torch.autograd.grad does."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core.cost import _Ledger
from autograd_core.grad_mode import Observer, no_grad, observe


class _Ran(Observer):
    def __init__(self):
        self.ops = []

    def on_backward(self, node, out, in_grads):
        self.ops.append(node.prim.name)


def _leaf(rng, *shape):
    return ag.tensor(rng.standard_normal(shape), requires_grad=True)


def test_a_branch_that_reaches_no_requested_input_is_not_run(rng):
    a, b = _leaf(rng, 3), _leaf(rng, 3)
    y = (a.exp() * b.tanh()).sum()
    with observe(_Ran()) as ran:
        (gb,) = ag.grad_of(y, [b], retain_graph=True)
    assert sorted(ran.ops) == ["Mul", "Sum", "Tanh"]
    np.testing.assert_allclose(gb, np.exp(a.data) * (1 - np.tanh(b.data) ** 2), rtol=1e-12)
    with observe(_Ran()) as ran:
        y.backward()  # backward() still runs everything: it fills every leaf's .grad
    assert sorted(ran.ops) == ["Exp", "Mul", "Sum", "Tanh"]
    assert a.grad is not None and b.grad is not None


def test_no_vjp_runs_when_the_output_reaches_no_requested_input(rng):
    a, c = _leaf(rng, 3), _leaf(rng, 3)
    y = a.exp().sum()
    with observe(_Ran()) as ran:
        (gc,) = ag.grad_of(y, [c])
    assert ran.ops == [] and np.array_equal(gc, np.zeros(3))
    assert y._node.parents is not None and ag.grad_of(y, [a])[0] is not None  # nothing ran, so nothing was freed


def test_a_requested_non_leaf_with_nothing_requested_below_it_ends_the_sweep(rng):
    a = _leaf(rng, 3)
    h = a * 2.0
    y = h.tanh().sum()
    with observe(_Ran()) as ran:
        (gh,) = ag.grad_of(y, [h])
    assert sorted(ran.ops) == ["Sum", "Tanh"]
    np.testing.assert_allclose(gh, 1 - np.tanh(2 * a.data) ** 2, rtol=1e-12)


def test_a_sweep_with_nothing_to_skip_takes_the_plain_path(rng):
    from autograd_core.prune import skipped
    a, b = _leaf(rng, 3), _leaf(rng, 3)
    h = a * b
    y = h.exp().sum()
    assert skipped(y, {id(a): a, id(b): b}, False) is None
    assert skipped(y, {id(h): h}, True) is None  # the sweep stops at h anyway
    assert skipped(y, {id(a): a}, False) == {id(b)}
    assert skipped(y, {id(h): h}, False) == {id(h), id(a), id(b)}  # h gets its gradient; its op is not run


def test_flops_of_a_branch_that_only_feeds_a_parameter_are_not_spent():
    # s = Σ tanh(W @ W) @ x, n = 8: MatMul(W, W) 2·n³ = 1024 flops per input, Tanh n² = 64,
    # MatMul(h, x) 2·n² = 128 per input, Sum 1
    rng = np.random.default_rng(0)
    x, w = _leaf(rng, 8), _leaf(rng, 8, 8)
    s = ((w @ w).tanh() @ x).sum()
    ledger = _Ledger()
    with observe(ledger):
        ag.grad_of(s, [x], retain_graph=True)
    assert ledger.flops == 1 + 128  # only x's share of the last MatMul; before pruning 1 + 2·128 + 64 + 2·1024
    ledger = _Ledger()
    with observe(ledger):
        ag.grad_of(s, [w])
    assert ledger.flops == 1 + 128 + 64 + 2 * 1024


def test_jacrev_spends_on_a_closed_over_parameter_nothing_more_than_on_a_constant():
    rng = np.random.default_rng(0)
    w_data, x = rng.standard_normal((8, 8)), rng.standard_normal(8)
    flops = []
    for requires_grad in (True, False):
        w = ag.tensor(w_data, requires_grad=requires_grad)
        ledger = _Ledger()
        with observe(ledger), no_grad():  # as compare_modes: one batched sweep, not the nested path
            jac = ag.jacrev(lambda t: (w @ w).tanh() @ t)(x)
        np.testing.assert_allclose(jac, np.tanh(w_data @ w_data), rtol=1e-12)
        flops.append(ledger.flops)
    assert flops[0] == flops[1]


def _hooks_called(a, b, c, grad):
    """The tensor hooks a gradient with respect to b alone calls, then one with respect to c (which y does not use)."""
    calls = []
    u, v = a.exp(), b * 2.0
    u.register_hook(lambda g: calls.append("u"))
    v.register_hook(lambda g: calls.append("v"))
    y = (u * v).sum()
    y.register_hook(lambda g: calls.append("y"))
    grad(y, [b])
    first, calls[:] = list(calls), []
    z = a.exp().sum()
    z.register_hook(lambda g: calls.append("z"))
    grad(z, [c])
    return first, calls


def test_hooks_in_a_pruned_branch_are_not_called_and_the_roots_are(rng):
    assert _hooks_called(_leaf(rng, 3), _leaf(rng, 3), _leaf(rng, 3), ag.grad_of) == (["y", "v"], ["z"])


def test_torch_calls_the_same_hooks():
    torch = pytest.importorskip("torch")
    leaves = (torch.randn(3, requires_grad=True) for _ in range(3))
    grad = lambda y, inputs: torch.autograd.grad(y, inputs, allow_unused=True)  # noqa: E731
    assert _hooks_called(*leaves, grad) == (["y", "v"], ["z"])


def test_a_skipped_node_keeps_no_trace_of_an_earlier_sweep(rng):
    a, b = _leaf(rng, 3), _leaf(rng, 3)
    u, v = a.exp(), b.tanh()
    y = (u * v).sum()
    y.backward(retain_graph=True)
    assert u._node.trace is not None
    ag.grad_of(y, [b])
    assert u._node.trace is None
    assert [y._node.trace.position, v._node.trace.position] == [0, 2]  # Sum, Mul, Tanh


def test_retain_graph_false_frees_only_the_ops_that_ran(rng):
    a, b = _leaf(rng, 3), _leaf(rng, 3)
    u = a.exp()
    y = (u * b).sum()
    ag.grad_of(y, [b])
    assert u._node.parents is not None and y._node.parents is None
    with pytest.raises(RuntimeError, match="second time"):
        ag.grad_of(y, [a])


@pytest.mark.parametrize("lib", ["ag", "torch"])
def test_a_freed_graph_raises_only_where_the_sweep_must_run_it(lib):
    if lib == "torch":
        torch = pytest.importorskip("torch")
        make, grad = (lambda d: torch.tensor(d, requires_grad=True)), torch.autograd.grad
    else:
        make, grad = (lambda d: ag.tensor(d, requires_grad=True)), ag.grad_of
    x, w = make(np.array([0.5, 1.0])), make(np.array([2.0, 3.0]))
    y = x.exp() * x
    grad(y.sum(), [x])  # frees Mul and Exp
    np.testing.assert_allclose(np.asarray(grad((y * w).sum(), [w])[0]), np.exp([0.5, 1.0]) * [0.5, 1.0])
    np.testing.assert_allclose(np.asarray(grad((y * w).sum(), [y])[0]), [2.0, 3.0])  # y's own op is not run
    with pytest.raises(RuntimeError, match="second time"):
        grad((y * w).sum(), [x])


def test_a_100k_op_chain_is_walked_without_recursion_and_pruned():
    x = ag.tensor(1.0, requires_grad=True, dtype=np.float64)
    w = ag.tensor(2.0, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    z = y * w + w.exp()
    with observe(_Ran()) as ran:
        (gw,) = ag.grad_of(z, [w], retain_graph=True)
    assert gw.item() == 1.0 + np.exp(2.0) and sorted(ran.ops) == ["Add", "Exp", "Mul"]  # not the chain
    (gx,) = ag.grad_of(z, [x])
    assert gx.item() == 2.0


# Graphs written once for both engines (methods and operators only); each returns (output, named tensors).
def _two_branches(lib, a, b, c):
    u = a.exp() * b
    v = (b.reshape(1, 3) @ c.reshape(3, 1)).tanh()
    return u.sum() + v.sum(), {"a": a, "b": b, "c": c}


def _non_leaf_input(lib, a, b, c):
    h = a * b
    k = h.tanh() + c
    return (k * a).sum(), {"a": a, "c": c, "h": h}


def _changed_in_place(lib, a, b, c):
    x = a * 1.0
    y = x.exp()
    x += b  # after y used it: Exp saves its output only, so this is allowed in both engines
    return (y * x).sum() + c.sigmoid().sum(), {"a": a, "b": b, "c": c}


def _view_changed_in_place(lib, a, b, c):
    base = a * 1.0
    view = base[1:3]
    view *= c[:2]
    return base.tanh().sum() + b.exp().sum(), {"a": a, "b": b, "c": c}


GRAPHS = [(_two_branches, ["c"]), (_two_branches, ["a"]), (_two_branches, ["a", "c"]),
          (_non_leaf_input, ["h", "c"]), (_non_leaf_input, ["h", "a"]), (_non_leaf_input, ["c"]),
          (_changed_in_place, ["b"]), (_changed_in_place, ["a"]), (_changed_in_place, ["c", "a"]),
          (_view_changed_in_place, ["c"]), (_view_changed_in_place, ["a", "b"])]


@pytest.mark.parametrize("graph, wanted", GRAPHS, ids=lambda v: getattr(v, "__name__", None) or "+".join(v))
def test_gradients_of_some_inputs_match_torch(graph, wanted):
    torch = pytest.importorskip("torch")
    data = [np.random.default_rng(k).standard_normal(3) for k in range(3)]
    out, named = graph(ag, *[ag.tensor(d, requires_grad=True) for d in data])
    out_t, named_t = graph(torch, *[torch.tensor(d, requires_grad=True) for d in data])
    ours = ag.grad_of(out, [named[k] for k in wanted])
    theirs = torch.autograd.grad(out_t, [named_t[k] for k in wanted])
    for k, g, gt in zip(wanted, ours, theirs):
        np.testing.assert_allclose(g, gt.numpy(), rtol=1e-12, atol=1e-14, err_msg=k)


def test_grad_of_grad_through_a_pruned_sweep_matches_torch():
    torch = pytest.importorskip("torch")
    data = [np.random.default_rng(k).standard_normal(3) for k in range(3)]

    def second(lib, grad, a, b, c):
        out = (a.tanh() * b.exp()).sum() + (c * b).sum()
        (ga,) = grad(out, [a], create_graph=True)
        return grad((ga * ga).sum(), [b])[0]

    ours = second(ag, ag.grad_of, *[ag.tensor(d, requires_grad=True) for d in data])
    theirs = second(torch, torch.autograd.grad, *[torch.tensor(d, requires_grad=True) for d in data])
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


def test_two_pruned_sweeps_of_one_retained_graph_match_torch():
    torch = pytest.importorskip("torch")
    data = [np.random.default_rng(k).standard_normal(3) for k in range(3)]
    results = []
    for lib, grad, make in ((ag, ag.grad_of, lambda d: ag.tensor(d, requires_grad=True)),
                            (torch, torch.autograd.grad, lambda d: torch.tensor(d, requires_grad=True))):
        out, named = _two_branches(lib, *[make(d) for d in data])
        first = grad(out, [named["c"]], retain_graph=True)[0]
        second = grad(out, [named["a"], named["b"]])
        results.append([np.asarray(g) for g in (first, *second)])
    for g, gt in zip(*results):
        np.testing.assert_allclose(g, gt, rtol=1e-12)


def test_threads_pruning_one_kept_graph_each_get_their_own_gradient(rng):
    """A pruned sweep hands the VJP its own view of the needs; the shared node is never changed, so another
    thread's sweep of the same kept graph, asking for another input, still computes that input's share."""
    import threading
    x, w = _leaf(rng, 96, 96), _leaf(rng, 96, 96)
    y = (x @ w).tanh().sum()
    slope = 1 - np.tanh(x.data @ w.data) ** 2
    expected = {"x": slope @ w.data.T, "w": x.data.T @ slope}
    wrong = []

    def sweep(name, tensor):
        for _ in range(150):
            (g,) = ag.grad_of(y, [tensor], retain_graph=True)
            if not np.allclose(g, expected[name], rtol=1e-10, atol=1e-12):
                wrong.append(name)
    threads = [threading.Thread(target=sweep, args=item) for item in (("x", x), ("w", w))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
