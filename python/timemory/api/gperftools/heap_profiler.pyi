"""Type stub of timemory.api.gperftools.heap_profiler."""

import os
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["execute"]

def execute(
    cmd: Sequence[str | os.PathLike[str]],
    prefix: str = "heap.prof",
    interval: int | None = None,
    preload: bool = True,
    generate: Iterable[str] = (),
    args: Iterable[str] = ("--functions",),
    env: Mapping[str, str] | None = None,
) -> tuple[int, list[str]]: ...
