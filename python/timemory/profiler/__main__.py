"""python -m timemory.profiler [options] [--] script.py [args...]
python -m timemory.profiler [options] -m module [args...]

Run a script or a module as __main__ under the function profiler (console script:
timemory-python-profiler); the outputs are written when it ends, however it ends, and its exit
status is the command's. -o PATH: where the results go (a folder; 'prof.out' names the folder
'prof'); -s KEY: the order of the entries (inclusive, self, count, name). Unlike the original
timemory command line, -m is the module to run (max stack depth: --max-stack-depth or
--max-depth) and -s the sort key (setup file: --setup), as in cProfile. --help lists the rest.
"""

import sys


def main(argv=None):
    from timemory.profiler._cli import main as _main

    return _main("profiler", argv)


if __name__ == "__main__":
    sys.exit(main())
