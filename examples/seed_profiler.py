#!/usr/bin/env python
"""Seeds 000/001, "Profiler Example" (doc-profiler.py)."""

import numpy as np
import timemory
from timemory.profiler import Config as ProfilerConfig
from timemory.profiler import Profiler


def eval_func(arr, tol):
    """Dummy tolerance-checking function"""
    max = np.max(arr)
    avg = np.mean(arr)
    return True if avg < tol and max < tol else False  # noqa: SIM210 (as the seed)


@Profiler(["wall_clock", "cpu_clock"])
def profile_func(arr, tol):
    """Dummy function for profiling"""
    while not eval_func(arr, tol):
        arr = arr - np.power(arr, 3)


if __name__ == "__main__":
    ProfilerConfig.only_filenames = [__file__, "_methods.py"]
    profile_func(np.random.rand(100, 100), 1.0e-2)

    timemory.finalize()
