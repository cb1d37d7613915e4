"""Every registered primitive: VJP and JVP against central differences, each other, and double backward."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

from autograd_core import PRIMITIVES, Primitive, Tensor, gradcheck, grad_of, jvp, value_and_grad
from autograd_core.forward_mode import NUMPY_ONLY_JVP
from autograd_core.gradcheck import _numeric_jacobian
from autograd_core.ops.elementwise import _Elementwise


def _cases():
    rng = np.random.default_rng(0)
    for name in sorted(PRIMITIVES):
        prim = PRIMITIVES[name]
        if prim.sample_inputs is Primitive.sample_inputs:
            continue
        for i, (args, params) in enumerate(prim.sample_inputs(rng)):
            yield pytest.param(prim, args, params, id=f"{name}-{i}")


CASES = list(_cases())


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_primitive_ships_sample_inputs(name):
    prim = PRIMITIVES[name]
    assert prim.sample_inputs is not Primitive.sample_inputs, f"{name} has no sample_inputs"
    assert list(prim.sample_inputs(np.random.default_rng(0))), f"{name}.sample_inputs yields nothing"
    assert prim.linear or "jvp" in vars(prim) or any("jvp" in vars(base) for base in prim.__mro__[1:-1]
                                                     if base is not Primitive), f"{name} has no jvp"


@pytest.mark.parametrize("prim,args,params", CASES)
def test_vjp_and_jvp_match_finite_differences(prim, args, params):
    assert gradcheck(lambda *xs: prim.apply(*xs, **params), args)


def _float_positions(args):
    return [i for i, a in enumerate(args) if np.issubdtype(np.asarray(a).dtype, np.floating)]


@pytest.mark.parametrize("prim,args,params", CASES)
def test_create_graph_vjp_equals_plain_vjp(prim, args, params):
    rng = np.random.default_rng(1)
    floats = _float_positions(args)
    leaves = [Tensor(np.asarray(a, dtype=np.float64), requires_grad=True) if i in floats else a
              for i, a in enumerate(args)]
    out = prim.apply(*leaves, **params)
    u = rng.standard_normal(out.shape)
    wanted = [leaves[i] for i in floats]
    plain = grad_of(out, wanted, u, retain_graph=True)
    graph = grad_of(out, wanted, u, create_graph=True)
    for p, g in zip(plain, graph):
        assert isinstance(g, Tensor)
        np.testing.assert_allclose(g.data, p, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("prim,args,params", [c for c in CASES if not c.values[0].linear])
def test_double_backward_matches_finite_differences(prim, args, params):
    """The gradient built with create_graph=True is itself differentiated correctly."""
    rng = np.random.default_rng(2)
    floats = _float_positions(args)
    probe = prim.apply(*args, **params)
    u = rng.standard_normal(probe.shape)

    def vjp_of(*xs):
        leaves = [x if i not in floats or getattr(x, "requires_grad", False)
                  else Tensor(np.asarray(getattr(x, "data", x)), requires_grad=True) for i, x in enumerate(xs)]
        out = prim.apply(*leaves, **params)
        grads = grad_of(out, [leaves[i] for i in floats], u, create_graph=True)
        return sum((g * g).sum() for g in grads)

    from autograd_core.jacobian import jacrev
    x64 = [np.asarray(a, dtype=np.float64) if i in floats else a for i, a in enumerate(args)]
    for a in floats:
        numeric = _numeric_jacobian(vjp_of, [np.array(x) for x in x64], a, 1e-6)
        analytic = jacrev(vjp_of, argnums=a)(*x64)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-6)


ELEMENTWISE = sorted(n for n, p in PRIMITIVES.items() if issubclass(p, _Elementwise) and not p.sample_params)


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(data=st.data())
def test_elementwise_broadcasting(name, data):
    """hypothesis draws the shapes; gradients must come back reduced to each input's shape."""
    prim = PRIMITIVES[name]
    shapes = data.draw(mutually_broadcastable_shapes(num_shapes=prim.arity, max_dims=3, max_side=3)).input_shapes
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    args = [prim.domain(rng, s, i) for i, s in enumerate(shapes)]
    assert gradcheck(lambda *xs: prim.apply(*xs), args)


@pytest.mark.parametrize("prim,args,params", [c for c in CASES if c.values[0].name not in NUMPY_ONLY_JVP])
def test_nested_jvp_rule_matches_numpy_rule_and_is_differentiable(prim, args, params):
    """Inside grad, jvp runs each rule as engine ops: same tangent, and its gradient matches finite differences."""
    rng = np.random.default_rng(3)
    floats = _float_positions(args)
    x64 = [np.asarray(a, dtype=np.float64) if i in floats else a for i, a in enumerate(args)]
    vs = [rng.standard_normal(np.shape(a)) if i in floats else None for i, a in enumerate(args)]
    u = rng.standard_normal(np.shape(prim.apply(*args, **params).data))

    def tangent_dot_u(*xs):
        _, t = jvp(lambda *ys: prim.apply(*ys, **params), xs, vs)
        return (t * u).sum()
    plain = float(tangent_dot_u(*x64))
    for a in floats:
        value, g = value_and_grad(tangent_dot_u, argnums=a)(*x64)
        assert value == pytest.approx(plain, rel=1e-12, abs=1e-12)
        numeric = _numeric_jacobian(lambda *xs: Tensor(np.asarray(tangent_dot_u(*xs))), [np.array(x) for x in x64],
                                    a, 1e-6)
        np.testing.assert_allclose(g, numeric, rtol=1e-4, atol=1e-6)
