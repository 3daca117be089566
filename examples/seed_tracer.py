#!/usr/bin/env python
"""Seeds 000/001, "Tracer Example" (doc-tracer.py)."""

import numpy as np
import timemory
from timemory.trace import Config as TracerConfig
from timemory.trace import Tracer


def eval_func(arr, tol):
    """Dummy tolerance-checking function"""
    max = np.max(arr)
    avg = np.mean(arr)
    return True if avg < tol and max < tol else False  # noqa: SIM210 (as the seed)


@Tracer(["wall_clock", "cpu_clock"])
def trace_func(arr, tol):
    """Dummy function for tracing"""
    while not eval_func(arr, tol):
        arr = arr - np.power(arr, 3)


if __name__ == "__main__":
    TracerConfig.only_filenames = [__file__, "_methods.py"]
    trace_func(np.random.rand(100, 100), 1.0e-2)

    timemory.finalize()
