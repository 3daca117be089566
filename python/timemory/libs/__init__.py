"""Compiled parts of timemory.

``timemory.libs.libpytimemory`` is the CPython extension: thin bindings of libtimemory's C API
(functions, settings access, the component classes, FunctionMarker and ScopedMarker, the
profiler and tracer callbacks). Only the ``timemory`` package imports it; see
``docs/ext-api.md`` for its contract and ``libpytimemory.pyi`` for its signatures.
"""
