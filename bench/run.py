"""python bench/run.py [options]: the same as `python -m bench`, from anywhere."""
import os
import runpy
import sys

# NOTE: before numpy is imported, or its BLAS pool starts with one thread per core and fights torch's
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
runpy.run_module("bench", run_name="__main__", alter_sys=True)
