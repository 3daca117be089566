"""One profiled run of the magics, without IPython: compile the code, profile it in a
namespace under a root entry named after the cell (``In[5]``), write the outputs into the
run's folder with ``report()``, read back what the engine printed and the tree JSON, and put
the settings and profiler configuration back as they were.

The engine's data is global to the process. A run is measured alone when timemory held no
data when it started: its data is cleared once the files are written, so the next run starts
empty and nothing is written again at exit. When other data was there (markers or decorators
of earlier cells), it is kept, never lost: the run's results then include it, and the report
says so.
"""

import ast
import json
import os
import sys
import tempfile

from ..libs import libpytimemory as _lib
from ._report import Report

_SETTINGS = ("profiler_components", "output_path", "sort_key", "timeline", "cout_output")
_CONFIG = ("trace_c", "max_stack_depth")


def compile_code(source, filename, compiler=compile):
    """(body code, last expression's code or None): the value of a last expression statement
    is the run's value, as %time gives it."""
    tree = ast.parse(source, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compiler(tree, filename, "exec")
    return body, (compiler(last, filename, "eval") if last is not None else None)


class _Saved:
    """Settings and profiler configuration to put back after the run."""

    def __init__(self):
        from .. import settings
        from ..profiler import Config

        self.settings, self.config = settings, Config
        self.values = {name: getattr(settings, name) for name in _SETTINGS}
        self.fields = {name: getattr(Config, name) for name in _CONFIG}

    def restore(self):
        for name, value in self.values.items():
            try:
                setattr(self.settings, name, value)
            except (TypeError, ValueError):  # noqa: PERF203 - a value the store gave back
                pass
        for name, value in self.fields.items():
            setattr(self.config, name, value)


def capture_stdout(function):
    """(function's result, what was written to file descriptor 1 meanwhile): the engine
    prints with C stdio, which neither sys.stdout nor a notebook's stream capture sees."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        try:
            result = function()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        sink.seek(0)
        text = sink.read().decode("utf-8", errors="replace")
    return result, text


def _files(text):
    """The files the engine said it wrote ("[wall]|0> Outputting 'out/wall.txt'...")."""
    files = []
    for line in text.splitlines():
        start = line.find("Outputting '")
        if start < 0:
            continue
        rest = line[start + len("Outputting '") :]
        for path in rest.split("' and '"):  # metadata.json and functions.json share a line
            path = path.split("'...", 1)[0].rstrip("'")
            if path:
                files.append(path)
    return files


def run(source, namespace, options, label, folder, compiler=compile, filename="<timemory>"):
    """Profile source in namespace. Returns (Report, value, exception or None): the exception
    the code raised (the report is made first)."""
    from .. import settings
    from ..profiler import Config, Profiler
    from ..profiler._hooks import component_list

    if _lib.is_finalized():
        raise RuntimeError("timemory was finalized in this process: nothing can be measured")
    if Config._is_running:
        raise RuntimeError("a timemory profiler is already running in this process")
    body, last = compile_code(source, filename, compiler)  # a SyntaxError: nothing ran
    saved = _Saved()
    alone = _lib.components_with_data() == 0
    try:
        if options.components:
            _lib.parse_components(options.components)  # ValueError: "did you mean"
            settings.profiler_components = ",".join(options.components)
        if options.sort is not None:
            _lib.settings_set_text("sort_key", options.sort)
        if options.trace_c is not None:
            Config.trace_c = options.trace_c
        if options.max_depth is not None:
            Config.max_stack_depth = options.max_depth
        if options.timeline:
            settings.timeline = True
        names = component_list(options.components or [], "profiler_components")
        mask = _lib.parse_components(names)
        root = _lib.add_hash_id(label)
        scope = _lib.SCOPE_FLAT if options.flat else 0
        value, error = _measure(body, last, namespace, Profiler(names, flat=options.flat),
                                root, mask, scope)  # fmt: skip
        settings.output_path = folder
        settings.cout_output = True
        _, text = capture_stdout(lambda: _lib.report(""))
        document = json.loads(_lib.get_json(mask, True))
        if alone:
            _lib.clear(0)
    finally:
        saved.restore()
    note = None
    if not alone:
        note = (
            "timemory held data from outside this run (markers, decorators or profiles of "
            "earlier cells): these results include it, and it is kept (timemory.clear() "
            "drops it)."
        )
    report = Report(
        text,
        document,
        _files(text),
        folder,
        note,
        limit=settings.cout_max_rows,
        threshold=settings.summary_threshold,
        root=label,
    )
    return report, value, error


def _measure(body, last, namespace, profiler, root, mask, scope):
    """Run the code under the profiler, inside the root entry (pushed once the profiler has
    started, popped before it stops: its value is the code's alone); (value, exception)."""
    value = error = None
    profiler.start()
    try:
        _lib.push(root, mask, scope)
        try:
            exec(body, namespace)
            if last is not None:
                value = eval(last, namespace)
        finally:
            _lib.pop(root)
    except BaseException as exc:  # noqa: BLE001 - reported after the results are written
        error = exc
    finally:
        profiler.stop()
    return value, error
