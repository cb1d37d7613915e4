"""mm, bmm, mv, dot, outer, inner, kron, tensordot and einsum: values and gradients against PyTorch."""
import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch")


def _r(*shape, seed=0):
    return np.random.default_rng(seed + len(shape)).standard_normal(shape)


# (name, our function, torch function, input arrays)
CASES = [
    ("mm", ag.mm, torch.mm, [_r(2, 3), _r(3, 4)]),
    ("bmm", ag.bmm, torch.bmm, [_r(2, 3, 4), _r(2, 4, 2, seed=1)]),
    ("mv", ag.mv, torch.mv, [_r(3, 4), _r(4)]),
    ("dot", ag.dot, torch.dot, [_r(5), _r(5, seed=1)]),
    ("outer", ag.outer, torch.outer, [_r(3), _r(4, seed=1)]),
    ("inner-1d", ag.inner, torch.inner, [_r(4), _r(4, seed=1)]),
    ("inner-nd", ag.inner, torch.inner, [_r(2, 3, 4), _r(5, 4)]),
    ("inner-scalar", ag.inner, torch.inner, [np.array(1.5), _r(2, 3)]),
    ("kron-2d", ag.kron, torch.kron, [_r(2, 3), _r(3, 2, seed=1)]),
    ("kron-ranks", ag.kron, torch.kron, [_r(2), _r(2, 3, 2)]),
    ("tensordot-int", lambda a, b: ag.tensordot(a, b, 2), lambda a, b: torch.tensordot(a, b, 2),
     [_r(2, 3, 4), _r(3, 4, 5)]),
    ("tensordot-lists", lambda a, b: ag.tensordot(a, b, ([0, 2], [2, 0])),
     lambda a, b: torch.tensordot(a, b, ([0, 2], [2, 0])), [_r(2, 3, 4), _r(4, 5, 2)]),
    ("tensordot-0", lambda a, b: ag.tensordot(a, b, 0), lambda a, b: torch.tensordot(a, b, 0), [_r(2), _r(3)]),
    ("methods", lambda a, b: a.mm(b).mv(b[0]).outer(b[1]).inner(a).kron(b) * a[0].dot(b[1]),
     lambda a, b: a.mm(b).mv(b[0]).outer(b[1]).inner(a).kron(b) * a[0].dot(b[1]), [_r(3, 3), _r(3, 3, seed=1)]),
]

EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),  # trace
    ("iij->j", [(3, 3, 2)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
    ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]),  # ellipsis broadcasting
    ("...ii->...i", [(2, 3, 3)]),
    ("i...->...", [(3, 2, 2)]),
    ("...i->i", [(2, 3, 4)]),  # explicit output without '...': those dims are summed
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 2)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("ij,kj->ikj", [(2, 1), (4, 3)]),  # a size-1 dim broadcasts
    ("i i -> i", [(3, 3)]),  # spaces
    ("Ab,bC->AC", [(2, 3), (3, 2)]),
]


def _grads_ours(f, arrays):
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = f(*xs)
    seed = np.cos(np.arange(out.size)).reshape(out.shape)
    (out * seed).sum().backward()
    return out.data, [x.grad.data for x in xs]


def _grads_torch(f, arrays):
    xs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = f(*xs)
    seed = torch.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)))
    (out * seed).sum().backward()
    return out.detach().numpy(), [x.grad.numpy() for x in xs]


def _agree(ours, theirs):
    (v, gs), (tv, tgs) = ours, theirs
    assert v.shape == tv.shape
    np.testing.assert_allclose(v, tv, rtol=1e-10, atol=1e-12)
    for g, tg in zip(gs, tgs):
        np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,ours,theirs,arrays", CASES, ids=[c[0] for c in CASES])
def test_product_value_and_gradient_match_torch(name, ours, theirs, arrays):
    _agree(_grads_ours(ours, arrays), _grads_torch(theirs, arrays))


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_value_and_gradient_match_torch(equation, shapes):
    arrays = [_r(*s, seed=i) for i, s in enumerate(shapes)]
    _agree(_grads_ours(lambda *xs: ag.einsum(equation, *xs), arrays),
           _grads_torch(lambda *xs: torch.einsum(equation, *xs), arrays))


def test_einsum_takes_a_list_of_operands_as_torch():
    a, b = _r(2, 3), _r(3, 2)
    np.testing.assert_allclose(ag.einsum("ij,jk->ik", [a, b]).data, a @ b)


def test_einsum_sublist_form_as_torch():
    a, b = _r(2, 3), _r(3, 4)
    for args in ([a, [0, 1], b, [1, 2], [0, 2]], [a, [0, 1], b, [1, 2]], [a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2]]):
        expected = torch.einsum(*[torch.tensor(x) if isinstance(x, np.ndarray) else x for x in args]).numpy()
        np.testing.assert_allclose(ag.einsum(*args).data, expected, rtol=1e-12)


def test_einsum_double_backward_matches_torch():
    a, b = _r(3, 3), _r(3, 3, seed=1)
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    (gx,) = ag.grad_of(ag.einsum("ij,jk,ki->", x, y, x), [x], create_graph=True)
    (gx * gx).sum().backward()
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (tgx,) = torch.autograd.grad(torch.einsum("ij,jk,ki->", tx, ty, tx), [tx], create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(y.grad.data, ty.grad.numpy(), rtol=1e-10)


def test_einsum_jacfwd_and_jacrev_agree_with_torch():
    a = _r(2, 3)
    b = _r(3, 2, seed=1)
    f = lambda x: ag.einsum("ij,jk->ik", x, b)  # noqa: E731
    tf = lambda x: torch.einsum("ij,jk->ik", x, torch.tensor(b))  # noqa: E731
    expected = torch.autograd.functional.jacobian(tf, torch.tensor(a)).numpy()
    np.testing.assert_allclose(ag.jacfwd(f)(a), expected, rtol=1e-12)
    np.testing.assert_allclose(ag.jacrev(f)(a), expected, rtol=1e-12)


BAD = [
    (lambda: ag.mm(_r(2, 3), _r(4, 2)), "mm"),
    (lambda: ag.mm(_r(3), _r(3, 2)), "mm"),
    (lambda: ag.bmm(_r(2, 3, 4), _r(3, 4, 2)), "bmm"),
    (lambda: ag.bmm(_r(3, 4), _r(4, 2)), "bmm"),
    (lambda: ag.mv(_r(2, 3), _r(2)), "mv"),
    (lambda: ag.dot(_r(3), _r(4)), "dot"),
    (lambda: ag.dot(_r(3, 1), _r(3, 1)), "dot"),
    (lambda: ag.outer(_r(3, 1), _r(3)), "outer"),
    (lambda: ag.tensordot(_r(2, 3), _r(2, 3), 1), "tensordot"),
    (lambda: ag.einsum("ij,jk->ik", _r(2, 3), _r(4, 2)), "einsum"),
    (lambda: ag.einsum("ij->ik", _r(2, 3)), "einsum"),
    (lambda: ag.einsum("ijk->i", _r(2, 3)), "einsum"),
    (lambda: ag.einsum("ij,jk->ik", _r(2, 3)), "einsum"),
    (lambda: ag.einsum("i1->i", _r(2, 3)), "einsum"),
]


@pytest.mark.parametrize("call,op", BAD, ids=[f"{op}-{i}" for i, (_, op) in enumerate(BAD)])
def test_bad_shapes_raise_naming_the_op_and_shapes(call, op):
    with pytest.raises(ValueError, match=op) as info:
        call()
    assert "(" in str(info.value) or "x" in str(info.value)
