"""timemory.line_profiler -- line-by-line profiler with timemory components.

Not available in this build: the line profiler is an optional part of the original toolkit
(a fork of the line_profiler package) that this build does not include. Use timemory.trace
for per-line measurements.
"""

__all__ = ["REASON", "LineProfiler"]

REASON = (
    "timemory.line_profiler: the line-by-line profiler is not part of this build "
    "(timemory.trace.Tracer records per-line data instead)"
)


class LineProfiler:
    """LineProfiler(*functions): not available in this build."""

    def __init__(self, *functions, **kwargs):
        raise RuntimeError(REASON)
