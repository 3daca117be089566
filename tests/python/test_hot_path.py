"""The per-event paths create no Python object. tracemalloc's peak during a loop of calls of a
function that allocates nothing grows by exactly as much under the profiler, the tracer or a
decorator (after warm-up) as it does bare: the measuring calls themselves are the same.

Before 3.12 the interpreter itself hands a legacy profile/trace hook (PyEval_SetProfile/SetTrace,
cProfile's too) a frame object, made for the call being reported: there the allowance is that
one frame object, which is the interpreter's, not ours. The PEP 523 backend (trace_c=False) and
sys.monitoring (3.12+) get no frame objects, and there the growth must be exactly the bare one."""

from __future__ import annotations

import sys
import tracemalloc

import timemory
from timemory.profiler import Profiler
from timemory.trace import Tracer
from timemory.util import marker

timemory.settings.auto_output = False


def empty():
    pass


def loop(func=empty, n=200):
    # small ints only: the loop itself allocates nothing
    for _ in range(n):
        func()


def peak_growth(func=empty) -> int:
    """The last of several identical measurements (the first ones warm everything up)."""
    tracemalloc.start()
    try:
        for _ in range(4):
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            loop(func)
            growth = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return growth


LEGACY_HOOKS = sys.version_info < (3, 12)


def interpreter_growth(func=empty) -> int:
    """The growth the interpreter itself causes for a C profile hook: under cProfile before
    3.12 (frame objects for the hook), the bare growth from 3.12 on."""
    bare = peak_growth(func)
    if not LEGACY_HOOKS:
        return bare
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    try:
        return max(bare, peak_growth(func))
    finally:
        profile.disable()


def test_profiler_events_create_no_objects():
    allowed = interpreter_growth()
    with Profiler(["wall_clock"]):
        profiled = peak_growth()
    assert profiled <= allowed


def test_profiler_with_several_components_creates_no_objects():
    allowed = interpreter_growth()
    with Profiler(["wall_clock", "cpu_clock", "peak_rss"]):
        profiled = peak_growth()
    assert profiled <= allowed


def test_profiler_without_c_calls_creates_nothing_at_all():
    from timemory.profiler import Config

    bare = peak_growth()
    saved = Config.trace_c
    Config.trace_c = False
    try:
        with Profiler(["wall_clock"]):
            profiled = peak_growth()
    finally:
        Config.trace_c = saved
    assert profiled == bare


def test_tracer_line_events_create_no_objects():
    allowed = interpreter_growth()
    tracer = Tracer(["wall_clock"])
    tracer.start()
    try:
        traced = peak_growth()
    finally:
        tracer.stop()
    assert traced <= allowed


def test_marker_calls_create_no_objects():
    decorated = marker(["wall_clock"], key="hot-path-marker")(empty)
    assert peak_growth(decorated) == peak_growth(empty)


def lines(n=3):
    total = 0
    for i in range(n):
        total += i
    return total


def test_line_profiler_lines_create_no_objects():
    """The line profiler's events add nothing to a loop of calls of a profiled function but
    the interpreter's own; exactly nothing with the rewrite backend (3.11: calls from the
    rewritten bytecode, no hook that the interpreter hands frames to)."""
    from timemory.line_profiler import LineProfiler, _rewrite

    prof = LineProfiler(lines)
    rewritten = lines.__code__ is not _rewrite.original(lines.__code__)
    allowed = peak_growth(lines) if rewritten else interpreter_growth(lines)
    prof.enable()
    try:
        profiled = peak_growth(lines)
    finally:
        prof.disable()
    counted = prof.code_map[_rewrite.original(lines.__code__)]
    assert sum(hits for hits, _ in counted.values()) == 4 * 200 * 9  # 9 line events a call
    assert profiled <= allowed
