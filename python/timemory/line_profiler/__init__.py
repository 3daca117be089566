"""timemory.line_profiler -- line_profiler's line-by-line profiler on timemory's line tracer.

    from timemory.line_profiler import LineProfiler

    profile = LineProfiler(components=["peak_rss"])  # extra columns beside the time

    @profile
    def work(): ...

    work()
    profile.print_stats()            # line_profiler's table, one column per extra component
    profile.dump_stats("work.lprof")  # python -m line_profiler work.lprof reads it

The interface is line_profiler's (``add_function``, ``add_module``, ``add_class``,
``enable``/``disable``, ``enable_by_count``/``disable_by_count``, ``runcall``/``runctx``/``run``,
``get_stats``, ``print_stats``, ``dump_stats``; ``load_stats``, ``show_text``, ``show_func``).
Per line: hits, and the time from its start to the next line of its frame (what it calls
included). The counting runs in the tracer's C callbacks, never in Python per line.

``python -m timemory.line_profiler`` (console script ``timemory-python-line-profiler``)
runs a script or module as kernprof does: ``-l`` line by line (``profile`` in builtins),
``-v`` prints the results, ``-o`` names the ``.lprof`` file; without ``-l`` the program runs
under timemory's function profiler.
"""

from ._show import show_func, show_text
from .line_profiler import (
    TIMER_UNIT,
    LineProfiler,
    LineStats,
    is_coroutine,
    is_generator,
    load_stats,
)

__all__ = [
    "LineProfiler",
    "LineStats",
    "TIMER_UNIT",
    "load_stats",
    "show_text",
    "show_func",
    "is_coroutine",
    "is_generator",
]
