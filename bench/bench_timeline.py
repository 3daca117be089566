#!/usr/bin/env python
"""Cost of the per-call timeline beside viztracer's, in one process.

fib(N) is run bare, under timemory's Profiler(["wall_clock"]) without and with the timeline
(settings.timeline: every call's start and end in the thread's buffer) and under viztracer
(which records the same: one complete event per call, C calls included, as the profiler's
default trace_c), interleaved, best of R runs each; then each tool writes its trace once
(timemory: timeline.json through report(), viztracer: save()). Printed: ns per call added by
each tool, the timeline's own share, the write time per call, and timemory's cost relative to
viztracer's. Goal: timemory with the timeline <= 0.5x viztracer's cost per call.

    python bench/bench_timeline.py [--n 23] [--repeat 7] [--json FILE]
"""

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time

os.environ.setdefault("TIMEMORY_AUTO_OUTPUT", "OFF")
os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def calls_of(n):
    a, b = 1, 1  # calls(0) = calls(1) = 1; calls(n) = 1 + calls(n-1) + calls(n-2)
    for _ in range(n - 1):
        a, b = b, 1 + a + b
    return b if n > 0 else 1


def run_bare(n):
    start = time.perf_counter_ns()
    fib(n)
    return time.perf_counter_ns() - start


def make_timemory(timeline, capacity):
    import timemory
    from timemory.profiler import Config, Profiler

    timemory.settings.auto_output = False
    timemory.settings.timeline_capacity = capacity

    def run(n):
        timemory.settings.timeline = timeline
        Config.trace_c = True
        prof = Profiler(["wall_clock"])
        start = time.perf_counter_ns()
        with prof:
            fib(n)
        elapsed = time.perf_counter_ns() - start
        timemory.settings.timeline = False
        run.last_events = timemory.libs.libpytimemory.timeline_counts()
        timemory.clear()
        return elapsed

    def write(n, folder):
        """report() with only the timeline (and metadata.json) to write"""
        s = timemory.settings
        for name in ("json_output", "tree_output", "text_output", "flamegraph_output"):
            setattr(s, name, False)
        s.cout_output, s.file_output, s.output_path = False, True, folder
        s.timeline = True
        with Profiler(["wall_clock"]):
            fib(n)
        s.timeline = False
        start = time.perf_counter_ns()
        timemory.report()
        elapsed = time.perf_counter_ns() - start
        timemory.clear()
        return elapsed, os.path.getsize(os.path.join(folder, "timeline.json"))

    run.last_events = (0, 0)
    run.write = write
    return run


def make_viztracer(capacity):
    from viztracer import VizTracer

    tracer = VizTracer(tracer_entries=capacity, verbose=0, max_stack_depth=-1)

    def run(n):
        tracer.clear()
        start = time.perf_counter_ns()
        tracer.start()
        fib(n)
        tracer.stop()
        return time.perf_counter_ns() - start

    def write(n, folder):
        tracer.clear()
        tracer.start()
        fib(n)
        tracer.stop()
        path = os.path.join(folder, "viztracer.json")
        start = time.perf_counter_ns()
        tracer.save(path, verbose=0)
        return time.perf_counter_ns() - start, os.path.getsize(path)

    run.write = write
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=23)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args()

    calls = calls_of(args.n)
    capacity = 4 * calls + 1024  # both keep every call of one run
    tools = {"bare": run_bare}
    tools["timemory"] = make_timemory(False, capacity)
    tools["timemory+timeline"] = make_timemory(True, capacity)
    try:
        tools["viztracer"] = make_viztracer(capacity)
    except ImportError as err:
        print(f"viztracer unavailable: {err} (pip install viztracer)")

    best = {name: float("inf") for name in tools}
    for run in tools.values():  # warm-up: labels, buffers, imports
        run(min(args.n, 15))
    for _ in range(args.repeat):
        for name, run in tools.items():
            best[name] = min(best[name], run(args.n))
    recorded, dropped = tools["timemory+timeline"].last_events
    assert recorded >= 2 * calls and dropped == 0, (recorded, dropped, calls)

    bare = best["bare"] / calls
    cost = {name: best[name] / calls - bare for name in tools}
    folder = tempfile.mkdtemp(prefix="bench-timeline-")
    writes = {}
    try:
        for name in ("timemory+timeline", "viztracer"):
            if name in tools:
                sub = os.path.join(folder, name)
                os.makedirs(sub)
                writes[name] = tools[name].write(args.n, sub)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"per-call timeline: fib({args.n}) = {calls} calls (2 events each), best of "
        f"{args.repeat}, Python {platform.python_version()}"
    )
    print(f"{'tool':<20}{'ns/call':>10}{'added ns/call':>15}{'write ns/call':>15}{'MB':>8}")
    for name in tools:
        w = writes.get(name)
        wtext = f"{w[0] / calls:>15.1f}{w[1] / 1e6:>8.1f}" if w else f"{'':>23}"
        print(f"{name:<20}{best[name] / calls:>10.1f}{cost[name]:>15.1f}{wtext}")
    figures = {
        "python": platform.python_version(),
        "n": args.n,
        "calls": calls,
        "ns_per_call": {name: best[name] / calls for name in tools},
        "added_ns_per_call": cost,
        "timeline_only_ns_per_call": cost["timemory+timeline"] - cost["timemory"],
        "write_ns_per_call": {name: w[0] / calls for name, w in writes.items()},
        "goal": 0.5,
    }
    print(
        f"the timeline's own share: {figures['timeline_only_ns_per_call']:.1f} ns per call "
        f"({figures['timeline_only_ns_per_call'] / 2:.1f} ns per event)"
    )
    if "viztracer" in tools:
        ratio = cost["timemory+timeline"] / cost["viztracer"]
        figures["ratio"] = ratio
        verdict = "meets" if ratio <= 0.5 else "misses"
        print(f"timemory+timeline / viztracer cost per call {ratio:.2f} {verdict} the goal <= 0.5")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
