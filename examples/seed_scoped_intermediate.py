#!/usr/bin/env python
"""Seed 004, "Intermediate Example": settings, argparse with the timemory-config sub-command,
two component sets, a marker decorator and a marker context manager.

    ./seed_scoped_intermediate.py -h
    ./seed_scoped_intermediate.py timemory-config -h
    ./seed_scoped_intermediate.py -n 20 timemory-config --flat-profile=False
"""

import argparse
import json

import timemory
from timemory.util import marker

simple_set = ["wall_clock", "peak_rss"]
extended_set = ["cpu_clock", "page_rss", "virtual_memory"]


@marker(simple_set)
def fib(n):
    return n if n < 2 else (fib(n - 1) + fib(n - 2))


def run(n):
    with marker(simple_set + extended_set, f"run({n})"):
        fib(n)


if __name__ == "__main__":
    timemory.settings.scientific = True
    timemory.settings.flat_profile = True
    timemory.settings.timeline_profile = True
    timemory.settings.cout_output = False

    parser = argparse.ArgumentParser("example")
    parser.add_argument(
        "-n", "--fibonacci-value", default=15, type=int, help="Starting fibonacci value"
    )
    timemory.add_arguments(parser)

    args = parser.parse_args()

    run(args.fibonacci_value)

    print("Outputting wall clock data to output.json")
    with open("output.json", "w") as output:
        json.dump(timemory.get(components=["wall_clock"]), output)
    print(timemory.get_text(["cpu_clock", "page_rss"]))

    timemory.finalize()
