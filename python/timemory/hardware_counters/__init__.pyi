"""Type stub of timemory.hardware_counters. This build has no PAPI and no CUPTI: preset has no
counters and Info() raises RuntimeError."""

import enum

__all__ = ["Info", "api", "available", "preset"]

class api(enum.IntEnum):
    """Where a counter comes from."""

    papi = 0
    cuda = 1
    unknown = 2

class Info:
    """Description of one hardware counter (needs PAPI or CUPTI)."""

    def __init__(self, symbol: str, api: api) -> None: ...

class preset:
    """One read-only attribute per known counter: none in this build."""

def available() -> bool: ...
