"""Views share their base's graph: in-place changes through a view, views of leaves, numpy's in-place writers.

Every view kind x every in-place kind is compared with PyTorch (value and every leaf's
gradient); the hand-computed cases run without torch.
"""
import gc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Primitive, Tensor, no_grad

LEAF_VIEW = "a view of a leaf Variable that requires grad is being used in an in-place operation"
NO_GRAD_VIEW = "A view was created in no_grad mode and is being modified inplace with grad mode enabled"
OVERLAP = "more than one element of the written-to tensor refers to a single memory location"


def _torch():
    return pytest.importorskip("torch")


# ---- hand-computed cases (no torch) -------------------------------------------------------------
def test_issue_example_an_in_place_op_on_a_slice_reaches_the_base_gradient():
    a = ag.ones(4, requires_grad=True)
    x = a * 1
    v = x[:2]
    v *= 2
    np.testing.assert_array_equal(x.data, [2.0, 2.0, 1.0, 1.0])
    assert x.grad_fn == "CopySlices" and not x.is_leaf
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 2.0, 1.0, 1.0])


def test_setitem_on_a_view_with_a_value_requiring_grad_sends_it_its_gradient():
    a = ag.ones(4, requires_grad=True)
    b = ag.tensor(3.0, requires_grad=True)
    x = a * 1
    v = x[:2]
    v[0] = b
    (x * x).sum().backward()  # d/db (b² + ...) = 2b; a[0] was overwritten
    np.testing.assert_array_equal(a.grad.data, [0.0, 2.0, 2.0, 2.0])
    assert b.grad.item() == 6.0


def test_a_view_read_after_its_base_changed_has_the_new_value_and_gradient():
    a = ag.ones(4, requires_grad=True)
    x = a * 1
    v = x[:2]
    x *= 3
    np.testing.assert_array_equal(v.data, [3.0, 3.0])
    v.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [3.0, 3.0, 0.0, 0.0])


def test_a_consumer_recorded_before_the_change_keeps_the_old_gradient():
    a = ag.ones(4, requires_grad=True)
    x = a * 1
    v = x[:2]
    z = v + 5  # recorded before: its gradient goes to a directly
    x *= 3
    (z.sum() * 10 + v.sum()).backward()  # 10 * 1 + 3
    np.testing.assert_array_equal(a.grad.data, [13.0, 13.0, 0.0, 0.0])


def test_one_backward_through_a_tensor_changed_in_place_and_an_older_consumer_matches_torch():
    """The in-place node is released at the end of the sweep, so the older consumer still finds the old value."""
    torch = _torch()
    grads = []
    for lib in (ag, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = a * 1
        z = x + 1
        x *= 2
        (z * 10 + x).sum().backward()
        grads.append(np.asarray(a.grad.data if lib is ag else a.grad.numpy()))
    np.testing.assert_array_equal(grads[0], [12.0, 12.0, 12.0])
    np.testing.assert_array_equal(grads[0], grads[1])


def test_a_view_of_a_view_changes_the_root_and_the_middle_view_follows():
    a = ag.ones(4, requires_grad=True)
    x = a * 1
    middle = x[:3]
    inner = middle[1:]
    inner *= 2
    (middle * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 20.0, 200.0, 0.0])
    assert inner._view[0] is x  # the record goes to the root base


def test_a_plain_base_joins_the_graph_through_its_view():
    x = ag.zeros(4)
    b = ag.tensor([1.0, 2.0], requires_grad=True)
    v = x[1:3]
    v.copy_(b)
    assert x.requires_grad and x.grad_fn == "CopySlices"
    (x * ag.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(b.grad.data, [2.0, 3.0])


def test_an_integer_index_is_a_view_as_in_pytorch():
    a = ag.ones(3, requires_grad=True)
    x = a * 1
    v = x[1]
    assert v.shape == () and v._view is not None
    v += 4
    np.testing.assert_array_equal(x.data, [1.0, 5.0, 1.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 10.0, 2.0])


def test_an_aliasing_operand_uses_the_value_before_the_change():
    """`x *= x` and `v *= v`: PyTorch raises (the saved operand was changed); we differentiate the old value."""
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = a * 1
    x *= x
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 4.0, 6.0])
    a = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    x = a * 1
    v = x[:2]
    v *= x[2:]
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [3.0, 4.0, 2.0, 3.0])


def test_an_output_of_split_changed_in_place_is_differentiated():
    """PyTorch refuses in-place changes of a multi-view function's outputs; here they are views like any other."""
    a = ag.ones(4, requires_grad=True)
    x = a * 1
    part = x.split(2)[1]
    part *= 3
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0, 3.0, 3.0])


def test_a_new_view_primitive_registers_with_one_line():
    class _Flip(Primitive):
        """out = x reversed along its first axis (a numpy view)"""
        linear, view = True, True
        saves = ()

        @staticmethod
        def forward(ctx, x):
            return x[::-1]

        @staticmethod
        def vjp(ctx, xp, g, out, x):
            return (g[::-1],)

    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = ag.tensor(7.0, requires_grad=True)
    x = a * 1
    v = _Flip.apply(x)
    v[0] = b
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 7.0])
    (x * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 2.0, 0.0])
    assert b.grad.item() == 3.0


def test_a_copy_is_not_a_view():
    x = ag.tensor(np.arange(6.0).reshape(2, 3)) * 1
    assert x.T.reshape(6)._view is None  # numpy had to copy
    assert x[np.array([0, 1])]._view is None
    assert x.reshape(3, 2)._view is not None


def test_forward_mode_follows_a_change_through_a_view():
    def f(x):
        y = x * 2
        v = y[:2]
        v *= x[1:]
        return y * 1

    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(ag.jacfwd(f)(x), ag.jacrev(f)(x))
    np.testing.assert_allclose(ag.jacrev(f)(x), [[4.0, 2.0, 0.0], [0.0, 6.0, 4.0], [0.0, 0.0, 2.0]])


def test_backward_frees_what_an_in_place_op_on_a_view_kept():
    a = ag.tensor(np.ones(1000), requires_grad=True)
    x = a * 2
    v = x[:500]
    v *= 3
    old = weakref.ref(x._node.rebased_from)
    x.sum().backward()
    gc.collect()
    assert old() is None
    np.testing.assert_array_equal(a.grad.data[:2], [6.0, 6.0])


def test_a_view_keeps_only_its_base_tensor_and_the_steps():
    x = ag.tensor(np.ones((4, 3))) * 1
    v = x[1:3].T
    base, steps, _, tracked = v._view
    assert base is x and tracked
    assert [prim.name for prim, _ in steps] == ["GetItem", "Transpose"]
    assert not any(isinstance(p, np.ndarray) for _, params in steps for p in params.values())


# ---- every view kind x every in-place kind, against PyTorch --------------------------------------
VIEWS = {  # x has shape (4, 3)
    "slice": lambda x: x[1:3],
    "step slice": lambda x: x[::2, 1:],
    "int index": lambda x: x[2],
    "int index 0-d": lambda x: x[1, 2],
    "reshape": lambda x: x.reshape(3, 4),
    "view": lambda x: x.view(12),
    ".T": lambda x: x.T,
    "transpose": lambda x: x.transpose(1, 0),
    "permute": lambda x: x.permute(1, 0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x[1:2].squeeze(0),
    "view of view": lambda x: x.reshape(12)[2:8].reshape(2, 3).T,
    "narrow": lambda x: x.narrow(0, 1, 2),
    "movedim": lambda x: x.movedim(0, 1),
    "mT": lambda x: x.mT,
    "diagonal": lambda x: x.diagonal(),
    "unflatten": lambda x: x.unflatten(1, (3, 1)),
}


def _setitem(v, b):
    if v.ndim == 0:
        v[...] = b
    else:
        v[0] = b[0]
    return v


INPLACE = {
    "+=": lambda v, b, c: v.__iadd__(b),
    "-=": lambda v, b, c: v.__isub__(b),
    "*=": lambda v, b, c: v.__imul__(b),
    "/=": lambda v, b, c: v.__itruediv__(b),
    "setitem": lambda v, b, c: _setitem(v, b),
    "copy_": lambda v, b, c: v.copy_(b),
    "fill_": lambda v, b, c: v.fill_(c),
    "zero_": lambda v, b, c: v.zero_(),
}


def _run(lib, view, change, av, bv, cv, weights):
    """Change a view of x = a * 1.5, then read x, the changed view and a view made before the change."""
    leaf = (lambda v: lib.tensor(v, requires_grad=True)) if lib is ag else \
        (lambda v: lib.tensor(v, requires_grad=True, dtype=lib.float64))
    a, b, c = leaf(av), leaf(bv), leaf(cv)
    x = a * 1.5
    before = x[:, 1:]  # made before the change, read after it
    v = view(x)
    assert change(v, b, c) is v
    loss = (x * lib.tensor(weights[0])).sum() + (v * lib.tensor(weights[1])).sum() + \
        (before * lib.tensor(weights[2])).sum()
    loss.backward()
    grads = [None if t.grad is None else np.asarray(t.grad.data if lib is ag else t.grad.numpy()) for t in (a, b, c)]
    value = x.data if lib is ag else x.detach().numpy()
    return value, grads


@pytest.mark.parametrize("change_name", sorted(INPLACE))
@pytest.mark.parametrize("view_name", sorted(VIEWS))
def test_in_place_through_a_view_matches_torch(view_name, change_name):
    torch = _torch()
    rng = np.random.default_rng(0)
    av = rng.standard_normal((4, 3))
    view = VIEWS[view_name]
    shape = tuple(view(torch.empty(4, 3)).shape)
    bv = rng.uniform(1.0, 2.0, shape)
    cv = np.array(0.75)
    weights = [rng.standard_normal((4, 3)), rng.standard_normal(shape), rng.standard_normal((4, 2))]
    ours = _run(ag, view, INPLACE[change_name], av, bv, cv, weights)
    theirs = _run(torch, view, INPLACE[change_name], av, bv, cv, weights)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    for name, g, tg in zip("abc", ours[1], theirs[1]):
        if tg is None:
            assert g is None or not np.any(g), name
        else:
            np.testing.assert_allclose(g, tg, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("change_name", sorted(INPLACE))
@pytest.mark.parametrize("view_name", sorted(VIEWS))
def test_in_place_on_a_view_of_a_leaf_requiring_grad_is_refused_as_in_torch(view_name, change_name):
    a = ag.tensor(np.ones((4, 3)), requires_grad=True)
    v = VIEWS[view_name](a)
    b, c = ag.ones_like(v) * 2, ag.tensor(2.0)
    with pytest.raises(RuntimeError, match=LEAF_VIEW):
        INPLACE[change_name](v, b, c)
    np.testing.assert_array_equal(a.data, np.ones((4, 3)))
    assert a.is_leaf and a._version == 0


@pytest.mark.parametrize("change_name", sorted(INPLACE))
@pytest.mark.parametrize("view_name", sorted(VIEWS))
def test_in_place_on_a_view_of_a_leaf_is_allowed_under_no_grad_as_in_torch(view_name, change_name):
    torch = _torch()
    a = ag.tensor(np.ones((4, 3)), requires_grad=True)
    ta = torch.ones(4, 3, dtype=torch.float64, requires_grad=True)
    with no_grad():
        v = VIEWS[view_name](a)
        INPLACE[change_name](v, ag.ones_like(v) * 2, ag.tensor(2.0))
    with torch.no_grad():
        tv = VIEWS[view_name](ta)
        INPLACE[change_name](tv, torch.ones_like(tv) * 2, torch.tensor(2.0))
    np.testing.assert_array_equal(a.data, ta.detach().numpy())
    assert a.is_leaf and a.requires_grad and a._version == ta._version == 1


def test_torch_refuses_an_in_place_op_on_a_view_of_a_leaf_too():
    torch = _torch()
    a = torch.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match=LEAF_VIEW):
        a[:2] += 1
    ours = ag.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"add_ on a view \(GetItem\) of a tensor of shape \(4,\)"):
        ours[:2] += 1


def test_a_view_made_under_no_grad_changed_with_grad_mode_on_raises_as_in_torch():
    torch = _torch()
    for lib in (ag, torch):
        x = lib.ones(4, requires_grad=True) * 1
        with lib.no_grad():
            v = x[:2]
        with pytest.raises(RuntimeError, match=NO_GRAD_VIEW):
            v += 1
    x = ag.ones(4, requires_grad=True) * 1  # both in no_grad: allowed, and the graph is unchanged
    with no_grad():
        v = x[:2]
        v += 1
    assert x.grad_fn == "Mul"


@pytest.mark.parametrize("grad_mode", [True, False])
def test_a_write_into_an_expanded_view_raises_as_in_torch(grad_mode):
    torch = _torch()
    for lib in (ag, torch):
        x = lib.ones(1, 3, requires_grad=True) * 1
        v = x.expand(2, 3)
        with pytest.raises(RuntimeError, match=OVERLAP), lib.set_grad_enabled(grad_mode):
            v += 1
    assert x._version == 0


def test_double_backward_through_an_in_place_op_on_a_view_matches_torch():
    torch = _torch()
    results = []
    for lib in (ag, torch):
        a = lib.tensor([0.5, -1.0, 2.0], requires_grad=True, dtype=lib.float64)
        x = a * a
        v = x[1:]
        v *= a[:2]
        y = (x * x).sum()
        (g,) = (ag.grad_of(y, [a], create_graph=True) if lib is ag else torch.autograd.grad(y, [a], create_graph=True))
        g.sum().backward()
        results.append((np.asarray(g.data if lib is ag else g.detach().numpy()),
                        np.asarray(a.grad.data if lib is ag else a.grad.numpy())))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# ---- numpy's in-place writers ---------------------------------------------------------------------
WRITERS = {
    "copyto": lambda t: np.copyto(t, np.zeros(4)),
    "add.at": lambda t: np.add.at(t, [0, 0], 1.0),
    "multiply.at": lambda t: np.multiply.at(t, [1], 3.0),
    "put": lambda t: np.put(t, [0], 5.0),
    "place": lambda t: np.place(t, np.array([True, False, False, False]), [7.0]),
    "putmask": lambda t: np.putmask(t, np.array([True, False, False, False]), 7.0),
    "fill_diagonal": lambda t: np.fill_diagonal(t.reshape(2, 2), 9.0),
    "put_along_axis": lambda t: np.put_along_axis(t, np.array([0]), 3.0, axis=0),
    "out= of a ufunc": lambda t: np.add(np.ones(4), 1.0, out=t),
    "out= of a function": lambda t: np.cumsum(np.ones(4), out=t),
    "out= of a reduction": lambda t: np.sum(np.ones((2, 4)), axis=0, out=t),
    "out= of ufunc.accumulate": lambda t: np.add.accumulate(np.ones(4), out=t),
}
EXPECTED = {
    "copyto": [0.0, 0.0, 0.0, 0.0], "add.at": [3.0, 1.0, 1.0, 1.0], "multiply.at": [1.0, 3.0, 1.0, 1.0],
    "put": [5.0, 1.0, 1.0, 1.0], "place": [7.0, 1.0, 1.0, 1.0], "putmask": [7.0, 1.0, 1.0, 1.0],
    "fill_diagonal": [9.0, 1.0, 1.0, 9.0], "put_along_axis": [3.0, 1.0, 1.0, 1.0],
    "out= of a ufunc": [2.0, 2.0, 2.0, 2.0], "out= of a function": [1.0, 2.0, 3.0, 4.0],
    "out= of a reduction": [2.0, 2.0, 2.0, 2.0], "out= of ufunc.accumulate": [1.0, 2.0, 3.0, 4.0],
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_numpy_writer_counts_the_change_so_a_backward_needing_the_old_value_raises(name):
    a = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    w = ag.ones(4)
    y = (a * w).sum()  # Mul saves w
    WRITERS[name](w)
    np.testing.assert_array_equal(w.data, EXPECTED[name])
    assert w._version == 1
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*op 'Mul', input 1"):
        y.backward()


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_numpy_writer_refuses_a_tensor_requiring_grad_and_is_allowed_under_no_grad(name):
    p = ag.ones(4, requires_grad=True)
    function = "numpy." + name.split("out= of ")[-1].replace("a ufunc", "add").replace("a function", "cumsum") \
        .replace("a reduction", "sum").replace("ufunc.accumulate", "add.accumulate")
    with pytest.raises(TypeError, match=function.replace(".", r"\.")):
        WRITERS[name](p)
    np.testing.assert_array_equal(p.data, np.ones(4))
    with no_grad():
        WRITERS[name](p)
    np.testing.assert_array_equal(p.data, EXPECTED[name])
    assert p.is_leaf and p._version == 1


def test_out_of_a_function_without_gradient_counts_the_change():
    x = ag.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    t = Tensor(np.zeros(2, dtype=np.int64))
    assert np.argmax(x, axis=0, out=t) is t
    np.testing.assert_array_equal(t.data, [1, 0])
    assert t._version == 1


# ---- the indexing ops' in-place variants go through the same path ----------------------------------
INDEXING = {
    "masked_fill_": lambda lib, v, s: v.masked_fill_(_t(lib, [[True, False, True], [False, False, True]]), 7.0),
    "masked_scatter_": lambda lib, v, s: v.masked_scatter_(_t(lib, [[True, False, True], [False, False, True]]), s),
    "index_add_": lambda lib, v, s: v.index_add_(0, _t(lib, [1, 1]), s),
    "index_fill_": lambda lib, v, s: v.index_fill_(1, _t(lib, [0]), -1.0),
    "scatter_": lambda lib, v, s: v.scatter_(1, _t(lib, [[0, 1, 2], [2, 1, 0]]), s),
}


def _t(lib, values, requires_grad=False):
    return lib.tensor(np.array(values), requires_grad=requires_grad)


@pytest.mark.parametrize("name", sorted(INDEXING))
def test_an_indexing_op_in_place_on_a_slice_matches_torch(name):
    torch = _torch()
    results = []
    for lib in (ag, torch):
        a, s = _t(lib, np.arange(12.0).reshape(4, 3), True), _t(lib, np.full((2, 3), 5.0), True)
        x = a * 2
        INDEXING[name](lib, x[1:3], s)
        (x * _t(lib, np.arange(12.0).reshape(4, 3))).sum().backward()
        grad = [None if t.grad is None else np.asarray(t.grad.data if lib is ag else t.grad.numpy()) for t in (a, s)]
        results.append([np.asarray(x.data if lib is ag else x.detach().numpy())] + grad)
    for ours, theirs in zip(*results):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
