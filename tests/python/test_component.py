"""timemory.component: the extension's classes re-exported, component.id built from the
component table, is_available() (spec API.md section 6)."""

import enum
import pickle
import pydoc
import time

import pytest
import timemory
from timemory import component

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


def test_id_members_are_the_seed_listing():
    assert [member.name for member in component.id] == SEED_IDS
    assert [int(member) for member in component.id] == list(range(64))
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
        assert cls.id == row["id"] and cls.available == row["available"]


def test_is_available():
    assert component.is_available("wall_clock") is True
    assert component.is_available(component.wall_clock) is True
    assert component.is_available("WallClock") is True
    assert component.is_available("real_clock") is True  # an alias
    assert component.is_available("papi_vector") is False
    assert component.is_available("no_such_thing") is False
    assert "PAPI" in component.reason("papi_vector")
    assert component.reason("wall_clock") is None


def test_types_and_generators():
    assert component.get_types() == SEED_IDS
    assert "wall_clock" in component.get_available_types()
    assert "papi_vector" not in component.get_available_types()
    made = component.get_generator("wall_clock")()
    assert isinstance(made, component.WallClock)
    assert component.get_generator("papi_vector")() is None
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
    papi = component.PapiVector()
    with pytest.raises(RuntimeError, match="PAPI"):
        papi.start()


def test_stub_lists_every_class_and_id():
    import os

    with open(os.path.join(os.path.dirname(component.__file__), "__init__.pyi")) as handle:
        text = handle.read()
    for row in component.table():
        assert f"import {row['class_name']} as {row['class_name']}" in text, row["name"]
        assert f"    {row['name']} = {row['id']}\n" in text, row["name"]
