"""The two array namespaces a VJP rule can run on.

`numpy_ops`: plain numpy, for an ordinary backward (fast, records nothing).
`tensor_ops`: the engine's own ops, for `create_graph=True`: the backward pass is
itself recorded, so gradients can be differentiated again.
`tracing_ops`: tensor_ops whose `value(x)` is x itself, for vmap's recording: a mask a rule
computes from a value (`xp.value(out) > 0`) is then an engine op too, replayed on the batch,
instead of one example's numpy array.
"""
from types import SimpleNamespace

import numpy as np

from . import ops as tensor_ops
from .grad_mode import STATE
from .ops.elementwise import Sigmoid
from .ops.shape import IndexedGrad
from .ops.pool import WindowGather, WindowScatter
from .ops.decompositions import Inv, MatrixExp, Solve
from .ops.einsum import Einsum
from .ops.window import Col2im, Im2col, SlidingWindow, WindowAdjoint
from .ops.diagonal import DiagonalAdjoint
from .ops.exponential import Rsqrt, xlogy_numpy
from .ops.special import erf_numpy
from .views import replay_array


def _numpy_form(prim):
    def call(x, **params):
        return prim.forward(None, x, **params)
    call.__name__ = prim.name
    return call


def _softmax(z, axis):
    """exp(z) / Σ exp(z) along `axis`, shifted by the maximum so that exp cannot overflow."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


numpy_ops = SimpleNamespace(
    value=lambda x: x,
    sigmoid=lambda x: Sigmoid.forward(None, x),
    tanh=np.tanh,
    exp=np.exp,
    log=np.log,
    softmax=_softmax,
    where=np.where,
    matmul=np.matmul,
    swapaxes=np.swapaxes,
    transpose=np.transpose,
    broadcast_to=np.broadcast_to,
    getitem_adjoint=IndexedGrad,
    cumsum=np.cumsum,
    sliding_window=_numpy_form(SlidingWindow),
    window_adjoint=_numpy_form(WindowAdjoint),
    im2col=_numpy_form(Im2col),
    col2im=_numpy_form(Col2im),
    window_gather=_numpy_form(WindowGather),
    window_scatter=_numpy_form(WindowScatter),
    diagonal=np.diagonal,
    diagonal_adjoint=lambda g, shape, offset, dim1, dim2: DiagonalAdjoint.forward(None, g, shape, offset, dim1, dim2),
    # what the rules of ops/trig.py, exponential.py, special.py and activations.py call
    sin=np.sin, cos=np.cos, sinh=np.sinh, cosh=np.cosh, erf=erf_numpy, xlogy=xlogy_numpy, rsqrt=_numpy_form(Rsqrt),
    # linear algebra (ops/einsum.py, ops/decompositions.py)
    einsum=lambda equation, *xs: Einsum.forward(None, *xs, equation=equation),
    concatenate=np.concatenate,
    inv=lambda a: Inv.forward(None, a),
    solve=lambda a, b: Solve.forward(None, a, b),
    matrix_exp=lambda a: MatrixExp.forward(None, a),
    replay_view=replay_array,  # CopySlices' VJP (ops/copy_slices.py)
)

class _Tracing:
    """The engine's ops, except that `value` hands a rule the Tensor instead of its data."""

    @staticmethod
    def value(x):
        return x

    def __getattr__(self, name):
        return getattr(tensor_ops, name)


tracing_ops = _Tracing()


def recorded_ops():
    """The namespace of rules that are recorded: tracing_ops while vmap records, else tensor_ops."""
    return tracing_ops if STATE.tracing_values else tensor_ops


__all__ = ["numpy_ops", "tensor_ops", "tracing_ops", "recorded_ops"]
