"""LSTMSequence and GRUSequence as ONNX Scan loops whose body is one step of the recurrence.

ONNX's own LSTM op returns only the last cell state, and our LSTMSequence returns every step's
(h, c); a Scan over the time axis returns both for every step, with any batch size or sequence length.
The body reads the weights from the outer graph.
"""
from onnx import helper

from .translations import translates


def _body(b, name, state_names, x_name, build_step, dtype):
    """A Scan body graph: state inputs and x_t in; the new states and one scan output out."""
    saved, b.nodes = b.nodes, []
    states = [b.fresh(f"{name}_{s}_prev") for s in state_names]
    x_t = b.fresh(f"{name}_x_t")
    new_states, step_out = build_step(states, x_t)
    scan_out = b.node("Identity", [step_out], hint=f"{name}_y_t")
    nodes, b.nodes = b.nodes, saved
    value = lambda n: helper.make_tensor_value_info(n, dtype, None)  # noqa: E731  (shapes come from the outer graph)
    return helper.make_graph(nodes, name, [value(n) for n in states + [x_t]],
                             [value(n) for n in new_states + [scan_out]])


def _projection(b, x, weight_t, bias):
    out = b.node("MatMul", [x, weight_t])
    return out if bias is None else b.node("Add", [out, bias])


@translates("LSTMSequence")
def _lstm_sequence(b, op):
    """out[t] = [h_t | c_t]; gates in PyTorch's order (i, f, g, o), as the primitive keeps them."""
    hidden = op.value(2).shape[1]
    dtype = helper.np_dtype_to_tensor_dtype(op.out.dtype)
    w_ih_t = b.node("Transpose", [op.input(1)], perm=[1, 0])
    w_hh_t = b.node("Transpose", [op.input(2)], perm=[1, 0])
    bias = op.input(3) if op.value(3) is not None else None
    sizes = b.ints([hidden] * 4)

    def step(states, x_t):
        h, c = states
        z = b.node("Add", [_projection(b, x_t, w_ih_t, bias), b.node("MatMul", [h, w_hh_t])])
        zi, zf, zg, zo = b.node("Split", [z, sizes], axis=1, outputs=4)
        i, f, o = (b.node("Sigmoid", [part]) for part in (zi, zf, zo))
        c_new = b.node("Add", [b.node("Mul", [f, c]), b.node("Mul", [i, b.node("Tanh", [zg])])])
        h_new = b.node("Mul", [o, b.node("Tanh", [c_new])])
        return [h_new, c_new], b.node("Concat", [h_new, c_new], axis=1)

    body = _body(b, b.fresh("lstm_step"), ["h", "c"], "x", step, dtype)
    outputs = b.node("Scan", [op.input(4), op.input(5), op.input(0)], outputs=3, body=body, num_scan_inputs=1)
    return outputs[2]


@translates("GRUSequence")
def _gru_sequence(b, op):
    """out[t] = h_t = n + z (h - n), with r, z, n in PyTorch's order and convention."""
    hidden = op.value(2).shape[1]
    dtype = helper.np_dtype_to_tensor_dtype(op.out.dtype)
    w_ih_t = b.node("Transpose", [op.input(1)], perm=[1, 0])
    w_hh_t = b.node("Transpose", [op.input(2)], perm=[1, 0])
    b_ih, b_hh = (op.input(k) if op.value(k) is not None else None for k in (3, 4))
    sizes = b.ints([hidden] * 3)

    def step(states, x_t):
        (h,) = states
        xr, xz, xn = b.node("Split", [_projection(b, x_t, w_ih_t, b_ih), sizes], axis=1, outputs=3)
        hr, hz, hn = b.node("Split", [_projection(b, h, w_hh_t, b_hh), sizes], axis=1, outputs=3)
        r = b.node("Sigmoid", [b.node("Add", [xr, hr])])
        z = b.node("Sigmoid", [b.node("Add", [xz, hz])])
        n = b.node("Tanh", [b.node("Add", [xn, b.node("Mul", [r, hn])])])
        h_new = b.node("Add", [n, b.node("Mul", [z, b.node("Sub", [h, n])])])
        return [h_new], h_new

    body = _body(b, b.fresh("gru_step"), ["h"], "x", step, dtype)
    outputs = b.node("Scan", [op.input(5), op.input(0)], outputs=2, body=body, num_scan_inputs=1)
    return outputs[1]
