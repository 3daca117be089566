#!/usr/bin/env python
"""Seeds 000/001, "Library Bindings": the C library's trace and region calls from Python.
The seed leaves work_milliseconds and sleep_milliseconds undefined: busy work and a sleep of
that many milliseconds here (the seed's 1000 ms per call is kept)."""

import time

import timemory


def work_milliseconds(n):
    end = time.perf_counter() + n / 1000.0
    total = 0
    while time.perf_counter() < end:
        total += 1
    return total


def sleep_milliseconds(n):
    time.sleep(n / 1000.0)
    return n


# initialize
timemory.trace.init("wall_clock", False, "tracing")

# insert a trace
timemory.trace.push("consume_time")
ans = work_milliseconds(1000)
timemory.trace.pop("consume_time")

# insert another trace point
timemory.trace.push("sleeping")
ans = sleep_milliseconds(1000)
timemory.trace.pop("sleeping")

# insert a region
timemory.region.push("work_region")
for i in range(10):
    ans = work_milliseconds(1000)
timemory.region.pop("work_region")

# finalize
timemory.trace.finalize()
