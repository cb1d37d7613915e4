"""python -m bench [--rounds N] [--only NAME[,NAME]] [--quick] [--markdown PATH]: the speed table."""
import os

# NOTE: before numpy is imported, or its BLAS pool starts with one thread per core and fights torch's
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

try:  # noqa: E402
    import autograd_core
except ImportError:  # the report then says the engine is not available
    autograd_core = None

from bench import harness, torch_ref  # noqa: E402


def _header(rounds, pinned):
    torch = torch_ref.torch.__version__ if torch_ref.torch else "absent"
    return (f"Python {platform.python_version()}, numpy {np.__version__}, torch {torch}; float32, one thread"
            f"{'' if pinned else ' (env only: threadpoolctl absent)'}; medians of {rounds} interleaved rounds, "
            "ratios are per-round medians\n\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per workload (default 15)")
    parser.add_argument("--only", default="", help="comma-separated names: " + ",".join(harness.names()))
    parser.add_argument("--quick", action="store_true",
                        help="3 rounds after 1 warm-up, no resident-memory processes: a smoke run")
    parser.add_argument("--markdown", metavar="PATH", help="also write the report to this file")
    args = parser.parse_args(argv)
    only = tuple(filter(None, args.only.split(",")))
    unknown = sorted(set(only) - set(harness.names()))
    if unknown:
        parser.error(f"unknown names {', '.join(unknown)}; choose from {', '.join(harness.names())}")
    rounds, warmup = (3, 1) if args.quick else (args.rounds, 2)
    pinned = harness.pin_threads()
    if autograd_core is not None:
        autograd_core.tune_allocator()  # every implementation in the process then keeps its freed step memory
    # NOTE: imported libraries' objects (torch has many) leave the collector's reach, so the
    # full collections that scalar-engine graphs trigger do not rescan them on the clock
    gc.freeze()
    rows, notes = harness.run(only, rounds, warmup, rss_processes=not args.quick)
    report = _header(rounds, pinned) + harness.markdown(rows, notes)
    print(report)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
