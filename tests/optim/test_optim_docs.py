"""docs/optim.md: the regularization snippet runs and shows what its text claims, checked with values."""
import pathlib
import re

import numpy as np
import pytest

import nn.functional as F
import optim

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "optim.md"
SNIPPETS = [s for s in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S) if s.startswith("import")]


@pytest.fixture(scope="module")
def snippet():
    """The names the doc's one complete snippet defines, after running it."""
    assert len(SNIPPETS) == 1
    names = {"__name__": "docs_optim"}
    exec(compile(SNIPPETS[0], str(DOC), "exec"), names)
    return names


def test_l2_penalty_in_the_loss_trains_exactly_as_weight_decay(snippet):
    start, _, _ = snippet["model_and_groups"](seed=1, weight_decay=0.0)
    for p, q, p0 in zip(snippet["model_l2"].parameters(), snippet["model_wd"].parameters(), start.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-5, atol=1e-6)
        assert np.abs(q.data - p0.data).max() > 1e-2  # both trained: the agreement is not two untouched models


def test_l1_penalty_pushes_more_weights_to_zero_than_training_without_it(snippet):
    model, weights, groups = snippet["model_and_groups"](seed=1, weight_decay=0.0)
    opt = optim.SGD(groups, lr=0.1)
    for _ in range(300):
        opt.zero_grad()
        F.cross_entropy(model(snippet["x"]), snippet["y"]).backward()
        opt.step()
    without_l1 = sum(int((np.abs(w.data) < 1e-2).sum()) for w in weights)
    assert snippet["small"] >= 3 * max(without_l1, 1)
