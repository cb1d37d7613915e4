"""Run a function once while recording every primitive it calls, whether or not anything requires grad.

The exporter traces twice: once on the user's inputs and once on inputs with other values (and other
sizes along the dynamic axes). Whatever differs between the two runs depends on the inputs: a tensor
the graph computes, or, if it reached an op as a constant, a value the file must not bake in.
"""
from dataclasses import dataclass, field

import numpy as np

from ..grad_mode import no_grad, observe
from ..inplace import version
from ..tensor import Tensor, shared_tensor
from ..tracing import Recorder


class ExportError(RuntimeError):
    """What the exporter cannot write as ONNX that computes the same thing; no file is written."""


@dataclass
class Trace:
    """What one run of the traced function did: its inputs, its calls in order, and its outputs."""

    inputs: list
    calls: list = field(default_factory=list)
    outputs: list = field(default_factory=list)


def run(fn, arrays):
    """Trace `fn` on Tensors made from `arrays`; its outputs are flattened from a Tensor or nested tuples or lists."""
    inputs = [shared_tensor(np.array(a, copy=True)) for a in arrays]
    trace = Trace(inputs)
    versions = [version(t.data) for t in inputs]
    recorder = Recorder()
    with no_grad(), observe(recorder):
        result = fn(*inputs)
    trace.calls = recorder.calls
    _refuse_inplace_changes(trace, versions, recorder)
    outputs = _flatten(result)
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"onnx.export: output {i} of the traced function is a {type(out).__name__}, "
                            "not a Tensor")
    trace.outputs = outputs
    return trace


def _flatten(result):
    """The outputs in order, from a Tensor or (nested) tuples and lists of them (an LSTM's (out, (h, c))); a None
    (the GPT's loss without targets) is left out, as torch.onnx does."""
    outputs, pending = [], [result]
    while pending:
        item = pending.pop()
        if isinstance(item, (tuple, list)):
            pending.extend(reversed(item))
        elif item is not None:
            outputs.append(item)
    return outputs


def same_ops(first, second):
    """Whether two traces ran the same primitives in the same order."""
    return len(first.calls) == len(second.calls) and all(c.prim.name == d.prim.name
                                                         for c, d in zip(first.calls, second.calls))


def check_sizes(first, second, third):
    """Refuse a size that the first two traces show as fixed but a third (two more entries on each dynamic
    axis) shows changing: it follows a dynamic axis by a floor division (a stride, a pooling window)."""
    if not same_ops(first, third):
        raise ExportError("onnx.export: the traced function ran different ops for inputs two entries longer on "
                          "the dynamic axes (Python control flow on shapes); it cannot be one ONNX graph")
    for c1, c2, c3 in zip(first.calls, second.calls, third.calls):
        shapes = [np.shape(c.out.data) for c in (c1, c2, c3)]
        if any(n1 == n2 != n3 for n1, n2, n3 in zip(*shapes)):
            raise ExportError(f"onnx.export: the output of {c1.prim.name} has a size that follows a dynamic axis "
                              f"but did not change between the first two traces ({shapes[0]}, {shapes[1]}, then "
                              f"{shapes[2]}: a stride or pooling window); trace with example sizes where one "
                              "more entry changes it")


def _refuse_inplace_changes(trace, versions, recorder):
    """An in-place change (x[i] = v, +=, copy_) of a traced value is not in the recorded ops: refuse it."""
    for i, (t, count) in enumerate(zip(trace.inputs, versions)):
        if version(t.data) != count:
            raise ExportError(f"onnx.export: input {i} was changed in place during the traced call; "
                              "in-place changes are not exported (write the function out of place)")
    call = recorder.changed_in_place()
    if call is not None:
        where = "" if call.scope is None else f" (in a {type(call.scope[0]).__name__})"
        raise ExportError(f"onnx.export: the output of {call.prim.name}{where} was changed in place (x[i] = v, "
                          "+=, copy_ ...); in-place changes are not exported (write the function out of place)")


def varied(arrays, dynamic, grow=1):
    """Inputs for another trace: other values of the same kind, `grow` more entries along each dynamic axis.

    Floats move by a small relative amount (signs and domains stay); integers (token ids, class
    indices) are rolled, so they stay valid indices; booleans are rolled too.
    """
    rng = np.random.default_rng(12345)
    result = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        for axis in sorted(dynamic.get(i, ())):
            a = np.concatenate([a, np.take(a, [0] * grow, axis=axis)], axis=axis)
        if np.issubdtype(a.dtype, np.floating):
            a = a * (1 + 0.25 * rng.uniform(0.1, 1, a.shape)).astype(a.dtype)
        elif a.size:
            a = np.roll(a, 1)
        result.append(a)
    return result
