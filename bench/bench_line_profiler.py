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
                                        [--repeat 7] [--json FILE]
"""

import argparse
import os
import platform
import sys
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200000)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", metavar="FILE", help="write the figures")
    args = parser.parse_args()

    import timemory
    from timemory.libs import libpytimemory as lib

    timemory.settings.auto_output = False
    print(f"line profiler: Python {platform.python_version()}, tracer backend "
          f"{lib.TracerSession._backend()}")  # fmt: skip
    records = make_records(args.records)

    def decorated(prof):
        func = prof(small) if prof is not None else small
        return call_loop, (func, args.calls)

    workloads = [
        ("tight loop", lambda prof: (tight_loop, (args.n,)), [tight_loop], True),
        ("realistic function", lambda prof: (parse_records, (records,)), [parse_records, _price],
         True),  # fmt: skip
        ("decorated calls", decorated, [small], False),
    ]
    try:
        global np
        import numpy as np

        arr = np.random.rand(100, 100)
        workloads.append(("seed eval_func loop (numpy)", lambda prof: (eval_loop, (arr, 2000)),
                          [eval_func, eval_loop], True))  # fmt: skip
    except ImportError as err:
        print(f"numpy unavailable: {err}")
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
