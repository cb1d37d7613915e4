TITLE = "0. Build your own engine first"
CELLS = [
("md", """
Before using `autograd_core`, we build a tiny version of it, in the spirit of Andrej
Karpathy's micrograd: first the derivative as "nudge an input and watch the output
move", then a scalar `Value` class of about fifty lines that computes every derivative
in one backward pass. The example is the first worked example of the course notes
(seed 002), which notebook 1 then treats with the full engine:

a 2-2-1 network with sigmoid units f(z) = 1 / (1 + e^(−z)), no biases, input
x = [0.35, 0.9], hidden weights W0 = [[w31, w32], [w41, w42]] = [[0.1, 0.8], [0.4, 0.6]],
output weights W1 = [w53, w54] = [0.3, 0.9], target 0.5 and cost C = ½ (y5 − 0.5)².

The notes print z3 = 0.755, z4 = 0.68, y3 = 0.68, y4 = 0.663, z5 = 0.801, y5 = 0.690
and C = ½ (0.690 − 0.5)² = 0.01805. Here is the forward pass in plain Python floats:
"""),
("code", """
import math
import shutil
import autograd_core as ag

def f(z):
    return 1 / (1 + math.exp(-z))

def forward(w31, w32, w41, w42, w53, w54, x1=0.35, x2=0.9):
    '''Example 1 of the notes: every intermediate, and the cost C.'''
    v = dict(z3=w31 * x1 + w32 * x2, z4=w41 * x1 + w42 * x2)
    v["y3"], v["y4"] = f(v["z3"]), f(v["z4"])
    v["z5"] = w53 * v["y3"] + w54 * v["y4"]
    v["y5"] = f(v["z5"])
    v["C"] = 0.5 * (v["y5"] - 0.5) ** 2
    return v

def cost(**weights):
    return forward(**weights)["C"]

START = dict(w31=0.1, w32=0.8, w41=0.4, w42=0.6, w53=0.3, w54=0.9)
v = forward(**START)
C0 = v["C"]
print("  ".join(f"{name} = {v[name]:.3f}" for name in ("z3", "z4", "y3", "y4", "z5", "y5")))
print(f"to five digits: y4 = {v['y4']:.5f}, y5 = {v['y5']:.5f}")
print(f"C = {C0:.7f}")
print(f"C from y5 rounded to 3 digits, as the notes do: {0.5 * (round(v['y5'], 3) - 0.5) ** 2:.5f}")
"""),
("md", """
The intermediates agree with the notes at three digits, except y4: f(0.68) = 0.66374
rounds to 0.664, and the notes cut it to 0.663. The cost differs in the fourth decimal
place (0.01810 against 0.01805) only because the notes square the rounded y5 = 0.690 (the last line computes that);
notebook 1 goes through every such difference.

## 1. A derivative is what a nudge does

How does C change if we nudge the weight w53 by a small h? Compute C again and divide
the change by h. As h shrinks, the ratio settles on a number: ∂C/∂w53.
"""),
("code", """
for h in (0.1, 0.01, 1e-3, 1e-4, 1e-6, 1e-8, 1e-12):
    nudged = cost(**{**START, "w53": START["w53"] + h})
    print(f"h = {h:<6g}  C(w53 + h) = {nudged:.10f}   (C(w53 + h) - C) / h = {(nudged - C0) / h:.10f}")
"""),
("md", """
The ratio settles down to about 0.02767 as h shrinks from 0.1, and then, at h = 1e-12,
drifts again: C is a float with about 16 significant digits, so a change in its
twelfth digit, divided by 1e-12, keeps only a few correct digits. The nudge must be
small, but not too small.

Nudging both ways, (C(w + h) − C(w − h)) / 2h, cancels the error that is proportional
to h (a Taylor expansion shows the error is then of order h²), so a moderate h gives
many digits: with h = 1e-3 the one-sided ratio is off in its fourth significant digit,
while the central one differs from the h = 1e-8 line above only in the ninth decimal
place (first line below). Here is
every weight's derivative that way, with h = 1e-5:
"""),
("code", """
def finite_differences(h=1e-5):
    '''dC/dw for every weight by central differences: two extra forward passes per weight.'''
    grads = {}
    for name in START:
        up = cost(**{**START, name: START[name] + h})
        down = cost(**{**START, name: START[name] - h})
        grads[name] = (up - down) / (2 * h)
    return grads

h = 1e-3
one_sided = (cost(**{**START, "w53": 0.3 + h}) - C0) / h
central = (cost(**{**START, "w53": 0.3 + h}) - cost(**{**START, "w53": 0.3 - h})) / (2 * h)
print(f"h = {h}: one-sided {one_sided:.10f}, central {central:.10f}")

FD = finite_differences()
for name, g in FD.items():
    print(f"dC/d{name} = {g:.9f}")
print("forward passes used:", 2 * len(START))
"""),
("md", """
That took two forward passes per weight. A network with a million weights would need
two million forward passes for one gradient. Backpropagation gets all of them from one
forward and one backward pass, by the chain rule: each operation knows its **local
derivative** (how its output moves when one input moves), and the derivative of C
with respect to anything is the product of the local derivatives along the way,
summed over every way there is.

## 2. A scalar `Value` that remembers how it was made

Each `Value` holds a number (`data`), the derivative of the final output with respect
to it (`grad`, filled in later), the Values it was made from (`_prev`), and a small
function `_backward` that passes its own `grad` on to those inputs, multiplied by the
local derivative. Three operations are enough for example 1: `+`, `*` and `sigmoid`.
"""),
("code", """
class Value:
    '''A scalar that records the operation that made it, so it can send gradients back.'''

    def __init__(self, data, label="", _prev=(), _op=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op = _prev, _op
        self._backward = lambda: None          # a leaf has nobody to pass its gradient to

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, _prev=(self, other), _op="+")
        def _backward():                       # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, _prev=(self, other), _op="*")
        def _backward():                       # d(a b)/da = b, d(a b)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    __radd__, __rmul__ = __add__, __mul__      # 2 * v and 2 + v as well as v * 2

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, _prev=(self,), _op="sigmoid")
        def _backward():                       # d f(z)/dz = f(z) (1 - f(z))
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        '''Topological order (every node after its inputs), then _backward from the output down.'''
        order, seen = [], set()
        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1.0                        # dC/dC
        for v in reversed(order):              # a node runs only after everything that uses it
            v._backward()
"""),
("md", """
`backward` first lists the graph in **topological order**: a node appears only after
all the Values it was made from. Walking that list backwards, a node's `_backward` runs
only after every node that uses it has run, so its `grad` is complete when it passes
it on.

Example 1 with these Values. The square (y5 − 0.5)² is written as a product d · d with
d = y5 − 0.5, so d is used twice (the inputs x1 and x2 are used twice too: each feeds
both hidden units). The same function builds the graph from any class with `+`, `*`
and `sigmoid`; we will hand it `ag.Value`, the engine's class, too.
"""),
("code", """
def example1(V):
    '''Example 1 built from Values of class V; returns C and the six weights.'''
    w = {name: V(value, name) for name, value in START.items()}
    x1, x2 = V(0.35, "x1"), V(0.9, "x2")
    z3 = w["w31"] * x1 + w["w32"] * x2; z3.label = "z3"
    z4 = w["w41"] * x1 + w["w42"] * x2; z4.label = "z4"
    y3, y4 = z3.sigmoid(), z4.sigmoid(); y3.label, y4.label = "y3", "y4"
    z5 = w["w53"] * y3 + w["w54"] * y4; z5.label = "z5"
    y5 = z5.sigmoid(); y5.label = "y5"
    d = y5 + (-0.5); d.label = "d"
    C = 0.5 * (d * d); C.label = "C"
    return C, w

C, w = example1(Value)
C.backward()
print(f"C = {C.data:.7f}")
for name, weight in w.items():
    print(f"dC/d{name} = {weight.grad:.9f}   finite differences: {FD[name]:.9f}")
"""),
("md", """
One backward pass gave all six derivatives, and they agree with the nudges to the
printed digits.

## 3. Why `+=`: a Value used twice

A Value used by two operations receives a share of the gradient from each, and its
gradient is their **sum** (the chain rule sums over paths). That is why every
`_backward` above adds to `grad` with `+=`. Here is the same class with `=` instead, the
bug it prevents:
"""),
("code", """
class Overwriting(Value):
    '''Value whose ops SET their inputs' gradients (=) instead of adding to them (+=).'''

    def __add__(self, other):
        other = other if isinstance(other, Value) else Overwriting(other)
        out = Overwriting(self.data + other.data, _prev=(self, other), _op="+")
        def _backward():
            self.grad = 1.0 * out.grad
            other.grad = 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Overwriting(other)
        out = Overwriting(self.data * other.data, _prev=(self, other), _op="*")
        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward
        return out

    __radd__, __rmul__ = __add__, __mul__

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Overwriting(s, _prev=(self,), _op="sigmoid")
        def _backward():
            self.grad = s * (1 - s) * out.grad
        out._backward = _backward
        return out

for V in (Value, Overwriting):
    a = V(3.0, "a")
    b = a + a
    b.backward()
    print(f"{V.__name__:11}: a = 3, b = a + a,  db/da = {a.grad}")
"""),
("md", """
b = a + a = 2a, so db/da = 2; the `=` version says 1: the second share overwrote the
first instead of adding to it. In example 1 the same thing happens at d · d: d's
gradient should be 2d · ∂C/∂(d·d), and with `=` one of the two shares is lost, so every
weight's gradient comes out halved:
"""),
("code", """
C_bad, w_bad = example1(Overwriting)
C_bad.backward()
for name in START:
    print(f"dC/d{name}:  with = {w_bad[name].grad:.9f}   with += {w[name].grad:.9f}   "
          f"ratio {w[name].grad / w_bad[name].grad:.6f}")
"""),
("md", """
Nothing fails and nothing warns: the numbers are just wrong. Comparing with finite
differences, as in section 1, is how such a bug is caught.

## 4. Check against the engine

`autograd_core.Value` is the same idea, with more operations. Build the same graph with
it and compare all three: our `Value`, the engine, and finite differences.
"""),
("code", """
C_ag, w_ag = example1(ag.Value)
C_ag.backward()
ours = [w[name].grad for name in START]
engine = [w_ag[name].grad for name in START]
fd = [FD[name] for name in START]
print(f"C: ours {C.data:.7f}, engine {C_ag.data:.7f}")
print("largest |ours - engine|:              ", max(abs(a - b) for a, b in zip(ours, engine)))
print("ours and finite differences within 1e-9:", all(abs(a - b) < 1e-9 for a, b in zip(ours, fd)))
print(f"dC/dw53 = {w['w53'].grad:.7f}, dC/dw54 = {w['w54'].grad:.7f}")
"""),
("md", """
Our fifty lines and the engine agree exactly (to the last bit on this example), and
both agree with the nudges to better than 1e-9. The notes give ∂C/∂w53 = 0.02763 and
∂C/∂w54 = 0.02711 from rounded factors; notebook 1 shows where each of their digits
comes from.

One difference shows on a deep graph: our `visit` calls itself once per level, and
Python stops a recursion at its recursion limit (printed below); the engine sorts the graph with
an explicit stack of its own (exercise 2 writes one).
"""),
("code", """
import sys
print("Python's recursion limit:", sys.getrecursionlimit())
for name, V in (("ours", Value), ("engine", ag.Value)):
    x = V(0.5)
    deep = x
    for _ in range(5000):
        deep = deep * 1.0 + 0.0
    try:
        deep.backward()
        print(f"{name + ':':8}10,000 ops deep, d deep/dx = {x.grad}")
    except RecursionError:
        print(f"{name + ':':8}10,000 ops deep, RecursionError")
"""),
("md", """
## 5. The graph, each edge labelled with its local derivative

The drawing below uses the `graphviz` package directly, top to bottom from the inputs to C.
Every box is a Value (its data and its grad), every ellipse an operation, and the number on
the edge from an input to its operation is that input's local derivative: 1 for `+`, the other factor
for `*`, f(z)(1 − f(z)) for `sigmoid`. A box's grad is its consumer's grad times the
number on the edge, summed over its edges.
"""),
("code", """
import graphviz

def local_derivatives(out):
    '''d out / d input for each input of the op that made `out`, as in its _backward.'''
    if out._op == "+":
        return [1.0, 1.0]
    if out._op == "*":
        a, b = out._prev
        return [b.data, a.data]
    return [out.data * (1 - out.data)]  # sigmoid

def draw(root):
    '''A graphviz Digraph of the graph below `root`: boxes for Values, ellipses for ops.'''
    dot = graphviz.Digraph(graph_attr={"rankdir": "TB"}, node_attr={"fontsize": "10"}, edge_attr={"fontsize": "9"})
    order, seen, stack = [], set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            order.append(v)
            stack.extend(v._prev)
    for v in order:
        name = str(id(v))
        dot.node(name, f"{{{v.label or '·'} | data {v.data:.4f} | grad {v.grad:.4f}}}", shape="record")  # {}: fields stacked
        if v._prev:
            dot.node(name + "op", v._op, shape="ellipse")
            dot.edge(name + "op", name)
            for child, local in zip(v._prev, local_derivatives(v)):
                dot.edge(str(id(child)), name + "op", label=f"{local:.4g}")
    return dot

graph = draw(C)
graph if shutil.which("dot") else print(graph.source[:1500])
"""),
("md", """
Follow d: it feeds `*` twice (both edges labelled with d's value, the other factor),
so its grad is the sum of two shares, the case `+=` handles. Follow x1 and x2: each
feeds two `*` operations, one per hidden unit.

From here on the notebooks use `autograd_core`, which does the same for tensors
(notebook 1 repeats this example with it).

## Exercises

**Exercise 1.** Add `tanh` to the class: d tanh(z)/dz = 1 − tanh(z)². Then build
t = tanh(a · b + a) for a = 0.7, b = −1.3 and compute its gradients.
"""),
("code", """
# Solution (try it yourself before reading on)
def tanh(self):
    t = math.tanh(self.data)
    out = Value(t, _prev=(self,), _op="tanh")
    def _backward():
        self.grad += (1 - t * t) * out.grad
    out._backward = _backward
    return out

Value.tanh = tanh
a, b = Value(0.7, "a"), Value(-1.3, "b")
t = (a * b + a).tanh()
t.backward()
print(f"t = {t.data:.6f}, dt/da = {a.grad:.6f}, dt/db = {b.grad:.6f}")
"""),
("code", """
ea, eb = ag.Value(0.7), ag.Value(-1.3)
et = (ea * eb + ea).tanh()
et.backward()
assert abs(t.data - et.data) < 1e-12
assert abs(a.grad - ea.grad) < 1e-12 and abs(b.grad - eb.grad) < 1e-12
h = 1e-6
assert abs(a.grad - (math.tanh((0.7 + h) * -1.3 + 0.7 + h) - math.tanh((0.7 - h) * -1.3 + 0.7 - h)) / (2 * h)) < 1e-8
print("tanh: gradients match the engine and finite differences")
"""),
("md", """
**Exercise 2.** Find the bug in this backward pass, and fix it. It runs `_backward`
from the output down, without a topological sort. Compare its gradients for example 1
with the ones above to see that it is wrong; then explain which node makes it wrong
(hint: x1 and x2 are used twice too, but they are leaves; which node used twice
has inputs of its own?).
"""),
("code", """
def backward_buggy(root):
    root.grad = 1.0
    stack = [root]
    while stack:
        v = stack.pop()
        v._backward()
        stack.extend(v._prev)

C_b, w_b = example1(Value)
backward_buggy(C_b)
for name in START:
    print(f"dC/d{name}:  buggy {w_b[name].grad:.9f}   correct {w[name].grad:.9f}   "
          f"ratio {w_b[name].grad / w[name].grad:.4f}")
"""),
("code", """
# Solution (try it yourself before reading on)
# d feeds d * d twice, so the stack holds d twice and d._backward runs twice: the second
# time it passes its gradient on again, and every node below it runs again, passing on all
# it holds by then, including what it already passed on. The error compounds along the
# way (the ratios above). A node must run once, after all its consumers: the topological
# order guarantees that.
def backward_fixed(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:                              # topological order with an explicit stack
        v, children_done = stack.pop()
        if children_done:
            order.append(v)
        elif v not in seen:
            seen.add(v)
            stack.append((v, True))
            stack.extend((child, False) for child in v._prev)
    root.grad = 1.0
    for v in reversed(order):
        v._backward()

C_f, w_f = example1(Value)
backward_fixed(C_f)
print("fixed dC/dw53:", round(w_f["w53"].grad, 9))
"""),
("code", """
for name in START:
    assert abs(w_f[name].grad - w_ag[name].grad) < 1e-12, name
print("fixed backward: all six gradients match autograd_core.Value")
"""),
]
