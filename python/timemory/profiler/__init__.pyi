"""Type stub of timemory.profiler."""

from .profiler import Config as Config
from .profiler import FakeProfiler as FakeProfiler
from .profiler import Profiler as Profiler
from .profiler import ProfilerBundle as ProfilerBundle
from .profiler import config as config
from .profiler import noprofile as noprofile
from .profiler import profile as profile
from .profiler import profiler_finalize as profiler_finalize
from .profiler import profiler_function as profiler_function
from .profiler import profiler_init as profiler_init

__all__ = [
    "Profiler",
    "Config",
    "ProfilerBundle",
    "FakeProfiler",
    "profiler_function",
    "profiler_init",
    "profiler_finalize",
    "config",
    "profile",
    "noprofile",
]
