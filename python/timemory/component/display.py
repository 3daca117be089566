"""Formatting of component values the way the text tables print them (spec OUTPUT.md 2.2),
for the Python bundles and the storage results. The rules -- width, precision, scientific
notation, integers for counts, the settings that override them, units and labels -- are the C
library's (timemory_component_format_value/_values): nothing is decided here."""

from ..libs import libpytimemory as _lib

__all__ = ["display_units", "format_number", "format_values"]


def _component_id(component):
    """The enum value of a table row (dict), a component.id member, an int or a name."""
    if isinstance(component, dict):
        return component["id"]
    if isinstance(component, str):
        found = _lib.component_find(component)
        if found is None:
            raise KeyError(f"unknown component {component!r}")
        return found
    return int(component)


def format_number(component, value, width=-1):
    """One value as the component's column of the text table prints it (width -1: the
    component's minimum width, 0: no padding)."""
    return _lib.component_format_value(_component_id(component), value, width)


def display_units(row):
    """Display unit in effect for each element of a component (list)."""
    cls = getattr(_lib, row["class_name"])
    units = cls.display_unit()
    if units is None:
        units = row["unit_repr"]
    if isinstance(units, str):
        units = [units]
    return list(units)


def format_values(row, values):
    """``"   6.534 sec wall"``; multi-valued components join their elements with ", "."""
    return _lib.component_format(_component_id(row), values)
