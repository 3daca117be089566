"""timemory.api.gperftools -- run a command under the gperftools CPU or heap profiler.

The profiler libraries are loaded with LD_PRELOAD (libprofiler for the CPU, libtcmalloc for
the heap) and write to the file named by CPUPROFILE / HEAPPROFILE; ``pprof`` (when installed)
turns the output into text. When gperftools is not installed, RuntimeError says so.
"""

import ctypes.util
import os
import shutil
import subprocess

__all__ = ["cpu_profiler", "find_library", "heap_profiler", "post_process"]


def find_library(name):
    """Full name of libprofiler / libtcmalloc, or RuntimeError when gperftools is missing."""
    found = ctypes.util.find_library(name)
    if found is None:
        raise RuntimeError(
            f"timemory.api.gperftools: lib{name} was not found (gperftools is not installed)"
        )
    return found


def _execute(cmd, library, variable, output, env):
    environ = dict(os.environ if env is None else env)
    preload = environ.get("LD_PRELOAD", "")
    environ["LD_PRELOAD"] = ":".join(part for part in (find_library(library), preload) if part)
    environ[variable] = output
    return subprocess.run(list(cmd), env=environ, check=False).returncode


def cpu_profiler(cmd, output="gperf.cpu.prof", env=None):
    """Run cmd (a list) under the CPU profiler; returns its exit code."""
    return _execute(cmd, "profiler", "CPUPROFILE", output, env)


def heap_profiler(cmd, output="gperf.heap.prof", env=None):
    """Run cmd (a list) under the heap profiler; returns its exit code."""
    return _execute(cmd, "tcmalloc", "HEAPPROFILE", output, env)


def post_process(executable, profile, fmt="text"):
    """Text report of a profile with pprof (RuntimeError when pprof is not installed)."""
    pprof = shutil.which("pprof") or shutil.which("google-pprof")
    if pprof is None:
        raise RuntimeError("timemory.api.gperftools: pprof was not found")
    result = subprocess.run(
        [pprof, f"--{fmt}", executable, profile], capture_output=True, text=True, check=False
    )
    return result.stdout
