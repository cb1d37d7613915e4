TITLE = "6. Recurrent networks: BPTT, vanishing gradients, LSTM and GRU"
CELLS = [
("md", """
Seed 001: a recurrent network applies h_t = Φ(U x_t + W h_{t−1}) at every step, and
backpropagation through time (BPTT) is ordinary backpropagation through the unrolled
loop. Our RNN layer is exactly that: a Python loop over time, and the engine's reverse
sweep does BPTT. nn.LSTM and nn.GRU run the same loop inside one fused primitive each
(`LSTMSequence`, `GRUSequence`, whose backward is BPTT written out), which is faster and
lighter; `fused=False` records them step by step and gives the same numbers.

**Convention note.** PyTorch (and this engine) write the GRU update as
h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}: z is the share of the old state that is kept. The
notes write h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃: their z is our 1 − z. The LSTM gates
follow PyTorch's order i, f, g, o.
"""),
("code", """
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
import nn
import optim
from autograd_cli import examples
"""),
("md", """
## Vanishing gradients over time

Feed a sequence of length 50 and measure ‖∂h_T/∂x_t‖ for every step t: how much the
last state still depends on an early input. Every curve falls exponentially as t moves
away from T: the gradient is multiplied by a Jacobian at each step. The plain RNN falls
fastest. The LSTM's cell state is updated additively (c_t = f c_{t−1} + i g), so its
gradient is scaled by the forget gate f alone; with the common forget-gate bias of 1
(Jozefowicz et al., 2015; PyTorch's default is a small random bias) f stays near 1
and the gradient carries much further.
"""),
("code", """
T = 50
x_seq = np.random.default_rng(0).standard_normal((T, 1, 8)).astype(np.float32)
def lstm_forget_bias_one():
    layer = nn.LSTM(8, 32)
    layer.bias_ih_l0.data[32:64] = 1.0
    layer.bias_hh_l0.data[32:64] = 0.0
    return layer

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
plt.xlabel("time step t"); plt.ylabel("|| d h_T / d x_t ||"); plt.legend(); plt.title("gradient reaching each input step")
plt.show()
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
plt.figure(figsize=(6, 3.5))
for kind, (losses, acc) in results.items():
    plt.plot(np.convolve(losses, np.ones(10) / 10, "valid"), label=f"{kind}: test accuracy {acc:.2f}")
plt.xlabel("iteration"); plt.ylabel("loss (moving average)"); plt.legend(); plt.show()
"""),
("md", """
All three reach about the same accuracy here, and the plain RNN even learns
fastest: with only 8 steps there is no long-range dependency for the gates to help
with, and the gated cells have four (LSTM) or three (GRU) times as many weights to
fit. Gates pay off on long sequences, where the plain RNN's gradient has vanished
(the plot above).
"""),
]
