"""Type stub of timemory.line_profiler (line_profiler's profiler on timemory's line tracer)."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from os import PathLike
from types import CodeType, ModuleType
from typing import IO, Any, TypeVar

__all__ = [
    "LineProfiler",
    "LineStats",
    "TIMER_UNIT",
    "load_stats",
    "show_text",
    "show_func",
    "is_coroutine",
    "is_generator",
]

_F = TypeVar("_F")
_Key = tuple[str, int, str]

TIMER_UNIT: float

class LineStats:
    timings: dict[_Key, list[tuple[int, int, int]]]
    unit: float
    components: tuple[str, ...]
    values: dict[_Key, dict[int, tuple[tuple[float, ...], ...]]]
    def __init__(
        self,
        timings: dict[_Key, list[tuple[int, int, int]]],
        unit: float,
        components: Iterable[str] = (),
        values: dict[_Key, dict[int, tuple[tuple[float, ...], ...]]] | None = None,
    ) -> None: ...
    def print(
        self,
        stream: IO[str] | None = None,
        output_unit: float | None = None,
        stripzeros: bool = False,
        details: bool = True,
        summarize: bool = False,
        sort: bool = False,
    ) -> None: ...
    def to_file(self, filename: str | PathLike[str]) -> None: ...

class LineProfiler:
    def __del__(self) -> None: ...
    functions: list[Any]
    enable_count: int
    timer_unit: float
    def __init__(self, *functions: Any, components: str | Sequence[str] | None = None) -> None: ...
    @property
    def components(self) -> list[str]: ...
    @property
    def code_map(self) -> dict[CodeType, dict[int, tuple[int, int]]]: ...
    def add_function(self, func: Any) -> int: ...
    def add_class(self, cls: type) -> int: ...
    def add_module(self, module: ModuleType) -> int: ...
    def enable(self) -> None: ...
    def disable(self) -> None: ...
    def enable_by_count(self) -> None: ...
    def disable_by_count(self) -> None: ...
    def __enter__(self) -> LineProfiler: ...
    def __exit__(self, *exc: object) -> bool: ...
    def __call__(self, func: _F) -> _F: ...
    def wrap_callable(self, func: _F) -> _F: ...
    def wrap_function(self, func: _F) -> _F: ...
    def wrap_generator(self, func: _F) -> _F: ...
    def wrap_coroutine(self, func: _F) -> _F: ...
    def wrap_async_generator(self, func: _F) -> _F: ...
    def runcall(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...
    def runctx(
        self, cmd: str, globals: dict[str, Any], locals: Mapping[str, Any]
    ) -> LineProfiler: ...
    def run(self, cmd: str) -> LineProfiler: ...
    def get_stats(self) -> LineStats: ...
    def print_stats(
        self,
        stream: IO[str] | None = None,
        output_unit: float | None = None,
        stripzeros: bool = False,
        details: bool = True,
        summarize: bool = False,
        sort: bool = False,
    ) -> None: ...
    def dump_stats(self, filename: str | PathLike[str]) -> None: ...

def load_stats(filename: str | PathLike[str], *more: str | PathLike[str]) -> LineStats: ...
def show_text(
    stats: LineStats,
    output_unit: float | None = None,
    stream: IO[str] | None = None,
    stripzeros: bool = False,
    details: bool = True,
    summarize: bool = False,
    sort: bool = False,
) -> None: ...
def show_func(
    filename: str,
    start_lineno: int,
    func_name: str,
    timings: Sequence[tuple[int, int, int]],
    unit: float,
    output_unit: float | None = None,
    stream: IO[str] | None = None,
    stripzeros: bool = False,
    components: Sequence[str] = (),
    values: Mapping[int, tuple[tuple[float, ...], ...]] | None = None,
) -> None: ...
def is_coroutine(func: object) -> bool: ...
def is_generator(func: object) -> bool: ...
