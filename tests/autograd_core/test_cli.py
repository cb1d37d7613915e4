"""The autograd-core command line, run as a subprocess in a temporary folder."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "autograd_core", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_demo_trains_saves_and_prints_the_cost_table(tmp_path):
    result = run("demo", "--epochs", "2", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout and "forward mode (JVP)" in result.stdout
    files = os.listdir(tmp_path / "out")
    assert "mlp.npz" in files and any(f.startswith("graph.") for f in files)


@pytest.mark.parametrize("model", ["mlp", "cnn", "lstm", "gru"])
def test_train_each_model(tmp_path, model):
    result = run("train", "--model", model, "--epochs", "1", "--lr", "0.01", "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout and (tmp_path / "o" / f"{model}.npz").exists()


def test_graph_of_an_expression_and_of_a_model(tmp_path):
    result = run("graph", "--expr", "x*y + tanh(x) ** 2", "--values", "x=2,y=-1", "--out", "g", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert any(f.startswith("expression.") for f in os.listdir(tmp_path / "g"))
    result = run("graph", "--model", "cnn", "--max-nodes", "15", "--out", "g", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_cost(tmp_path):
    result = run("cost", "--n", "8", "--m", "2", cwd=tmp_path)
    assert result.returncode == 0 and "f: R^8 -> R^2" in result.stdout


@pytest.mark.parametrize("args", [
    [], ["fly"], ["train", "--model", "transformer"], ["train", "--epochs", "-3"], ["cost", "--n", "zero"],
    ["graph", "--expr", "__import__('os').system('true')"], ["graph", "--expr", "x +"],
    ["graph", "--expr", "x*y", "--values", "z=1"],
])
def test_bad_arguments_give_usage_and_no_traceback(tmp_path, args):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr
