"""Shared pieces of the package tests (tests/python).

The pytest process itself imports timemory, which registers finalize() at exit: its outputs go
to a temporary folder and auto_output is off, so running the tests writes nothing in the tree.
Programs whose outputs are checked run in subprocesses (``run_python``), each in its own
folder, with no TIMEMORY_* variable of the calling environment.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
_session_output = None


def pytest_configure(config):
    global _session_output
    import timemory

    _session_output = tempfile.mkdtemp(prefix="timemory-pytest-")
    timemory.settings.output_path = _session_output
    timemory.settings.auto_output = False


def pytest_unconfigure(config):
    if _session_output:
        shutil.rmtree(_session_output, ignore_errors=True)


def clean_environment(extra=None):
    """os.environ without TIMEMORY_* (and signal) variables, plus extra."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TIMEMORY_", "SIGNAL_ENABLE_", "SIGNAL_DISABLE_"))
    }
    env.update(extra or {})
    return env


@pytest.fixture
def run_python(tmp_path):
    """run_python(script_or_code, *args, env=None, cwd=tmp_path, name="prog.py") runs Python
    in a subprocess; a str containing a newline is written to cwd/name first."""

    def run(script, *args, env=None, cwd=None, name="prog.py", timeout=300, check=False):
        cwd = Path(cwd or tmp_path)
        if isinstance(script, str) and "\n" in script:
            path = cwd / name
            path.write_text(script)
            script = path
        command = [sys.executable, str(script), *map(str, args)]
        result = subprocess.run(
            command,
            cwd=cwd,
            env=clean_environment(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{command} exited {result.returncode}\nstdout:\n{result.stdout}\n"
                f"stderr:\n{result.stderr}"
            )
        return result

    return run


@pytest.fixture
def clean_data():
    """Erase the call-graph data before and after a test that records into it."""
    import timemory

    timemory.clear()
    yield
    timemory.clear()


@pytest.fixture
def restore_settings():
    """Save every setting and restore it after the test."""
    import timemory

    saved = {name: getattr(timemory.settings, name) for name in timemory.settings.names()}
    yield timemory.settings
    for name, value in saved.items():
        if getattr(timemory.settings, name) != value:
            setattr(timemory.settings, name, value)


# The seed's profiler and tracer examples (docs "Profiler" / "Tracer"): one program, in which
# only the class, the module and the function's name differ.
_SEED_HOOK_EXAMPLE = '''#!/usr/bin/env python

import numpy as np
import timemory

from timemory.{module} import {cls}
from timemory.{module} import Config as {cls}Config

def eval_func(arr, tol):
    """Dummy tolerance-checking function"""
    max = np.max(arr)
    avg = np.mean(arr)
    return True if avg < tol and max < tol else False

@{cls}(["wall_clock", "cpu_clock"])
def {verb}_func(arr, tol):
    """Dummy function for {verb_ing}"""
    while not eval_func(arr, tol):
        arr = arr - np.power(arr, 3)

if __name__ == "__main__":

    {cls}Config.only_filenames = [__file__, "_methods.py"]
    {verb}_func(np.random.rand(100, 100), 1.0e-2)

    timemory.finalize()
'''


def seed_hook_example(kind):
    """The seed's example program of kind "profiler" or "tracer", as the docs print it."""
    words = {
        "profiler": dict(module="profiler", cls="Profiler", verb="profile", verb_ing="profiling"),
        "tracer": dict(module="trace", cls="Tracer", verb="trace", verb_ing="tracing"),
    }[kind]
    return _SEED_HOOK_EXAMPLE.format(**words)


@pytest.fixture(scope="module")
def ext_quiet(tmp_path_factory):
    """The extension's tests (test_ext*.py): their settings saved and restored, output off."""
    from ext_common import quiet_library

    yield from quiet_library(tmp_path_factory)


@pytest.fixture
def wall_mask():
    import timemory.libs.libpytimemory as ext

    return ext.parse_components("wall_clock")

