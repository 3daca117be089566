"""The top-level classes timer, auto_timer, rss_usage, component_bundle, manager (spec API.md
section 3)."""

import gc
import re
import time

import pytest
import timemory
from timemory import storage

Wall = storage.WallClockStorage
LINE = re.compile(
    r"^>>>  (?P<key>\S+) : +\d+\.\d{3} sec wall, +\d+\.\d{3} sec cpu, +\d+\.\d % cpu_util, "
    r"+-?\d+\.\d{3} MB peak_rss \[laps: (?P<laps>\d+)\]$"
)


def test_timer(clean_data, capsys):
    t = timemory.timer("tm")
    t.start()
    time.sleep(0.05)
    t.stop()
    assert 0.05 <= t.real_elapsed() < 0.5
    assert t.user_elapsed() >= 0 and t.sys_elapsed() >= 0
    values = t.get()
    assert set(values) == {"wall", "cpu", "cpu_util", "peak_rss"}
    assert values["wall"] == t.real_elapsed()
    assert len(t.get_raw()) == 4 and isinstance(t.get_raw()[0], int)
    t.report()
    match = LINE.match(capsys.readouterr().out.rstrip("\n"))
    assert match and match["key"] == "tm" and match["laps"] == "1"
    assert [r.prefix() for r in Wall.get()] == [">>> tm"]
    t.reset()
    assert t.laps() == 0


def test_auto_timer_pops_when_destroyed(clean_data, capsys):
    def scope():
        timer = timemory.auto_timer("auto", report_at_exit=True)
        time.sleep(0.01)
        return timer.key()

    scope()
    gc.collect()
    assert LINE.match(capsys.readouterr().out.strip())
    result = Wall.get()
    assert [r.prefix() for r in result] == [">>> auto"]
    assert result[0].data().get() >= 0.01


def test_auto_timer_destructor_report_setting(clean_data, capsys, restore_settings):
    timemory.settings.destructor_report = True
    with timemory.auto_timer("quiet"):
        pass
    assert capsys.readouterr().out.startswith(">>>  quiet :")


def test_rss_usage(clean_data):
    before = timemory.rss_usage("mem", record=True)
    block = bytearray(50_000_000)
    block[::4096] = b"x" * len(block[::4096])
    after = timemory.rss_usage("mem")
    after.record()
    grown = after - before
    assert grown.current() == pytest.approx(50, abs=15)
    assert after.peak() >= before.peak()
    assert len(after.get()) == 6 and {"page_rss", "peak_rss"} <= set(after.get())
    after -= before
    assert after.current() == pytest.approx(grown.current())
    assert "MB page_rss" in str(after)
    assert timemory.get() == {"timemory": {}}
    del block


def test_component_bundle(clean_data):
    timemory.component_bundle.configure(["wall_clock", "cpu_clock"], flat_profile=True)
    try:
        outer = timemory.component_bundle("func", "file.py", 10)
        inner = timemory.component_bundle("inner", "file.py", 20, ["a", "b"])
        outer.start()
        inner.start()
        inner.stop()
        outer.stop()
    finally:
        timemory.component_bundle.reset()
    assert [(r.prefix(), r.depth()) for r in Wall.get()] == [
        (">>> func@file.py:10", 0),
        (">>> inner@file.py:20/a/b", 0),
    ]
    assert "cpu_clock" in timemory.get()["timemory"]


def test_component_bundle_unconfigured_uses_global_components(clean_data, restore_settings):
    timemory.settings.global_components = ""
    with timemory.component_bundle("f", "g.py", 1):
        pass
    assert timemory.get() == {"timemory": {}}
    timemory.settings.global_components = "peak_rss"
    with timemory.component_bundle("f", "g.py", 1):
        pass
    assert list(timemory.get()["timemory"]) == ["peak_rss"]


def test_manager_metadata_contract():
    manager = timemory.manager
    m = manager.get_metadata()
    assert {"info", "settings", "output", "environment"} <= set(m)
    m["info"]["FOO"] = "bar"
    m["info"]["BAR"] = [1.0, 2.0, 3.0]
    manager.add_metadata("FOO", "bar")
    manager.add_metadata("BAR", [1.0, 2.0, 3.0])
    assert manager.get_metadata() == m
    manager.add_metadata("FOO", "second")  # the first value wins
    assert manager.get_metadata()["info"]["FOO"] == "bar"
    with pytest.raises(RuntimeError, match="add_metadata"):
        manager.add_metadata("BAD", {"a": 1})


def test_manager_ctest_notes(tmp_path):
    manager = timemory.manager()
    manager.text_files.extend(["a.txt", "b.txt"])
    try:
        path = manager.write_ctest_notes(str(tmp_path / "notes"))
    finally:
        manager.text_files.clear()
    assert path == str(tmp_path / "notes" / "CTestNotes.cmake")
    assert (tmp_path / "notes" / "CTestNotes.cmake").read_text() == (
        "IF(NOT DEFINED CTEST_NOTES_FILES)\n    SET(CTEST_NOTES_FILES )\n"
        "ENDIF(NOT DEFINED CTEST_NOTES_FILES)\n\n"
        'LIST(APPEND CTEST_NOTES_FILES "a.txt")\nLIST(APPEND CTEST_NOTES_FILES "b.txt")\n\n'
        'IF(NOT "${CTEST_NOTES_FILES}" STREQUAL "")\n'
        "    LIST(REMOVE_DUPLICATES CTEST_NOTES_FILES)\n"
        'ENDIF(NOT "${CTEST_NOTES_FILES}" STREQUAL "")\n'
    )
