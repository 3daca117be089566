#!/usr/bin/env python
"""Overhead per allocation of timemory's allocation tracking beside tracemalloc and memray.

One allocation-heavy Python workload (small objects, strings, lists and a few large byte
strings, made and dropped) runs bare, under timemory.start_mallocp() (inside a region, so
every call lands in a malloc_gotcha entry), under tracemalloc (1 frame, its default) and under
memray.Tracker(trace_python_allocators=True) (memray then sees the same Python allocator calls;
its default sees only what reaches malloc), interleaved, best of R runs each. The number of
allocator calls per run is what timemory recorded (the laps of its malloc, calloc, realloc and
free entries); each tool's added time per run is divided by it.

Printed: ns added per allocator call by each tool and timemory's cost relative to each peer's.
A peer that is not installed is skipped with a message (pip install memray).

With --c-bench PATH (bench_mallocp_c, built with TIMEMORY_BUILD_TESTS), a C program's
malloc/free pair is also timed bare and under LD_PRELOAD of libtimemory-mallocp.so, stopped
and recording (the library is looked for beside the loaded libtimemory.so).

    python bench/bench_mallocp.py [--n 200000] [--repeat 7] [--c-bench PATH] [--json FILE]
"""

import argparse
import gc
import json
import os
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("TIMEMORY_AUTO_OUTPUT", "OFF")


def workload(n):
    keep = []
    for i in range(n):
        keep.append((i, str(i), [i]))
        if i % 64 == 0:
            keep.append(b"x" * 4096)
        if len(keep) > 256:
            keep.clear()
    return len(keep)


def _best(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter_ns()
        fn()
        best = min(best, time.perf_counter_ns() - t0)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--c-bench", help="bench_mallocp_c to run bare and preloaded")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    import timemory
    from timemory.libs import libpytimemory as lib

    wall = 1 << int(timemory.component.wall_clock)
    key = lib.add_hash_id("bench-mallocp")
    n = args.n

    def bare():
        workload(n)

    def with_timemory():
        idx = timemory.start_mallocp()
        lib.push(key, wall)
        workload(n)
        lib.pop(key)
        timemory.stop_mallocp(idx)

    def with_tracemalloc():
        tracemalloc.start()
        workload(n)
        tracemalloc.stop()

    tools = {"bare": bare, "timemory": with_timemory, "tracemalloc": with_tracemalloc}
    tmp = tempfile.mkdtemp(prefix="bench-mallocp-")
    try:
        import memray

        counter = [0]

        def with_memray():
            counter[0] += 1
            path = os.path.join(tmp, f"run{counter[0]}.bin")
            with memray.Tracker(path, trace_python_allocators=True):
                workload(n)
            os.unlink(path)

        tools["memray"] = with_memray
    except ImportError:
        print("memray is not installed (pip install memray): its column is skipped")

    # the calls per run, as timemory counts them
    timemory.clear()
    with_timemory()
    data = timemory.get(components=["malloc_gotcha"])["timemory"]["malloc_gotcha"]
    events = sum(row["entry"]["laps"] for row in data["ranks"][0]["graph"] if row["depth"] == 1)
    timemory.clear()

    best = {name: float("inf") for name in tools}
    for _ in range(args.repeat):  # interleaved: the machine's load changes alike for all
        for name, fn in tools.items():
            best[name] = min(best[name], _best(fn, 1))
    added = {name: (best[name] - best["bare"]) / events for name in tools if name != "bare"}

    print(f"Python {sys.version.split()[0]}, workload({n}): {events} allocator calls per run, "
          f"bare {best['bare'] / 1e6:.1f} ms")  # fmt: skip
    for name, ns in added.items():
        print(f"  {name:12s} {best[name] / 1e6:8.1f} ms   +{ns:7.1f} ns per call")
    ratios = {}
    for peer in ("tracemalloc", "memray"):
        if peer in added and added[peer] > 0:
            ratios[peer] = added["timemory"] / added[peer]
            print(f"  timemory / {peer}: {ratios[peer]:.2f}x")
    c_pairs = _c_bench(args.c_bench) if args.c_bench else {}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "n": n,
                    "events_per_run": events,
                    "best_ns": best,
                    "added_ns_per_call": added,
                    "ratio": ratios,
                    "c_ns_per_pair": c_pairs,
                },
                f,
                indent=1,
            )


def _interposer():
    import ctypes

    from timemory.libs import libpytimemory as lib

    # the folder of the libtimemory.so this process loaded
    path = os.path.realpath(lib.__file__)
    for up in ("../../../..", "../../../../../lib"):
        candidate = os.path.normpath(os.path.join(path, "..", up, "libtimemory-mallocp.so"))
        if os.path.exists(candidate):
            return candidate
    ctypes.CDLL("libtimemory.so.3")
    return "libtimemory-mallocp.so"


def _c_bench(program):
    import subprocess

    preload = _interposer()
    ways = {
        "bare": {},
        "preloaded, stopped": {"LD_PRELOAD": preload, "TIMEMORY_MALLOCP_AUTOSTART": "OFF"},
        "preloaded, recording": {"LD_PRELOAD": preload},
    }
    figures = {}
    print(f"C malloc(64)+free pair ({program}):")
    for name, extra in ways.items():
        env = dict(os.environ, **extra)
        out = subprocess.run([program], env=env, capture_output=True, text=True, check=True).stdout
        figures[name] = float(out.split()[0])
        print(f"  {name:22s} {figures[name]:7.1f} ns/pair   ({out.strip()})")
    return figures


if __name__ == "__main__":
    main()
