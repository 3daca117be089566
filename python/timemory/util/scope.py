"""timemory.scope -- how a marker places its entries in the call-graph.

tree (default): entries nest; depth = nesting level. flat: every entry at depth 0, keyed by its
label only. timeline: every push is a new entry (combined with tree or flat). ``config`` turns
a (flat, timeline) choice into the bits the extension takes; unset parts follow the settings
``flat_profile`` and ``timeline_profile`` at the time the config is made.
"""

from ..libs import libpytimemory as _lib

__all__ = ["FLAT", "TIMELINE", "TREE", "bits", "config"]


class _scope:
    bit = 0

    def __repr__(self):
        return f"timemory.scope.{type(self).__name__[1:].upper()}"

    def __int__(self):
        return self.bit


class _tree(_scope):
    bit = _lib.SCOPE_TREE


class _flat(_scope):
    bit = _lib.SCOPE_FLAT


class _timeline(_scope):
    bit = _lib.SCOPE_TIMELINE


TREE = _tree()
FLAT = _flat()
TIMELINE = _timeline()


def _choice(value, which, default):
    """flat/time argument: None (the setting), a bool, or one of the scope objects."""
    if value is None:
        return bool(default)
    if isinstance(value, _scope):
        return isinstance(value, which)
    if isinstance(value, bool):
        return value
    raise TypeError(
        f"scope argument must be None, a bool, TREE, FLAT or TIMELINE, not {type(value).__name__}"
    )


class config:
    """config(flat=None, time=None): each argument is a bool (sets that bit), one of TREE, FLAT,
    TIMELINE, or None (take the setting flat_profile / timeline_profile now)."""

    def __init__(self, flat=None, time=None):
        self.flat = _choice(flat, _flat, flat is None and _lib.settings_get("flat_profile"))
        self.timeline = _choice(
            time, _timeline, time is None and _lib.settings_get("timeline_profile")
        )
        if isinstance(flat, _timeline):
            self.timeline = True
        if isinstance(time, _flat):
            self.flat = True

    def is_flat(self):
        return self.flat

    def is_timeline(self):
        return self.timeline

    def is_tree(self):
        return not self.flat

    def __int__(self):
        value = (_lib.SCOPE_FLAT if self.flat else _lib.SCOPE_TREE) | (
            _lib.SCOPE_TIMELINE if self.timeline else 0
        )
        return int(value)

    def __repr__(self):
        parts = ["flat" if self.flat else "tree"] + (["timeline"] if self.timeline else [])
        return f"timemory.scope.config({' + '.join(parts)})"


def bits(flat=None, timeline=None):
    """Scope bits for the extension: 0 (decided by the settings at each push) when both are
    None, else the explicit choice with the unset part taken from the settings now."""
    if flat is None and timeline is None:
        return 0
    if isinstance(flat, config):
        return int(flat)
    return int(config(flat, timeline))
