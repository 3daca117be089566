"""Type stub of timemory.scope."""

from typing_extensions import TypeAlias

__all__ = [
    "FLAT",
    "TIMELINE",
    "TREE",
    "bits",
    "config",
]

class _scope:
    bit: int
    def __int__(self) -> int: ...

class _tree(_scope): ...
class _flat(_scope): ...
class _timeline(_scope): ...

TREE: _tree
FLAT: _flat
TIMELINE: _timeline

_Choice: TypeAlias = bool | _scope | None

class config:
    flat: bool
    timeline: bool
    def __init__(self, flat: _Choice = None, time: _Choice = None) -> None: ...
    def is_flat(self) -> bool: ...
    def is_timeline(self) -> bool: ...
    def is_tree(self) -> bool: ...
    def __int__(self) -> int: ...

def bits(flat: _Choice | config = None, timeline: _Choice = None) -> int: ...
