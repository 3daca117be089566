"""Type stub of timemory.timem (run a command, report the resources it used)."""

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any

__all__ = [
    "LAUNCHER",
    "LaunchError",
    "ProcessTree",
    "Result",
    "run",
]

LAUNCHER: str

class LaunchError(OSError): ...

class ProcessTree:
    root: int
    include_root: bool
    interval: float
    delay: float
    samples: int
    peak_rss: int
    peak_processes: int
    peak_vm: int
    last_rss: int
    last_vm: int
    max_processes: int
    seen: set[tuple[int, int]]
    cost: float
    error: BaseException | None
    def __init__(
        self, root: int, interval: float = 0.01, delay: float = 0.0, include_root: bool = False
    ) -> None: ...
    def sample(self) -> tuple[int, int]: ...
    def start(self) -> ProcessTree: ...
    def stop(self) -> None: ...

class Result:
    command: list[str]
    pid: int | None
    status: int
    wall_ns: int
    orphans: int
    tree: ProcessTree | None
    usage: dict[str, int]
    io: dict[str, int] | None
    signal: int | None
    exit_status: int | None
    core_dumped: bool
    returncode: int
    counters: dict[str, int]
    counter_errors: dict[str, str]
    def __init__(
        self,
        command: Sequence[str],
        report: Mapping[str, Any],
        tree: ProcessTree | None = None,
        events: Sequence[str] = (),
    ) -> None: ...
    @property
    def name(self) -> str: ...
    def entries(self) -> list[tuple[str, str, list[int], list[str] | None, str]]: ...
    def report(self) -> str: ...
    def to_json(self) -> dict[str, Any]: ...
    def write_json(self, path: str | PathLike[str]) -> None: ...

def run(
    command: Sequence[str | PathLike[str]],
    interval: float = 0.01,
    delay: float = 0.0,
    sample: bool = True,
    env: Mapping[str, str] | None = None,
    forward_signals: bool = False,
    events: Sequence[str] = (),
) -> Result: ...
