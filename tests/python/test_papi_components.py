"""papi_vector and papi_array from Python, as a new user tries them: TIMEMORY_PAPI_EVENTS names
software events this VM counts (perf::TASK-CLOCK, perf::PAGE-FAULTS; through the perf_event
backend here, PAPI where its perf_event component works), a marked region that runs and touches
fresh pages records both, and the outputs hold ONE papi_vector component: a table with a sub-row
per event and JSON values that are arrays in the event order. An event this machine lacks is
one warning and the others still count; an empty list says to set papi_events.
"""

import json

import pytest
from timemory import component

REGION = """
import json, sys, timemory
from timemory.util import marker
name = sys.argv[1]
with marker(["wall_clock", name], key="hwc-region"):
    total = 0.0
    for i in range(300000):
        total += i * 0.5
    block = bytearray(48 << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1
data = timemory.get()["timemory"]
print(json.dumps(sorted(data)))
print(json.dumps(data.get(name)))
timemory.finalize()
"""

EVENTS = "perf::TASK-CLOCK,perf::PAGE-FAULTS"


def _run(run_python, tmp_path, name, events):
    out = tmp_path / "out"
    env = {"TIMEMORY_PAPI_EVENTS": events, "TIMEMORY_OUTPUT_PATH": str(out)}
    result = run_python(REGION, name, env=env, check=True)
    lines = result.stdout.splitlines()
    comps, data = json.loads(lines[0]), json.loads(lines[1])
    return comps, data, out, result.stderr


def test_available_with_a_backend_and_roofline_says_why():
    assert component.is_available("papi_vector") is True
    assert component.is_available("papi_array") is True
    assert component.reason("papi_vector") is None
    assert component.is_available("cpu_roofline_dp_flops") is False
    assert "PAPI_DP_OPS" in (component.reason("cpu_roofline_dp_flops") or "")


@pytest.mark.parametrize("name", ["papi_vector", "papi_array"])
def test_marked_region_writes_one_column_per_event(run_python, tmp_path, name):
    comps, data, out, err = _run(run_python, tmp_path, name, EVENTS)
    assert name in comps and not any("_perf_" in c for c in comps), comps
    assert data["type"] == ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
    graph = data["ranks"][0]["graph"]
    assert [e["prefix"] for e in graph] == [">>> hwc-region"]
    entry = graph[0]["entry"]
    clock, faults = entry["accum"]
    assert entry["laps"] == 1 and entry["value"] == entry["accum"]
    assert clock > 1000  # ns of a busy loop
    assert faults >= 1000  # 48 MiB of fresh pages
    assert graph[0]["stats"]["count"] == 1 and graph[0]["stats"]["sum"] == [clock, faults]
    # the files of finalize: one table and one JSON for the group
    table = (out / f"{name}.txt").read_text()
    rows = [line for line in table.splitlines() if "perf::" in line]
    assert [r.split("|")[4].strip() for r in rows] == ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
    assert ">>> hwc-region" in rows[0]
    assert f" {faults} " in rows[1]
    written = json.loads((out / f"{name}.json").read_text())["timemory"][name]
    assert written["ranks"][0]["graph"][0]["entry"]["accum"] == [clock, faults]
    tree = json.loads((out / f"{name}.tree.json").read_text())["timemory"][name]
    node = tree["graph"][0][0]["children"][0]["node"]
    assert node["prefix"] == "hwc-region" and tree["type"] == written["type"]
    assert node["inclusive"]["entry"]["accum"] == [clock, faults]
    assert node["exclusive"]["entry"]["accum"] == [clock, faults]  # a leaf
    assert not list(out.glob("*_perf_*"))
    assert "warning" not in err


def _lacks_cycles():
    from timemory import hardware_counters

    return not any(e.symbol() == "cycles" and e.available() for e in hardware_counters.events())


@pytest.mark.skipif(not _lacks_cycles(), reason="this machine's PMU counts cycles")
def test_missing_event_one_warning_the_others_count(run_python, tmp_path):
    # cycles: a VM without a hardware PMU (this one) has no such counter
    comps, data, out, err = _run(run_python, tmp_path, "papi_vector", "cycles," + EVENTS)
    assert err.count("'cycles'") == 1, err
    assert "not available on this machine" in err
    assert data["type"] == ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
    clock, faults = data["ranks"][0]["graph"][0]["entry"]["accum"]
    assert clock > 1000 and faults >= 1000


def test_empty_event_list_says_to_set_papi_events(run_python, tmp_path):
    comps, data, out, err = _run(run_python, tmp_path, "papi_vector", "")
    assert "set papi_events (TIMEMORY_PAPI_EVENTS)" in err
    assert data is None and "papi_vector" not in comps


def test_avail_lists_them_with_their_backend(capsys):
    from timemory.avail.__main__ import main

    assert main(["-C", "-d"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| papi_vector "))
    assert row.split("|")[2].strip() == "true" and ("(counted by perf_event)" in row or "(counted by PAPI)" in row)


def test_standalone_class_refuses_rather_than_inventing_zeros():
    with pytest.raises(NotImplementedError, match="markers, the Profiler"):
        component.PapiVector().start()


def _software_events():
    from timemory import hardware_counters

    return [e.symbol() for e in hardware_counters.events(available_only=True)
            if "software event" in e.long_description()]  # fmt: skip


@pytest.mark.skipif(len(_software_events()) < 9, reason="fewer than 9 countable events here")
def test_papi_array_holds_eight_counters_papi_vector_all(run_python, tmp_path):
    events = _software_events()[:9]
    comps, data, out, err = _run(run_python, tmp_path, "papi_array", ",".join(events))
    assert data["type"] == events[:8]
    assert len(data["ranks"][0]["graph"][0]["entry"]["accum"]) == 8
    assert err.count("papi_array: holds 8 counters and papi_events lists 9") == 1, err
    assert f"from {events[8]} on only papi_vector does" in err
    comps, data, out, err = _run(run_python, tmp_path, "papi_vector", ",".join(events))
    assert data["type"] == events and "warning" not in err
