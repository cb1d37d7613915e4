"""Per-sample gradients of an MLP 784-128-10 (tanh, cross-entropy), batch 256: vmap(grad) against
torch.func's vmap(grad) and a hand-written numpy version (broadcast outer products).

A "step" computes every example's gradient of every parameter; nothing is trained (lr is unused).
"""
import numpy as np

from . import registry, workloads

try:
    import autograd_core as ag
    import nn
    import nn.functional as F
    from nn.utils import functional_call
except ImportError:
    ag = None

try:
    import torch
except ImportError:
    torch = None


def _mlp(module, weights):
    n_in, hidden, n_out = weights["0.weight"].shape[1], weights["0.weight"].shape[0], weights["2.weight"].shape[0]
    return module.Sequential(module.Linear(n_in, hidden), module.Tanh(), module.Linear(hidden, n_out))


def ours(weights, lr):
    model = _mlp(nn, weights)
    params = {k: v.copy() for k, v in weights.items()}

    def loss(p, x, y):
        return F.cross_entropy(functional_call(model, p, (x[None],)), y[None])
    per_sample = ag.vmap(ag.grad(loss), in_dims=(None, 0, 0))
    return lambda x, y: per_sample(params, x, y)


def torch_func(weights, lr):
    model = _mlp(torch.nn, weights)
    params = {k: torch.from_numpy(v.copy()) for k, v in weights.items()}

    def loss(p, x, y):
        return torch.nn.functional.cross_entropy(torch.func.functional_call(model, p, (x[None],)), y[None])
    per_sample = torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0, 0))
    return lambda x, y: per_sample(params, torch.from_numpy(x), torch.from_numpy(y))


def numpy_by_hand(weights, lr):
    w1, b1, w2, b2 = (weights[k] for k in ("0.weight", "0.bias", "2.weight", "2.bias"))

    def step(x, y):
        h = np.tanh(x @ w1.T + b1)
        z = h @ w2.T + b2
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(y)), y] -= 1  # d loss_i / d z_i for each example's own loss
        dh = (p @ w2) * (1 - h * h)
        return {"0.weight": dh[:, :, None] * x[:, None, :], "0.bias": dh,
                "2.weight": p[:, :, None] * h[:, None, :], "2.bias": p}
    return step


registry.workload("persample", "per-sample gradients, MLP 784-128-10 tanh, batch 256 (vmap(grad))",
                  workloads.persample, baselines=("torch", "numpy"), target=1.0)
registry.register("persample", "numpy", numpy_by_hand)
if ag is None or not hasattr(ag, "vmap"):
    registry.unavailable("persample", "ours", "engine lacks vmap")
else:
    registry.register("persample", "ours", ours)
if torch is None:
    registry.unavailable("persample", "torch", "torch not installed")
else:
    registry.register("persample", "torch", torch_func, traced=False)
