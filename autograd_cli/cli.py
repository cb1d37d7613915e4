"""The `autograd-core` command: demo, train, graph, cost, export (also `python -m autograd_cli`, `python -m autograd_core`).

Every failure a user can cause (a bad option, an unwritable --out, a run whose loss
diverges, a missing optional package) ends in one line saying why and a non-zero exit
status (2 for bad input, 1 for a failure while running), never a traceback.
"""
import argparse
import math
import os
import shutil
import sys
import warnings

import numpy as np

import autograd_core as ag
import nn
from autograd_core.cost import dense_test_function

from . import examples, text
from .expression import evaluate, gradients, parse_values

COST_MAX_BYTES = 256 * 2 ** 20  # the Jacobians `cost` holds (both modes) must fit in this
COST_MAX_PASSES = 20_000  # one pass per input (forward mode) plus one per output (reverse mode)
COST_MAX_FLOPS = 2e9  # about a second or two of numpy work
TRAIN_DEFAULTS = {"epochs": 5, "lr": 1e-2, "batch_size": 64}  # the digit classifiers'; text.DEFAULTS for gpt
COST_FUNCTION = "f(x) = tanh(W2 tanh(W1 x)), a two-layer tanh network R^n -> R^m with seeded random weights"


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (with where to find help) instead of a usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows every option's default, except where there is none to show."""

    def _get_help_string(self, action):
        return action.help if action.default is None else super()._get_help_string(action)


def _parser():
    parser = _Parser(prog="autograd-core", formatter_class=_HelpFormatter,
                     description="Reverse-mode autodiff on numpy: a demo, training, graphs and the cost ledger.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,train,graph,cost,export}")

    def command(name, summary):
        return sub.add_parser(name, help=summary, description=summary, formatter_class=_HelpFormatter)

    demo = command("demo", "train an MLP on the 8x8 digits end to end; save the checkpoint, graph and loss curve; "
                           "print the forward- vs reverse-mode cost table")
    demo.add_argument("--out", default="out", help="folder for the checkpoint, graph and loss curve")
    demo.add_argument("--epochs", type=_positive_int, default=8, help="passes over the training images")
    train = command("train", "train one model with Adam and save its checkpoint and loss curve: a classifier of the "
                             "8x8 digits, or (--model gpt) a small GPT on the Zen of Python that then writes a sample")
    train.add_argument("--model", choices=examples.MODELS + ("gpt",), default="mlp", help="which model")
    train.add_argument("--epochs", type=_positive_int, default=None,
                       help=f"passes over the training data (default: {TRAIN_DEFAULTS['epochs']}; "
                            f"gpt: {text.DEFAULTS['epochs']})")
    train.add_argument("--lr", type=_positive_float, default=None,
                       help=f"Adam's (gpt: AdamW's) learning rate, finite and > 0 (default: {TRAIN_DEFAULTS['lr']:g}; "
                            f"gpt: {text.DEFAULTS['lr']:g})")
    train.add_argument("--batch-size", type=_positive_int, default=None,
                       help=f"images (gpt: text windows) per step (default: {TRAIN_DEFAULTS['batch_size']}; "
                            f"gpt: {text.DEFAULTS['batch_size']})")
    train.add_argument("--out", default="out", help="folder for <model>.npz and <model>_loss.png")
    graph = command("graph", "print and draw the computational graph of a model's loss or of an expression "
                             "(with its value and gradients)")
    what = graph.add_mutually_exclusive_group(required=True)
    what.add_argument("--model", choices=examples.MODELS, help="draw this model's cross-entropy on 4 images")
    what.add_argument("--expr", help='an expression of named scalars, e.g. "x*y + tanh(x)"; functions: '
                                     'exp, log, tanh, sigmoid, relu')
    graph.add_argument("--values", default="", help='values for the names, e.g. "x=2,y=-1" (a name not given is 1.0)')
    graph.add_argument("--out", default="out", help="folder for the drawing")
    graph.add_argument("--max-nodes", type=_positive_int, default=None,
                       help="collapse module clusters until at most this many nodes remain (default: draw all)")
    graph.add_argument("--html", metavar="PATH", default=None,
                       help="also write a page that replays the backward pass step by step (default: none)")
    cost = command("cost", f"forward- vs reverse-mode cost of the full Jacobian of {COST_FUNCTION}")
    cost.add_argument("--n", type=_positive_int, default=32, help="inputs: the length of x")
    cost.add_argument("--m", type=_positive_int, default=1, help="outputs: the length of f(x)")
    cost.add_argument("--width", type=_positive_int, default=32, help="hidden units: W1 is width x n, W2 is m x width")
    cost.add_argument("--sweep", metavar="PATH", default=None,
                      help="also draw both modes' passes, ops, FLOPs, time and tape bytes over n and m to this "
                           "image (needs matplotlib; default: none)")
    export = command("export", "write a trained model as ONNX (its checkpoint, or a brief training run when there "
                               "is none) and check the file with ONNX Runtime when it is installed")
    export.add_argument("--model", choices=examples.MODELS + ("gpt",), default="mlp", help="which model")
    export.add_argument("--checkpoint", default=None,
                        help="weights to export (default: out/<model>.npz; trained for one epoch if missing)")
    export.add_argument("--out", default="model.onnx", help="the ONNX file to write")
    return parser


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _writable_folder(out, option="--out"):
    """Create `out` if needed and check it can be written, before any work is done; errors name `option`."""
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{option} {out}: cannot create this folder ({exc.strerror})") from None
    if not os.access(out, os.W_OK):
        raise ValueError(f"{option} {out}: this folder is not writable")
    return out


def _writable_file(path, option):
    """Check, before any work is done, that the file `path` given to `option` can be written; errors name `option`."""
    if os.path.isdir(path):
        raise ValueError(f"{option} {path}: this is a folder; give a file name, e.g. {os.path.join(path, 'page.html')}")
    folder = os.path.dirname(path) or "."
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{option} {path}: cannot create its folder {folder} ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{option} {path}: its folder {folder} is not writable")
    return path


def _save_graph(dot, out, stem):
    """SVG when Graphviz's `dot` exists, DOT text otherwise; returns the path written."""
    if shutil.which("dot"):
        return dot.render(os.path.join(out, stem), format="svg", cleanup=True)
    path = os.path.join(out, stem + ".dot")
    with open(path, "w") as f:
        f.write(dot.source)
    print("  (Graphviz 'dot' not found: wrote DOT text; apt-get install graphviz for SVG)")
    return path


def _save_curve(losses, out, model_name):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  (matplotlib not installed: no loss curve; pip install matplotlib)")
        return None
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses, lw=1)
    ax.set(xlabel="iteration", ylabel="cross-entropy loss", title=f"{model_name}: training loss")
    fig.tight_layout()
    path = os.path.join(out, f"{model_name}_loss.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _train_and_report(model_name, epochs, lr, batch_size, out):
    _writable_folder(out)
    x_train, y_train, x_test, y_test, source = examples.load_digits()
    print(f"data: {source}; {len(y_train)} training and {len(y_test)} test images")
    model = examples.build_model(model_name)
    print(f"model: {model_name}, {model.num_parameters():,} parameters")
    print(f"training: {epochs} epoch(s), batch size {batch_size}, Adam with lr {lr:g}")
    losses = examples.train(model, x_train, y_train, epochs=epochs, lr=lr, batch_size=batch_size)
    print(f"test accuracy: {examples.accuracy(model, x_test, y_test):.3f}")
    ckpt = os.path.join(out, f"{model_name}.npz")
    nn.save(model, ckpt)
    print(f"checkpoint: {ckpt}")
    curve = _save_curve(losses, out, model_name)
    if curve:
        print(f"loss curve: {curve}")
    return model, x_test, y_test


def cmd_demo(args):
    model, x_test, y_test = _train_and_report("mlp", args.epochs, 1e-2, 64, args.out)
    loss = nn.functional.cross_entropy(model(ag.tensor(x_test[:8], name="x")), y_test[:8])
    loss.backward()
    try:
        print(f"computation graph: {_save_graph(ag.draw_graph(loss, color_by='grad'), args.out, 'graph')}")
    except ImportError as exc:
        print(f"  (no computation graph: {exc})")
    image = x_test[0]  # float32 like the weights: a float64 input would be a dtype error, as in PyTorch

    def loss_of_pixels(x):
        return nn.functional.cross_entropy(model(x.reshape(1, 8, 8)), y_test[:1])
    print("\nforward vs reverse mode for d loss / d pixels (64 inputs, 1 output):")
    print(ag.compare_modes(loss_of_pixels, image.reshape(64)))


def cmd_train(args):
    defaults = text.DEFAULTS if args.model == "gpt" else TRAIN_DEFAULTS
    epochs, lr, batch_size = (defaults[k] if getattr(args, k) is None else getattr(args, k)
                              for k in ("epochs", "lr", "batch_size"))
    if args.model == "gpt":
        _train_gpt(epochs, lr, batch_size, args.out)
    else:
        _train_and_report(args.model, epochs, lr, batch_size, args.out)


def _train_gpt(epochs, lr, batch_size, out):
    """Train the small GPT on the Zen of Python, save out/gpt.npz, print a sample; (the model, its vocabulary)."""
    _writable_folder(out)
    zen = text.load_zen()
    vocab = text.Vocabulary(zen)
    model = text.build_gpt(len(vocab))
    config = model.config
    print(f"data: the Zen of Python ({len(zen)} characters, {len(vocab)} distinct), "
          f"{len(zen) - config.block_size} windows of {config.block_size}")
    print(f"model: gpt ({config.n_layer} blocks, {config.n_head} heads, width {config.n_embd}), "
          f"{model.num_parameters():,} parameters")
    print(f"training: {epochs} epoch(s), batch size {batch_size}, AdamW with lr {lr:g}")
    losses = text.train_gpt(model, vocab.encode(zen), epochs=epochs, lr=lr, batch_size=batch_size)
    print(f"final training loss: {losses[-1]:.3f}")
    ckpt = os.path.join(out, "gpt.npz")
    nn.save(model, ckpt)
    print(f"checkpoint: {ckpt}")
    curve = _save_curve(losses, out, "gpt")
    if curve:
        print(f"loss curve: {curve}")
    print("sample:\n" + text.sample(model, vocab, "Beautiful is", 200))
    return model, vocab


def cmd_graph(args):
    if args.html is not None:  # first, so a bad --html leaves no empty --out folder behind
        _writable_file(args.html, "--html")
    _writable_folder(args.out)
    if args.expr is not None:
        root, leaves, trouble = evaluate(args.expr, parse_values(args.values))
        page = ag.explore(root) if args.html is not None else None
        trouble += gradients(root)
        for message in dict.fromkeys(trouble):
            print(f"warning: {message}", file=sys.stderr)
        print(f"f = {root.item():.6g}")
        for name, leaf in leaves.items():
            print(f"df/d{name} = {leaf.grad.item():.6g}")
        stem = "expression"
    else:
        x_train, y_train, *_ = examples.load_digits()
        model = examples.build_model(args.model)
        root = nn.functional.cross_entropy(model(ag.tensor(x_train[:4], name="x")), y_train[:4])
        page = ag.explore(root) if args.html is not None else None
        root.backward()
        print(f"loss of {args.model} on 4 images = {root.item():.6g}")
        stem = f"{args.model}_graph"
    print(f"graph: {_save_graph(ag.draw_graph(root, max_nodes=args.max_nodes), args.out, stem)}")
    if page is not None:
        print(f"backward pass, step by step: {page.save(args.html)}")


def cmd_export(args):
    try:
        from autograd_core import onnx as ag_onnx
    except ImportError as exc:
        raise ImportError(f"{exc} (export needs the optional packages onnx and onnxruntime)") from None
    _writable_folder(os.path.dirname(os.path.abspath(args.out)))
    checkpoint = args.checkpoint or os.path.join("out", f"{args.model}.npz")
    if args.model == "gpt":
        _export_gpt(ag_onnx, checkpoint, args.out)
        return
    x_train, y_train, x_test, y_test, _ = examples.load_digits()
    if os.path.exists(checkpoint):
        model = examples.build_model(args.model)
        model.load_state_dict(nn.load(checkpoint))
        print(f"weights: {checkpoint}")
    else:
        print(f"no checkpoint at {checkpoint}: training {args.model} for one epoch first")
        model, *_ = _train_and_report(args.model, 1, 1e-2, 64, os.path.dirname(checkpoint) or ".")
    sample = x_test[:8]
    ag_onnx.export(model, (sample,), args.out, input_names=["images"], output_names=["logits"],
                   dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
    print(f"ONNX model: {args.out} (input 'images' (batch, 8, 8) float32, output 'logits' (batch, 10))")
    try:
        import onnxruntime
    except ImportError:
        print("  (onnxruntime is not installed, so the file was not run: pip install onnxruntime)")
        return
    model.eval()
    with ag.no_grad():
        ours = model(ag.tensor(x_test)).data
    theirs = onnxruntime.InferenceSession(args.out).run(None, {"images": x_test})[0]
    print(f"checked with ONNX Runtime on {len(x_test)} test images: largest difference from our forward "
          f"{np.abs(theirs - ours).max():.2e}, same predictions: {(theirs.argmax(1) == ours.argmax(1)).mean():.0%}")


def _export_gpt(ag_onnx, checkpoint, path):
    """The GPT's logits for token ids (batch, time), both axes dynamic; checked on other sizes with ONNX Runtime."""
    zen = text.load_zen()
    vocab = text.Vocabulary(zen)
    if os.path.exists(checkpoint):
        model = text.build_gpt(len(vocab))
        model.load_state_dict(nn.load(checkpoint))
        print(f"weights: {checkpoint}")
    else:
        print(f"no checkpoint at {checkpoint}: training gpt for one epoch first")
        model, _ = _train_gpt(1, text.DEFAULTS["lr"], text.DEFAULTS["batch_size"], os.path.dirname(checkpoint) or ".")
    ids, _ = text.windows(vocab.encode(zen), model.config.block_size)
    ag_onnx.export(model, (ids[:4, :-2],), path, input_names=["idx"], output_names=["logits"],
                   dynamic_axes={"idx": {0: "batch", 1: "time"}, "logits": {0: "batch", 1: "time"}})
    print(f"ONNX model: {path} (input 'idx' (batch, time <= {model.config.block_size}) int64, output 'logits' "
          f"(batch, time, {len(vocab)}))")
    try:
        import onnxruntime
    except ImportError:
        print("  (onnxruntime is not installed, so the file was not run: pip install onnxruntime)")
        return
    model.eval()
    session = onnxruntime.InferenceSession(path)
    for batch in (ids[::7], ids[::5, :model.config.block_size // 2]):
        with ag.no_grad():
            ours = model(ag.tensor(batch))[0].data
        theirs = session.run(None, {"idx": batch})[0]
        print(f"checked with ONNX Runtime on {batch.shape[0]} windows of {batch.shape[1]} characters: largest "
              f"difference from our forward {np.abs(theirs - ours).max():.2e}, same next characters: "
              f"{(theirs.argmax(-1) == ours.argmax(-1)).mean():.0%}")


def cmd_cost(args):
    _check_cost_size(args.n, args.m, args.width)
    if args.sweep is not None:
        _writable_file(args.sweep, "--sweep")
    print(f"{COST_FUNCTION}; n = {args.n}, m = {args.m}, width = {args.width}")
    f = dense_test_function(args.n, args.m, args.width)
    print(ag.compare_modes(f, np.random.default_rng(0).standard_normal(args.n)))
    if args.sweep is not None:
        from autograd_core.sweep import write_sweep_figure
        print(f"sweep figure: {write_sweep_figure(args.sweep)}")


def _check_cost_size(n, m, width):
    """Refuse, before allocating anything, sizes whose Jacobians or passes would not fit the limits above."""
    jacobian_bytes = 8 * (3 * n * m + width * (n + m))  # two Jacobians and the columns of one, plus the weights
    flops = 2 * (n + m) * width * (n + m)  # n + m passes, each through both weight matrices
    if jacobian_bytes > COST_MAX_BYTES or n + m > COST_MAX_PASSES or flops > COST_MAX_FLOPS:
        raise ValueError(f"--n {n} --m {m} --width {width} is too large: about {jacobian_bytes / 2 ** 20:,.0f} MiB, "
                         f"{n + m:,} passes and {flops:.1e} FLOPs (limits: {COST_MAX_BYTES // 2 ** 20} MiB, "
                         f"{COST_MAX_PASSES:,} passes, {COST_MAX_FLOPS:.0e} FLOPs)")


_COMMANDS = {"demo": cmd_demo, "train": cmd_train, "graph": cmd_graph, "cost": cmd_cost, "export": cmd_export}


def main(argv=None):
    """Entry point; returns the exit status: 0 done, 2 bad input, 1 failed while running, 130 interrupted."""
    args = _parser().parse_args(argv)
    prog = f"autograd-core {args.command}"
    ag.tune_allocator()  # a training step's freed memory stays for the next step (README: Speed tips)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            _COMMANDS[args.command](args)
    except ValueError as exc:
        return _fail(prog, exc, 2)
    except (examples.Diverged, ImportError, OSError, RuntimeError) as exc:
        return _fail(prog, exc, 1)
    except KeyboardInterrupt:
        return _fail(prog, "interrupted", 130)
    return 0


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """Warnings (numpy's overflow, say) as one line each, without the source line that raised them."""
    print(f"warning: {message}", file=sys.stderr)


def _fail(prog, reason, status):
    print(f"{prog}: error: {' '.join(str(reason).split())}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
