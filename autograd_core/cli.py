"""The `autograd-core` command: demo, train, graph, cost (also `python -m autograd_core`)."""
import argparse
import ast
import os
import shutil
import sys

import numpy as np

import autograd_core as ag
import nn

from . import examples

_FUNCTIONS = {"exp", "log", "tanh", "sigmoid", "relu"}


def _parser():
    parser = argparse.ArgumentParser(prog="autograd-core", description="Reverse-mode autodiff on numpy: demo, training, graphs, cost ledger.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train an MLP on the 8x8 digits end to end, save checkpoint, graph, loss curve, cost table")
    demo.add_argument("--out", default="out", help="output folder (default: ./out)")
    demo.add_argument("--epochs", type=_positive_int, default=8)
    train = sub.add_parser("train", help="train one model on the 8x8 digits")
    train.add_argument("--model", choices=examples.MODELS, default="mlp")
    train.add_argument("--epochs", type=_positive_int, default=5)
    train.add_argument("--lr", type=_positive_float, default=1e-2)
    train.add_argument("--batch-size", type=_positive_int, default=64)
    train.add_argument("--out", default="out")
    graph = sub.add_parser("graph", help="render the computational graph of a model or of an expression")
    what = graph.add_mutually_exclusive_group(required=True)
    what.add_argument("--model", choices=examples.MODELS)
    what.add_argument("--expr", help='an expression of named scalars, e.g. "x*y + tanh(x)"')
    graph.add_argument("--values", default="", help='values for the names, e.g. "x=2,y=-1" (default 1.0)')
    graph.add_argument("--out", default="out")
    graph.add_argument("--max-nodes", type=_positive_int, default=None)
    cost = sub.add_parser("cost", help="forward- vs reverse-mode cost of a dense f: R^n -> R^m")
    cost.add_argument("--n", type=_positive_int, default=32)
    cost.add_argument("--m", type=_positive_int, default=1)
    cost.add_argument("--width", type=_positive_int, default=32)
    return parser


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _save_graph(dot, out, stem):
    """SVG when Graphviz's `dot` exists, DOT text otherwise; returns the path written."""
    os.makedirs(out, exist_ok=True)
    if shutil.which("dot"):
        return dot.render(os.path.join(out, stem), format="svg", cleanup=True)
    path = os.path.join(out, stem + ".dot")
    with open(path, "w") as f:
        f.write(dot.source)
    print("  (Graphviz 'dot' not found: wrote DOT text; apt-get install graphviz for SVG)")
    return path


def _save_curve(losses, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  (matplotlib not installed: no loss curve; pip install matplotlib)")
        return None
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses, lw=1)
    ax.set(xlabel="iteration", ylabel="cross-entropy loss", title="training loss")
    fig.tight_layout()
    path = os.path.join(out, "loss.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _train_and_report(model_name, epochs, lr, batch_size, out):
    x_train, y_train, x_test, y_test, source = examples.load_digits()
    print(f"data: {source}; {len(y_train)} training and {len(y_test)} test images")
    model = examples.build_model(model_name)
    print(f"model: {model_name}, {model.num_parameters():,} parameters")
    losses = examples.train(model, x_train, y_train, epochs=epochs, lr=lr, batch_size=batch_size)
    print(f"test accuracy: {examples.accuracy(model, x_test, y_test):.3f}")
    os.makedirs(out, exist_ok=True)
    ckpt = os.path.join(out, f"{model_name}.npz")
    nn.save(model, ckpt)
    print(f"checkpoint: {ckpt}")
    curve = _save_curve(losses, out)
    if curve:
        print(f"loss curve: {curve}")
    return model, x_test, y_test


def cmd_demo(args):
    model, x_test, y_test = _train_and_report("mlp", args.epochs, 1e-2, 64, args.out)
    loss = nn.functional.cross_entropy(model(ag.tensor(x_test[:8])), y_test[:8])
    loss.backward(retain_graph=True)
    print(f"computation graph: {_save_graph(ag.draw_graph(loss, color_by='grad'), args.out, 'graph')}")
    image = x_test[0]  # float32 like the weights: a float64 input would be a dtype error, as in PyTorch

    def loss_of_pixels(x):
        return nn.functional.cross_entropy(model(x.reshape(1, 8, 8)), y_test[:1])
    print("\nforward vs reverse mode for d loss / d pixels (64 inputs, 1 output):")
    print(ag.compare_modes(loss_of_pixels, image.reshape(64)))


def cmd_train(args):
    _train_and_report(args.model, args.epochs, args.lr, args.batch_size, args.out)


def cmd_graph(args):
    if args.expr is not None:
        root = evaluate_expression(args.expr, _parse_values(args.values))
        root.backward()
        stem = "expression"
    else:
        x_train, y_train, *_ = examples.load_digits()
        model = examples.build_model(args.model)
        root = nn.functional.cross_entropy(model(ag.tensor(x_train[:4])), y_train[:4])
        root.backward(retain_graph=True)
        stem = f"{args.model}_graph"
    print(f"graph: {_save_graph(ag.draw_graph(root, max_nodes=args.max_nodes), args.out, stem)}")


def cmd_cost(args):
    from .cost import dense_test_function
    f = dense_test_function(args.n, args.m, args.width)
    print(ag.compare_modes(f, np.random.default_rng(0).standard_normal(args.n)))


def _parse_values(text):
    values = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, sep, number = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ValueError(f"--values: expected name=number pairs, got {item!r}")
        values[name.strip()] = float(number)
    return values


def evaluate_expression(text, values):
    """Evaluate arithmetic over named scalars with Values, parsing safely (no eval)."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"--expr: not a valid expression: {exc.msg}") from None
    leaves = {}

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in leaves:
                leaves[node.id] = ag.Value(values.get(node.id, 1.0), node.id)
            return leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = ev(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
                and len(node.args) == 1 and not node.keywords):
            arg = ev(node.args[0])
            arg = arg if isinstance(arg, ag.Value) else ag.Value(arg)
            return getattr(arg, node.func.id)()
        raise ValueError(f"--expr: unsupported syntax {ast.dump(node)[:60]}; use numbers, names, + - * / ** "
                         f"and {', '.join(sorted(_FUNCTIONS))}()")
    result = ev(tree)
    if not isinstance(result, ag.Value):
        raise ValueError("--expr: the expression has no names to differentiate")
    unknown = set(values) - set(leaves)
    if unknown:
        raise ValueError(f"--values: names not in the expression: {', '.join(sorted(unknown))}")
    return result


_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}

_COMMANDS = {"demo": cmd_demo, "train": cmd_train, "graph": cmd_graph, "cost": cmd_cost}


def main(argv=None):
    """Entry point; returns the exit status (2 for bad arguments, never a traceback for them)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        _COMMANDS[args.command](args)
    except (ValueError, TypeError) as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
