"""timemory.region -- the C library's named regions (spec API.md section 10).

``push(name)`` starts a record of the current default components under name, ``pop(name)``
stops the most recent one of that name (per thread). Regions are never throttled, and C or
Fortran code calling ``timemory_push_region`` shares the same call-graph. The default
components are the setting ``components``, else ``global_components``, else wall_clock.

While paused (``pause()``), a push records nothing and its pop -- paused or not -- does
nothing and says nothing: it never closes an open region of the same name. Regions pushed
before the pause still stop (and record) when popped while paused.
"""

import itertools as _itertools
import threading as _threading

from ..libs import libpytimemory as _lib

__all__ = [
    "add_components",
    "begin",
    "end",
    "pause",
    "pop",
    "pop_components",
    "push",
    "push_components",
    "remove_components",
    "resume",
    "set_default",
]


def push(key):
    """Start a record of the current component set under key."""
    _lib.push_region(str(key))


def pop(key):
    """Stop the most recent record of key (a warning when there is none); the pop of a push
    made while paused does nothing."""
    _lib.pop_region(str(key))


def pause():
    """Stop recording everywhere (settings.enabled = False): pushes record nothing, and their
    pops are silent; regions pushed before still stop when popped."""
    _lib.disable()


def resume():
    """Record again (settings.enabled = True)."""
    _lib.enable()


def _need(name):
    function = getattr(_lib, name, None)
    if function is None:
        raise RuntimeError(
            f"timemory.region: this build's extension has no '{name}' (the C library's "
            "component-set stack is not exposed to Python yet)"
        )
    return function


def _text(types):
    if isinstance(types, str):
        return types
    return ",".join(
        item if isinstance(item, str) else str(getattr(item, "name", item)) for item in types
    )


def set_default(types):
    """Default component list (the environment's TIMEMORY_GLOBAL_COMPONENTS takes
    precedence)."""
    _need("set_default")(_text(types))


def add_components(types):
    """Add components to the current set."""
    _need("add_components")(_text(types))


def remove_components(types):
    """Remove components from the current set."""
    _need("remove_components")(_text(types))


def push_components(types):
    """Make types the current set, keeping the previous one on a stack."""
    _need("push_components")(_text(types))


def pop_components():
    """Go back to the previous component set (the last one is never popped)."""
    _need("pop_components")()


_records = {}
_record_ids = _itertools.count(1)
_records_lock = _threading.Lock()
_DISABLED = 2**64 - 1


def begin(key):
    """Start a record of the current component set under key and return its id
    (2**64-1 when timemory is disabled: end() ignores it)."""
    if not _lib.enabled():
        return _DISABLED
    mask = _default_mask()
    record = _lib.ScopedMarker(_lib.add_hash_id(str(key)), mask, 0)
    record.start()
    with _records_lock:
        record_id = next(_record_ids)
        _records[record_id] = record
    return record_id


def end(record_id):
    """Stop and forget the record begun with this id."""
    with _records_lock:
        record = _records.pop(record_id, None)
    if record is not None:
        record.stop()


def _default_mask():
    getter = getattr(_lib, "get_default_components", None)
    if getter is not None:
        return getter()
    for name in ("components", "global_components"):
        text = _lib.settings_get(name)
        if text.strip():
            return _lib.parse_components(text)
    return _lib.parse_components("wall_clock")
