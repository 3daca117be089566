"""timemory.bundle -- the same decorators and context managers as timemory.util."""

from ..util import auto_timer, auto_tuple, base_decorator, marker, rss_usage, timer

__all__ = ["base_decorator", "auto_timer", "auto_tuple", "timer", "rss_usage", "marker"]
