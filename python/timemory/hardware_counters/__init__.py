"""timemory.hardware_counters -- hardware-counter descriptions (PAPI presets, CUDA events).

This build has no PAPI and no CUPTI: there are no counters to describe, ``preset`` has no
attributes, and creating an ``Info`` raises RuntimeError saying so.
"""

import enum

from .. import component as _component

__all__ = ["Info", "api", "available", "preset"]

_REASON = (
    "timemory.hardware_counters: this build has no PAPI support "
    f"(papi_vector: {_component.reason('papi_vector') or 'not available'})"
    if _component._find_row("papi_vector") is not None
    else "timemory.hardware_counters: this build has no PAPI support"
)


class api(enum.IntEnum):
    """Where a counter comes from."""

    papi = 0
    cuda = 1
    unknown = 2


class Info:
    """Info(symbol, api): description of one hardware counter (needs PAPI or CUPTI)."""

    def __init__(self, symbol, api):
        raise RuntimeError(_REASON)


class preset:
    """One read-only attribute per known counter: none without PAPI."""


def available():
    """Whether hardware counters can be read in this build: False."""
    return False
