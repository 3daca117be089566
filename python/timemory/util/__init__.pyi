"""Type stub of timemory.util."""

import types
from collections.abc import Iterable
from typing import Any, Callable, TypeVar

from typing_extensions import Self, TypeAlias

from . import scope as scope

_F = TypeVar("_F", bound=Callable[..., Any])
_Components: TypeAlias = Iterable[str | int] | Callable[[], Iterable[str | int]]

class base_decorator:
    key: str
    add_args: bool
    is_class: bool
    mode: str
    def __init__(
        self, key: str = "", add_args: bool = False, is_class: bool = False, mode: str = "defer"
    ) -> None: ...
    def decorator_key(self, func: Callable[..., Any]) -> str: ...
    def context_key(self, frame: types.FrameType) -> str: ...

class marker(base_decorator):
    components: list
    mask: int
    report_at_exit: bool
    scope: int
    def __init__(
        self,
        components: _Components = ...,
        key: str = "",
        add_args: bool = False,
        is_class: bool = False,
        report_at_exit: bool = False,
        mode: str = "defer",
        flat: bool | None = None,
        timeline: bool | None = None,
    ) -> None: ...
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> bool: ...

auto_tuple = marker

class auto_timer(marker):
    def __init__(
        self,
        key: str = "",
        add_args: bool = False,
        is_class: bool = False,
        report_at_exit: bool = False,
        mode: str = "defer",
    ) -> None: ...

class timer(base_decorator):
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> bool: ...

class rss_usage(base_decorator):
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> bool: ...
