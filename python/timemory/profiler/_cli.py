"""The command lines ``python -m timemory.profiler`` and ``python -m timemory.trace`` (console
scripts ``timemory-python-profiler`` / ``timemory-python-trace``): run a script as __main__,
with its own arguments, under the profiler or the tracer, then write the outputs."""

import argparse
import builtins
import os
import sys
import traceback


def _str2bool(text):
    value = str(text).strip().lower()
    if value in ("yes", "true", "t", "y", "1", "on"):
        return True
    if value in ("no", "false", "f", "n", "0", "off"):
        return False
    raise argparse.ArgumentTypeError(f"Boolean value expected, not {text!r}")


def _split_command(argv, takes_file=("-s", "--setup")):
    """(options, script argv): after "--", else from the first existing file on."""
    if "--" in argv:
        index = argv.index("--")
        return argv[:index], argv[index + 1 :]
    for index, arg in enumerate(argv):
        if index > 0 and argv[index - 1] in takes_file:
            continue
        if not arg.startswith("-") and os.path.isfile(arg):
            return argv[:index], argv[index:]
    return argv, []


def _parser(kind, config):
    tool = "profiler" if kind == "profiler" else "trace"
    parser = argparse.ArgumentParser(
        prog=f"python -m timemory.{tool}",
        usage=f"python -m timemory.{tool} [options] [--] script.py [script arguments]",
        description=(
            f"Run a Python script under the timemory {'function profiler' if tool == 'profiler' else 'line tracer'}"
            " and write timemory's outputs (text table, JSON, flamegraph) when it ends."
        ),
    )
    defaults = config.as_dict()

    def add_bool(short, long, field, help_text):
        flags = [flag for flag in (short, long) if flag]
        parser.add_argument(
            *flags,
            type=_str2bool,
            nargs="?",
            const=True,
            default=defaults[field],
            metavar="BOOL",
            help=f"{help_text} (default: {defaults[field]})",
        )

    parser.add_argument(
        "-c",
        "--components",
        nargs="+",
        default=["wall_clock"],
        metavar="NAME",
        help="components to record (default: wall_clock)",
    )
    parser.add_argument("-d", "--output-dir", default=None, metavar="DIR", help="output folder")
    parser.add_argument(
        "-b",
        "--builtin",
        action="store_true",
        help="only put profile/noprofile/trace/notrace in builtins; the script decorates",
    )
    parser.add_argument("-s", "--setup", default=None, metavar="FILE", help="run FILE first")
    if kind == "profiler":
        add_bool(None, "--trace-c", "trace_c", "profile C functions")
    add_bool("-a", "--include-args", "include_args", "argument values in the labels")
    add_bool("-l", "--include-line", "include_line", "line numbers in the labels")
    add_bool("-f", "--include-file", "include_filename", "file names in the labels")
    add_bool("-F", "--full-filepath", "full_filepath", "full paths instead of base names")
    if kind == "profiler":
        parser.add_argument(
            "-m",
            "--max-stack-depth",
            type=int,
            default=defaults["max_stack_depth"],
            metavar="INT",
            help=f"deepest call nesting recorded (default: {defaults['max_stack_depth']})",
        )
    parser.add_argument("--skip-funcs", nargs="+", default=[], metavar="NAME",
                        help="function names never recorded")  # fmt: skip
    parser.add_argument("--skip-files", nargs="+", default=[], metavar="NAME",
                        help="file names or paths never recorded")  # fmt: skip
    parser.add_argument("--only-funcs", nargs="+", default=[], metavar="NAME",
                        help="record only these function names")  # fmt: skip
    parser.add_argument("--only-files", nargs="+", default=[], metavar="NAME",
                        help="record only these file names or paths")  # fmt: skip
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        default=defaults["verbosity"],
        metavar="INT",
        help="logging level",
    )
    _add_timeline_option(parser)
    return parser


def _add_timeline_option(parser):
    # the per-call timeline (settings.timeline): <output folder>/timeline.json
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="also record every call's start and end per thread and write timeline.json, a "
        "Chrome/Perfetto trace (open it in ui.perfetto.dev; TIMEMORY_TIMELINE_CAPACITY: "
        "events kept per thread)",
    )


def _apply(kind, args, config):
    config.include_args = args.include_args
    config.include_line = args.include_line
    config.include_filename = args.include_file
    config.full_filepath = args.full_filepath
    config.verbosity = args.verbosity
    if kind == "profiler":
        config.trace_c = args.trace_c
        config.max_stack_depth = args.max_stack_depth
    if args.skip_funcs:
        config.skip_functions = args.skip_funcs
    if args.skip_files:
        config.skip_filenames = args.skip_files
    if args.only_funcs:
        config.only_functions = args.only_funcs
    if args.only_files:
        config.only_filenames = args.only_files


def main(kind, argv=None):
    """Entry of both command lines; kind is "profiler" or "trace". Returns the exit code."""
    os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")
    import timemory

    if kind == "profiler":
        from timemory.profiler import Config, FakeProfiler, Profiler

        tool, fake, suffix, verb = Profiler, FakeProfiler, "-profiler-output", "profiling"
    else:
        from timemory.trace import Config, FakeTracer, Tracer

        tool, fake, suffix, verb = Tracer, FakeTracer, "-trace-output", "tracing"

    argv = list(sys.argv[1:] if argv is None else argv)
    options, command = _split_command(argv)
    parser = _parser(kind, Config)
    args = parser.parse_args(options)
    # an unknown component is an error before anything runs (the valid ones are not dropped)
    from timemory.libs import libpytimemory as _lib

    for name in args.components or []:
        try:
            _lib.parse_components(name)
        except ValueError as err:
            parser.error(str(err))
    if not command:
        raise RuntimeError(
            "Could not determine input script. Use '--' before the script and its arguments "
            "when the first argument is not an existing file"
        )
    script = os.path.abspath(command[0])
    if not os.path.isfile(script):
        raise RuntimeError(f"Could not determine input script: {command[0]!r} is not a file")
    command[0] = script

    base = os.path.basename(script).replace("_", "-").replace("--", "-")
    timemory.settings.output_path = f"timemory-{base}{suffix}"
    timemory.initialize(command)
    _apply(kind, args, Config)
    if args.timeline:
        timemory.settings.timeline = True
    print(f"[timemory]> {verb}: {command}")
    sys.argv = list(command)

    output_dir = args.output_dir or os.environ.get("TIMEMORY_OUTPUT_PATH")
    if output_dir:
        timemory.settings.output_path = output_dir
    output_dir = timemory.settings.output_path
    os.environ["TIMEMORY_OUTPUT_PATH"] = str(output_dir)

    sys.path.insert(0, os.path.dirname(script))
    namespace = {
        "__name__": "__main__",
        "__file__": script,
        "__builtins__": builtins,
        "__package__": None,
        "__cached__": None,
        "__spec__": None,
    }
    exit_code = 0
    try:
        if args.setup:
            with open(args.setup) as handle:
                exec(compile(handle.read(), args.setup, "exec"), namespace, namespace)
        with open(script, "rb") as handle:
            code = compile(handle.read(), script, "exec")
        if args.builtin:
            instance = tool(args.components)
            for name in ("profile", "trace"):
                builtins.__dict__[name] = instance
            for name in ("noprofile", "notrace"):
                builtins.__dict__[name] = fake()
            exec(code, namespace, namespace)
        else:
            tool(args.components).runctx(code, namespace, namespace)
    except SystemExit as err:
        exit_code = err.code if isinstance(err.code, int) else (0 if err.code is None else 1)
    except KeyboardInterrupt:
        exit_code = 130
    except Exception:  # noqa: BLE001 - report the script's error, still write the outputs
        traceback.print_exc()
        exit_code = 1
    finally:
        timemory.finalize()
    return exit_code
