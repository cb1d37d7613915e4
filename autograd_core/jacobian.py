"""Full Jacobians (jacfwd, jacrev), the Hessian and Hessian-vector products.

Both Jacobians push a whole batch of basis directions through the graph at once: a
leading batch axis on every tangent (jacfwd: one forward pass carries `chunk_size`
input directions) or on every cotangent (jacrev: one reverse sweep, run under a
batched forward level that carries `chunk_size` output directions through its
cotangents, which are linear in the output seed). `chunk_size=1` is one pass per
direction. How each op carries the batch of directions is vmap's batching (vmap_rules.py, through
forward_mode.batched_tangent): jacfwd is vmap of jvp, jacrev vmap of the VJP, with one rule table. Inside another transform each direction is its own (recorded) pass, so
the result stays differentiable by the outer transform.
"""
import numpy as np

from . import engine
from .checks import check_argnums, check_callable, check_int
from .forward_mode import ForwardMode, TransformLevel
from .functional import (argnums_tuple, aux_output, call_with_inputs, connected, fresh_input, grad, jvp, output,
                         output_tangent, per_argnum, reaches_outer_leaf, regroup, reverse_gradients, split_aux,
                         stack_outputs, tensor_outputs)
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .pytree import tree_flatten, tree_unflatten
from .tensor import Tensor, shared_tensor


def _check_transform(where, f, argnums, chunk_size):
    check_callable(where, "f", f)
    check_argnums(where, argnums)
    if chunk_size is not None:
        check_int(where, "chunk_size", chunk_size, 1)


def _chunks(total, chunk_size):
    step = total if chunk_size is None else int(chunk_size)
    if step < 1 and total:
        raise ValueError(f"chunk_size must be a positive int or None, got {chunk_size}")
    return [(start, min(start + step, total)) for start in range(0, total, max(step, 1))]


def _basis(start, stop, offset, shape, dtype):
    """The unit directions start..stop (of a flat space) that fall in one block at `offset`: (stop-start,) + shape."""
    size = int(np.prod(shape))
    block = np.zeros((stop - start, size), dtype)
    lo, hi = max(start, offset), min(stop, offset + size)
    if lo < hi:
        block[np.arange(lo - start, hi - start), np.arange(lo - offset, hi - offset)] = 1
    return block.reshape((stop - start,) + tuple(shape)), lo < hi


def _offsets(arrays):
    """Where each array starts in the flat space of all of them, and (last) its total size."""
    return np.concatenate([[0], np.cumsum([int(np.size(a)) for a in arrays])]).astype(int)


def _assemble(rows, outs, leaves, inputs, argnums, nested, transpose):
    """Jacobian blocks out.shape + leaf.shape, in the output's pytree of the inputs' pytrees.

    rows[k][j]: the block of output k and input leaf j, stacked over directions: for
    jacfwd (input directions) shape (leaf.size,) + out.shape, for jacrev (output
    directions) (out.size,) + leaf.shape.
    """
    per_output = []
    for k, o in enumerate(outs):
        blocks = []
        for j, leaf in enumerate(leaves):
            block = rows[k][j]
            if transpose:
                block = block.reshape((leaf.size, o.size)).T
            blocks.append(output(block.reshape(tuple(o.shape) + tuple(leaf.shape)), nested))
        per_output.append(per_argnum(argnums, regroup(inputs, blocks)))
    return per_output


def capture_aux(f, has_aux, where):
    """(f without its aux, a dict that receives the aux of its last call under "aux")."""
    box = {"aux": None}
    if not has_aux:
        return f, box

    def main(*args):
        out, box["aux"] = split_aux(f(*args), True, where)
        return out
    return main, box


def jacfwd(f, argnums=0, chunk_size=None, has_aux=False):
    """Jacobian by forward mode, shape out.shape + in.shape (pytrees: out's tree of in's trees).

    Each pass carries `chunk_size` input directions as a leading tangent axis
    (None: all of them in one pass; 1: one pass per input element). With has_aux, f returns
    (output, aux) and the result is (jacobian, aux).
    """
    _check_transform("jacfwd", f, argnums, chunk_size)
    f, box = capture_aux(f, has_aux, "jacfwd")

    def wrapped(*args):
        with TransformLevel() as level:
            nums = argnums_tuple(argnums, len(args), "jacfwd")
            inputs = [tree_flatten(args[a]) for a in nums]
            leaves = [fresh_input(x, "jacfwd", level.nested, requires_grad=False) for ls, _ in inputs for x in ls]
            offsets = _offsets([t.data for t in leaves])

            def of_leaves(*flat):
                call = [Tensor(c) if isinstance(c, np.ndarray) else c for c in args]
                for a, group in zip(nums, regroup(inputs, flat)):
                    call[a] = group
                return f(*call)
            if level.nested:
                columns = [_nested_column(of_leaves, leaves, offsets, i) for i in range(offsets[-1])]
            else:
                columns = [_batched_column(of_leaves, leaves, offsets, start, stop)
                           for start, stop in _chunks(offsets[-1], chunk_size) or [(0, 0)]]
            outs, out_structure = columns[0][0] if columns else tensor_outputs(of_leaves(*leaves), "jacfwd")
            stacked = [[c[1][k] for c in columns] for k in range(len(outs))]
            stacked = [stack_outputs(s, True) if level.nested else np.concatenate(s) for s in stacked] if columns \
                else [np.zeros((0,) + o.shape, o.dtype) for o in outs]
            rows = [[s[offsets[j]:offsets[j + 1]] for j in range(len(leaves))] for s in stacked]
            result = _assemble(rows, outs, leaves, inputs, argnums, level.nested, transpose=True)
        jac = tree_unflatten(out_structure, result)
        return (jac, aux_output(box["aux"], level.nested)) if has_aux else jac
    return wrapped


def _batched_column(of_leaves, leaves, offsets, start, stop):
    """One forward pass carrying the input directions start..stop: ((outs, structure), per output (B,) + out.shape)."""
    level_mode = ForwardMode(batch=stop - start)
    for j, t in enumerate(leaves):
        basis, hit = _basis(start, stop, offsets[j], t.shape, t.dtype)
        if hit:
            level_mode.seed(t, basis)
    with no_grad(), level_mode:
        outs, structure = tensor_outputs(of_leaves(*leaves), "jacfwd")
    tangents = [output_tangent(level_mode, o, False) for o in outs]  # before the seeds go: an output may be an input
    for t in leaves:
        t._tangent = None
    return (outs, structure), tangents


def _nested_column(of_leaves, leaves, offsets, i):
    """Inside another transform: one nested jvp along input direction i, its tangents given a leading axis of 1."""
    tangents = [_basis(i, i + 1, offsets[j], t.shape, t.dtype)[0][0] for j, t in enumerate(leaves)]
    out, col = jvp(of_leaves, leaves, tangents)
    return tree_flatten(out), [c.reshape((1,) + c.shape) for c in tree_flatten(col)[0]]


def jacrev(f, argnums=0, chunk_size=None, has_aux=False):
    """Jacobian by reverse mode, shape out.shape + in.shape (pytrees: out's tree of in's trees).

    One taped forward pass, then reverse sweeps carrying `chunk_size` output directions
    each (None: all of them in one sweep; 1: one plain backward pass per output element).
    """
    _check_transform("jacrev", f, argnums, chunk_size)
    f, box = capture_aux(f, has_aux, "jacrev")

    def wrapped(*args):
        outer = is_grad_enabled()
        with TransformLevel() as level, enable_grad():
            nested = connected(level, args)
            out, inputs = call_with_inputs(f, args, argnums, "jacrev", nested)
            outs, out_structure = tensor_outputs(out, "jacrev")
            leaves = [t for ls, _ in inputs for t in ls]
            nested = nested or (outer and reaches_outer_leaf(outs, leaves))  # the outer-graph rule, as grad
            if nested:
                rows = [_rows_nested(o, leaves) for o in outs]
            elif chunk_size == 1:
                rows = [_rows_per_direction(o, leaves) for o in outs]
            else:
                rows = _rows_batched(outs, leaves, chunk_size)
            result = _assemble(rows, outs, leaves, inputs, argnums, nested, transpose=False)
        jac = tree_unflatten(out_structure, result)
        return (jac, aux_output(box["aux"], nested)) if has_aux else jac
    return wrapped


def _rows_per_direction(out, leaves):
    """One plain backward pass per output element: rows (out.size,) + leaf.shape per leaf."""
    rows = [np.zeros((out.size,) + t.shape, out.dtype) for t in leaves]
    if out.requires_grad:
        seed = np.zeros_like(out.data)
        for i in range(out.data.size):
            seed.flat[i] = 1
            for row, g in zip(rows, engine.grad_of(out, leaves, seed, retain_graph=True)):
                row[i] = g
            seed.flat[i] = 0
    return rows


def _rows_nested(out, leaves):
    """Inside another transform: one recorded backward pass per output element, stacked."""
    per_direction = []
    for i in range(out.data.size):
        seed = np.zeros_like(out.data)
        seed.flat[i] = 1
        per_direction.append(reverse_gradients(out, leaves, True, seed))
    if not per_direction:
        return [output(np.zeros((0,) + t.shape, out.dtype), True) for t in leaves]
    return [stack_outputs([d[j] for d in per_direction], True) for j in range(len(leaves))]


def _rows_batched(outs, leaves, chunk_size):
    """Reverse sweeps whose cotangents carry a batch of output directions.

    The sweep is recorded from s = Σ out·u with u = 0 carrying the basis directions as
    batched tangents: each cotangent is linear in u, so its tangent is the batch of
    cotangents a batch of seeds would give, and the leaves' tangents are the rows J^T e_i.
    """
    offsets = _offsets([o.data for o in outs])
    per_chunk = []
    for start, stop in _chunks(offsets[-1], chunk_size):
        level_mode = ForwardMode(batch=stop - start)
        with level_mode:
            total = None
            for k, o in enumerate(outs):
                basis, hit = _basis(start, stop, offsets[k], o.shape, o.dtype)
                if not hit or not o.requires_grad:
                    continue
                u = shared_tensor(np.zeros(o.shape, o.dtype))
                level_mode.seed(u, basis)
                term = (o * u).sum()
                total = term if total is None else total + term
            grads = [None] * len(leaves) if total is None else \
                engine.grad_of(total, leaves, retain_graph=True, create_graph=True)
        per_chunk.append([np.zeros((stop - start,) + t.shape, t.dtype) if g is None or level_mode.tangent(g) is None
                          else level_mode.tangent(g) for g, t in zip(grads, leaves)])
    return [[np.concatenate([c[j] for c in per_chunk])[offsets[k]:offsets[k + 1]] if per_chunk
             else np.zeros((0,) + t.shape) for j, t in enumerate(leaves)] for k in range(len(outs))]


def hessian(f, argnums=0):
    """Hessian of scalar f: forward over reverse, jacfwd(grad(f)), with batched tangents."""
    return jacfwd(grad(f, argnums), argnums)


def hvp(f, x, v):
    """Hessian-vector product H(x) v of scalar f by forward over reverse (one jvp of grad f), without the Hessian.

    x and v may be matching pytrees.
    """
    return jvp(grad(f), (x,), (v,))[1]
