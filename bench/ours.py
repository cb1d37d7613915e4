"""Our engine's side of the benchmark: the registration point for `ours` in every workload.

Each entry of SIDES (at the end) pairs a workload with a factory `make(weights, lr) -> step(x, y)`
and the engine parts it needs; it is registered only when all of them exist, otherwise the
report says which are missing. An engine that does not import at all makes every workload
"not available" instead of stopping the benchmark. To time a new workload, add its factory here.
"""
import statistics

import numpy as np

from . import models, registry, timing, workloads

try:
    import autograd_core as ag
    import nn
    import nn.functional as F
    import optim
except ImportError as error:
    ag = None
    _IMPORT_ERROR = f"engine not importable: {error}"


def trainer(name):
    """Factory of SGD training steps of workload `name` built from our nn layers (same state dict as torch)."""
    def make(weights, lr):
        model = models.build(nn, name, weights)
        model.load_state_dict(weights)
        opt = optim.SGD(model.parameters(), lr=lr)

        def step(x, y):
            loss = F.cross_entropy(model(ag.from_numpy(x)), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()
        return step
    return make


def gpt(weights, lr):
    """The small GPT's training step: next-token cross-entropy, backward, AdamW (weight decay 0.1 on every parameter)."""
    model = models.build(nn, "gpt", weights)
    model.load_state_dict(weights)
    opt = optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)

    def step(x, y):
        _, loss = model(ag.tensor(x), ag.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()
    return step


def value_mlp(weights, lr):
    """A ReLU MLP of scalar Values holding `weights`; a step is mean hinge loss, backward, SGD (as micrograd's demo)."""
    arrays = list(weights.values())
    layers = [([[ag.Value(v) for v in row] for row in w.tolist()], [ag.Value(v) for v in b.tolist()])
              for w, b in zip(arrays[::2], arrays[1::2])]
    params = [p for rows, bias in layers for p in [v for row in rows for v in row] + bias]

    def step(x, y):
        losses = []
        for xi, yi in zip(x.tolist(), y.tolist()):
            h = [ag.Value(v) for v in xi]
            for depth, (rows, bias) in enumerate(layers):
                h = [ag.Value.sum([w * v for w, v in zip(row, h)] + [b]) for row, b in zip(rows, bias)]
                if depth < len(layers) - 1:
                    h = [v.relu() for v in h]
            losses.append((1 - yi * h[0]).relu())
        loss = ag.Value.sum(losses) * (1.0 / len(losses))
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data
    return step


def jvps(weights, lr):
    """One forward-mode `jvp` per tangent (rows of y); lr is unused, nothing is trained."""
    w = ag.tensor(weights["weight"])

    def step(x, y):
        return [ag.jvp(lambda v: (w @ v).tanh().sum(), (x,), (t,))[1] for t in y]
    return step


def mlp_jvps(weights, lr):
    """One forward-mode `jvp` per tangent of sum(tanh(W2 tanh(W1 x))) (issue 17's benchmark)."""
    f = _two_layer(weights, lambda h: h.sum())

    def step(x, y):
        return [ag.jvp(f, (x,), (t,))[1] for t in y]
    return step


def batched_jacfwd(rounds, n=1000):
    """Speed-up of one batched `jacfwd` over n separate `jvp` passes, f: R^1000 -> R of issue 17."""
    weights, x, basis = workloads.jvp_mlp(n)()
    f = _two_layer(weights, lambda h: h.sum())
    times = timing.interleaved({"jvps": lambda: [ag.jvp(f, (x,), (t,)) for t in basis],
                                "jacfwd": lambda: ag.jacfwd(f)(x)}, rounds)
    speedup = timing.ratio(times, "jvps", "jacfwd")
    return {"measure": f"{n} jvp passes / one batched jacfwd, R^{n} -> R", "ours": speedup, "torch": None,
            "target": ">= 5", "met": speedup >= 5}


def square_jacobians(rounds, n=256):
    """Batched `jacfwd` against batched `jacrev` on a square R^256 -> R^256 function (the same FLOPs either way)."""
    weights, x, _ = workloads.jvp_mlp(n, hidden=n)()
    f = _two_layer(weights, lambda h: h)
    times = timing.interleaved({"jacfwd": lambda: ag.jacfwd(f)(x), "jacrev": lambda: ag.jacrev(f)(x)}, rounds)
    slowdown = timing.ratio(times, "jacfwd", "jacrev")
    return {"measure": f"batched jacfwd / batched jacrev, R^{n} -> R^{n}", "ours": slowdown, "torch": None,
            "target": "<= 3", "met": slowdown <= 3}


def _two_layer(weights, last):
    w1, w2 = ag.tensor(weights["w1"]), ag.tensor(weights["w2"])
    return lambda x: last((w2 @ (w1 @ x).tanh()).tanh())


def gradient_cost(rounds):
    """time(loss + gradient) / time(loss alone) on the MLP workload, ours and torch's."""
    from . import torch_ref
    weights, x, y = registry.WORKLOADS["mlp"].data()
    model = models.build(nn, "mlp", weights)
    model.load_state_dict(weights)

    def loss_only():
        with ag.no_grad():
            F.cross_entropy(model(ag.from_numpy(x)), y)

    def loss_and_grad():
        model.zero_grad()
        F.cross_entropy(model(ag.from_numpy(x)), y).backward()
    calls = {"f": loss_only, "grad": loss_and_grad}
    if torch_ref.torch is not None:
        torch, net = torch_ref.torch, torch_ref.model("mlp", weights)
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)

        def torch_loss_only():
            with torch.no_grad():
                torch.nn.functional.cross_entropy(net(tx), ty)

        def torch_loss_and_grad():
            net.zero_grad()
            torch.nn.functional.cross_entropy(net(tx), ty).backward()
        calls.update(torch_f=torch_loss_only, torch_grad=torch_loss_and_grad)
    times = timing.interleaved(calls, rounds)
    ours = timing.ratio(times, "grad", "f")
    return {"measure": "cost(gradient) / cost(function), MLP", "ours": ours,
            "torch": timing.ratio(times, "torch_grad", "torch_f") if "torch_f" in times else None,
            "target": "<= 2.3", "met": ours <= 2.3}


def lstm_cost(variant, what):
    """Extra `measure(rounds)`: time of the `variant` LSTM workload's step / the one-layer lstm step, ours and
    torch's (issue 26: at most 2.1 for two layers and for two directions)."""
    def measure(rounds):
        from . import torch_ref
        calls = {}
        for name in ("lstm", variant):
            workload = registry.WORKLOADS[name]
            weights, x, y = workload.data()
            calls[name] = lambda step=trainer(name)(weights, workload.lr), x=x, y=y: step(x, y)
            if torch_ref.torch is not None:
                calls["torch_" + name] = lambda step=torch_ref.trainer(name)(weights, workload.lr), x=x, y=y: step(x, y)
        times = timing.interleaved(calls, rounds)
        ours = timing.ratio(times, variant, "lstm")
        return {"measure": f"cost({what} LSTM step) / cost(1-layer)", "ours": ours,
                "torch": timing.ratio(times, "torch_" + variant, "torch_lstm") if "torch_lstm" in times else None,
                "target": "<= 2.1", "met": ours <= 2.1}
    return measure


def op_overhead(rounds, repeat=20_000):
    """Microseconds a recorded 10x10 elementwise multiply costs on top of the bare numpy multiply."""
    a = np.random.default_rng(0).standard_normal((10, 10)).astype(np.float32)
    ta, tb = ag.tensor(a, requires_grad=True), ag.tensor(a)

    def bare():
        for _ in range(repeat):
            a * a

    def recorded():
        for _ in range(repeat):
            ta * tb
    times = timing.interleaved({"numpy": bare, "ours": recorded}, rounds)
    overhead = 1e6 * statistics.median((o - b) / repeat for o, b in zip(times["ours"], times["numpy"]))
    return {"measure": "per recorded op overhead, 10x10 multiply (us)", "ours": overhead, "torch": None,
            "target": "<= 3", "met": overhead <= 3}


_TRAINING = ("nn.Sequential", "nn.Linear", "nn.ReLU", "F.cross_entropy", "optim.SGD", "ag.tensor")
# The registration point: workload -> (factory of training steps, engine parts it needs).
SIDES = {
    "mlp": (trainer("mlp"), _TRAINING),
    "cnn": (trainer("cnn"), _TRAINING + ("nn.Conv2d", "nn.MaxPool2d", "nn.Flatten")),
    "lstm": (trainer("lstm"), _TRAINING + ("nn.Module", "nn.LSTM")),
    "lstm2": (trainer("lstm2"), _TRAINING + ("nn.Module", "nn.LSTM")),
    "bilstm": (trainer("bilstm"), _TRAINING + ("nn.Module", "nn.LSTM")),
    "gru": (trainer("gru"), _TRAINING + ("nn.Module", "nn.GRU")),
    "gpt": (gpt, ("nn.Module", "nn.Linear", "nn.Embedding", "nn.LayerNorm", "nn.GELU", "nn.ModuleDict", "nn.ModuleList",
                   "F.softmax", "F.cross_entropy", "F.gelu", "optim.AdamW", "ag.tril", "ag.Tensor.split",
                   "ag.Tensor.masked_fill", "ag.Tensor.contiguous")),
    "value_mlp": (value_mlp, ("ag.Value", "ag.Value.sum")),
    "jvp": (jvps, ("ag.tensor", "ag.jvp")),
    "jvp_mlp100": (mlp_jvps, ("ag.tensor", "ag.jvp")),
    "jvp_mlp1000": (mlp_jvps, ("ag.tensor", "ag.jvp")),
}


def _lacking(parts):
    """The dotted names in `parts` that this engine does not define."""
    found = {"ag": ag, "nn": nn, "F": F, "optim": optim}
    lacking = []
    for part in parts:
        head, *rest = part.split(".")
        obj = found[head]
        for attr in rest:
            obj = getattr(obj, attr, None)
        if obj is None:
            lacking.append(part)
    return lacking


for _name, (_make, _parts) in SIDES.items():
    if ag is None:
        registry.unavailable(_name, "ours", _IMPORT_ERROR)
    elif _lacking(_parts):
        registry.unavailable(_name, "ours", "engine lacks " + ", ".join(_lacking(_parts)))
    else:
        registry.register(_name, "ours", _make)

if ag is not None and not _lacking(_TRAINING + ("ag.no_grad",)):
    registry.extra("grad_cost", gradient_cost)
    registry.extra("op_overhead", op_overhead)
if ag is not None and not _lacking(_TRAINING + ("nn.Module", "nn.LSTM")):
    registry.extra("lstm2_cost", lstm_cost("lstm2", "2-layer"))
    registry.extra("bilstm_cost", lstm_cost("bilstm", "bidirectional"))
if ag is not None and not _lacking(("ag.jvp", "ag.jacfwd", "ag.jacrev")):
    registry.extra("jacfwd_batched", batched_jacfwd)
    registry.extra("jacfwd_square", square_jacobians)
