"""docs/optim.md: every complete Python snippet (one that starts with imports) runs."""
import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "optim.md"
SNIPPETS = [s for s in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S) if s.startswith("import")]


def test_the_doc_has_a_runnable_snippet():
    assert SNIPPETS


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippet_runs(snippet):
    exec(compile(snippet, str(DOC), "exec"), {"__name__": "docs_optim"})
