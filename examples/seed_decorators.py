#!/usr/bin/env python
"""Seeds 000/001, "Decorators": marker and auto_timer as decorators.

The seed's ``import timemory.util.marker as marker, auto_timer`` is not valid Python; its
intent is the import below. The seed leaves ``fibonacci`` undefined: it is the plain
recursive function here."""

import sys

import timemory
from timemory.util import auto_timer, marker


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


@marker(["trip_count", "peak_rss"])
def fibonacci_instrumented(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


@auto_timer()
def fibonacci_timed(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for _ in range(3):
        print(f"fibonacci_instrumented({n}) = {fibonacci_instrumented(n)}")
    print(f"fibonacci_timed({n}) = {fibonacci_timed(n)}")
    timemory.finalize()
