"""The two tests every argument-error table runs (tests/*/test_*_argument_errors.py), from its CASES.

A row is (id, our call, torch's same call or None, expected exception type, words the message must contain).
"""
import pytest


def table_tests(cases, kinds=(TypeError, ValueError)):
    """(test that our call raises the expected type naming the argument, test that torch raises the same type)."""
    @pytest.mark.parametrize("ours, expected, words", [(c[1], c[3], c[4]) for c in cases], ids=[c[0] for c in cases])
    def test_bad_argument_is_named_at_the_call(ours, expected, words):
        with pytest.raises(expected) as error:
            ours()
        assert type(error.value) in kinds
        assert words in str(error.value)

    @pytest.mark.torch
    @pytest.mark.parametrize("theirs, expected", [(c[2], c[3]) for c in cases if c[2] is not None],
                             ids=[c[0] for c in cases if c[2] is not None])
    def test_torch_raises_the_same_type(theirs, expected):
        torch = pytest.importorskip("torch")
        with pytest.raises(expected):
            theirs(torch)

    return test_bad_argument_is_named_at_the_call, test_torch_raises_the_same_type
