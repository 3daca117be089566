"""Type stub of timemory.api.gperftools."""

from . import cpu_profiler as cpu_profiler
from . import heap_profiler as heap_profiler
from . import utils as utils
from .utils import add_preload as add_preload
from .utils import find_library as find_library
from .utils import find_library_path as find_library_path
from .utils import post_process as post_process

__all__ = [
    "add_preload",
    "cpu_profiler",
    "find_library",
    "find_library_path",
    "heap_profiler",
    "post_process",
    "utils",
]
