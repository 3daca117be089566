"""python -m timemory.trace [options] [--] script.py [args...] -- run a script under the line
tracer (console script: timemory-python-trace)."""

import sys


def main(argv=None):
    from timemory.profiler._cli import main as _main

    return _main("trace", argv)


if __name__ == "__main__":
    sys.exit(main())
