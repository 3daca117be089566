"""timemory.component -- stand-alone classes for the components, and the ``id`` enumeration.

Unless push() and pop() are called on these objects, they do not store any data in the
timemory call-graph. The classes are the extension's (one per row of the component table);
``id`` is an IntEnum built from the same table, so ``int(component.wall_clock)`` is the value
the C library uses; ``WallClock.index()`` is that member and ``WallClock.id()`` the string id
``"wall_clock"``. A component whose tool is missing still has its class, with
``available == False`` and ``reason`` saying why; measuring it does nothing (the first attempt
per class warns why).

Names, aliases and suggestions are the C library's (timemory_component_find/_suggest), the
same rules as every component list of the library, the command line and the settings.
"""

import enum as _enum
import sys as _sys

from ..libs import libpytimemory as _lib

_TABLE = sorted((dict(row) for row in _lib.component_table()), key=lambda row: row["id"])
_BY_ID = {row["id"]: row for row in _TABLE}

_print_repr_in_interactive = False


def _id_doc():
    lines = ["Component enumerations for timemory module", "", "Members:", ""]
    for row in _TABLE:
        lines.append(f"  {row['name']} : {row['description']}")
        lines.append("")
    return "\n".join(lines)


class _ComponentId(_enum.IntEnum):
    """Base of ``component.id``: pybind-style printing (``id.wall_clock``)."""

    def __repr__(self):
        return f"id.{self.name}"

    __str__ = __repr__

    def __getstate__(self):
        return int(self)

    @property
    def description(self):
        return _BY_ID[int(self)]["description"]


id = _ComponentId("id", [(row["name"], row["id"]) for row in _TABLE], module=__name__)
id.__doc__ = _id_doc()
id.__qualname__ = "id"

_module = _sys.modules[__name__]
for _row in _TABLE:
    setattr(_module, _row["class_name"], getattr(_lib, _row["class_name"]))
    setattr(_module, _row["name"], id[_row["name"]])
del _row, _module

Component = getattr(_lib, "Component", None)


def _find_row(obj):
    """The table row for a component.id value, an int, a class, or a string naming it (primary
    id, alias, class name or enum name, case-insensitive, as the C library reads names); None
    when unknown."""
    if isinstance(obj, type):
        obj = getattr(obj, "_timemory_id", None)
    if isinstance(obj, int) and not isinstance(obj, bool):
        return _BY_ID.get(int(obj))
    if isinstance(obj, str):
        found = _lib.component_find(obj)
        return None if found is None else _BY_ID.get(found)
    return None


def _unknown(obj):
    """KeyError for an unknown component, with the library's suggestions."""
    close = _lib.component_suggest(obj) if isinstance(obj, str) else []
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return KeyError(f"unknown component {obj!r}{hint}")


def is_available(obj):
    """True when the component named by obj (string id, alias, class name or id value) can be
    measured in this build and on this machine; False for unknown names."""
    row = _find_row(obj)
    return bool(row and row["available"])


def reason(obj):
    """Why a component is not available (None when it is); KeyError for unknown names."""
    row = _find_row(obj)
    if row is None:
        raise _unknown(obj)
    return row["reason"]


def get_types():
    """Primary string ids of every component."""
    return [row["name"] for row in _TABLE]


def get_available_types():
    """Primary string ids of the components available here."""
    return [row["name"] for row in _TABLE if row["available"]]


def get_class(obj):
    """The component class for a name or id value; KeyError when unknown."""
    row = _find_row(obj)
    if row is None:
        raise _unknown(obj)
    return getattr(_lib, row["class_name"])


def get_generator(key):
    """A zero-argument callable that returns a new instance of the named component, or a
    callable returning None when the name is unknown or the component is not available."""
    row = _find_row(key)
    if row is None or not row["available"]:
        return lambda: None
    cls = getattr(_lib, row["class_name"])
    return lambda: cls()


def table():
    """The component table rows (dicts) in enumeration order."""
    return [dict(row) for row in _TABLE]


def mask(components):
    """Bit mask of a component list: strings, id values or both, mixed (ValueError for
    unknown names)."""
    return _lib.parse_components(components)


__all__ = (
    ["id", "is_available", "reason", "get_types", "get_available_types", "get_class"]
    + ["get_generator", "table", "mask"]
    + [row["class_name"] for row in _TABLE]
    + [row["name"] for row in _TABLE]
)
