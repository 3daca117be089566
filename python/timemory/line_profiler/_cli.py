"""The command line ``python -m timemory.line_profiler`` (console script
``timemory-python-line-profiler``): kernprof's options on timemory's line profiler.

    python -m timemory.line_profiler -l [-v] [-o FILE] [options] script.py [args ...]
    python -m timemory.line_profiler -l [-v] [options] -m module [args ...]
    python -m timemory.line_profiler results.lprof [...]     # print saved results

With ``-l`` the program runs as a real ``__main__`` (timemory.profiler._cli's runner, as
``python script.py`` / ``python -m module`` run it) with ``profile`` -- a LineProfiler -- in
builtins, so ``@profile`` decorates functions, ``with profile:`` profiles a block and
``profile.enable()``/``disable()`` switch it; the results are written to the ``.lprof`` file
(``-o``, default ``<script or module>.lprof``) however the program ends, and printed with
``-v``. Without ``-l``, as kernprof with cProfile, the program runs under timemory's function
profiler (python -m timemory.profiler; ``-o`` names its output). The program's exit status is
the command's.
"""

import argparse
import builtins
import os
import sys
import threading

from ..profiler import _cli as _runner

NAME = "timemory.line_profiler"


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _wrapped(text):
    import textwrap

    return textwrap.fill(text, 79)


def _parser():
    from timemory import version

    parser = argparse.ArgumentParser(
        prog="python -m timemory.line_profiler",
        usage=(
            "python -m timemory.line_profiler [options] [--] script.py [args ...]\n"
            "       python -m timemory.line_profiler [options] -m module [args ...]\n"
            "       python -m timemory.line_profiler [-u UNIT] [-z] results.lprof [...]"
        ),
        description=_wrapped(
            "Run a Python script or module as __main__ and profile it, with kernprof's "
            "options. -l: line by line -- 'profile' (a timemory LineProfiler) is put in "
            "builtins: decorate functions with @profile, or use 'with profile:' or "
            "profile.enable()/disable(); the results go to the .lprof file (-o) that "
            "'python -m line_profiler' and this command read, and -v prints them. Without "
            "-l the program runs under timemory's function profiler (python -m "
            "timemory.profiler; -o names its output). Options end at the script's name, "
            "'-m module' or '--': what follows is the program's own command line. Given "
            ".lprof files instead of a program, prints them."
        ),
        epilog=_wrapped(
            "Beyond kernprof: --components adds timemory components as columns of the "
            "line-by-line table (e.g. --components peak_rss cpu_clock)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"timemory {version}")
    parser.add_argument(
        "-l",
        "--line-by-line",
        action="store_true",
        help="profile line by line (implies --builtin); without it: timemory's function "
        "profiler",
    )
    parser.add_argument(
        "-b",
        "--builtin",
        action="store_true",
        help="put 'profile' in builtins and profile only what it decorates or enables (the "
        "whole program otherwise, without -l)",
    )
    parser.add_argument(
        "-m",
        "--module",
        default=None,
        metavar="MODULE",
        help="run a library module as a script, as 'python -m MODULE' does (ends the options)",
    )
    parser.add_argument(
        "-o",
        "--outfile",
        default=None,
        metavar="FILE",
        help="where the results go (default: '<script or module>.lprof' with -l; without "
        "-l timemory's output folder, 'prof.out' naming the folder 'prof')",
    )
    parser.add_argument(
        "-s",
        "--setup",
        default=None,
        metavar="FILE",
        help="run FILE first, not profiled; its names are the program's globals",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        "--view",
        action="count",
        default=0,
        help="print the results after the run (-l)",
    )
    parser.add_argument(
        "-q", "--quiet", action="count", default=0, help="no messages about the results file"
    )
    parser.add_argument(
        "-u",
        "--unit",
        type=_positive_float,
        default=1e-6,
        metavar="UNIT",
        help="seconds per unit of the printed times (default: 1e-06, as kernprof; the "
        "files hold nanoseconds)",
    )
    parser.add_argument(
        "-z", "--skip-zero", action="store_true", help="leave out functions never called"
    )
    parser.add_argument(
        "--summarize", action="store_true", help="also print one line per function: its time"
    )
    parser.add_argument(
        "-i",
        "--output-interval",
        type=int,
        nargs="?",
        const=1,
        default=0,
        metavar="SECONDS",
        help="also write the results file every SECONDS (at least 1; 1 if no value) while "
        "the program runs (-l)",
    )
    parser.add_argument(
        "--components",
        nargs="+",
        default=[],
        metavar="NAME",
        help="timemory components shown as extra columns (-l), e.g. peak_rss cpu_clock",
    )
    return parser


def _joined_intervals(argv):
    """'-i N' as '--output-interval=N' (-i takes an optional value: a number after it is
    its value, anything else the program)."""
    result, index = [], 0
    while index < len(argv):
        word = argv[index]
        if word in ("--", "-m", "--module"):
            return result + argv[index:]
        if word in ("-i", "--output-interval") and index + 1 < len(argv):
            if argv[index + 1].isdigit():
                result.append(f"--output-interval={argv[index + 1]}")
                index += 2
                continue
        result.append(word)
        index += 1
    return result


def _show_files(parser, args, files):
    from . import load_stats

    for name in files:
        if not os.path.isfile(name):
            print(f"{NAME}: no such file: {name!r}", file=sys.stderr)
            return 2
    try:
        stats = load_stats(*files)
    except Exception as err:  # noqa: BLE001 - not a results file: say which and why
        print(f"{NAME}: cannot read {', '.join(files)}: {err}", file=sys.stderr)
        return 1
    stats.print(output_unit=args.unit, stripzeros=args.skip_zero, summarize=args.summarize)
    return 0


def _function_profiler(args, module, command):
    """Without -l: the program under timemory's function profiler, kernprof's options
    translated to python -m timemory.profiler's."""
    argv = []
    if args.builtin:
        argv.append("-b")
    if args.outfile:
        argv += ["-o", args.outfile]
    if args.setup:
        argv += ["--setup", args.setup]
    if args.components:
        argv += ["-c", *args.components]
    argv += ["-m", module, *command[1:]] if module else ["--", *command]
    return _runner.main("profiler", argv)


class _Interval(threading.Thread):
    """Writes the results file every interval seconds while the program runs."""

    def __init__(self, interval, write):
        super().__init__(name="timemory.line_profiler output", daemon=True)
        self.interval, self.write = interval, write
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.interval):
            try:
                self.write()
            except Exception as err:  # noqa: BLE001 - keep the program running; say it once
                print(f"{NAME}: writing the results failed: {err}", file=sys.stderr)
                return

    def stop(self):
        self.done.set()
        self.join()


def main(argv=None):
    """Entry of the command line; returns the exit status."""
    os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")
    parser = _parser()
    argv = _joined_intervals(list(sys.argv[1:] if argv is None else argv))
    options, module, command = _runner.split_command(parser, argv)
    args = parser.parse_args(options)
    if args.output_interval < 0:
        parser.error("argument -i/--output-interval: must not be negative")
    if module is None and command and all(word.endswith(".lprof") for word in command):
        return _show_files(parser, args, command)
    if not command:
        parser.error("no script or module given: name a script, or '-m module'")
    from timemory.libs import libpytimemory as _lib

    for component in args.components:
        try:
            _lib.parse_components(component)
        except ValueError as err:
            parser.error(str(err))
    if not args.line_by_line:
        return _function_profiler(args, module, command)

    script = None
    if module is None:
        if not os.path.exists(command[0]):
            print(f"{NAME}: no such file: {command[0]!r}", file=sys.stderr)
            return 2
        script = os.path.abspath(command[0])
        command[0] = script
    if args.setup and not os.path.isfile(args.setup):
        print(f"{NAME}: no such file: {args.setup!r} (--setup)", file=sys.stderr)
        return 2
    sys.path[0:1] = [os.path.dirname(script) if script else os.getcwd()]
    try:
        program = _runner._Program(module, script)
    except _runner.ProgramError as err:
        print(f"{NAME}: {err}", file=sys.stderr)
        return 2
    outfile = args.outfile or f"{os.path.basename(script or module)}.lprof"

    from . import LineProfiler

    profile = LineProfiler(components=args.components)
    builtins.__dict__["profile"] = profile
    sys.argv = list(command)
    stdout = sys.stdout
    interval = None
    if args.output_interval:
        interval = _Interval(max(args.output_interval, 1), lambda: profile.dump_stats(outfile))
    exit_code = 0
    try:
        init_globals = _runner._setup_globals(args.setup) if args.setup else None
        program.load()
        if interval is not None:
            interval.start()
        try:
            program.run(init_globals)
        finally:
            _runner._join_threads()
            while profile.enable_count > 0:  # enabled and never disabled: the run is over
                profile.disable_by_count()
            profile.disable()
    except SystemExit as err:
        exit_code = _runner._exit_status(err.code)
    except KeyboardInterrupt as err:
        _runner._report(err)
        exit_code = 130
    except BaseException as err:  # noqa: BLE001 - report the program's error, write the results
        _runner._report(err)
        exit_code = 1
    finally:
        if interval is not None:
            interval.stop()
        sys.stdout.flush()
        exit_code = _write(profile, outfile, args, stdout, exit_code)
    return exit_code


def _write(profile, outfile, args, stdout, exit_code):
    try:
        profile.dump_stats(outfile)
    except OSError as err:
        print(f"{NAME}: cannot write {outfile!r}: {err}", file=sys.stderr)
        exit_code = exit_code or 1
    else:
        if args.quiet <= 0:
            print(f"Wrote profile results to {outfile!r}", file=stdout)
    if args.verbose > 0:
        profile.print_stats(stream=stdout, output_unit=args.unit, stripzeros=args.skip_zero,
                            summarize=args.summarize)  # fmt: skip
    elif args.quiet <= 0:
        print(f"Inspect results with:\n{os.path.basename(sys.executable)} -m {NAME} "
              f"{outfile}", file=stdout)  # fmt: skip
    stdout.flush()
    return exit_code
