"""timemory.region: the C library's named regions from Python (spec API.md section 10)."""

import time
import warnings

import timemory
from timemory import region, storage

Wall = storage.WallClockStorage


def entries():
    return [(r.prefix(), r.depth()) for r in Wall.get()]


def test_push_pop_nest(clean_data, restore_settings):
    timemory.settings.components = "wall_clock"
    region.push("work_region")
    for _ in range(3):
        region.push("inner")
        region.pop("inner")
    region.pop("work_region")
    assert entries() == [(">>> work_region", 0), (">>> |_inner", 1)]
    assert Wall.get()[1].data().laps() == 3


def test_pause_resume(clean_data, restore_settings):
    timemory.settings.components = "wall_clock"
    region.pause()
    assert timemory.enabled() is False
    region.push("paused")
    region.pop("paused")
    region.resume()
    assert timemory.enabled() is True
    assert entries() == []


def test_begin_end(clean_data, restore_settings):
    timemory.settings.components = "wall_clock"
    first = region.begin("record")
    assert isinstance(first, int) and first != 2**64 - 1
    region.end(first)
    region.end(first)  # a second end is ignored
    timemory.disable()
    assert region.begin("off") == 2**64 - 1
    timemory.enable()
    assert entries() == [(">>> record", 0)]


def test_component_set_stack_says_when_missing(restore_settings):
    lib = timemory.libpytimemory
    if hasattr(lib, "set_default"):
        region.set_default(["wall_clock"])
        return
    for call in (
        lambda: region.set_default(["wall_clock"]),
        lambda: region.add_components("cpu_clock"),
        lambda: region.pop_components(),
    ):
        try:
            call()
        except RuntimeError as err:
            assert "not exposed" in str(err)
        else:
            raise AssertionError("expected RuntimeError")


# -- pushes made while paused (issue 13): their pops are silent and never close a region ----


def _laps_and_seconds():
    return {r.prefix(): (r.data().laps(), r.data().get()) for r in Wall.get()}


def _no_warnings_and_nothing_on_stderr(capfd, record):
    assert [str(w.message) for w in record] == []
    assert capfd.readouterr().err == ""


def test_paused_pairs_inside_an_open_region_are_silent(clean_data, restore_settings, capfd):
    timemory.settings.components = "wall_clock"
    lib = timemory.libpytimemory
    lib.take_errors()  # what earlier tests left (some pop unbalanced on purpose)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        region.push("outer")
        region.pause()
        for _ in range(10000):
            region.push("r")
            region.pop("r")
        key = lib.add_hash_id("r")
        for _ in range(100):
            lib.push(key, lib.parse_components("wall_clock"))
            lib.pop(key)
        region.resume()
        region.pop("outer")
    _no_warnings_and_nothing_on_stderr(capfd, record)
    assert lib.take_errors() == 0
    assert entries() == [(">>> outer", 0)]
    assert Wall.get()[0].data().laps() == 1


def test_paused_pair_with_the_name_of_an_open_region(clean_data, restore_settings, capfd):
    timemory.settings.components = "wall_clock"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        region.push("solve")
        region.push("step")
        time.sleep(0.02)
        region.pop("step")
        region.pause()
        region.push("solve")  # push and pop paused
        region.pop("solve")
        region.push("solve")  # push paused, pop resumed
        region.resume()
        region.pop("solve")
        time.sleep(0.02)
        region.pop("solve")  # the real one, 40 ms after its push
    _no_warnings_and_nothing_on_stderr(capfd, record)
    data = _laps_and_seconds()
    assert set(data) == {">>> solve", ">>> |_step"}
    (solve_laps, solve), (step_laps, step) = data[">>> solve"], data[">>> |_step"]
    assert (solve_laps, step_laps) == (1, 1)
    assert step >= 0.02 and solve >= step + 0.02


def test_pushes_before_the_pause_pop_while_paused(clean_data, restore_settings):
    timemory.settings.components = "wall_clock"
    region.push("before")
    region.pause()
    region.pop("before")
    region.resume()
    assert entries() == [(">>> before", 0)]
    assert Wall.get()[0].data().laps() == 1


def test_paused_markers_leave_the_open_region_alone(clean_data, restore_settings, capfd):
    lib = timemory.libpytimemory
    mask = lib.parse_components("wall_clock")
    key = lib.add_hash_id("marked")
    fm = lib.FunctionMarker(lambda: time.sleep(0.001), key, mask)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        outer = lib.ScopedMarker(key, mask)
        outer.start()
        region.pause()
        fm()  # calls through
        inner = lib.ScopedMarker(key, mask)
        inner.start()  # skipped: its stop forgets it
        assert inner.started
        with lib.ScopedMarker(key, mask):
            pass
        with timemory.util.marker(["wall_clock"], key="marked"):
            pass
        region.resume()
        fm()  # recorded under the open region
        inner.stop()  # pushed paused, popped resumed
        time.sleep(0.01)
        outer.stop()
    _no_warnings_and_nothing_on_stderr(capfd, record)
    data = _laps_and_seconds()
    assert set(data) == {">>> marked", ">>> |_marked"}
    assert data[">>> marked"][0] == 1 and data[">>> |_marked"][0] == 1
    assert data[">>> marked"][1] >= data[">>> |_marked"][1] + 0.01


def test_marker_paused_inside_its_own_call_still_pops(clean_data, restore_settings):
    lib = timemory.libpytimemory
    fm = lib.FunctionMarker(
        region.pause, lib.add_hash_id("pauses"), lib.parse_components("wall_clock")
    )
    fm()
    region.resume()
    assert entries() == [(">>> pauses", 0)]
    assert Wall.get()[0].data().laps() == 1


def test_paused_trace_regions(clean_data, restore_settings, capfd):
    from timemory import trace

    timemory.settings.components = "wall_clock"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        trace.push("traced")
        region.pause()
        trace.push("traced")
        trace.pop("traced")
        trace.push("traced")
        region.resume()
        trace.pop("traced")
        time.sleep(0.01)
        trace.pop("traced")
    _no_warnings_and_nothing_on_stderr(capfd, record)
    assert entries() == [(">>> traced", 0)]
    assert Wall.get()[0].data().laps() == 1
    assert Wall.get()[0].data().get() >= 0.01


def test_pops_after_finalize_are_one_line(run_python):
    result = run_python(
        "import threading\n"
        "import timemory\n"
        "from timemory import region\n"
        "timemory.settings.auto_output = False\n"
        "started, finalized = threading.Event(), threading.Event()\n"
        "def late():\n"
        "    region.push('late')\n"
        "    started.set()\n"
        "    finalized.wait()\n"
        "    for _ in range(500):\n"
        "        region.push('x')\n"
        "        region.pop('x')\n"
        "    region.pop('late')\n"
        "t = threading.Thread(target=late)\n"
        "t.start()\n"
        "started.wait()\n"
        "timemory.finalize()\n"
        "finalized.set()\n"
        "t.join()\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "[timemory] warning: region pushes/pops ignored after timemory_finalize: 1001\n"
    )
