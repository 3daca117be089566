"""Type stub of timemory.util._processes (child processes hand their data to the parent)."""

__all__ = [
    "HANDOFF_INTERVAL",
    "handoff",
    "parent_pid",
]

HANDOFF_INTERVAL: float

def handoff() -> bool: ...
def parent_pid() -> int: ...
def setup() -> None: ...
