#!/usr/bin/env python
"""Seeds 000/001, "Library Bindings": the C library's trace and region calls from Python.
The seed leaves work_milliseconds and sleep_milliseconds undefined: busy work and a sleep of
that many milliseconds here. The seed's 1000 ms per call is the default; the environment
variable EXAMPLE_TIME_SCALE (e.g. 0.05) shortens every duration for quick runs."""

import os
import time

import timemory

SCALE = float(os.environ.get("EXAMPLE_TIME_SCALE", "1.0"))


def work_milliseconds(n):
    end = time.perf_counter() + SCALE * n / 1000.0
    total = 0
    while time.perf_counter() < end:
        total += 1
    return total


def sleep_milliseconds(n):
    time.sleep(SCALE * n / 1000.0)
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
