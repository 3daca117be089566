"""Type stub of timemory.bundle: the same decorators and context managers as timemory.util."""

from ..util import auto_timer as auto_timer
from ..util import auto_tuple as auto_tuple
from ..util import base_decorator as base_decorator
from ..util import marker as marker
from ..util import rss_usage as rss_usage
from ..util import timer as timer

__all__ = ["auto_timer", "auto_tuple", "base_decorator", "marker", "rss_usage", "timer"]
