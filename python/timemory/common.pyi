"""Type stub of timemory.common."""

import os
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, Final

from typing_extensions import TypeAlias

__all__ = [
    "FILE",
    "FRAME",
    "FUNC",
    "LINE",
    "PY3",
    "PY35",
    "dart_measurement",
    "dart_measurement_file",
    "execute_",
    "file",
    "frame",
    "func",
    "get_bin_script",
    "is_coroutine",
    "is_generator",
    "line",
    "popen",
    "which",
    "write_ctest_notes",
]

PY3: Final[bool]
PY35: Final[bool]

def file(
    back: int = 2, only_basename: bool = True, use_dirname: bool = False, noquotes: bool = True
) -> str: ...
def func(back: int = 2) -> str: ...
def line(back: int = 1) -> int: ...
def frame(back: int = 2) -> FrameType | None: ...

FILE = file
FUNC = func
LINE = line
FRAME = frame

def is_generator(function: Callable[..., Any]) -> bool: ...
def is_coroutine(function: Callable[..., Any]) -> bool: ...

# a command: a list of arguments, or one string (with shell=True)
_Command: TypeAlias = str | Sequence[str | os.PathLike[str]]

def popen(
    cmd: _Command,
    outf: str | os.PathLike[str] | None = None,
    keep_going: bool = True,
    timeout: float | None = None,
    shell: bool = False,
) -> tuple[int, str, str]: ...
def execute_(
    cmd: _Command,
    outf: str | os.PathLike[str] | None = None,
    keep_going: bool = True,
    timeout: float | None = None,
    shell: bool = False,
) -> int: ...
def dart_measurement(name: str, value: object) -> None: ...
def dart_measurement_file(
    name: str, path: str | os.PathLike[str], format: str = "png", type: str = "image"
) -> None: ...
def write_ctest_notes(
    fname: str | os.PathLike[str], path: str | os.PathLike[str] | None = None, mode: str = "a"
) -> None: ...
def get_bin_script(name: str) -> str | None: ...
def which(cmd: str) -> str | None: ...
