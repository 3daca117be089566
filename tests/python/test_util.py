"""timemory.util (= timemory.bundle): marker, auto_timer, timer, rss_usage as decorators and
context managers; labels, scopes, nesting (spec API.md section 7)."""

import functools
import os
import sys
import time

import pytest
import timemory
from timemory import component, storage
from timemory.util import auto_timer, marker, rss_usage, timer

THIS = os.path.basename(__file__)
Wall = storage.WallClockStorage


def prefixes():
    return [(r.prefix(), r.depth()) for r in Wall.get()]


def test_bundle_is_util():
    from timemory import bundle

    for name in ("marker", "auto_timer", "timer", "rss_usage", "base_decorator", "auto_tuple"):
        assert getattr(bundle, name) is getattr(timemory.util, name)
    assert timemory.util.auto_tuple is marker


def test_seed_intent_import():
    from timemory.util import auto_timer as a
    from timemory.util import marker as m

    assert callable(m) and callable(a)


def test_decorator_is_the_c_function_marker(clean_data):
    @marker(["wall_clock"])
    def run(n):
        """doc of run"""
        return n * 2

    assert isinstance(run, timemory.libpytimemory.FunctionMarker)
    assert run.__name__ == "run" and run.__doc__ == "doc of run"
    assert run.__wrapped__.__name__ == "run"
    assert run(3) == 6
    assert prefixes() == [(">>> run", 0)]


def test_decorator_keys(clean_data):
    @marker(["wall_clock"], key="k")
    def basic():
        pass

    @marker(["wall_clock"], key="k", mode="full")
    def full():
        pass

    @marker(["wall_clock"], key="only", mode="blank")
    def blank():
        pass

    @marker(["wall_clock"], add_args=True)
    def args(n, *rest, flag=True):
        pass

    basic()
    full()
    blank()
    args(3, 4, flag=False)
    line = full.__wrapped__.__code__.co_firstlineno
    assert [p for p, _ in prefixes()] == [
        ">>> basic/k",
        f">>> full@{THIS}:{line}/k",
        ">>> only",
        ">>> args(n=3, *rest=(4,), flag=False)",
    ]


def test_context_manager_keys(clean_data):
    def fibonacci(n):
        with marker(["wall_clock"], "", mode="full"):
            line = sys._getframe().f_lineno - 1
        return line

    line = fibonacci(3)
    with marker(["wall_clock"], key="x"):
        pass
    with marker(["wall_clock"], key="y", mode="basic", add_args=True):
        pass
    names = [p for p, _ in prefixes()]
    assert names[0] == f">>> fibonacci@{THIS}:{line}"
    assert names[1] == ">>> x"
    assert names[2].startswith(">>> test_context_manager_keys(clean_data=") and names[2].endswith(
        "/y"
    )


def test_nesting_builds_the_call_graph(clean_data):
    @marker(["wall_clock"])
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    with marker(["wall_clock"], key="top"):
        fib(4)
    # calls of the same key under the same parent share a node: one node per depth
    entries = [(r.prefix(), r.depth(), r.data().laps()) for r in Wall.get()]
    assert entries == [
        (">>> top", 0, 1),
        (">>> |_fib", 1, 1),
        (">>>   |_fib", 2, 2),
        (">>>     |_fib", 3, 4),
        (">>>       |_fib", 4, 2),
    ]
    data = timemory.get(components=["wall_clock"])
    graph = data["timemory"]["wall_clock"]["ranks"][0]["graph"]
    assert graph[-1]["depth"] == 4


def test_flat_and_timeline(clean_data, restore_settings):
    @marker(["wall_clock"], flat=True)
    def flat(n):
        return n if n < 1 else flat(n - 1)

    flat(3)
    assert prefixes() == [(">>> flat", 0)]
    assert Wall.get()[0].data().laps() == 4
    timemory.clear()

    @marker(["wall_clock"], timeline=True, flat=False)
    def tl():
        pass

    tl()
    tl()
    results = Wall.get()
    assert [r.depth() for r in results] == [0, 0]
    assert [r.stats().count() for r in results] == [1, 1]


def test_settings_decide_the_scope_at_each_call(clean_data, restore_settings):
    @marker(["wall_clock"])
    def inner():
        pass

    @marker(["wall_clock"])
    def outer():
        inner()

    timemory.settings.flat_profile = True
    outer()
    assert prefixes() == [(">>> outer", 0), (">>> inner", 0)]
    timemory.clear()
    timemory.settings.flat_profile = False
    outer()
    assert prefixes() == [(">>> outer", 0), (">>> |_inner", 1)]


def test_components_as_strings_ids_and_callables(clean_data):
    @marker(components=("wall_clock", component.peak_rss))
    def mixed():
        pass

    @marker(lambda: ["cpu_clock"])
    def from_callable():
        pass

    mixed()
    from_callable()
    data = timemory.get()["timemory"]
    assert set(data) == {"wall_clock", "peak_rss", "cpu_clock"}
    with pytest.raises(ValueError, match="did you mean"):
        marker(["wal_clock"])


def test_exception_stops_the_measurement(clean_data, capsys):
    @marker(["wall_clock"])
    def fails():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    with pytest.raises(ZeroDivisionError), marker(["wall_clock"], key="block"):
        1 / 0  # noqa: B018
    assert "ZeroDivisionError" in capsys.readouterr().err  # printed by __exit__
    results = Wall.get()
    assert [r.prefix() for r in results] == [">>> fails", ">>> block"]
    assert all(r.depth() == 0 and r.data().laps() == 1 for r in results)


def test_disabled_records_nothing(clean_data, restore_settings):
    @marker(["wall_clock"])
    def quiet():
        return 1

    timemory.disable()
    assert quiet() == 1
    with marker(["wall_clock"], key="off"):
        pass
    timemory.enable()
    assert Wall.get() == []


def test_methods_are_decorated(clean_data):
    class Thing:
        @marker(["wall_clock"], is_class=True)
        def method(self, x):
            return x + 1

    assert Thing().method(1) == 2
    assert prefixes() == [(">>> test_methods_are_decorated.<locals>.Thing.method", 0)]


def test_reused_marker_object_nests(clean_data):
    outer = marker(["wall_clock"], key="same")
    with outer, outer:
        pass
    assert prefixes() == [(">>> same", 0), (">>> |_same", 1)]


def test_empty_component_list_records_nothing(clean_data):
    def plain():
        return 5

    assert marker([])(plain) is plain
    with marker([], key="none"):
        pass
    assert timemory.get() == {"timemory": {}}


def test_auto_timer_decorator(clean_data):
    @auto_timer()
    def timed():
        time.sleep(0.01)

    timed()
    data = timemory.get()["timemory"]
    assert {"wall_clock", "cpu_clock", "cpu_util", "peak_rss"} <= set(data)
    wall = Wall.get()[0]
    assert wall.prefix() == ">>> timed" and wall.data().get() >= 0.01


def test_auto_timer_report_at_exit(clean_data, capsys):
    @auto_timer("k", report_at_exit=True)
    def timed():
        pass

    timed()
    out = capsys.readouterr().out
    assert out.startswith(">>>  timed/k : ") and "sec wall" in out and "[laps: 1]" in out


def test_timer_helper_prints(clean_data, capsys):
    @timer()
    def work():
        time.sleep(0.01)

    work()
    with timer(key="timer_block"):
        pass
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(">>>  work : ") and " sec wall, " in out[0]
    assert " % cpu_util, " in out[0] and " MB peak_rss [laps: 1]" in out[0]
    assert out[1].startswith(">>>  timer_block : ")
    assert [p for p, _ in prefixes()] == [">>> work", ">>> timer_block"]


def test_rss_usage_helper_prints_the_difference(clean_data, capsys):
    @rss_usage()
    def allocate():
        return bytearray(30_000_000)

    allocate()
    out = capsys.readouterr().out
    assert out.startswith(">>>  allocate : ") and "MB page_rss" in out
    assert timemory.get() == {"timemory": {}}  # nothing stored


def test_wrapped_functions_keep_metadata():
    @marker(["wall_clock"], add_args=True)
    def documented(a, b=2):
        """documented"""
        return a + b

    assert documented.__doc__ == "documented"
    assert functools.WRAPPER_ASSIGNMENTS
    assert documented(1) == 3


def test_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        marker(["wall_clock"], mode="loud")
