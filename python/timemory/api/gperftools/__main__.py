"""python -m timemory.api.gperftools [options] -- command ...: run under gperftools.

Without a command, -i FILE post-processes an existing profile of the program -E EXE.
"""

import argparse
import sys

from . import cpu_profiler, heap_profiler, utils


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    command = []
    if "--" in argv:
        command = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    parser = argparse.ArgumentParser(
        prog="python -m timemory.api.gperftools",
        description="Run a command under gperftools' CPU or heap profiler: "
        "python -m timemory.api.gperftools [options] -- command [args]",
    )
    parser.add_argument("-t", "--type", choices=("cpu_profiler", "heap_profiler"),
                        default="cpu_profiler", help="which profiler (default: %(default)s)")
    parser.add_argument("--heap", action="store_true", help="same as -t heap_profiler")
    parser.add_argument("-f", "--frequency", type=int, default=250,
                        help="CPU samples per second (default: %(default)s)")
    parser.add_argument("-r", "--realtime", type=int, default=1,
                        help="1: wall-clock timer, 0: CPU time (default: %(default)s)")
    parser.add_argument("-m", "--malloc-stats", type=int, default=0, help="MALLOCSTATS level")
    parser.add_argument("-s", "--selected", type=int, default=0, help="PROFILESELECTED")
    parser.add_argument("-o", "--output-prefix", default=None,
                        help="profile folder prefix (default: cpu.prof / heap.prof)")
    parser.add_argument("-g", "--generate", nargs="*", default=["text"],
                        choices=sorted(utils.GENERATE), help="pprof reports to write")
    parser.add_argument("-a", "--args", nargs="*", default=["--functions"],
                        help="options passed to pprof")
    parser.add_argument("-n", "--no-preload", action="store_true",
                        help="do not preload the library (the program links it)")
    parser.add_argument("-i", "--input", default=None, help="existing profile to post-process")
    parser.add_argument("-E", "--exe", default=None, help="the program of --input")
    args = parser.parse_args(argv)  # fmt: skip
    kind = "heap_profiler" if args.heap else args.type
    try:
        if not command:
            if args.input is None or args.exe is None:
                parser.error("no command given (-- cmd args), nor -i PROFILE -E EXE")
            for path in utils.post_process(args.exe, args.input, args.generate, args.args).values():
                print(path)
            return 0
        if kind == "heap_profiler":
            code, files = heap_profiler.execute(
                command, args.output_prefix or "heap.prof", preload=not args.no_preload,
                generate=args.generate, args=args.args)  # fmt: skip
            for path in files:
                print(f"[timemory.api.gperftools] heap profile: {path}", file=sys.stderr)
            return code
        code, profile = cpu_profiler.execute(
            command, args.output_prefix or "cpu.prof", args.frequency, args.malloc_stats,
            args.realtime, not args.no_preload, args.selected, args.generate, args.args)  # fmt: skip
        print(f"[timemory.api.gperftools] cpu profile: {profile}", file=sys.stderr)
        return code
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
