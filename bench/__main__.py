"""python -m bench [--rounds N] [--only mlp,cnn] [--quick] [--markdown PATH]"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # numpy's and torch's thread pools fight on 2 cores: pin both to one

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import harness  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", default="", help="comma-separated workloads: " + ",".join(harness.TRAINING))
    parser.add_argument("--quick", action="store_true", help="3 rounds, training workloads only")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args(argv)
    only = tuple(filter(None, args.only.split(",")))
    unknown = set(only) - set(harness.TRAINING)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:
        pass
    # NOTE: the objects of imported libraries (torch has many) move out of the collector's
    # reach, so full collections during scalar-engine steps do not rescan them
    gc.freeze()
    rows = harness.run(only, 3 if args.quick else args.rounds, extras=not args.quick)
    table = harness.markdown(rows)
    header = f"Python {platform.python_version()}, numpy {harness.np.__version__}, " \
             f"torch {harness.torch_ref.torch.__version__ if harness.torch_ref.torch else 'absent'}, 1 thread, float32; " \
             f"medians of {3 if args.quick else args.rounds} interleaved rounds\n\n"
    print(header + table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(header + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
