"""Formatting of component values the way the text tables print them (spec OUTPUT.md 2.2):
fixed notation, width 8 and precision 3 (percent components: width 6, precision 1), integers
for count components, overridden by the settings precision/width/scientific and their
timing_*/memory_* variants. Used by the Python bundles and the storage results."""

from ..libs import libpytimemory as _lib

__all__ = ["display_units", "format_number", "format_values"]

_TIMING = 0x1
_MEMORY = 0x2
_PERCENT = 0x4
_INTEGER = 0x8


def _setting(name, default):
    try:
        return _lib.settings_get(name)
    except AttributeError:
        return default


def _layout(flags):
    """(width, precision, scientific) in effect for a component with these flags."""
    width, precision = (6, 1) if flags & _PERCENT else (8, 3)
    scientific = bool(_setting("scientific", False))
    general_width = _setting("width", -1)
    general_precision = _setting("precision", -1)
    if general_width >= 0:
        width = general_width
    if general_precision >= 0:
        precision = general_precision
    category = "timing" if flags & _TIMING else "memory" if flags & _MEMORY else None
    if category:
        if _setting(f"{category}_width", -1) >= 0:
            width = _setting(f"{category}_width", -1)
        if _setting(f"{category}_precision", -1) >= 0:
            precision = _setting(f"{category}_precision", -1)
        scientific = scientific or bool(_setting(f"{category}_scientific", False))
    return width, precision, scientific


def format_number(flags, value):
    """One value in the component's table format."""
    width, precision, scientific = _layout(flags)
    if flags & _INTEGER:
        return f"{round(value):>{width}d}"
    if scientific:
        return f"{float(value):>{width}.{precision}e}"
    return f"{float(value):>{width}.{precision}f}"


def display_units(row):
    """Display unit in effect for each element of a component (list)."""
    cls = getattr(_lib, row["class_name"])
    try:
        units = cls.display_unit()
    except (RuntimeError, TypeError, ValueError):  # unavailable: no unit in effect
        units = None
    if units is None:
        units = row["unit_repr"]
    if isinstance(units, str):
        units = [units]
    return list(units)


def _labels(row):
    labels = [label for label in (row.get("labels") or []) if label]
    return labels if labels else [row["label"]]


def format_values(row, values):
    """``"   6.534 sec wall"``; multi-valued components join their elements with ", "."""
    if values is None:
        return ""
    if isinstance(values, dict):
        values = [values["first"], values["second"]]
    if not isinstance(values, (list, tuple)):
        values = [values]
    units = display_units(row)
    labels = _labels(row)
    parts = []
    for index, value in enumerate(values):
        unit = units[index] if index < len(units) else units[-1] if units else ""
        label = labels[index] if index < len(labels) else labels[-1]
        text = format_number(row["flags"], value)
        parts.append(" ".join(part for part in (text, unit, label) if part))
    return ", ".join(parts)
