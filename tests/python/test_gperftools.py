"""gperftools: the gperftools_cpu_profiler / gperftools_heap_profiler components and
timemory.api.gperftools, in subprocesses (a process looks for gperftools once, and the heap
profiler needs tcmalloc preloaded as the allocator). The profiles are read back: the CPU
profile's binary samples of a busy region, the heap profile's in-use bytes of a live buffer.
Without gperftools the reasons name the missing library (a library path that does not exist
is named through TIMEMORY_GPERFTOOLS_*_LIBRARY, the way a user points at another build).
"""

import ctypes.util
import shutil
import struct
import sys
from pathlib import Path

import pytest
import timemory
from timemory.api import gperftools

HAVE_PROFILER = ctypes.util.find_library("profiler") is not None
HAVE_TCMALLOC = ctypes.util.find_library("tcmalloc") is not None
needs_profiler = pytest.mark.skipif(not HAVE_PROFILER, reason="libprofiler is not installed")
needs_tcmalloc = pytest.mark.skipif(not HAVE_TCMALLOC, reason="libtcmalloc is not installed")

BUSY = """
import sys, time
import timemory
from timemory.util import marker

timemory.settings.output_path = sys.argv[1]
timemory.settings.output_prefix = "busy-"

def spin(seconds):
    end = time.process_time() + seconds
    x = 0
    while time.process_time() < end:
        x += sum(i * i for i in range(1000))
    return x

with marker(["wall_clock", "gperftools_cpu_profiler"], key="outer"):
    with marker(["wall_clock", "gperftools_cpu_profiler"], key="inner"):
        spin(0.4)
print("running after:", timemory.component.GperftoolsCpuProfiler.available)
"""


def cpu_profile_samples(path):
    """Sample count of a gperftools CPU profile (header: 0, 3, 0, period, 0; records: count,
    depth, pcs; trailer: 0, 1, 0), 64-bit words."""
    data = path.read_bytes()
    words = struct.unpack_from(f"<{len(data) // 8}Q", data)
    assert words[:3] == (0, 3, 0), words[:5]
    assert words[3] > 0  # sampling period, microseconds
    i, samples = 5, 0
    while i + 2 < len(words):
        count, depth = words[i], words[i + 1]
        if count == 0 and depth == 1 and words[i + 2] == 0:
            return samples  # trailer
        samples += count
        i += 2 + depth
    raise AssertionError("no trailer in the profile")


@needs_profiler
def test_cpu_profile_of_a_marked_region(run_python, tmp_path):
    out = tmp_path / "out"
    result = run_python(BUSY, out, env={"CPUPROFILE_FREQUENCY": "500"}, check=True)
    assert "running after: True" in result.stdout
    profiles = sorted(out.glob("busy-gperftools_cpu_profiler_*.dat"))
    # nested regions: one profile, started by the outer one
    assert [p.name for p in profiles] == ["busy-gperftools_cpu_profiler_0.dat"]
    assert profiles[0].stat().st_size > 0
    # 0.4 s of CPU at 500 Hz: about 200 samples; at least a quarter of them, whatever the load
    assert cpu_profile_samples(profiles[0]) >= 50


@needs_profiler
def test_component_object_switches_the_cpu_profiler(run_python, tmp_path):
    code = """
import sys, time
import timemory
from timemory.component import GperftoolsCpuProfiler
timemory.settings.output_path = sys.argv[1]
prof = GperftoolsCpuProfiler()
prof.start()
end = time.process_time() + 0.2
while time.process_time() < end:
    sum(range(1000))
prof.stop()
print("laps", prof.laps())
"""
    out = tmp_path / "out"
    result = run_python(code, out, env={"CPUPROFILE_FREQUENCY": "500"}, check=True)
    assert "laps 1" in result.stdout
    (profile,) = out.glob("gperftools_cpu_profiler_0.dat")
    assert cpu_profile_samples(profile) >= 20


@needs_tcmalloc
def test_heap_profile_under_preloaded_tcmalloc(run_python, tmp_path):
    code = """
import sys
import timemory
from timemory.util import marker
timemory.settings.output_path = sys.argv[1]
print("available", timemory.component.GperftoolsHeapProfiler.available)
keep = []
with marker(["wall_clock", "gperftools_heap_profiler"], key="alloc"):
    keep.append(bytearray(48 * 1024 * 1024))
"""
    out = tmp_path / "out"
    lib = ctypes.util.find_library("tcmalloc")
    result = run_python(code, out, env={"LD_PRELOAD": lib}, check=True)
    assert "available True" in result.stdout, result.stderr
    heaps = sorted(out.glob("gperftools_heap_profiler_0.dat.*.heap"))
    assert heaps, list(out.iterdir())
    header = heaps[-1].read_text().splitlines()[0]
    # "heap profile:  <objects>:  <in-use bytes> [ <allocs>: <alloc bytes>] @ heapprofile"
    assert header.startswith("heap profile:"), header
    in_use = int(header.split(":")[2].split("[")[0])
    assert in_use >= 48 * 1024 * 1024


def test_heap_profiler_without_tcmalloc_says_why(run_python):
    code = """
import timemory
cls = timemory.component.GperftoolsHeapProfiler
print(cls.available)
print(cls.reason)
"""
    result = run_python(code, check=True)
    available, reason = result.stdout.splitlines()[:2]
    assert available == "False"
    assert "libtcmalloc.so.4" in reason and "LD_PRELOAD" in reason


def test_missing_profiler_library_is_the_reason(run_python, tmp_path):
    missing = tmp_path / "no-such-dir" / "libprofiler.so.0"
    code = """
import sys
import timemory
from timemory.util import marker
cls = timemory.component.GperftoolsCpuProfiler
print(cls.available)
print(cls.reason)
timemory.settings.output_path = sys.argv[1]
with marker(["wall_clock", "gperftools_cpu_profiler"], key="r"):
    pass
"""
    out = tmp_path / "out"
    result = run_python(code, out, env={"TIMEMORY_GPERFTOOLS_PROFILER_LIBRARY": str(missing)},
                        check=True)  # fmt: skip
    available, reason = result.stdout.splitlines()[:2]
    assert available == "False"
    assert str(missing) in reason and "could not be loaded" in reason
    assert not list(out.glob("*gperftools*"))


def test_api_names_the_missing_library():
    with pytest.raises(RuntimeError, match="libno_such_gperftools_lib was not found"):
        gperftools.utils.find_library("no_such_gperftools_lib")
    assert gperftools.utils.find_library_path("/no/such/libprofiler.so.0") is None
    env = gperftools.add_preload("liba.so", {"LD_PRELOAD": "libb.so"})
    assert env["LD_PRELOAD"] == "liba.so:libb.so"


@needs_profiler
def test_api_cpu_profiler_execute(tmp_path):
    script = tmp_path / "spin.py"
    script.write_text("import time\nend = time.process_time() + 0.3\n"
                      "while time.process_time() < end:\n    sum(range(1000))\n")  # fmt: skip
    generate = ("text",) if shutil.which("google-pprof") or shutil.which("pprof") else ()
    code, profile = gperftools.cpu_profiler.execute(
        [sys.executable, script], prefix=str(tmp_path / "cpu.prof"), freq=500, realtime=0,
        generate=generate)  # fmt: skip
    assert code == 0
    # <prefix>.<program>/gperf.<N>
    assert Path(profile).parent.name == f"cpu.prof.{Path(sys.executable).name}"
    assert Path(profile).name == "gperf.0"
    assert cpu_profile_samples(Path(profile)) >= 20
    if generate:
        # pprof's text report: "Total: N samples" then one line per function
        report = Path(profile + ".txt").read_text().splitlines()
        assert report[0].startswith("Total:") and "samples" in report[0], report[:3]
        assert len(report) > 1
    # a second run takes the next number
    code, second = gperftools.cpu_profiler.execute(
        [sys.executable, "-c", "pass"], prefix=str(tmp_path / "cpu.prof")
    )
    assert code == 0 and second.endswith("gperf.1")


@needs_tcmalloc
def test_api_heap_profiler_execute(tmp_path):
    code, files = gperftools.heap_profiler.execute(
        [sys.executable, "-c", "x = bytearray(32 << 20)"], prefix=str(tmp_path / "heap.prof")
    )
    assert code == 0
    assert files and all(f.endswith(".heap") for f in files)
    assert open(files[-1]).readline().startswith("heap profile:")


def test_cli_help_and_missing_command(capsys):
    from timemory.api.gperftools.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "heap_profiler" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_components_available_match_the_engine():
    for cls in (timemory.component.GperftoolsCpuProfiler, timemory.component.GperftoolsHeapProfiler):
        assert cls.available == (cls.reason is None)


@needs_profiler
def test_cpp_exceptions_still_work_after_loading_libprofiler(run_python, tmp_path):
    # libprofiler brings libunwind, whose _Unwind_* would take over libstdc++'s exceptions if
    # libgcc_s came in with it (pybind11 modules then abort on their first exception)
    pytest.importorskip("matplotlib")
    code = """
import sys
import timemory
from timemory.util import marker
timemory.settings.output_path = sys.argv[1]
with marker(["wall_clock", "gperftools_cpu_profiler"], key="r"):
    sum(range(100000))
import matplotlib.ft2font as ft2font
try:
    ft2font.no_such_attribute
except AttributeError:
    print("caught")
"""
    result = run_python(code, tmp_path / "out", check=True)
    assert "caught" in result.stdout
