"""Type stub of timemory.ert: the Empirical Roofline Toolkit's CPU kernels and their results."""

import os
from typing import Any

from typing_extensions import TypeAlias

__all__ = [
    "FILENAME",
    "bandwidths",
    "cache_sizes",
    "defaults",
    "entries_of",
    "isa",
    "peak_flops",
    "read",
    "run",
    "summary_lines",
    "write",
]

_Source: TypeAlias = str | bytes | os.PathLike[str] | dict[str, Any]

FILENAME: str

def defaults() -> dict[str, Any]: ...
def isa() -> str: ...
def cache_sizes() -> dict[str, dict[str, int]]: ...
def read(source: _Source, rank: int = 0) -> dict[str, Any]: ...
def entries_of(source: _Source | list[dict[str, Any]], rank: int = 0) -> list[dict[str, Any]]: ...
def peak_flops(entries: _Source | list[dict[str, Any]]) -> dict[str, float]: ...
def bandwidths(
    entries: _Source | list[dict[str, Any]],
    caches: dict[str, dict[str, int]] | None = None,
    num_threads: int | None = None,
) -> list[dict[str, Any]]: ...
def summary_lines(roofline: dict[str, Any]) -> list[str]: ...
def write(document: dict[str, Any], output_dir: str | os.PathLike[str]) -> str: ...
def run(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    min_working_set: int | None = None,
    max_data_size: int | None = None,
    num_threads: int | None = None,
    trials_min: int | None = None,
    repeats: int | None = None,
    dtypes: list[str] | str | None = None,
    ops: list[int] | int | None = None,
    progress: bool | None = None,
    verbose: bool = True,
) -> dict[str, Any]: ...
