"""timemory.bundle -- the same decorators and context managers as timemory.util."""

from ..util import auto_timer, auto_tuple, base_decorator, marker, rss_usage, timer

__all__ = ["auto_timer", "auto_tuple", "base_decorator", "marker", "rss_usage", "timer"]
