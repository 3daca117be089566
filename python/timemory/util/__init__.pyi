"""Type stub of timemory.util."""

import types
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from typing_extensions import Self, TypeAlias

from .. import component as _component
from . import scope as scope

__all__ = [
    "auto_timer",
    "auto_tuple",
    "base_decorator",
    "marker",
    "rss_usage",
    "scope",
    "timer",
]

_F = TypeVar("_F", bound=Callable[..., Any])
# a decorated function keeps its type: a FunctionMarker or wrapper with the same signature
# (``async def`` stays a coroutine function, measured from its first step to its end)
_Spec: TypeAlias = str | _component.id | int
_Components: TypeAlias = _Spec | Iterable[_Spec] | Callable[[], _Spec | Iterable[_Spec]]
_Mode: TypeAlias = Literal["blank", "basic", "full", "defer"]

class base_decorator:
    key: str
    add_args: bool
    is_class: bool
    mode: _Mode
    def __init__(
        self, key: str = "", add_args: bool = False, is_class: bool = False, mode: _Mode = "defer"
    ) -> None: ...
    def decorator_key(self, func: Callable[..., Any]) -> str: ...
    def context_key(self, frame: types.FrameType) -> str: ...

class marker(base_decorator):
    components: list[_Spec]
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
        mode: _Mode = "defer",
        flat: bool | None = None,
        timeline: bool | None = None,
    ) -> None: ...
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> Literal[False]: ...

auto_tuple = marker

class auto_timer(marker):
    def __init__(
        self,
        key: str = "",
        add_args: bool = False,
        is_class: bool = False,
        report_at_exit: bool = False,
        mode: _Mode = "defer",
    ) -> None: ...

class timer(base_decorator):
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> Literal[False]: ...

class rss_usage(base_decorator):
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> Literal[False]: ...
