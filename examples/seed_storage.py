#!/usr/bin/env python
"""Seed 001, "Storage Example": the call-graph storage in its flat and nested layouts.
The environment variable EXAMPLE_TIME_SCALE (default 1.0) scales the sleeps for quick runs."""

import os
import time

import timemory
from timemory.component import WallClock
from timemory.storage import WallClockStorage
from timemory.util import marker

SCALE = float(os.environ.get("EXAMPLE_TIME_SCALE", "1.0"))


@marker(["wall_clock"])
def foo():
    """Generate some data for timemory"""
    time.sleep(1 * SCALE)

    wc = WallClock("bar")
    for i in range(10):
        # push every even iteration
        if i % 2 == 0:
            wc.push()
        wc.start()
        time.sleep(0.1 * (i + 1) * SCALE)
        wc.stop()
        # pop every odd iteration
        if i % 2 == 1:
            wc.pop()


def print_result():
    """
    Print the call-graph storage via the flat layout
    """

    print("\n#{}#\n# Storage Result".format("-" * 40))

    indent = "  "
    for itr in WallClockStorage.get():
        print("#{}#".format("-" * 40))
        print("{}{:20} : {}".format(indent, "Thread id", itr.tid()))
        print("{}{:20} : {}".format(indent, "Process id", itr.pid()))
        print("{}{:20} : {}".format(indent, "Depth", itr.depth()))
        print("{}{:20} : {}".format(indent, "Hash", itr.hash()))
        print("{}{:20} : {}".format(indent, "Rolling hash", itr.rolling_hash()))
        print("{}{:20} : {}".format(indent, "Prefix", itr.prefix()))
        print("{}{:20} : {}".format(indent, "Hierarchy", itr.hierarchy()))
        print("{}{:20} : {}".format(indent, "Data object", itr.data()))
        print("{}{:20} : {}".format(indent, "Statistics", itr.stats()))


def print_tree(data=None, depth=0):
    """
    Print the call-graph storage via the nested layout
    """

    if data is None:
        print("\n#{}#\n# Storage Tree".format("-" * 40))
        data = WallClockStorage.get_tree()

    def print_value(itr, indent):
        print("{}{:20} : {}".format(indent, "Thread id", itr.tid()))
        print("{}{:20} : {}".format(indent, "Process id", itr.pid()))
        print("{}{:20} : {}".format(indent, "Depth", itr.depth()))
        print("{}{:20} : {}".format(indent, "Hash", itr.hash()))
        print("{}{:20} : {}".format(indent, "Prefix", itr.prefix()))
        print("{}{:20} : {}".format(indent, "Inclusive data", itr.inclusive().data()))
        print("{}{:20} : {}".format(indent, "Inclusive stat", itr.inclusive().stats()))
        print("{}{:20} : {}".format(indent, "Exclusive data", itr.exclusive().data()))
        print("{}{:20} : {}".format(indent, "Exclusive stat", itr.exclusive().stats()))

    indent = "  " * depth
    for itr in data:
        print("{}#{}#".format(indent, "-" * 40))
        print_value(itr.value(), indent)
        print_tree(itr.children(), depth + 1)


def print_tree_without_dummies(data=None, depth=0):
    """The seed's variant that skips the placeholder ("dummy") nodes"""

    if data is None:
        print("\n#{}#\n# Storage Tree (without dummy nodes)".format("-" * 40))
        data = WallClockStorage.get_tree()

    indent = "  " * depth
    for itr in data:
        if itr.value().is_dummy():
            print_tree_without_dummies(itr.children(), depth)
        else:
            print("{}#{}#".format(indent, "-" * 40))
            value = itr.value()
            print("{}{:20} : {}".format(indent, "Prefix", value.prefix()))
            print("{}{:20} : {}".format(indent, "Inclusive data", value.inclusive().data()))
            print_tree_without_dummies(itr.children(), depth + 1)


if __name__ == "__main__":
    # disable automatic output
    timemory.settings.auto_output = False

    foo()
    print_result()
    print_tree()
    print_tree_without_dummies()
