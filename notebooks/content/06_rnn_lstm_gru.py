TITLE = "6. Recurrent networks: BPTT, vanishing gradients, LSTM and GRU"
CELLS = [
("md", """
Seed 001: a recurrent network applies h_t = Φ(U x_t + W h_{t−1}) at every step, and
backpropagation through time (BPTT) is ordinary backpropagation through the unrolled
loop. Our RNN layer is exactly that: a Python loop over time, and the engine's reverse
sweep does BPTT. nn.LSTM and nn.GRU run the same loop inside one fused primitive each
(`LSTMSequence`, `GRUSequence`, whose backward is BPTT written out), so the recurrence
over the whole sequence is one node of the graph (the LSTM adds a bias sum before it and
a slice after it: 3 nodes); `fused=False` records them step by step, about 15 nodes per
step, and gives the same numbers (both counted below).

**Convention note.** PyTorch (and this engine) write the GRU update as
h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}: z is the share of the old state that is kept. The
notes write h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃: their z is our 1 − z (computed below, in
"The notes' GRU, computed"). The LSTM gates
follow PyTorch's order i, f, g, o.
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import optim
from autograd_cli import examples
ag.tune_allocator();  # keep each training step's freed memory for the next (README: Speed tips); ';' hides its True

from autograd_core.graph import op_name, parents, topological_order
def count_ops(root):
    '''Op nodes (non-leaves) in the graph that produced `root`, counted by walking it.'''
    return sum(1 for node in topological_order(root, parents) if op_name(node))

check_x = np.random.default_rng(9).standard_normal((6, 2, 3))
for kind in ("LSTM", "GRU"):
    results, nodes = [], []
    for fused in (True, False):
        nn.init.manual_seed(0)
        layer = getattr(nn, kind)(3, 4, fused=fused).to(np.float64)
        x = ag.tensor(check_x, requires_grad=True)
        out, _ = layer(x)
        nodes.append(count_ops(out))
        out.sum().backward()
        results.append((out.data, x.grad.data, layer.weight_hh_l0.grad.data))
    print(f"nn.{kind}, 6 steps: op nodes recorded, fused {nodes[0]}, step by step {nodes[1]};  "
          f"same outputs and gradients: {all(np.allclose(a, b) for a, b in zip(*results))}")
"""),
("md", """
## Vanishing gradients over time

Feed a sequence of length 50 and measure, for every step t, the norm of the gradient
of Σ h_T (the sum of the last state's units) with respect to the input x_t: how much
the last state still depends on an early input. Every curve falls exponentially as t moves
away from T: the gradient is multiplied by a Jacobian at each step. The plain RNN falls
fastest. The LSTM's cell state is updated additively (c_t = f c_{t−1} + i g), so its
gradient is scaled by the forget gate f alone. PyTorch's default biases are small and
random, so f starts near σ(0) = 0.5; the common forget-gate bias of 1 (Jozefowicz et
al., 2015) raises it, and the cell printed below measures by how much: the mean of f
over all units and steps of this sequence, for both LSTMs.
"""),
("code", """
T = 50
x_seq = np.random.default_rng(0).standard_normal((T, 1, 8)).astype(np.float32)
def lstm_forget_bias_one():
    layer = nn.LSTM(8, 32)
    layer.bias_ih_l0.data[32:64] = 1.0
    layer.bias_hh_l0.data[32:64] = 0.0
    return layer

def forget_gate_mean(layer, out):
    '''Mean of f_t = σ(W_if x_t + b_if + W_hf h_(t-1) + b_hf) over all steps and units (rows 32:64 are f).'''
    h_prev = np.concatenate([np.zeros((1, 1, 32)), out.data[:-1]])
    f = slice(32, 64)
    pre = (x_seq @ layer.weight_ih_l0.data[f].T + layer.bias_ih_l0.data[f]
           + h_prev @ layer.weight_hh_l0.data[f].T + layer.bias_hh_l0.data[f])
    return (1 / (1 + np.exp(-pre))).mean()

plt.figure(figsize=(6, 3.5))
for name, make in [("RNN (tanh)", lambda: nn.RNN(8, 32)), ("LSTM", lambda: nn.LSTM(8, 32)),
                   ("LSTM, forget bias 1", lstm_forget_bias_one), ("GRU", lambda: nn.GRU(8, 32))]:
    nn.init.manual_seed(0)
    layer = make()
    x = ag.tensor(x_seq, requires_grad=True)
    out, _ = layer(x)
    out[-1].sum().backward()
    norms = np.linalg.norm(x.grad.data.reshape(T, -1), axis=1)
    plt.semilogy(range(T), norms + 1e-30, label=name)
    if name.startswith("LSTM"):
        print(f"{name:20}: mean forget gate {forget_gate_mean(layer, out):.2f};  gradient norm at t = 0: {norms[0]:.1e}")
plt.xlabel("time step t"); plt.ylabel("‖∂(Σ h_T) / ∂x_t‖ (log scale)"); plt.legend(); plt.title("gradient reaching each input step")
plt.show()
"""),
("md", """
The bias of 1 lifts the mean forget gate only part of the way to 1 (see the printed
means), yet that is enough: the gradient reaching step 0 is many orders of magnitude
larger than with the default bias: along the cell state it is multiplied by f once per
step, and a mean factor of 0.73 instead of 0.50 compounds over 50 steps.
"""),
("md", """
## BPTT is a product of Jacobians

Seed 001 writes the gradient through time as
∂E_t/∂W = Σ_i ∂E_t/∂O_t · ∂O_t/∂h_t · (∏_{j=i+1..t} ∂h_j/∂h_{j−1}) · ∂h_i/∂W.
The product in the middle is what vanishes or explodes. For h_j = tanh(W_x x_j + W_h h_{j−1} + b)
each factor is diag(1 − h_j²) W_h. The engine computes each factor with `jacrev`, and
their product must equal the Jacobian of the whole unrolled map h_0 ↦ h_T.
"""),
("code", """
H, STEPS = 6, 12
rng = np.random.default_rng(1)
W_x, b = rng.standard_normal((H, 3)) * 0.5, rng.standard_normal(H) * 0.1
xs = rng.standard_normal((STEPS, 3))

def step(h, x, W_h):
    return (ag.tensor(W_x) @ ag.tensor(x) + ag.tensor(W_h) @ h + ag.tensor(b)).tanh()

def unrolled(h0, W_h):
    h = h0
    for x in xs:
        h = step(h, x, W_h)
    return h

def jacobian_product(h0, W_h):
    '''The product of the per-step Jacobians dh_j/dh_(j-1), each from jacrev, last step leftmost.'''
    product, h = np.eye(H), ag.tensor(h0)
    for x in xs:
        product = ag.jacrev(lambda h: step(h, x, W_h))(h.data) @ product
        h = step(h, x, W_h)
    return product

h0 = rng.standard_normal(H)
for scale in (0.5, 1.0, 3.0):
    W_h = scale * np.linalg.qr(rng.standard_normal((H, H)))[0]
    whole = ag.jacrev(lambda h: unrolled(h, W_h))(h0)
    print(f"W_h = {scale} x orthogonal: product of {STEPS} Jacobians equals jacrev of the unrolled map: "
          f"{np.allclose(jacobian_product(h0, W_h), whole)};  norm of dh_T/dh_0 = {np.linalg.norm(whole):.3g}, "
          f"of W_h^{STEPS} alone (no tanh) {np.linalg.norm(np.linalg.matrix_power(W_h, STEPS)):.3g}")
"""),
("md", """
With W_h = 0.5 × orthogonal every factor shrinks the gradient and the product
vanishes; at 3 × it grows. For tanh the growth is limited: a large W_h saturates the
units and 1 − h_j² pulls the factors back down, so the Jacobian's norm stays far below
that of W_h^12 alone (the last column). A ReLU recurrence has no such brake,
and the next section shows its gradient exploding.

## Exploding gradients and gradient clipping

A ReLU RNN whose recurrent matrix is 1.6 times an orthogonal matrix, reading 40 steps
(in float64, so the runs below print the same digits on any machine). The gradient of
the first step is moderate (its norm is printed below), after that one SGD step the
loss and the gradient norm at step 2 have grown by orders of magnitude, and the step
after that overflows. Clipping rescales the whole gradient to norm at
most `max_norm` when it is larger, keeping its direction:
g ← g · min(1, max_norm / ‖g‖). `nn.utils.clip_grad_norm_(params, max_norm)` does that
to every parameter's gradient in place, between `backward()` and the optimizer step,
and returns the joint norm it found (before clipping).
"""),
("code", """
SEQ = 40
data_rng = np.random.default_rng(0)
X_seq = data_rng.standard_normal((SEQ, 64, 4))
Y_sum = 0.1 * X_seq[:, :, :1].sum(axis=0)

def grad_norm(params):
    return float(np.sqrt(sum((p.grad.data.astype(np.float64) ** 2).sum() for p in params)))

def train_relu_rnn(max_norm, steps=60):
    nn.init.manual_seed(0)
    rnn, head = nn.RNN(4, 32, nonlinearity="relu").to(np.float64), nn.Linear(32, 1).to(np.float64)
    u, _, vt = np.linalg.svd(np.random.default_rng(1).standard_normal((32, 32)))
    rnn.weight_hh_l0.data[:] = 1.6 * u @ vt
    params = list(rnn.parameters()) + list(head.parameters())
    opt = optim.SGD(params, lr=0.05)
    losses, norms = [], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            out, _ = rnn(ag.tensor(X_seq))
            loss = nn.functional.mse_loss(head(out[-1]), Y_sum)
            losses.append(loss.item())
            if not np.isfinite(loss.item()):
                break
            opt.zero_grad(); loss.backward()
            norms.append(nn.utils.clip_grad_norm_(params, max_norm).item() if max_norm else grad_norm(params))
            opt.step()
    return losses, norms

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for label, max_norm in (("no clipping", None), ("clipped to norm 1", 1.0)):
    losses, norms = train_relu_rnn(max_norm)
    finite = [l for l in losses if np.isfinite(l)]
    axes[0].semilogy(range(1, len(finite) + 1), finite, "o-", markersize=3, label=label)
    axes[1].semilogy(range(1, len(norms) + 1), norms, "o-", markersize=3, label=label)
    print(f"{label:18}: {len(finite)} finite steps; loss at steps 1, 2, 3: {losses[0]:.3g}, {losses[1]:.3g}, {losses[2]:.3g}; "
          f"gradient norm at steps 1, 2: {norms[0]:.3g}, {norms[1]:.3g}; last finite loss {finite[-1]:.3g}")
axes[0].set(xlabel="SGD step", ylabel="training loss (log scale)", title="loss")
axes[1].set(xlabel="SGD step", ylabel="gradient norm before clipping (log scale)", title="gradient norm")
for ax in axes:
    ax.legend()
plt.show()
"""),
("md", """
Without clipping the run stops at step 3, when the loss overflows to infinity (the
printed inf); with
clipping the same network trains, because no single step can be larger
than `lr · max_norm`.

## LSTM and GRU, one step written out

PyTorch's (and this engine's) LSTM step, with σ the sigmoid and ⊙ the elementwise
product; the four gates come from one matrix product each for x and h, stacked in the
order i, f, g, o:

- i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(W_if x + b_if + W_hf h + b_hf)
- g = tanh(W_ig x + b_ig + W_hg h + b_hg), o = σ(W_io x + b_io + W_ho h + b_ho)
- c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')

The notes' table writes the same equations with W_x·, W_h· and one bias per gate.
The GRU step, gates r, z, n:

- r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz)
- n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
- h' = (1 − z) ⊙ n + z ⊙ h

The notes write h' = (1 − z) ⊙ h + z ⊙ h̃: **their z is our 1 − z** (PyTorch's z is
the share of the old state that is kept, theirs the share of the new candidate), and
their reset gate multiplies h before the matrix product, ours after it. Below, these
equations are written with engine ops from the cells' own weights and compared with
`nn.LSTMCell` and `nn.GRUCell`; `gradcheck` then compares both cells' derivatives
(reverse and forward mode) with finite differences.
"""),
("code", """
import nn.functional as F
nn.init.manual_seed(0)
IN, HID = 3, 4
lstm_cell, gru_cell = nn.LSTMCell(IN, HID).to(np.float64), nn.GRUCell(IN, HID).to(np.float64)  # gradcheck wants float64
rng = np.random.default_rng(2)
x, h, c = (ag.tensor(rng.standard_normal((2, n))) for n in (IN, HID, HID))

def gate_inputs(cell, x, h, gates):
    '''W_i* x + b_i* + W_h* h + b_h* for each gate, cut from the cell's stacked weights.'''
    rows = [slice(k * HID, (k + 1) * HID) for k in range(gates)]
    return ([F.linear(x, cell.weight_ih[r], cell.bias_ih[r]) for r in rows],
            [F.linear(h, cell.weight_hh[r], cell.bias_hh[r]) for r in rows])

def lstm_by_hand(cell, x, h, c):
    gx, gh = gate_inputs(cell, x, h, 4)
    i, f, g, o = (a + b for a, b in zip(gx, gh))
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_new.tanh(), c_new

def gru_by_hand(cell, x, h):
    gx, gh = gate_inputs(cell, x, h, 3)
    r, z = (gx[0] + gh[0]).sigmoid(), (gx[1] + gh[1]).sigmoid()
    n = (gx[2] + r * gh[2]).tanh()
    return (1 - z) * n + z * h

h_cell, c_cell = lstm_cell(x, (h, c))
h_hand, c_hand = lstm_by_hand(lstm_cell, x, h, c)
print("LSTM: h' and c' by the equations equal nn.LSTMCell:",
      np.allclose(h_cell.data, h_hand.data), np.allclose(c_cell.data, c_hand.data))
print("GRU:  h' by the equations equals nn.GRUCell:       ", np.allclose(gru_cell(x, h).data, gru_by_hand(gru_cell, x, h).data))
print("gradcheck nn.LSTMCell (x, h, c):", ag.gradcheck(lambda x, h, c: ag.cat(list(lstm_cell(x, (h, c))), 1), (x, h, c)))
print("gradcheck nn.GRUCell (x, h):    ", ag.gradcheck(lambda x, h: gru_cell(x, h), (x, h)))
"""),
("md", """
## The notes' GRU, computed

The notes (seed 001) write
z = σ(W_z x + U_z h + b_z), r = σ(W_r x + U_r h + b_r),
h' = (1 − z) ⊙ h + z ⊙ tanh(W_h x + U_r (r ⊙ h) + b_h).
The U_r inside the tanh, the reset gate's own matrix next to the candidate's W_h and
b_h, is a slip for the candidate's own matrix U_h: every GRU (Cho et al., 2014, and
PyTorch's, whose candidate uses W_hn, as the cell above checks) gives the candidate
its own recurrent weights. Below these equations are coded with U_h and fed weights
cut from `gru_cell`. Taking
their z to be PyTorch's 1 − z means W_z = −W_iz, U_z = −W_hz, b_z = −(b_iz + b_hz),
since σ(−a) = 1 − σ(a). Their reset gate multiplies h before U_h; PyTorch's multiplies
W_hn h + b_hn after the product. The two placements agree when U_h is diagonal and
b_hn = 0, so the comparison is made on a copy of the cell with such a W_hn, and then on
the cell itself to show what the placement alone changes.
"""),
("code", """
def gru_notes(x, h, W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h):
    '''Seed 001's GRU step, as printed in the notes.'''
    z = (x @ W_z.T + h @ U_z.T + b_z).sigmoid()
    r = (x @ W_r.T + h @ U_r.T + b_r).sigmoid()
    candidate = (x @ W_h.T + (r * h) @ U_h.T + b_h).tanh()
    return (1 - z) * h + z * candidate

def notes_weights(cell, z_sign):
    '''The notes' nine weights from a GRUCell; z_sign = -1 makes the notes' z equal PyTorch's 1 - z.'''
    W, U, bi, bh = cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
    r_, z_, n_ = (slice(k * HID, (k + 1) * HID) for k in range(3))
    return (z_sign * W[z_], z_sign * U[z_], z_sign * (bi[z_] + bh[z_]),
            W[r_], U[r_], bi[r_] + bh[r_], W[n_], U[n_], bi[n_] + bh[n_])

diag_cell = nn.GRUCell(IN, HID).to(np.float64)
diag_cell.load_state_dict(gru_cell.state_dict())
diag_cell.weight_hh.data[2 * HID:] = np.diag(np.diag(gru_cell.weight_hh.data[2 * HID:]))
diag_cell.bias_hh.data[2 * HID:] = 0.0
for label, cell, z_sign in [("diagonal W_hn, b_hn = 0, notes' z = 1 - z", diag_cell, -1),
                            ("diagonal W_hn, b_hn = 0, notes' z = z    ", diag_cell, +1),
                            ("gru_cell itself,        notes' z = 1 - z", gru_cell, -1)]:
    gap = np.abs(gru_notes(x, h, *notes_weights(cell, z_sign)).data - cell(x, h).data).max()
    print(f"{label}: max |notes - nn.GRUCell| = {f'{gap:.1e}' if gap > 1e-12 else 'below 1e-12'}  equal: {np.allclose(gap, 0)}")

W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h = notes_weights(gru_cell, -1)
z_one = gru_notes(x, h, W_z, U_z, b_z + 50.0, W_r, U_r, b_r, W_h, U_h, b_h)   # b_z + 50 drives the notes' z to 1
r = (x @ W_r.T + h @ U_r.T + b_r).sigmoid()
candidate = (x @ W_h.T + (r * h) @ U_h.T + b_h).tanh()
print("notes' formula with z -> 1:  h' equals the old h:", np.allclose(z_one.data, h.data),
      "  h' equals the candidate:", np.allclose(z_one.data, candidate.data))
kept_cell = nn.GRUCell(IN, HID).to(np.float64)
kept_cell.load_state_dict(gru_cell.state_dict())
kept_cell.bias_ih.data[HID:2 * HID] += 50.0   # drives PyTorch's z to 1
print("nn.GRUCell with z -> 1:      h' equals the old h:", np.allclose(kept_cell(x, h).data, h.data))
"""),
("md", """
With z → 1 − z (and a reset placement that cannot differ) the notes' equations give
nn.GRUCell's output to rounding; with their z taken as PyTorch's z they do not, and on
the full cell the reset placement alone makes a difference of the size printed on the
third line. The last two lines check a sentence of the notes: "the larger the update gate,
the more of the previous state is kept" (更新门的值越大，说明前一时刻的状态信息保留越多). That
is true of PyTorch's z (z → 1 keeps h) and false of the notes' own formula, where
z → 1 discards h.
"""),
("md", """
## Shapes: many-to-one, many-to-many, and the summed sequence loss

`nn.RNN` reads a (T, N, features) sequence and returns two things: `out`, the hidden
state at every step, (T, N, H), and `h_n`, the last state, (layers, N, H). A
**many-to-one** model (one label per sequence, like the digit reader below) puts its
head on the last state; a **many-to-many** model (one label per step, like tagging each
word) puts the same head on every step. (The notes' many-to-many picture is the other
kind, encoder–decoder: the last state of one RNN starts a second RNN that writes the
outputs; their part-of-speech example, one output O_t per word, is the kind used here.)
Its loss is the sum of the per-step losses, L = Σ_t L_t (the notes write
E = ½ Σ_t E_t; the ½ halves every gradient and changes nothing else), and since the gradient is linear, ∂L/∂W = Σ_t ∂L_t/∂W: the engine's one
backward pass through L must equal the sum of T separate backward passes.
"""),
("code", """
T_, N_, IN_, H_, CLASSES = 5, 3, 4, 6, 2
nn.init.manual_seed(0)
rnn, head = nn.RNN(IN_, H_).to(np.float64), nn.Linear(H_, CLASSES).to(np.float64)
seq_rng = np.random.default_rng(3)
xs_ = ag.tensor(seq_rng.standard_normal((T_, N_, IN_)))
labels = seq_rng.integers(0, CLASSES, (T_, N_))
out, h_n = rnn(xs_)
print("input", xs_.shape, "-> out", out.shape, " h_n", h_n.shape, "  out[-1] equals h_n[0]:", np.allclose(out[-1].data, h_n[0].data))
print("many-to-one logits:", head(out[-1]).shape, "   many-to-many logits:", head(out).shape)

def step_losses():
    out, _ = rnn(xs_)
    return [F.cross_entropy(head(out[t]), labels[t], reduction="sum") for t in range(T_)]

params = list(rnn.parameters()) + list(head.parameters())
rnn.zero_grad(); head.zero_grad()
sum(step_losses()).backward()
summed = [p.grad.data.copy() for p in params]
per_step = [np.zeros_like(g) for g in summed]
for t in range(T_):
    rnn.zero_grad(); head.zero_grad()
    step_losses()[t].backward()
    per_step = [acc + p.grad.data for acc, p in zip(per_step, params)]
print("gradient of the summed loss equals the sum of the", T_, "per-step gradients, for every parameter:",
      all(np.allclose(a, b) for a, b in zip(summed, per_step)))
"""),
("md", """
## Reading digits row by row

Each 8x8 digit becomes a sequence of 8 rows of 8 pixels; the network reads the rows
in order and classifies from its last hidden state.
"""),
("code", """
x_train, y_train, x_test, y_test, source = examples.load_digits()
results = {}
for kind in ("RNN", "LSTM", "GRU"):
    nn.init.manual_seed(0)
    class Reader(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(8, 32, batch_first=True)
            self.head = nn.Linear(32, 10)
        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1])
    model = Reader()
    opt = optim.Adam(model.parameters(), lr=0.01)
    loader = nn.data.DataLoader((x_train, y_train), batch_size=64, shuffle=True, seed=0)
    losses = []
    for epoch in range(6):
        for xb, yb in loader:
            loss = nn.functional.cross_entropy(model(ag.tensor(xb)), yb)
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.item())
    with ag.no_grad():
        acc = (model(ag.tensor(x_test)).data.argmax(1) == y_test).mean()
    results[kind] = (losses, acc)
    print(f"{kind:4}: recurrent layer {model.rnn.num_parameters():5,} parameters,  test accuracy {acc:.2f}")
plt.figure(figsize=(6, 3.5))
for kind, (losses, acc) in results.items():
    plt.plot(np.convolve(losses, np.ones(10) / 10, "valid"), label=f"{kind}: test accuracy {acc:.2f}")
plt.xlabel("iteration (batch of 64)"); plt.ylabel("training loss (moving average of 10)")
plt.title("reading 8x8 digits row by row"); plt.legend(); plt.show()
"""),
("md", """
All three reach about the same accuracy here, and the plain RNN even learns
fastest: with only 8 steps there is no long-range dependency for the gates to help
with, and the gated cells have four (LSTM) or three (GRU) times as many weights to
fit (the printed counts). Gates are meant for long sequences, where the plain RNN's
gradient vanishes first (the first plot of this notebook); this 8-step task does not
test that.
"""),
]
CELLS += [
("md", """
## Exercises

**Exercise 1.** How many parameters do `nn.LSTM(8, 32)` and `nn.GRU(8, 32)` have? Each
gate has an input weight (H × input), a recurrent weight (H × H) and two biases (H
each); the LSTM has 4 gates, the GRU 3. Write `lstm_count` and `gru_count`.
"""),
("code", """
# Solution (try it yourself before reading on)
per_gate = 32 * 8 + 32 * 32 + 2 * 32
lstm_count, gru_count = 4 * per_gate, 3 * per_gate
print(lstm_count, gru_count)
"""),
("code", """
assert lstm_count == nn.LSTM(8, 32).num_parameters() and gru_count == nn.GRU(8, 32).num_parameters()
print("correct")
"""),
("md", """
**Exercise 2.** Write one step of `nn.RNNCell` (tanh) by hand: a function
`rnn_step(cell, x, h)` returning tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), with engine ops.
"""),
("code", """
# Solution (try it yourself before reading on)
def rnn_step(cell, x, h):
    return (x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh).tanh()
"""),
("code", """
nn.init.manual_seed(5)
cell = nn.RNNCell(3, 4).to(np.float64)
x_, h_ = ag.tensor(np.random.default_rng(5).standard_normal((2, 3))), ag.tensor(np.random.default_rng(6).standard_normal((2, 4)))
assert np.allclose(rnn_step(cell, x_, h_).data, cell(x_, h_).data)
print("correct")
"""),
("md", """
**Exercise 3.** A gradient g = (3, 4) is clipped to norm 1 with
g ← g · min(1, max_norm / ‖g‖). Write the clipped gradient `clipped` as an array.
"""),
("code", """
# Solution (try it yourself before reading on)
g = np.array([3.0, 4.0])
clipped = g * min(1.0, 1.0 / np.linalg.norm(g))
print(clipped)
"""),
("code", """
p = ag.tensor(np.zeros(2), requires_grad=True)
p.grad = ag.tensor(np.array([3.0, 4.0]))
nn.utils.clip_grad_norm_([p], 1.0)
assert np.allclose(clipped, p.grad.data)
print("correct")
"""),
]
