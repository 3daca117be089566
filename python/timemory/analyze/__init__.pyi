"""Type stub of timemory.analyze (hatchet-based analysis of the tree data)."""

from collections.abc import Sequence
from typing import Any, TypeVar

__all__ = [
    "add",
    "compare",
    "dump",
    "embedded_analyze",
    "expression",
    "group",
    "load",
    "match",
    "resolve_metric",
    "search",
    "sort",
    "sort_tree",
    "subtract",
    "threshold",
    "unify",
]

_T = TypeVar("_T")

FORMATS: tuple[str, ...]

def load(
    data: Any,
    select: str | list[str] | None = None,
    per_thread: bool = False,
    per_rank: bool = False,
) -> Any: ...
def resolve_metric(frame: Any, metric: str) -> str: ...
def search(data: _T, pattern: str, field: str = "name") -> _T: ...
def match(data: _T, pattern: str, field: str = "name") -> _T: ...
def expression(data: _T, math_expr: str, metric: str = "sum.inc") -> _T: ...
def sort(data: Any, metric: str = "sum", ascending: bool = False) -> Any: ...
def group(data: Any, metric: str, field: str = "name", ascending: bool = False) -> Any: ...
def add(data: Sequence[Any]) -> Any: ...
def subtract(data: Sequence[Any]) -> Any: ...
def unify(data: Sequence[Any]) -> Any: ...
def dump(
    data: Any,
    metric: str,
    dtype: str,
    file: str | list[str] | None = None,
    echo_dart: bool = False,
    precision: int = 3,
) -> list[str]: ...
def embedded_analyze(
    args: Sequence[str] | None = None,
    data: Sequence[dict[str, Any]] = (),
    call_exit: bool = False,
    verbose: int | str = 0,
    ranks: Sequence[int] = (),
) -> Any: ...
def threshold(data: Any, value: float | str, metric: str = "sum.inc") -> list[Any]: ...
def sort_tree(data: Any, metric: str = "sum.inc", ascending: bool = False) -> list[Any]: ...
def compare(data: Sequence[Any], how: str = "diff") -> list[Any]: ...
