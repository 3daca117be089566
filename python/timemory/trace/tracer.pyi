"""Type stub of timemory.trace.tracer: Tracer, Config, TraceBundle, FakeTracer."""

from collections.abc import Callable, Iterable, Mapping
from types import CodeType, TracebackType
from typing import Any, Literal, TypeVar

from typing_extensions import ParamSpec, Self, TypeAlias

from ..libs.libpytimemory import TracerSession as _TracerSession
from ..libs.libpytimemory import _HookFunction

tracer_function: _HookFunction

__all__ = [
    "Tracer",
    "FakeTracer",
    "Config",
    "TraceBundle",
    "tracer_function",
    "tracer_init",
    "tracer_finalize",
    "config",
    "trace",
    "notrace",
]

_F = TypeVar("_F", bound=Callable[..., Any])
_P = ParamSpec("_P")
_R = TypeVar("_R")

# components: names ("wall_clock", aliases, class names), timemory.component.id values, one
# name, or a callable returning them; joined with settings.trace_components
_ComponentList: TypeAlias = str | int | Iterable[str | int]
_Components: TypeAlias = _ComponentList | Callable[[], _ComponentList | None] | None
# what run()/runctx() execute
_Code: TypeAlias = str | bytes | CodeType
# what a list field of Config accepts on assignment (it is added to the set)
_Names: TypeAlias = str | Iterable[str]

class _ConfigType(type):
    """The metaclass that makes Config's fields properties of the class itself."""

    @property
    def _is_running(cls) -> bool: ...
    @_is_running.setter
    def _is_running(cls, value: bool) -> None: ...
    @property
    def include_internal(cls) -> bool: ...
    @include_internal.setter
    def include_internal(cls, value: bool) -> None: ...
    @property
    def include_args(cls) -> bool: ...
    @include_args.setter
    def include_args(cls, value: bool) -> None: ...
    @property
    def include_line(cls) -> bool: ...
    @include_line.setter
    def include_line(cls, value: bool) -> None: ...
    @property
    def include_filename(cls) -> bool: ...
    @include_filename.setter
    def include_filename(cls, value: bool) -> None: ...
    @property
    def full_filepath(cls) -> bool: ...
    @full_filepath.setter
    def full_filepath(cls, value: bool) -> None: ...
    @property
    def verbosity(cls) -> int: ...
    @verbosity.setter
    def verbosity(cls, value: int) -> None: ...
    @property
    def only_functions(cls) -> list[str]: ...
    @only_functions.setter
    def only_functions(cls, value: _Names) -> None: ...
    @property
    def only_filenames(cls) -> list[str]: ...
    @only_filenames.setter
    def only_filenames(cls, value: _Names) -> None: ...
    @property
    def skip_functions(cls) -> list[str]: ...
    @skip_functions.setter
    def skip_functions(cls, value: _Names) -> None: ...
    @property
    def skip_filenames(cls) -> list[str]: ...
    @skip_filenames.setter
    def skip_filenames(cls, value: _Names) -> None: ...

class Config(metaclass=_ConfigType):
    """Tracer configuration: every field is a property of the class (``Config.include_line =
    False``) and of its instances; assigning a list field adds to its set."""

    _is_running: bool
    include_internal: bool
    include_args: bool
    include_line: bool
    include_filename: bool
    full_filepath: bool
    verbosity: int
    only_functions: list[str]
    only_filenames: list[str]
    skip_functions: list[str]
    skip_filenames: list[str]
    @classmethod
    def as_dict(cls) -> dict[str, bool | int | list[str]]: ...
    @classmethod
    def clear(cls, field: str | None = None) -> None: ...

config = Config

def tracer_init() -> None: ...
def tracer_finalize() -> None: ...

class TraceBundle:
    """The component set of the tracer (key ``"<func>@<file>:<line>"``; lines are flat)."""

    def __init__(self, func: str, file: str, line: int, extra: Iterable[object] = ()) -> None: ...
    @staticmethod
    def configure(
        components: Iterable[str | int] = (),
        flat_profile: bool = True,
        timeline_profile: bool = False,
    ) -> None: ...
    @staticmethod
    def reset() -> None: ...
    @classmethod
    def bundle_size(cls) -> int: ...
    def key(self) -> str: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

class Tracer(_TracerSession):
    """Trace the lines of the functions called while it runs: decorator, context manager,
    start()/stop(), run(), runctx(), runcall()."""

    components: _Components
    def __init__(self, components: _Components = ..., **kwargs: object) -> None: ...
    def configure(self) -> None: ...
    def __call__(self, func: _F) -> _F: ...

class FakeTracer:
    """The Tracer interface doing nothing (notrace)."""

    def __init__(self, *args: object, **kwargs: object) -> None: ...
    @staticmethod
    def condition(functor: Callable[[], object]) -> None: ...
    @staticmethod
    def is_enabled() -> bool: ...
    def configure(self) -> None: ...
    def start(self) -> int: ...
    def stop(self) -> int: ...
    def __call__(self, func: _F) -> _F: ...
    def __enter__(self, *args: object, **kwargs: object) -> Self: ...
    def __exit__(
        self,
        exec_type: type[BaseException] | None,
        exec_value: BaseException | None,
        exec_tb: TracebackType | None,
    ) -> Literal[False]: ...
    def run(self, cmd: _Code) -> Self: ...
    def runctx(
        self, cmd: _Code, globals: dict[str, Any] | None, locals: Mapping[str, object] | None
    ) -> Self: ...
    def runcall(self, func: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R: ...

trace = Tracer
notrace = FakeTracer

# callables run before a Tracer takes the tracer hooks (the line profiler hands its data over)
_claim_hooks: list[Callable[[], object]]
