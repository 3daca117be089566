"""Type stub of the timemory package (top level)."""

import argparse
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, overload

from typing_extensions import TypeAlias

from . import api as api
from . import bundle as bundle
from . import common as common
from . import component as component
from . import ert as ert
from . import hardware_counters as hardware_counters
from . import libs as libs
from . import line_profiler as line_profiler
from . import mpi as mpi
from . import mpi_support as mpi_support
from . import notebook as notebook
from . import options as options
from . import plotting as plotting
from . import profiler as profiler
from . import region as region
from . import roofline as roofline
from . import settings as settings
from . import signals as signals
from . import storage as storage
from . import trace as trace
from . import units as units
from . import util as util
from .common import FILE as FILE
from .common import FRAME as FRAME
from .common import FUNC as FUNC
from .common import LINE as LINE
from .common import file as file
from .common import frame as frame
from .common import func as func
from .common import line as line
from .libs import libpytimemory as libpytimemory
from .signals import disable_signal_detection as disable_signal_detection
from .signals import enable_signal_detection as enable_signal_detection
from .signals import set_exit_action as set_exit_action
from .util import scope as scope
from .util.bundles import auto_timer as auto_timer
from .util.bundles import component_bundle as component_bundle
from .util.bundles import manager as manager
from .util.bundles import rss_usage as rss_usage
from .util.bundles import timer as timer

__all__ = [
    "FILE",
    "FRAME",
    "FUNC",
    "LINE",
    "add_arguments",
    "add_hash_id",
    "auto_timer",
    "build_info",
    "clear",
    "component_bundle",
    "disable",
    "disable_signal_detection",
    "dmp_finalize",
    "dmp_init",
    "dmp_rank",
    "dmp_size",
    "enable",
    "enable_signal_detection",
    "enabled",
    "file",
    "finalize",
    "frame",
    "func",
    "get",
    "get_hash",
    "get_hash_identifier",
    "get_text",
    "has_mpi_support",
    "init",
    "initialize",
    "is_enabled",
    "libpytimemory",
    "line",
    "manager",
    "mpi_finalize",
    "mpi_init",
    "report",
    "rss_usage",
    "set_exit_action",
    "set_rusage_children",
    "set_rusage_self",
    "size",
    "start_function_wrappers",
    "start_mallocp",
    "start_mpip",
    "start_ncclp",
    "start_ompt",
    "stop_function_wrappers",
    "stop_mallocp",
    "stop_mpip",
    "stop_ncclp",
    "stop_ompt",
    "timemory_argparse",
    "timemory_finalize",
    "timemory_init",
    "timer",
    "toggle",
    "upcxx_finalize",
    "upcxx_init",
    "version",
    "version_info",
]

version: str
__version__: str
version_info: tuple[int, ...]
build_info: dict[str, str]

# a component list: names ("wall_clock", aliases, class names) and/or component.id values
_Components: TypeAlias = Iterable[str | int]
_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)
# True: a timemory-config sub-command; False/None: the options on parser itself; or the
# (sub)parser to add them to
_Subparser: TypeAlias = bool | argparse.ArgumentParser | None

def initialize(argv: list[str] = ..., prefix: str = "timemory-", suffix: str = "-output") -> None: ...
def init(argv: list[str] = ..., prefix: str = "timemory-", suffix: str = "-output") -> None: ...
def timemory_init(
    argv: list[str] = ..., prefix: str = "timemory-", suffix: str = "-output"
) -> None: ...
def finalize() -> None: ...
def timemory_finalize() -> None: ...
def report(filename: str = "") -> None: ...
def load_ipython_extension(ipython: Any) -> None: ...
def unload_ipython_extension(ipython: Any) -> None: ...
def enable() -> None: ...
def disable() -> None: ...
def toggle(on: bool = True) -> None: ...
def enabled() -> bool: ...
def is_enabled() -> bool: ...
def has_mpi_support() -> bool: ...
def set_rusage_children() -> None: ...
def set_rusage_self() -> None: ...
def get_hash(key: str) -> int: ...
def add_hash_id(key: str) -> int: ...
def get_hash_identifier(hash_id: int) -> str: ...
def get(hierarchy: bool = False, components: _Components = ...) -> dict[str, Any]: ...
def get_text(components: _Components = ...) -> str: ...
def clear(components: _Components = ...) -> None: ...
def size(components: _Components = ...) -> dict[int, int]: ...
@overload
def add_arguments(parser: None, subparser: _Subparser = True) -> argparse.ArgumentParser: ...
@overload
def add_arguments(parser: _Parser, subparser: _Subparser = True) -> _Parser: ...

timemory_argparse = add_arguments

def mpi_init() -> None: ...
def mpi_finalize() -> None: ...
def upcxx_init() -> None: ...
def upcxx_finalize() -> None: ...
def dmp_init() -> None: ...
def dmp_finalize() -> None: ...
def dmp_rank() -> int: ...
def dmp_size() -> int: ...
def start_mpip() -> int: ...
def stop_mpip(idx: int) -> int: ...
def start_ompt() -> int: ...
def stop_ompt(idx: int) -> int: ...
def start_ncclp() -> int: ...
def stop_ncclp(idx: int) -> int: ...
def start_mallocp() -> int: ...
def stop_mallocp(idx: int) -> int: ...
def start_function_wrappers(*args: str, **kwargs: bool) -> list[int]: ...
def stop_function_wrappers(ids: Sequence[int]) -> list[int]: ...
