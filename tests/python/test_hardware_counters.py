"""timemory.hardware_counters: the events of this machine, from the engine's backends (PAPI
when libpapi is installed, perf_event), each tested by opening it: Info, preset, available,
and counting real software events through the extension."""

import mmap

import pytest
from timemory import hardware_counters as hc
from timemory.libs import libpytimemory as ext

ROWS = ext.hwcounters_list()
KNOWN = {(row["name"], row["backend"]): row for row in ROWS}
CAN_COUNT = KNOWN[("task-clock", "perf_event")]["available"]


def test_every_event_has_an_info():
    infos = hc.events()
    assert [(i.symbol(), i.api().name) for i in infos] == [(r["name"], r["backend"]) for r in ROWS]
    assert {i.symbol() for i in hc.events(available_only=True)} == {
        r["name"] for r in ROWS if r["available"]
    }
    assert hc.available() == any(r["available"] for r in ROWS)
    names = {r["name"] for r in ROWS if r["backend"] == "perf_event"}
    assert {"cycles", "instructions", "task-clock", "page-faults", "context-switches"} <= names


def test_info_and_preset():
    info = hc.Info("task-clock")
    assert info.api() == hc.api.perf_event
    assert info.units() == "ns" and info.python_symbol() == "task_clock"
    assert info.available() is bool(CAN_COUNT)
    assert "task clock" in info.long_description()
    assert len(info.short_description()) <= 64
    assert hc.preset.task_clock.symbol() == "task-clock"
    assert hc.preset.page_faults.units() == ""
    assert "task_clock" in dir(hc.preset)
    with pytest.raises(AttributeError, match="no counter 'nothing_here'"):
        hc.preset.nothing_here  # noqa: B018
    with pytest.raises(AttributeError, match="read-only"):
        hc.preset.task_clock = 1
    with pytest.raises(ValueError, match="'bogus' is not known"):
        hc.Info("bogus")
    if ("PAPI_TOT_CYC", "papi") in KNOWN:
        papi = hc.Info("PAPI_TOT_CYC", hc.api.papi)
        assert papi.api() == hc.api.papi and papi.python_symbol() == "PAPI_TOT_CYC"
        assert papi.available() is KNOWN[("PAPI_TOT_CYC", "papi")]["available"]
        assert hc.preset.PAPI_TOT_CYC.symbol() == "PAPI_TOT_CYC"
    else:
        assert hc.reason()  # PAPI is not installed: the reason says so


@pytest.mark.skipif(not CAN_COUNT, reason="perf_event_open is not permitted here")
def test_counting_software_events():
    assert ext.hwcounters_configure("task-clock, page-faults") == ["task-clock", "page-faults"]
    assert hc.backend() in ("papi", "perf_event")
    before = ext.hwcounters_read()
    with mmap.mmap(-1, 512 * 4096) as block:
        for i in range(512):
            block[i * 4096] = 1
    sum(i * i for i in range(200000))
    after = ext.hwcounters_read()
    assert after[0] > before[0] + 1000000  # > 1 ms of CPU
    assert after[1] - before[1] >= 400
    with pytest.raises(ValueError, match="unknown name"):
        ext.hwcounters_configure("task-clock,bogus", True)
    assert ext.hwcounters_configure("") == []
    assert ext.hwcounters_read() == ()
