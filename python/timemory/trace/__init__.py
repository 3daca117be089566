"""timemory.trace -- the Python line tracer and the trace library calls.

``Tracer`` (alias ``trace``) records every source line of the functions called while it runs
as one flat entry (count and time per line; lines never run are listed empty). ``Config``
selects the functions. ``python -m timemory.trace script.py`` traces a whole script.

The trace library calls -- ``init``, ``push``, ``pop``, ``is_throttled``, ``finalize`` -- are
the C library's throttled trace regions (``timemory_push_trace`` ...): the same components and
call-graph serve Python and C code that calls them.
"""

from ..libs import libpytimemory as _lib
from .tracer import (
    Config,
    FakeTracer,
    TraceBundle,
    Tracer,
    config,
    notrace,
    trace,
    tracer_finalize,
    tracer_function,
    tracer_init,
)

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


def _key(key):
    """A trace key: a str, or (as 3.3 accepts) the int hash of a registered str."""
    if isinstance(key, int) and not isinstance(key, bool):
        return _lib.get_hash_identifier(key)
    return key


def init(args="wall_clock", read_command_line=False, cmd=""):
    """Initialize the trace library (reference counted): default components ``args``; the
    output folder is derived from ``cmd`` (or the process command line when
    ``read_command_line``) while it is still the default."""
    _lib.trace_init(args, bool(read_command_line), cmd)


def finalize():
    """Release one init(); the last one stops open trace regions and writes the outputs."""
    _lib.trace_finalize()


def is_initialized():
    """Whether the trace library is initialized."""
    return _lib.trace_is_initialized()


def push(key):
    """Start a trace region named key (ignored while throttled, disabled or finalized)."""
    _lib.push_trace(_key(key))


def pop(key):
    """Stop the most recent trace region named key."""
    _lib.pop_trace(_key(key))


def is_throttled(key):
    """Whether key is throttled on the calling thread."""
    return _lib.is_throttled(_key(key))


def reset_throttle(key):
    """Lift the throttling of key on the calling thread."""
    _lib.reset_throttle(_key(key))
