"""Bad input gets a clear error and drops nothing valid: boolean settings given a string, an
unknown component among valid ones (command line and Profiler), a bad TIMEMORY_* value said
once."""

import subprocess
import sys

import pytest
import timemory
from conftest import clean_environment
from timemory.libs import libpytimemory as _lib


def test_bool_setting_from_string_is_parsed_as_the_environment_variable(restore_settings):
    timemory.settings.enabled = "false"
    assert timemory.settings.enabled is False
    assert _lib.settings_get("enabled") is False
    timemory.settings.enabled = "ON"
    assert timemory.settings.enabled is True
    timemory.settings.flat_profile = "0"
    assert timemory.settings.flat_profile is False
    with pytest.raises(ValueError, match="flat_profile"):
        timemory.settings.flat_profile = "maybe"
    assert timemory.settings.flat_profile is False
    with pytest.raises(TypeError, match="flat_profile"):
        timemory.settings.flat_profile = None
    with pytest.raises(TypeError, match="flat_profile"):
        timemory.settings.flat_profile = 0.5
    timemory.settings.flat_profile = 1
    assert timemory.settings.flat_profile is True
    timemory.settings.flat_profile = False


def test_bool_setting_from_string_in_a_snapshot():
    snapshot = timemory.settings()
    snapshot.enabled = "false"
    assert snapshot.enabled is False
    snapshot.enabled = "1"
    assert snapshot.enabled is True
    with pytest.raises(ValueError, match="enabled"):
        snapshot.enabled = ""
    with pytest.raises(ValueError, match="enabled"):
        snapshot.enabled = "maybe"
    with pytest.raises(TypeError, match="enabled"):
        snapshot.enabled = [1]


def test_unknown_component_on_the_command_line_is_an_error(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("def f():\n    return 1\n\nf()\nprint('RAN')\n")
    result = subprocess.run(
        [sys.executable, "-m", "timemory.profiler", "-c", "wall_clok", "cpu_clock",
         "-d", str(tmp_path / "out"), "--", str(script)],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(),
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "unknown component 'wall_clok'; did you mean: wall_clock?" in result.stderr
    assert "RAN" not in result.stdout
    assert not (tmp_path / "out").exists()


def test_profiler_keeps_the_valid_components_beside_an_unknown_one(run_python):
    result = run_python(
        """
import timemory
from timemory.profiler import Profiler

timemory.settings.output_path = "out"

def f():
    return sum(range(1000))

with Profiler(["wall_clok", "cpu_clock"]):
    f()
timemory.finalize()
""",
        check=True,
    )
    assert "unknown component 'wall_clok'" in result.stderr
    assert "Outputting 'out/cpu.json'" in result.stdout
    assert "Outputting 'out/wall.json'" not in result.stdout


def test_bad_environment_value_is_said_once(run_python):
    result = run_python(
        "import timemory\ntimemory.initialize(['prog'])\n",
        env={"TIMEMORY_PRECISION": "abc"},
        check=True,
    )
    assert result.stderr.count('TIMEMORY_PRECISION="abc" ignored') == 1, result.stderr
