"""The same training steps in PyTorch (CPU, one thread): the anchor column, when torch is importable.

Models are built from a workload's state dict (sizes read off the weight shapes, dtype kept),
so the tests can also use them in float64 on small sizes as the autograd oracle.
"""
from . import models, registry

try:
    import torch
except ImportError:
    torch = None
else:
    torch.set_num_threads(1)


def model(name, weights):
    """The torch module of workload `name` holding a copy of `weights`, in their dtype."""
    module = models.build(torch.nn, name, weights)
    module.to(torch.from_numpy(next(iter(weights.values()))).dtype)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
    return module


def trainer(name):
    """Factory of SGD training steps of workload `name`, in the registry's shape."""
    def make(weights, lr):
        net = model(name, weights)
        opt = torch.optim.SGD(net.parameters(), lr=lr)

        def step(x, y):
            loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()
        return step
    return make


def gpt(weights, lr):
    """The small GPT's training step in torch (the same class source), AdamW with weight decay 0.1."""
    net = model("gpt", weights)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.1)

    def step(x, y):
        _, loss = net(torch.from_numpy(x), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()
    return step


def jvps(weights, lr):
    """One torch.func.jvp per tangent (rows of y); lr is unused, nothing is trained."""
    w = torch.from_numpy(weights["weight"])

    def step(x, y):
        primal = torch.from_numpy(x)
        return [torch.func.jvp(lambda v: torch.tanh(w @ v).sum(), (primal,), (t,))[1] for t in torch.from_numpy(y)]
    return step


def mlp_jvps(weights, lr):
    """One torch.func.jvp per tangent of sum(tanh(W2 tanh(W1 x))) (issue 17's benchmark)."""
    w1, w2 = torch.from_numpy(weights["w1"]), torch.from_numpy(weights["w2"])

    def step(x, y):
        primal = torch.from_numpy(x)
        return [torch.func.jvp(lambda v: torch.tanh(w2 @ torch.tanh(w1 @ v)).sum(), (primal,), (t,))[1]
                for t in torch.from_numpy(y)]
    return step


for _name in ("jvp_mlp100", "jvp_mlp1000"):
    if torch is None:
        registry.unavailable(_name, "torch", "torch not installed")
    else:
        registry.register(_name, "torch", mlp_jvps, traced=False)

for _name in ("mlp", "cnn", "lstm", "lstm2", "bilstm", "gru", "jvp", "gpt"):
    if torch is None:
        registry.unavailable(_name, "torch", "torch not installed")
    else:
        registry.register(_name, "torch", {"jvp": jvps, "gpt": gpt}.get(_name) or trainer(_name), traced=False)
