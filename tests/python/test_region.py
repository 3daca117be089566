"""timemory.region: the C library's named regions from Python (spec API.md section 10)."""

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
