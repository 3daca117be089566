"""Type stub of timemory.trace: the line tracer and the trace library calls."""

from .tracer import Config as Config
from .tracer import FakeTracer as FakeTracer
from .tracer import TraceBundle as TraceBundle
from .tracer import Tracer as Tracer
from .tracer import config as config
from .tracer import notrace as notrace
from .tracer import trace as trace
from .tracer import tracer_finalize as tracer_finalize
from .tracer import tracer_function as tracer_function
from .tracer import tracer_init as tracer_init

__all__ = [
    "Tracer",
    "Config",
    "TraceBundle",
    "FakeTracer",
    "init",
    "finalize",
    "is_throttled",
    "reset_throttle",
    "push",
    "pop",
    "tracer_function",
    "tracer_init",
    "tracer_finalize",
    "config",
    "trace",
    "notrace",
]

def init(args: str = "wall_clock", read_command_line: bool = False, cmd: str = "") -> None: ...
def finalize() -> None: ...
def is_initialized() -> bool: ...

# a key: a str, or the int hash of a registered str (timemory.get_hash)
def push(key: str | int) -> None: ...
def pop(key: str | int) -> None: ...
def is_throttled(key: str | int) -> bool: ...
def reset_throttle(key: str | int) -> None: ...
