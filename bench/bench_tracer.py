#!/usr/bin/env python
"""Overhead of the timemory line tracer beside line_profiler, in one process.

Two workloads -- a tight loop (``for x in range(N): y = x``) and the seed's eval_func loop
(numpy) -- run bare, under line_profiler's LineProfiler and under timemory's
Tracer(["wall_clock"]), interleaved, best of R runs each. Printed: ns per line event added by
each tool, and timemory's relative to line_profiler's.
Goals: Tracer <= 40 ns per line event and <= 0.25x line_profiler's overhead.

A third run, "floor", is the same Tracer with its callbacks returning at once
(TracerSession._calibrate): the same hooks, switched the same way, receive the same events and record
nothing. It is what the interpreter charges for delivering the events -- on 3.9-3.11 the
tracing mode of the traced frames (each instruction dispatched twice and unspecialised, a frame
object per call), on 3.12+ the instrumented instructions -- and the difference is the tracer's
own cost per line event. In the eval_func loop the traced lines are a few lines of Python
around two numpy calls, so the floor per traced line is well above 40 ns on every version.

    python bench/bench_tracer.py [--n 200000] [--iters 2000] [--repeat 7] [--json FILE]
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


def eval_func(arr, tol):
    """Dummy tolerance-checking function"""
    max = np.max(arr)  # noqa: A001
    avg = np.mean(arr)
    return True if avg < tol and max < tol else False


def eval_loop(arr, iters):
    for _ in range(iters):
        eval_func(arr, 1.0e-2)


def count_line_events(func, *args):
    """(line events of the functions of this file -- what both tools report --, line events
    of every function called, numpy's included -- what a PyEval_SetTrace hook receives)."""
    code_names = {tight_loop.__code__, eval_func.__code__, eval_loop.__code__}
    selected = total = 0

    def tracer(frame, event, arg):
        nonlocal selected, total
        if event == "line":
            total += 1
            selected += frame.f_code in code_names
        return tracer

    sys.settrace(tracer)
    try:
        func(*args)
    finally:
        sys.settrace(None)
    return selected, total


def make_bare(func, *args):
    def run():
        start = time.perf_counter_ns()
        func(*args)
        return time.perf_counter_ns() - start

    return run


def make_line_profiler(funcs, func, *args):
    from line_profiler import LineProfiler

    def run():
        prof = LineProfiler(*funcs)
        start = time.perf_counter_ns()
        prof.enable_by_count()
        try:
            func(*args)
        finally:
            prof.disable_by_count()
        return time.perf_counter_ns() - start

    return run


def make_timemory(func, *args, calibrate=False):
    import timemory
    from timemory.libs import libpytimemory as lib
    from timemory.trace import Config, Tracer

    timemory.settings.auto_output = False
    Config.only_filenames = [os.path.abspath(__file__)]

    def run():
        tracer = Tracer(["wall_clock"])
        lib.TracerSession._calibrate(calibrate)
        try:
            start = time.perf_counter_ns()
            with tracer:
                func(*args)
            elapsed = time.perf_counter_ns() - start
        finally:
            lib.TracerSession._calibrate(False)
        timemory.clear()
        return elapsed

    return run


def measure(title, funcs, func, args, repeat):
    events, all_events = count_line_events(func, *args)
    tools = {"bare": make_bare(func, *args)}
    try:
        tools["line_profiler"] = make_line_profiler(funcs, func, *args)
    except ImportError as err:
        print(f"line_profiler unavailable: {err} (pip install line_profiler)")
    tools["timemory"] = make_timemory(func, *args)
    tools["floor"] = make_timemory(func, *args, calibrate=True)
    for run in tools.values():
        run()
    best = {name: float("inf") for name in tools}
    for _ in range(repeat):
        for name, run in tools.items():
            best[name] = min(best[name], run())
    bare = best["bare"]
    print(f"{title}: {events} line events traced ({all_events} in all code), best of {repeat}")
    print(f"{'tool':<15}{'ms':>10}{'overhead ns/line':>18}{'vs line_profiler':>18}")
    overhead = {name: (best[name] - bare) / events for name in tools}
    for name in tools:
        if "line_profiler" in tools and name not in ("bare", "floor"):
            ratio = f"{overhead[name] / overhead['line_profiler']:>17.2f}x"
        else:
            ratio = f"{'':>18}"
        print(f"{name:<15}{best[name] / 1e6:>10.2f}{overhead[name]:>18.1f}{ratio}")
    own = overhead["timemory"] - overhead["floor"]
    print(f"  timemory's own cost (above the floor): {own:.1f} ns per line event")
    if all_events > events:
        per_all = (best["timemory"] - bare) / all_events
        print(
            f"  timemory per line event of all the code that runs (numpy's included, what a "
            f"sys.settrace hook receives): {per_all:.1f} ns"
        )
    return overhead


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200000)
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", metavar="FILE", help="write the figures (bench/compare.py)")
    args = parser.parse_args()

    import timemory.trace as _trace  # noqa: F401 - backend name below
    from timemory.libs import libpytimemory as lib

    print(f"line tracer: Python {platform.python_version()}, timemory backend "
          f"{lib.TracerSession._backend()}")  # fmt: skip
    results = [measure("tight loop", [tight_loop], tight_loop, (args.n,), args.repeat)]
    try:
        global np
        import numpy as np

        arr = np.random.rand(100, 100)
        results.append(
            measure(
                "eval_func loop",
                [eval_func, eval_loop],
                eval_loop,
                (arr, args.iters),
                args.repeat,
            )
        )
    except ImportError as err:
        print(f"numpy unavailable: {err}")
    for title, overhead in zip(("tight loop", "eval_func loop"), results):
        per_line = overhead["timemory"]
        floor = overhead["floor"]
        own = per_line - floor
        verdict = "meets" if per_line <= 40 else "misses"
        text = f"{title}: timemory {per_line:.1f} ns per line event {verdict} the goal <= 40"
        text += f"; its own cost above the floor, {own:.1f}, {'meets' if own <= 40 else 'misses'} it"
        if floor > 40:
            text += f" (the floor alone, {floor:.1f}, is above 40: hooks doing nothing through the same interpreter API cost more)"
        if "line_profiler" in overhead:
            ratio = per_line / overhead["line_profiler"]
            text += f"; {ratio:.2f}x line_profiler {'meets' if ratio <= 0.25 else 'misses'}"
            text += " the goal <= 0.25"
        print(text)
    if args.json:
        import json

        titles = ("tight loop", "eval_func loop")
        with open(args.json, "w") as out:
            json.dump(
                {
                    "python": platform.python_version(),
                    "overhead_ns_per_line": dict(zip(titles, results)),
                },
                out,
            )


if __name__ == "__main__":
    main()
