"""`python -m autograd_core ...` runs the command line, which lives above the engine in `autograd_cli`.

Only `-m` runs this file; `import autograd_core` never loads it, so the engine stays free of the layers.
"""
import sys

from autograd_cli.cli import main

sys.exit(main())
