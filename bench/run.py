"""Same as `python -m bench`: python bench/run.py [options]."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
runpy.run_module("bench", run_name="__main__")
