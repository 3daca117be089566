"""Calls the stubs must reject: ``mypy --strict`` reports exactly the error codes written at
the end of each marked line (``# E: <code>, ...``) and nothing else
(tests/typing/check_errors.py).
Never run: every marked line is a mistake."""

from __future__ import annotations

import argparse
import asyncio

import timemory
from timemory import component, hardware_counters, region, settings, units
from timemory.component import CpuRooflineFlops, WallClock
from timemory.profiler import Config as ProfilerConfig
from timemory.profiler import Profiler
from timemory.storage import WallClockStorage
from timemory.trace import Tracer
from timemory.util import marker

# settings have the C store's types; unknown names are errors
settings.precision = "x"  # E: assignment
settings.flat_profile = 0.5  # E: assignment
settings.summary_threshold = "high"  # E: assignment
settings.precison = 3  # E: attr-defined
settings.Snapshot().width = "wide"  # E: assignment

# component methods: arguments and value types
wall = WallClock("wall")
wall.rekey(5)  # E: arg-type
wall.start(1)  # E: call-arg
label: str = wall.get()  # E: assignment
pair: tuple[int, int] = WallClock.record()  # E: assignment
CpuRooflineFlops().get() + 1  # E: func-returns-value, operator
WallClock(key=3)  # E: arg-type


# decorators keep the signature of what they decorate
@marker(["wall_clock"])
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@Profiler(["wall_clock"])
def profiled(n: int) -> int:
    return n


@marker(["wall_clock"])
async def pause(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


fib("10")  # E: arg-type
text: str = profiled(1)  # E: assignment
whole: int = asyncio.run(pause(0.1))  # E: assignment
marker(["wall_clock"], mode="fast")  # E: arg-type
marker(["wall_clock"], key=7)  # E: arg-type

# the profiler's and the tracer's Config and sessions
ProfilerConfig.trace_c = "yes"  # E: assignment
ProfilerConfig.max_stack_depth = "deep"  # E: assignment
ProfilerConfig.only_filenames = 3  # E: assignment
Profiler(["wall_clock"]).start("now")  # E: call-arg
Profiler(flat="yes")  # E: arg-type
with Tracer(5.0):  # E: arg-type
    pass

# regions, results, the rest
region.begin(5)  # E: arg-type
region.end("id")  # E: arg-type
timemory.get(hierarchy=True, components=[1.5])  # E: list-item
depth: str = WallClockStorage.get()[0].depth()  # E: assignment
option = timemory.add_arguments(argparse.ArgumentParser()).no_such_option  # E: attr-defined
units.msec = 5  # E: misc
hardware_counters.Info("PAPI_TOT_CYC", "papi")  # E: arg-type
component.is_available(1.5)  # E: arg-type
timemory.trace.push(["a"])  # E: arg-type
