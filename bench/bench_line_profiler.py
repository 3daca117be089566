#!/usr/bin/env python
"""Overhead of timemory.line_profiler.LineProfiler beside line_profiler's, in one process.

Three workloads run bare, under line_profiler.LineProfiler and under
timemory.line_profiler.LineProfiler (wall_clock), interleaved, best of R runs each:

- tight loop: ``for x in range(N): y = x``, one call, profiler enabled around it;
- realistic function: pure-Python record parsing and aggregation (split, int(), dict
  updates, branches, a helper call per record), one call;
- seed eval_func loop: the seed's profiler example, a few lines around two numpy calls
  (numpy's own Python code runs untraced under timemory's scoped backend);
- decorated calls: a small ``@profile``-decorated function called many times and nothing
  else enabled (as under kernprof -l), so each call also pays the decorator's enable and
  disable.

Printed: ns added per line event of the profiled functions by each tool, and timemory's
overhead relative to line_profiler's (goal: at most 0.25x). "floor" is timemory's profiler
with the tracer's callbacks returning at once (TracerSession._calibrate): what the interpreter charges
for delivering the events through the same hooks; the rest is the profiler's own cost.

    python bench/bench_line_profiler.py [--n 200000] [--records 20000] [--calls 20000]
                                        [--repeat 7] [--json FILE] [--callgrind]

--callgrind counts instructions instead (stable on a noisy machine): each tool runs each
workload in its own process under valgrind's callgrind, at a size and at twice that size; the
difference of the two counts over the difference of the line events is the tool's instructions
per line event (the start-up, the imports and the profiler's set-up cancel), bare's subtracted.
Separate processes also keep one tool's leftover hooks (sys.monitoring's stay installed while a
profiler is paused) out of the others' figures.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TIMEMORY_AUTO_OUTPUT", "OFF")
os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")


def tight_loop(n):
    for x in range(n):
        y = x  # noqa: F841


def _price(fields):
    qty = int(fields[2])
    return qty * float(fields[3])


def parse_records(lines):
    totals = {}
    skipped = 0
    for line in lines:
        if not line or line.startswith("#"):
            skipped += 1
            continue
        fields = line.split(",")
        key = fields[1].strip().lower()
        amount = _price(fields)
        if amount > 100.0:
            key += "/large"
        totals[key] = totals.get(key, 0.0) + amount
    return totals, skipped


def make_records(count):
    names = ["Alpha", "beta ", "Gamma", "delta"]
    lines = []
    for i in range(count):
        if i % 50 == 0:
            lines.append("# comment")
        lines.append(f"{i},{names[i % 4]},{i % 7 + 1},{(i % 13) * 3.5:.2f}")
    return lines


def small(a, b):
    c = a + b
    if c % 2:
        c += 1
    return c


def call_loop(func, calls):
    total = 0
    for i in range(calls):
        total = func(i, total)
    return total


def eval_func(arr, tol):
    """Dummy tolerance-checking function (the seed's profiler example)"""
    max = np.max(arr)  # noqa: A001
    avg = np.mean(arr)
    return True if avg < tol and max < tol else False


def eval_loop(arr, iters):
    for _ in range(iters):
        eval_func(arr, 1.0e-2)


def count_line_events(codes, func, *args):
    """Line events of the profiled code objects while func(*args) runs."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line" and frame.f_code in codes:
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        func(*args)
    finally:
        sys.settrace(None)
    return count


def make_bare(setup):
    def run():
        func, args = setup(None)
        start = time.perf_counter_ns()
        func(*args)
        return time.perf_counter_ns() - start

    return run


def make_tool(factory, setup, profiled, enable, calibrate=False):
    from timemory.libs import libpytimemory as lib

    def run():
        prof = factory(*profiled)
        func, args = setup(prof)
        if calibrate:
            lib.TracerSession._calibrate(True)
        try:
            start = time.perf_counter_ns()
            if enable:  # else the decorator enables during each call
                prof.enable_by_count()
            try:
                func(*args)
            finally:
                if enable:
                    prof.disable_by_count()
            elapsed = time.perf_counter_ns() - start
        finally:
            if calibrate:
                lib.TracerSession._calibrate(False)
        prof.get_stats()  # the data is taken (not timed): nothing is left for the next run
        return elapsed

    return run


def measure(title, setup, profiled, enable, repeat):
    codes = {f.__code__ for f in profiled}
    func, args = setup(None)
    events = count_line_events(codes, func, *args)
    from timemory.line_profiler import LineProfiler

    tools = {"bare": make_bare(setup)}
    try:
        import line_profiler

        tools["line_profiler"] = make_tool(line_profiler.LineProfiler, setup, profiled, enable)
    except ImportError as err:
        print(f"line_profiler unavailable: {err} (pip install line_profiler)")
    tools["timemory"] = make_tool(LineProfiler, setup, profiled, enable)
    tools["floor"] = make_tool(LineProfiler, setup, profiled, enable, calibrate=True)
    for run in tools.values():
        run()
    best = {name: float("inf") for name in tools}
    for _ in range(repeat):
        for name, run in tools.items():
            best[name] = min(best[name], run())
    bare = best["bare"]
    overhead = {name: (best[name] - bare) / events for name in tools}
    print(f"{title}: {events} line events profiled, best of {repeat}")
    print(f"{'tool':<15}{'ms':>10}{'overhead ns/line':>18}{'vs line_profiler':>18}")
    for name in tools:
        ratio = ""
        if "line_profiler" in tools and name in ("timemory", "floor"):
            ratio = f"{overhead[name] / overhead['line_profiler']:.3f}x"
        print(f"{name:<15}{best[name] / 1e6:>10.2f}{overhead[name]:>18.1f}{ratio:>18}")
    return overhead


def make_workloads(n, records, calls, numpy_iters=0):
    """[(title, setup, profiled functions, enable around the call)]: setup(prof) gives the
    call to time (prof None: bare)."""
    lines = make_records(records)

    def decorated(prof):
        func = prof(small) if prof is not None else small
        return call_loop, (func, calls)

    workloads = [
        ("tight loop", lambda prof: (tight_loop, (n,)), [tight_loop], True),
        ("realistic function", lambda prof: (parse_records, (lines,)), [parse_records, _price],
         True),  # fmt: skip
        ("decorated calls", decorated, [small], False),
    ]
    if numpy_iters:
        try:
            global np
            import numpy as np

            arr = np.random.rand(100, 100)
            workloads.append(("seed eval_func loop (numpy)",
                              lambda prof: (eval_loop, (arr, numpy_iters)),
                              [eval_func, eval_loop], True))  # fmt: skip
        except ImportError as err:
            print(f"numpy unavailable: {err}")
    return workloads


def child_main(tool, index, n, records, calls):
    """One run of one workload with one tool (under callgrind)."""
    import timemory

    timemory.settings.auto_output = False
    _, setup, profiled, enable = make_workloads(n, records, calls)[index]
    if tool == "bare":
        func, args = setup(None)
        func(*args)
        return
    if tool == "line_profiler":
        import line_profiler

        factory = line_profiler.LineProfiler
    else:
        from timemory.line_profiler import LineProfiler as factory
    make_tool(factory, setup, profiled, enable)()


def callgrind_count(tool, index, n, records, calls):
    """Instructions of one child process under callgrind."""
    with tempfile.TemporaryDirectory(prefix="bench-lp-") as tmp:
        out = os.path.join(tmp, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
               sys.executable, os.path.abspath(__file__), "--child", tool, str(index),
               "--n", str(n), "--records", str(records), "--calls", str(calls)]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        with open(out) as f:
            for line in f:
                match = re.match(r"(?:summary|totals):\s+(\d+)", line)
                if match:
                    return int(match.group(1))
    raise RuntimeError("no instruction total in callgrind's output")


def callgrind_main(args, workloads):
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)")
        return
    tools = ["bare", "timemory"]
    try:
        import line_profiler  # noqa: F401

        tools.insert(1, "line_profiler")
    except ImportError as err:
        print(f"line_profiler unavailable: {err} (pip install line_profiler)")
    sizes = [(args.n, args.records, args.calls), (2 * args.n, 2 * args.records, 2 * args.calls)]
    results = {}
    for index, (title, _, profiled, _) in enumerate(workloads):
        codes = {f.__code__ for f in profiled}
        events = []
        for size in sizes:
            func, fargs = make_workloads(*size)[index][1](None)
            events.append(count_line_events(codes, func, *fargs))
        added = events[1] - events[0]
        per_event = {}
        for tool in tools:
            counts = [callgrind_count(tool, index, *size) for size in sizes]
            per_event[tool] = (counts[1] - counts[0]) / added
        over = {tool: per_event[tool] - per_event["bare"] for tool in tools if tool != "bare"}
        results[title] = over
        print(f"{title}: {added} more line events at twice the size; instructions per event")
        print(f"  bare {per_event['bare']:.0f}", end="")
        for tool, value in over.items():
            print(f", {tool} +{value:.0f}", end="")
        if "line_profiler" in over:
            print(f"  -> timemory {over['timemory'] / over['line_profiler']:.3f}x line_profiler")
        else:
            print()
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump({"python": platform.python_version(),
                       "instructions_per_line": results}, out)  # fmt: skip


def main():
    if sys.argv[1:2] == ["--child"]:
        parser = argparse.ArgumentParser()
        parser.add_argument("--child", nargs=2)
        parser.add_argument("--n", type=int)
        parser.add_argument("--records", type=int)
        parser.add_argument("--calls", type=int)
        args = parser.parse_args()
        return child_main(args.child[0], int(args.child[1]), args.n, args.records, args.calls)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200000)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", metavar="FILE", help="write the figures")
    parser.add_argument("--callgrind", action="store_true",
                        help="instructions per line event under callgrind (smaller sizes)")
    args = parser.parse_args()

    import timemory
    from timemory.libs import libpytimemory as lib

    timemory.settings.auto_output = False
    from timemory.line_profiler import _rewrite

    # 3.11: the profiled functions run rewritten (no trace hook) unless that is off
    backend = "rewrite" if not _rewrite.reason() else f"tracer {lib.TracerSession._backend()}"
    print(f"line profiler: Python {platform.python_version()}, backend {backend}")
    if args.callgrind:  # numpy's import and code would drown the line events
        return callgrind_main(args, make_workloads(args.n, args.records, args.calls))
    workloads = make_workloads(args.n, args.records, args.calls, numpy_iters=2000)
    results = {}
    for title, setup, profiled, enable in workloads:
        results[title] = measure(title, setup, profiled, enable, args.repeat)
        print()
    for title, overhead in results.items():
        text = f"{title}: timemory {overhead['timemory']:.1f} ns per line event"
        if "line_profiler" in overhead:
            ratio = overhead["timemory"] / overhead["line_profiler"]
            verdict = "meets" if ratio <= 0.25 else "misses"
            text += f", {ratio:.3f}x line_profiler's {overhead['line_profiler']:.1f}"
            text += f" ({verdict} the goal <= 0.25)"
        print(text)
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump(
                {"python": platform.python_version(), "overhead_ns_per_line": results}, out
            )


if __name__ == "__main__":
    main()
