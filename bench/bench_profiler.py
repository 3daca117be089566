#!/usr/bin/env python
"""Overhead of the timemory function profiler beside its peers, in one process.

fib(N) is run bare, under cProfile, under timemory's Profiler(["wall_clock"]) and under yappi
(wall clock), interleaved, best of R runs each. Printed: ns per Python call (total and added
by the tool) and the tool's added time relative to cProfile's.
Goals: Profiler overhead <= 0.8x cProfile's on 3.11, <= 0.5x on 3.12+.

    python bench/bench_profiler.py [--n 25] [--repeat 7] [--backend auto|legacy|monitoring]
                                   [--json FILE]
"""

import argparse
import os
import platform
import sys
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


def make_cprofile():
    import cProfile

    def run(n):
        prof = cProfile.Profile()
        start = time.perf_counter_ns()
        prof.enable()
        fib(n)
        prof.disable()
        return time.perf_counter_ns() - start

    return run


def make_timemory(backend, trace_c):
    import timemory
    from timemory.libs import libpytimemory as lib
    from timemory.profiler import Config, Profiler

    timemory.settings.auto_output = False
    if backend:
        lib.ProfilerSession._set_backend(backend)

    def run(n):
        Config.trace_c = trace_c
        prof = Profiler(["wall_clock"])
        start = time.perf_counter_ns()
        with prof:
            fib(n)
        elapsed = time.perf_counter_ns() - start
        timemory.clear()
        return elapsed

    def backend_name():
        Config.trace_c = trace_c
        return lib.ProfilerSession._backend()

    run.backend = backend_name
    return run


def make_yappi():
    import yappi

    yappi.set_clock_type("wall")

    def run(n):
        yappi.clear_stats()
        start = time.perf_counter_ns()
        yappi.start()
        fib(n)
        yappi.stop()
        return time.perf_counter_ns() - start

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--backend", default="", help="timemory profiler backend")
    parser.add_argument("--json", metavar="FILE", help="write the figures (bench/compare.py)")
    args = parser.parse_args()

    tools = {"bare": run_bare}
    tools["cProfile"] = make_cprofile()
    # Config.trace_c (default True, as in the seed) also records C functions, as cProfile and
    # yappi do; without it the profiler sees Python functions only, through a cheaper hook
    tools["timemory"] = make_timemory(args.backend, True)
    tools["timemory-noC"] = make_timemory(args.backend, False)
    try:
        tools["yappi"] = make_yappi()
    except ImportError as err:
        print(f"yappi unavailable: {err} (pip install yappi)")

    calls = calls_of(args.n)
    best = {name: float("inf") for name in tools}
    for run in tools.values():  # warm-up: first-call costs (label registration, imports)
        run(min(args.n, 15))
    for _ in range(args.repeat):
        for name, run in tools.items():
            best[name] = min(best[name], run(args.n))

    bare = best["bare"] / calls
    overhead = {name: best[name] / calls - bare for name in tools}
    print(
        f"function profiler: fib({args.n}) = {calls} calls, best of {args.repeat}, "
        f"Python {platform.python_version()}; timemory backend "
        f"{tools['timemory'].backend()} (trace_c=True), "
        f"{tools['timemory-noC'].backend()} (trace_c=False)"
    )
    print(f"{'tool':<14}{'ns/call':>10}{'overhead ns/call':>18}{'vs cProfile':>13}")
    for name in tools:
        ratio = overhead[name] / overhead["cProfile"] if name != "bare" else float("nan")
        ratio_text = f"{ratio:>12.2f}x" if name != "bare" else f"{'':>13}"
        print(f"{name:<14}{best[name] / calls:>10.1f}{overhead[name]:>18.1f}{ratio_text}")
    goal = 0.8 if sys.version_info < (3, 12) else 0.5
    for name in ("timemory", "timemory-noC"):
        ratio = overhead[name] / overhead["cProfile"]
        verdict = "meets" if ratio <= goal else "misses"
        print(f"{name}/cProfile overhead ratio {ratio:.2f} {verdict} the goal <= {goal}")
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump(
                {
                    "python": platform.python_version(),
                    "calls": calls,
                    "overhead_ns_per_call": overhead,
                    "backend": tools["timemory"].backend(),
                    "goal": goal,
                },
                out,
            )


if __name__ == "__main__":
    main()
