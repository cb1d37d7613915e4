"""Bad paths and options: one line that names the option that was wrong (an --html error never blames --out)."""
import pytest

from autograd_cli.cli import main

# (argv, the option the one-line error must name); the cwd holds a file "a_file" and a folder "a_folder"
CASES = [
    (["graph", "--expr", "x", "--html", "/proc/nonexistent/page.html"], "--html"),
    (["graph", "--expr", "x", "--html", "a_file/page.html"], "--html"),
    (["graph", "--expr", "x", "--html", "a_folder"], "--html"),
    (["graph", "--expr", "x", "--out", "/proc/nonexistent/x"], "--out"),
    (["graph", "--expr", "x", "--out", "a_file"], "--out"),
    (["cost", "--sweep", "/proc/nonexistent/sweep.png"], "--sweep"),
    (["cost", "--sweep", "a_folder"], "--sweep"),
    (["train", "--epochs", "1.5"], "--epochs"),
    (["train", "--lr", "-0.1"], "--lr"),
    (["graph", "--expr", "x", "--max-nodes", "0"], "--max-nodes"),
]


@pytest.mark.parametrize("argv, option", CASES, ids=[" ".join(a[1:]) for a, _ in CASES])
def test_the_error_names_the_option_that_was_wrong(tmp_path, monkeypatch, capsys, argv, option):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "a_folder").mkdir()
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own checks
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1, err
    assert option in err, err
    others = {"--out", "--html", "--sweep"} - {option}
    assert not any(other + " " in err for other in others), err
    assert not (tmp_path / "out").exists(), "nothing is created before the checks"
