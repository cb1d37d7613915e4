"""Karpathy's micrograd (pip install micrograd) on the scalar MLP workload, when importable."""
try:
    from micrograd.engine import Value
    from micrograd.nn import MLP
except ImportError:
    MLP = None


def value_mlp_step(weights, x, y, lr=0.05):
    """micrograd's own MLP(2, [16, 16, 1]) with the shared weights; hinge loss as in its demo."""
    model = MLP(2, [16, 16, 1])
    for layer, rows in zip(model.layers, weights):
        for neuron, row in zip(layer.neurons, rows):
            for p, w in zip(neuron.w, row):
                p.data = w
            neuron.b.data = 0.0

    def step():
        scores = [model([Value(v) for v in xi]) for xi in x]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        loss = sum(losses) * (1.0 / len(losses))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        return loss.data
    return step
