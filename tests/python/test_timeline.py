"""The per-call timeline (settings.timeline, --timeline): timeline.json as a trace viewer reads
it -- the Trace Event Format's fields, thread names and tids, real timestamps that agree with
wall_clock, every call complete and nested -- from markers, the profiler and the tracer with
named threads; dropped events when a thread's buffer is full; and the flame graph JSON's clean
names and per-thread tids. Programs run in subprocesses (run_python)."""

import json
import subprocess
import sys
from collections import defaultdict

from conftest import clean_environment

PHASES = {"B", "E", "X", "i", "I", "M", "C", "b", "e", "n", "s", "t", "f", "P", "O", "N", "D"}


def load_trace(path):
    """Loads a JSON trace as a viewer does and checks the Trace Event Format's fields: the
    object form with traceEvents, each event's name/ph/pid/tid, ts and dur of complete events,
    args of metadata events, B/E balance per thread. Returns the events."""
    with open(path) as handle:
        doc = json.load(handle)
    assert isinstance(doc, dict) and isinstance(doc["traceEvents"], list)
    assert doc.get("displayTimeUnit", "ms") in ("ms", "ns")
    open_b = defaultdict(list)
    for event in doc["traceEvents"]:
        assert isinstance(event["name"], str) and event["name"], event
        assert event["ph"] in PHASES, event
        assert isinstance(event["pid"], int) and isinstance(event["tid"], int), event
        if event["ph"] == "M":
            assert (
                isinstance(event["args"], dict)
                and "name" in event["args"]
                or (event["name"].endswith("_sort_index") and "sort_index" in event["args"])
            ), event
            continue
        assert isinstance(event["ts"], (int, float)) and event["ts"] >= 0, event
        if event["ph"] == "X":
            assert isinstance(event["dur"], (int, float)) and event["dur"] >= 0, event
        elif event["ph"] == "B":
            open_b[(event["pid"], event["tid"])].append(event)
        elif event["ph"] == "E":
            assert open_b[(event["pid"], event["tid"])], f"E without B: {event}"
            open_b[(event["pid"], event["tid"])].pop()
    for key, stack in open_b.items():
        assert not stack, f"B without E on {key}: {stack}"
    return doc["traceEvents"]


def threads_of(events):
    """{tid: (name, dropped)} from the thread_name metadata."""
    return {
        e["tid"]: (e["args"]["name"], e["args"]["dropped_events"])
        for e in events
        if e["ph"] == "M" and e["name"] == "thread_name"
    }


def calls_by_tid(events):
    calls = defaultdict(list)
    for e in events:
        if e["ph"] == "X":
            calls[e["tid"]].append(e)
    return calls


def check_nesting(calls):
    """Start times never go back on a thread, and every call lies inside the calls open when
    it starts (a stack of ends): a viewer draws them nested as recorded. Returns the depth of
    each call, in order."""
    depths = []
    stack = []
    last_ts = None
    for e in calls:
        start, end = e["ts"], e["ts"] + e["dur"]
        assert last_ts is None or start >= last_ts, (e, last_ts)
        last_ts = start
        while stack and stack[-1] <= start:
            stack.pop()
        assert not stack or end <= stack[-1] + 1e-3, (e, stack)
        depths.append(len(stack))
        stack.append(end)
    return depths


MARKERS = """
import json, threading, time
import timemory
from timemory.util import marker

@marker(["wall_clock"])
def leaf():
    time.sleep(0.002)

@marker(["wall_clock"])
def work():
    for _ in range(3):
        leaf()

threads = [threading.Thread(target=work, name=name) for name in ("worker-a", "worker-b")]
for t in threads:
    t.start()
for t in threads:
    t.join()
work()
"""


def test_markers_with_two_named_threads(run_python, tmp_path):
    out = tmp_path / "out"
    result = run_python(
        MARKERS, env={"TIMEMORY_TIMELINE": "ON", "TIMEMORY_OUTPUT_PATH": str(out)}, check=True
    )
    assert f"[timeline]|0> Outputting '{out / 'timeline.json'}'..." in result.stdout
    events = load_trace(out / "timeline.json")
    threads = threads_of(events)
    names = sorted(name for name, _ in threads.values())
    assert names == ["MainThread", "worker-a", "worker-b"]
    assert len(set(threads)) == 3 and all(dropped == 0 for _, dropped in threads.values())
    processes = [e for e in events if e["ph"] == "M" and e["name"] == "process_name"]
    assert len(processes) == 1 and "prog.py" in processes[0]["args"]["name"]
    pids = {e["pid"] for e in events}
    assert len(pids) == 1
    calls = calls_by_tid(events)
    assert set(calls) == set(threads)
    total_leaf_us = 0.0
    for tid, thread_calls in calls.items():
        assert [e["name"] for e in thread_calls] == ["work"] + ["leaf"] * 3, threads[tid]
        assert check_nesting(thread_calls) == [0, 1, 1, 1]
        for leaf in thread_calls[1:]:
            assert leaf["dur"] >= 2000.0  # a 2 ms sleep, in microseconds
            total_leaf_us += leaf["dur"]
    # the same clock readings as wall_clock: the durations add up to its totals exactly
    wall = json.loads((out / "wall.json").read_text())["timemory"]["wall_clock"]["ranks"][0]
    leaf_entry = next(e for e in wall["graph"] if e["prefix"].endswith("leaf"))
    assert abs(total_leaf_us - leaf_entry["entry"]["value"] / 1000.0) < 0.01
    # metadata.json lists the file
    meta = (out / "metadata.json").read_text()
    assert "timeline.json" in meta


FIB = """
import threading

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def run():
    fib(10)

t = threading.Thread(target=run, name="fibber")
t.start()
t.join()
run()
"""


def run_tool(tool, tmp_path, *extra, env=None):
    script = tmp_path / "fib_prog.py"
    script.write_text(FIB)
    out = tmp_path / f"out-{tool}{len(extra)}"
    command = [sys.executable, "-m", f"timemory.{tool}", *extra, "-d", str(out), "--", str(script)]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=clean_environment(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_profiler_command_line_timeline(tmp_path):
    out = run_tool("profiler", tmp_path, "--timeline")
    events = load_trace(out / "timeline.json")
    threads = threads_of(events)
    by_name = {name: tid for tid, (name, _) in threads.items()}
    assert {"MainThread", "fibber"} <= set(by_name)
    calls = calls_by_tid(events)
    for name in ("MainThread", "fibber"):
        thread_calls = calls[by_name[name]]
        fib = [e for e in thread_calls if e["name"].startswith("fib/fib_prog.py:")]
        assert len(fib) == 177  # fib(10) makes 177 calls
        run = [e for e in thread_calls if e["name"].startswith("run/fib_prog.py:")]
        assert len(run) == 1
        depths = dict(zip(map(id, thread_calls), check_nesting(thread_calls)))
        # fib(10) is the only call directly under run()
        first = fib[0]
        assert depths[id(first)] == depths[id(run[0])] + 1
        assert (
            run[0]["ts"] <= first["ts"]
            and first["ts"] + first["dur"] <= run[0]["ts"] + run[0]["dur"]
        )
    # without the flag: no timeline
    out = run_tool("profiler", tmp_path)
    assert not (out / "timeline.json").exists()


def test_tracer_command_line_timeline(tmp_path):
    out = run_tool("trace", tmp_path, "--timeline")
    events = load_trace(out / "timeline.json")
    by_name = {name: tid for tid, (name, _) in threads_of(events).items()}
    calls = calls_by_tid(events)
    for name in ("MainThread", "fibber"):
        thread_calls = calls[by_name[name]]
        assert sum(e["name"].startswith("fib/fib_prog.py:") for e in thread_calls) == 177
        check_nesting(thread_calls)


def test_full_buffer_counts_dropped_events(run_python, tmp_path):
    out = tmp_path / "out"
    code = (
        "from timemory.util import marker\n"
        "@marker(['wall_clock'])\n"
        "def f():\n    pass\n"
        "for _ in range(100):\n    f()\n"
    )
    env = {
        "TIMEMORY_TIMELINE": "ON",
        "TIMEMORY_TIMELINE_CAPACITY": "20",
        "TIMEMORY_OUTPUT_PATH": str(out),
    }
    run_python(code, env=env, check=True)
    events = load_trace(out / "timeline.json")
    ((name, dropped),) = threads_of(events).values()
    assert name == "MainThread"
    calls = [e for e in events if e["ph"] == "X"]
    assert len(calls) == 10 and dropped == 180  # 20 events kept of 200
    doc = json.loads((out / "timeline.json").read_text())
    assert doc["otherData"]["dropped_events"] == 180


def test_flamegraph_names_and_thread_tids(run_python, tmp_path):
    for collapse in ("ON", "OFF"):
        out = tmp_path / f"out-{collapse}"
        env = {"TIMEMORY_COLLAPSE_THREADS": collapse, "TIMEMORY_OUTPUT_PATH": str(out)}
        run_python(MARKERS, env=env, check=True)
        events = load_trace(out / "wall.flamegraph.json")
        assert {e["name"] for e in events} == {"work", "leaf"}
        tids = {e["tid"] for e in events}
        if collapse == "ON":
            assert tids == {0}
        else:
            assert len(tids) == 3
            for tid in tids:
                lane = [e for e in events if e["tid"] == tid]
                assert [e["name"] for e in lane] == ["work", "leaf"]
                assert lane[0]["ts"] == 0.0 and lane[1]["ts"] == 0.0


FORK = """
import os
from timemory.util import marker

@marker(["wall_clock"])
def parent_work():
    pass

@marker(["wall_clock"])
def child_work():
    pass

parent_work()
pid = os.fork()
if pid == 0:
    child_work()
    child_work()
else:
    os.waitpid(pid, 0)
    parent_work()
"""


def test_forked_child_writes_its_own_timeline(run_python, tmp_path):
    out = tmp_path / "out"
    env = {
        "TIMEMORY_TIMELINE": "ON",
        "TIMEMORY_CHILD_OUTPUT": "ON",
        "TIMEMORY_OUTPUT_PATH": str(out),
    }
    run_python(FORK, env=env, check=True)
    (child,) = out.glob("fork-*/timeline.json")
    parent = load_trace(out / "timeline.json")
    forked = load_trace(child)
    assert [e["name"] for e in parent if e["ph"] == "X"] == ["parent_work"] * 2
    assert [e["name"] for e in forked if e["ph"] == "X"] == ["child_work"] * 2
    assert {e["pid"] for e in forked} == {int(child.parent.name.split("-")[1])}
    assert {e["pid"] for e in parent} != {e["pid"] for e in forked}


ASYNC_TASKS = """
import asyncio
from timemory.util import marker

@marker(["wall_clock"])
async def task(delay):
    await asyncio.sleep(delay)

@marker(["wall_clock"])
async def main():
    await asyncio.gather(task(0.05), task(0.1))

asyncio.run(main())
"""


def test_concurrent_coroutines_on_the_timeline(run_python, tmp_path):
    # two tasks suspended and resumed in turn on one thread: each is one call from its start
    # to its end, awaits included, inside main; the trace stays balanced
    out = tmp_path / "out"
    run_python(
        ASYNC_TASKS, env={"TIMEMORY_TIMELINE": "ON", "TIMEMORY_OUTPUT_PATH": str(out)}, check=True
    )
    events = load_trace(out / "timeline.json")
    calls = [e for e in events if e["ph"] in ("X", "B")]
    names = sorted(e["name"] for e in calls)
    assert names == ["main", "task", "task"], names
    main = next(e for e in calls if e["name"] == "main")
    tasks = sorted((e for e in calls if e["name"] == "task"), key=lambda e: e["dur"])
    assert all(e["ph"] == "X" for e in calls)
    assert 45_000 <= tasks[0]["dur"] < 95_000 and 95_000 <= tasks[1]["dur"] < 500_000
    for t in tasks:  # inside main, by time
        assert main["ts"] <= t["ts"] and t["ts"] + t["dur"] <= main["ts"] + main["dur"] + 1
