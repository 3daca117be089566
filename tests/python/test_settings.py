"""timemory.settings: attributes that read and write the C store, parse(), read(), snapshots
(spec SETTINGS.md)."""

import os

import pytest
import timemory
from timemory import settings

SEED_ASSIGNMENTS = {
    "verbose": 1,
    "debug": False,
    "json_output": True,
    "mpi_thread": False,
    "dart_output": True,
    "dart_count": 1,
    "banner": False,
}


def test_module_is_a_module_whose_attributes_are_settings():
    import types

    assert isinstance(settings, types.ModuleType)
    assert timemory.settings is settings
    assert "verbose" in dir(settings) and "flat_profile" in dir(settings)
    assert "verbose" not in vars(settings)  # not a copy: read from the store each time


def test_seed_assignments_reach_the_store(restore_settings):
    for name, value in SEED_ASSIGNMENTS.items():
        setattr(settings, name, value)
        assert getattr(settings, name) == value
        assert timemory.libpytimemory.settings_get(name) == value


def test_every_setting_reads_with_its_type():
    kinds = {"bool": bool, "int": int, "str": str, "float": float}
    names = settings.names()
    assert len(names) >= 100
    for name in names:
        info = settings.info(name)
        assert isinstance(getattr(settings, name), kinds[info["type"]]), name


def test_every_setting_writes_through(restore_settings):
    samples = {"bool": None, "int": None, "str": "x", "float": 1.5}
    texts = {"timing_units": "msec", "memory_units": "kb"}
    for name in settings.names():
        info = settings.info(name)
        if info["type"] == "bool":
            value = not getattr(settings, name)
        elif info["type"] == "int":
            value = info["max"] if getattr(settings, name) == info["min"] else info["min"]
        elif info["choices"]:
            value = info["choices"][-1]
        else:
            value = texts.get(name, samples[info["type"]])
        if name in ("enabled", "output_path", "auto_output", "suppress_parsing", "target_pid"):
            continue
        setattr(settings, name, value)
        assert getattr(settings, name) == value, name


def test_wrong_type_names_the_setting(restore_settings):
    with pytest.raises(TypeError, match="verbose"):
        settings.verbose = "loud"
    with pytest.raises(TypeError, match="output_path"):
        settings.output_path = 3
    settings.banner = 0  # bool settings take anything with a truth value
    assert settings.banner is False


def test_bad_value_names_the_setting(restore_settings):
    with pytest.raises(ValueError, match="max_depth"):
        settings.max_depth = -1
    with pytest.raises(ValueError, match="roofline_mode"):
        settings.roofline_mode = "sideways"


def test_unknown_name_suggests(restore_settings):
    with pytest.raises(AttributeError, match="did you mean: verbose"):
        settings.verbos = 1
    with pytest.raises(AttributeError, match="flat_profile"):
        settings.flat_profle  # noqa: B018


def test_parse_reads_present_variables(restore_settings, monkeypatch):
    settings.flat_profile = False
    settings.timeline_profile = False
    settings.verbose = 2
    monkeypatch.setenv("TIMEMORY_FLAT_PROFILE", "ON")
    monkeypatch.setenv("TIMEMORY_TIMELINE_PROFILE", "ON")
    monkeypatch.delenv("TIMEMORY_VERBOSE", raising=False)
    settings.parse()
    assert settings.flat_profile is True
    assert settings.timeline_profile is True
    assert settings.verbose == 2  # absent variable: value kept


def test_read_text_config(restore_settings, tmp_path):
    config = tmp_path / "timemory.cfg"
    config.write_text("# comment\nTIMEMORY_VERBOSE = 3\ntext_output = off\n")
    assert settings.read(str(config)) is True
    assert settings.verbose == 3 and settings.text_output is False


def test_read_missing_file(tmp_path):
    with pytest.raises(OSError):
        settings.read(str(tmp_path / "missing.cfg"))


def test_snapshot_is_detached(restore_settings, monkeypatch):
    settings.verbose = 0
    copy = settings()
    copy.verbose = 5
    assert copy.verbose == 5 and copy.get_verbose == 5
    assert settings.verbose == 0
    with pytest.raises(TypeError, match="verbose"):
        copy.verbose = "x"
    monkeypatch.setenv("TIMEMORY_VERBOSE", "4")
    settings.parse(copy)
    assert copy.verbose == 4 and settings.verbose == 0


def test_command_line_and_environment():
    assert isinstance(settings.command_line, list)
    assert any(item.startswith("PATH=") for item in settings.environment)


def test_python_exe_is_the_interpreter():
    import sys

    assert settings.python_exe == sys.executable


def test_reset_restores_defaults(restore_settings):
    settings.max_depth = 7
    settings.reset()
    assert settings.max_depth == settings.info("max_depth")["default"]


def test_settings_stub_lists_every_setting():
    stub = os.path.join(os.path.dirname(settings.__file__), "__init__.pyi")
    with open(stub) as handle:
        text = handle.read()
    python_type = {"bool": "bool", "int": "int", "float": "float", "str": "str"}
    for name in settings.names():
        kind = python_type[settings.info(name)["type"]]
        assert f"\n{name}: {kind}\n" in text, name  # the module attribute
        assert f"\n    {name}: {kind}\n" in text, name  # the Snapshot attribute
