"""The library's sticky errors surfaced: pushes and pops that failed on the hot path (out of
memory, unbalanced) and events the profiler's and tracer's hooks dropped are counted in one
place in the C library, which never raises or prints from the hot path. The next
``Profiler.stop``/``Tracer.stop``, ``get()``, ``report()`` or ``finalize()`` turns what
accumulated into one ``RuntimeWarning`` with the count and the first error (C programs get the
same as one line on stderr from ``timemory_finalize``/``_report``/``_get_json``)."""

import warnings

from . import libpytimemory as _lib


def report_errors(when, stacklevel=3):
    """Warn once about the failures since the last report; returns their count."""
    report = _lib.take_error_report()
    if report is None:
        return 0
    count, first = report
    plural = "" if count == 1 else "s"
    warnings.warn(
        f"timemory: {count} push/pop or hook call{plural} failed since the last report "
        f"({when}); the first: {first}",
        RuntimeWarning,
        stacklevel=stacklevel,
    )
    return count
