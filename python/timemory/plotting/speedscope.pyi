"""Type stub of timemory.plotting.speedscope."""

import os
from collections.abc import Mapping, Sequence
from typing import IO, Any, TypeVar

from typing_extensions import TypeAlias

__all__ = ["SCHEMA", "convert", "main", "write"]

_PathT = TypeVar("_PathT", str, os.PathLike[str])
# tree-layout data: a dict such as timemory.get(hierarchy=True), a .tree.json file, a folder
# of them, or a file object
_Source: TypeAlias = Mapping[str, Any] | str | os.PathLike[str] | IO[str]

SCHEMA: str

def convert(data: _Source, name: str | None = None) -> dict[str, Any]: ...
def write(data: _Source, filename: _PathT, name: str | None = None) -> _PathT: ...
def main(argv: Sequence[str] | None = None) -> int: ...
