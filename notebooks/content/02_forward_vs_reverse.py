TITLE = "2. Forward mode vs reverse mode: why backpropagation avoids repeated work"
CELLS = [
("md", """
Seed 002 motivates backpropagation with e = c·d, c = a + b, d = b + 1: the derivative
∂e/∂b sums over two paths (b → c → e and b → d → e). Seed 004 makes the general point:
forward-mode differentiation repeats the path sums once per input, reverse mode
covers every path once, and "avoiding repeated computation is the essence of
backpropagation". Here the engine counts that work.
"""),
("code", """
import shutil
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ag
from autograd_core import Value
from autograd_core.cost import dense_test_function, plot_cost

def show(graph):
    return graph if shutil.which("dot") else print(graph.source[:1500])

a, b = Value(2.0, "a"), Value(1.0, "b")
c = a + b; c.label = "c"
d = b + 1; d.label = "d"
e = c * d; e.label = "e"
e.backward()
print(f"e = {e.data}, de/da = {a.grad}, de/db = {b.grad}   (two paths from b: d + c = 2 + 3)")
print("paths from b to e:", ag.count_paths(e, b), " paths from a to e:", ag.count_paths(e, a))
show(ag.draw_graph(e))
"""),
("md", """
## Paths grow exponentially; the reverse sweep does not

A "diamond ladder" splits a value in two and joins it again, k times. The number of
input-to-output paths doubles with every rung, so summing the chain rule path by path
costs 2^k products. One reverse sweep visits each of the 3k operations once.
"""),
("code", """
from autograd_core.grad_mode import Observer, observe

class CountVJPs(Observer):
    def __init__(self): self.calls = 0
    def on_backward(self, node, out, in_grads): self.calls += 1

print(f"{'k':>3} {'paths':>22} {'VJPs in one sweep':>18}")
for k in (1, 5, 10, 20, 40, 60):
    x = ag.tensor(0.5, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(k):
        y = y * 1.0 + y * 1.0
    paths = ag.count_paths(y, x)  # before backward(), which frees the graph
    counter = CountVJPs()
    with observe(counter):
        y.backward()
    print(f"{k:>3} {paths:>22,} {counter.calls:>18}")
"""),
("md", """
## The full Jacobian both ways

For f: Rⁿ → Rᵐ, forward mode needs n passes (one tangent direction per input), reverse
mode m passes (one cotangent per output) after a single taped forward pass. A loss
has m = 1: reverse mode wins by a factor of about n. A function with few inputs and
many outputs is the opposite case.
"""),
("code", """
rng = np.random.default_rng(0)
print(ag.compare_modes(dense_test_function(64, 1), rng.standard_normal(64)))
print()
print(ag.compare_modes(dense_test_function(2, 40), rng.standard_normal(2)))
"""),
("md", """
`cost(gradient)/cost(function)` is the price of one reverse pass relative to evaluating
the function: Griewank & Walther's bound says it stays below a small constant (about
4 to 5) whatever n is. Measured in FLOPs our ratio is about 2 to 3.

Cost against n (m fixed) and against m (n fixed):
"""),
("code", """
fig = plot_cost(sizes=(1, 2, 4, 8, 16, 32), fixed=4, width=16)
plt.show()
"""),
("md", """
Forward mode's work grows with n and not with m; reverse mode's grows with m and not
with n. Training a network means one scalar loss and millions of inputs (the
parameters): exactly the case where one reverse sweep replaces millions of forward
passes.
"""),
]
