"""Shared by the ONNX export tests: an exported model's outputs under ONNX Runtime against our forward."""
import numpy as np

import autograd_core as ag
from autograd_core.pytree import tree_flatten


def assert_runtime_matches(session, fn, names, make_inputs, batches):
    """For each batch size, ONNX Runtime's outputs of `session` on `make_inputs(batch)` (fed as `names`)
    equal `fn`'s on the same arrays, output by output (a tuple or nested result flattened), to 1e-5."""
    for batch in batches:
        xs = make_inputs(batch)
        got = session.run(None, dict(zip(names, xs)))
        want = [t.data for t in tree_flatten(fn(*[ag.tensor(x) for x in xs]))[0]]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
