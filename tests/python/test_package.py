"""The package surface: help(timemory), the top-level functions, the extension alias, and
what import, report(), finalize() and the exit hook write (spec API.md sections 1-2)."""

import inspect
import json
import sys
import textwrap

import pytest
import timemory

SEED_CONTENTS = [
    "api (package)", "bundle (package)", "common", "component (package)", "ert (package)",
    "hardware_counters (package)", "libpytimemory", "libs (package)",
    "line_profiler (package)", "mpi (package)", "mpi_support (package)",
    "notebook (package)", "options", "plotting (package)", "profiler (package)",
    "region (package)", "roofline (package)", "settings (package)", "signals",
    "test (package)", "trace (package)", "units", "util (package)",
]  # fmt: skip

SEED_FUNCTIONS = {
    "FILE": "(back=2, only_basename=True, use_dirname=False, noquotes=True)",
    "FUNC": "(back=2)",
    "LINE": "(back=1)",
    "disable": "()",
    "disable_signal_detection": "()",
    "enable": "()",
    "enable_signal_detection": "(signal_list=[])",
    "enabled": "()",
    "finalize": "()",
    "has_mpi_support": "()",
    "init": "(argv=[], prefix='timemory-', suffix='-output')",
    "initialize": "(argv=[], prefix='timemory-', suffix='-output')",
    "is_enabled": "()",
    "report": "(filename='')",
    "set_rusage_children": "()",
    "set_rusage_self": "()",
    "timemory_finalize": "()",
    "timemory_init": "(argv=[], prefix='timemory-', suffix='-output')",
    "toggle": "(on=True)",
    "add_arguments": "(parser, subparser=True)",
    "get": "(hierarchy=False, components=[])",
    "get_hash": "(key)",
    "add_hash_id": "(key)",
    "get_hash_identifier": "(hash_id)",
}

SEED_DOCS = {
    "FILE": "Returns the file name",
    "FUNC": "Returns the function name",
    "LINE": "Returns the line number",
    "disable": "Disable timemory",
    "enable": "Enable timemory",
    "enable_signal_detection": "Enable signal detection",
    "enabled": "Return if timemory is enabled or disabled",
    "is_enabled": "Return if timemory is enabled or disabled",
    "finalize": "Finalize timemory (generate output) -- important to call if using MPI",
    "timemory_finalize": "Finalize timemory (generate output) -- important to call if using MPI",
    "has_mpi_support": "Return if the timemory library has MPI support",
    "initialize": "Initialize timemory",
    "timemory_init": "Initialize timemory",
    "report": "Print the data",
    "toggle": "Enable/disable timemory",
    "set_rusage_children": "Set the rusage to record child processes",
}


def test_help_lists_the_seed_package_contents(run_python):
    result = run_python("-c", "import timemory; help(timemory)", check=True)
    text = result.stdout
    listed = [
        line.strip() for line in text.split("PACKAGE CONTENTS")[1].split("\n\n")[0].splitlines()
    ]
    # 3.2.x packages beyond the pre-release listing: storage, analyze (API.md section 1); the
    # tools timem and timemory-avail (NOTES.md section 8)
    extras = ["storage (package)", "analyze (package)", "avail (package)", "timem (package)"]
    assert sorted(set(listed) - {""}) == sorted(SEED_CONTENTS + extras)
    submodules = text.split("SUBMODULES")[1].split("\n\n")[0].split()
    assert submodules == ["scope"]
    for name in ("auto_timer", "component_bundle", "manager", "rss_usage", "timer"):
        assert f"class {name}(" in text
    assert "init = initialize(argv=[], prefix='timemory-', suffix='-output')" in text
    assert "FILE = file(back=2, only_basename=True, use_dirname=False, noquotes=True)" in text
    assert "warning" not in result.stderr.lower(), result.stderr


@pytest.mark.parametrize("name", sorted(SEED_FUNCTIONS))
def test_top_level_function_signature(name):
    function = getattr(timemory, name)
    assert str(inspect.signature(function)) == SEED_FUNCTIONS[name]
    if name in SEED_DOCS:
        assert inspect.getdoc(function) == SEED_DOCS[name]


def test_version_and_build_info():
    assert timemory.version == timemory.libpytimemory.version
    assert timemory.version_info == tuple(int(p) for p in timemory.version.split(".")[:3])
    assert isinstance(timemory.build_info, dict) and timemory.build_info
    assert "libpytimemory" in timemory.__all__


def test_libpytimemory_alias():
    import timemory.libpytimemory as alias
    import timemory.libs.libpytimemory as extension

    assert alias is extension is timemory.libpytimemory
    assert sys.modules["timemory.libpytimemory"] is extension


def test_scope_is_a_submodule():
    import timemory.scope

    assert timemory.scope is timemory.util.scope
    assert timemory.scope.TREE is not timemory.scope.FLAT


def test_enable_disable_toggle(restore_settings):
    timemory.disable()
    assert timemory.enabled() is False and timemory.is_enabled() is False
    assert timemory.settings.enabled is False
    timemory.toggle(True)
    assert timemory.enabled() is True
    timemory.toggle(False)
    assert timemory.settings.enabled is False
    timemory.enable()
    assert timemory.is_enabled() is True


def test_mpi_support_is_the_plugin():
    import os

    supported = os.path.exists(os.path.join(sys.prefix, "lib", "libtimemory-mpi.so"))
    assert timemory.has_mpi_support() is supported
    assert timemory.mpi_support.is_supported() is supported
    assert timemory.mpi.is_supported() is supported


def test_hash_registry():
    key = "test_package hash key"
    assert timemory.get_hash(key) == timemory.add_hash_id(key)
    assert timemory.get_hash_identifier(timemory.add_hash_id(key)) == key
    assert timemory.get_hash_identifier(12345) == "unknown-hash=12345"


def test_get_size_clear(clean_data):
    with timemory.util.marker(["wall_clock", "peak_rss"], key="sized"):
        pass
    wall = int(timemory.component.wall_clock)
    assert timemory.size(["wall_clock"]) == {wall: 1}
    assert timemory.size()[wall] == 1
    data = timemory.get(components=["wall_clock"])
    assert list(data["timemory"]) == ["wall_clock"]
    assert "sized" in timemory.get_text(["wall_clock"])
    timemory.clear(["wall_clock"])
    assert timemory.size(["wall_clock"]) == {wall: 0}
    assert timemory.size(["peak_rss"])[int(timemory.component.peak_rss)] == 1
    timemory.clear()
    assert timemory.get() == {"timemory": {}}


def test_later_subpackages_say_what_is_missing():
    from timemory import hardware_counters
    from timemory.api import cuda, cupti, papi

    checks = [
        (lambda: papi.start(1), "PAPI"),
        (lambda: cuda.stream(), "CUDA"),
    ]
    for call, words in checks:
        with pytest.raises(RuntimeError, match="this build|not part of this build") as caught:
            call()
        assert words in str(caught.value)
    assert cupti.available_events() == [] and cupti.is_available() is False
    with pytest.raises(ValueError, match="'NO_SUCH_COUNTER' is not known"):
        hardware_counters.Info("NO_SUCH_COUNTER", hardware_counters.api.papi)


PROGRAM = textwrap.dedent(
    """
    import sys
    import timemory
    from timemory.util import marker

    @marker(["wall_clock"])
    def work():
        return sum(range(1000))

    work()
    print("OUTPUT_PATH", timemory.settings.output_path)
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "report":
        timemory.report()
        work()
        print("AFTER_REPORT", timemory.libpytimemory.is_finalized())
    elif mode == "finalize":
        timemory.finalize()
        timemory.finalize()
    elif mode == "quiet":
        timemory.settings.auto_output = False
    """
)


def _writes(text, path):
    return text.count(f"Outputting '{path}'")


def test_import_initializes_from_argv_and_exit_writes_once(run_python, tmp_path):
    result = run_python(PROGRAM, name="my_app.py", check=True)
    assert "OUTPUT_PATH timemory-my-app-output" in result.stdout
    folder = tmp_path / "timemory-my-app-output"
    for name in ("wall.json", "wall.tree.json", "wall.txt", "wall.flamegraph.json"):
        assert (folder / name).is_file(), name
        assert _writes(result.stdout, f"timemory-my-app-output/{name}") == 1
    graph = json.loads((folder / "wall.json").read_text())["timemory"]["wall_clock"]
    assert [e["prefix"] for e in graph["ranks"][0]["graph"]] == [">>> work"]


def test_explicit_finalize_then_exit_writes_once(run_python, tmp_path):
    result = run_python(PROGRAM, "finalize", name="fin_app.py", check=True)
    assert _writes(result.stdout, "timemory-fin-app-output/wall.json") == 1


def test_report_writes_without_finalizing(run_python, tmp_path):
    result = run_python(PROGRAM, "report", name="rep.py", check=True)
    assert "AFTER_REPORT False" in result.stdout
    # once by report(), once more at exit with the second call included
    assert _writes(result.stdout, "timemory-rep-output/wall.json") == 2
    graph = json.loads((tmp_path / "timemory-rep-output/wall.json").read_text())
    entry = graph["timemory"]["wall_clock"]["ranks"][0]["graph"][0]
    assert entry["entry"]["laps"] == 2


def test_auto_output_false_writes_nothing(run_python, tmp_path):
    result = run_python(PROGRAM, "quiet", name="quiet.py", check=True)
    assert "Outputting" not in result.stdout
    assert not (tmp_path / "timemory-quiet-output").exists()


def test_output_path_from_the_environment_wins(run_python, tmp_path):
    result = run_python(
        PROGRAM, name="envpath.py", env={"TIMEMORY_OUTPUT_PATH": "custom-out"}, check=True
    )
    assert "OUTPUT_PATH custom-out" in result.stdout
    assert (tmp_path / "custom-out" / "wall.json").is_file()


def test_library_dtor_off_skips_the_exit_hook(run_python):
    code = "import atexit, timemory; print('HOOKS', atexit._ncallbacks())"
    on = run_python("-c", code, check=True).stdout.split()
    off = run_python("-c", code, env={"TIMEMORY_LIBRARY_DTOR": "OFF"}, check=True).stdout.split()
    assert int(on[on.index("HOOKS") + 1]) == int(off[off.index("HOOKS") + 1]) + 1


def test_initialize_sets_output_path(restore_settings):
    timemory.initialize(["/some/where/my_tool.py"])
    assert timemory.settings.output_path == "timemory-my-tool-output"
    timemory.timemory_init(["x.py"], "pre-", "-post")
    assert timemory.settings.output_path == "pre-x-post"
    before = timemory.settings.output_path
    timemory.init([])
    assert timemory.settings.output_path == before


def test_dash_c_program_is_named_python(run_python):
    result = run_python("-c", "import timemory; print(timemory.settings.output_path)", check=True)
    assert result.stdout.strip() == "timemory-python-output"


def test_function_wrapper_tools_are_not_started():
    with pytest.warns(RuntimeWarning, match="not available in this build"):
        assert timemory.start_ompt() == 0
    assert timemory.stop_ompt(0) == 0


def test_self_check_package(run_python):
    result = run_python("-m", "timemory.test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stderr


def test_no_bindings_mode_loads_only_the_helpers(run_python):
    code = (
        "import sys, timemory; "
        "print(timemory.version, timemory.mpi_support.is_supported(), "
        "'timemory.libs.libpytimemory' in sys.modules, hasattr(timemory, 'settings'))"
    )
    result = run_python("-c", code, env={"TIMEMORY_PYTHON_BINDINGS": "0"}, check=True)
    assert result.stdout.split() == [timemory.version, "False", "False", "False"]
