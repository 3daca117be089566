"""timem / pytimem / python -m timemory.timem: run a command and report what it used.

    timem [options] [--] command [arguments]

The report goes to stderr (the command keeps stdout); ``-o FILE`` also writes it as JSON
(``timemory-plotter -f FILE`` draws it, ``-T`` prints it). The exit status is the command's,
or 128 + the signal that ended it, as shells report it; 127 when the command is not found,
126 when it cannot be run, 2 for bad options.
"""

import argparse
import os
import sys

_EPILOG = """\
environment:
  TIMEM_SAMPLE_FREQ     default of --sample-freq
  TIMEM_SAMPLE_DELAY    default of --sample-delay
  TIMEM_USE_SHELL       run the command through $SHELL (like --shell)
  TIMEM_USE_SHELL_OPTIONS  default of --shell-flags
  TIMEMORY_TIMING_UNITS, TIMEMORY_MEMORY_UNITS, TIMEMORY_WIDTH, TIMEMORY_PRECISION
                        units and layout of the report

examples:
  timem sleep 2
  timem -o run.json -- python3 train.py --epochs 3
  timem -s -- 'make -j4 && ./test'
"""


def _env_float(name, default):
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        return float(text)
    except ValueError:
        print(f"timem: ignoring {name}={text!r} (not a number)", file=sys.stderr)
        return default


def _truthy(text):
    return str(text).strip().lower() in ("1", "on", "true", "t", "yes", "y")


def _parser():
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    parser = argparse.ArgumentParser(
        prog=name if name in ("timem", "pytimem") else "timem",
        usage="%(prog)s [options] [--] command [arguments]",
        description="Run a command and report (on stderr) its wall, user, system and CPU\n"
        "time, CPU utilization, peak resident set (the kernel's, and the sampled peak of\n"
        "its whole process tree), page faults, context switches and bytes read and written.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="also write the measurements as JSON to FILE ('-': stdout), for timemory-plotter",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of text"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print no report")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="also describe the sampling"
    )
    parser.add_argument("--debug", action="store_true", help="same as -v")
    parser.add_argument(
        "-f",
        "--sample-freq",
        type=float,
        default=_env_float("TIMEM_SAMPLE_FREQ", 100.0),
        metavar="HZ",
        help="samples of the process tree's memory per second (default: 100; <= 0: none)",
    )
    parser.add_argument(
        "--sample-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between samples (instead of --sample-freq)",
    )
    parser.add_argument(
        "-d",
        "--sample-delay",
        type=float,
        default=_env_float("TIMEM_SAMPLE_DELAY", 0.0),
        metavar="SECONDS",
        help="wait this long before the first sample (default: 0)",
    )
    parser.add_argument(
        "--disable-sample", action="store_true", help="do not sample the process tree"
    )
    parser.add_argument(
        "-s",
        "--shell",
        nargs="?",
        const="",
        default="" if _truthy(os.environ.get("TIMEM_USE_SHELL", "")) else None,
        metavar="SHELL",
        help="run the command line through SHELL -c (default: $SHELL, else /bin/sh); put "
        "'--' before the command",
    )
    parser.add_argument(
        "--shell-flags",
        default=os.environ.get("TIMEM_USE_SHELL_OPTIONS", ""),
        metavar="FLAGS",
        help="flags for the shell, one string (e.g. '-i')",
    )
    parser.add_argument(
        "-e",
        "--events",
        "--papi-events",
        nargs="+",
        metavar="EVENT",
        help="hardware counters to count on the command through perf_event (task-clock, "
        "page-faults, cycles, perf::TASK-CLOCK, ...; comma or space separated)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _command(args):
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if args.shell is None:
        return command
    import shlex

    shell = args.shell or os.environ.get("SHELL") or "/bin/sh"
    return [shell, *shlex.split(args.shell_flags), "-c", " ".join(command)]


def _events(values):
    """-e values: names separated by spaces or commas, each once."""
    names = []
    for value in values or ():
        names += [name for name in value.replace(",", " ").split() if name]
    return list(dict.fromkeys(names))


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    command = _command(args)
    if not [arg for arg in args.command if arg != "--"]:
        parser.error("no command to run")
    events = _events(args.events)
    interval = args.sample_interval
    if interval is None:
        interval = 1.0 / args.sample_freq if args.sample_freq > 0 else None
    sample = not args.disable_sample and interval is not None and interval > 0

    import errno

    from . import LaunchError, run

    try:
        result = run(
            command,
            interval=interval if sample else 0.01,
            delay=args.sample_delay,
            sample=sample,
            forward_signals=True,
            events=events,
        )
    except LaunchError as err:
        if err.errno == errno.ENOENT:
            print(f"timem: {command[0]}: command not found", file=sys.stderr)
            return 127
        print(f"timem: {command[0]}: {err.strerror}", file=sys.stderr)
        return 126
    except ValueError as err:  # an unknown hardware counter
        print(str(err), file=sys.stderr)
        return 2
    except (OSError, RuntimeError) as err:
        print(f"timem: {err}", file=sys.stderr)
        return 126

    verbose = args.verbose or args.debug
    if not args.quiet:
        if args.json:
            import json

            sys.stderr.write(json.dumps(result.to_json(), indent=2) + "\n")
        else:
            sys.stderr.write(result.report() + "\n")
            if verbose:
                sys.stderr.write(_sampling_text(result) + "\n")
        sys.stderr.flush()
    if args.output:
        if args.output == "-":
            import json

            sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
            sys.stdout.flush()
        else:
            try:
                result.write_json(args.output)
            except OSError as err:
                print(f"timem: cannot write '{args.output}': {err}", file=sys.stderr)
                return result.returncode or 1
            if not args.quiet:
                print(f"[timem]> Outputting '{args.output}'...", file=sys.stderr)
    return result.returncode


def _sampling_text(result):
    tree = result.tree
    if tree is None:
        return "[timem]> the process tree was not sampled"
    lines = [
        f"[timem]> {tree.samples} samples of the process tree every "
        f"{tree.interval * 1e3:g} ms: {len(tree.seen)} process(es), at most "
        f"{tree.max_processes} at once; sampling took {tree.cost * 1e3:.3f} ms"
    ]
    if tree.error is not None:
        lines.append(f"[timem]> sampling stopped early: {tree.error}")
    if result.orphans:
        lines.append(f"[timem]> {result.orphans} orphaned descendant(s) reaped by timem")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
