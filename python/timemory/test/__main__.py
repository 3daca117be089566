"""python -m timemory.test: run the package's self-check (writes no output files)."""

import sys

import timemory

from . import run

if __name__ == "__main__":
    timemory.settings.auto_output = False
    sys.exit(0 if run() else 1)
