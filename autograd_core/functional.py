"""Function transforms with JAX's names: grad, value_and_grad, vjp, jvp, jacrev, jacfwd, hessian.

They take a function of Tensors (or arrays) and return numpy arrays. `jacrev` runs one
reverse pass per output element, `jacfwd` one forward pass per input element: the
cost difference between the two modes is visible in how many passes each makes.
"""
import numpy as np

from . import engine
from .forward_mode import ForwardMode, seed_tangent
from .grad_mode import no_grad, observe
from .tensor import Tensor, _as_array


def _leaf(x, where):
    arr = _as_array(x)
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"{where}: inputs to differentiate must be floating point, got dtype {arr.dtype}")
    return Tensor(arr, requires_grad=True)


def _argnums(argnums, nargs, where):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -nargs <= a < nargs:
            raise ValueError(f"{where}: argnums {argnums} out of range for {nargs} positional arguments")
    return nums


def _call_with_leaves(f, args, argnums, where):
    """Call f with args[argnums] as fresh leaves; other numpy arrays become constant Tensors."""
    args = [Tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    nums = _argnums(argnums, len(args), where)
    leaves = []
    for a in nums:
        args[a] = _leaf(args[a], where)
        leaves.append(args[a])
    return f(*args), leaves


def _scalar_output(out, where):
    if not isinstance(out, Tensor) or out.data.size != 1:
        shape = out.shape if isinstance(out, Tensor) else type(out).__name__
        raise TypeError(f"{where}: the function must return a one-element Tensor, got {shape}")
    return out


def value_and_grad(f, argnums=0):
    """f -> function returning (f(*args), d f / d args[argnums]) as numpy arrays."""
    def wrapped(*args):
        out, leaves = _call_with_leaves(f, args, argnums, "value_and_grad")
        out = _scalar_output(out, "value_and_grad")
        grads = [np.array(g) for g in engine.grad_of(out, leaves)] if out.requires_grad else \
            [np.zeros_like(t.data) for t in leaves]
        return np.array(out.data), (grads[0] if isinstance(argnums, int) else tuple(grads))
    return wrapped


def grad(f, argnums=0):
    """f -> function returning the gradient of scalar f with respect to args[argnums]."""
    vg = value_and_grad(f, argnums)

    def wrapped(*args):
        return vg(*args)[1]
    return wrapped


def vjp(f, *primals):
    """Run f once; return (out, vjp_fn) where vjp_fn(cotangent) -> tuple of input cotangents."""
    leaves = [_leaf(p, "vjp") for p in primals]
    out = f(*leaves)

    def vjp_fn(cotangent):
        if not out.requires_grad:
            return tuple(np.zeros_like(t.data) for t in leaves)
        return tuple(np.array(g) for g in engine.grad_of(out, leaves, cotangent, retain_graph=True))
    return np.array(out.data), vjp_fn


def jvp(f, primals, tangents):
    """Forward mode: (f(*primals), J · tangents) in one pass, tangents carried beside values."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    out, tangent = _jvp_partial(f, [_as_array(p) for p in primals], tangents)
    return np.array(out), tangent


def jacrev(f, argnums=0):
    """Jacobian by reverse mode: one backward pass per output element; shape out.shape + in.shape."""
    def wrapped(*args):
        out, leaves = _call_with_leaves(f, args, argnums, "jacrev")
        jacs = [np.zeros(out.shape + t.shape, dtype=out.dtype) for t in leaves]
        if out.requires_grad:
            seed = np.zeros_like(out.data)
            for i in range(out.data.size):
                seed.flat[i] = 1
                rows = engine.grad_of(out, leaves, seed, retain_graph=True)
                seed.flat[i] = 0
                for jac, row in zip(jacs, rows):
                    jac[np.unravel_index(i, out.shape)] = row
        return jacs[0] if isinstance(argnums, int) else tuple(jacs)
    return wrapped


def jacfwd(f, argnums=0):
    """Jacobian by forward mode: one forward pass per input element; shape out.shape + in.shape."""
    def wrapped(*args):
        args = [_as_array(a) for a in args]
        nums = _argnums(argnums, len(args), "jacfwd")
        jacs = []
        for a in nums:
            x = args[a]
            columns = []
            for j in range(x.size):
                tangents = [np.zeros_like(p) if np.issubdtype(np.asarray(p).dtype, np.floating) else None for p in args]
                basis = np.zeros_like(x)
                basis.flat[j] = 1
                tangents[a] = basis
                out, col = _jvp_partial(f, args, tangents)
                columns.append(col)
            out_shape = out.shape if x.size else np.asarray(f(*[Tensor(p) for p in args]).data).shape
            jac = np.stack(columns, axis=-1) if columns else np.zeros(out_shape + (0,))
            jacs.append(jac.reshape(out_shape + x.shape))
        return jacs[0] if isinstance(argnums, int) else tuple(jacs)
    return wrapped


def _jvp_partial(f, args, tangents):
    """jvp where arguments with a None tangent (integers, say) are passed through as constants."""
    inputs = []
    for p, dt in zip(args, tangents):
        t = Tensor(p)
        if dt is not None:
            seed_tangent(t, dt)
        inputs.append(t)
    with no_grad(), observe(ForwardMode()):
        out = f(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"jvp: the function must return a Tensor, got {type(out).__name__}")
    tangent = out._tangent if out._tangent is not None else np.zeros_like(out.data)
    return out.data, np.array(tangent)


def hessian(f, argnums=0):
    """Hessian of scalar f: reverse mode over the graph of its gradient (create_graph=True)."""
    if not isinstance(argnums, int):
        raise NotImplementedError("hessian: argnums must be a single int")

    def gradient_tensor(*args):
        args = list(args)
        out = _scalar_output(f(*args), "hessian")
        if not out.requires_grad:
            return Tensor(np.zeros_like(args[argnums].data))
        return engine.grad_of(out, [args[argnums]], create_graph=True)[0]
    return jacrev(gradient_tensor, argnums)
