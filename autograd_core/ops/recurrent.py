"""The recurrent equations, written once: one LSTM step and one GRU step, PyTorch's gate layout.

Each function takes the array namespace `xp` first: `autograd_core.ops` records the step
as engine ops (nn's cells, `fused=False` layers, and the composed form that create_graph
differentiates); `backend.numpy_ops` runs it on plain arrays (the forward of the fused
sequence primitives in `sequence.py`). The LSTM's cell candidate, which PyTorch calls g, is
`cand` here: `g` is always a cotangent.
"""


def blocks(a, count):
    """The `count` equal blocks of a's last axis, as views: the gates in PyTorch's order (np.split is 10x slower)."""
    hidden = a.shape[-1] // count
    return tuple(a[..., k * hidden:(k + 1) * hidden] for k in range(count))


def lstm_gates(xp, z):
    """(i, f, cand, o) = (σ, σ, tanh, σ) of the pre-activations z = W_ih x + b + W_hh h, (N, 4H) in that order."""
    hidden = z.shape[-1] // 4
    i_f = xp.sigmoid(z[:, :2 * hidden])  # one call for both: half the per-op overhead
    return i_f[:, :hidden], i_f[:, hidden:], xp.tanh(z[:, 2 * hidden:3 * hidden]), xp.sigmoid(z[:, 3 * hidden:])


def lstm_state(xp, gates, c):
    """(h', c', tanh(c')) from the gate activations and the cell state: c' = f c + i cand, h' = o tanh(c').

    tanh(c') too, because the fused backward needs it and tanh is the dearest op of the step.
    """
    i, f, cand, o = gates
    c = f * c + i * cand
    tanh_c = xp.tanh(c)
    return o * tanh_c, c, tanh_c


def lstm_step(xp, z, c):
    """One LSTM step after the matmuls: (h', c') from the pre-activations z (N, 4H) and c (N, H)."""
    h, c, _ = lstm_state(xp, lstm_gates(xp, z), c)
    return h, c


def gru_gates(xp, x_part, h_part):
    """(r, z, n) from x_part = W_ih x + b_ih and h_part = W_hh h + b_hh, (N, 3H) in that order:
    r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r h_n)."""
    hidden = h_part.shape[-1] // 3
    r_z = xp.sigmoid(x_part[:, :2 * hidden] + h_part[:, :2 * hidden])  # one call for both
    r, z = r_z[:, :hidden], r_z[:, hidden:]
    return r, z, xp.tanh(x_part[:, 2 * hidden:] + r * h_part[:, 2 * hidden:])


def gru_state(gates, h):
    """h' = (1 - z) n + z h: z is the share of the old state kept."""
    r, z, n = gates
    return n + z * (h - n)  # the same, in three operations, as PyTorch computes it


def gru_step(xp, x_part, h_part, h):
    """One GRU step after the matmuls: h' from x_part, h_part (N, 3H) and h (N, H)."""
    return gru_state(gru_gates(xp, x_part, h_part), h)
