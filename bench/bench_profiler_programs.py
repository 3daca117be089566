#!/usr/bin/env python
"""Overhead of the timemory function profiler on real programs, beside cProfile, in one process.

bench_profiler.py measures fib(N): Python calls only. Real code mostly calls C functions
(builtins, methods of built-in types) as well, which on 3.9-3.11 only the interpreter's
profile hook reports; this runs three standard-library workloads that do both -- ast.unparse
of a large module, difflib.SequenceMatcher.ratio and textwrap.fill -- bare, under cProfile and
under Profiler(["wall_clock"]) with each timemory backend of this Python, interleaved, best of
R runs each. Printed: ns per call (cProfile's count of Python and C calls) added by each tool,
and its ratio to cProfile's.

    python bench/bench_profiler_programs.py [--repeat 7] [--json FILE]
"""

import argparse
import ast
import cProfile
import difflib
import os
import platform
import pstats
import random
import sys
import textwrap
import time

os.environ.setdefault("TIMEMORY_AUTO_OUTPUT", "OFF")
os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")


def workloads():
    tree = ast.parse(open(ast.__file__).read())
    rng = random.Random(1)
    lines_a = [str(rng.randint(0, 50)) for _ in range(600)]
    lines_b = lines_a[:]
    rng.shuffle(lines_b)
    words = " ".join(rng.choice(["alpha", "be", "gamma", "delta", "eps"]) for _ in range(20000))
    return {
        "ast.unparse": lambda: ast.unparse(tree),
        "difflib": lambda: difflib.SequenceMatcher(None, lines_a, lines_b).ratio(),
        "textwrap": lambda: textwrap.fill(words, 40),
    }


def count_calls(func):
    prof = cProfile.Profile()
    prof.enable()
    func()
    prof.disable()
    return pstats.Stats(prof).total_calls


def make_runner(tool):
    if tool == "bare":

        def run(func):
            start = time.perf_counter_ns()
            func()
            return time.perf_counter_ns() - start

        return run
    if tool == "cProfile":

        def run(func):
            prof = cProfile.Profile()
            start = time.perf_counter_ns()
            prof.enable()
            func()
            prof.disable()
            return time.perf_counter_ns() - start

        return run

    import timemory
    from timemory.libs import libpytimemory as lib
    from timemory.profiler import Profiler

    timemory.settings.auto_output = False
    backend = tool.split(":", 1)[1]

    def run(func):
        lib.ProfilerSession._set_backend(backend)
        prof = Profiler(["wall_clock"])
        start = time.perf_counter_ns()
        prof.start()
        func()
        prof.stop()
        elapsed = time.perf_counter_ns() - start
        timemory.clear()
        lib.ProfilerSession._set_backend("auto")
        return elapsed

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", metavar="FILE", help="write the figures (bench/compare.py)")
    args = parser.parse_args()

    figures = {}
    backends = ["scoped", "legacy"] if sys.version_info < (3, 12) else ["monitoring", "legacy"]
    tools = ["bare", "cProfile"] + [f"timemory:{name}" for name in backends]
    runners = {tool: make_runner(tool) for tool in tools}
    print(f"function profiler on programs: Python {platform.python_version()}, best of "
          f"{args.repeat}; ns per call added, and the ratio to cProfile's")  # fmt: skip
    header = f"{'workload':<14}{'calls':>9}{'cProfile':>10}"
    header += "".join(f"{tool:>26}" for tool in tools[2:])
    print(header)
    for name, func in workloads().items():
        calls = count_calls(func)
        best = {tool: float("inf") for tool in tools}
        for run in runners.values():
            run(func)
        for _ in range(args.repeat):
            for tool, run in runners.items():
                best[tool] = min(best[tool], run(func))
        added = {tool: (best[tool] - best["bare"]) / calls for tool in tools}
        row = f"{name:<14}{calls:>9}{added['cProfile']:>10.1f}"
        for tool in tools[2:]:
            row += f"{added[tool]:>17.1f} ({added[tool] / added['cProfile']:.2f}x)"
        print(row)
        figures[name] = {"calls": calls, "added_ns_per_call": added}
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump({"python": platform.python_version(), "workloads": figures}, out)


if __name__ == "__main__":
    main()
