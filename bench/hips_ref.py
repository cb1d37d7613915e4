"""HIPS autograd (pip install autograd) on the forward-mode workloads: `make_jvp` is the JVP baseline."""
from . import registry

try:
    import autograd.numpy as anp
    from autograd import make_jvp
except ImportError:
    make_jvp = None


def jvps(weights, lr):
    """One `make_jvp` pass per tangent (rows of y) of sum(tanh(W v)); lr is unused, nothing is trained."""
    w = weights["weight"]
    f = make_jvp(lambda v: anp.sum(anp.tanh(anp.dot(w, v))))

    def step(x, y):
        return [f(x)(t)[1] for t in y]
    return step


def mlp_jvps(weights, lr):
    """One `make_jvp` pass per tangent of sum(tanh(W2 tanh(W1 x))), as issue 17 measured it."""
    w1, w2 = weights["w1"], weights["w2"]
    f = make_jvp(lambda x: anp.sum(anp.tanh(anp.dot(w2, anp.tanh(anp.dot(w1, x))))))

    def step(x, y):
        return [f(x)(t)[1] for t in y]
    return step


_SIDES = {"jvp": jvps, "jvp_mlp100": mlp_jvps, "jvp_mlp1000": mlp_jvps}
for _name, _make in _SIDES.items():
    if make_jvp is None:
        registry.unavailable(_name, "hips", "HIPS autograd not installed; pip install autograd")
    else:
        registry.register(_name, "hips", _make)
