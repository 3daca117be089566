#!/usr/bin/env python
"""Seed 000, "Context Managers": the function profiler as a context manager."""

import timemory
from timemory.profiler import profile


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def main():
    with profile(["wall_clock", "peak_rss"], flat=False, timeline=False):
        ans = fibonacci(n=3)
    return ans


if __name__ == "__main__":
    print(f"fibonacci(3) = {main()}")
    timemory.finalize()
