"""Type stub of timemory.options."""

import argparse
import os
from typing import TypeVar, overload

from typing_extensions import TypeAlias

__all__ = [
    "add_args_and_parse",
    "add_args_and_parse_known",
    "add_arguments",
    "ctest_notes",
    "echo_dart",
    "ensure_directory_exists",
    "matplotlib_backend",
    "parse_args",
    "parse_known_args",
    "safe_mkdir",
]

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)
# True: a timemory-config sub-command; False/None: the options on the parser itself; or the
# (sub)parser to add them to
_Subparser: TypeAlias = bool | argparse.ArgumentParser | None

echo_dart: bool
ctest_notes: bool
matplotlib_backend: str

def safe_mkdir(directory: str | os.PathLike[str] | None) -> None: ...
def ensure_directory_exists(file_path: str | os.PathLike[str]) -> None: ...
@overload
def add_arguments(parser: None = None, subparser: _Subparser = True) -> argparse.ArgumentParser: ...
@overload
def add_arguments(parser: _Parser, subparser: _Subparser = True) -> _Parser: ...
def parse_args(parser: argparse.ArgumentParser | None = None) -> argparse.Namespace: ...
def parse_known_args(parser: argparse.ArgumentParser | None = None) -> argparse.Namespace: ...
def add_args_and_parse(
    parser: argparse.ArgumentParser | None = None, subparser: _Subparser = True
) -> argparse.Namespace: ...
def add_args_and_parse_known(
    parser: argparse.ArgumentParser | None = None, subparser: _Subparser = True
) -> argparse.Namespace: ...
