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
from autograd_core.cost import dense_test_function
from autograd_core.graph import parents, topological_order

def show(graph):
    return graph if shutil.which("dot") else print(graph.source[:1500])

a, b = Value(2.0, "a"), Value(1.0, "b")
c = a + b; c.label = "c"
d = b + 1; d.label = "d"
e = c * d; e.label = "e"
e.backward()
print(f"e = {e.data}, de/da = {a.grad}, de/db = {b.grad}   (two paths from b: d + c = {d.data} + {c.data})")
print("paths from b to e:", ag.count_paths(e, b), " paths from a to e:", ag.count_paths(e, a))
show(ag.draw_graph(e))
"""),
("md", """
`ag.explore(e)` replays that backward sweep on an interactive page, one VJP per step
(next / back, the slider or the arrow keys): each node runs once all of its consumers'
shares have arrived, so b waits for the shares from both of its paths and adds them.
Above the page, a static picture shows the sweep after its last step, for viewers that
strip scripts (GitHub, nbviewer).
"""),
("code", "ag.explore(e)"),
("md", """
## The same example in forward mode

Forward mode carries a tangent (the derivative with respect to **one** chosen input)
alongside every value, in one forward pass. To get both ∂e/∂a and ∂e/∂b it needs two
passes, seeding a, then b; the reverse sweep above gave both from one pass backwards.
"""),
("code", """
def e_of(a, b):
    return (a + b) * (b + 1)

point = (np.array(2.0), np.array(1.0))
for name, tangent in (("a", (np.array(1.0), np.array(0.0))), ("b", (np.array(0.0), np.array(1.0)))):
    value, de = ag.jvp(e_of, point, tangent)
    print(f"forward pass seeded with d{name} = 1:  e = {float(value)}, de/d{name} = {float(de)}")
print(ag.compare_modes(e_of, *point))
"""),
("md", """
`ag.explore(e, mode="forward", wrt=b)` replays the pass seeded at b (db = 1): the
tangent travels with the values from the inputs to the output, one JVP per op, each op
after the ops that made its inputs, and what reaches e is ∂e/∂b. ∂e/∂a would need a
second pass. The page steps through the graph in its topological order, printed
below the page: d = b + 1 comes before c = a + b, the reverse of the order the code
ran them. Either order gives the same tangents, because neither c nor d uses the other.
"""),
("code", """
from IPython.display import display
display(ag.explore(e, mode="forward", wrt=b))
print("order of the forward replay:", " -> ".join(v.label for v in topological_order(e, parents) if parents(v)))
"""),
("md", """
Forward mode can also carry several tangents at once: `ag.jacfwd` stacks both seed
directions on a leading axis and pushes them through **one** forward pass (the work per
op grows with the number of directions; the number of passes does not).
"""),
("code", """
de_da, de_db = ag.jacfwd(e_of, argnums=(0, 1))(*point)
print(f"one batched forward pass:  de/da = {float(de_da)}, de/db = {float(de_db)}")
"""),
("md", """
The two modes compose. A Hessian-vector product H·v is forward mode applied to the
reverse-mode gradient (`ag.hvp`: one JVP of `grad e`, without forming H). One product
per column of H, against the full Hessian:
"""),
("code", """
def e_vec(x):
    return e_of(x[0], x[1])

x0 = np.array([2.0, 1.0])
for v in (np.array([1.0, 0.0]), np.array([0.0, 1.0])):
    print(f"H · {v} =", ag.hvp(e_vec, x0, v))
print("full Hessian, ag.hessian:\\n", ag.hessian(e_vec)(x0))
"""),
("md", """
## Paths grow exponentially; the reverse sweep does not

A "diamond ladder" splits a value in two and joins it again, k times. The number of
input-to-output paths doubles with every rung, so summing the chain rule path by path
costs 2^k products. One reverse sweep visits each of the 3k operations once.
`count_paths` runs after `backward()`: the sweep frees the arrays saved for it, not the
record of which op made what, so the graph can still be walked (and drawn).
"""),
("code", """
from autograd_core.grad_mode import Observer, observe

class CountVJPs(Observer):
    def __init__(self): self.calls = 0
    def on_backward(self, node, out, in_grads): self.calls += 1

print(f"{'k':>3} {'paths':>26} {'VJPs in one sweep':>18}")
for k in (1, 5, 10, 20, 40, 60):
    x = ag.tensor(0.5, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(k):
        y = y * 1.0 + y * 1.0
    counter = CountVJPs()
    with observe(counter):
        y.backward()
    paths = ag.count_paths(y, x)
    print(f"{k:>3} {paths:>26,} {counter.calls:>18}")
"""),
("md", """
## Paths in a dense network

At the tensor level a dense network is a chain (matrix product, tanh, matrix product,
...): one path from the input *tensor* to the output, which hides the point. Written
with one scalar `Value` per number, every hidden unit opens a new path: from one input
to the output there are w₁·w₂·… paths (the product of the layer widths), and the
number grows exponentially with depth. The reverse sweep still visits each edge once.
"""),
("code", """
def scalar_dense(n, widths, seed=0):
    '''A tanh network on scalar Values: n inputs, hidden layers of the given widths, one output.'''
    rng = np.random.default_rng(seed)
    xs = [Value(v) for v in rng.standard_normal(n)]
    layer = xs
    for width in list(widths) + [1]:
        weights = rng.standard_normal((width, len(layer))) / np.sqrt(len(layer))
        layer = [Value.sum(w * v for w, v in zip(row, layer)).tanh() for row in weights]
    return xs, layer[0]

print(f"{'hidden widths':>14} {'paths from x1':>14} {'paths, all inputs':>18} {'edges (one sweep)':>18}")
for widths in ((8,), (8, 8), (8, 8, 8), (8, 8, 8, 8)):
    xs, out = scalar_dense(4, widths)
    edges = sum(len(parents(node)) for node in topological_order(out, parents))
    print(f"{str(widths):>14} {ag.count_paths(out, xs[0]):>14,} {sum(ag.count_paths(out, x) for x in xs):>18,} {edges:>18,}")
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
the function. Griewank & Walther's bound is about operation counts: the function and
one reverse pass together cost at most a small constant (about 4 to 5) times the
arithmetic of the function, whatever n is. By FLOPs the three reports above print
3.00, 2.00 and 2.00. By wall time the ratios in the same lines are larger, change
from run to run, and can exceed 5. At these sizes the arithmetic of a function
evaluation takes microseconds and most of the time is Python's fixed cost per op,
which the gradient run pays more of: it records every op on the tape, keeps the
arrays each VJP needs, then runs one VJP (often several numpy calls) per op. The
bound is a statement about FLOPs, and the FLOP ratio is the one to compare with it.

## What grows with what

`ag.sweep_modes(make_f, sizes)` runs that comparison at every size and tabulates it.
Here: the full Jacobian of a two-layer tanh network (hidden width 16) against the
number of inputs n (m = 4 outputs), and against the number of outputs m (n = 4).
Solid lines are one pass per direction, dashed lines the batched transforms
(`jacfwd` / `jacrev` carrying every direction in one pass). The passes panels (top row)
have no dashed lines, since a batched transform is always one pass (plus the taped
forward pass in reverse mode). The dotted line marks the crossover, the first size at
which the other mode needs strictly fewer passes (a tie, as at size 4, counts for
neither).
"""),
("code", """
SIZES = (1, 2, 4, 8, 16, 32)

def dense_of(vary, fixed=4):
    '''size -> (f, x): the tanh network with n (or m) = size and the other one fixed.'''
    def make_f(size):
        n, m = (size, fixed) if vary == "n" else (fixed, size)
        return dense_test_function(n, m, width=16), np.random.default_rng(1).standard_normal(n)
    return make_f

by_n = ag.sweep_modes(dense_of("n"), SIZES, label="n inputs varying, m = 4")
by_m = ag.sweep_modes(dense_of("m"), SIZES, label="m outputs varying, n = 4")
print(by_n, by_m, sep="\\n\\n")

fig, axes = plt.subplots(5, 2, figsize=(10, 15))
for column, report, name in ((axes[:, 0], by_n, "n (inputs)"), (axes[:, 1], by_m, "m (outputs)")):
    report.plot(axes=column, legend=False)
    for ax in column:
        ax.set_ylabel(ax.get_title(), fontsize=8)
    column[0].set_title(f"{report.label}\\n{column[0].get_title()}", fontsize=10)
    for ax in column:
        ax.set_xscale("log", base=2)
        ax.set_xlabel(name)
        ax.legend(fontsize=7)  # each panel lists the lines it draws
fig.tight_layout()
plt.show()
reverse_flops = [r["reverse"]["flops"] for r in by_n.rows]
forward_flops = [r["forward"]["flops"] for r in by_n.rows]
print(f"as n goes 1 -> 32 (m = 4): reverse-mode FLOPs {reverse_flops[0]:,} -> {reverse_flops[-1]:,}, "
      f"forward-mode FLOPs {forward_flops[0]:,} -> {forward_flops[-1]:,}")
"""),
("md", """
What grows with what, precisely:
- **passes and ops**: forward mode's grow with n (one pass per input) and not with m;
  reverse mode's grow with m (one pass per output) and not with n. The crossover line
  under each table says where the two pass counts swap.
- **FLOPs**: every pass of either mode works on arrays whose size depends on both n and
  m (the first layer's matrix is width × n). Reverse-mode FLOPs therefore also grow
  with n, but only linearly, as one function evaluation does; forward-mode FLOPs grow
  like n passes × a per-pass cost that itself grows with n, about n².
- **batching** carries every direction in one pass: passes and primitive ops stop
  growing (the flat dashed lines), FLOPs keep growing as before, since the same
  products are still computed, only stacked.
- **wall time** at these small sizes is mostly the fixed cost of each Python-level op,
  so it follows the op counts more than the FLOPs, and it is noisy.
- **tape bytes**: only reverse mode keeps a tape, the arrays its sweep needs; it grows
  with the size of one forward pass.

Training a network means one scalar loss and millions of inputs (the parameters):
one reverse sweep costs a small multiple of one forward pass, where forward mode would
need millions of passes.
"""),
("md", """
## Exercises

**Exercise 1.** Build the full Jacobian of `f = dense_test_function(3, 5)` at
`x = np.arange(3.0)` in forward mode yourself: one `ag.jvp` per input direction, each
giving one column. Store the 5 x 3 matrix in `J_forward` and the number of passes you
made in `forward_passes`.
"""),
("code", """
# Solution (try it yourself before reading on)
f35, x35 = dense_test_function(3, 5), np.arange(3.0)
columns = [ag.jvp(f35, (x35,), (np.eye(3)[i],))[1] for i in range(3)]
J_forward, forward_passes = np.stack(columns, axis=1), len(columns)
"""),
("code", """
assert J_forward.shape == (5, 3) and forward_passes == 3
assert np.allclose(J_forward, ag.jacrev(f35)(x35), atol=1e-12)
print("forward-mode columns match jacrev:\\n", J_forward.round(4))
"""),
("md", """
**Exercise 2.** Same function, reverse mode: build the Jacobian one row at a time with
`ag.vjp` (one cotangent per output). How many reverse passes does it take? Store the
matrix in `J_reverse` and the count in `reverse_passes`; then say which mode needs
fewer passes for this f: R³ → R⁵, and check your answer against `compare_modes`.
"""),
("code", """
# Solution (try it yourself before reading on)
value, pullback = ag.vjp(f35, x35)
rows = [pullback(np.eye(5)[k])[0] for k in range(5)]
J_reverse, reverse_passes = np.stack(rows), len(rows)
fewer = "forward" if forward_passes < reverse_passes else "reverse"
"""),
("code", """
assert reverse_passes == 5 and np.allclose(J_reverse, J_forward, atol=1e-12)
report = ag.compare_modes(f35, x35)
assert (report.forward["passes"], report.reverse["passes"]) == (forward_passes, reverse_passes)
assert fewer == "forward"
print(f"{forward_passes} forward passes vs {reverse_passes} reverse passes: {fewer} mode needs fewer")
"""),
("md", """
**Exercise 3.** A ladder of k diamonds (`y = y * 1.0 + y * 1.0`, k times) has how many
input-to-output paths, and how many VJPs does one reverse sweep run? Write both as
functions of k (`paths_of(k)`, `vjps_of(k)`), then check them with the engine for k = 7.
"""),
("code", """
# Solution (try it yourself before reading on)
paths_of = lambda k: 2 ** k
vjps_of = lambda k: 3 * k
"""),
("code", """
x = ag.tensor(0.5, requires_grad=True, dtype=np.float64)
y = x
for _ in range(7):
    y = y * 1.0 + y * 1.0
counter = CountVJPs()
with observe(counter):
    y.backward()
assert ag.count_paths(y, x) == paths_of(7) and counter.calls == vjps_of(7)
print(f"k = 7: {paths_of(7)} paths, {vjps_of(7)} VJPs")
"""),
]
