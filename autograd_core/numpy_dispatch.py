"""numpy interop: numpy's ufuncs and common functions, given Tensors, run as engine ops.

`Tensor.__array_ufunc__` (NEP 13) and `Tensor.__array_function__` (NEP 18) hand every
numpy call that involves a Tensor to `array_ufunc` / `array_function` here.

- A supported function (the tables below) runs as engine ops and returns a Tensor,
  differentiated when an input requires grad: `np.dot(a, a) + a.sum()` backpropagates.
- Functions whose result carries no gradient (shapes, comparisons, `allclose`, `argmax`,
  ...) run on the data.
- Anything else given a Tensor that requires grad (while grad mode is on) raises a
  TypeError naming the numpy function: the graph is never dropped silently. Without a
  gradient to lose, it runs on the plain arrays and returns numpy's own result.

`out=` is honoured when nothing is recorded (the result is copied into `out`, which is
returned); writing a recorded result into an array would drop its graph, so that raises.
numpy's in-place writers (`np.copyto`, `np.put`, `np.place`, `np.putmask`,
`np.fill_diagonal`, `np.put_along_axis`, `ufunc.at`, `out=`) given a Tensor to write into
count the change in its version counter, as `t[...] = v` does, so a backward that needs
the old value raises; into a Tensor that requires grad (grad mode on) they raise a
TypeError naming the function (no_grad() allows it, as PyTorch allows in-place changes
of leaves there).
`np.asarray(t)` is not a numpy function call but an explicit conversion: it returns the
data (`__array__`), as `.numpy()` does.
"""
import numpy as np

from . import ops
from .grad_mode import STATE, report_untraced, report_value_read
from .pytree import tree_flatten
from .tensor import Tensor, wrap


class _Unsupported(Exception):
    """Raised by a handler for arguments it cannot run as engine ops (then the fallback decides)."""


def _no_extras(**extras):
    """Refuse numpy options the engine ops do not have (dtype=, where=, initial=, ...)."""
    for name, given in extras.items():
        if given is not None:
            raise _Unsupported(name)


def _square(x):
    return ops.pow(x, 2)


def _reciprocal(x):
    return ops.div(1.0, x)


def _no_grad_ufunc(ufunc):
    """A ufunc without a useful gradient (piecewise constant, boolean): run on the data, return a plain Tensor
    (reported to the observers, so that vmap and ONNX export see it as an op of its inputs)."""
    def run(*inputs):
        out = wrap(np.asarray(ufunc(*(ops.value(x) for x in inputs))))
        return report_untraced(ufunc.__name__, inputs, {}, out) if STATE.observers else out
    return run


UFUNCS = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.power: ops.pow, np.negative: ops.neg, np.positive: lambda x: x, np.matmul: ops.matmul,
    np.exp: ops.exp, np.log: ops.log, np.tanh: ops.tanh, np.sqrt: ops.sqrt, np.absolute: ops.abs,
    np.fabs: ops.abs, np.square: _square, np.reciprocal: _reciprocal,
    np.maximum: ops.maximum, np.minimum: ops.minimum,
    np.less: ops.less, np.less_equal: ops.less_equal, np.greater: ops.greater,
    np.greater_equal: ops.greater_equal, np.equal: ops.equal, np.not_equal: ops.not_equal,
}
UFUNCS.update({f: _no_grad_ufunc(f) for f in (
    np.sign, np.floor, np.ceil, np.rint, np.trunc, np.isnan, np.isinf, np.isfinite,
    np.logical_not, np.logical_and, np.logical_or, np.logical_xor, np.signbit,
    np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert)})

UFUNCS.update({  # the elementwise breadth (ops/elementwise_functions.py), differentiated
    np.sin: ops.sin, np.cos: ops.cos, np.tan: ops.tan, np.arcsin: ops.asin, np.arccos: ops.acos,
    np.arctan: ops.atan, np.arctan2: ops.atan2, np.sinh: ops.sinh, np.cosh: ops.cosh, np.arcsinh: ops.asinh,
    np.arccosh: ops.acosh, np.arctanh: ops.atanh, np.log1p: ops.log1p, np.expm1: ops.expm1, np.log2: ops.log2,
    np.log10: ops.log10, np.exp2: ops.exp2, np.hypot: ops.hypot, np.fmod: ops.fmod, np.remainder: ops.remainder,
    np.logaddexp: ops.logaddexp})

_REDUCERS = {np.add: ops.sum, np.maximum: ops.amax, np.minimum: ops.amin}


def array_ufunc(ufunc, method, inputs, kwargs):
    """`Tensor.__array_ufunc__` beyond a plain call: `out=`, reductions, other ufuncs (numpy on the data when no
    gradient is lost)."""
    name = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    if method == "at":  # ufunc.at(a, indices, b) changes a in place
        return _write_in_place(name, ufunc.at, inputs, kwargs, inputs[:1])
    engine_kwargs = dict(kwargs)
    out = engine_kwargs.pop("out", None)
    try:
        if method == "__call__" and ufunc in UFUNCS:
            _no_extras(**engine_kwargs)
            result = UFUNCS[ufunc](*inputs)
        elif method == "reduce" and ufunc in _REDUCERS:
            result = _reduce(_REDUCERS[ufunc], *inputs, **engine_kwargs)
        else:
            raise _Unsupported(method)
    except _Unsupported:
        result = _numpy_fallback(name, getattr(ufunc, method), inputs, kwargs)
        return result if out is not None else _wrap_all(result)
    return result if out is None else _write_out(name, result, out[0] if len(out) == 1 else out)


def _reduce(op, x, axis=0, dtype=None, keepdims=False, initial=None, where=None):
    _no_extras(dtype=dtype, initial=initial, where=where)
    return op(x, axis, keepdims)


def array_function(func, args, kwargs):
    """`Tensor.__array_function__`: the engine op for `func`, else numpy on the data when no gradient is lost."""
    name = f"numpy.{func.__name__}"
    writes = _WRITERS.get(func)
    if writes is not None:
        return _write_in_place(name, func, args, kwargs, args[:1] if args else (kwargs.get(writes),))
    if func in _SHAPE_ONLY:
        return func(*_plain(args), **_plain(kwargs))
    if func in _DATA_ONLY:
        return _numpy_fallback(name, func, args, kwargs, refuse_graph=False)
    handler = _FUNCTIONS.get(func)
    if handler is not None:
        engine_kwargs = dict(kwargs)
        out = engine_kwargs.pop("out", None)
        try:
            result = handler(*args, **engine_kwargs)
        except _Unsupported:
            pass
        else:
            return result if out is None else _write_out(name, result, out)
    return _numpy_fallback(name, func, args, kwargs)


def _numpy_fallback(name, func, args, kwargs, refuse_graph=True):
    """numpy's own `func` on the plain arrays, refused when it would drop a gradient (unless `refuse_graph` is
    false: a result without gradient); `out=` Tensors come back as given."""
    _report_reads(name, (args, kwargs))
    out = kwargs.get("out")
    if out is None:
        if refuse_graph:
            _refuse_if_graph(name, (args, kwargs))
        return func(*_plain(args), **_plain(kwargs))
    _write_in_place(name, func, args, kwargs, _targets(out), refuse_graph)
    return out[0] if isinstance(out, tuple) and len(out) == 1 else out


def _report_reads(name, args):
    """numpy computing on a Tensor's data is a value read (vmap refuses it on a batched value)."""
    if STATE.observers:
        for leaf in tree_flatten(args)[0]:
            if isinstance(leaf, Tensor):
                report_value_read(leaf, f"{name}()")


def _targets(out):
    return out if isinstance(out, tuple) else (out,)


def _write_in_place(name, func, args, kwargs, targets, refuse_graph=True):
    """numpy's `func` on the plain arrays, where it changes `targets` in place: each Tensor among them counts a
    change (its version), as an in-place op does; one that requires grad (grad mode on) is refused."""
    written = [t for t in targets if isinstance(t, Tensor)]
    for t in written:
        if t.requires_grad and STATE.grad_enabled:
            raise TypeError(f"{name} writes in place into a Tensor that requires grad (shape {t.shape}), which "
                            "cannot be differentiated: use the Tensor's own in-place ops (t[...] = v, t.copy_(v), "
                            "t += v), or no_grad() for a change that is not to be differentiated")
    if refuse_graph:
        _refuse_if_graph(name, (args, kwargs))
    result = func(*_plain(args), **_plain(kwargs))
    for t in written:
        t._version += 1
    return result


def _wrap_all(result):
    """A ufunc's numpy result as Tensors (one per output), dtype kept, as ufuncs on torch tensors give."""
    if isinstance(result, tuple):
        return tuple(wrap(np.asarray(r)) for r in result)
    return wrap(np.asarray(result))


def _refuse_if_graph(name, args):
    """Raise, naming the numpy function, when a Tensor in `args` requires grad and grad mode is on."""
    if STATE.grad_enabled and _requires_grad(args):
        raise TypeError(f"{name} is not differentiable by autograd_core and was given a Tensor that requires "
                        "grad: its result would silently lose the gradient. Use the Tensor ops (or "
                        "numpy functions on tensors listed in autograd_core/numpy_dispatch.py), or "
                        "detach() first if no gradient is wanted.")


def _requires_grad(obj):
    """True if a Tensor requiring grad is anywhere in `obj` (nested lists, tuples, dicts)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            if item.requires_grad:
                return True
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def _plain(obj):
    """`obj` with every Tensor replaced by its numpy array (inside lists, tuples and dicts too)."""
    if isinstance(obj, Tensor):
        return obj.data
    if isinstance(obj, (list, tuple)):
        return type(obj)(_plain(item) for item in obj)
    if isinstance(obj, dict):
        return {key: _plain(item) for key, item in obj.items()}
    return obj


def _write_out(name, result, out):
    """numpy's `out=`: copy an unrecorded result into `out` (an array or a Tensor) and return `out`."""
    if isinstance(result, Tensor) and result.requires_grad:
        raise TypeError(f"{name}(..., out=...): writing a result that requires grad into an existing array "
                        "would drop its graph; call it without out=")
    if isinstance(out, Tensor):
        if out.requires_grad and STATE.grad_enabled:
            raise TypeError(f"{name}(..., out=...): cannot write in place into a Tensor that requires grad "
                            "(outside no_grad(), as PyTorch)")
        np.copyto(out.data, ops.value(result))
        out._version += 1
    else:
        np.copyto(out, ops.value(result))
    return out


# ---- numpy functions (NEP 18), each with numpy's signature ---------------------------------
def _sum(a, axis=None, dtype=None, keepdims=False, initial=None, where=None):
    _no_extras(dtype=dtype, initial=initial, where=where)
    return ops.sum(a, axis, keepdims)


def _mean(a, axis=None, dtype=None, keepdims=False, where=None):
    _no_extras(dtype=dtype, where=where)
    return ops.mean(_as_float(a), axis, keepdims)


def _var(a, axis=None, dtype=None, ddof=0, keepdims=False, where=None, mean=None, correction=None):
    _no_extras(dtype=dtype, where=where, mean=mean, correction=correction)
    return ops.var(_as_float(a), axis, keepdims, ddof)


def _as_float(a):
    """An integer or boolean tensor as float32: numpy's mean, var and std take integers (PyTorch's raise)."""
    return ops.astype(a, np.float32) if np.asarray(ops.value(a)).dtype.kind in "biu" else a


def _extremum(op):
    def reduce(a, axis=None, keepdims=False, initial=None, where=None):
        _no_extras(initial=initial, where=where)
        return op(a, axis, keepdims)
    return reduce


def _dot(a, b):
    """numpy's dot: a product for a 0-d operand, matmul while the second operand has at most 2 axes."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return ops.mul(a, b)
    if np.ndim(b) > 2:
        raise _Unsupported("dot with a second operand of more than 2 axes")
    return ops.matmul(a, b)


def _concatenate(arrays, axis=0, dtype=None, casting=None):
    _no_extras(dtype=dtype)
    if axis is None:
        return ops.concatenate([ops.reshape(a, (-1,)) for a in arrays])
    return ops.concatenate(arrays, axis)


def _stack(arrays, axis=0, dtype=None, casting=None):
    _no_extras(dtype=dtype)
    return ops.stack(arrays, axis)


def _reshape(a, shape=None, order="C", newshape=None, copy=None):
    if order != "C":
        raise _Unsupported("order")
    return ops.reshape(a, newshape if shape is None else shape)


def _ravel(a, order="C"):
    return _reshape(a, (-1,), order)


def _where(condition, x=None, y=None):
    if x is None or y is None:
        raise _Unsupported("where with one argument")
    return ops.where(condition, x, y)


def _clip(a, a_min=None, a_max=None, min=None, max=None, **extras):
    _no_extras(**extras)
    return ops.clip(a, a_min if a_min is not None else min, a_max if a_max is not None else max)


def _expand_dims(a, axis):
    if not isinstance(axis, (int, np.integer)):
        raise _Unsupported("expand_dims with several axes")
    return ops.unsqueeze(a, axis)


_FUNCTIONS = {
    np.sum: _sum, np.mean: _mean, np.var: _var, np.dot: _dot,
    np.max: _extremum(ops.amax), np.amax: _extremum(ops.amax),
    np.min: _extremum(ops.amin), np.amin: _extremum(ops.amin),
    np.concatenate: _concatenate, np.stack: _stack, np.reshape: _reshape, np.ravel: _ravel,
    np.transpose: lambda a, axes=None: ops.transpose(a, axes), np.swapaxes: ops.swapaxes,
    np.squeeze: lambda a, axis=None: ops.squeeze(a, axis), np.expand_dims: _expand_dims,
    np.broadcast_to: lambda array, shape, subok=False: ops.broadcast_to(array, shape),
    np.where: _where, np.clip: _clip,
}

# numpy's layout functions, with numpy's meaning, on the engine's shape ops (autograd_core/ops/views.py, layout.py)
_FUNCTIONS.update({
    np.flip: lambda m, axis=None: ops.flip(m, range(np.ndim(m)) if axis is None else axis),
    np.roll: lambda a, shift, axis=None: ops.roll(a, shift, axis),
    np.tril: lambda m, k=0: ops.tril(m, k), np.triu: lambda m, k=0: ops.triu(m, k),
    np.diagonal: lambda a, offset=0, axis1=0, axis2=1: ops.diagonal(a, offset, axis1, axis2),
    np.trace: lambda a, offset=0, axis1=0, axis2=1: ops.sum(ops.diagonal(a, offset, axis1, axis2), -1),
    np.moveaxis: ops.movedim, np.tile: ops.tile,
    np.repeat: lambda a, repeats, axis=None: ops.repeat_interleave(a, repeats, axis),
})


# ---- reductions, scans and sorting of v3 (ops/scan.py, ops/sorting.py), with numpy's meaning ----
def _std(a, axis=None, dtype=None, ddof=0, keepdims=False, where=None, mean=None, correction=None):
    _no_extras(dtype=dtype, where=where, mean=mean, correction=correction)
    return ops.std(_as_float(a), axis, keepdims, ddof)


def _prod(a, axis=None, dtype=None, keepdims=False, initial=None, where=None):
    _no_extras(dtype=dtype, initial=initial, where=where)
    if axis is not None and not isinstance(axis, (int, np.integer)):
        raise _Unsupported("prod over several axes")
    return ops.prod(a, axis, keepdims)


def _scan(op):
    def scan(a, axis=None, dtype=None):
        _no_extras(dtype=dtype)
        return op(ops.reshape(a, (-1,)), 0) if axis is None else op(a, axis)
    return scan


def _sort(a, axis=-1, kind=None, order=None, stable=None):
    _no_extras(order=order)
    return ops.sort(ops.reshape(a, (-1,)), 0).values if axis is None else ops.sort(a, axis).values


def _take_along_axis(arr, indices, axis=-1):
    return ops.take_along_dim(arr, indices, axis)


_FUNCTIONS.update({
    np.std: _std, np.prod: _prod, np.cumsum: _scan(ops.cumsum), np.cumprod: _scan(ops.cumprod),
    np.sort: _sort, np.take_along_axis: _take_along_axis,
})


def _linalg():
    from . import linalg  # loaded after this module
    return linalg


# linear algebra (ops/products.py, linalg/); numpy's solve reads a 1-D b alone as a vector
_FUNCTIONS.update({
    np.einsum: lambda subscripts, *operands, optimize=False, **extras: ops.einsum(subscripts, *operands),
    np.outer: lambda a, b, out=None: ops.outer(ops.reshape(a, (-1,)), ops.reshape(b, (-1,))),
    np.inner: ops.inner, np.kron: ops.kron,
    np.tensordot: lambda a, b, axes=2: ops.tensordot(a, b, axes),
    np.linalg.inv: lambda a: _linalg().inv(a), np.linalg.det: lambda a: _linalg().det(a),
    np.linalg.slogdet: lambda a: _linalg().slogdet(a),
    np.linalg.solve: lambda a, b: _linalg().solve(a, b) if np.ndim(b) == 1 else ops.solve(a, b),
    np.linalg.cholesky: lambda a, upper=False: _linalg().cholesky(a, upper=upper),
    np.linalg.eigh: lambda a, UPLO="L": _linalg().eigh(a, UPLO),
    np.linalg.eigvalsh: lambda a, UPLO="L": _linalg().eigvalsh(a, UPLO),
    np.linalg.qr: lambda a, mode="reduced": _linalg().qr(a, mode),
    np.linalg.norm: lambda x, ord=None, axis=None, keepdims=False: _linalg().norm(x, ord, axis, keepdims),
    np.linalg.svd: lambda a, full_matrices=True, compute_uv=True, hermitian=False:
        _linalg().svd(a, full_matrices) if compute_uv else _linalg().svdvals(a),
    np.linalg.matrix_power: lambda a, n: _linalg().matrix_power(a, n),
    np.linalg.multi_dot: lambda arrays, out=None: _linalg().multi_dot(arrays),
})

# what reads only shapes and types, not values (vmap allows it on a batched value)
_SHAPE_ONLY = {np.shape, np.ndim, np.size, np.result_type, np.iscomplexobj, np.isrealobj}
# numpy functions that change their first argument in place (the name of that argument)
_WRITERS = {np.copyto: "dst", np.put: "a", np.place: "arr", np.putmask: "a", np.fill_diagonal: "a",
            np.put_along_axis: "arr"}

# results that carry no gradient: computed from the data whatever requires grad
_DATA_ONLY = {
    np.shape, np.ndim, np.size, np.result_type, np.allclose, np.isclose, np.array_equal,
    np.array_equiv, np.any, np.all, np.argmax, np.argmin, np.argsort, np.count_nonzero,
    np.nonzero, np.flatnonzero, np.argwhere, np.searchsorted, np.iscomplexobj, np.isrealobj,
}
