"""A hostile user's table for constructors, factories, transforms and graph drawing: each bad argument is a
TypeError/ValueError naming it, raised at the call that got it; the type is compared with torch's where torch
raises a TypeError or ValueError for the same call."""
import numpy as np
import pytest

import autograd_core as ag
from tests.argument_tables import table_tests


def _leaf():
    return ag.tensor(np.ones(3), requires_grad=True)


def _square_sum(t):
    return (t * t).sum()


def _hook_returning_text():
    t = _leaf()
    t.register_hook(lambda g: "oops")
    (t * 2).sum().backward()


def _torch_hook_returning_text(T):
    t = T.ones(3, requires_grad=True)
    t.register_hook(lambda g: "oops")
    (t * 2).sum().backward()


# (id, our call, torch's same call or None, expected type, words the message must contain); no torch call: torch
# has no such function, or raises a RuntimeError there (a deliberate difference, docs/api.md "Coming from PyTorch")
CASES = [
    ("Tensor of text and numbers", lambda: ag.Tensor([1, "a"]), lambda T: T.tensor([1, "a"]), TypeError, "data"),
    ("tensor of a str", lambda: ag.tensor("abc"), lambda T: T.tensor("abc"), TypeError, "data"),
    ("Tensor of None", lambda: ag.Tensor(None), None, TypeError, "data"),
    ("reshape to a float", lambda: ag.tensor(np.ones((2, 4))).reshape(2.5),
     lambda T: T.ones(2, 4).reshape(2.5), TypeError, "shape"),
    ("sum over a float dim", lambda: ag.tensor(np.ones((2, 4))).sum(dim=1.5),
     lambda T: T.ones(2, 4).sum(dim=1.5), TypeError, "dim"),
    ("softmax over a float dim", lambda: ag.tensor(np.ones((2, 4))).softmax(dim=1.5),
     lambda T: T.ones(2, 4).softmax(dim=1.5), TypeError, "dim"),
    ("Tensor of an object array", lambda: ag.Tensor(np.array([1, None])),
     lambda T: T.tensor(np.array([1, None])), TypeError, "data"),
    ("Tensor of a ragged list", lambda: ag.Tensor([[1, 2], [3]]), lambda T: T.tensor([[1, 2], [3]]), ValueError,
     "rectangular"),
    ("Tensor str requires_grad", lambda: ag.Tensor(1.0, requires_grad="yes"),
     lambda T: T.tensor(1.0, requires_grad="yes"), TypeError, "requires_grad"),
    ("Tensor unknown dtype", lambda: ag.Tensor(1.0, dtype="foo"), lambda T: T.tensor(1.0, dtype="foo"), TypeError,
     "dtype"),
    ("requires_grad_ of a str", lambda: _leaf().requires_grad_("yes"), lambda T: T.ones(3).requires_grad_("yes"),
     TypeError, "requires_grad"),
    ("to an unknown dtype", lambda: _leaf().to("foo"), None, TypeError, "dtype"),
    ("zeros float size", lambda: ag.zeros(2.5), lambda T: T.zeros(2.5), TypeError, "size"),
    ("ones str size", lambda: ag.ones("a"), lambda T: T.ones("a"), TypeError, "size"),
    ("zeros negative size", lambda: ag.zeros(-1), None, ValueError, "size"),
    ("randn negative size", lambda: ag.randn(2, -3), None, ValueError, "size"),
    ("rand float size", lambda: ag.rand(2.0), lambda T: T.rand(2.0), TypeError, "size"),
    ("full float size", lambda: ag.full(2.5, 1.0), lambda T: T.full(2.5, 1.0), TypeError, "size"),
    ("arange zero step", lambda: ag.arange(0, 5, 0), None, ValueError, "step"),
    ("arange step against the bounds", lambda: ag.arange(0, 5, -1), None, ValueError, "step sign"),
    ("eye float n", lambda: ag.eye(2.5), lambda T: T.eye(2.5), TypeError, "n"),
    ("eye negative n", lambda: ag.eye(-2), None, ValueError, "n must be"),
    ("manual_seed of a str", lambda: ag.manual_seed("a"), None, TypeError, "seed"),
    ("manual_seed of a float", lambda: ag.manual_seed(1.5), None, TypeError, "seed"),
    ("set_grad_enabled of an int", lambda: ag.set_grad_enabled(1), lambda T: T.set_grad_enabled(1), TypeError,
     "mode"),
    ("register_hook of an int", lambda: _leaf().register_hook(3), None, TypeError, "hook"),
    ("hook that returns a str", _hook_returning_text, _torch_hook_returning_text, TypeError, "hook"),
    ("grad of a non-function", lambda: ag.grad(3), None, TypeError, "f must be callable"),
    ("grad float argnums", lambda: ag.grad(_square_sum, argnums=1.5), None, TypeError, "argnums"),
    ("grad empty argnums", lambda: ag.grad(_square_sum, argnums=()), None, ValueError, "argnums"),
    ("grad argnums out of range", lambda: ag.grad(_square_sum, argnums=3)(np.ones(3)), None, ValueError, "argnums"),
    ("jacrev zero chunk_size", lambda: ag.jacrev(_square_sum, chunk_size=0),
     lambda T: T.func.jacrev(_square_sum, chunk_size=0), ValueError, "chunk_size"),
    ("jacfwd float chunk_size", lambda: ag.jacfwd(_square_sum, chunk_size=1.5), None, TypeError, "chunk_size"),
    ("jacfwd str argnums", lambda: ag.jacfwd(_square_sum, argnums="x"), None, TypeError, "argnums"),
    ("jvp primals not a tuple", lambda: ag.jvp(_square_sum, np.ones(3), np.ones(3)), None, TypeError, "primals"),
    ("jvp more tangents than primals", lambda: ag.jvp(_square_sum, (np.ones(3),), (np.ones(3), np.ones(3))), None,
     ValueError, "tangents"),
    ("vjp of a non-function", lambda: ag.vjp(None, np.ones(3)), None, TypeError, "f must be callable"),
    ("checkpoint of a non-function", lambda: ag.checkpoint(3, _leaf()), None, TypeError, "fn"),
    ("draw_graph float max_nodes", lambda: ag.draw_graph(_square_sum(_leaf()), max_nodes=2.5), None, TypeError,
     "max_nodes"),
    ("draw_graph zero max_nodes", lambda: ag.draw_graph(_square_sum(_leaf()), max_nodes=0), None, ValueError,
     "max_nodes"),
    ("draw_graph unknown rankdir", lambda: ag.draw_graph(_square_sum(_leaf()), rankdir="XX"), None, ValueError,
     "rankdir"),
    ("draw_graph of a number", lambda: ag.draw_graph(3), None, TypeError, "Value or Tensor"),
    ("Value of a str", lambda: ag.Value("a"), None, TypeError, "data"),
    ("Value of None", lambda: ag.Value(None), None, TypeError, "data"),
    ("cat of one Tensor", lambda: ag.cat(_leaf()), lambda T: T.cat(T.ones(3)), TypeError, "tensors"),
    ("stack of one Tensor", lambda: ag.stack(_leaf()), lambda T: T.stack(T.ones(3)), TypeError, "tensors"),
    ("gradcheck of a non-function", lambda: ag.gradcheck(3, (np.ones(2),)), None, TypeError, "f must be callable"),
    ("compare_modes of a non-function", lambda: ag.compare_modes(3, np.ones(2)), None, TypeError,
     "f must be callable"),
    ("explore unknown mode", lambda: ag.explore(_square_sum(_leaf()), mode="sideways"), None, ValueError, "mode"),
    ("explore forward without wrt", lambda: ag.explore(_square_sum(_leaf()), mode="forward"), None, ValueError,
     "wrt"),
]


@pytest.fixture(autouse=True)
def _recording_back_on():
    yield
    ag.set_grad_enabled(True)


test_bad_argument_is_named_at_the_call, test_torch_raises_the_same_type = table_tests(CASES)
