"""Type stub of timemory.api.gperftools."""

import os
from collections.abc import Mapping, Sequence

__all__ = ["cpu_profiler", "find_library", "heap_profiler", "post_process"]

def find_library(name: str) -> str: ...
def cpu_profiler(
    cmd: Sequence[str | os.PathLike[str]],
    output: str = "gperf.cpu.prof",
    env: Mapping[str, str] | None = None,
) -> int: ...
def heap_profiler(
    cmd: Sequence[str | os.PathLike[str]],
    output: str = "gperf.heap.prof",
    env: Mapping[str, str] | None = None,
) -> int: ...
def post_process(executable: str, profile: str, fmt: str = "text") -> str: ...
