"""Type stub of timemory.api.gperftools.cpu_profiler."""

import os
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["execute"]

def execute(
    cmd: Sequence[str | os.PathLike[str]],
    prefix: str = "cpu.prof",
    freq: int = 250,
    malloc_stats: int = 0,
    realtime: int = 1,
    preload: bool = True,
    selected: int = 0,
    generate: Iterable[str] = (),
    args: Iterable[str] = ("--functions",),
    env: Mapping[str, str] | None = None,
) -> tuple[int, str]: ...
