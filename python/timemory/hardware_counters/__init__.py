"""timemory.hardware_counters -- the hardware counters this machine knows and can count.

The events come from the engine (``hwcounters_list()``): PAPI's presets and native events when
libpapi is installed (loaded at run time), and Linux perf_event's names (``cycles``,
``instructions``, ``task-clock``, ``page-faults``, ...), each tested by opening it on this
machine, so ``Info.available()`` is what this machine really counts: a VM without a hardware
PMU has the software events only. ``preset`` has one read-only attribute per event
(python-safe symbol: ``preset.PAPI_TOT_CYC``, ``preset.task_clock``, ``preset.perf__TASK_CLOCK``),
made at first use. ``backend()`` is what counts the configured events, ``reason()`` why PAPI
does not.
"""

import enum
import re as _re
import threading as _threading

from ..libs import libpytimemory as _lib

__all__ = ["Info", "api", "available", "backend", "events", "preset", "reason"]


class api(enum.IntEnum):
    """Where a counter comes from."""

    papi = 0
    cuda = 1
    unknown = 2
    perf_event = 3


_api = api  # Info's parameter and method are named api too
_BACKENDS = {"papi": api.papi, "perf_event": api.perf_event}
_lock = _threading.Lock()
_rows = None


def _table():
    """The engine's list (made once per process: the first call opens every event)."""
    global _rows
    with _lock:
        if _rows is None:
            _rows = [dict(row) for row in _lib.hwcounters_list()]
        return _rows


def _python_name(symbol):
    name = _re.sub(r"\W", "_", symbol)
    return "_" + name if name[:1].isdigit() else name


class Info:
    """Info(symbol, api=api.unknown): one hardware counter this machine knows (PAPI preset or
    native event, perf_event name); api.unknown takes the first backend that knows symbol.
    ValueError when none does."""

    __slots__ = ("_row",)

    def __init__(self, symbol, api=api.unknown):
        want = None if api in (_api.unknown, None) else _api(api)
        for row in _table():
            if row["name"] == symbol and (want is None or _BACKENDS[row["backend"]] == want):
                self._row = row
                return
        where = f" in {want.name}" if want is not None else ""
        why = reason() if want == _api.papi else None
        raise ValueError(
            f"hardware counter {symbol!r} is not known{where} on this machine"
            + (f" ({why})" if why else "")
            + " (timemory-avail -H lists them)"
        )

    def api(self):
        return _BACKENDS[self._row["backend"]]

    def symbol(self):
        return self._row["name"]

    def python_symbol(self):
        """The attribute of ``preset`` that names it."""
        return _python_name(self._row["name"])

    def short_description(self):
        text = self._row["description"]
        return text if len(text) <= 64 else text[:61] + "..."

    def long_description(self):
        return self._row["description"]

    def units(self):
        """The units: "ns" for the clocks (task-clock, cpu-clock), "" for counts."""
        return self._row["units"]

    def available(self):
        """Whether this process could open and start it on this machine."""
        return bool(self._row["available"])

    def __repr__(self):
        state = "available" if self.available() else "not available"
        return f"<hardware_counters.Info {self.symbol()} ({self.api().name}, {state})>"


def events(available_only=False):
    """Every hardware counter known (Info objects, PAPI's first), or those available here."""
    result = []
    for row in _table():
        if available_only and not row["available"]:
            continue
        info = Info.__new__(Info)
        info._row = row
        result.append(info)
    return result


class _PresetType(type):
    """One read-only attribute per known counter, looked up at first use."""

    def _symbols(cls):
        names = {}
        for info in events():
            names.setdefault(info.python_symbol(), info)
        return names

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        info = cls._symbols().get(name)
        if info is None:
            raise AttributeError(f"hardware_counters.preset has no counter {name!r}")
        return info

    def __setattr__(cls, name, value):
        raise AttributeError("hardware_counters.preset is read-only")

    def __dir__(cls):
        return sorted(set(type.__dir__(cls)) | set(cls._symbols()))


class preset(metaclass=_PresetType):
    """One read-only attribute per known counter (``preset.PAPI_TOT_CYC``,
    ``preset.task_clock``), an Info; ``dir(preset)`` lists them."""


def available():
    """Whether this machine can count at least one hardware counter."""
    return any(row["available"] for row in _table())


def backend():
    """What counts the configured events: "papi" or "perf_event" (None before any are)."""
    return _lib.hwcounters_backend()


def reason():
    """Why PAPI is not the backend (not installed, or no working component), or None."""
    return _lib.hwcounters_reason()
