"""`Value`: the micrograd-style scalar engine.

Each op stores, next to its inputs, the local derivative of its output with respect
to each input (the number written on the edge of the computational graph); a product
reads them from its inputs during backward, as micrograd does. The backward pass then
multiplies along edges, visiting each edge exactly once.
"""
import math
import numbers

import numpy as np

_new = object.__new__


class Value:
    """One scalar node: `.data`, `.grad` (0.0 until backward), `.label`.

    Supports + - * / ** (number exponent), unary -, reflected forms, and
    exp, log, tanh, sigmoid, relu.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_local", "_op", "_pending")
    __array_ufunc__ = None  # `array + value` comes to our reflected operators, which refuse the array by name

    def __init__(self, data, label="", _prev=(), _local=(), _op=""):
        try:
            self.data = float(data)
        except (TypeError, ValueError):
            raise TypeError(f"Value: data must be a real number, got {type(data).__name__} {data!r}") from None
        self.grad = 0.0
        self.label = label
        self._prev = _prev
        self._local = _local
        self._op = _op
        self._pending = 0

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{', label=' + repr(self.label) if self.label else ''})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else _constant(other, "+")
        return _op_result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else _constant(other, "*")
        # None: backward reads the derivatives (other.data, self.data) from the inputs, as micrograd's __mul__ does
        return _op_result(self.data * other.data, (self, other), None, "*")

    def __pow__(self, n):
        if not isinstance(n, (int, float)):
            raise TypeError(f"Value ** {type(n).__name__}: only int or float exponents are supported")
        # NOTE: d(x^0)/dx is 0, also at x = 0 where n x^(n-1) would be 0 * inf (PyTorch's rule)
        local = n * _power(self.data, n - 1) if n != 0 else 0.0
        return _op_result(_power(self.data, n), (self,), (local,), f"**{n:g}")

    @staticmethod
    def sum(values):
        """Σ values as ONE node with n inputs (a chain of binary + would make n - 1 nodes)."""
        values = tuple(v if isinstance(v, Value) else Value(v) for v in values)
        return _op_result(math.fsum([v.data for v in values]), values, (1.0,) * len(values), "sum")

    def exp(self):
        try:
            out = math.exp(self.data)
        except OverflowError:  # IEEE's answer, as PyTorch and numpy give
            out = math.inf
        return _op_result(out, (self,), (out,), "exp")

    def log(self):
        if self.data <= 0:
            raise ValueError(f"Value.log: argument must be positive, got {self.data}")
        return _op_result(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def tanh(self):
        t = math.tanh(self.data)
        return _op_result(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self):
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return _op_result(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self):
        x = self.data
        return _op_result(0.0 if x <= 0 else x, (self,), (1.0 if x > 0 else 0.0,), "relu")  # NaN stays NaN

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * (other if isinstance(other, Value) else _constant(other, "/")) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _constant(other, "-") + (-self)

    def __rtruediv__(self, other):
        return _constant(other, "/") * self ** -1

    def backward(self):
        """Fill `.grad` of every node reachable from this one (d self / d node), in one pass.

        A node is processed once every consumer has added its share, so each edge is
        visited exactly once and no path is ever enumerated. As in PyTorch, the leaves'
        gradients accumulate over calls (zero them between steps); every other node's
        `.grad` holds this call's gradient.
        """
        _count_consumers(self)
        self.grad += 1.0
        ready = [self]
        while ready:
            v = ready.pop()
            g = v.grad
            derivatives = v._local
            if derivatives is None:
                # NOTE: a product's derivatives are its inputs, read here as micrograd does: no tuple
                # per product kept alive until backward, a third fewer objects for the cyclic GC
                a, b = v._prev
                derivatives = (b.data, a.data)
            for parent, local in zip(v._prev, derivatives):
                parent.grad += local * g
                parent._pending -= 1
                if not parent._pending and parent._prev:  # a leaf has nothing to pass on
                    ready.append(parent)


def _op_result(data, prev, local, op):
    """The Value an op returns; `data` is already a float, so no conversion (the hot path of the engine)."""
    v = _new(Value)
    v.data, v.grad, v.label, v._prev, v._local, v._op, v._pending = data, 0.0, "", prev, local, op, 0
    return v


def _constant(other, op):
    """A number operand as a Value; anything else (a Tensor, an array) is refused by name, never read as a float."""
    if type(other) is not float and type(other) is not int and not isinstance(other, numbers.Real):
        raise TypeError(f"Value {op} {type(other).__name__}: a Value combines with Values and Python numbers only; "
                        "for tensors use autograd_core.Tensor throughout")
    return Value(other)


def _power(x, n):
    """x ** n as IEEE floats, PyTorch's answers: inf for 0 ** -0.5 or an overflow, NaN for (-8) ** (1/3)."""
    try:
        result = x ** n
    except (ZeroDivisionError, OverflowError):
        result = None
    if type(result) is float:
        return result
    with np.errstate(all="ignore"):
        return float(np.float64(x) ** n)


def _count_consumers(root):
    """Set `_pending` of each node below `root` to the number of edges consuming it, and zero
    the `.grad` of every node that is not a leaf.

    Counts return to zero as the backward sweep consumes them, so a node with a zero
    count is one not yet reached (explicit stack, no recursion). Intermediate gradients
    restart at zero so that a second backward() passes on this call's cotangents, not the
    sum of both calls' (micrograd's would: its leaves then get more than twice the
    gradient); leaves accumulate, as in PyTorch.
    """
    stack = [root]
    while stack:
        v = stack.pop()  # each node is pushed, and so popped, once
        if v._prev:
            v.grad = 0.0
        for p in v._prev:
            if not p._pending:
                stack.append(p)
            p._pending += 1
