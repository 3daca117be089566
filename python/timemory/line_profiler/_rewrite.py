"""The line profiler's "rewrite" backend for CPython 3.11 (ext/line_rewrite.c).

CPython 3.11 runs every instruction of a traced thread unspecialised and through its tracing
path: with a trace function that returns at once, delivering the line events cost more than
the line profiler's whole budget. So on 3.11 the selected functions run rewritten instead:
where CPython's tracing would report a line, the rewritten code calls
``line_profiler_line(key)``, and before a return or a yield ``line_profiler_leave(key)``
(key: the original code's id << 20 | line number). The rest of the function is untouched and
keeps its specialised instructions.

Where a line event is due follows CPython 3.11's tracing rule: an instruction reports its line
when it is the first of the function's body (after ``RESUME 0``, even on the ``def`` line),
when it is reached from an instruction of another line, or by a jump backwards (not the
``SEND`` of ``await``/``yield from``), or as an exception handler. Fall-through and jumps into
one instruction can differ; then the jumps that report enter before the call and the others
after it (a ``JUMP_FORWARD`` takes the fall-through past the call when only jumps report).

The bytecode is read and written with the ``bytecode`` package (PyPI, 0.19+; a dependency on
3.11). If it cannot rewrite a function (it raises), that function keeps the traced backend.
"""

import os as _os
import sys as _sys
import types as _types
import weakref as _weakref
from typing import Any

from ..libs import libpytimemory as _lib

_bc: Any = None
try:  # pragma: no cover - depends on the interpreter
    if _sys.version_info[:2] == (3, 11):
        import bytecode as _bc
except ImportError:
    pass

_LINE_BITS = 20
_NO_FALL_THROUGH = frozenset(
    (
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "RETURN_VALUE",
        "RAISE_VARARGS",
        "RERAISE",
    )
)

_cache: "dict[_types.CodeType, _types.CodeType]" = {}  # original code -> rewritten code
_originals: "dict[_types.CodeType, _types.CodeType]" = {}  # rewritten code -> original


def original(code):
    """The original of a rewritten code object (any other code object: itself)."""
    return _originals.get(code, code)


def reason():
    """Why the rewrite backend is not used here ('' when it is)."""
    if _sys.version_info[:2] != (3, 11) or _sys.implementation.name != "cpython":
        return "only CPython 3.11 needs it"
    if _bc is None:
        return "the 'bytecode' package is not installed"
    if not hasattr(_lib, "line_profiler_line"):
        return "the extension was built without it"
    choice = _os.environ.get("TIMEMORY_LINE_PROFILER_BACKEND", "auto").strip().lower()
    if choice not in ("", "auto", "rewrite"):
        return f"TIMEMORY_LINE_PROFILER_BACKEND={choice}"
    return ""


def rewritable(func):
    """Whether func's calls all run its rewritten code: a plain function defined at module
    or class level (the closures that a nested function's parent makes later would run the
    original), whose bytecode could be rewritten."""
    return (
        isinstance(func, _types.FunctionType)
        and "<locals>" not in func.__qualname__
        and _prepare(func.__code__) is not None
    )


class Functions:
    """The functions running their rewritten code, with the profilers holding each: they run
    it from the moment a profiler adds them (its calls made before the profiler is enabled
    included: a decorated generator's, say) until no profiler holds them. The rewritten code
    calls in only while the tracer runs the rewrite backend; the calls return at once
    otherwise."""

    def __init__(self):
        self.held = {}  # function -> (its original code, WeakSet of the profilers holding it)

    def adopt(self, prof, funcs):
        """prof profiles funcs: those that can run rewritten do from now on."""
        if not hasattr(_lib, "line_profiler_rewrite") or reason():
            return
        for func in funcs:
            known = self.held.get(func)
            if known is not None:
                known[1].add(prof)
            elif rewritable(func):
                code = func.__code__
                func.__code__ = rewritten(code)
                self.held[func] = (code, _weakref.WeakSet((prof,)))

    def all_rewritten(self, funcs):
        """Whether every one of funcs runs its rewritten code (rewriting on: reason()). One
        whose code was replaced by an equal one (a reload that updates functions in place,
        IPython's autoreload) runs the rewritten code again."""
        if reason() or not all(func in self.held for func in funcs):
            return False
        for func in funcs:
            code = self.held[func][0]
            if func.__code__ is not _cache.get(code) and func.__code__ == code:
                func.__code__ = _cache[code]
        return True

    def restore(self, funcs):
        """funcs run their original code again."""
        for func in funcs:
            if func in self.held:
                code = self.held.pop(func)[0]
                if func.__code__ is _cache.get(code):
                    func.__code__ = code

    def forget(self, prof):
        """prof goes away: the functions no other profiler holds run their original code."""
        gone = []
        for func, (_, profilers) in self.held.items():
            profilers.discard(prof)
            if not profilers:
                gone.append(func)
        self.restore(gone)


def _prepare(code):
    new = _cache.get(code)
    if new is None:
        try:
            new = _instrument(code, _lib.line_profiler_code_id(code))
        except Exception:  # noqa: BLE001 - this code stays traced
            return None
        _cache[code] = new
        _originals[new] = code
    return new


def rewritten(code):
    """The rewritten form of an original code object (made once)."""
    new = _prepare(code)
    if new is None:
        raise ValueError(f"{code.co_name}: its bytecode could not be rewritten")
    return new


def _call(hook, key, lineno):
    Instr = _bc.Instr
    return [
        Instr("PUSH_NULL", lineno=lineno),
        Instr("LOAD_CONST", hook, lineno=lineno),
        Instr("LOAD_CONST", key, lineno=lineno),
        Instr("PRECALL", 1, lineno=lineno),
        Instr("CALL", 1, lineno=lineno),
        Instr("POP_TOP", lineno=lineno),
    ]


def _line(instr):
    lineno = instr.lineno
    return lineno if isinstance(lineno, int) and lineno >= 0 else None


def _instrument(code, code_id):
    Instr, Label, TryBegin = _bc.Instr, _bc.Label, _bc.TryBegin
    base = code_id << _LINE_BITS
    line_hook, leave_hook = _lib.line_profiler_line, _lib.line_profiler_leave
    leave_key = base
    program = _bc.Bytecode.from_code(code)
    items = list(program)
    position, lands_on, waiting = {}, {}, []
    for i, item in enumerate(items):
        if isinstance(item, Label):
            waiting.append(item)
        elif isinstance(item, Instr):
            position[id(item)] = i
            for label in waiting:
                lands_on[label] = item
            waiting = []
    instrs = [item for item in items if isinstance(item, Instr)]
    # the prologue (cells, RETURN_GENERATOR, up to the first RESUME) reports no line
    start = next(k for k, item in enumerate(instrs) if item.name == "RESUME") + 1
    body = {id(item) for item in instrs[start:]}
    for item in instrs[start:]:
        lineno = _line(item)
        if lineno is not None and lineno >= 1 << _LINE_BITS:
            raise ValueError("line numbers beyond the key's range")

    reports = {}  # id(jump or TryBegin) -> whether arriving through it reports the line
    reported = set()  # id(instr) reached by a reporting jump or handler
    for i, item in enumerate(items):
        if isinstance(item, Instr) and isinstance(item.arg, Label):
            target = lands_on[item.arg]
            line = _line(target)
            backward = position[id(target)] < i and target.name != "SEND"
            yes = id(target) in body and line is not None and (line != _line(item) or backward)
        elif isinstance(item, TryBegin):
            target = lands_on[item.target]
            yes = id(target) in body and _line(target) is not None
        else:
            continue
        reports[id(item)] = yes
        if yes:
            reported.add(id(target))

    out, before, after = [], {}, {}
    previous, lineno = None, code.co_firstlineno
    for item in items:
        if isinstance(item, Instr) and id(item) in body:
            line = _line(item)
            by_fall = line is not None and (previous is None or line != _line(previous))
            if previous is not None and previous.name == "KW_NAMES":
                by_fall = False  # KW_NAMES belongs to the CALL that follows it
            if by_fall or id(item) in reported:
                falls = previous is not None and previous.name not in _NO_FALL_THROUGH
                plain = after.setdefault(id(item), Label())
                if falls and not by_fall:
                    out.append(Instr("JUMP_FORWARD", plain, lineno=line))
                out.append(before.setdefault(id(item), Label()))
                out += _call(line_hook, base | line, line)
                out.append(plain)
            if item.name in ("RETURN_VALUE", "YIELD_VALUE"):
                out += _call(leave_hook, leave_key, line if line is not None else lineno)
            if line is not None:
                lineno = line
        if isinstance(item, Instr) and id(item) in body:
            previous = item  # None at the body's start: its first line always reports
        out.append(item)
    for item in items:
        if isinstance(item, Instr) and isinstance(item.arg, Label):
            target = lands_on[item.arg]
            if id(target) in before:
                item.arg = before[id(target)] if reports[id(item)] else after[id(target)]
        elif isinstance(item, TryBegin):
            target = lands_on[item.target]
            if id(target) in before:
                item.target = before[id(target)] if reports[id(item)] else after[id(target)]
    program.clear()
    program.extend(out)
    return program.to_code()
