"""python -m timemory.line_profiler -l [-v] [-o FILE] [options] script.py [args...]
python -m timemory.line_profiler -l [-v] [options] -m module [args...]

kernprof's command line on timemory's line profiler (console script:
timemory-python-line-profiler): -l puts 'profile' (a LineProfiler) in builtins for @profile,
runs the program as __main__, writes <script>.lprof (-o FILE) and prints the results with -v.
Without -l the program runs under timemory's function profiler. Given .lprof files instead
of a program, prints them. --help lists the rest.
"""

import sys


def main(argv=None):
    from timemory.line_profiler._cli import main as _main

    return _main(argv)


if __name__ == "__main__":
    sys.exit(main())
