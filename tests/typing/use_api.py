"""The documented Python API used with types: ``mypy --strict`` passes on this file (the
package's stubs describe every call here), and it runs (tests/python/test_typing.py).

scripts/test.sh runs ``mypy --strict tests/typing/use_api.py``; use_api_errors.py is its
negative twin (calls the stubs must reject)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from typing import Any

import timemory
from timemory import (
    component,
    ert,
    hardware_counters,
    options,
    plotting,
    region,
    roofline,
    settings,
    signals,
    units,
)
from timemory.component import CpuRooflineFlops, CpuUtil, PeakRss, WallClock, WrittenBytes
from timemory.profiler import Config as ProfilerConfig
from timemory.profiler import FakeProfiler, Profiler, profile
from timemory.storage import (
    Statistics,
    WallClockStorage,
    WallClockStorageResult,
    WallClockStorageTree,
)
from timemory.trace import Config as TracerConfig
from timemory.trace import Tracer
from timemory.util import auto_timer, marker, rss_usage, timer

# ---- settings ----------------------------------------------------------------------------
settings.verbose = 0
settings.precision = 3
settings.flat_profile = False
settings.timeline_profile = False
settings.auto_output = False  # this script writes what it needs itself
settings.cout_output = False
settings.summary_threshold = 0.5
precision: int = settings.precision
units_name: str = settings.timing_units
os.environ["TIMEMORY_FLAT_PROFILE"] = "OFF"
rejected: int = settings.parse()
snapshot = settings.Snapshot()
snapshot_width: int = snapshot.width
names: list[str] = settings.names()


# ---- marker, auto_timer, timer, rss_usage: decorators and context managers ----------------
@marker(["wall_clock", component.peak_rss])
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@marker(components=("wall_clock", timemory.component.cpu_clock), key="k", mode="full")
def scaled(value: float, factor: float = 2.0) -> float:
    return value * factor


@auto_timer()
def timed(text: str) -> str:
    return text.upper()


@rss_usage()
def allocate(count: int) -> list[int]:
    return list(range(count))


@timer("print")
def printed() -> None:
    pass


@marker(["wall_clock"])
async def pause(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


async def gather() -> list[float]:
    return list(await asyncio.gather(pause(0.001), pause(0.002)))


assert fib(10) == 55
assert scaled(1.5) == 3.0
assert timed("a") == "A"
assert len(allocate(100)) == 100
printed()
waited: list[float] = asyncio.run(gather())

with marker(["wall_clock", "peak_rss"], key="marker_ctx_manager"):
    fib(5)
with auto_timer("block"), rss_usage("memory"), timer("timer"):
    fib(5)

# ---- the bundles ---------------------------------------------------------------------------
wall_timer = timemory.timer("explicit")
wall_timer.start()
wall_timer.stop()
elapsed: float = wall_timer.real_elapsed()
values: dict[str, float] = wall_timer.get()
memory = timemory.rss_usage("now", record=True)
peak_mb: float = memory.peak(units.megabyte)
timemory.manager.add_metadata("typed-api", [1, 2, 3])
metadata: dict[str, Any] = timemory.manager.get_metadata()

# ---- components ------------------------------------------------------------------------------
wc = WallClock("wall")
wc.start()
time.sleep(0.001)
wc.stop()
seconds: float = wc.get()
raw_ns: int = wc.get_raw()
last_ns: int = wc.get_last()
laps: int = wc.laps()
key: str = wc.key()
string_id: str = WallClock.id()
enum_id: component.id = WallClock.index()
available: bool = WallClock.available
unit: int | float = WallClock.unit()
wc.rekey("wall2")
wc.push()
wc.pop()
both: WallClock = wc + wc
assert enum_id is component.wall_clock and string_id == "wall_clock" and laps == 1

rss = PeakRss()
rss.sample()
peak: float = rss.get()
util_raw: tuple[int, int] = CpuUtil.record()
written: list[float] = WrittenBytes().get()
why: str | None = component.reason(CpuRooflineFlops)  # no PAPI FP events here
assert not CpuRooflineFlops.available and why
generated = component.get_generator("wall_clock")()
if generated is not None:
    generated.start()
    generated.stop()
names_available: list[str] = component.get_available_types()
assert component.is_available("wall_clock") and not component.is_available(CpuRooflineFlops)


# ---- the profiler and the tracer -----------------------------------------------------------
@Profiler(["wall_clock", "cpu_clock"])
def profiled(n: int) -> list[int]:
    return [fib(i) for i in range(n)]


def work(limit: int) -> int:
    return sum(i * i for i in range(limit))


ProfilerConfig.only_filenames = [__file__]
ProfilerConfig.trace_c = False
ProfilerConfig.include_line = False
skipped: list[str] = ProfilerConfig.skip_functions
assert profiled(5) == [0, 1, 1, 2, 3]
with profile(["wall_clock", "peak_rss"], flat=False, timeline=False):
    work(100)
session = Profiler("wall_clock")
depth: int = session.start()
work(10)
depth = session.stop()
called: int = Profiler(lambda: ["wall_clock"]).runcall(work, 50)
assert called == sum(i * i for i in range(50))
with FakeProfiler():
    work(10)


class CountingProfiler(Profiler):
    """A subclass overriding start/stop (the context manager and runcall call them)."""

    starts = 0

    def start(self) -> int:
        CountingProfiler.starts += 1
        return super().start()

    def stop(self) -> int:
        return super().stop()


with CountingProfiler(["wall_clock"]) as counting:
    open_starts: int = counting.depth
    work(10)
assert CountingProfiler.starts == 1
ProfilerConfig.clear("only_filenames")


@Tracer(["wall_clock"])
def traced(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


TracerConfig.only_filenames = [__file__]
assert traced(10) == 45
with Tracer():
    work(10)
timemory.trace.push("trace-region")
throttled: bool = timemory.trace.is_throttled("trace-region")
timemory.trace.pop("trace-region")
TracerConfig.clear("only_filenames")

# ---- regions ---------------------------------------------------------------------------------
region.push("work_region")
work(10)
region.pop("work_region")
record: int = region.begin("begun")
region.end(record)

# ---- results: storage, get(), text -----------------------------------------------------------
results: list[WallClockStorageResult] = WallClockStorage.get()
for result in results:
    label: str = result.prefix()
    level: int = result.depth()
    value: float = result.data().get()
    stats: Statistics = result.stats()
    count: int = stats.count()


def count_nodes(tree: WallClockStorageTree) -> int:
    entry = tree.value()
    inclusive: float = entry.inclusive().data().get()
    own = 0 if entry.is_dummy() or inclusive < 0 else 1
    return own + sum(count_nodes(child) for child in tree.children())


assert sum(count_nodes(root) for root in WallClockStorage.get_tree()) >= len(results) > 0
document: dict[str, Any] = timemory.get(hierarchy=False, components=["wall_clock"])
assert document == WallClockStorage.dumps(WallClockStorage.dmp_get())
table: str = timemory.get_text([component.wall_clock])
sizes: dict[int, int] = timemory.size(["wall_clock"])

# ---- plotting ----------------------------------------------------------------------------------
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "wall.json")
    with open(path, "w") as handle:
        json.dump(document, handle)
    series: list[plotting.plot_data] = plotting.read(path)
    params = plotting.plot_parameters(img_dpi=150, metric="inclusive")
    try:
        images: list[str] = plotting.plot(
            files=[path], plot_params=params, output_dir=folder, echo_dart=False
        )
        assert images and all(os.path.exists(image) for image in images)
    except plotting.PlottingUnavailable:  # matplotlib is not installed
        pass

# ---- command line, hardware counters, units, signals, helpers ---------------------------------
parser = argparse.ArgumentParser("example")
parser.add_argument("-n", "--fibonacci-value", default=15, type=int)
same: argparse.ArgumentParser = timemory.add_arguments(parser)
arguments = parser.parse_args(["-n", "3"])
fresh: argparse.ArgumentParser = options.add_arguments(subparser=False)

counters_available: bool = hardware_counters.available()
counter_api: hardware_counters.api = hardware_counters.api.papi
task_clock: hardware_counters.Info = hardware_counters.preset.task_clock
counter_units: str = hardware_counters.Info("task-clock", hardware_counters.api.perf_event).units()
counted: list[str] = [i.symbol() for i in hardware_counters.events(available_only=True)]
counter_backend: str | None = hardware_counters.backend()
milliseconds: float = seconds * units.msec
megabytes: float = 2_000_000 / units.megabyte

# ---- ERT and the roofline's ceilings ------------------------------------------------------------
ert_doc: dict[str, Any] = ert.run(
    min_working_set=1024, max_data_size=1 << 18, num_threads=1, ops=[1, 8], repeats=1,
    progress=False, verbose=False,
)
peaks: dict[str, float] = ert.peak_flops(ert.entries_of(ert_doc))
levels: list[dict[str, Any]] = ert.bandwidths(ert_doc)
ceiling: dict[str, Any] = roofline.ceilings(ert_doc, bandwidth=["l1"], rtype="cpu_roofline_dp")

timemory.enable_signal_detection([signals.Signal.Terminate, signals.User1])
timemory.disable_signal_detection()
line: int = timemory.LINE()
function: str = timemory.FUNC()
enabled: bool = timemory.enabled()
mallocp_id: int = timemory.start_mallocp()
remaining: int = timemory.stop_mallocp(mallocp_id)
wrapper_ids: list[int] = timemory.start_function_wrappers("malloc", memory=True)
stopped: list[int] = timemory.stop_function_wrappers(wrapper_ids)
print(f"typed API: {len(results)} wall_clock entries, {sys.version_info[:2]}")
timemory.finalize()
