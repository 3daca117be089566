"""The line tracer: ``Tracer`` (decorator, context manager, run/runctx/runcall), ``Config`` and
``TraceBundle``.

``Tracer`` subclasses the extension's ``TracerSession`` (as cProfile.Profile subclasses
_lsprof.Profiler): the session's state and lifecycle are C; it adds ``configure()`` and the
decorator form. Override any method in a subclass and the others call it.

The hooks are C callbacks (the static methods of ``TracerSession``). For every selected
function the tracer shows each of its source lines (blank lines, comments and doc-strings
left out) as one flat entry labelled ``<source line>   [func/file.py:NN]``: COUNT = times the
line ran, SUM = time from that line's start to the next line event of the thread (time in
traced functions it calls excluded); the ``def`` line shows the calls and their inclusive
time; lines never run are listed with empty cells. This module computes the labels, once per
code object (``_LineLabels``); the C side does the rest.
"""

import ast as _ast
import dis as _dis
import inspect as _inspect
import linecache as _linecache
import os as _os
import sys as _sys
import textwrap as _textwrap

from ..libs import libpytimemory as _lib
from ..libs._errors import report_errors as _report_errors
from ..profiler._hooks import PACKAGE_DIR as _PACKAGE_DIR
from ..profiler._hooks import FakeSession as _FakeSession
from ..profiler._hooks import HookBundle as _HookBundle
from ..profiler._hooks import SessionDecorator as _SessionDecorator
from ..profiler._hooks import component_list, make_config_type, scope_flags, warn_replaced  # noqa: F401
from ..profiler._hooks import get_setting as _setting
from ..profiler._hooks import hook_config_type as _hook_config_type
from ..profiler._hooks import valid_components as _valid_components

__all__ = [
    "Tracer",
    "FakeTracer",
    "Config",
    "TraceBundle",
    "tracer_function",
    "tracer_init",
    "tracer_finalize",
    "config",
    "trace",
    "notrace",
]

_Session = _lib.TracerSession

tracer_function = _Session._function

_TRACER_FIELDS = {
    "include_internal": "trace the functions of the timemory package",
    "include_args": "kept for compatibility: line labels carry no argument values",
    "include_line": "append ':<line>' inside the label's brackets",
    "include_filename": "append '/<file>' inside the label's brackets",
    "full_filepath": "use the full path instead of the file's base name",
    "verbosity": "logging level",
    "only_functions": "trace only these function names (setting adds to the set)",
    "only_filenames": "trace only these files: base names or full paths (adds)",
    "skip_functions": "never trace these function names (adds)",
    "skip_filenames": "never trace these files: base names or full paths (adds)",
}


Config = _hook_config_type(
    _Session,
    """Tracer configuration (static properties). Setting a list property ADDS to the set;
    ``Config.clear("only_filenames")`` empties one, ``Config.clear()`` restores the defaults.""",
    _TRACER_FIELDS,
    __name__,
)

config = Config


# ------------------------------------------------------------------------------------------
# labels


class _File:
    """A source file as the tracer labels it: every line, padded to the widest line seen when
    the file was first met, with ``[func/file:NN]`` right-aligned (func: the function that
    caused the file to be read, as the seed shows it; NN zero-padded to the digits of the
    file's line count). A file first met in module-level code names, for each line, the
    function or class it is in (``<module>`` for the module's own lines)."""

    def __init__(self, filename, func, width):
        self.raw = [line.rstrip("\n\r") for line in _linecache.getlines(filename)]
        self.lines = [line.strip("\n\r\t") for line in self.raw]
        longest = max((len(line) for line in self.lines), default=0)
        self.width = max(width, longest + 1)
        self.digits = len(str(len(self.lines))) if self.lines else 1
        self.func = func
        self.owners = _line_owners(self.raw) if func == "<module>" else {}
        self.filename = filename

    def label(self, lineno, include_filename, include_line, full_filepath, max_width, margin):
        bracket = self.owners.get(lineno, self.func)
        if include_filename:
            name = self.filename if full_filepath else _os.path.basename(self.filename)
            bracket += f"/{name}"
        if include_line:
            bracket += f":{lineno:0{self.digits}d}"
        bracket = f"[{bracket}]"
        source = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        width = self.width
        # keep the bracket visible: the table cuts cells longer than max_width
        room = max_width - len(bracket) - 1 - margin
        if room > 20 and len(source) > room:
            source = source[: room - 3] + "..."
            width = room
        elif room > 20:
            width = min(width, room)
        pad = max(0, max_width - width - len(bracket) - margin)
        return f"{source:<{width}}{'':>{pad}} {bracket}"


class _LineLabels:
    """code -> (first line, def line, labels, listed): called by the C tracer once per traced
    code object."""

    def __init__(self):
        self.files = {}
        self.width = 0
        self.cache = {}

    def __call__(self, code):
        max_width = int(_setting("max_width", 120) or 120)
        margin = 3 + 3 * bool(_setting("collapse_threads", True))
        margin += 3 * bool(_setting("collapse_processes", True))
        cfg = _Session._config()
        options = (cfg["include_filename"], cfg["include_line"], cfg["full_filepath"])
        key = (code, options, max_width, margin)
        result = self.cache.get(key)
        if result is None:
            result = self.cache[key] = self._compute(code, options, max_width, margin)
        return result

    def _compute(self, code, options, max_width, margin):
        filename = code.co_filename
        info = self.files.get(filename)
        if info is None:
            # reading the file may let another thread label a code object of the same file:
            # the first one stored wins
            info = self.files.setdefault(filename, _File(filename, code.co_name, self.width))
            self.width = max(self.width, info.width)
        first, body, def_line = self._function_lines(code, info)
        last = max(body) if body else first
        for lineno in _code_lines(code):
            last = max(last, lineno)
            if lineno < first:
                first = lineno
        labels = []
        listed = []
        for lineno in range(first, last + 1):
            labels.append(info.label(lineno, *options, max_width, margin))
            listed.append(lineno in body)
        return (first, def_line, tuple(labels), tuple(listed))

    @staticmethod
    def _function_lines(code, info):
        """(first line, set of lines to show, def line or -1) from the source."""
        lines = info.raw
        if not lines:
            first = code.co_firstlineno
            return first, set(_code_lines(code)), -1
        if code.co_name == "<module>":
            start, block = 1, lines
        else:
            start = code.co_firstlineno
            try:
                block = [line + "\n" for line in _inspect.getblock(
                    [line + "\n" for line in lines[start - 1 :]]
                )]  # fmt: skip
            except Exception:  # noqa: BLE001 - tokenizer errors on odd sources
                block = lines[start - 1 : start]
            block = [line.rstrip("\n") for line in block]
        docstrings = _docstring_lines(block, start)
        body = set()
        def_line = -1
        for offset, text in enumerate(block):
            lineno = start + offset
            stripped = text.strip()
            if not stripped or stripped.startswith("#") or lineno in docstrings:
                continue
            body.add(lineno)
            if def_line < 0 and code.co_name != "<module>":
                if stripped.startswith(("def ", "async def ", "class ")):
                    def_line = lineno
        return start, body, def_line


def _line_owners(lines):
    """{line number: name of the innermost function or class whose definition (decorators
    included) spans it}; {} when the source does not parse."""
    try:
        tree = _ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return {}
    owners = {}
    kinds = (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.ClassDef)
    for node in _ast.walk(tree):  # breadth first: an inner definition overrides its outer one
        if isinstance(node, kinds) and getattr(node, "end_lineno", None):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            for lineno in range(first, node.end_lineno + 1):
                owners[lineno] = node.name
    return owners


def _code_lines(code):
    """Lines that have instructions."""
    try:
        if hasattr(code, "co_lines"):
            return {line for _, _, line in code.co_lines() if line is not None}
        return {line for _, line in _dis.findlinestarts(code)}
    except Exception:  # noqa: BLE001
        return set()


def _docstring_lines(block, start):
    """Line numbers of the doc-strings of the definitions in block (absolute numbers)."""
    try:
        tree = _ast.parse(_textwrap.dedent("\n".join(block)))
    except SyntaxError:
        return {
            start + offset
            for offset, text in enumerate(block)
            if text.strip().startswith(('"""', "'''", 'r"""', "r'''"))
        }
    result = set()
    kinds = (_ast.Module, _ast.FunctionDef, _ast.AsyncFunctionDef, _ast.ClassDef)
    for node in _ast.walk(tree):
        if not isinstance(node, kinds) or not node.body:
            continue
        head = node.body[0]
        if (
            isinstance(head, _ast.Expr)
            and isinstance(head.value, _ast.Constant)
            and isinstance(head.value.value, str)
        ):
            end = getattr(head, "end_lineno", head.lineno)
            result.update(range(start + head.lineno - 1, start + end))
    return result


_line_labels = _LineLabels()
_Session._set_line_info(_line_labels)


#: called before a tracing session takes the tracer: timemory.line_profiler hands over the
#: data it keeps there and leaves its mode
_claim_hooks = []


def _claim():
    for hook in _claim_hooks:
        hook()


_Session._set_claim(_claim)  # also run as a Tracer session ends


def tracer_init():
    """Prepare a tracing session: records the timemory package folder, forgets earlier
    decisions and marks the tracer running (``Config._is_running``)."""
    _claim()
    _Session._init(_PACKAGE_DIR)


def tracer_finalize():
    """End the tracing session: removes the hooks if installed and stores the line entries."""
    _claim()
    warn_replaced("trace", _Session._finalize(), _Session)
    _report_errors("at Tracer.stop", stacklevel=3)


class TraceBundle(_HookBundle):
    """TraceBundle(func, file, line, extra=[]) -- the component set of the tracer, also usable
    on its own: key ``"<func>@<file>:<line>"`` (+ ``"/" + "/".join(extra)``).
    ``configure(components, flat_profile, timeline_profile)`` sets what traced lines record
    (line entries are always flat)."""

    @staticmethod
    def configure(components=(), flat_profile=True, timeline_profile=False):
        """Set the components (empty: wall_clock) of traced lines."""
        components = list(components) or ["wall_clock"]
        mask = _lib.parse_components(components)
        scope = scope_flags(flat_profile, timeline_profile)
        TraceBundle._mask, TraceBundle._scope = mask, scope
        _Session._configure(mask)

    @staticmethod
    def reset():
        """Remove the configured components."""
        TraceBundle._mask = TraceBundle._scope = 0


# ------------------------------------------------------------------------------------------
# Tracer


class Tracer(_SessionDecorator, _Session):
    """Tracer(components=[], **kwargs) -- trace the lines of the functions called while it
    runs: as a decorator, a context manager, or with start()/stop(), run(cmd),
    runctx(cmd, globals, locals) and runcall(func, *args, **kwargs).

    components: a list of names, one name, or a callable returning them (joined with
    settings.trace_components). debug=True prints what start() and configure() do.

    A subclass may override any method: start() calls self.is_enabled() and self.configure(),
    the context manager, the decorator and run/runctx/runcall call self.start() and
    self.stop()."""

    def configure(self):
        """Start a tracing session with this tracer's components."""
        tracer_init()
        names = component_list(self.components, "trace_components")
        try:
            TraceBundle.configure(names, True, False)
        except Exception as err:  # noqa: BLE001
            print(f"[timemory.trace]> {err}", file=_sys.stderr)
            TraceBundle.configure(_valid_components(names), True, False)
        if self.debug:
            print(f"[timemory.trace]> components: {names}", file=_sys.stderr)


class FakeTracer(_FakeSession):
    """FakeTracer(*args, **kwargs) -- the Tracer interface doing nothing (notrace)."""


trace = Tracer
notrace = FakeTracer
