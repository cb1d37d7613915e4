"""Export a model or function to ONNX, shaped like `torch.onnx.export`; needs the optional `onnx` package.

The function runs twice in a tracing mode that records every primitive (whether or not anything
requires grad): once on `args`, once on inputs with other values and one more entry along each
dynamic axis. Each recorded op becomes ONNX nodes through its translation (translations.py).
A constant that differs between the runs was computed from the inputs outside the traced ops, so the
export fails naming the op instead of writing a file that computes something else. The engine never
imports this package.
"""
import contextlib
import os
import secrets

import numpy as np

try:
    import onnx
    from onnx import helper
except ImportError:
    raise ImportError("autograd_core.onnx needs the optional 'onnx' package: pip install -e \".[interop]\"") from None

from ..primitive import PRIMITIVES
from ..tensor import Tensor
from . import trace as tracing
from . import index_ops, layout_ops, math_ops, pool_ops, recurrent  # noqa: F401  (they register their translations)
from .builder import Builder, Op
from .trace import ExportError
from .translations import CANNOT_EXPORT, TRANSLATIONS

__all__ = ["export", "ExportError", "TRANSLATIONS", "CANNOT_EXPORT"]


def export(fn_or_module, args, path, input_names=None, output_names=None, dynamic_axes=None, opset_version=17):
    """Write `fn_or_module(*args)` as an ONNX model at `path`; returns the `onnx.ModelProto`.

    args: a Tensor/array or a tuple of them (the example inputs). A module is exported in eval mode,
    its parameters and buffers becoming initializers with their state_dict names.
    dynamic_axes: {input or output name: {axis: "symbol"} or [axes]}: sizes that may change at run time.
    A failed export raises (ExportError for an op it cannot write) and leaves no file behind.
    """
    args = args if isinstance(args, tuple) else (args,)
    arrays = [np.asarray(a.data if isinstance(a, Tensor) else a) for a in args]
    input_names = list(input_names or [f"input_{i}" for i in range(len(arrays))])
    if len(input_names) != len(arrays):
        raise ValueError(f"onnx.export: {len(input_names)} input_names for {len(arrays)} inputs")
    dynamic = _dynamic_axes(dynamic_axes or {}, input_names)
    axes = {input_names.index(k): v for k, v in dynamic.items() if k in input_names}
    with _eval_mode(fn_or_module):
        first = tracing.run(fn_or_module, arrays)
        second = tracing.run(fn_or_module, tracing.varied(arrays, axes))
        third = _third_trace(fn_or_module, arrays, axes)
    if not tracing.same_ops(first, second):
        raise ExportError("onnx.export: the traced function ran different ops for inputs of other values or sizes "
                          "(Python control flow on values or shapes); it cannot be one ONNX graph")
    if third is not None:
        tracing.check_sizes(first, second, third)
    model = _build(fn_or_module, first, second, input_names, output_names, dynamic, opset_version)
    onnx.checker.check_model(model, full_check=True)
    _write_atomically(model, os.fspath(path))
    return model


def _third_trace(fn, arrays, axes):
    """A trace two entries longer on each dynamic axis, to catch sizes the first two show as fixed; None when
    there are no dynamic axes or the function refuses that size (a GPT at its block size)."""
    if not any(axes.values()):
        return None
    try:
        return tracing.run(fn, tracing.varied(arrays, axes, grow=2))
    except (ValueError, RuntimeError, AssertionError, IndexError):
        return None


def _dynamic_axes(dynamic_axes, input_names):
    """{name: {axis: symbol}} from torch.onnx's forms (a dict per name, or a list of axes)."""
    result = {}
    for name, axes in dynamic_axes.items():
        if isinstance(axes, dict):
            result[name] = {int(a): str(s) for a, s in axes.items()}
        else:
            result[name] = {int(a): f"{name}_dim_{a}" for a in axes}
    return result


@contextlib.contextmanager
def _eval_mode(fn):
    """A module is traced in eval mode (dropout off, running statistics), as torch.onnx does by default."""
    training = getattr(fn, "training", None)
    if training is not None:
        fn.eval()
    try:
        yield
    finally:
        if training is not None:
            fn.train(training)


def _build(fn, first, second, input_names, output_names, dynamic, opset_version):
    b = Builder()
    output_names = list(output_names or [f"output_{i}" for i in range(len(first.outputs))])
    if len(output_names) != len(first.outputs):
        raise ValueError(f"onnx.export: {len(output_names)} output_names for {len(first.outputs)} outputs")
    for name in output_names:
        b.fresh(name)  # reserved: the graph's outputs keep exactly these names
    graph_inputs = []
    for name, t1, t2 in zip(input_names, first.inputs, second.inputs):
        b.fresh(name)
        b.bind((t1, t2), name)
        b.graph_inputs.append((name, t1, t2, dynamic.get(name, {})))
        dims = [dynamic.get(name, {}).get(a, size) for a, size in enumerate(t1.shape)]
        graph_inputs.append(helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(t1.data.dtype), dims))
    module_names = {}
    if callable(getattr(fn, "named_parameters", None)):
        for name, t in list(fn.named_parameters()) + list(fn.named_buffers()):
            b.fresh(name)
            b.bind((t,), name)
            b.initializers.append(onnx.numpy_helper.from_array(np.asarray(t.data), name))
        module_names = {id(m): name for name, m in fn.named_modules()}
    for c1, c2 in zip(first.calls, second.calls):
        name = c1.prim.name
        where = _where(c1.scope, module_names)
        if name not in TRANSLATIONS:
            why = CANNOT_EXPORT.get(name, "it has no ONNX translation yet")
            raise ExportError(f"onnx.export: cannot export {name}{where}: {why}")
        b.bind((c1.out, c2.out), TRANSLATIONS[name](b, Op(b, c1, c2, where)))
    outputs = _outputs(b, first, second, output_names, dynamic)
    graph = helper.make_graph(b.nodes, "autograd_core", graph_inputs, outputs, b.initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset_version)],
                             producer_name="autograd_core")


def _where(scope, module_names):
    """' (in module fc1, a Linear)' for an op recorded inside a module call, else ''."""
    if scope is None:
        return ""
    module = scope[0]
    return f" (in module {module_names.get(id(module), '?') or 'the root'}, a {type(module).__name__})"


def _outputs(b, first, second, names, dynamic):
    infos = []
    for name, t1, t2 in zip(names, first.outputs, second.outputs):
        if id(t1) not in b.names:
            raise ExportError(f"onnx.export: output {name!r} is not computed by traced ops (a constant, or computed "
                              "in numpy), so the file could not compute it")
        if b.names[id(t1)] in b.windows:
            raise ExportError(f"onnx.export: output {name!r} is a tensor of sliding windows, which has no ONNX form; "
                              "only their sum (average pooling) is exported")
        b.nodes.append(helper.make_node("Identity", [b.names[id(t1)]], [name]))
        dims = [dynamic.get(name, {}).get(a, size if size == s2 else None)
                for a, (size, s2) in enumerate(zip(t1.shape, t2.shape))]
        infos.append(helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(t1.data.dtype), dims))
    return infos


def _write_atomically(model, path):
    temporary = f"{path}.{secrets.token_hex(4)}.tmp"
    try:
        onnx.save(model, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def untranslated():
    """Registered primitives with neither a translation nor a reason they cannot be exported (should be none)."""
    return sorted(set(PRIMITIVES) - set(TRANSLATIONS) - set(CANNOT_EXPORT))
