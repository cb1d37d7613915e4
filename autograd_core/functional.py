"""Function transforms with JAX's names: grad, value_and_grad, vjp, jvp (jacobians: `jacobian.py`).

They compose as in JAX. At the outermost level they take arrays (or pytrees of them)
and return numpy arrays. Called inside another transform they return Tensors that
stay connected to the outer computation: the inner reverse pass is recorded
(create_graph), the inner forward pass computes its tangents with engine ops, and
each level differentiates with respect to its own fresh inputs, so perturbations of
different levels never mix.
"""
import warnings
import weakref

import numpy as np

from . import engine
from . import ops as tensor_ops
from .checks import check_argnums, check_callable
from .forward_mode import ForwardMode, NumpyOnlyJVP, TransformLevel, as_tangent
from .grad_mode import STATE, enable_grad, is_grad_enabled
from .ops.shape import Reshape
from .pytree import tree_flatten, tree_unflatten
from .tensor import Tensor, _as_array, shared_tensor


# Leaves a nested transform made of inputs that did not require grad (by id; weak, so they die with their
# graphs): `reaches_outer_leaf` does not count them as tensors from outside (jvp(grad(f)) at the top level).
_TRANSFORM_LEAVES = weakref.WeakValueDictionary()


def fresh_input(x, where, nested, requires_grad=True):
    """This level's own input for `x`: a new leaf, or inside another transform an alias of
    the outer Tensor (so the outer levels still see through it)."""
    if nested and isinstance(x, Tensor):
        _check_float(x.data, where)
        alias = Reshape.apply(x, shape=x.shape)
        if requires_grad and not alias.requires_grad:
            alias.requires_grad = True
            _TRANSFORM_LEAVES[id(alias)] = alias
        return alias
    arr = _as_array(x)
    _check_float(arr, where)
    return shared_tensor(arr, requires_grad=requires_grad)


def _check_float(arr, where):
    if arr.dtype.kind != "f":
        raise TypeError(f"{where}: inputs to differentiate must be floating point, got dtype {arr.dtype}")


def argnums_tuple(argnums, nargs, where):
    """`argnums` as a tuple of non-negative positions, checked against the number of arguments."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -nargs <= a < nargs:
            raise ValueError(f"{where}: argnums {argnums} out of range for {nargs} positional arguments")
    return tuple(a % nargs for a in nums)


def call_with_inputs(f, args, argnums, where, nested):
    """Call f with each pytree args[argnums] made of fresh inputs; other numpy arrays become constants.

    Returns (f's output, one (leaves, structure) per argnum).
    """
    args = [Tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    inputs = []
    for a in argnums_tuple(argnums, len(args), where):
        leaves, structure = tree_flatten(args[a])
        leaves = [fresh_input(x, where, nested) for x in leaves]
        args[a] = tree_unflatten(structure, leaves)
        inputs.append((leaves, structure))
    return f(*args), inputs


def per_argnum(argnums, trees):
    """One tree for an int argnums, a tuple of trees for a tuple."""
    return trees[0] if isinstance(argnums, int) else tuple(trees)


def regroup(inputs, flat):
    """The flat list `flat` cut into one tree per (leaves, structure) of `inputs`."""
    it = iter(flat)
    return [tree_unflatten(structure, [next(it) for _ in leaves]) for leaves, structure in inputs]


def output(t, nested):
    """What a transform hands back: the Tensor itself inside another transform, else a numpy array."""
    if nested:
        return t if isinstance(t, Tensor) else Tensor(t)
    return np.array(t.data if isinstance(t, Tensor) else t)


def tensor_outputs(out, where):
    """f's output flattened to (its Tensors, its pytree structure); anything else in it is refused, naming `where`."""
    outs, structure = tree_flatten(out)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{where}: the function must return a Tensor (or a pytree of Tensors), "
                            f"got {type(o).__name__}")
    return outs, structure


def _scalar_output(out, where):
    if not isinstance(out, Tensor) or out.data.size != 1:
        shape = out.shape if isinstance(out, Tensor) else type(out).__name__
        raise TypeError(f"{where}: the function must return a one-element Tensor, got {shape}")
    return out


def reverse_gradients(out, leaves, nested, cotangent=None):
    """d out / d leaves by one reverse sweep, recorded (create_graph) when nested; zeros where out is constant."""
    if not out.requires_grad:
        return [output(np.zeros_like(t.data), nested) for t in leaves]
    grads = engine.grad_of(out, leaves, cotangent, retain_graph=True if nested or cotangent is not None else None,
                           create_graph=nested)
    return [output(g, nested) for g in grads]


def split_aux(out, has_aux, where):
    """(f's output, its aux) when has_aux, else (f's output, None)."""
    if not has_aux:
        return out, None
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{where}: has_aux=True needs the function to return a pair (output, aux), "
                        f"got {type(out).__name__}")
    return out[0], out[1]


def aux_output(aux, nested):
    """aux as handed back: its Tensors as `output` gives them (numpy at the top level), the rest as it is."""
    leaves, structure = tree_flatten(aux)
    return tree_unflatten(structure, [output(x.detach() if not nested else x, nested) if isinstance(x, Tensor) else x
                                      for x in leaves])


def connected(level, args):
    """Whether this transform's results must be Tensors connected to the graph outside it: inside another
    transform, or at the top level with recording on when an argument is a Tensor that requires grad
    (a closed-over one is found after the call, by `reaches_outer_leaf`)."""
    if level.nested:
        return True
    return is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad for x in tree_flatten(list(args))[0])


def reaches_outer_leaf(outs, own):
    """Whether the graph of `outs` reaches a leaf that requires grad other than the transform's own inputs
    (a closed-over parameter): then the result depends on the outer graph. Iterative, each node once."""
    own_ids, seen = {id(t) for t in own}, set()
    stack = [o for o in outs if isinstance(o, Tensor) and o.requires_grad]
    while stack:
        t = stack.pop()
        node = t._node
        if node is None:
            if id(t) not in own_ids and _TRANSFORM_LEAVES.get(id(t)) is not t:
                return True
            continue
        if id(node) in seen or node.parents is None:
            continue
        seen.add(id(node))
        parents = node.parents if isinstance(node.parents, (tuple, list)) else (node.parents,)  # apply's args
        stack.extend(p for p in parents if isinstance(p, Tensor) and p.requires_grad)
    return False


def value_and_grad(f, argnums=0, has_aux=False):
    """f -> function returning (f(*args), d f / d args[argnums]); a pytree argument gets a gradient of its structure.

    With has_aux, f returns (output, aux) and the result is ((output, aux), gradient), as in JAX.
    """
    check_callable("value_and_grad", "f", f)
    check_argnums("value_and_grad", argnums)

    def wrapped(*args):
        outer = is_grad_enabled()
        with TransformLevel() as level, enable_grad():
            nested = connected(level, args)
            out, inputs = call_with_inputs(f, args, argnums, "value_and_grad", nested)
            out, aux = split_aux(out, has_aux, "value_and_grad")
            out = _scalar_output(out, "value_and_grad")
            leaves = [t for ls, _ in inputs for t in ls]
            nested = nested or (outer and reaches_outer_leaf([out], leaves))
            grads = reverse_gradients(out, leaves, nested)
        value = output(out, nested)
        return (value, aux_output(aux, nested)) if has_aux else value, per_argnum(argnums, regroup(inputs, grads))
    return wrapped


def grad(f, argnums=0, has_aux=False):
    """f -> function returning the gradient of scalar f with respect to args[argnums] (with has_aux, (gradient, aux))."""
    vg = value_and_grad(f, argnums, has_aux)

    def wrapped(*args):
        value, g = vg(*args)
        return (g, value[1]) if has_aux else g
    return wrapped


def vjp(f, *primals, has_aux=False):
    """Run f once; return (out, vjp_fn) where vjp_fn(cotangent) -> tuple of input cotangents
    (with has_aux, f returns (output, aux) and the result is (out, vjp_fn, aux)).

    The primals and f's output may be pytrees; a cotangent has the output's structure.
    """
    check_callable("vjp", "f", f)
    outer = is_grad_enabled()
    with TransformLevel() as level, enable_grad():
        nested = connected(level, primals)
        out, inputs = call_with_inputs(f, primals, tuple(range(len(primals))), "vjp", nested)
    out, aux = split_aux(out, has_aux, "vjp")
    outs, out_structure = tensor_outputs(out, "vjp")
    leaves = [t for ls, _ in inputs for t in ls]
    nested = nested or (outer and reaches_outer_leaf(outs, leaves))

    def vjp_fn(cotangent):
        cots, structure = tree_flatten(cotangent)
        if structure != out_structure or len(cots) != len(outs):
            raise ValueError("vjp: the cotangent must have the structure of the function's output")
        grads = None
        with enable_grad():
            # NOTE: one sweep per output, each seeded with its cotangent: a cotangent that is itself
            # computed from the output must not be differentiated along with it
            for o, c in zip(outs, cots):
                seed = tensor_ops.astype(c, o.dtype) if nested and isinstance(c, Tensor) else _as_array(c, o.dtype)
                part = reverse_gradients(o, leaves, nested, seed)
                grads = part if grads is None else [g + p for g, p in zip(grads, part)]
        return tuple(regroup(inputs, grads))
    result = tree_unflatten(out_structure, [output(o, nested) for o in outs])
    return (result, vjp_fn, aux_output(aux, nested)) if has_aux else (result, vjp_fn)


def jvp(f, primals, tangents):
    """Forward mode: (f(*primals), J · tangents) in one pass, tangents carried beside values.

    primals and tangents are sequences of matching pytrees; the output may be a pytree. The
    outer-graph rule: with recording on, a result that depends on a Tensor requiring grad from
    outside (a primal, or a closed-over parameter: then f runs a second time, its tangents as
    engine ops) comes back as Tensors on that graph, as torch.func.jvp.
    """
    check_callable("jvp", "f", f)
    for name, given in (("primals", primals), ("tangents", tangents)):
        if not isinstance(given, (tuple, list)):
            raise TypeError(f"jvp: {name} must be a tuple (or list) of f's arguments, as f(*{name}); "
                            f"got {type(given).__name__}")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    pairs = []
    for p, dp in zip(primals, tangents):
        leaves, structure = tree_flatten(p)
        dleaves, dstructure = tree_flatten(dp)
        if dstructure != structure:
            raise ValueError("jvp: each tangent must have the structure of its primal")
        pairs.append((leaves, dleaves, structure))
    outer = STATE.grad_enabled
    with TransformLevel() as level:
        # NOTE: `connected` and `reaches_outer_leaf` as plain loops with their cheap tests first: jvp runs once per
        # direction, and generator expressions here cost a few percent of a small jvp
        nested = level.nested
        if outer and not nested:
            for leaves, _, _ in pairs:
                for x in leaves:
                    if isinstance(x, Tensor) and x.requires_grad:
                        nested = True
        outs, structure, tangent_out = _jvp_pass(f, pairs, nested)
        if not nested and outer and _any_requires_grad(outs) and reaches_outer_leaf(outs, ()):
            again = connect_again(lambda: _jvp_pass(f, pairs, True), "jvp")
            if again is not None:
                nested, (outs, structure, tangent_out) = True, again
    return (tree_unflatten(structure, [output(o, nested) for o in outs]),
            tree_unflatten(structure, tangent_out))


def _any_requires_grad(outs):
    for o in outs:
        if o.requires_grad:
            return True
    return False


def connect_again(run, where):
    """`run()`, the pass that connects a result to closed-over Tensors requiring grad; None, with a warning, when
    a primitive's JVP rule runs on numpy only (MaxPool2d, LSTM, GRU): the result then stays numpy arrays."""
    try:
        return run()
    except NumpyOnlyJVP as exc:
        warnings.warn(f"{where}: the result depends on a closed-over Tensor that requires grad, but {exc}; it is "
                      "returned as numpy arrays, not connected to that graph", stacklevel=3)
        return None


def _jvp_pass(f, pairs, nested):
    """One forward pass of jvp on `pairs` (per argument: primal leaves, tangent leaves, structure): (f's output
    Tensors, their structure, their tangents); with `nested`, the tangents are engine ops (recorded, Tensors),
    else numpy arrays. Grad mode stays as it is: an op reading a Tensor that requires grad from outside
    records, which tells the outer-graph rule."""
    level_mode = ForwardMode(nested=nested)
    args = [tree_unflatten(structure, [_seeded(level_mode, x, dx, nested) for x, dx in zip(leaves, dleaves)])
            for leaves, dleaves, structure in pairs]
    with level_mode:
        out = f(*args)
    outs, structure = tensor_outputs(out, "jvp")
    return outs, structure, [output_tangent(level_mode, o, nested) for o in outs]


def _seeded(level_mode, x, dx, nested):
    """A fresh input for jvp carrying tangent dx at this level (None: a constant, e.g. integer indices)."""
    if dx is None:
        return x if isinstance(x, Tensor) else shared_tensor(x)
    t = fresh_input(x, "jvp", nested, requires_grad=False)
    tangent = as_tangent(dx, t.data, "jvp")
    if nested and not isinstance(tangent, Tensor):
        tangent = shared_tensor(tangent)
    elif not nested and isinstance(tangent, Tensor):
        tangent = tangent.data
    level_mode.seed(t, tangent)
    return t


def output_tangent(level_mode, out, nested):
    """The tangent `level_mode` carried to `out` (zeros when out does not depend on the inputs)."""
    tangent = level_mode.tangent(out)
    if tangent is None:
        zeros = np.zeros(((level_mode.batch,) if level_mode.batch is not None else ()) + out.shape, out.dtype)
        return output(zeros, nested)
    return output(tangent, nested)


def stack_outputs(items, nested):
    """Stack a list of per-direction results along a new leading axis (engine op when nested)."""
    return tensor_ops.stack(items, 0) if nested else np.stack(items)


def elementwise_grad(f, argnum=0):
    """HIPS autograd's elementwise_grad: f -> the gradient of sum(f(*args)) with respect to args[argnum].

    For an elementwise f it gives each element's derivative, f'(x), with x's shape
    (`elementwise_grad(elementwise_grad(np.tanh))(x)` is tanh'' on every x); nests like `grad`.
    """
    return grad(lambda *args: tensor_ops.sum(f(*args)), argnum)
