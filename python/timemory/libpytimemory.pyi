"""Type stub of timemory.libpytimemory, the old name of timemory.libs.libpytimemory (the same
module object at run time)."""

from .libs.libpytimemory import *  # noqa: F403 (the same module: every name)
