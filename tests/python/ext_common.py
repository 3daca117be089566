"""What the extension's tests share (test_ext.py, test_ext_components.py): the settings they
change, saved and restored around each module; the wall_clock mask; graph lookups; a fresh
interpreter running a script against the same extension."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import timemory.libs.libpytimemory as ext

# settings these files change; saved before and restored after each module
_TOUCHED = ["auto_output", "cout_output", "file_output", "output_path", "enabled", "verbose",
            "timing_units", "memory_units", "flat_profile", "timeline_profile", "max_depth",
            "components"]


def quiet_library(tmp_path_factory):
    """The module fixture ext_quiet (conftest.py): settings saved, output off, restored."""
    saved = {name: ext.settings_get(name) for name in _TOUCHED}
    ext.settings_set("auto_output", False)
    ext.settings_set("cout_output", False)
    ext.settings_set("output_path", str(tmp_path_factory.mktemp("ext-output")))
    ext.enable()
    yield
    ext.clear()
    ext.set_rusage_thread()
    for name, value in saved.items():
        ext.settings_set(name, value)


def unique_key(name):
    """A key no other test uses, so graph lookups see only this test's data."""
    return f"{name}-{time.monotonic_ns()}"


def graph(mask=None, component="wall_clock"):
    """{prefix without '>>> ' and '|_': [depth, laps]} of the flat JSON of one component."""
    data = json.loads(ext.get_json(mask if mask is not None else ext.parse_components(component)))
    out = {}
    if component not in data.get("timemory", {}):
        return out
    for node in data["timemory"][component]["ranks"][0]["graph"]:
        name = node["prefix"].replace(">>> ", "").lstrip("|_ ").strip()
        out[name] = [node["depth"], node["entry"]["laps"]]
    return out


def run_ext_script(code, tmp_path, env_extra=None):
    """Runs code in a fresh interpreter that imports the same extension."""
    import timemory

    package_parent = str(Path(timemory.__file__).resolve().parent.parent) if getattr(
        timemory, "__file__", None) else str(Path(next(iter(timemory.__path__))).parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([package_parent] + sys.path)
    env["TIMEMORY_OUTPUT_PATH"] = str(tmp_path / "out")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=str(tmp_path),
                          env=env, capture_output=True, text=True, timeout=120, check=False)
