"""Per-call overhead of timemory decorators, side by side with a plain Python decorator.

A program, not a test. One process, interleaved rounds, best of 7: an empty function bare,
wrapped by a Python decorator that calls time.perf_counter_ns twice, by
@marker(["wall_clock"]), by @marker(["wall_clock", "cpu_clock", "peak_rss"]), and by
@marker(["wall_clock"]) with timemory disabled. Prints ns per call and the overhead over the
bare call, and the ratios the issue asks for.

    python bench/bench_decorator.py [calls-per-round] [--json FILE]

--json FILE writes the figures (ns per call) for bench/compare.py.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time

import timemory
from timemory.util import marker

timemory.settings.auto_output = False


def perf_counter_decorator(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter_ns()
        try:
            return func(*args, **kwargs)
        finally:
            wrapper.elapsed += time.perf_counter_ns() - start

    wrapper.elapsed = 0
    return wrapper


def bare():
    pass


@perf_counter_decorator
def python_decorated():
    pass


@marker(["wall_clock"])
def marker_wall():
    pass


@marker(["wall_clock", "cpu_clock", "peak_rss"])
def marker_three():
    pass


@marker(["wall_clock"], key="disabled")
def marker_disabled():
    pass


def per_call_ns(func, n: int) -> float:
    loop = range(n)
    start = time.perf_counter_ns()
    for _ in loop:
        func()
    return (time.perf_counter_ns() - start) / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calls", type=int, nargs="?", default=200_000)
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    args = parser.parse_args()
    n = args.calls
    cases = {
        "bare function": (bare, True),
        "python decorator (perf_counter_ns x2)": (python_decorated, True),
        "@marker(['wall_clock'])": (marker_wall, True),
        "@marker(wall_clock, cpu_clock, peak_rss)": (marker_three, True),
        "@marker(['wall_clock']), timemory disabled": (marker_disabled, False),
    }
    best = {name: float("inf") for name in cases}
    for _ in range(7):
        for name, (func, enabled) in cases.items():
            timemory.settings.enabled = enabled
            best[name] = min(best[name], per_call_ns(func, n))
            timemory.settings.enabled = True
    base = best["bare function"]
    print(f"per-call cost, {n} calls per round, best of 7 (Python {sys.version.split()[0]})")
    for name, value in best.items():
        print(f"  {name:<44} {value:8.1f} ns/call   overhead {value - base:8.1f} ns")
    py = best["python decorator (perf_counter_ns x2)"] - base
    wall = best["@marker(['wall_clock'])"] - base
    print(f"  marker(wall_clock) overhead / python decorator overhead = {wall / py:.2f}x")
    if args.json:
        names = ["bare", "python_decorator", "marker_wall", "marker_three", "marker_disabled"]
        figures = {key: best[name] for key, name in zip(names, cases)}
        with open(args.json, "w") as out:
            json.dump({"python": sys.version.split()[0], "ns_per_call": figures}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
