"""Shared fixtures: a seeded numpy Generator per test, and a quieter hypothesis profile."""
import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("project", max_examples=25, deadline=None)
settings.load_profile("project")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
