"""Every primitive's batching rule, from the primitives' own sample inputs: vmap equals a loop over examples,
for the op itself and for its gradient (vmap(grad), the per-sample-gradient pattern).

The examples of a batch are independent draws of the same sample (so masks, signs and ties differ
between them, as they would in a real batch); non-float arguments (indices) stay unbatched. Where vmap
cannot batch, it must still give the loop's numbers, and say that it loops.
"""
import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import PRIMITIVES, Primitive
from autograd_core.vmap import vmap

BATCH = 3


def _cases():
    for name in sorted(PRIMITIVES):
        prim = PRIMITIVES[name]
        if prim.sample_inputs is Primitive.sample_inputs:
            continue
        draws = [list(prim.sample_inputs(np.random.default_rng(seed))) for seed in range(BATCH)]
        for i, (args, params) in enumerate(draws[0]):
            examples = [d[i][0] if i < len(d) else None for d in draws]
            yield pytest.param(prim, examples, params, id=f"{name}-{i}")


def _batch(prim, examples, params):
    """(batched arguments, in_dims): float arguments stacked from the draws, when every draw has the first's
    shapes and params; otherwise small moves of the first draw (still different signs near zero)."""
    first = examples[0]
    batched, dims = [], []
    for k, a in enumerate(first):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            same = all(e is not None and np.shape(e[k]) == a.shape for e in examples)
            if same:
                batched.append(np.stack([e[k] for e in examples]))
            else:
                noise = np.random.default_rng(k).uniform(-1, 1, (BATCH,) + a.shape) * 1e-3 * (1 + np.abs(a))
                batched.append(a + noise * np.arange(BATCH).reshape((BATCH,) + (1,) * a.ndim))
            dims.append(0)
        else:
            batched.append(a)
            dims.append(None)
    return batched, dims


def _example(batched, dims, k):
    return [b[k] if d is not None else b for b, d in zip(batched, dims)]


def _check(fn, batched, dims, expected, name):
    """vmap's numbers equal the loop's; where vmap loops (a primitive without a rule, a rule or function that
    reads values), it says so."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = vmap(fn, in_dims=tuple(dims))(*batched)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-11)
    for w in caught:
        if "vmap:" in str(w.message):
            assert "once per example" in str(w.message), str(w.message)


@pytest.mark.parametrize("prim,examples,params", list(_cases()))
def test_vmap_of_every_primitive_equals_a_loop(prim, examples, params):
    batched, dims = _batch(prim, examples, params)
    if all(d is None for d in dims):
        pytest.skip("no float argument to batch")

    def one(*xs):
        return prim.apply(*xs, **params)
    expected = np.stack([one(*_example(batched, dims, k)).data for k in range(BATCH)])
    _check(one, batched, dims, expected, prim.name)


@pytest.mark.parametrize("prim,examples,params", list(_cases()))
def test_vmap_of_the_gradient_of_every_primitive_equals_a_loop(prim, examples, params):
    batched, dims = _batch(prim, examples, params)
    if all(d is None for d in dims) or prim.nondiff == tuple(range(len(dims))):
        pytest.skip("nothing to differentiate")
    position = dims.index(0)

    def loss(*xs):
        out = prim.apply(*xs, **params)
        weights = np.cos(np.arange(out.data.size)).reshape(out.shape)
        return (out * ag.tensor(weights.astype(out.dtype))).sum()
    per_example = ag.grad(loss, argnums=position)
    expected = np.stack([per_example(*_example(batched, dims, k)) for k in range(BATCH)])
    _check(per_example, batched, dims, expected, prim.name)


# MatMul and Affine: "broadcast" is how their JVP rules take a batch of tangents (jacfwd's hot path), and their
# rule in RULES is their forward's, where a batched vector or weight would broadcast to the wrong axes
_FORWARD_REFINED = {"MatMul", "Affine"}


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_each_primitive_says_how_it_batches_in_one_place(name):
    """One table for vmap and for the batched tangents of jacfwd/jacrev: a primitive declares
    "broadcast", or `batch_params` (linear ops only), or has a rule in vmap_rules.RULES; not two of them."""
    from autograd_core.vmap_rules import RULES
    prim = PRIMITIVES[name]
    ways = [w for w, said in (("broadcast", prim.batched == "broadcast"),
                              ("batch_params", getattr(prim, "batch_params", None) is not None),
                              ("rule", name in RULES)) if said]
    if name in _FORWARD_REFINED:
        assert ways == ["broadcast", "rule"]
    else:
        assert len(ways) <= 1, f"{name} batches by {ways}"
    assert prim.batched in (False, "broadcast")
    if "batch_params" in ways:
        assert prim.linear
