"""The top-level bundle classes of the package (spec API.md section 3): timer, auto_timer,
rss_usage, component_bundle and manager.

A bundle is a list of component objects (the extension's classes) measured together under one
key. Those that store into the call-graph do it through the extension's ScopedMarker (one push
and one pop of all their components); the component objects keep the bundle's own values for
get()/str(). Unavailable components are left out of a bundle.
"""

import json as _json
import os as _os
from typing import ClassVar as _ClassVar

from .. import component as _component
from ..component import display as _display
from ..libs import libpytimemory as _lib

__all__ = ["auto_timer", "component_bundle", "manager", "rss_usage", "timer"]


def _rows(names):
    rows = []
    for name in names:
        row = _component._find_row(name)
        if row is not None and row["available"] and row["nvalues"] > 0:
            rows.append(row)
    return rows


def _mask(rows):
    mask = 0
    for row in rows:
        mask |= 1 << row["id"]
    return mask


class _Bundle:
    """Component objects measured together; the common part of timer, auto_timer, rss_usage."""

    _names = ()

    def __init__(self, key=""):
        if not isinstance(key, str):
            raise TypeError(f"key must be str, not {type(key).__name__}")
        self._key = key
        self._rows = _rows(self._names)
        self._objects = [getattr(_lib, row["class_name"])(key) for row in self._rows]
        self._marker = None

    def key(self):
        return self._key

    def _push(self):
        """Push the bundle's key with its components into the call-graph (when enabled)."""
        if self._marker is None and self._rows and _lib.enabled():
            self._marker = _lib.ScopedMarker(_lib.add_hash_id(self._key), _mask(self._rows), 0)
            self._marker.start()

    def _pop(self):
        marker, self._marker = self._marker, None
        if marker is not None:
            marker.stop()

    def get_raw(self):
        """Raw values (ns, bytes, counts) of each component, as a tuple."""
        return tuple(obj.get_raw() for obj in self._objects)

    def get(self):
        """``{label: value}`` in display units, e.g. ``{"wall": 0.5, "cpu": 0.49, ...}``."""
        return {row["label"]: obj.get() for row, obj in zip(self._rows, self._objects)}

    def laps(self):
        return self._objects[0].laps() if self._objects else 0

    def reset(self):
        for obj in self._objects:
            obj.reset()

    def __str__(self):
        values = ", ".join(
            _display.format_values(row, obj.get()) for row, obj in zip(self._rows, self._objects)
        )
        return f">>>  {self._key} : {values} [laps: {self.laps()}]"

    def __repr__(self):
        return f"<timemory.{type(self).__name__} {self._key!r}>"


class timer(_Bundle):
    """timer(key: str = "") -- wall_clock, cpu_clock, cpu_util and peak_rss measured together.

    start() pushes the key into the call-graph and starts; stop() stops and pops; report()
    prints ``>>>  key :    0.020 sec wall,    0.010 sec cpu, ... [laps: 1]``."""

    _names = ("wall_clock", "cpu_clock", "cpu_util", "peak_rss")

    def __init__(self, key=""):
        super().__init__(key)
        extra = _rows(("sys_clock", "user_clock"))
        self._extra = {row["name"]: getattr(_lib, row["class_name"])(key) for row in extra}
        self._running = False

    def start(self):
        if self._running:
            return
        self._running = True
        self._push()
        for obj in self._objects + list(self._extra.values()):
            obj.start()

    def stop(self):
        if not self._running:
            return
        self._running = False
        try:
            for obj in reversed(self._objects + list(self._extra.values())):
                obj.stop()
        finally:
            self._pop()

    def report(self):
        print(str(self))

    def _seconds(self, name):
        obj = self._extra.get(name)
        if obj is None:
            row = _component._find_row(name)
            why = row["reason"] if row else "unknown component"
            raise RuntimeError(f"timer: {name} is not available here ({why})")
        return obj.get()

    def real_elapsed(self):
        """Wall-clock seconds."""
        for row, obj in zip(self._rows, self._objects):
            if row["name"] == "wall_clock":
                return obj.get()
        raise RuntimeError("timer: wall_clock is not available here")

    def sys_elapsed(self):
        """System (kernel-mode) CPU seconds."""
        return self._seconds("sys_clock")

    def user_elapsed(self):
        """User-mode CPU seconds."""
        return self._seconds("user_clock")

    def reset(self):
        super().reset()
        for obj in self._extra.values():
            obj.reset()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


class auto_timer(_Bundle):
    """auto_timer(key: str = "", report_at_exit: bool = False) -- the timer's components,
    pushed and started on construction, stopped and popped when the object is destroyed (or
    by stop()); prints itself then when report_at_exit or the destructor_report setting."""

    _names = timer._names

    def __init__(self, key="", report_at_exit=False):
        super().__init__(key)
        self._report_at_exit = bool(report_at_exit)
        self._running = True
        self._push()
        for obj in self._objects:
            obj.start()

    def stop(self):
        if not getattr(self, "_running", False):
            return
        self._running = False
        try:
            for obj in reversed(self._objects):
                obj.stop()
        finally:
            self._pop()
        if self._report_at_exit or _lib.settings_get("destructor_report"):
            print(str(self))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __del__(self):
        try:
            self.stop()
        except Exception:  # noqa: BLE001, S110 (never raise from a destructor, e.g. at shutdown)
            pass


class rss_usage(_Bundle):
    """rss_usage(key: str = "", record: bool = False) -- a snapshot of page_rss, peak_rss,
    page faults and context switches. record() reads them now; ``+ - += -=`` combine two
    snapshots element-wise. Nothing is stored in the call-graph."""

    _names = (
        "page_rss",
        "peak_rss",
        "num_minor_page_faults",
        "num_major_page_faults",
        "voluntary_context_switch",
        "priority_context_switch",
    )

    def __init__(self, key="", record=False):
        super().__init__(key)
        if record:
            self.record()

    def record(self):
        """Store the current absolute readings."""
        for obj in self._objects:
            obj.measure()

    def _value(self, name):
        for row, obj in zip(self._rows, self._objects):
            if row["name"] == name:
                return obj.get()
        row = _component._find_row(name)
        raise RuntimeError(f"rss_usage: {name} is not available here ({row and row['reason']})")

    def current(self, units=None):
        """page_rss in the memory unit in effect (the units argument is accepted, unused)."""
        return self._value("page_rss")

    def peak(self, units=None):
        """peak_rss in the memory unit in effect (the units argument is accepted, unused)."""
        return self._value("peak_rss")

    def _combine(self, other, operation):
        if not isinstance(other, rss_usage):
            return NotImplemented
        result = rss_usage(self._key)
        result._objects = [operation(a, b) for a, b in zip(self._objects, other._objects)]
        return result

    def __add__(self, other):
        return self._combine(other, lambda a, b: a + b)

    def __sub__(self, other):
        return self._combine(other, lambda a, b: a - b)

    def __iadd__(self, other):
        if not isinstance(other, rss_usage):
            return NotImplemented
        for a, b in zip(self._objects, other._objects):
            a += b
        return self

    def __isub__(self, other):
        if not isinstance(other, rss_usage):
            return NotImplemented
        for a, b in zip(self._objects, other._objects):
            a -= b
        return self


class component_bundle:
    """component_bundle(func: str, file: str, line: int, extra: list = []) -- a bundle whose
    components are chosen at run time with the static configure(); key
    ``"<func>@<file>:<line>"`` plus ``"/" + "/".join(extra)``. Without configure() it uses the
    global_components setting (nothing when that is empty)."""

    _configured_mask = 0
    _configured_scope = 0

    def __init__(self, func, file, line, extra=()):
        key = f"{func}@{file}:{line}"
        if extra:
            key += "/" + "/".join(str(item) for item in extra)
        self._key = key
        self._marker = None

    @staticmethod
    def configure(components=(), flat_profile=False, timeline_profile=False):
        """Set the components (empty: wall_clock) and the scope of every component_bundle."""
        components = list(components) or ["wall_clock"]
        component_bundle._configured_mask = _lib.parse_components(components)
        scope = _lib.SCOPE_FLAT if flat_profile else _lib.SCOPE_TREE
        if timeline_profile:
            scope |= _lib.SCOPE_TIMELINE
        component_bundle._configured_scope = scope

    @staticmethod
    def reset():
        """Remove the configured components."""
        component_bundle._configured_mask = 0
        component_bundle._configured_scope = 0

    def _current_mask(self):
        if component_bundle._configured_mask:
            return component_bundle._configured_mask
        text = _lib.settings_get("global_components")
        return _lib.parse_components(text) if text.strip() else 0

    def key(self):
        return self._key

    def start(self):
        if self._marker is not None or not _lib.enabled():
            return
        mask = self._current_mask()
        if mask:
            self._marker = _lib.ScopedMarker(
                _lib.add_hash_id(self._key), mask, component_bundle._configured_scope
            )
            self._marker.start()

    def stop(self):
        marker, self._marker = self._marker, None
        if marker is not None:
            marker.stop()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


_CTEST_HEAD = """IF(NOT DEFINED CTEST_NOTES_FILES)
    SET(CTEST_NOTES_FILES )
ENDIF(NOT DEFINED CTEST_NOTES_FILES)
"""
_CTEST_TAIL = """IF(NOT "${CTEST_NOTES_FILES}" STREQUAL "")
    LIST(REMOVE_DUPLICATES CTEST_NOTES_FILES)
ENDIF(NOT "${CTEST_NOTES_FILES}" STREQUAL "")
"""


def _metadata_value(label, data):
    if isinstance(data, (str, int, float)):
        return data
    if isinstance(data, (list, tuple)) and all(
        isinstance(item, (str, int, float)) for item in data
    ):
        kinds = {str if isinstance(item, str) else float for item in data}
        if len(kinds) <= 1:
            return list(data)
    raise RuntimeError(
        f"manager.add_metadata('{label}', ...): data must be str, int, float or a list of "
        f"str, int or float, not {type(data).__name__}"
    )


class manager:
    """manager() -- handle to the global manager: metadata.json info and CTest notes."""

    text_files: _ClassVar[list] = []
    json_files: _ClassVar[list] = []

    @classmethod
    def write_ctest_notes(cls, directory=".", append=False):
        """Write ``<directory>/CTestNotes.cmake`` listing text_files; returns its path."""
        _os.makedirs(directory, exist_ok=True)
        path = _os.path.join(directory, "CTestNotes.cmake")
        lines = "".join(f'LIST(APPEND CTEST_NOTES_FILES "{name}")\n' for name in cls.text_files)
        with open(path, "a" if append else "w") as output:
            output.write(_CTEST_HEAD + "\n" + lines + "\n" + _CTEST_TAIL)
        return path

    @staticmethod
    def add_metadata(label, data):
        """Add ``label: data`` to the info section of metadata.json (the first value wins).
        data: str, int, float or a list of one of those; anything else RuntimeError."""
        _lib.add_metadata(str(label), _json.dumps(_metadata_value(label, data)))

    @staticmethod
    def get_metadata():
        """The metadata object of metadata.json: info, settings, output, environment."""
        data = _json.loads(_lib.get_metadata())
        if "timemory" in data:
            data = data["timemory"]
        if "metadata" in data:
            data = data["metadata"]
        return data
