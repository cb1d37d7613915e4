"""The workloads' networks, built from either `torch.nn` or our `nn` (same names, same layouts).

Layer sizes are read off the state dict's shapes, so the same code serves the benchmark
sizes and the tests' small float64 ones; parameter names match the state dict's keys.
"""


def build(nn, name, weights):
    """The network of workload `name` made of `nn`'s layers, with fresh (not yet loaded) parameters."""
    if name in ("lstm", "gru"):
        return _last_step(nn, name.upper(), weights)
    shapes = [w.shape for k, w in weights.items() if k.endswith("weight")]
    if name == "mlp":
        first, second, third = (nn.Linear(s[1], s[0]) for s in shapes)
        return nn.Sequential(first, nn.ReLU(), second, nn.ReLU(), third)
    (c1, c0, _, _), (c2, _, _, _), (classes, flat) = shapes
    return nn.Sequential(nn.Conv2d(c0, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(flat, classes))


def _last_step(nn, kind, weights):
    """nn.LSTM or nn.GRU over a (steps, batch, features) sequence, then a Linear head on the last output."""
    n_in = weights["rnn.weight_ih_l0"].shape[1]
    hidden = weights["rnn.weight_hh_l0"].shape[1]
    classes = weights["head.weight"].shape[0]

    class LastStep(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(n_in, hidden)
            self.head = nn.Linear(hidden, classes)

        def forward(self, x):
            return self.head(self.rnn(x)[0][-1])
    return LastStep()
