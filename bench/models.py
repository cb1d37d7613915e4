"""The workloads' networks, built from either `torch.nn` or our `nn` (same names, same layouts).

Layer sizes are read off the state dict's shapes, so the same code serves the benchmark
sizes and the tests' small float64 ones; parameter names match the state dict's keys.
"""


GPT_HEADS = 4  # the gpt workload's heads (not readable off the weight shapes)
RECURRENT = {"lstm": "LSTM", "gru": "GRU", "lstm2": "LSTM", "bilstm": "LSTM"}  # workload -> layer class


def build(nn, name, weights):
    """The network of workload `name` made of `nn`'s layers, with fresh (not yet loaded) parameters."""
    if name == "gpt":
        return _gpt(nn, weights)
    if name in RECURRENT:
        return _last_step(nn, RECURRENT[name], weights)
    shapes = [w.shape for k, w in weights.items() if k.endswith("weight")]
    if name == "mlp":
        first, second, third = (nn.Linear(s[1], s[0]) for s in shapes)
        return nn.Sequential(first, nn.ReLU(), second, nn.ReLU(), third)
    (c1, c0, _, _), (c2, _, _, _), (classes, flat) = shapes
    return nn.Sequential(nn.Conv2d(c0, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(flat, classes))


def _last_step(nn, kind, weights):
    """nn.LSTM or nn.GRU over a (steps, batch, features) sequence, then a Linear head on the last output.

    Layers and directions are read off the keys (rnn.weight_ih_l1, rnn.weight_ih_l0_reverse, ...).
    """
    n_in = weights["rnn.weight_ih_l0"].shape[1]
    hidden = weights["rnn.weight_hh_l0"].shape[1]
    classes, head_in = weights["head.weight"].shape
    layers = sum(k.startswith("rnn.weight_ih_l") and not k.endswith("_reverse") for k in weights)
    bidirectional = "rnn.weight_ih_l0_reverse" in weights

    class LastStep(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(n_in, hidden, num_layers=layers, bidirectional=bidirectional)
            self.head = nn.Linear(head_in, classes)

        def forward(self, x):
            return self.head(self.rnn(x)[0][-1])
    return LastStep()


def _gpt(nn, weights):
    """autograd_cli/gpt.py's GPT, sized from the state dict; under torch.nn the same source with torch's imports."""
    if nn.__name__ == "torch.nn":
        from autograd_cli.porting import gpt_under_pytorch
        module = gpt_under_pytorch()
    else:
        from autograd_cli import gpt as module
    vocab, n_embd = weights["transformer.wte.weight"].shape
    n_layer = sum(k.endswith(".ln_1.weight") for k in weights)
    config = module.GPTConfig(vocab_size=vocab, block_size=weights["transformer.wpe.weight"].shape[0],
                              n_layer=n_layer, n_head=GPT_HEADS, n_embd=n_embd, dropout=0.0, bias=True)
    return module.GPT(config)
