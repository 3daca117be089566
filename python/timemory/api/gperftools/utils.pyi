"""Type stub of timemory.api.gperftools.utils."""

import os
from collections.abc import Iterable, MutableMapping, Sequence

__all__ = [
    "add_preload",
    "execute",
    "find_library",
    "find_library_path",
    "find_pprof",
    "next_profile_name",
    "post_process",
]

GENERATE: dict[str, list[str]]

def find_library_path(name: str) -> str | None: ...
def find_library(name: str) -> str: ...
def add_preload(
    libs: str | Iterable[str], env: MutableMapping[str, str] | None = None
) -> MutableMapping[str, str]: ...
def next_profile_name(folder: str, stem: str = "gperf") -> str: ...
def execute(
    cmd: Sequence[str | os.PathLike[str]],
    outf: str | os.PathLike[str] | None = None,
    env: MutableMapping[str, str] | None = None,
    timeout: float | None = None,
) -> int: ...
def find_pprof() -> str: ...
def post_process(
    exe: str | os.PathLike[str],
    profile: str | os.PathLike[str],
    generate: Iterable[str] = ("text",),
    args: Iterable[str] = ("--functions",),
    libs: Iterable[str] = (),
) -> dict[str, str]: ...
