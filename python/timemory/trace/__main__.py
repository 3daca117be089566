"""python -m timemory.trace [options] [--] script.py [args...]
python -m timemory.trace [options] -m module [args...]

Run a script or a module as __main__ under the line tracer (console script:
timemory-python-trace); the outputs are written when it ends, however it ends, and its exit
status is the command's. -o PATH: where the results go (a folder; 'prof.out' names the folder
'prof'); -s KEY: the order of the entries (inclusive, self, count, name). Unlike the original
timemory command line, -s is the sort key (setup file: --setup), as in cProfile.
--help lists the rest.
"""

import sys


def main(argv=None):
    from timemory.profiler._cli import main as _main

    return _main("trace", argv)


if __name__ == "__main__":
    sys.exit(main())
