"""Tests of the extension's component classes and markers (FunctionMarker, ScopedMarker)
against the real library; the rest of the extension is test_ext.py's."""

import functools
import gc
import inspect
import json
import os
import threading
import time
import tracemalloc
import warnings
import weakref

import pytest
import timemory.libs.libpytimemory as ext
from ext_common import graph, run_ext_script, unique_key

pytestmark = pytest.mark.usefixtures("ext_quiet")

WALL = 62
ALLINEA = 0


# ----------------------------------------------------------------------------------------------
# component classes


def test_wall_clock_around_sleep():
    wc = ext.WallClock("wall-test")
    assert wc.key() == "wall-test" and wc.hash() == ext.get_hash("wall-test")
    assert wc.laps() == 0 and wc.get() == 0.0
    wc.start()
    assert wc.running
    time.sleep(0.2)
    wc.stop()
    assert not wc.running
    assert wc.get() == pytest.approx(0.2, abs=0.05)
    assert wc.get_raw() == pytest.approx(2e8, abs=5e7)
    assert isinstance(wc.get_raw(), int)
    assert wc.get_accum() == wc.get_raw() and wc.get_value() == wc.get_raw()
    assert wc.laps() == 1
    assert wc.unit() == 1 and wc.display_unit() == "sec"
    assert wc.label() == "wall" and ext.WallClock.label() == "wall"
    assert wc.description() == "Real-clock timer (i.e. wall-clock timer)"
    assert wc.available and ext.WallClock.has_value and ext.WallClock.reason is None
    assert ext.WallClock.id() == "wall_clock" and wc.index() == WALL and wc.name == "wall_clock"
    assert wc.configure() is None and ext.WallClock.configure(1, a=2) is None
    wc.stop()  # not running: nothing
    assert wc.laps() == 1
    wc.start()
    wc.start()  # already running: ignored
    wc.stop()
    assert wc.laps() == 2
    wc.reset()
    assert wc.laps() == 0 and wc.get_raw() == 0


def test_monotonic_clocks_and_cpu_clocks_around_sleep():
    clocks = [ext.WallClock(), ext.MonotonicClock(), ext.MonotonicRawClock()]
    cpu = [ext.CpuClock(), ext.ThreadCpuClock(), ext.ProcessCpuClock(), ext.SysClock(),
           ext.UserClock()]
    for c in clocks + cpu:
        c.start()
    time.sleep(0.25)
    for c in clocks + cpu:
        c.stop()
    for c in clocks:
        assert c.get() == pytest.approx(0.25, abs=0.05), type(c).__name__
    for c in cpu:
        assert c.get() < 0.05, type(c).__name__


def test_timing_units_setting_changes_get():
    wc = ext.WallClock("ms")
    wc.start()
    time.sleep(0.05)
    wc.stop()
    seconds = wc.get()
    ext.settings_set("timing_units", "msec")
    try:
        assert wc.unit() == 1000 and wc.display_unit() == "msec"
        assert wc.get() == pytest.approx(seconds * 1000)
        assert "msec" in str(wc)
    finally:
        ext.settings_set("timing_units", "")
    assert wc.display_unit() == "sec"


def test_cpu_util_busy_then_sleep():
    # 75 % busy; the machine may be shared, so compare with the clocks it derives from
    cu, cpu, wall = ext.CpuUtil("util"), ext.CpuClock(), ext.WallClock()
    for c in (cu, cpu, wall):
        c.start()
    end = time.perf_counter() + 0.45
    while time.perf_counter() < end:
        pass
    time.sleep(0.15)
    for c in (cu, cpu, wall):
        c.stop()
    assert isinstance(cu.get(), float)
    assert cu.get() == pytest.approx(100.0 * cpu.get() / wall.get(), abs=4.0)
    assert 20.0 < cu.get() <= 80.0
    assert isinstance(cu.get_raw(), tuple) and len(cu.get_raw()) == 2
    assert cu.display_unit() == "%" and cu.unit() == 1


def test_peak_rss_follows_the_high_water_mark(tmp_path):
    # a child inherits its parent's ru_maxrss across exec: grow past it, compare with getrusage
    result = run_ext_script(
        """
        import resource
        import timemory.libs.libpytimemory as ext
        peak, cur = ext.PeakRss("peak"), ext.CurrentPeakRss("cur")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1000
        peak.start()
        cur.start()
        block = bytearray(before + 50_000_000)
        block[::4096] = bytes(len(range(0, len(block), 4096)))
        cur.stop()
        peak.stop()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1000
        start, stop = cur.get()
        print((after - before) / 1e6, peak.get(), stop - start, after / 1e6, stop)
        print(peak.display_unit(), peak.unit(), cur.display_unit(), cur.unit())
        """, tmp_path)
    assert result.returncode == 0, result.stderr
    numbers, units = result.stdout.strip().splitlines()
    grown, peak, cur_grown, after, cur_stop = map(float, numbers.split())
    assert grown > 40.0
    assert peak == pytest.approx(grown, abs=1.0)
    assert cur_grown == pytest.approx(grown, abs=1.0)
    assert cur_stop == pytest.approx(after, abs=1.0)
    assert units == "MB 1000000 ('MB', 'MB') (1000000, 1000000)"


def test_memory_units_setting():
    cur = ext.CurrentPeakRss()
    cur.start()
    cur.stop()
    assert isinstance(cur.get(), tuple) and cur.get()[1] >= cur.get()[0]
    ext.settings_set("memory_units", "kb")
    try:
        assert ext.PeakRss.unit() == 1000 and ext.PeakRss.display_unit().lower() == "kb"
        ext.settings_set("memory_units", "KiB")
        assert ext.PeakRss.unit() == 1024
    finally:
        ext.settings_set("memory_units", "")
    assert ext.PeakRss.unit() == 1000000 and ext.PeakRss.display_unit() == "MB"


def test_written_bytes_is_a_list_and_counts_are_ints(tmp_path):
    wb = ext.WrittenBytes("w")
    if not wb.available:
        pytest.skip(ext.WrittenBytes.reason)
    assert isinstance(ext.WrittenBytes.record(), list)
    wb.start()
    with open(tmp_path / "data.bin", "wb") as f:
        f.write(os.urandom(1 << 20))
        f.flush()
        os.fsync(f.fileno())
    wb.stop()
    value = wb.get()
    assert isinstance(value, list) and len(value) == 2
    assert wb.display_unit() == ["MB", "MB/sec"]
    faults = ext.NumMinorPageFaults()
    faults.start()
    bytearray(8 << 20)
    faults.stop()
    assert isinstance(faults.get(), int)
    trips = ext.TripCount()
    for _ in range(3):
        trips.start()
        trips.stop()
    assert trips.get() == 3 and isinstance(trips.get(), int)


def test_marker_like_component_has_no_value():
    bundle = ext.UserGlobalBundle("b")
    assert ext.UserGlobalBundle.has_value is False
    bundle.start()
    bundle.stop()
    assert bundle.get() is None and bundle.get_raw() is None and bundle.laps() == 1


def test_unavailable_component():
    cls = ext.AllineaMap
    assert cls.available is False and cls.has_value is False
    assert cls.__doc__ == "not available"
    assert "Allinea" in cls.reason or "MAP" in cls.reason
    obj = cls("x")
    # a no-op; the first attempt of the process per class warns why (test_component.py)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert obj.start() is None and obj.start() is None
    assert len(caught) <= 1 and all(cls.reason in str(w.message) for w in caught)
    with pytest.raises(RuntimeError):
        cls.record()
    for method in ["stop", "measure", "reset", "mark_begin", "mark_end", "push", "pop"]:
        assert getattr(obj, method)() is None
    assert obj.rekey("y") is None
    for method in ["get", "get_raw", "laps", "key", "hash"]:
        assert getattr(obj, method)() is None
    assert obj.unit() == 1 and obj.display_unit() == ""
    assert repr(obj) == "" and str(obj) == ""
    assert obj + cls() is None
    assert cls.index() == ALLINEA and cls.label() == "allinea_map"


def test_component_push_pop_storage_example():
    # the seed's storage example: push on even, pop on odd iterations
    key = unique_key("storage")
    wc = ext.WallClock(key)
    for i in range(4):
        if i % 2 == 0:
            wc.push()
            assert wc.pushed and wc.laps() == 0
        wc.start()
        time.sleep(0.01 * (i + 1))
        wc.stop()
        if i % 2 == 1:
            wc.pop()
            assert not wc.pushed
    assert graph()[key] == [0, 4]
    data = json.loads(ext.get_json(1 << WALL))
    node = [n for n in data["timemory"]["wall_clock"]["ranks"][0]["graph"] if key in n["prefix"]]
    assert node[0]["entry"]["accum"] == pytest.approx(1e7 * (1 + 2 + 3 + 4), rel=0.3)


def test_component_push_nests_under_markers_and_rekey(wall_mask):
    outer = unique_key("outer-fn")
    inner = unique_key("inner-comp")
    renamed = unique_key("renamed")

    def body():
        wc = ext.WallClock(inner)
        wc.push()
        wc.push()  # already pushed: nothing
        wc.rekey(renamed)  # the open node is still the one pop() closes
        assert wc.key() == renamed and wc.hash() == ext.get_hash(renamed)
        wc.start()
        wc.stop()
        wc.pop()
        wc.pop()  # not pushed: nothing

    ext.FunctionMarker(body, ext.get_hash(outer), wall_mask)()
    g = graph(wall_mask)
    assert g[outer] == [0, 1]
    assert g[inner] == [1, 1]
    assert renamed not in g


def test_component_arithmetic():
    a, b = ext.WallClock("a"), ext.WallClock("b")
    for c, pause in ((a, 0.01), (b, 0.03)):
        c.start()
        time.sleep(pause)
        c.stop()
    total = a + b
    assert type(total) is ext.WallClock and total.key() == "a"
    assert total.get_raw() == a.get_raw() + b.get_raw() and total.laps() == 2
    diff = b - a
    assert diff.get_raw() == b.get_raw() - a.get_raw() and diff.laps() == 1
    a_raw = a.get_raw()
    same = a
    a += b
    assert a is same and a.get_raw() == a_raw + b.get_raw() and a.laps() == 2
    a -= b
    assert a.get_raw() == a_raw
    with pytest.raises(TypeError):
        a + ext.CpuClock()
    with pytest.raises(TypeError):
        a + 1


def test_component_measure_and_record():
    wc = ext.WallClock()
    before = ext.WallClock.record()
    wc.measure()
    assert wc.get_raw() >= before and wc.laps() == 0
    assert ext.WallClock.record() >= wc.get_raw()
    assert ext.UserGlobalBundle.record() is None


def test_component_str_and_repr():
    wc = ext.WallClock("shown")
    wc.start()
    wc.stop()
    text = str(wc)
    assert text.startswith(">>>  shown :") and text.endswith("sec wall [laps: 1]")
    assert "." in text.split(":")[1]
    body = json.loads(repr(wc))  # pytest's __main__ has a __file__: the JSON form
    assert body["wall_clock"]["key"] == "shown" and body["wall_clock"]["laps"] == 1


def test_component_construction_and_subclassing():
    with pytest.raises(TypeError):
        ext.Component()
    with pytest.raises(TypeError):
        ext.WallClock(5)

    class Mine(ext.WallClock):
        def __init__(self, key):
            super().__init__(key)
            self.extra = True

    m = Mine("sub")
    m.start()
    m.stop()
    assert m.key() == "sub" and m.laps() == 1 and m.extra and Mine.index() == WALL
    assert isinstance(m + m, Mine)


# ----------------------------------------------------------------------------------------------
# markers


def test_function_marker_counts_calls(wall_mask):
    key = unique_key("decorated")
    calls = []

    def work(x, y=1):
        calls.append((x, y))
        return x + y

    fm = ext.FunctionMarker(work, ext.get_hash(key), wall_mask)
    positional, keywords = (3,), {"y": 0}
    assert fm(1) == 2 and fm(2, y=5) == 7 and fm(*positional, **keywords) == 3
    assert calls == [(1, 1), (2, 5), (3, 0)]
    assert graph(wall_mask)[key] == [0, 3]
    assert fm.key == ext.get_hash(key) and fm.mask == wall_mask and fm.scope == 0
    assert fm.func is work and fm.__wrapped__ is work
    assert "FunctionMarker" in repr(fm)


def test_function_marker_nesting_and_scope(wall_mask):
    outer, inner = unique_key("fm-outer"), unique_key("fm-inner")
    fi = ext.FunctionMarker(lambda: None, ext.get_hash(inner), wall_mask, ext.SCOPE_FLAT)
    fo = ext.FunctionMarker(lambda: [fi() for _ in range(2)], ext.get_hash(outer), wall_mask)
    fo()
    g = graph(wall_mask)
    assert g[outer] == [0, 1] and g[inner] == [0, 2]
    with pytest.raises(ValueError):
        ext.FunctionMarker(len, 1, wall_mask, 99)


def test_function_marker_exception_propagates(wall_mask):
    key = unique_key("raises")
    error = KeyError("original")

    def boom():
        raise error

    fm = ext.FunctionMarker(boom, ext.get_hash(key), wall_mask)
    for _ in range(2):
        with pytest.raises(KeyError) as info:
            fm()
        assert info.value is error
    assert graph(wall_mask)[key] == [0, 2]  # popped both times
    after = unique_key("after-raise")
    ext.FunctionMarker(lambda: None, ext.get_hash(after), wall_mask)()
    assert graph(wall_mask)[after][0] == 0  # the stack is balanced again


def test_function_marker_decorates_methods(wall_mask):
    key = unique_key("method")

    class Thing:
        def __init__(self):
            self.n = 0

        def bump(self, by=1):
            self.n += by
            return self

        bump = ext.FunctionMarker(bump, ext.get_hash(key), wall_mask)

    t = Thing()
    assert t.bump() is t and t.bump(by=2) is t and t.n == 3
    bound = t.bump
    assert bound(4) is t and t.n == 7
    assert Thing.bump(t) is t and t.n == 8
    assert Thing.__dict__["bump"].__get__(None, Thing) is Thing.__dict__["bump"]
    assert graph(wall_mask)[key] == [0, 4]


def test_function_marker_works_with_update_wrapper(wall_mask):
    def documented(a, b=2):
        """the doc"""
        return a * b

    fm = functools.update_wrapper(
        ext.FunctionMarker(documented, ext.get_hash(unique_key("wrapped")), wall_mask),
        documented)
    assert fm.__name__ == "documented" and fm.__doc__ == "the doc"
    assert fm.__qualname__.endswith("documented") and fm.__wrapped__ is documented
    assert str(inspect.signature(fm)) == "(a, b=2)"
    assert fm(3) == 6
    fm.custom = 1
    assert fm.__dict__["custom"] == 1


def test_function_marker_when_disabled_calls_through(wall_mask):
    key = unique_key("off")
    fm = ext.FunctionMarker(lambda v: v * 2, ext.get_hash(key), wall_mask)
    ext.disable()
    try:
        assert fm(21) == 42
    finally:
        ext.enable()
    assert key not in graph(wall_mask)


def test_function_marker_gc_and_weakref(wall_mask):
    def f():
        return None

    fm = ext.FunctionMarker(f, 1, wall_mask)
    fm.self_ref = fm  # a cycle through __dict__
    ref = weakref.ref(fm)
    del fm
    gc.collect()
    assert ref() is None
    with pytest.raises(TypeError):
        ext.FunctionMarker(5, 1, wall_mask)
    with pytest.raises(TypeError):
        ext.FunctionMarker(f, "key", wall_mask)


def test_function_marker_hot_path_does_not_leak(wall_mask):
    fm = ext.FunctionMarker(lambda a, b=0: a, ext.get_hash(unique_key("leak")), wall_mask)
    for _ in range(1000):
        fm(1, b=2)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(20000):
            fm(1, b=2)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 4096


def test_function_marker_threads(wall_mask):
    key = unique_key("threaded")
    fm = ext.FunctionMarker(lambda: time.sleep(0.001), ext.get_hash(key), wall_mask)
    threads = [threading.Thread(target=lambda: [fm() for _ in range(10)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert graph(wall_mask)[key][1] == 40  # threads merged at output


def test_scoped_marker(wall_mask):
    key = unique_key("scoped")
    sm = ext.ScopedMarker(ext.get_hash(key), wall_mask)
    with sm as entered:
        assert entered is sm and sm.started
        with sm:  # not re-entrant: the inner enter is ignored...
            pass
        assert not sm.started  # ...but its exit closes the scope
    assert sm.__exit__(None, None, None) is False
    sm.start()
    sm.start()
    sm.stop()
    sm.stop()
    with pytest.raises(ZeroDivisionError), sm:
        _ = 1 / 0
    assert not sm.started
    assert graph(wall_mask)[key] == [0, 3]
    assert (sm.key, sm.mask, sm.scope) == (ext.get_hash(key), wall_mask, 0)
    with pytest.raises(TypeError):
        ext.ScopedMarker("key", wall_mask)


def test_scoped_marker_subclass_and_scope(wall_mask):
    key = unique_key("scoped-flat")

    class Timed(ext.ScopedMarker):
        pass

    outer = ext.ScopedMarker(ext.get_hash(unique_key("scoped-outer")), wall_mask)
    with outer, Timed(ext.get_hash(key), wall_mask, ext.SCOPE_FLAT):
        pass
    g = graph(wall_mask)
    assert g[key] == [0, 1]  # flat: depth 0 although nested
