"""Check analytic derivatives against central finite differences, in float64.

The Jacobian of every floating-point input is built numerically and four ways
analytically: by reverse mode and by forward mode, each one direction per pass and
with all directions batched in one pass (a leading batch axis on every tangent and
cotangent); then ⟨u, J v⟩ from one JVP is compared with ⟨Jᵀ u, v⟩ from one VJP.
"""
import numpy as np

from .checks import check_callable
from .functional import jvp, vjp
from .grad_mode import no_grad
from .jacobian import jacfwd, jacrev
from .tensor import Tensor, shared_tensor


class GradcheckError(AssertionError):
    """Raised by `gradcheck` with the worst mismatching element."""


def _numeric_jacobian(f, args, a, eps):
    x = args[a]
    out = np.asarray(f(*[shared_tensor(p) for p in args]).data)
    jac = np.zeros(out.shape + x.shape)
    for j in range(x.size):
        idx = np.unravel_index(j, x.shape)
        saved = x[idx]
        x[idx] = saved + eps
        plus = np.array(f(*[shared_tensor(p) for p in args]).data, dtype=np.float64)
        x[idx] = saved - eps
        minus = np.array(f(*[shared_tensor(p) for p in args]).data, dtype=np.float64)
        x[idx] = saved
        jac[(Ellipsis,) + idx] = (plus - minus) / (2 * eps)
    return jac


def _compare(name, a, got, expected, atol, rtol):
    err = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    if got.size and (not np.all(np.isfinite(got)) or err.max() > 0):
        worst = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(got), err, np.inf))), got.shape)
        raise GradcheckError(
            f"gradcheck: {name} Jacobian of input {a} differs from finite differences at element "
            f"{tuple(int(i) for i in worst)} (output index, input index): analytic {got[worst]:.10g}, "
            f"numeric {expected[worst]:.10g} (atol={atol}, rtol={rtol})"
        )


@no_grad()  # it measures the transforms; nothing outside them is recorded (the outer-graph rule)
def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Compare reverse- and forward-mode derivatives of `f` with central differences.

    Args:
        f: function of Tensors returning a Tensor.
        inputs: a Tensor/array or a sequence of them; floating ones are checked (in
            float64), others (integer indices, boolean masks) are passed as constants.
    Returns:
        True; raises `GradcheckError` naming the worst element otherwise.
    """
    check_callable("gradcheck", "f", f)
    if isinstance(inputs, (Tensor, np.ndarray)):
        inputs = (inputs,)
    args = [np.array(x.data if isinstance(x, Tensor) else x) for x in inputs]
    args = [x.astype(np.float64) if np.issubdtype(x.dtype, np.floating) else x for x in args]
    rng = np.random.default_rng(seed)
    for a, x in enumerate(args):
        if not np.issubdtype(x.dtype, np.floating):
            continue
        numeric = _numeric_jacobian(f, args, a, eps)
        for chunk_size, how in ((1, "one direction per pass"), (None, "batched directions")):
            reverse = jacrev(f, argnums=a, chunk_size=chunk_size)(*args)
            forward = jacfwd(f, argnums=a, chunk_size=chunk_size)(*args)
            _compare(f"reverse-mode ({how})", a, reverse, numeric, atol, rtol)
            _compare(f"forward-mode ({how})", a, forward, numeric, atol, rtol)
        _check_adjoint(f, args, a, rng, atol, rtol)
    return True


def _check_adjoint(f, args, a, rng, atol, rtol):
    """One JVP and one VJP along random directions must satisfy <u, J v> = <J^T u, v>."""
    def of_x(x):
        return f(*[x if i == a else shared_tensor(p) for i, p in enumerate(args)])
    x = args[a]
    v = rng.standard_normal(x.shape)
    out, jv = jvp(of_x, (x,), (v,))
    u = rng.standard_normal(out.shape)
    _, vjp_fn = vjp(of_x, x)
    lhs, rhs = float(np.sum(u * jv)), float(np.sum(vjp_fn(u)[0] * v))
    if not np.isclose(lhs, rhs, rtol=rtol, atol=atol):
        raise GradcheckError(f"gradcheck: input {a}: <u, J v> = {lhs:.10g} from jvp but <J^T u, v> = {rhs:.10g} from vjp")
