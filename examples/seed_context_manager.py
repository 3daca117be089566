#!/usr/bin/env python
"""Seed 001, "Context Managers": a marker around a block, with the scope given explicitly
(flat=False, timeline=False: a tree, whatever the settings say)."""

import timemory
from timemory.util import marker


def fibonacci(n):
    with marker(["wall_clock", "peak_rss"], key=f"fibonacci({n})"):
        return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def main():
    with marker(["wall_clock", "peak_rss"], flat=False, timeline=False):
        ans = fibonacci(n=3)
    return ans


if __name__ == "__main__":
    print(f"fibonacci(3) = {main()}")
    timemory.finalize()
