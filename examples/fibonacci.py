#!/usr/bin/env python
"""A small program to profile: recursive and iterative Fibonacci plus a bit of list work.

python -m timemory.profiler -c wall_clock cpu_clock -- examples/fibonacci.py [n]
python -m timemory.trace -- examples/fibonacci.py [n]
"""

import sys


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def fib_iterative(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def squares(count):
    return sum(x * x for x in range(count))


def main(n):
    total = 0
    for k in range(n - 3, n + 1):
        total += fib(k)
    total += fib_iterative(n * 10)
    total += squares(n * 1000)
    print(f"fibonacci({n}) family total: {total}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
