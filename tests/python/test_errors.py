"""The library's sticky errors surfaced: failures counted on the hot path (and events the
hooks dropped) become one RuntimeWarning -- the count and the first error -- at the next
get()/get_text(), report(), Profiler.stop, Tracer.stop or finalize, then the count starts
again."""

import warnings

import pytest
import timemory
from timemory.libs import libpytimemory as lib
from timemory.profiler import Profiler
from timemory.trace import Tracer

REPORT = "failed since the last report"


def unbalanced_pops(n, name="errors-unbalanced"):
    key = lib.add_hash_id(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each explicit pop also says so at once
        for _ in range(n):
            lib.pop(key)


def reports(func):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        func()
    return [str(w.message) for w in caught if REPORT in str(w.message)]


@pytest.fixture(autouse=True)
def no_errors_before():
    lib.take_errors()
    yield
    lib.take_errors()


def test_get_reports_the_count_and_the_first_error_once():
    unbalanced_pops(3)
    assert reports(lambda: timemory.get(components=["wall_clock"])) == [
        f"timemory: 3 push/pop or hook calls {REPORT} (reading the results); the first: "
        "pop without a matching push"
    ]
    assert reports(lambda: timemory.get_text(components=["wall_clock"])) == []


def test_profiler_stop_reports_what_happened_while_it_ran():
    def work():
        unbalanced_pops(1, "errors-in-profile")

    profiler = Profiler(["wall_clock"])
    profiler.start()
    work()
    got = reports(profiler.stop)
    assert got == [
        f"timemory: 1 push/pop or hook call {REPORT} (at Profiler.stop); the first: "
        "pop without a matching push"
    ]


def test_tracer_stop_reports_what_happened_while_it_ran():
    tracer = Tracer(["wall_clock"])
    tracer.start()
    unbalanced_pops(2, "errors-in-trace")
    got = reports(tracer.stop)
    assert len(got) == 1 and got[0].startswith(f"timemory: 2 push/pop or hook calls {REPORT}")
    assert "(at Tracer.stop)" in got[0]


def test_the_warning_points_at_the_callers_line():
    unbalanced_pops(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        timemory.get_text(components=["wall_clock"])
    (w,) = [w for w in caught if REPORT in str(w.message)]
    assert w.filename == __file__ and w.category is RuntimeWarning


def test_finalize_at_exit_reports_once(run_python):
    code = """
import ctypes, os, sys
import timemory
from timemory.libs import libpytimemory as lib
import warnings
warnings.simplefilter("ignore")
lib.pop(lib.add_hash_id("never-pushed"))
lib.take_errors()
lib.pop(lib.add_hash_id("never-pushed"))
warnings.simplefilter("default")
"""
    result = run_python(code, env={"TIMEMORY_AUTO_OUTPUT": "OFF"})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(REPORT) == 1, result.stderr
    assert "(at finalize)" in result.stderr
