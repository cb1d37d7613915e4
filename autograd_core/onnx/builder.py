"""The ONNX graph under construction: named values, nodes, initializers, and one recorded op seen by its translation."""
import numpy as np
from onnx import helper, numpy_helper

from ..tensor import Tensor
from ..tracing import memory_key
from .trace import ExportError

INT64_MAX = np.iinfo(np.int64).max


class Builder:
    """Collects nodes and initializers; maps traced Tensors (by id) to the names of ONNX values."""

    def __init__(self):
        self.nodes, self.initializers = [], []
        self.names = {}  # id(Tensor) -> ONNX value name, for both traces
        self.data_names = {}  # memory key of an ndarray -> name: an index array passed as a param is a traced Tensor's data
        self.summed = {}  # output of a ReduceSum -> (its input, axes, its shape in each trace): a mean's count
        self.graph_inputs = []  # (name, its Tensor in the first trace, in the second, {dynamic axis: symbol})
        self.windows = {}  # name standing for sliding windows -> (input, kernel, stride): only a Sum consumes it
        self._used = set()

    def fresh(self, hint):
        """A value name not used yet, made from `hint`."""
        name, k = hint, 0
        while name in self._used:
            k += 1
            name = f"{hint}_{k}"
        self._used.add(name)
        return name

    def bind(self, tensors, name):
        """The traced Tensors (one per trace) are the ONNX value `name`."""
        for t in tensors:
            self.names[id(t)] = name
            self.data_names[memory_key(t.data)] = name

    def const(self, array, hint="const"):
        """An initializer holding `array`; its name."""
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def ints(self, values, hint="ints"):
        return self.const(np.asarray(values, dtype=np.int64), hint)

    def node(self, op_type, inputs, hint=None, outputs=1, **attrs):
        """Add one ONNX node; its output name (or names when `outputs` > 1)."""
        names = [self.fresh(f"{hint or op_type.lower()}") for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names, **attrs))
        return names[0] if outputs == 1 else names


class Op:
    """One recorded primitive call, seen in both traces, as its translation reads it."""

    def __init__(self, builder, first, second, where):
        self.b, self.first, self.second, self.where = builder, first, second, where
        self.name = first.prim.name
        self.params, self.params2 = first.params, second.params
        self.out = first.out.data

    def __len__(self):
        return len(self.first.args)

    def fail(self, why):
        return ExportError(f"onnx.export: cannot export {self.name}{self.where}: {why}")

    def value(self, i, second=False):
        a = (self.second if second else self.first).args[i]
        return a.data if isinstance(a, Tensor) else a

    def is_traced(self, i):
        return self._traced_name(self.first.args[i]) is not None

    def _traced_name(self, arg):
        """The ONNX name of a traced Tensor, or of a traced Tensor's array or detached copy passed as it is."""
        if isinstance(arg, np.ndarray):
            return self.b.data_names.get(memory_key(arg))
        name = self.b.names.get(id(arg))
        if name is None and isinstance(arg, Tensor):  # x.detach() shares x's memory: it is x's values
            name = self.b.data_names.get(memory_key(arg.data))
        return name

    def constant_changes(self, i):
        """True when input i is a constant whose value differs between the traces (it depends on the inputs)."""
        a, b = np.asarray(self.value(i)), np.asarray(self.value(i, second=True))
        return a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)

    def input(self, i, dtype=None):
        """The ONNX name of input i: a traced value, or a constant (cast to `dtype`, default the output's)."""
        if self.is_traced(i):
            name = self._traced_name(self.first.args[i])
            if name in self.b.windows and self.name != "Sum":
                raise self.fail("it reads sliding windows; only their sum (average pooling) is exported")
            return name
        if self.constant_changes(i):
            filled = self._filled(i, dtype)
            if filled is not None:
                return filled
            raise self.fail(f"its input {i} was computed from the model's inputs outside the traced ops "
                            "(a Python number, .numpy(), a comparison or an index computed in numpy) and would be "
                            "a constant in the file")
        value = np.asarray(self.value(i))
        if dtype is None and (value.dtype.kind == "f" or value.ndim == 0) and self.out.dtype.kind == "f":
            dtype = self.out.dtype
        return self.b.const(value.astype(dtype) if dtype is not None else value)

    def _filled(self, i, dtype):
        """Input i as Expand(value, shape) when it holds one value (zeros_like(x), an RNN's zero state) and
        only its size changed between the traces: each changed size is read from a traced input's shape."""
        a, a2 = np.asarray(self.value(i)), np.asarray(self.value(i, second=True))
        if a.ndim != a2.ndim or not a.size or not a2.size or not (a == a.flat[0]).all() or not (a2 == a.flat[0]).all():
            return None
        sizes = []
        for axis, (n, n2) in enumerate(zip(a.shape, a2.shape)):
            source = n if n == n2 else self.size_source(n, n2)
            if source is None:
                return None
            sizes.append(self.b.ints([source]) if isinstance(source, int) else source)
        fill = self.b.const(np.asarray(a.flat[0], dtype=dtype or (self.out.dtype if a.dtype.kind == "f" else a.dtype)))
        return self.b.node("Expand", [fill, self.b.node("Concat", sizes, axis=0)])

    def size_source(self, n, n2):
        """A node giving a size that is n in the first trace and n2 in the second: an axis of a traced input of
        this op, or else of a graph input. Refused when it fits two dynamic axes of the graph inputs."""
        fits = [(name, axis, symbols.get(axis, f"{name}_dim_{axis}")) for name, t1, t2, symbols in self.b.graph_inputs
                for axis, (m, m2) in enumerate(zip(t1.shape, t2.shape)) if (m, m2) == (n, n2) and m != m2]
        # axes given as a list (named {input}_dim_{axis}) are told apart by their position only
        if len({axis if symbol == f"{name}_dim_{axis}" else symbol for name, axis, symbol in fits}) > 1:
            raise self.fail(f"a size ({n}, then {n2}) fits two dynamic axes ({', '.join(s for *_, s in fits)}); "
                            "trace with example inputs whose dynamic sizes differ")
        for k in range(len(self)):
            if self.is_traced(k):
                shape, shape2 = np.shape(self.value(k)), np.shape(self.value(k, second=True))
                for axis, (m, m2) in enumerate(zip(shape, shape2)):
                    if (m, m2) == (n, n2):
                        return self._size_node(self._traced_name(self.first.args[k]), axis)
        return self._size_node(fits[0][0], fits[0][1]) if fits else None

    def _size_node(self, name, axis):
        return self.b.node("Gather", [self.b.node("Shape", [name]), self.b.ints([axis])], axis=0)

    def index_array(self, array, array2):
        """The ONNX name of an index array given as a param: the traced Tensor it came from, or a constant."""
        name = self.b.data_names.get(memory_key(array))
        if name is not None:
            return name
        if array.shape != array2.shape or not np.array_equal(array, array2):
            raise self.fail("its index was computed from the model's inputs outside the traced ops and would be a "
                            "constant in the file")
        return self.b.ints(array, "index")
