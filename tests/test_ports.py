"""Programs written for PyTorch and HIPS autograd run here with their imports changed, and nothing else.

Each body below is the original program's (shortened in its step counts), with `import torch` or
`import autograd.numpy as np` replaced by this project's modules.
"""
import math
import re
from pathlib import Path

import numpy as np
import pytest

import autograd_core
import nn
import nn.functional


def test_pytorch_tutorial_fitting_sin_with_a_cubic_as_in_the_readme():
    """PyTorch's "Learning PyTorch with Examples" (autograd version), as the README shows it."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    program = next(block for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S)
                   if "torch.sin(x)" in block)
    namespace = {}
    autograd_core.manual_seed(0)
    exec(program, namespace)
    a, b, c, d = (namespace[k].item() for k in "abcd")
    x = np.linspace(-math.pi, math.pi, 2000)
    fit = a + b * x + c * x ** 2 + d * x ** 3
    assert np.abs(fit - np.sin(x)).max() < 0.3  # the tutorial prints y = -0.01 + 0.83 x + 0.002 x^2 - 0.09 x^3


def test_makemore_bigram_counts_and_neural_net():
    """Karpathy's makemore part 1: a bigram model by counting, then the same model as a one-layer net."""
    import autograd_core as torch
    F = nn.functional
    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn", "abigail"]
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    n = len(stoi)
    N = torch.zeros((n, n), dtype=torch.int32)
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            N[stoi[ch1], stoi[ch2]] += 1
    P = (N + 1).float()
    P /= P.sum(1, keepdims=True)
    g = torch.Generator().manual_seed(2147483647)
    ix = torch.multinomial(P[0], num_samples=1, replacement=True, generator=g).item()
    assert 0 <= ix < n

    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    xs, ys = torch.tensor(xs), torch.tensor(ys)
    W = torch.randn((n, n), generator=g, requires_grad=True)
    losses = []
    for _ in range(30):
        xenc = F.one_hot(xs, num_classes=n).float()
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(len(ys)), ys].log().mean() + 0.01 * (W ** 2).mean()
        losses.append(loss.item())
        W.grad = None
        loss.backward()
        with torch.no_grad():
            W.data += -10 * W.grad.data
    assert losses[-1] < losses[0] - 0.5
    counted = -np.log(P.data[xs.data, ys.data]).mean()
    assert losses[-1] < counted + 1.0  # the net approaches the counting model's loss


def test_hips_autograd_readme_tanh_and_its_derivatives():
    """HIPS autograd's README: grad of tanh, then elementwise_grad repeated for higher derivatives."""
    import autograd_core as np_  # instead of: import autograd.numpy as np
    from autograd_core import elementwise_grad as egrad, grad

    def tanh(x):
        y = np_.exp(-2.0 * x)
        return (1.0 - y) / (1.0 + y)

    grad_tanh = grad(tanh)
    assert grad_tanh(1.0) == pytest.approx((tanh(1.0001) - tanh(0.9999)).item() / 0.0002, rel=1e-6)
    x = np.linspace(-7, 7, 200)
    first, second = egrad(tanh)(x), egrad(egrad(tanh))(x)
    np.testing.assert_allclose(first, 1 - np.tanh(x) ** 2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(second, -2 * np.tanh(x) * (1 - np.tanh(x) ** 2), rtol=1e-8, atol=1e-10)
    assert egrad(egrad(egrad(egrad(tanh))))(x).shape == x.shape


def test_the_modules_used_above_are_this_projects():
    assert autograd_core.__name__ == "autograd_core" and nn.functional.__name__ == "nn.functional"
