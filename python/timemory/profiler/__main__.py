"""python -m timemory.profiler [options] [--] script.py [args...] -- run a script under the
function profiler (console script: timemory-python-profiler)."""

import sys


def main(argv=None):
    from timemory.profiler._cli import main as _main

    return _main("profiler", argv)


if __name__ == "__main__":
    sys.exit(main())
