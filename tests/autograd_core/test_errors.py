"""Bad input raises an exception that names the op and the shapes involved."""
import numpy as np
import pytest

import autograd_core as ag


@pytest.fixture
def x():
    return ag.randn(2, 3, rng=0, requires_grad=True)


def test_broadcast_mismatch_names_op_and_shapes(x):
    with pytest.raises(ValueError, match=r"Add.*\(2, 3\).*\(4,\)"):
        x + ag.ones(4)
    with pytest.raises(ValueError, match=r"Mul.*\(2, 3\).*\(2,\)"):
        x * np.ones(2)


def test_matmul_mismatch(x):
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 3\)"):
        x @ x
    with pytest.raises(ValueError, match="at least one dimension"):
        ag.matmul(ag.tensor(2.0), x)


def test_bad_axis(x):
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of range.*\(2, 3\)"):
        x.sum(axis=2)
    with pytest.raises(ValueError, match="mean: axis -3"):
        x.mean(axis=-3)


def test_bad_reshape_and_transpose(x):
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match="transpose"):
        ag.transpose(x, (0, 0))


def test_bad_index(x):
    with pytest.raises(IndexError, match=r"GetItem.*\(2, 3\)"):
        x[5]
    with pytest.raises(IndexError, match="integer or boolean"):
        x[np.array([0.5])]


def test_concatenate_and_stack_mismatch(x):
    with pytest.raises(ValueError, match="concatenate"):
        ag.concatenate([x, ag.ones(3, 2)], axis=0)
    with pytest.raises(ValueError, match=r"stack.*\(2, 3\).*\(3, 2\)"):
        ag.stack([x, ag.ones(3, 2)])


def test_broadcast_to_and_pad(x):
    with pytest.raises(ValueError, match=r"broadcast_to.*\(2, 3\).*\(4, 4\)"):
        x.broadcast_to((4, 4))
    with pytest.raises(ValueError, match="pad"):
        ag.pad(x, ((1, 1), (1, 1), (1, 1)))


def test_item_of_many_elements(x):
    with pytest.raises(ValueError, match="one-element"):
        x.item()
