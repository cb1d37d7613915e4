"""The autograd-core command line: every subcommand end to end, and one-line reasons for bad input."""
import argparse
import ast
import importlib
import importlib.util
import os
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest

import nn
from autograd_cli import cli

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, cwd, module="autograd_core", pythonpath=()):
    """The command as a user runs it: a fresh `python -m` process."""
    path = os.pathsep.join([*pythonpath, ROOT, os.environ.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=dict(os.environ, PYTHONPATH=path),
                          capture_output=True, text=True, timeout=300)


def run_here(argv, capsys):
    """The command run in this process (fast): (exit status, stdout, stderr); an exception fails the test."""
    try:
        status = cli.main(argv)
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_demo_trains_saves_and_prints_the_cost_table(tmp_path):
    result = run("demo", "--epochs", "2", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout and "forward mode (JVP)" in result.stdout
    files = os.listdir(tmp_path / "out")
    assert {"mlp.npz"} | _optional("mlp_loss.png", "matplotlib") <= set(files)
    assert any(f.startswith("graph.") for f in files) == _installed("graphviz")


def _installed(package):
    return importlib.util.find_spec(package) is not None


def _optional(name, package):
    """{name} when the optional package that writes it is installed (the command says when it is not)."""
    return {name} if _installed(package) else set()


# One epoch (two for the recurrent models) reaches these on the digits; chance is 0.1.
@pytest.mark.parametrize("model,epochs,least", [("mlp", 1, 0.8), ("cnn", 1, 0.6), ("lstm", 2, 0.5), ("gru", 2, 0.5)])
def test_train_each_model_learns(tmp_path, model, epochs, least):
    result = run("train", "--model", model, "--epochs", str(epochs), "--lr", "0.01", "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"training: {epochs} epoch(s), batch size 64" in result.stdout
    accuracy = float(re.search(r"test accuracy: ([\d.]+)", result.stdout).group(1))
    assert accuracy >= least
    assert {f"{model}.npz"} | _optional(f"{model}_loss.png", "matplotlib") <= set(os.listdir(tmp_path / "o"))
    assert set(nn.load(tmp_path / "o" / f"{model}.npz")) == set(cli.examples.build_model(model).state_dict())


def test_graph_of_an_expression_prints_value_and_gradients_and_draws_it(tmp_path):
    pytest.importorskip("graphviz")
    result = run("graph", "--expr", "x*y + tanh(x) ** 2", "--values", "x=2,y=-1", "--out", "g", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = dict(line.split(" = ") for line in result.stdout.splitlines() if " = " in line)
    t = np.tanh(2.0)
    assert float(printed["f"]) == pytest.approx(-2 + t ** 2, rel=1e-5)
    assert float(printed["df/dx"]) == pytest.approx(-1 + 2 * t * (1 - t ** 2), rel=1e-5)
    assert float(printed["df/dy"]) == pytest.approx(2.0)
    assert any(f.startswith("expression.") for f in os.listdir(tmp_path / "g"))


def test_graph_of_a_model(tmp_path):
    pytest.importorskip("graphviz")
    result = run("graph", "--model", "cnn", "--max-nodes", "15", "--out", "g", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert any(f.startswith("cnn_graph.") for f in os.listdir(tmp_path / "g"))


def test_without_the_graphviz_package_graph_says_so_in_one_line(tmp_path):
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide" / "graphviz.py").write_text("raise ImportError(\"No module named 'graphviz'\")\n")
    result = run("graph", "--expr", "x*3", "--values", "x=2", "--out", "g", cwd=tmp_path,
                 pythonpath=[str(tmp_path / "hide")])
    assert result.returncode == 1
    assert "f = 6\ndf/dx = 3\n" in result.stdout
    assert result.stderr.count("\n") == 1 and "pip install graphviz" in result.stderr


def test_cost_says_what_it_measures(tmp_path):
    result = run("cost", "--n", "8", "--m", "2", cwd=tmp_path, module="autograd_cli")
    assert result.returncode == 0, result.stderr
    assert "tanh(W2 tanh(W1 x))" in result.stdout and "f: R^8 -> R^2" in result.stdout


def test_export_in_an_empty_folder_trains_first_then_uses_the_checkpoint(tmp_path, monkeypatch, capsys):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    monkeypatch.chdir(tmp_path)
    status, out, err = run_here(["export", "--model", "cnn", "--out", "cnn.onnx"], capsys)
    assert status == 0, err
    assert "no checkpoint at out/cnn.npz: training cnn for one epoch first" in out
    assert (tmp_path / "cnn.onnx").exists() and (tmp_path / "out" / "cnn.npz").exists()
    assert "same predictions: 100%" in out
    status, out, err = run_here(["export", "--model", "cnn", "--out", "again.onnx"], capsys)
    assert status == 0 and "weights: out/cnn.npz" in out and "training" not in out


def test_export_gpt_from_its_checkpoint_checks_two_sizes_with_onnxruntime(tmp_path, monkeypatch, capsys):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from autograd_cli import text
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    nn.save(text.build_gpt(len(text.Vocabulary(text.load_zen()))), "out/gpt.npz")  # untrained: no training here
    status, out, err = run_here(["export", "--model", "gpt", "--out", "gpt.onnx"], capsys)
    assert status == 0, err
    assert "weights: out/gpt.npz" in out and (tmp_path / "gpt.onnx").exists()
    checks = [line for line in out.splitlines() if line.startswith("checked with ONNX Runtime")]
    assert len(checks) == 2 and all("same next characters: 100%" in line for line in checks)
    assert all(float(line.split("our forward ")[1].split(",")[0]) < 1e-5 for line in checks)


def test_export_without_onnx_names_the_missing_package_in_one_line(tmp_path):
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide" / "onnx.py").write_text("raise ImportError(\"No module named 'onnx'\")\n")
    result = run("export", cwd=tmp_path, module="autograd_cli", pythonpath=[str(tmp_path / "hide")])
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "'onnx'" in result.stderr and "onnxruntime" in result.stderr
    assert not (tmp_path / "model.onnx").exists()


def test_the_installed_command_is_the_cli_main():
    with open(os.path.join(ROOT, "pyproject.toml")) as f:
        scripts = f.read().split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    (target,) = re.findall(r'^autograd-core = "(.*)"$', scripts, re.M)
    module, function = target.split(":")
    assert getattr(importlib.import_module(module), function) is cli.main


def test_the_engine_never_imports_the_layers_or_the_cli(tmp_path):
    probe = "import sys, autograd_core; print(sorted({m.split('.')[0] for m in sys.modules} & {'nn', 'optim', 'autograd_cli'}))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
    engine = os.path.join(ROOT, "autograd_core")
    for folder, _, files in os.walk(engine):
        for name in files:
            if name.endswith(".py") and name != "__main__.py":  # __main__ only runs for `python -m autograd_core`
                tree = ast.parse(open(os.path.join(folder, name)).read())
                imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
                imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
                assert not {m.split(".")[0] for m in imported} & {"nn", "optim", "autograd_cli"}, name


def _subcommands():
    parser = cli._parser()
    (choices,) = [a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return choices


@pytest.mark.parametrize("name", ["demo", "train", "graph", "cost", "export"])
def test_every_option_has_a_help_text_showing_its_default(name):
    parser = _subcommands()[name]
    text = " ".join(parser.format_help().split())
    for action in parser._actions:
        assert action.help, action.dest
        if action.default is not None and action.default != argparse.SUPPRESS:
            assert f"{' '.join(action.help.split())} (default: {action.default})" in text, action.dest


WIDE_SUM = "+".join(["x"] * 20_000)
BAD_ARGUMENTS = [
    [], ["fly"], ["--epochs", "3"],
    ["demo", "--epochs", "0"], ["demo", "--epochs", "many"], ["demo", "--out", "/proc/nonexistent/x"],
    ["demo", "--colour"],
    ["train", "--model", "transformer"], ["train", "--epochs", "-3"], ["train", "--epochs", "1.5"],
    ["train", "--lr", "inf"], ["train", "--lr", "nan"], ["train", "--lr", "-0.1"], ["train", "--lr", "0"],
    ["train", "--lr", "fast"], ["train", "--batch-size", "0"], ["train", "--out", "/proc/nonexistent/x"],
    ["train", "--out", "a_file"],
    ["graph"], ["graph", "--model", "mlp", "--expr", "x"], ["graph", "--model", "rnn"],
    ["graph", "--expr", "__import__('os').system('true')"], ["graph", "--expr", "x +"], ["graph", "--expr", ""],
    ["graph", "--expr", "x*y", "--values", "z=1"], ["graph", "--expr", "x", "--values", "x=two"],
    ["graph", "--expr", "x", "--values", "x"], ["graph", "--expr", "sin(x)"], ["graph", "--expr", "exp(x, 2)"],
    ["graph", "--expr", "x.real"], ["graph", "--expr", "x[0]"], ["graph", "--expr", "1j*x"], ["graph", "--expr", "3*2"],
    ["graph", "--expr", WIDE_SUM], ["graph", "--expr", "+".join(["x"] * 400)], ["graph", "--expr=" + "-" * 600 + "x"],
    ["graph", "--expr", "x" + "**x" * 300], ["graph", "--expr", "1" + "0" * 400 + "*x"],
    ["graph", "--expr", "x", "--max-nodes", "0"], ["graph", "--expr", "x", "--out", "/proc/nonexistent/x"],
    ["cost", "--n", "zero"], ["cost", "--n", "0"], ["cost", "--m", "-1"], ["cost", "--n", "100000", "--m", "100000"],
    ["cost", "--n", "20000", "--m", "1"], ["cost", "--width", "100000000"],
]


@pytest.mark.parametrize("argv", BAD_ARGUMENTS, ids=[" ".join(a)[:40] for a in BAD_ARGUMENTS])
def test_bad_arguments_give_one_line_and_a_nonzero_exit(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a folder")
    status, out, err = run_here(argv, capsys)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("autograd-core") and "error: " in err, err
    assert out == ""


def test_bad_arguments_in_a_real_process_give_no_traceback(tmp_path):
    result = run("graph", "--expr", "x*9**9**9**9(", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "not a valid expression" in result.stderr


def test_a_diverging_run_stops_with_a_reason_and_keeps_the_good_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    os.mkdir("out")
    nn.save(cli.examples.build_model("mlp"), "out/mlp.npz")
    good = open("out/mlp.npz", "rb").read()
    status, out, err = run_here(["train", "--lr", "1e30", "--epochs", "1", "--out", "out"], capsys)
    assert status == 1
    assert re.fullmatch(r"autograd-core train: error: the loss became (nan|inf) at iteration \d+ \(epoch 1\); "
                        r"stopped without saving: try a smaller learning rate \(--lr\)", err.splitlines()[-1])
    assert "test accuracy" not in out and open("out/mlp.npz", "rb").read() == good
    assert sorted(os.listdir("out")) == ["mlp.npz"]


def test_x_over_zero_is_inf_with_a_one_line_warning(tmp_path, monkeypatch, capsys):
    pytest.importorskip("graphviz")
    monkeypatch.chdir(tmp_path)
    status, out, err = run_here(["graph", "--expr", "x/y", "--values", "x=1,y=0"], capsys)
    assert status == 0
    assert out.splitlines()[:3] == ["f = inf", "df/dx = inf", "df/dy = -inf"]
    assert err == "warning: divide by zero encountered in divide\n"


def test_exp_of_a_thousand_is_inf_with_a_warning(tmp_path, monkeypatch, capsys):
    pytest.importorskip("graphviz")
    monkeypatch.chdir(tmp_path)
    status, out, err = run_here(["graph", "--expr", "exp(x)", "--values", "x=1000"], capsys)
    assert status == 0 and out.startswith("f = inf\ndf/dx = inf\n")
    assert err == "warning: overflow encountered in exp\n"


def _readme_commands():
    with open(os.path.join(ROOT, "README.md")) as f:
        section = f.read().split("## Command line", 1)[1].split("\n## ", 1)[0]
    return [shlex.split(line.split("#")[0])[1:] for line in section.splitlines() if line.startswith("autograd-core ")]


@pytest.mark.parametrize("argv", _readme_commands(), ids=lambda a: " ".join(a)[:30])
def test_the_readme_examples_are_valid_commands(argv, capsys):
    try:
        args = cli._parser().parse_args(argv)
    except SystemExit as exc:  # --help prints and exits 0
        assert exc.code == 0 and "default:" in capsys.readouterr().out
        return
    assert args.command in ("demo", "train", "graph", "cost", "export")


def test_train_gpt_saves_its_checkpoint_and_curve_and_writes_a_sample(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, out, err = run_here(["train", "--model", "gpt", "--epochs", "1", "--batch-size", "64", "--out", "o"], capsys)
    assert status == 0, err
    assert "data: the Zen of Python (856 characters, 45 distinct), 824 windows of 32" in out
    assert "training: 1 epoch(s), batch size 64, AdamW with lr 0.006" in out
    sample = out.split("sample:\n", 1)[1]
    assert sample.startswith("Beautiful is") and len(sample.strip()) >= 100
    state = nn.load("o/gpt.npz")
    assert state["lm_head.weight"].shape == (45, 64) and "transformer.h.1.attn.c_attn.weight" in state
    assert "The Zen of Python" not in out  # the text is read without `import this` printing it
