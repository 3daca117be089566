"""timemory.component: the extension's classes re-exported, component.id built from the
component table, is_available() (spec API.md section 6); every member of the instance API of
6.2 and 6.3 (id(), index(), get_last(), sample(), unavailable classes); names, aliases and the
display format coming from the C library, not from a Python copy of its rules."""

import enum
import json
import pickle
import pydoc
import re
import time

import pytest
import timemory
from timemory import component
from timemory.component import display

ext = timemory.libpytimemory

# (name, value) pairs of the seed's component.id listing (spec COMPONENTS.md section 2)
SEED_IDS = [
    "allinea_map", "caliper", "caliper_config", "caliper_loop_marker", "cpu_clock",
    "cpu_roofline_dp_flops", "cpu_roofline_flops", "cpu_roofline_sp_flops", "cpu_util",
    "craypat_counters", "craypat_flush_buffer", "craypat_heap_stats", "craypat_record",
    "craypat_region", "cuda_event", "cuda_profiler", "cupti_activity", "cupti_counters",
    "current_peak_rss", "gperftools_cpu_profiler", "gperftools_heap_profiler",
    "gpu_roofline_dp_flops", "gpu_roofline_flops", "gpu_roofline_hp_flops",
    "gpu_roofline_sp_flops", "kernel_mode_time", "likwid_marker", "likwid_nvmarker",
    "malloc_gotcha", "monotonic_clock", "monotonic_raw_clock", "num_io_in", "num_io_out",
    "num_major_page_faults", "num_minor_page_faults", "nvtx_marker", "ompt_handle", "page_rss",
    "papi_array", "papi_vector", "peak_rss", "priority_context_switch", "process_cpu_clock",
    "process_cpu_util", "read_bytes", "sys_clock", "tau_marker", "thread_cpu_clock",
    "thread_cpu_util", "trip_count", "user_clock", "user_global_bundle", "user_list_bundle",
    "user_mode_time", "user_mpip_bundle", "user_ompt_bundle", "user_tuple_bundle",
    "virtual_memory", "voluntary_context_switch", "vtune_event", "vtune_frame",
    "vtune_profiler", "wall_clock", "written_bytes",
]  # fmt: skip


# The row of a build with TIMEMORY_TEST_COMPONENT (tests/python/test_component_added.py): not in
# the seed's listings, nor in the stubs (generated from the ordinary table).
TEST_ROW = {"test_sample_counter", "TestSampleCounter"}


def _stubbed_rows():
    return [row for row in component.table() if row["name"] not in TEST_ROW]


def test_id_members_are_the_seed_listing():
    # the seed's 0..63 (a build with TIMEMORY_TEST_COMPONENT has one more row after them)
    seed = [member for member in component.id if int(member) < 64]
    assert [member.name for member in seed] == SEED_IDS
    assert [int(member) for member in seed] == list(range(64))
    assert issubclass(component.id, enum.IntEnum)


def test_id_behaves_like_the_original_enum():
    wall = component.id.wall_clock
    assert repr(wall) == "id.wall_clock" and str(wall) == "id.wall_clock"
    assert component.id(62) is wall and int(wall) == 62
    assert component.wall_clock is wall
    assert wall.name == "wall_clock" and "wall_clock" in component.id.__members__
    assert hash(wall) == hash(62) and wall.__getstate__() == 62
    assert pickle.loads(pickle.dumps(wall)) is wall
    assert wall | component.cpu_clock == 62 | 4
    assert wall.description == "Real-clock timer (i.e. wall-clock timer)"


def test_help_shows_one_description_per_member():
    text = pydoc.render_doc(component, renderer=pydoc.plaintext)
    assert "Component enumerations for timemory module" in text
    assert "Members:" in text
    for row in component.table():
        assert f"{row['name']} : {row['description']}" in text
    for row in component.table():
        assert row["class_name"] in text


def test_classes_are_the_extension_classes():
    ext = timemory.libpytimemory
    for row in component.table():
        cls = getattr(component, row["class_name"])
        assert cls is getattr(ext, row["class_name"])
        assert cls.id() == row["name"] and cls.available == row["available"]
        assert cls.index() is component.id(row["id"]) and int(cls.index()) == row["id"]


def test_is_available():
    assert component.is_available("wall_clock") is True
    assert component.is_available(component.wall_clock) is True
    assert component.is_available("WallClock") is True
    assert component.is_available("real_clock") is True  # an alias
    assert component.is_available("cpu_roofline_flops") is False
    assert component.is_available("no_such_thing") is False
    assert "PAPI" in component.reason("cpu_roofline_flops")
    assert component.reason("wall_clock") is None


def test_types_and_generators():
    assert [name for name in component.get_types() if name not in TEST_ROW] == SEED_IDS
    assert "wall_clock" in component.get_available_types()
    assert "cpu_roofline_flops" not in component.get_available_types()
    made = component.get_generator("wall_clock")()
    assert isinstance(made, component.WallClock)
    assert component.get_generator("cpu_roofline_flops")() is None
    assert component.get_generator("nothing")() is None
    assert component.get_class(component.cpu_clock) is component.CpuClock


def test_mask_mixes_strings_and_ids():
    expected = (1 << 62) | (1 << 40)
    assert component.mask(["wall_clock", component.peak_rss]) == expected
    with pytest.raises(ValueError, match="wall_clock"):
        component.mask(["wal_clock"])


def test_seed_wall_clock_example():
    wc = component.WallClock("wall")
    wc.start()
    time.sleep(0.2)
    wc.stop()
    result = wc.get()
    assert 0.2 <= result < 0.6
    assert wc.laps() == 1


def test_unavailable_component_says_why():
    papi = component.CpuRooflineFlops()
    assert component.CpuRooflineFlops.available is False
    assert "PAPI" in (component.CpuRooflineFlops.reason or "")
    with pytest.raises(RuntimeError, match="PAPI"):
        papi.record()


def test_stub_lists_every_class_and_id():
    import os

    with open(os.path.join(os.path.dirname(component.__file__), "__init__.pyi")) as handle:
        text = handle.read()
    for row in _stubbed_rows():
        assert f"import {row['class_name']} as {row['class_name']}" in text, row["name"]
        assert f"    {row['name']} = {row['id']}\n" in text, row["name"]


# ---- the instance API of spec API.md 6.2 / 6.3 -------------------------------------------- #

SPEC_METHODS = [
    "start", "stop", "measure", "mark_begin", "mark_end", "reset", "push", "pop", "get",
    "get_raw", "get_value", "get_accum", "get_last", "record", "unit", "display_unit",
    "configure", "hash", "key", "rekey", "laps", "label", "description", "index", "id",
    "__add__", "__sub__", "__iadd__", "__isub__", "__str__", "__repr__",
]  # fmt: skip


def test_every_class_has_the_spec_members():
    for row in component.table():
        cls = getattr(component, row["class_name"])
        for name in SPEC_METHODS:
            assert callable(getattr(cls, name, None)), (row["class_name"], name)
        assert isinstance(cls.available, bool) and isinstance(cls.has_value, bool)
        # value() on the unavailable classes only, as in the original; gperftools is found at
        # run time (tcmalloc only when preloaded), so its classes keep the available shape
        gperf = row["name"].startswith("gperftools_")
        assert hasattr(cls, "value") == (not row["available"] and not gperf), row["class_name"]


def test_id_is_the_string_id_and_index_the_enum_member():
    wc = component.WallClock("k")
    assert component.WallClock.id() == "wall_clock" and wc.id() == "wall_clock"
    assert component.CurrentPeakRss.id() == "current_peak_rss"
    assert component.CpuRooflineFlops.id() == "cpu_roofline_flops"  # unavailable: still valid
    index = wc.index()
    assert index is component.wall_clock and isinstance(index, int) and index == 62
    # the string id is what the original's hatchet test passes as a component list
    assert component.get_class(component.WallClock.id()) is component.WallClock
    assert component.mask([component.CurrentPeakRss.id()]) == 1 << 18


def test_id_string_selects_the_data_of_get(clean_data):
    with timemory.util.marker(["wall_clock", "current_peak_rss"], key="id-region"):
        time.sleep(0.001)
    data = timemory.get(hierarchy=True, components=[component.CurrentPeakRss.id()])
    assert list(data["timemory"]) == ["current_peak_rss"]


def test_get_last_is_the_latest_lap():
    wc = component.WallClock("last")
    assert wc.get_last() == 0
    wc.start()
    time.sleep(0.02)
    wc.stop()
    first = wc.get_last()
    assert first == wc.get_value() == wc.get_raw() and first >= 2e7
    wc.start()
    assert wc.get_last() == first  # kept while running again
    time.sleep(0.005)
    wc.stop()
    second = wc.get_last()
    assert second == wc.get_value() and wc.get_accum() == first + second
    assert 5e6 <= second < first
    wc.measure()
    assert wc.get_last() == wc.get_value() and wc.get_last() > 1e9  # an absolute reading
    wc.reset()
    assert wc.get_last() == 0
    pair = component.CurrentPeakRss()
    pair.start()
    pair.stop()
    assert pair.get_last() == pair.get_value() and len(pair.get_last()) == 2
    assert component.CpuRooflineFlops().get_last() is None


def test_sample_keeps_the_highest_level():
    sampling = {
        row["name"]
        for row in component.table()
        if hasattr(getattr(component, row["class_name"]), "sample")
    }
    assert {"peak_rss", "page_rss", "virtual_memory", "num_io_in", "num_io_out",
            "read_bytes", "written_bytes"} == sampling  # fmt: skip
    assert not hasattr(component.WallClock, "sample")
    rss = component.PageRss("sampled")
    rss.sample()
    first = rss.get_raw()
    assert first > 0 and rss.get_value() == first == rss.get_last() and rss.laps() == 0
    block = bytearray(64 << 20)
    block[::4096] = b"x" * len(block[::4096])
    rss.sample()
    assert rss.get_raw() >= first + (32 << 20)
    high = rss.get_raw()
    del block
    rss.sample()  # the level fell: the highest reading stays
    assert rss.get_raw() == high
    assert rss.get() == pytest.approx(high / 1e6)
    written = component.WrittenBytes()
    written.sample()
    assert isinstance(written.get_raw(), list) and written.get_raw()[0] >= 0


def test_stub_matches_the_per_class_methods():
    import os

    stub = os.path.join(os.path.dirname(ext.__file__), "libpytimemory.pyi")
    with open(stub) as handle:
        text = handle.read()
    for row in _stubbed_rows():
        cls = getattr(component, row["class_name"])
        body = text.split(f"class {row['class_name']}(Component):")[1].split("\nclass ")[0]
        assert ("def sample(self)" in body) == hasattr(cls, "sample"), row["name"]
        assert ("def value(self)" in body) == hasattr(cls, "value"), row["name"]


UNAVAILABLE = """
import warnings, timemory
from timemory import component
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(3):
        papi = component.CpuRooflineFlops("p")
        papi.start()
        papi.measure()
        papi.push()
        papi.stop()
        papi.pop()
    component.CudaEvent().start()
    component.CudaEvent().start()
print(len(caught))
for w in caught:
    print(w.category.__name__, str(w.message))
print(papi.get(), papi.value(), papi.laps(), papi.key(), papi.hash(), repr(papi) == "")
print(papi.unit(), repr(papi.display_unit()), papi + papi, papi.index(), papi.id())
"""


def test_unavailable_start_is_a_noop_with_one_warning_per_class(run_python):
    result = run_python(UNAVAILABLE, check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "2", result.stdout
    assert lines[1].startswith("RuntimeWarning CpuRooflineFlops is not available: requires")
    assert "start() and the other measurements do nothing" in lines[1]
    assert lines[2].startswith("RuntimeWarning CudaEvent is not available: requires CUDA")
    assert lines[3] == "None None None None None True"
    assert lines[4] == "1 '' None id.cpu_roofline_flops cpu_roofline_flops"


def test_unavailable_warning_as_error_raises(run_python):
    code = "from timemory import component\ncomponent.CpuRooflineFlops().start()\n"
    result = run_python("-W", "error::RuntimeWarning", "-c", code)
    assert result.returncode != 0 and "RuntimeWarning: CpuRooflineFlops is not available" in (
        result.stderr
    )


# ---- one copy of the rules: the C library's ------------------------------------------------ #


def _all_spellings(row):
    names = [row["name"], row["class_name"], row["enum_name"], *row["ids"]]
    return names + [n.upper() for n in names] + [n.lower() for n in names] + [f"  {names[0]} "]


def test_get_class_of_user_list_bundle_agrees_with_c():
    assert component.get_class("user_list_bundle") is component.UserListBundle
    assert component.mask("user_list_bundle") == 1 << 52
    assert ext.component_find("user_list_bundle") == 52


def test_python_lookup_agrees_with_c_for_every_name_and_alias():
    checked = 0
    for row in component.table():
        for name in _all_spellings(row):
            bit = component.mask(name)
            assert bit and bit & (bit - 1) == 0, name  # one component
            expected = bit.bit_length() - 1
            assert ext.component_find(name) == expected, name
            assert int(component.get_class(name).index()) == expected, name
            row = {row["id"]: row for row in component.table()}[expected]
            assert component.is_available(name) == row["available"]
            assert component.reason(name) == row["reason"]
            made = component.get_generator(name)()
            assert (made is None) == (not row["available"])
            checked += 1
    assert checked > 64 * 7


def test_unknown_names_get_the_c_suggestions():
    assert ext.component_find("wal_clock") is None
    with pytest.raises(KeyError, match="did you mean: wall_clock"):
        component.get_class("wal_clock")
    with pytest.raises(KeyError, match="did you mean: cpu_util"):
        component.reason("cpu_utilisation")
    with pytest.raises(ValueError, match="unknown component 'wal_clock'; did you mean: wall_clock"):
        component.mask(["wal_clock"])
    assert ext.component_suggest("zzzzzzzzzzzzzzzz") == []
    assert component.is_available("wal_clock") is False
    assert component.get_generator("wal_clock")() is None


def _table_sum_cell(text, key):
    """The SUM cell of the row labelled key in a text table."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    start = next(i for i, line in enumerate(lines) if re.match(r"\|\s*LABEL\s*\|", line))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    for line in lines[start + 1 :]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0].endswith(key):
            return cells[header.index("SUM")]
    raise AssertionError(f"no row {key!r} in\n{text}")


PRECISION_ZERO = """
import json, time, timemory
from timemory import component
w = component.WallClock("zero-precision")
w.push()
w.start()
time.sleep(0.012)
w.stop()
w.pop()
print(json.dumps({"str": str(w), "table": timemory.get_text(["wall_clock"])}))
"""


def test_str_with_precision_zero_equals_the_c_table(run_python):
    result = run_python(PRECISION_ZERO, env={"TIMEMORY_PRECISION": "0"}, check=True)
    out = json.loads(result.stdout.splitlines()[0])  # finalize's messages follow
    match = re.fullmatch(r">>>  zero-precision : +(\S+) sec wall \[laps: 1\]", out["str"])
    assert match, out["str"]
    assert match.group(1) == _table_sum_cell(out["table"], "zero-precision") == "0."


@pytest.mark.parametrize(
    "settings",
    [{}, {"precision": 0}, {"timing_precision": 6}, {"scientific": True}, {"width": 0},
     {"timing_units": "msec", "precision": 1}],
)  # fmt: skip
def test_str_and_display_format_the_c_tables_way(clean_data, restore_settings, settings):
    for name, value in settings.items():
        setattr(timemory.settings, name, value)
    w = component.WallClock("fmt")
    w.push()
    w.start()
    time.sleep(0.003)
    w.stop()
    w.pop()
    cell = _table_sum_cell(timemory.get_text(["wall_clock"]), "fmt")
    number = display.format_number("wall_clock", w.get(), 0)
    assert number == cell
    unit = component.WallClock.display_unit()
    assert (
        str(w) == f">>>  fmt : {display.format_number(component.wall_clock, w.get())} {unit} "
        f"wall [laps: 1]"
    )
    assert display.format_values(component.table()[62], w.get()).strip() == f"{cell} {unit} wall"


def test_format_values_of_pairs_counts_and_nothing():
    rss = component.table()[18]
    text = display.format_values(rss, (5.0, 6.25))
    assert text == "   5.000 MB start peak rss,    6.250 MB  stop peak rss"
    assert display.format_values(rss, {"first": 5.0, "second": 6.25}) == text
    assert display.format_values(component.table()[49], 3) == "       3 trip_count"
    assert display.format_values(component.table()[62], None) == ""
    with pytest.raises(ValueError, match="at most 2"):
        display.format_values(rss, [1, 2, 3])
    with pytest.raises(ValueError, match="unknown component id 64"):
        ext.component_format(64, 1.0)
