"""timemory.hardware_counters: the events of this machine, from the engine's backends (PAPI
when libpapi is installed, perf_event), each tested by opening it: Info, preset, available,
and counting real software events through the extension."""

import json
import mmap
import os
import subprocess
import sys

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


PAPI_PROGRAM = """
import json, sys
from timemory.libs import libpytimemory as ext
rows = ext.hwcounters_list()
names = ext.hwcounters_configure("PAPI_TOT_CYC,no-such-event,PAPI_L1_DCM")
print(json.dumps({"backend": ext.hwcounters_backend(), "reason": ext.hwcounters_reason(),
                  "names": names, "papi": [r for r in rows if r["backend"] == "papi"]}))
"""


def test_papi_backend_when_libpapi_is_installed():
    """The PAPI path (dlopen, library and thread init, the CPU component, names, probes, the
    list). PAPI's perf_event component needs a PMU libpfm4 knows: on a VM without one it is
    disabled, so this run names one (LIBPFM_FORCE_PMU): PAPI is then the backend and its events
    are listed, each probed -- and not available, since the VM has no such counters."""
    if not any(row["backend"] == "papi" for row in ROWS):
        assert "PAPI" in (hc.reason() or "")
        pytest.skip(f"libpapi is not installed ({hc.reason()})")
    env = dict(TIMEMORY_HWCOUNTERS_BACKEND="papi", LIBPFM_FORCE_PMU="amd64_fam17h_zen2")
    proc = subprocess.run(
        [sys.executable, "-c", PAPI_PROGRAM],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0 and "PAPI backend was asked for" in proc.stderr:
        pytest.skip("PAPI's perf_event component stays disabled here")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["backend"] == "papi" and result["reason"] is None
    papi = {row["name"]: row for row in result["papi"]}
    assert "PAPI_TOT_CYC" in papi and len(papi) > 20
    # every event that counts is in the list; the unknown name is one warning
    assert set(result["names"]) <= {name for name, row in papi.items() if row["available"]}
    assert proc.stderr.count("'no-such-event' is unknown to PAPI") == 1
    for name in ("PAPI_TOT_CYC", "PAPI_L1_DCM"):
        if not papi[name]["available"]:
            assert proc.stderr.count(f"'{name}' is not available on this machine (PAPI") == 1
