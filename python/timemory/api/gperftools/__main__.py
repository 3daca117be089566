"""python -m timemory.api.gperftools [--heap] [-o FILE] -- command ...: run under gperftools."""

import argparse
import sys

from . import cpu_profiler, heap_profiler


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m timemory.api.gperftools")
    parser.add_argument("--heap", action="store_true", help="heap profiler instead of CPU")
    parser.add_argument("-o", "--output", default=None, help="profile file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- command [args]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    try:
        if args.heap:
            return heap_profiler(command, args.output or "gperf.heap.prof")
        return cpu_profiler(command, args.output or "gperf.cpu.prof")
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
