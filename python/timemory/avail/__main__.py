"""timemory-avail / python -m timemory.avail: the components, settings and hardware counters
of this build of timemory, from the engine's tables.

    timemory-avail [-C] [-S] [-H] [-a] [-b] [-d] [-e] [-l] [-s] [-v] [-f] [-A]
                   [-r REGEX] [-w N] [-c N] [-M | --csv] [-O FILE] [REGEX]
"""

import argparse
import os
import shutil
import sys


def _parser():
    parser = argparse.ArgumentParser(
        prog="timemory-avail",
        description="List what this build of timemory offers: its components (default), "
        "settings and hardware counters, from the engine's own tables.",
    )
    what = parser.add_argument_group("categories")
    what.add_argument(
        "-C", "--components", action="store_true", help="the components (the default)"
    )
    what.add_argument(
        "-S", "--settings", action="store_true", help="the settings and their current values"
    )
    what.add_argument("-H", "--hw-counters", action="store_true", help="the hardware counters")
    what.add_argument(
        "-a", "--all", action="store_true", help="every category with every column"
    )
    columns = parser.add_argument_group("columns")
    columns.add_argument(
        "-b", "--brief", action="store_true", help="no availability (components, counters) "
        "and no values (settings, unless -v)"
    )  # fmt: skip
    columns.add_argument(
        "-d", "--description", action="store_true", help="the descriptions"
    )
    columns.add_argument(
        "-e", "--enum", action="store_true", help="the components' enumeration names"
    )
    columns.add_argument(
        "-l", "--language-types", action="store_true",
        help="the Python classes and accessors (and the settings' command-line flags)",
    )  # fmt: skip
    columns.add_argument(
        "-s", "--string", action="store_true", help="every string id a component accepts"
    )
    columns.add_argument(
        "-v", "--value", action="store_true",
        help="the settings' current values and data types; the components' value types",
    )  # fmt: skip
    columns.add_argument(
        "-f", "--filename", action="store_true", help="the label the output files are named by"
    )
    view = parser.add_argument_group("view")
    view.add_argument(
        "-A", "--alphabetical", action="store_true", help="sort the rows by name"
    )
    view.add_argument(
        "-r", "--filter", metavar="REGEX",
        help="only the rows with a cell that matches REGEX (case-sensitive; e.g. -r true)",
    )  # fmt: skip
    view.add_argument(
        "--hl", "--highlight", dest="highlight", action="store_true",
        help="highlight what the filter matched (text tables)",
    )  # fmt: skip
    view.add_argument(
        "-w", "--width", type=int, default=0, metavar="N",
        help="cut cells longer than N characters (0: never)",
    )  # fmt: skip
    view.add_argument(
        "-c", "--columns", type=int, default=None, metavar="N",
        help="narrow a text table to N characters (default: the terminal's width when "
        "writing to one, else no limit; 0: no limit)",
    )  # fmt: skip
    output = parser.add_argument_group("output")
    style = output.add_mutually_exclusive_group()
    style.add_argument("-M", "--markdown", action="store_true", help="markdown tables")
    style.add_argument("--csv", action="store_true", help="comma-separated values")
    output.add_argument("-O", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "regex", nargs="?", default=None, metavar="REGEX",
        help="only the rows whose name (first column) matches REGEX",
    )  # fmt: skip
    return parser


def _check(pattern, parser):
    import re

    if pattern:
        try:
            re.compile(pattern)
        except re.error as err:
            parser.error(f"bad regular expression {pattern!r}: {err}")
    return pattern


def _write(path, text):
    """Writes text to path whole or not at all."""
    temporary = os.path.join(
        os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.tmp.{os.getpid()}"
    )
    try:
        with open(temporary, "w") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    row_pattern = _check(args.filter, parser)
    name_pattern = _check(args.regex, parser)
    if args.all:
        args.components = args.settings = args.hw_counters = True
        args.description = args.enum = args.language_types = args.string = True
        args.value = args.filename = True
    if not (args.components or args.settings or args.hw_counters):
        args.components = True

    from . import tables

    found = tables(
        components=args.components,
        settings=args.settings,
        hw_counters=args.hw_counters,
        brief=args.brief,
        value=args.value,
        enum=args.enum,
        language=args.language_types,
        string=args.string,
        filename=args.filename,
        description=args.description,
        markdown=args.markdown,
    )
    to_terminal = args.output is None and sys.stdout.isatty()
    total = args.columns
    if total is None:
        total = shutil.get_terminal_size().columns if to_terminal else 0
    parts = []
    for table in found:
        if row_pattern:
            table.filter(row_pattern)
        if name_pattern:
            table.filter(name_pattern, names_only=True)
        if args.alphabetical:
            table.sort()
        table.truncate(args.width)
        if args.csv:
            if not table.rows and table.note:
                print(f"timemory-avail: {table.note}", file=sys.stderr)
            parts.append(table.csv())
        elif args.markdown:
            parts.append(table.markdown())
        else:
            table.fit(total)
            highlight = None
            if args.highlight and to_terminal and (row_pattern or name_pattern):
                highlight = "|".join(f"(?:{p})" for p in (row_pattern, name_pattern) if p)
            parts.append(table.text(highlight))
    text = "\n".join(parts)
    if args.output:
        try:
            _write(args.output, text)
        except OSError as err:
            print(f"timemory-avail: cannot write '{args.output}': {err}", file=sys.stderr)
            return 1
        return 0
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # timemory-avail -S | head
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
