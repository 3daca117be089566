#!/usr/bin/env python
"""Seed 004, "Decorator" and "Context Manager" snippets: components given as strings and
component.id values mixed, and a key for the context manager. The seed leaves fibonacci and
get_config undefined: a recursive fibonacci and a function returning the list it is given."""

import sys

import timemory
from timemory.util import marker


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def get_config(items):
    return list(items)


@marker(components=("wall_clock", timemory.component.peak_rss))
def fib_decorator(n=35):
    return fibonacci(n)


def main(n=35):
    with marker(get_config(["wall_clock", "peak_rss"]), key="marker_ctx_manager"):
        fibonacci(n)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 35
    print(f"fib_decorator({n}) = {fib_decorator(n)}")
    main(n)
    timemory.finalize()
