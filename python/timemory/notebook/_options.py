"""The options of the %timemory / %%timemory magics: where they end on the magic's line and
what they mean. No IPython here: the magics (``_magics.py``) turn OptionError into IPython's
UsageError.

Options come first, the statement (line magic) after them. Where they end is decided word by
word, as the profiler's command line does: ``--`` ends them; a word that is not an option
starts the statement; ``-c`` takes the component names that follow it (names the engine
knows, alone or comma-separated), so ``%timemory -c wall_clock cpu_clock fib(20)`` profiles
``fib(20)`` with two components.
"""

import argparse
import re
import shlex

from ..libs import libpytimemory as _lib

# a word of the line: quoted parts and other non-blank characters, as a shell splits words
_WORD = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s"'])+""")
_OPTION = re.compile(r"^(--[A-Za-z][\w-]*(=.*)?|-[A-Za-z]\S*)$")
_NAMES = re.compile(r"^[A-Za-z_][\w,]*$")
_BOOLS = {"yes": True, "true": True, "t": True, "y": True, "1": True, "on": True,
          "no": False, "false": False, "f": False, "n": False, "0": False, "off": False}  # fmt: skip
_HELP_FLAGS = ("-h", "--help")


class OptionError(ValueError):
    """A bad option of the magic (unknown, missing value, wrong value)."""


def _bool(text):
    value = _BOOLS.get(str(text).strip().lower())
    if value is None:
        raise argparse.ArgumentTypeError(f"a boolean is expected, not {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise OptionError(f"{self.prog}: {message}")


def parser():
    """The argparse parser of the options (its help is the magics' usage)."""
    p = _Parser(
        prog="%timemory",
        usage="%%timemory [options] [--] statement\n       %%%%timemory [options]\n       code...",
        description=(
            "Profile a statement (%timemory) or a cell (%%timemory) with timemory's function "
            "profiler, in the user's namespace. The report shows every profiled call path with "
            "its calls, inclusive and self values and share of the total: an HTML table and "
            "the flame graph in a notebook, the terminal summary as text elsewhere. The line "
            "magic returns the statement's value, the cell magic the value of the cell's last "
            "expression; an exception is raised again after the report is shown."
        ),
        add_help=False,
    )
    p.add_argument("-h", "--help", action="store_true", help="show this help")
    p.add_argument(
        "-c",
        "--components",
        nargs="+",
        default=None,
        metavar="NAME",
        help="components to record, exactly these (default: settings.profiler_components, "
        "else global_components, else wall_clock)",
    )
    p.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="FOLDER",
        help="folder of the files (default: timemory-notebook-output/In-<cell number>)",
    )
    p.add_argument(
        "--trace-c",
        type=_bool,
        nargs="?",
        const=True,
        default=None,
        metavar="BOOL",
        help="also profile the C functions called (default: profiler.Config.trace_c)",
    )
    p.add_argument(
        "--max-depth",
        "--max-stack-depth",
        dest="max_depth",
        type=int,
        default=None,
        metavar="INT",
        help="deepest call nesting recorded (default: profiler.Config.max_stack_depth)",
    )
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--tree", dest="flat", action="store_false", default=False,
                       help="the call tree: one entry per call path (the default)")  # fmt: skip
    shape.add_argument("--flat", dest="flat", action="store_true",
                       help="a flat profile: one entry per function")  # fmt: skip
    p.add_argument(
        "-s",
        "--sort",
        default=None,
        metavar="KEY",
        help="order of the entries under each caller: inclusive, self, count, name or none "
        "(the order of first calls; default: settings.sort_key)",
    )
    p.add_argument(
        "--timeline",
        action="store_true",
        help="also record every call's start and end (settings.timeline): timeline.json in "
        "the folder, a Chrome/Perfetto trace",
    )
    return p


def usage():
    """The help text of the magics."""
    return parser().format_help()


def _is_component(word):
    parts = [part for part in word.split(",") if part]
    return bool(parts) and all(_lib.component_find(part) is not None for part in parts)


def _not_a_component(word):
    """OptionError for a word after -c that names no component: the close names."""
    bad = next(part for part in word.split(",") if part and _lib.component_find(part) is None)
    close = _lib.component_suggest(bad)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return OptionError(
        f"%timemory: unknown component {bad!r}{hint} (a statement that follows -c NAME... "
        "needs -- before it)"
    )


def split_line(line, cell=False):
    """(option words, statement): the line's options (unquoted) and the raw text after them.
    -c takes the words that name components (cell: every word up to the next option, as the
    cell magic's line has no statement)."""
    options = {}
    for action in parser()._actions:  # the public API has no list of the options
        for flag in action.option_strings:
            options[flag] = action
    words = list(_WORD.finditer(line))
    taken = []
    index = 0
    while index < len(words):
        match = words[index]
        word = match.group()
        if word == "--":
            return taken, line[match.end() :].strip()
        if not _OPTION.match(word):
            return taken, line[match.start() :].strip()
        flag, _, attached = word.partition("=")
        if flag not in options and not flag.startswith("--") and flag[:2] in options:
            flag, attached = flag[:2], word[2:]  # -cwall_clock, -ofolder
        action = options.get(flag)
        if action is None:
            raise OptionError(f"%timemory: unknown option {word!r} (see %timemory -h)")
        taken.append(_unquote(word))
        index += 1
        if attached or isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            continue
        if action.nargs == "+":
            start = index
            while index < len(words):
                word = words[index].group()
                if _OPTION.match(word) or word == "--":
                    break
                if not cell and not _is_component(word):
                    if index == start and _NAMES.match(word) and index + 1 < len(words):
                        raise _not_a_component(word)  # -c wal_clock fib(3)
                    break
                taken.append(word)
                index += 1
        elif action.nargs == "?":
            if index < len(words) and words[index].group().lower() in _BOOLS:
                taken.append(words[index].group())
                index += 1
        elif index < len(words):
            taken.append(_unquote(words[index].group()))
            index += 1
    return taken, ""


def _unquote(word):
    try:
        parts = shlex.split(word)
    except ValueError:
        return word
    return parts[0] if len(parts) == 1 else word


def parse(line, cell=False):
    """(options namespace, statement) of a magic's line. OptionError for a bad option or an
    unknown component."""
    words, statement = split_line(line, cell)
    args = parser().parse_args(words)
    if args.components is not None:
        args.components = [part for item in args.components for part in item.split(",") if part]
        for name in args.components:
            if _lib.component_find(name) is None:
                raise _not_a_component(name)
    return args, statement
