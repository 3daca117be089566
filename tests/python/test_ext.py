"""Tests of the extension timemory.libs.libpytimemory against the real library.

Every function and type of docs/ext-api.md is exercised here directly (the package is tested
elsewhere). Tests that finalize the library run in a subprocess, since finalization is final.
"""

import ast
import enum
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import timemory.libs.libpytimemory as ext
from ext_common import graph, run_ext_script, unique_key

WALL = 62
ROOT = Path(__file__).resolve().parents[2]
STUB = Path(ext.__file__).with_name("libpytimemory.pyi")
if not STUB.exists():
    STUB = ROOT / "python" / "timemory" / "libs" / "libpytimemory.pyi"

pytestmark = pytest.mark.usefixtures("ext_quiet")

# ----------------------------------------------------------------------------------------------
# module


def test_module_is_multi_phase_with_heap_types():
    assert ext.__name__ == "timemory.libs.libpytimemory"
    heap = 1 << 9  # Py_TPFLAGS_HEAPTYPE
    for name in ["Component", "WallClock", "FunctionMarker", "ScopedMarker"]:
        assert getattr(ext, name).__flags__ & heap, name
    assert ext.WallClock.__module__ == "timemory.libs.libpytimemory"


def test_constants():
    assert (ext.SCOPE_TREE, ext.SCOPE_FLAT, ext.SCOPE_TIMELINE) == (1, 2, 4)
    assert ext.SCOPE_DEFAULT == 0
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{ext.version}"' in pyproject
    assert set(ext.build_info) == {"date", "library_architecture", "system_name",
                                   "system_version", "build_type", "compiler", "compiler_id",
                                   "compiler_version"}
    assert all(isinstance(v, str) and v for v in ext.build_info.values())


def test_stub_lists_everything_the_module_exposes():
    tree = ast.parse(STUB.read_text())
    names = set()
    body = list(tree.body)
    # the version-dependent names (sys.version_info blocks): whichever branch, they are listed
    body += [n for node in tree.body if isinstance(node, ast.If) for n in node.body + node.orelse]
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
    public = {n for n in dir(ext) if not n.startswith("_")}
    public.discard("TestSampleCounter")  # the test row of a TIMEMORY_TEST_COMPONENT build
    assert public - names == set(), "missing from the .pyi"
    if sys.version_info[:2] != (3, 11):  # ext/line_rewrite.c's names: 3.11 only
        names -= {f"line_profiler_{n}" for n in ("line", "leave", "code_id", "rewrite")}
    assert {n for n in names if not n.startswith("_")} - public == set(), "stale in the .pyi"


def test_stub_is_generated_from_the_table():
    script = ROOT / "scripts" / "gen_stubs.py"
    stub = ROOT / "python" / "timemory" / "libs" / "libpytimemory.pyi"
    result = subprocess.run([sys.executable, str(script), "--check", "--output", str(stub)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# ----------------------------------------------------------------------------------------------
# life cycle and state


def test_initialize_sets_output_path_from_argv0():
    before = ext.settings_get("output_path")
    try:
        ext.initialize([])  # empty argv: nothing happens
        assert ext.settings_get("output_path") == before
        ext.init(["/usr/bin/some-prog", "--flag"], "pre-", "-post")
        assert ext.settings_get("output_path").endswith("pre-some-prog-post")
        ext.timemory_init(argv=["/x/other.py"])
        assert ext.settings_get("output_path").endswith("timemory-other-output")
        with pytest.raises(TypeError):
            ext.initialize([1, 2])
        with pytest.raises(TypeError):
            ext.initialize("not-a-list")
    finally:
        ext.settings_set("output_path", before)
        ext.settings_set("auto_output", False)
        ext.settings_set("cout_output", False)


def test_enable_disable_toggle():
    assert ext.is_enabled() and ext.enabled()
    ext.disable()
    assert not ext.is_enabled() and ext.settings_get("enabled") is False
    ext.enable()
    assert ext.enabled()
    ext.toggle(False)
    assert not ext.enabled()
    ext.toggle()
    assert ext.enabled() and ext.settings_get("enabled") is True
    ext.toggle(on=0)
    assert not ext.enabled()
    ext.enable()


def test_disabled_records_nothing(wall_mask):
    key = unique_key("disabled")
    ext.disable()
    try:
        ext.push(ext.get_hash(key), wall_mask)
        ext.pop(ext.get_hash(key))
    finally:
        ext.enable()
    assert key not in graph(wall_mask)


def test_has_mpi_support():
    # the MPI plugin is installed next to libtimemory when the build found MPI (test_mpi.py)
    plugin = os.path.join(sys.prefix, "lib", "libtimemory-mpi.so")
    assert ext.has_mpi_support() is os.path.exists(plugin)


TOUCH_PAGES = """
block = bytearray(64 << 20)
block[::4096] = bytes(len(range(0, len(block), 4096)))  # writes fault in every page
"""


def _faults_while(action):
    before = ext.NumMinorPageFaults.record()
    action()
    return ext.NumMinorPageFaults.record() - before


def test_rusage_target_switches():
    pages = (64 << 20) // 4096

    def in_thread():
        t = threading.Thread(target=exec, args=(TOUCH_PAGES, {}))
        t.start()
        t.join()

    def in_child():
        subprocess.run([sys.executable, "-c", TOUCH_PAGES], check=True)

    try:
        ext.set_rusage_self()
        assert _faults_while(in_thread) > pages * 0.8  # the process sees its threads
        ext.set_rusage_thread()
        assert _faults_while(in_thread) < pages * 0.2  # this thread did not fault them
        ext.set_rusage_children()
        assert _faults_while(in_child) > pages * 0.8  # waited-for children
    finally:
        ext.set_rusage_thread()


def test_is_finalized_and_finalize_in_a_subprocess(tmp_path):
    result = run_ext_script(
        """
        import os, json
        import timemory.libs.libpytimemory as ext
        ext.settings_set("cout_output", False)
        ext.settings_set("output_path", os.environ["TIMEMORY_OUTPUT_PATH"])
        m = ext.parse_components("wall_clock")
        k = ext.get_hash("sub-region")
        ext.push(k, m)
        ext.pop(k)
        assert not ext.is_finalized()
        ext.timemory_finalize()
        assert ext.is_finalized()
        ext.finalize()  # idempotent
        ext.push(k, m)  # ignored after finalize, not an error
        ext.pop(k)
        print("OK")
        """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"wall.json", "wall.tree.json", "wall.txt"} <= written
    assert "sub-region" in (tmp_path / "out" / "wall.txt").read_text()


def test_report_writes_and_keeps_data(tmp_path, wall_mask):
    key = unique_key("reported")
    before = ext.settings_get("output_path")
    ext.settings_set("output_path", str(tmp_path))
    try:
        ext.push(ext.get_hash(key), wall_mask)
        ext.pop(ext.get_hash(key))
        ext.report()
        ext.report("ignored-name")
    finally:
        ext.settings_set("output_path", before)
    assert key in (tmp_path / "wall.txt").read_text()
    assert key in graph(wall_mask)  # storage is kept


def test_take_errors_counts_hot_path_failures(wall_mask):
    ext.take_errors()
    key = ext.get_hash(unique_key("self-pop"))

    def pops_its_own_marker():
        ext.pop(key)  # closes the marker's node; the marker's own pop then fails

    ext.FunctionMarker(pops_its_own_marker, key, wall_mask)()
    assert ext.take_errors() == 1
    assert ext.take_errors() == 0


# ----------------------------------------------------------------------------------------------
# hashes and results


def test_hashes():
    key = unique_key("hash")
    h = ext.get_hash(key)
    assert isinstance(h, int) and 0 <= h < 2**64
    assert ext.add_hash_id(key) == h
    assert ext.get_hash_identifier(h) == key
    assert ext.get_hash_identifier(12345) == "unknown-hash=12345"
    with pytest.raises(TypeError):
        ext.get_hash(5)
    with pytest.raises(TypeError):
        ext.get_hash_identifier("x")


def test_get_json_text_size_clear(wall_mask):
    key = unique_key("results")
    h = ext.get_hash(key)
    for _ in range(3):
        ext.push(h, wall_mask)
        ext.pop(h)
    assert graph(wall_mask)[key] == [0, 3]
    assert ext.components_with_data() & wall_mask
    tree = json.loads(ext.get_json(wall_mask, hierarchy=True))
    assert "graph" in tree["timemory"]["wall_clock"]
    everything = json.loads(ext.get_json())
    assert "wall_clock" in everything["timemory"]
    assert key in ext.get_text(wall_mask)
    assert key in ext.get_text(mask=0)
    assert ext.size(WALL) >= 1
    with pytest.raises(ValueError):
        ext.size(64)
    with pytest.raises(ValueError):
        ext.get_json(-1)
    with pytest.raises(TypeError):
        ext.get_json("wall_clock")
    ext.clear(wall_mask)
    assert ext.size(WALL) == 0
    assert not ext.components_with_data() & wall_mask
    ext.clear()


def test_metadata():
    ext.add_metadata("ext_test_key", '{"answer": 42}')
    info = json.loads(ext.get_metadata())["info"]
    assert info["ext_test_key"] == {"answer": 42}
    with pytest.raises(TypeError):
        ext.add_metadata("only-one")


# ----------------------------------------------------------------------------------------------
# the component table and lists


def test_component_table_matches_classes():
    table = [row for row in ext.component_table() if row["id"] < 64]  # + the test row, if built
    assert len(table) == 64
    assert [row["id"] for row in table] == list(range(64))
    keys = {"id", "enum_name", "name", "class_name", "label", "ids", "description",
            "available", "reason", "nvalues", "labels", "unit_repr", "unit_value", "flags"}
    for row in table:
        assert set(row) == keys
        cls = getattr(ext, row["class_name"])
        assert issubclass(cls, ext.Component)
        assert cls.id() == row["name"] and cls.index() == row["id"]
        assert cls.name == row["name"]
        assert cls.available is row["available"]
        assert (cls.reason is None) == row["available"]
        assert cls.__doc__ == (row["description"] if row["available"] else "not available")
        assert len(row["unit_repr"]) == len(row["unit_value"]) == row["nvalues"]
    wall = table[WALL]
    assert wall["name"] == "wall_clock" and wall["class_name"] == "WallClock"
    assert wall["label"] == "wall" and wall["enum_name"] == "WALL_CLOCK"
    assert wall["ids"] == ["real_clock", "virtual_clock"]
    assert wall["unit_repr"] == ["sec"] and wall["unit_value"] == [1.0]


def test_available_mask():
    mask = ext.available_mask()
    for row in ext.component_table():
        assert bool(mask & (1 << row["id"])) is row["available"]
    assert mask & (1 << WALL)


def test_parse_components():
    wall, cpu = 1 << WALL, 1 << 4
    assert ext.parse_components("wall_clock") == wall
    assert ext.parse_components("WallClock, cpu_clock") == wall | cpu
    assert ext.parse_components("REAL_CLOCK") == wall
    assert ext.parse_components(WALL) == wall
    assert ext.parse_components(["wall_clock", 4]) == wall | cpu
    assert ext.parse_components(("wall_clock", "", 4)) == wall | cpu
    assert ext.parse_components([]) == 0
    assert ext.parse_components("") == 0

    class Ids(enum.IntEnum):
        wall_clock = WALL

    assert ext.parse_components([Ids.wall_clock, "cpu_clock"]) == wall | cpu
    assert ext.parse_components(x for x in ["wall_clock"]) == wall


def test_parse_components_errors():
    with pytest.raises(ValueError) as info:
        ext.parse_components("wal_clock")
    assert str(info.value) == "unknown component 'wal_clock'; did you mean: wall_clock?"
    with pytest.raises(ValueError, match="unknown component 'peak_rs'; did you mean: peak_rss"):
        ext.parse_components(["wall_clock", "peak_rs"])
    with pytest.raises(ValueError, match="unknown component 'qqqqqqqq'"):
        ext.parse_components("qqqqqqqq")
    with pytest.raises(ValueError, match="unknown component id 64"):
        ext.parse_components(64)
    with pytest.raises(TypeError):
        ext.parse_components(True)
    with pytest.raises(TypeError):
        ext.parse_components(1.5)
    with pytest.raises(TypeError):
        ext.parse_components([None])


# ----------------------------------------------------------------------------------------------
# regions


def test_push_pop_nesting_and_scopes(wall_mask):
    outer, inner = unique_key("outer"), unique_key("inner")
    ho, hi = ext.get_hash(outer), ext.get_hash(inner)
    ext.push(ho, wall_mask)
    ext.push(hi, wall_mask, ext.SCOPE_TREE)
    ext.pop(hi)
    ext.pop(ho)
    g = graph(wall_mask)
    assert g[outer] == [0, 1] and g[inner] == [1, 1]

    flat_outer, flat_inner = unique_key("flat-outer"), unique_key("flat-inner")
    ext.push(ext.get_hash(flat_outer), wall_mask)
    ext.push(ext.get_hash(flat_inner), wall_mask, ext.SCOPE_FLAT)
    ext.pop(ext.get_hash(flat_inner))
    ext.pop(ext.get_hash(flat_outer))
    assert graph(wall_mask)[flat_inner][0] == 0


def test_timeline_scope_makes_a_node_per_push(wall_mask):
    key = unique_key("timeline")
    h = ext.get_hash(key)
    for _ in range(3):
        ext.push(h, wall_mask, ext.SCOPE_TIMELINE)
        ext.pop(h)
    data = json.loads(ext.get_json(wall_mask))
    nodes = [n for n in data["timemory"]["wall_clock"]["ranks"][0]["graph"]
             if key in n["prefix"]]
    assert len(nodes) == 3 and all(n["entry"]["laps"] == 1 for n in nodes)


def test_push_pop_argument_errors(wall_mask):
    with pytest.raises(TypeError):
        ext.push(1)
    with pytest.raises(TypeError):
        ext.push("key", wall_mask)
    with pytest.raises(OverflowError):
        ext.push(-1, wall_mask)
    with pytest.raises(OverflowError):
        ext.pop(2**64)
    with pytest.warns(RuntimeWarning, match="pop"):
        ext.pop(ext.get_hash(unique_key("never-pushed")))


def test_push_pop_region():
    name = unique_key("region")
    ext.push_region(name)
    time.sleep(0.01)
    ext.pop_region(name)
    found = [c for c, body in json.loads(ext.get_json())["timemory"].items()
             if any(name in n["prefix"] for n in body["ranks"][0]["graph"])]
    assert found
    with pytest.raises(TypeError):
        ext.push_region(3)


def test_trace_library_in_a_subprocess(tmp_path):
    # trace_finalize() finalizes the library when it drops the last reference
    result = run_ext_script(
        """
        import json, os
        import timemory.libs.libpytimemory as ext
        ext.settings_set("cout_output", False)
        ext.settings_set("output_path", os.environ["TIMEMORY_OUTPUT_PATH"])
        ext.settings_set("throttle_count", 10)
        assert not ext.trace_is_initialized()
        ext.trace_init("wall_clock", False, "tracing")
        assert ext.trace_is_initialized()
        ext.push_trace("traced")
        ext.pop_trace("traced")
        assert not ext.is_throttled("traced")
        for _ in range(20):  # many tiny calls: throttled
            ext.push_trace("tiny")
            ext.pop_trace("tiny")
        throttled = ext.is_throttled("tiny")
        ext.reset_throttle("tiny")
        assert not ext.is_throttled("tiny")
        data = json.loads(ext.get_json(ext.parse_components("wall_clock")))
        prefixes = [n["prefix"] for n in data["timemory"]["wall_clock"]["ranks"][0]["graph"]]
        assert any("traced" in p for p in prefixes), prefixes
        ext.trace_finalize()
        assert not ext.trace_is_initialized()
        assert ext.is_finalized()
        print("OK", throttled)
        """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK True" in result.stdout


# ----------------------------------------------------------------------------------------------
# settings


def test_settings_names_and_info():
    names = ext.settings_names()
    assert names[:4] == ["config_file", "suppress_config", "suppress_parsing", "enabled"]
    assert len(names) == len(set(names)) > 100
    info = ext.settings_info("max_depth")
    assert info == {
        "name": "max_depth", "env": "TIMEMORY_MAX_DEPTH", "type": "int",
        "type_name": "unsigned short", "description": info["description"],
        "cli_flags": ["--timemory-max-depth"], "default": 65535, "min": 0, "max": 65535,
        "choices": None}
    assert ext.settings_info("TIMEMORY_ENABLED")["default"] is True
    assert ext.settings_info("enabled")["type"] == "bool"
    assert ext.settings_info("output_path")["type"] == "str"
    assert ext.settings_info("roofline_mode")["choices"] == ["op", "ai"]
    assert ext.settings_info("config_file")["cli_flags"] == ["-C", "--timemory-config"]
    for name in names:
        info = ext.settings_info(name)
        assert type(ext.settings_get(name)).__name__ == info["type"], name
        assert type(info["default"]).__name__ == info["type"], name
    with pytest.raises(AttributeError):
        ext.settings_info("no_such_setting")


def test_settings_get_set_roundtrip():
    ext.settings_set("verbose", 2)
    assert ext.settings_get("verbose") == 2
    assert ext.settings_get("TIMEMORY_VERBOSE") == 2
    ext.settings_set("verbose", True)  # int settings accept bool
    assert ext.settings_get("verbose") == 1

    class Level(enum.IntEnum):
        loud = 3

    ext.settings_set("verbose", Level.loud)  # and any integer type
    assert ext.settings_get("verbose") == 3
    ext.settings_set("verbose", 0)
    ext.settings_set("flat_profile", 1)  # bool settings take bool, integers, and strings
    assert ext.settings_get("flat_profile") is True
    ext.settings_set("flat_profile", "off")  # parsed as TIMEMORY_FLAT_PROFILE would be
    assert ext.settings_get("flat_profile") is False
    ext.settings_set("timing_units", "msec")
    assert ext.settings_get("timing_units") == "msec"
    ext.settings_set("timing_units", "")
    long_text = "x" * 5000
    ext.settings_set("components", long_text)
    assert ext.settings_get("components") == long_text
    ext.settings_set("components", "")
    with pytest.raises(AttributeError):
        ext.settings_get("no_such_setting")
    with pytest.raises(AttributeError):
        ext.settings_set("no_such_setting", 1)


def test_settings_set_type_errors():
    with pytest.raises(TypeError) as info:
        ext.settings_set("verbose", "3")
    assert str(info.value) == "settings.verbose must be int, not str"
    with pytest.raises(TypeError, match=r"^settings.verbose must be int, not float$"):
        ext.settings_set("verbose", 1.0)
    with pytest.raises(TypeError, match=r"^settings.output_path must be str, not int$"):
        ext.settings_set("output_path", 5)
    with pytest.raises(TypeError, match=r"^settings.timing_units must be str, not bytes$"):
        ext.settings_set("timing_units", b"sec")

    class NoTruth:
        def __bool__(self):
            raise ZeroDivisionError("no truth")

    # truthiness is not a boolean: "false" and [0] would both be true
    with pytest.raises(TypeError, match=r"^settings.flat_profile must be bool, not NoTruth$"):
        ext.settings_set("flat_profile", NoTruth())
    with pytest.raises(TypeError, match=r"^settings.flat_profile must be bool, not list$"):
        ext.settings_set("flat_profile", [1])
    with pytest.raises(ValueError, match="flat_profile"):
        ext.settings_set("flat_profile", "")


def test_settings_set_value_errors():
    with pytest.raises(ValueError) as info:
        ext.settings_set("max_depth", 70000)
    assert str(info.value) == "settings.max_depth must be an integer in [0, 65535], not 70000"
    with pytest.raises(ValueError, match=r"settings.max_depth .*\[0, 65535\]"):
        ext.settings_set("max_depth", -1)
    with pytest.raises(ValueError, match="settings.verbose"):
        ext.settings_set("verbose", 2**80)
    with pytest.raises(ValueError, match="settings.roofline_mode must be one of: op,ai"):
        ext.settings_set("roofline_mode", "bogus")
    with pytest.raises(ValueError, match="settings.timing_units"):
        ext.settings_set("timing_units", "parsec")
    with pytest.raises(ValueError, match="NUL"):
        ext.settings_set("output_path", "a\0b")
    assert ext.settings_get("max_depth") == 65535


def test_settings_set_text():
    ext.settings_set_text("flat_profile", "ON")
    assert ext.settings_get("flat_profile") is True
    ext.settings_set_text("flat_profile", "off")
    assert ext.settings_get("flat_profile") is False
    ext.settings_set_text("verbose", "3")
    assert ext.settings_get("verbose") == 3
    ext.settings_set_text("verbose", "0")
    with pytest.raises(ValueError, match=r"settings.flat_profile: cannot parse 'maybe' as bool"):
        ext.settings_set_text("flat_profile", "maybe")
    with pytest.raises(ValueError, match=r"settings.verbose must be an integer"):
        ext.settings_set_text("verbose", "three")
    with pytest.raises(ValueError, match=r"settings.max_depth .*65535"):
        ext.settings_set_text("max_depth", "99999")
    with pytest.raises(TypeError):
        ext.settings_set_text("verbose", 3)


def test_settings_parse_read_reset(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMEMORY_VERBOSE", "4")
    assert ext.settings_parse() == 0
    assert ext.settings_get("verbose") == 4
    monkeypatch.setenv("TIMEMORY_VERBOSE", "not-a-number")
    assert ext.settings_parse() == 1  # one bad value, current value kept
    assert ext.settings_get("verbose") == 4
    monkeypatch.delenv("TIMEMORY_VERBOSE")

    config = tmp_path / "timemory.cfg"
    config.write_text("# comment\nTIMEMORY_VERBOSE = 2\nTIMEMORY_MAX_DEPTH = lots\n")
    assert ext.settings_read(str(config)) == 1
    assert ext.settings_get("verbose") == 2
    assert ext.settings_read(config) == 1  # path-like
    with pytest.raises(OSError):
        ext.settings_read(str(tmp_path / "missing.cfg"))

    saved = {name: ext.settings_get(name) for name in ext.settings_names()}
    ext.settings_reset()
    try:
        assert ext.settings_get("verbose") == 0
        assert ext.settings_get("auto_output") is True
    finally:
        for name, value in saved.items():
            ext.settings_set(name, value)
    assert ext.settings_get("verbose") == 2
