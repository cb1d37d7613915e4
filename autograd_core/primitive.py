"""The primitive base class, its registry, and `apply`, which runs and records one op.

A primitive defines, side by side:
  forward(ctx, *xs, **params)            -> ndarray, on numpy arrays
  vjp(ctx, xp, g, out, *xs, **params)    -> one cotangent per input (None: no gradient)
  jvp(ctx, xp, ts, out, *xs, **params)   -> the output tangent; ts[i] is None for an
                                            input without a tangent
Each is a `@staticmethod` (written out: the class is a namespace of rules, never
instantiated). Rules are written against the array namespace `xp`: numpy for a plain
backward, the engine's own ops when `create_graph=True`, so the same rule also builds
the graph of the gradient (grad of grad comes for free).

A fused primitive whose `vjp` only works on numpy arrays declares its composed form
instead of testing `xp`:
  composed(xp, *inputs, **params)        -> the same output built from engine ops
                                            (`xp` is `autograd_core.ops`; inputs are
                                            the op's arguments as recorded)
Under `create_graph=True` the sweep then differentiates `composed` (so the gradient is
itself differentiable) and never calls `vjp` with engine ops.
"""
import numpy as np

from .grad_mode import STATE
from .tensor import CLOCK, Tensor, wrap
from . import views as _views

PRIMITIVES = {}
_NUMPY_SCALARS = (np.number, np.bool_)
_REALS = (int, float, np.integer, np.floating)  # bool is an int, but never off float16's range
_FLOAT16 = np.dtype(np.float16)
_FLOAT32 = np.dtype(np.float32)
_FLOAT64 = np.dtype(np.float64)  # numpy's builtin dtypes are singletons: `is` is the cheap test
_NDARRAY = np.ndarray
NO_PARAMS = {}  # shared by every call without params; never mutated


class Node:
    """One recorded op: the primitive, its inputs, its params, and whatever forward saved.

    It is also the `ctx` that forward writes into (`ctx.mask = ...`) for the rules.
    `order` is its creation number (`FREED` once released): a node is always created after its inputs.
    The node of an in-place op also has `rebased_from`: the tensor standing for the
    changed tensor as it was before (see autograd_core/inplace.py).

    Slots hold what a node keeps after backward, because a kept graph keeps every node:
    `arrays`, `needs`, `params`, what forward saved (and anomaly mode's `stack`) live in
    its `__dict__`, which `release` deletes in one go. A sweep leaves its `position`, ‖g‖
    (`norm`) and `signature` (see `graph.Trace`) in slots, not in an object of their own.
    """

    __slots__ = ("prim", "parents", "scope", "order", "inputs", "position", "norm", "signature", "__dict__")

    def release(self, stubs):
        """Free what backward needed (inputs, saved arrays): the one place a sweep frees the graph.

        The structure stays, as PyTorch's does: `inputs` keeps, per Tensor input, its node,
        the leaf itself if it requires grad, or an `InputStub` (no data), so drawings and
        path counts work after backward while no intermediate array stays alive. `stubs`
        (id of the tensor -> its stub, one dict per sweep) gives an input that several ops
        read one stub, so it stays one vertex. The node keeps its op's name, scope and its
        sweep's summary (`graph.Trace`); a later sweep that reaches it raises the
        freed-graph error.
        """
        inputs = [p._node if p._node is not None else p if p.requires_grad else _stub(p, stubs)
                  for p in self.parents if isinstance(p, Tensor)]
        self.inputs = inputs[0] if len(inputs) == 1 else tuple(inputs)  # bare: a 1-tuple costs 48 bytes
        self.parents = None
        self.order = FREED  # its creation number (a 32-byte int) is needed no more
        try:
            del self.__dict__  # arrays, needs, params, what forward saved; deleted, not cleared, so no dict stays
        except AttributeError:
            pass

    @property
    def trace(self):
        """The `graph.Trace` the last sweep left here, or None if no sweep ran this node."""
        from .graph import Trace  # graph builds on this module
        try:
            self.position
        except AttributeError:  # a slot no sweep has set yet
            return None
        return Trace(self)


FREED = 0.5
"""The `order` of a released node, instead of its creation number: a later sweep pops it after every
live node (orders 1, 2, ...), so its cotangent is complete, and before the leaves (0), so the
freed-graph error comes before any gradient reaches a leaf."""


_SHAPES = {}  # one tuple per distinct shape: a kept graph should not hold a fresh tuple per node


def interned_shape(arr):
    """`arr.shape`, as the one tuple kept for that shape."""
    shape = arr.shape
    return _SHAPES.setdefault(shape, shape)


def _stub(t, stubs):
    """The one `InputStub` of tensor `t` in this sweep (`stubs` maps the tensor's id to it).

    An id is a safe key: every input of a node the sweep releases was alive when the sweep began.
    """
    stub = stubs.get(id(t))
    if stub is None:
        stub = stubs[id(t)] = InputStub(t)
    return stub


class InputStub:
    """What a freed node keeps of an input that did not require grad (a batch, a target): no data."""

    __slots__ = ("name", "shape", "dtype")

    def __init__(self, t):
        self.name, self.shape, self.dtype = t.name, interned_shape(t.data), t.data.dtype


class Primitive:
    """Base of every differentiable op; subclasses are registered by class name.

    Class attributes:
      linear   -- the op is linear in its differentiable inputs, so its JVP is the op
                  applied to the tangents (no jvp rule to write).
      nondiff  -- positions of inputs that never receive a gradient (masks, indices); they take
                  no part in dtype promotion.
      promotes -- an integer or boolean result is given PyTorch's promoted dtype of all the other
                  inputs (elementwise ops); float and complex results always are (`apply`).
      check_operands -- None, or a staticmethod raising PyTorch's error for operands it refuses (a bool in
                  a subtraction) although numpy computes them. `apply` calls it only when the first operand
                  is not a sized array of the result's dtype (the common case pays nothing); an operand
                  that keeps the result's dtype is for `forward` to check.
      composed -- None, or a staticmethod `composed(xp, *inputs, **params)` building the
                  op from engine ops: what create_graph differentiates instead of `vjp`.
      saves    -- the values the backward rules read: "inputs" (the Tensor arguments)
                  and/or "output". If one is changed in place after the op is recorded,
                  backward raises instead of reading the new values. Every value by
                  default (never silently wrong); an op whose VJP reads none (addition,
                  reshapes) declares `saves = ()`, so changing its inputs is allowed.
      batched  -- "broadcast": the op and its rules take a leading batch axis on arguments
                  aligned to the output's rank (numpy broadcasting does the rest). Else
                  a linear op may declare `batch_params(batch, *xs, **params)`, and any
                  other op has a rule in vmap_rules.py. This serves vmap and the batched
                  tangents of jacfwd/jacrev alike (forward_mode.batched_tangent).
      view     -- the op returns a numpy view of its one Tensor input when it can (reshape,
                  slicing): its `apply` then makes the result a view of the input's base, so an
                  in-place change through it reaches the base's graph (autograd_core/views.py).
                  Its forward must not use ctx (it is replayed as `forward(None, x, **params)`),
                  and it is called as `Prim.apply(x, **params)`.
    """

    name = "Primitive"
    linear = False
    view = False
    nondiff = ()
    promotes = False
    batched = False
    composed = None
    check_operands = None
    saves = ("inputs", "output")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__
        if not cls.__name__.startswith("_"):
            PRIMITIVES[cls.__name__] = cls
        if cls.view:  # only view primitives pay for the view bookkeeping
            cls.apply = classmethod(_views.apply_view)

    @classmethod
    def apply(cls, *args, **params):
        """Run the op on Tensors, arrays or numbers and record it when a gradient is needed."""
        return apply(cls, args, params)

    @staticmethod
    def flops(out, *xs, **params):
        """Floating-point operations of one forward call (one per output element)."""
        return out.size

    @staticmethod
    def sample_inputs(rng):
        """Yield `(args, params)` test cases; every registered primitive must define this."""
        raise NotImplementedError


def apply(prim, args, params):
    """Compute `prim` on the arrays behind `args`; link the result into the graph if needed."""
    arrays, needs, recording, numpy_scalar = [], [], False, False
    for a in args:
        if isinstance(a, Tensor):
            if a._view is not None:
                _views.sync(a)  # a view whose base changed in place takes the base's new history
            arrays.append(a.data)
            needs.append(a.requires_grad)
            recording = recording or a.requires_grad
        else:
            arrays.append(a)
            needs.append(False)
            numpy_scalar = numpy_scalar or isinstance(a, _NUMPY_SCALARS)
    if numpy_scalar and any(isinstance(a, Tensor) for a in args):
        # PyTorch treats a numpy scalar beside a Tensor as a Python number: float32 * np.float64(2) stays float32
        arrays = [a.item() if isinstance(a, _NUMPY_SCALARS) else a for a in arrays]
    ctx = Node()  # _forward, written out here: one call fewer on every op
    try:
        out = prim.forward(ctx, *arrays, **params) if params else prim.forward(ctx, *arrays)
    except (ValueError, IndexError, TypeError) as exc:
        raise _op_error(prim, exc, arrays, params) from exc
    except OverflowError as exc:  # numpy refuses uint8 + 300; PyTorch wraps the number into uint8 first
        wrapped = wrapped_ints(arrays)
        if wrapped is None:
            raise _op_error(prim, exc, arrays, params) from exc
        arrays = wrapped
        ctx, out = _forward(prim, arrays, params)
    if type(out) is not _NDARRAY:
        out = np.asarray(out)
    if arrays:
        # the common cases, checked without a call: numpy's result has the dtype of a sized operand, or of
        # a 0-d one alone or beside a number; then PyTorch's result has it too
        dtype, first = out.dtype, arrays[0]
        if dtype is _FLOAT16 or type(first) is not _NDARRAY or first.dtype is not dtype or not first.ndim:
            if prim.check_operands is not None:
                prim.check_operands(*arrays)
            last, n = arrays[-1], len(arrays)
            first_array, last_array = type(first) is _NDARRAY, type(last) is _NDARRAY
            if dtype is _FLOAT16 or not (
                    last_array and last.dtype is dtype and (last.ndim or n == 2 and not first_array)
                    or first_array and first.dtype is dtype and (n == 1 or n == 2 and not last_array)):
                ctx, out, arrays = _as_torch_promotes(prim, ctx, out, arrays, args, params)
    result = wrap(out)
    if recording and STATE.grad_enabled:
        ctx.prim = prim
        ctx.parents = args
        ctx.arrays = arrays
        ctx.needs = needs
        ctx.params = params
        ctx.scope = STATE.scope
        ctx.order = next(CLOCK)
        result._node = ctx
        result.requires_grad = True
    if STATE.observers:
        for observer in STATE.observers:
            observer.on_forward(prim, ctx, result, args, arrays, params)
    return result


def _forward(prim, arrays, params):
    """(ctx, out): the primitive's forward on `arrays`, its errors naming the op and the input shapes."""
    ctx = Node()
    try:
        out = prim.forward(ctx, *arrays, **params) if params else prim.forward(ctx, *arrays)
    except (ValueError, IndexError, TypeError) as exc:
        raise _op_error(prim, exc, arrays, params) from exc
    return ctx, out if type(out) is np.ndarray else np.asarray(out)


def wrap_int(number, dtype):
    """The Python int `number` in the integer `dtype`, wrapped around as PyTorch's cast does (300 -> uint8 44);
    None outside [-2^63, 2^64), where PyTorch refuses the number too."""
    if not -2 ** 63 <= number < 2 ** 64:
        return None
    return np.array(number % 2 ** 64, np.uint64).astype(dtype)[()]


def wrapped_ints(arrays):
    """`arrays` with each Python int out of range of the integer tensors' dtype wrapped into it; None when
    there is no such int (or the tensors' dtype is not an integer one, or an int PyTorch refuses too)."""
    dtype = _torch_result_type([a for a in arrays if type(a) is not int])
    if dtype is None or dtype.kind not in "iu":
        return None
    info, wrapped, changed = np.iinfo(dtype), [], False
    for a in arrays:
        if type(a) is int and not info.min <= a <= info.max:
            a, changed = wrap_int(a, dtype), True
            if a is None:
                return None
        wrapped.append(a)
    return wrapped if changed else None


def _off_float16(arrays):
    """True when float16 arrays are the only floating operands beside a number that float16 would round
    to inf, 0 or a subnormal (|x| > 65504 or 0 < |x| < 2^-14)."""
    if any(isinstance(a, np.ndarray) and a.dtype.kind in "fc" and a.dtype != np.float16 for a in arrays):
        return False
    return any(isinstance(a, _REALS) and (abs(a) > 65504.0 or 0 < abs(a) < 6.103515625e-05) for a in arrays)


def _as_torch_promotes(prim, ctx, out, arrays, args, params):
    """(ctx, out, arrays): `out` in PyTorch's result dtype where numpy's promotion differs from it, and the
    operands the rules are to read (a number float16 cannot hold becomes float32, see below).

    PyTorch ranks operands: tensors with dimensions, then 0-d tensors, then Python numbers
    (`_torch_result_type`). So integer tensors under a float op or beside a float number give
    float32 (numpy: float16 for 8-bit integers, float64 from int32 up), a float16 tensor beside
    a 0-d float32 stays float16, complex64 with int32 or a 0-d complex128 stays complex64, and
    `bool_tensor ** 2` is int64 (numpy: int8). Integer and boolean results are changed only for
    elementwise ops (`promotes`), whose operands are all promoted; index and mask inputs
    (`nondiff`) take no part. A result numpy computed narrower (float16) is computed again in
    PyTorch's dtype. Calls without a Tensor, or with `dtype=`, keep numpy's result.
    """
    dtype = out.dtype
    if dtype is _FLOAT16 and _off_float16(arrays):
        # as PyTorch, a number float16 cannot hold is not rounded to float16 first: float32 math, one rounding
        arrays = [np.float32(a) if isinstance(a, _REALS) else a for a in arrays]
        ctx, out = _forward(prim, arrays, params)
        with np.errstate(over="ignore"):  # past 65504 is inf, as in PyTorch
            return ctx, out.astype(np.float16), arrays
    uniform = True
    for a in arrays:
        if type(a) is _NDARRAY:
            if a.dtype is not dtype:
                uniform = False
            elif a.ndim:
                return ctx, out, arrays  # numpy's result is a sized operand's dtype: PyTorch's too
    if uniform:
        return ctx, out, arrays  # operands all of the result's dtype (or numbers): PyTorch's dtype too
    kind = dtype.kind
    if kind in "fc" or (kind in "biu" and prim.promotes):
        if "dtype" in params or not any(isinstance(a, Tensor) for a in args):
            return ctx, out, arrays
        torch_type = _torch_result_type(arrays, prim.nondiff)
        want = None if torch_type is None else _result_dtype(kind, torch_type)
        if want is not None and want != dtype:
            if kind != "f" or want.itemsize > dtype.itemsize:
                # numpy's float16 from 8-bit integers: again in float32; an integer result: again on operands
                # cast (wrapped) to it, as PyTorch computes (uint8 [1, 250] max a 0-d int64 300 is [44, 250])
                ctx, out = _forward(prim, [a.astype(want) if isinstance(a, np.ndarray) and a.dtype.kind in "biu"
                                           and i not in prim.nondiff else a for i, a in enumerate(arrays)], params)
            out = out.astype(want, copy=False)
    return ctx, out, arrays


_NUMBERS = {bool: np.dtype(np.bool_), int: np.dtype(np.int64), float: _FLOAT32, complex: np.dtype(np.complex64)}
_COMPLEX = {_FLOAT16: np.dtype(np.complex64), _FLOAT32: np.dtype(np.complex64), _FLOAT64: np.dtype(np.complex128)}


def _torch_result_type(arrays, skip=()):
    """PyTorch's result dtype of these operands (c10's ResultTypeState): each rank (sized, 0-d, Python
    number) promoted within itself, then a lower rank counts only when it is of a higher category
    (bool < integer < float < complex). A Python float stands for the default float32, a complex for
    complex64. None when no operand has a dtype."""
    sized = zero_d = number = None
    for i, a in enumerate(arrays):
        if i in skip:
            continue
        if isinstance(a, np.ndarray):
            if a.ndim:
                sized = _promote(sized, a.dtype)
            else:
                zero_d = _promote(zero_d, a.dtype)
        elif type(a) in _NUMBERS:
            number = _promote(number, _NUMBERS[type(a)])
    return _combine(sized, _combine(zero_d, number))


def _promote(a, b):
    """PyTorch's promote_types: as numpy's, but any float or complex type wins over every integer one."""
    if a is None or a is b:
        return b
    if a.kind in "fc" and b.kind in "biu":
        return a
    if b.kind in "fc" and a.kind in "biu":
        return b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """c10's combine_categories: the higher rank's dtype unless the lower rank's category is higher."""
    if higher is None:
        return lower
    if lower is None or higher is lower or higher.kind == "c":
        return higher
    if lower.kind == "c":
        return _COMPLEX.get(higher, lower)  # a float keeps its width (float16: complex64, as numpy has no complex32)
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return _promote(higher, lower)
    return higher


def _result_dtype(kind, torch_type):
    """The dtype of an op's result of numpy kind `kind` (float, complex or integer) when PyTorch promotes its
    operands to `torch_type`: a float op on integers gives float32, |complex64| float32, fft(float32) complex64."""
    if kind == "c":
        return torch_type if torch_type.kind == "c" else _COMPLEX.get(torch_type, _COMPLEX[_FLOAT32])
    if kind == "f":
        if torch_type.kind == "c":
            return _FLOAT64 if torch_type.itemsize == 16 else _FLOAT32
        return torch_type if torch_type.kind == "f" else _FLOAT32
    return torch_type if torch_type.kind in "biu" else None


def _op_error(prim, exc, arrays, params):
    """The forward's exception, re-raised with the op's name, its input shapes and params."""
    shapes = ", ".join(str(np.shape(a)) for a in arrays)
    shown = {k: v for k, v in params.items() if k != "index"}
    message = f"{prim.name}: {exc} (input shapes: {shapes}{'; ' + str(shown) if shown else ''})"
    try:
        return type(exc)(message)
    except Exception:
        return ValueError(message)
