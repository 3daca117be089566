"""timemory.profiler -- the Python function profiler.

``Profiler`` (alias ``profile``) profiles the functions called while it runs -- as a
decorator, a context manager or with start()/stop() -- into timemory's call-graph: one entry
per call path, labelled ``func/file.py:line``, with the configured components. ``Config``
selects the functions (only_*/skip_* lists add to their sets) and the label parts. The hooks
are C callbacks; ``python -m timemory.profiler script.py`` profiles a whole script.
"""

from .profiler import (
    Config,
    FakeProfiler,
    Profiler,
    ProfilerBundle,
    config,
    noprofile,
    profile,
    profiler_finalize,
    profiler_function,
    profiler_init,
)

__all__ = [
    "Profiler",
    "Config",
    "ProfilerBundle",
    "FakeProfiler",
    "profiler_function",
    "profiler_init",
    "profiler_finalize",
    "config",
    "profile",
    "noprofile",
]
