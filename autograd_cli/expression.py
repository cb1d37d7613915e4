"""Arithmetic over named scalars for `autograd-core graph --expr`, parsed safely and evaluated by the engine.

Bounded so that any input returns at once or is refused: at most MAX_CHARACTERS of text
and MAX_NODES syntax nodes (which also bounds the nesting), walked without recursion, and
every number is a float64 Tensor (so 9**9**9**9 is inf with numpy's overflow warning, never
an endless Python integer power).
"""
import ast
import warnings

import numpy as np

import autograd_core as ag

MAX_CHARACTERS = 1000
MAX_NODES = 500
FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu")
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
_SYNTAX = f"use numbers, names, + - * / **, parentheses and {', '.join(f + '()' for f in FUNCTIONS)}"


def parse_values(text):
    """{name: float} from "x=2,y=-1"; a one-line ValueError for anything else."""
    values = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, sep, number = (part.strip() for part in item.partition("="))
        if not sep or not name.isidentifier():
            raise ValueError(f"--values: expected name=number pairs such as x=2,y=-1, got {item!r}")
        try:
            values[name] = float(number)
        except ValueError:
            raise ValueError(f"--values: {number!r} is not a number (for {name})") from None
    return values


def evaluate(text, values):
    """(root, {name: leaf}, warnings): the expression as a 0-d float64 Tensor with its named leaves.

    Names take their value from `values` (1.0 if absent). Numeric trouble (overflow, x/0)
    gives inf or NaN as numpy does; the warnings come back as one-line texts.
    """
    body = _parse(text)
    leaves, results = {}, {}
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        stack = [(body, False)]
        while stack:
            node, operands_done = stack.pop()
            operands = _operands(node)
            if not operands_done:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(operands))  # left operand first
                continue
            args = [results.pop(id(child)) for child in operands]
            results[id(node)] = _apply(node, args, leaves, values)
    root = results[id(body)]
    if not leaves:
        raise ValueError("--expr: the expression has no names to differentiate (write e.g. x*2, not 3*2)")
    unknown = set(values) - set(leaves)
    if unknown:
        raise ValueError(f"--values: names not in the expression: {', '.join(sorted(unknown))}")
    return root, leaves, _messages(caught)


def gradients(root):
    """Run backward from `root`; returns the one-line texts of any numpy warnings it raised."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        root.backward(retain_graph=True)  # kept for drawing the graph with its gradients
    return _messages(caught)


def _messages(caught):
    return list(dict.fromkeys(str(w.message) for w in caught))


def _parse(text):
    """The expression's syntax tree, refused if too long or too big."""
    if len(text) > MAX_CHARACTERS:
        raise ValueError(f"--expr: {len(text):,} characters, more than the {MAX_CHARACTERS:,} allowed")
    try:
        body = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"--expr: not a valid expression: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError("--expr: nested too deeply for the parser") from None
    count, stack = 0, [body]
    while stack:
        count += 1
        if count > MAX_NODES:
            raise ValueError(f"--expr: too large (more than {MAX_NODES} numbers, names and operators)")
        stack.extend(_operands(stack.pop()))
    return body


def _operands(node):
    """The sub-expressions `node` applies to; a one-line ValueError for anything unsupported."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return []
    if isinstance(node, ast.Name):
        return []
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return [node.operand]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id not in FUNCTIONS:
            raise ValueError(f"--expr: unknown function {node.func.id!r}; the functions are {', '.join(FUNCTIONS)}")
        if len(node.args) != 1 or node.keywords:
            raise ValueError(f"--expr: {node.func.id}() takes exactly one argument")
        return [node.args[0]]
    raise ValueError(f"--expr: {_what(node)} is not supported; {_SYNTAX}")


def _what(node):
    """A short name for an unsupported piece of syntax."""
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r}"[:60]
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return f"the operator {type(node.op).__name__}"
    return f"{type(node).__name__} syntax"


def _apply(node, args, leaves, values):
    if isinstance(node, ast.Constant):
        try:
            return ag.tensor(float(node.value), dtype=np.float64)
        except OverflowError:
            raise ValueError(f"--expr: the number {str(node.value)[:20]}... is too large for a float") from None
    if isinstance(node, ast.Name):
        if node.id not in leaves:
            leaves[node.id] = ag.tensor(values.get(node.id, 1.0), dtype=np.float64, requires_grad=True, name=node.id)
        return leaves[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](*args)
    if isinstance(node, ast.UnaryOp):
        return -args[0] if isinstance(node.op, ast.USub) else args[0]
    return getattr(args[0], node.func.id)()
