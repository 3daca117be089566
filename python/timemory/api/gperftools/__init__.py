"""timemory.api.gperftools -- gperftools' CPU and heap profilers around a whole command.

``cpu_profiler.execute(cmd)`` preloads libprofiler and sets CPUPROFILE, ``heap_profiler.
execute(cmd)`` preloads libtcmalloc and sets HEAPPROFILE; ``utils.post_process`` makes pprof's
reports. To profile regions of a program instead, use the components gperftools_cpu_profiler
and gperftools_heap_profiler (the outermost region carrying one starts its profiler; files in
the output folder). When gperftools is not installed, RuntimeError names the missing library.
CLI: ``python -m timemory.api.gperftools [-t cpu_profiler|heap_profiler] -- cmd args``.
"""

from . import cpu_profiler, heap_profiler, utils
from .utils import add_preload, find_library, find_library_path, post_process

__all__ = [
    "add_preload",
    "cpu_profiler",
    "find_library",
    "find_library_path",
    "heap_profiler",
    "post_process",
    "utils",
]
