"""Karpathy's micrograd (pip install micrograd==0.1.0) on the scalar MLP workload: the `Value` engine's baseline."""
from . import registry

try:
    from micrograd.engine import Value
    from micrograd.nn import MLP
except ImportError:
    MLP = None


def trainer(weights, lr):
    """micrograd's own MLP(2, [16, 16, 1]) holding `weights`; a step is mean hinge loss, backward, SGD, as in its demo."""
    sizes = [w.shape[1] for k, w in weights.items() if k.endswith("weight")]
    model = MLP(sizes[0], sizes[1:] + [1])
    arrays = list(weights.values())
    for layer, w, b in zip(model.layers, arrays[::2], arrays[1::2]):
        for neuron, row, bias in zip(layer.neurons, w.tolist(), b.tolist()):
            for p, value in zip(neuron.w, row):
                p.data = value
            neuron.b.data = bias

    def step(x, y):
        scores = [model([Value(v) for v in xi]) for xi in x.tolist()]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
        loss = sum(losses) * (1.0 / len(losses))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        return loss.data
    return step


if MLP is None:
    registry.unavailable("value_mlp", "micrograd", "micrograd not installed; pip install micrograd==0.1.0")
else:
    registry.register("value_mlp", "micrograd", trainer)
