"""The small GPT's source under PyTorch: autograd_cli/gpt.py with only its three import lines changed.

Used by tests/nn/test_gpt.py and the benchmark's torch column, so both run the very class body
this package trains (needs torch installed).
"""
import sys
import types
from pathlib import Path

from . import gpt

IMPORTS = {"import autograd_core as torch  #": "import torch  #",
           "import nn  #": "import torch.nn as nn  #",
           "import nn.functional as F  #": "import torch.nn.functional as F  #"}


def gpt_under_pytorch():
    """A fresh module holding gpt.py's GPTConfig and GPT (and its blocks) built from torch.nn."""
    source = Path(gpt.__file__).read_text()
    for ours, theirs in IMPORTS.items():
        if source.count(ours) != 1:
            raise RuntimeError(f"gpt_under_pytorch: expected the line {ours!r} once in {gpt.__file__}")
        source = source.replace(ours, theirs)
    module = types.ModuleType("gpt_under_pytorch")
    module.__file__ = gpt.__file__
    sys.modules[module.__name__] = module  # dataclasses look their class's module up while it is defined
    try:
        exec(compile(source, gpt.__file__, "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module
