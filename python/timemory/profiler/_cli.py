"""The command lines ``python -m timemory.profiler`` and ``python -m timemory.trace`` (console
scripts ``timemory-python-profiler`` / ``timemory-python-trace``): run a script or a module as
``__main__``, with its own arguments, under the profiler or the tracer, then write the outputs.

    python -m timemory.profiler [options] [--] script.py [script arguments]
    python -m timemory.profiler [options] -m module [module arguments]

As with cProfile, kernprof, pyinstrument and viztracer: the script runs through
``runpy.run_path`` as a real ``__main__`` module (its functions pickle, so multiprocessing
works), with ``sys.argv = [script, args...]`` and ``sys.path[0]`` its folder; ``-m module``
runs through ``runpy.run_module(alter_sys=True)``; ``-o`` names where the results go and
``-s`` their order; the program's exit status (``sys.exit(3)``, ``sys.exit("message")``, an
uncaught exception) is the command's, and the results are written in every case. Options
end at the script's name, ``-m module`` or ``--``: what follows is the program's.

Where the peers' short options and the original timemory's collide, the peers' meaning wins:
``-m`` is the module (the original's ``-m/--max-stack-depth`` is ``--max-stack-depth`` /
``--max-depth``) and ``-s`` the sort key (the original's ``-s/--setup`` is ``--setup``).
"""

import argparse
import builtins
import os
import runpy
import sys
import threading

_NAMES = {"profiler": "timemory.profiler", "trace": "timemory.trace"}

#: -s/--sort keys (the engine's setting sort_key takes them and the peers' spellings)
SORT_KEYS = ("inclusive", "self", "count", "name", "none")

# frames of runpy never show in the results (the script's own use of runpy is rare)
_RUNPY_FILES = ("<frozen runpy>", "runpy.py")
# leading frames of an uncaught exception's traceback that Python would not show
_OWN_MODULES = (__name__, "timemory.line_profiler._cli", "runpy", "_frozen_importlib",
                "_frozen_importlib_external")  # fmt: skip


def _str2bool(text):
    value = str(text).strip().lower()
    if value in ("yes", "true", "t", "y", "1", "on"):
        return True
    if value in ("no", "false", "f", "n", "0", "off"):
        return False
    raise argparse.ArgumentTypeError(f"Boolean value expected, not {text!r}")


def _is_bool_text(text):
    try:
        _str2bool(text)
    except argparse.ArgumentTypeError:
        return False
    return True


def _parser(kind, config):
    tool = "profiler" if kind == "profiler" else "trace"
    what = "function profiler" if tool == "profiler" else "line tracer"
    changed = ""
    if tool == "profiler":
        changed = "-m is the module to run (max stack depth: --max-stack-depth, --max-depth) and "
    parser = argparse.ArgumentParser(
        prog=f"python -m timemory.{tool}",
        usage=(
            f"python -m timemory.{tool} [options] [--] script.py [args ...]\n"
            f"       python -m timemory.{tool} [options] -m module [args ...]"
        ),
        description=(
            f"Run a Python script or module as __main__ under the timemory {what} and write "
            "timemory's outputs (text table, JSON, flame graph) when it ends -- also when it "
            "exits with an error. Options end at the script's name, '-m module' or '--'; what "
            "follows is the program's own command line. The program's exit status is the "
            "command's (2 when the script or module does not exist)."
        ),
        epilog=(
            "Changed from the original timemory command line, where the short options of "
            f"cProfile/kernprof/pyinstrument/viztracer collide: {changed}-s is the sort key "
            "(setup file: --setup)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "-m",
        "--module",
        default=None,
        metavar="MODULE",
        help="run a library module as a script, as 'python -m MODULE' does (ends the options)",
    )
    parser.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="PATH",
        help=(
            "where the results go: a folder (an existing one, a name ending in '/', or a name "
            "without a suffix); a file name with a suffix names the folder after its stem: "
            "'-o prof.out' writes prof/wall.txt, prof/wall.json, ..."
        ),
    )
    parser.add_argument(
        "-s",
        "--sort",
        default=None,
        metavar="KEY",
        help=(
            "order of the entries under each caller in the printed table and the files: "
            "inclusive (also cumulative, total), self (also exclusive, tottime), count (also "
            "calls), name, or none (the order of first calls, the default)"
        ),
    )
    parser.add_argument(
        "-c",
        "--components",
        nargs="+",
        default=["wall_clock"],
        metavar="NAME",
        help="components to record (default: wall_clock)",
    )
    parser.add_argument(
        "-d", "--output-dir", default=None, metavar="DIR", help="output folder (as -o DIR/)"
    )
    parser.add_argument(
        "-b",
        "--builtin",
        action="store_true",
        help="only put profile/noprofile/trace/notrace in builtins; the script decorates",
    )
    parser.add_argument(
        "--setup",
        default=None,
        metavar="FILE",
        help="run FILE first (not measured); its names are the script's globals",
    )
    if kind == "profiler":
        add_bool(None, "--trace-c", "trace_c", "profile C functions")
    add_bool("-a", "--include-args", "include_args", "argument values in the labels")
    add_bool("-l", "--include-line", "include_line", "line numbers in the labels")
    add_bool("-f", "--include-file", "include_filename", "file names in the labels")
    add_bool("-F", "--full-filepath", "full_filepath", "full paths instead of base names")
    if kind == "profiler":
        parser.add_argument(
            "--max-stack-depth",
            "--max-depth",
            dest="max_stack_depth",
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


# ------------------------------------------------------------------------------------------
# where our options end


def _option_kinds(parser):
    """{option string: nargs} of every option of the parser."""
    kinds = {}
    for action in parser._actions:  # the public API has no list of the options
        for flag in action.option_strings:
            kinds[flag] = action.nargs
    return kinds


def _looks_like_program(text):
    return text.endswith((".py", ".pyw")) or os.path.isfile(text)


def split_command(parser, argv):
    """(our options, module or None, the program's command line): options end at the first
    word that no option takes (the script), at '-m MODULE' or at '--'."""
    kinds = _option_kinds(parser)
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            return argv[:index], None, argv[index + 1 :]
        if word in ("-m", "--module"):
            if index + 1 >= len(argv):
                return argv, None, []  # argparse says that -m needs its argument
            return argv[:index], argv[index + 1], argv[index + 1 :]
        if word.startswith("--module="):
            return argv[:index], word.split("=", 1)[1], [word.split("=", 1)[1]] + argv[index + 1 :]
        if word.startswith("-m") and not word.startswith("--") and len(word) > 2:
            return argv[:index], word[2:], [word[2:]] + argv[index + 1 :]
        if not word.startswith("-") or word == "-":
            return argv[:index], None, argv[index:]
        flag, attached = word, False
        if word.startswith("--") and "=" in word:
            flag, attached = word.split("=", 1)[0], True
        elif not word.startswith("--") and len(word) > 2:
            flag, attached = word[:2], kinds.get(word[:2], 0) != 0
        nargs = kinds.get(flag, 0)
        index += 1
        if attached or nargs == 0:
            continue
        if nargs is None:  # one value
            index += 1
        elif nargs == "?":
            if index < len(argv) and _is_bool_text(argv[index]):
                index += 1
        else:  # several values: up to the next option or what names the program
            while (
                index < len(argv)
                and not argv[index].startswith("-")
                and not _looks_like_program(argv[index])
            ):
                index += 1
    return argv, None, []


# ------------------------------------------------------------------------------------------
# configuration


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


def output_folder(path):
    """The folder -o PATH names: PATH itself when it is a folder (existing, ending in a
    separator, or without a suffix), else PATH without its suffix ('prof.out' -> 'prof')."""
    path = os.fspath(path)
    if path.endswith(("/", os.sep)) or os.path.isdir(path):
        return path.rstrip("/" + os.sep) or path
    root, suffix = os.path.splitext(path)
    return root if suffix and os.path.basename(root) else path


class ProgramError(Exception):
    """The script or module to run does not exist (exit status 2)."""


def _module_spec(name):
    """The spec of what `python -m name` runs (a package's __main__); ProgramError when there
    is none. Parent packages are imported, as python -m does."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            main = importlib.util.find_spec(f"{name}.__main__")
            if main is None:
                raise ProgramError(
                    f"{name!r} is a package and cannot be directly executed (no __main__)"
                )
            spec = main
    except (ImportError, ValueError) as err:  # a parent package that is missing or broken
        raise ProgramError(f"no module named {name!r} ({err})") from None
    if spec is None:
        raise ProgramError(f"no module named {name!r}")
    if spec.loader is None or not hasattr(spec.loader, "get_code"):
        raise ProgramError(f"{name!r} has no code to run (a namespace package?)")
    return spec


def _configure_skips(config, main_file):
    """runpy's frames (folders and zip files run through it) are left out; a __main__.py run
    as the program (a default skip: the command lines' own) is measured."""
    config.skip_filenames = list(_RUNPY_FILES)
    if main_file and os.path.basename(main_file) == "__main__.py":
        kept = [name for name in config.skip_filenames if name != "__main__.py"]
        config.clear("skip_filenames")
        config.skip_filenames = kept


# ------------------------------------------------------------------------------------------
# running the program


def _trimmed(tb):
    """The traceback from the program's first frame on (this module's and runpy's frames,
    which Python would not show, left out)."""
    while tb is not None and tb.tb_frame.f_globals.get("__name__") in _OWN_MODULES:
        tb = tb.tb_next
    return tb


def _report(exc):
    """Prints an uncaught exception as Python does (through sys.excepthook)."""
    tb = _trimmed(exc.__traceback__)
    exc.with_traceback(tb)  # printers read the exception's own traceback when tb is None
    try:
        sys.excepthook(type(exc), exc, tb)
    except Exception:  # noqa: BLE001 - a broken hook: the default one, as Python falls back
        sys.__excepthook__(type(exc), exc, tb)


def _exit_status(code):
    """The status of SystemExit(code), printing a message as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(f"{code}\n")
    except Exception:  # noqa: BLE001
        pass
    return 1


def _join_threads():
    """Waits for the program's non-daemon threads, as Python does before it exits."""
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon and thread.is_alive():
            thread.join()


#: the module that was __main__ before the program's (kept alive: its globals stay usable)
_previous_main: list[object] = []


class _Program:
    """What runs as __main__, made as runpy.run_path / run_module(alter_sys=True) make it:
    a new module in sys.modules["__main__"] with runpy's attributes, argv[0] the file. The code
    is read or compiled here, before the measurement, so that runpy's own work (pkgutil, path
    hooks, find_spec) is not in the results. Folders and zip files with a __main__.py go
    through runpy.run_path itself."""

    def __init__(self, module=None, script=None):
        self.module_name, self.script = module, script
        self.spec = self.code = None
        if module is not None:
            self.spec = _module_spec(module)
            self.file = self.spec.origin
        else:
            self.file = script
        self.through_runpy = module is None and not os.path.isfile(script)

    def measured_file(self):
        """The file whose code runs as __main__ (a folder's or zip file's __main__.py)."""
        return os.path.join(self.file, "__main__.py") if self.through_runpy else self.file

    def load(self):
        """Reads or compiles the code (SyntaxError and the like propagate)."""
        if self.through_runpy:
            return
        if self.spec is not None:
            self.code = self.spec.loader.get_code(self.spec.name)
            if self.code is None:
                raise ProgramError(f"{self.module_name!r} has no code to run")
            return
        import io

        with io.open_code(self.script) as handle:
            data = handle.read()
        import importlib.util

        if data[:4] == importlib.util.MAGIC_NUMBER:  # a compiled script, as run_path reads it
            import marshal

            self.code = marshal.loads(data[16:])
        else:
            self.code = compile(data, self.script, "exec")

    def run(self, init_globals):
        if self.through_runpy:
            runpy.run_path(self.script, init_globals=init_globals, run_name="__main__")
            return
        import types

        main = types.ModuleType("__main__")
        namespace = main.__dict__
        if init_globals:
            namespace.update(init_globals)
        spec = self.spec
        namespace.update(
            __name__="__main__",
            __file__=self.file,
            __cached__=spec.cached if spec else None,
            __doc__=None,
            __loader__=spec.loader if spec else None,
            __package__=spec.parent if spec else None,
            __spec__=spec,
            __builtins__=builtins,
        )
        _previous_main.append(sys.modules.get("__main__"))
        sys.modules["__main__"] = main
        sys.argv[0] = self.file
        exec(self.code, namespace)


def _setup_globals(path):
    """The names the --setup file defines (it runs before the program, unmeasured)."""
    namespace = {"__name__": "__setup__", "__file__": path, "__builtins__": builtins}
    with open(path, "rb") as handle:
        exec(compile(handle.read(), path, "exec"), namespace, namespace)
    return {k: v for k, v in namespace.items() if not (k.startswith("__") and k.endswith("__"))}


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
    name = _NAMES[kind]

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(kind, Config)
    options, module, command = split_command(parser, argv)
    args = parser.parse_args(options)
    # an unknown component is an error before anything runs (the valid ones are not dropped)
    from timemory.libs import libpytimemory as _lib

    for component in args.components or []:
        try:
            _lib.parse_components(component)
        except ValueError as err:
            parser.error(str(err))
    if args.sort is not None:
        try:
            _lib.settings_set_text("sort_key", args.sort)
        except ValueError:
            parser.error(
                f"argument -s/--sort: unknown key {args.sort!r} (use {', '.join(SORT_KEYS)}; "
                "or cProfile's cumulative, tottime, calls)"
            )
    if not command:
        parser.error("no script or module given: name a script, or '-m module'")

    script = None
    if module is None:
        if not os.path.exists(command[0]):
            print(f"{name}: no such file: {command[0]!r}", file=sys.stderr)
            return 2
        script = os.path.abspath(command[0])
        command[0] = script
    if args.setup and not os.path.isfile(args.setup):
        print(f"{name}: no such file: {args.setup!r} (--setup)", file=sys.stderr)
        return 2
    # as `python script.py` / `python -m module`: the script's folder (the current one for a
    # module) first on the path, before the module is looked up
    sys.path[0:1] = [os.path.dirname(script) if script else os.getcwd()]
    try:
        program = _Program(module, script)
    except ProgramError as err:
        print(f"{name}: {err}", file=sys.stderr)
        return 2

    base = os.path.basename(script or module).replace("_", "-").replace("--", "-")
    timemory.settings.output_path = f"timemory-{base}{suffix}"
    timemory.initialize(command)
    if args.sort is not None:
        _lib.settings_set_text("sort_key", args.sort)  # checked above
    _apply(kind, args, Config)
    if args.timeline:
        timemory.settings.timeline = True
    _configure_skips(Config, program.measured_file())
    print(f"[timemory]> {verb}: {command}")
    sys.stdout.flush()

    output_dir = args.output_dir or os.environ.get("TIMEMORY_OUTPUT_PATH")
    if args.output:
        output_dir = output_folder(args.output)
    if output_dir:
        timemory.settings.output_path = output_dir
    os.environ["TIMEMORY_OUTPUT_PATH"] = str(timemory.settings.output_path)

    sys.argv = list(command)

    exit_code = 0
    session = None
    try:
        init_globals = _setup_globals(args.setup) if args.setup else None
        program.load()
        if args.builtin:
            instance = tool(args.components)
            for word in ("profile", "trace"):
                builtins.__dict__[word] = instance
            for word in ("noprofile", "notrace"):
                builtins.__dict__[word] = fake()
        else:
            session = tool(args.components)
            session.start()
        try:
            program.run(init_globals)
        finally:
            try:
                _join_threads()
            finally:
                if session is not None:  # before a traceback is printed: not measured
                    session.stop()
    except SystemExit as err:
        exit_code = _exit_status(err.code)
    except KeyboardInterrupt as err:
        _report(err)
        exit_code = 130
    except BaseException as err:  # noqa: BLE001 - report the program's error, write the outputs
        _report(err)
        exit_code = 1
    finally:
        sys.stdout.flush()
        timemory.finalize()
    return exit_code
