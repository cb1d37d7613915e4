"""`Tensor`: a numpy array that remembers the op that made it, for reverse and forward mode."""
import itertools

import numpy as np

from .grad_mode import STATE as _STATE, report_value_read as _report_value_read
from .size import Size, check_device

CLOCK = itertools.count(1)  # numbers recorded ops and in-place changes in one sequence


def _as_array(data, dtype=None, copy=False):
    """numpy array for `data`: Python floats and lists become float32, arrays keep their dtype.

    An array or Tensor is shared unless `copy` (or a dtype conversion) makes a new one.
    """
    if isinstance(data, (Tensor, np.ndarray)):
        arr = data.data if isinstance(data, Tensor) else data
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"Tensor: data must be numbers (bool, int, float or complex), got an array of {arr.dtype}")
        if dtype is not None and arr.dtype != np.dtype(dtype):
            return arr.astype(dtype)
        return arr.copy() if copy else arr
    elif isinstance(data, np.generic):  # a numpy scalar keeps its dtype, as in PyTorch
        arr = np.asarray(data)
    elif hasattr(data, "__array__"):  # another library's array (a torch tensor) keeps its dtype too
        arr = np.asarray(data)
        arr = arr.copy() if copy else arr
    else:
        try:
            arr = np.asarray(data)
        except ValueError as error:  # a ragged nested list
            raise ValueError(f"Tensor: data must be a rectangular nested list of numbers ({error})") from None
        if dtype is None and arr.dtype == np.float64:
            arr = arr.astype(np.float32)
    if arr.dtype.kind not in "biufc":  # numpy would hold text or objects, and fail later in some op
        raise TypeError(f"Tensor: data must be numbers (bool, int, float or complex), got {arr.dtype} "
                        f"from {type(data).__name__}")
    if dtype is not None and arr.dtype != dtype:
        try:
            arr = arr.astype(dtype)
        except TypeError:
            raise TypeError(f"Tensor: dtype must be a numpy dtype, got {dtype!r}") from None
    return arr


def _scaled(other, alpha):
    """other · alpha for add/sub's `alpha` (a Python number times a number stays a Python number)."""
    if alpha == 1:
        return other
    return _ops.mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def _check_float(arr, what):
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"{what}: only floating-point tensors can require gradients, got dtype {arr.dtype}; "
            "convert first, e.g. Tensor(data, dtype=np.float32)"
        )


class Tensor:
    """An n-dimensional array with gradient tracking.

    Args:
        data: a number, nested list, numpy array or Tensor, copied (as torch.tensor; `as_tensor`
            and `from_numpy` share an array's memory instead). Python floats and lists
            become float32; a float numpy array keeps its dtype; integers stay integers.
        requires_grad: record ops on this tensor so `backward()` fills its `.grad`.
        dtype: numpy dtype to convert to.
        name: label shown in graph renderings and error messages.
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "_node", "_hooks",
                 "_retains_grad", "_tangent", "_view", "__weakref__")

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        self.data = _as_array(data, dtype, copy=True)  # a copy, as torch.tensor; as_tensor/from_numpy share
        self.grad = None
        self.requires_grad = False
        self.name = name
        self._node = None
        self._hooks = None
        self._retains_grad = False
        self._tangent = None
        self._view = None  # (base, steps, ...) when this tensor is a view of another one's memory (views.py)
        if requires_grad is not False:
            self.requires_grad_(requires_grad)

    # ---- attributes -------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        """Number of elements (an int, as numpy); also callable: `size()` is the shape, `size(dim)` one axis."""
        return Size(self.data.size, self.data.shape)

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def is_leaf(self):
        """True for tensors made by the user rather than by a recorded op."""
        if self._view is not None:
            _views.sync(self)
        return self._node is None

    @property
    def grad_fn(self):
        """Name of the op that produced this tensor, or None for a leaf (a view's is current, see views.py)."""
        if self._view is not None:
            _views.sync(self)
        return None if self._node is None else self._node.prim.name

    @property
    def _version(self):
        """How many in-place changes this tensor's memory has had (PyTorch's version counter).

        Shared by every tensor on the same memory (views, detached copies). Setting it
        (`t._version += 1` after changing `t.data` in place) also records when, so that
        backward refuses values changed after an op saved them (autograd_core/inplace.py).
        """
        return _inplace.version(self.data)

    @_version.setter
    def _version(self, count):
        _inplace.record_change(self.data, count)

    @property
    def T(self):
        return _ops.transpose(self)

    # ---- numpy interop: numpy functions run as engine ops (autograd_core/numpy_dispatch.py) ----
    def __array__(self, dtype=None, copy=None):
        """The data, for an explicit `np.asarray(t)` (numpy *functions* go through the two methods below)."""
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:  # `array * tensor` and the like: straight to the engine op
            op = _numpy_dispatch.UFUNCS.get(ufunc)
            if op is not None:
                return op(*inputs)
        return _numpy_dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _numpy_dispatch.array_function(func, args, kwargs)

    def numpy(self):
        """The underlying numpy array (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if _STATE.observers:
            _report_value_read(self, "item()")
        if self.data.size != 1:
            raise ValueError(f"item(): only one-element tensors can be converted, got shape {self.shape}")
        return self.data.item()

    def tolist(self):
        if _STATE.observers:
            _report_value_read(self, "tolist()")
        return self.data.tolist()

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        if _STATE.observers:
            _report_value_read(self, "bool() (a Python if or while)")
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    __hash__ = object.__hash__

    def __repr__(self):
        body = np.array2string(self.data, precision=4, separator=", ", prefix="tensor(")
        extra = ""
        if self.data.dtype != np.float32:
            extra += f", dtype={self.data.dtype}"
        if self.grad_fn is not None:  # (a view's is brought up to date)
            extra += f", grad_fn={self.grad_fn}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    # ---- autograd -----------------------------------------------------------------
    def backward(self, grad=None, retain_graph=None, create_graph=False):
        """Reverse mode: accumulate d(self)/d(leaf) into `.grad` of every leaf requiring grad.

        `grad` may be omitted only for a one-element tensor. The graph's saved values
        are freed afterwards unless `retain_graph` (default: `create_graph`) is true.
        """
        _engine.backward(self, grad, retain_graph, create_graph)

    def detach(self):
        """A new leaf sharing this tensor's data, cut from the graph."""
        return wrap(self.data)

    def requires_grad_(self, flag=True):
        """Turn gradient tracking of this leaf on or off, in place; returns self."""
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"requires_grad must be a bool, got {type(flag).__name__} {flag!r}")
        if flag:
            _check_float(self.data, "requires_grad_")
        elif self._node is not None:
            raise RuntimeError("requires_grad_(False): only leaf tensors can stop requiring grad; use detach()")
        self.requires_grad = bool(flag)
        return self

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad(): tensor does not require grad")
        self._retains_grad = True

    def register_hook(self, fn):
        """Call `fn(grad)` when this tensor's gradient is computed; a returned Tensor replaces it."""
        if not callable(fn):
            raise TypeError(f"register_hook(): hook must be callable, got {type(fn).__name__}")
        if not self.requires_grad:
            raise RuntimeError("register_hook(): cannot register a hook on a tensor that does not require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _HookHandle(self._hooks, fn)

    # ---- operators ----------------------------------------------------------------
    def __add__(self, other): return _ops.add(self, other)
    def __radd__(self, other): return _ops.add(other, self)
    def __sub__(self, other): return _ops.sub(self, other)
    def __rsub__(self, other): return _ops.sub(other, self)
    def __mul__(self, other): return _ops.mul(self, other)
    def __rmul__(self, other): return _ops.mul(other, self)
    def __truediv__(self, other): return _ops.div(self, other)
    def __rtruediv__(self, other): return _ops.div(other, self)
    def __floordiv__(self, other): return _ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return _ops.floor_divide(other, self)
    def __pow__(self, other): return _ops.pow(self, other)
    def __rpow__(self, other): return _ops.pow(other, self)
    def __matmul__(self, other): return _ops.matmul(self, other)
    def __rmatmul__(self, other): return _ops.matmul(other, self)
    def __neg__(self): return _ops.neg(self)
    def pow(self, exponent): return _ops.pow(self, exponent)
    def add(self, other, alpha=1): return _ops.add(self, _scaled(other, alpha))
    def sub(self, other, alpha=1): return _ops.sub(self, _scaled(other, alpha))
    def mul(self, other): return _ops.mul(self, other)
    def div(self, other, rounding_mode=None): return _ops.div(self, other, rounding_mode)
    def floor_divide(self, other): return _ops.floor_divide(self, other)
    def neg(self): return _ops.neg(self)

    def t(self):
        """The transpose of a tensor of at most 2 dims (PyTorch's t(); use mT or transpose(d0, d1) above that)."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self if self.ndim < 2 else _ops.transpose(self, (1, 0))
    def __and__(self, other): return np.bitwise_and(self, other)  # boolean masks; no gradient (numpy_dispatch)
    def __rand__(self, other): return np.bitwise_and(other, self)
    def __or__(self, other): return np.bitwise_or(self, other)
    def __ror__(self, other): return np.bitwise_or(other, self)
    def __xor__(self, other): return np.bitwise_xor(self, other)
    def __rxor__(self, other): return np.bitwise_xor(other, self)
    def __invert__(self): return np.invert(self)
    def __pos__(self): return self
    def __abs__(self): return _ops.abs(self)
    def __getitem__(self, index): return _ops.getitem(self, index)

    # ---- in-place operations (PyTorch's rules, see autograd_core/inplace.py) ----------
    def __iadd__(self, other): return _inplace.update(self, _ops.add, other)
    def __isub__(self, other): return _inplace.update(self, _ops.sub, other)
    def __imul__(self, other): return _inplace.update(self, _ops.mul, other)
    def __itruediv__(self, other): return _inplace.update(self, _ops.div, other)
    def __setitem__(self, index, value): _inplace.assign(self, index, value)
    def copy_(self, src): return _inplace.assign(self, Ellipsis, src)
    def fill_(self, value): return _inplace.assign(self, Ellipsis, value)
    def zero_(self): return _inplace.assign(self, Ellipsis, 0)

    def __lt__(self, other): return _ops.less(self, other)
    def __le__(self, other): return _ops.less_equal(self, other)
    def __gt__(self, other): return _ops.greater(self, other)
    def __ge__(self, other): return _ops.greater_equal(self, other)
    def __eq__(self, other): return _ops.equal(self, other)
    def __ne__(self, other): return _ops.not_equal(self, other)

    # ---- methods (one-line delegations to autograd_core.ops) ----------------------
    def exp(self): return _ops.exp(self)
    def log(self): return _ops.log(self)
    def sqrt(self): return _ops.sqrt(self)
    def abs(self): return _ops.abs(self)
    def tanh(self): return _ops.tanh(self)
    def sigmoid(self): return _ops.sigmoid(self)
    def relu(self): return _ops.relu(self)
    def clamp(self, min=None, max=None): return _ops.clamp(self, min, max)
    clip = clamp
    def clamp_min(self, min): return _ops.clamp(self, min, None)
    def clamp_max(self, max): return _ops.clamp(self, None, max)
    def matmul(self, other): return _ops.matmul(self, other)
    def maximum(self, other): return _ops.maximum(self, other)
    def minimum(self, other): return _ops.minimum(self, other)
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Sum over `dim` (int, tuple, None: all); those axes are dropped, or kept as size 1 with `keepdim`."""
        return _ops.sum(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Mean over `dim`, shapes as `sum`; NaN over no elements, as PyTorch."""
        return _ops.mean(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def var(self, dim=None, keepdim=False, ddof=None, *, unbiased=None, correction=None, axis=None, keepdims=None):
        """Variance over `dim` (shapes as `sum`) divided by count - correction (1 by default, as PyTorch);
        `unbiased=`, `correction=` or numpy's `ddof=` choose another."""
        return _ops.var(self, dim, keepdim, ddof, unbiased=unbiased, correction=correction, axis=axis,
                        keepdims=keepdims)

    def std(self, dim=None, keepdim=False, ddof=None, *, unbiased=None, correction=None, axis=None, keepdims=None):
        """Standard deviation over `dim`: the square root of `var`, same arguments (unbiased by default)."""
        return _ops.std(self, dim, keepdim, ddof, unbiased=unbiased, correction=correction, axis=axis,
                        keepdims=keepdims)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """No dim: the maximum, shape (). Int `dim`: named tuple (values, indices), shape without `dim`.
        With numpy's `axis=`/`keepdims=`: values only, as `amax`."""
        return _ops.max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """As `max`, for the minimum: the value, or (values, indices) along an int `dim`."""
        return _ops.min(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Maximum over `dim` (int, tuple, None: all), shapes as `sum`; tied maxima share the gradient."""
        return _ops.amax(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Minimum over `dim`, shapes as `sum`; tied minima share the gradient."""
        return _ops.amin(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """log Σ exp over `dim`, shapes as `sum`, computed stably."""
        return _ops.logsumexp(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def softmax(self, dim=None, *, axis=None):
        """Softmax along `dim` (None: last axis); same shape."""
        return _ops.softmax(self, dim, axis=axis)

    def log_softmax(self, dim=None, *, axis=None):
        """Log of softmax along `dim` (None: last axis); same shape."""
        return _ops.log_softmax(self, dim, axis=axis)

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Index of the first maximum along `dim` (None: flattened), int64, shape without `dim`."""
        return _ops.argmax(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Index of the first minimum along `dim` (None: flattened), int64, shape without `dim`."""
        return _ops.argmin(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def reshape(self, *shape): return _ops.reshape(self, shape[0] if len(shape) == 1 else shape)
    def view(self, *shape): return _ops.view(self, *shape)
    def transpose(self, *dims): return _ops.transpose(self, *dims)
    def permute(self, *dims): return _ops.permute(self, *dims)
    def swapaxes(self, a, b): return _ops.swapaxes(self, a, b)
    swapdims = swapaxes
    def flip(self, *dims): return _ops.flip(self, dims[0] if len(dims) == 1 else dims)

    @property
    def mT(self):
        """The last two dims swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise ValueError(f"mT: needs at least 2 dims, got shape {self.shape}")
        return _ops.swapaxes(self, -2, -1)

    def flatten(self, start_dim=0, end_dim=-1): return _ops.flatten(self, start_dim, end_dim)
    def squeeze(self, dim=None, *, axis=None):
        """Drop size-1 axes (all, or those among `dim`); shape without them."""
        return _ops.squeeze(self, dim, axis=axis)

    def unsqueeze(self, dim=None, *, axis=None):
        """Insert a size-1 axis at `dim`; ndim grows by one."""
        return _ops.unsqueeze(self, dim, axis=axis)

    def expand(self, *shape): return _ops.expand(self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    def broadcast_to(self, shape): return _ops.broadcast_to(self, shape)
    def astype(self, dtype): return _ops.astype(self, dtype)

    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False):
        """This tensor converted to `dtype` (or another tensor's dtype), as `to(dtype)`, `to("cpu", dtype)` or
        keywords; the device "cpu" changes nothing and any other is an error."""
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif not check_device(a):
                dtype = a
        if dtype is not None and not isinstance(dtype, Tensor):
            try:
                np.dtype(dtype)
            except TypeError:
                raise TypeError(f"to: expected a dtype, a Tensor or the device 'cpu', got {dtype!r}") from None
        if device is not None:
            check_device(str(device))
        out = self if dtype is None else _ops.astype(self, dtype)
        return _ops.clone(out) if copy and out is self else out

    def cpu(self):
        """This tensor (every tensor lives on the CPU, in numpy)."""
        return self

    def float(self):
        """float32 version (differentiable; self if already float32)."""
        return _ops.astype(self, np.float32)

    def double(self):
        """float64 version (differentiable; self if already float64)."""
        return _ops.astype(self, np.float64)

    def long(self):
        """int64 version, cut from the graph as integer tensors are in PyTorch."""
        return _ops.astype(self, np.int64)

    def int(self):
        """int32 version, cut from the graph as integer tensors are in PyTorch."""
        return _ops.astype(self, np.int32)

    def clone(self):
        """A copy with its own data, same shape and dtype; the gradient flows back to this tensor."""
        return _ops.clone(self)

    def numel(self):
        """Number of elements."""
        return self.data.size

    nelement = numel

    def dim(self):
        """Number of axes (ndim)."""
        return self.data.ndim

    # products and linear algebra (ops/products.py, ops/norms.py, linalg/)
    def mm(self, other): return _ops.mm(self, other)
    def bmm(self, other): return _ops.bmm(self, other)
    def mv(self, vec): return _ops.mv(self, vec)
    def dot(self, other): return _ops.dot(self, other)
    def outer(self, other): return _ops.outer(self, other)
    def inner(self, other): return _ops.inner(self, other)
    def kron(self, other): return _ops.kron(self, other)
    def norm(self, p="fro", dim=None, keepdim=False, dtype=None): return _ops.norm(self, p, dim, keepdim, dtype)
    def det(self): return _linalg.det(self)
    def slogdet(self): return _linalg.slogdet(self)
    def inverse(self): return _linalg.inv(self)
    def matrix_exp(self): return _linalg.matrix_exp(self)
    def matrix_power(self, n): return _linalg.matrix_power(self, n)
    def logdet(self): return _linalg.logdet(self)
    def pinverse(self, rcond=1e-15): return _linalg.pinv(self, rtol=rcond)
    def cholesky(self, upper=False): return _linalg.cholesky(self, upper=upper)
    def qr(self, some=True): return _linalg.qr(self, "reduced" if some else "complete")
    def dist(self, other, p=2): return _ops.vector_norm(self - other, p)


class _HookHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    def __init__(self, hooks, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


_new = object.__new__


def as_tensor(data, dtype=None):
    """A Tensor on `data`'s memory where it can be (a numpy array of `dtype`; a Tensor is returned as is),
    else converted as `Tensor(data)` does (torch.as_tensor)."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return wrap(_as_array(data, dtype))


def from_numpy(array):
    """A Tensor sharing numpy `array`'s memory and dtype (torch.from_numpy): writes show through both ways."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return wrap(array)


def shared_tensor(data, requires_grad=False, name=None):
    """The engine's own `Tensor(data)`: converted the same way, but never copied (a new Tensor object
    on the same memory); for arrays the engine just made or must not copy on a hot path."""
    t = wrap(_as_array(data))
    t.name = name
    return t.requires_grad_() if requires_grad else t


def wrap(array):
    """A Tensor around numpy `array` as it is (no conversion, no copy): the engine's own constructor."""
    t = _new(Tensor)
    t.data = array
    t.grad = t.name = t._node = t._hooks = t._tangent = t._view = None
    t.requires_grad = t._retains_grad = False
    return t


from . import engine as _engine  # noqa: E402  (engine and ops need Tensor defined first)
from . import inplace as _inplace  # noqa: E402
from . import views as _views  # noqa: E402
from . import ops as _ops  # noqa: E402
from . import numpy_dispatch as _numpy_dispatch  # noqa: E402
from . import linalg as _linalg  # noqa: E402


for _name in _ops.elementwise_functions.TENSOR_METHODS:  # sin, atan2, erf, lerp, ...: methods as PyTorch's
    setattr(Tensor, _name, getattr(_ops, _name))
Tensor.__mod__ = _ops.remainder  # Python's % on a tensor is remainder (the sign of the divisor), as PyTorch
Tensor.__rmod__ = lambda self, other: _ops.remainder(other, self)


# Tensor methods that are the ops function of the same name, the tensor as first argument
_METHODS = ("view_as", "movedim", "split", "chunk", "unbind", "narrow", "unflatten", "contiguous", "expand_as",
            "repeat", "repeat_interleave", "tile", "roll", "tril", "triu", "diag", "diagonal", "diag_embed", "trace")
for _name in _METHODS:
    setattr(Tensor, _name, getattr(_ops, _name))


def _document_delegations():
    """The one-line delegations above show the docstring of the ops function they call in help(Tensor)."""
    elementwise = ("exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "clamp")
    for name in elementwise + ("matmul", "maximum", "minimum", "reshape", "swapaxes", "flatten", "expand",
                               "broadcast_to", "astype", "view", "transpose", "permute", "flip"):
        doc = getattr(_ops, name).__doc__
        getattr(Tensor, name).__doc__ = doc.rstrip(".") + "; same shape as the tensor." if name in elementwise else doc


_document_delegations()


def _attach_methods():
    """Methods that only forward to a function of the same name (each ops module lists its own in METHODS)."""
    from .ops import indexing, indexing_inplace, scan, sorting
    for module in (indexing, indexing_inplace, scan, sorting):
        for name in module.METHODS:
            setattr(Tensor, name, getattr(module, name))
    for name in ("all", "any"):
        setattr(Tensor, name, getattr(_ops, name))


_attach_methods()
