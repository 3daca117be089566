"""Type stub of timemory.settings: every setting of the C store is a module attribute.

Generated from the settings table (timemory.settings.names()/info()); the test
tests/python/test_settings.py checks that it lists every setting with its type, here and in
Snapshot. ``timemory.settings()`` (the module is callable at run time) returns a Snapshot;
a stub cannot make a module callable: use ``timemory.settings.Snapshot()``, the same."""

import argparse
import os
from typing import Any, TypeVar, overload

from typing_extensions import TypeAlias

__all__ = [
    "Snapshot",
    "add_argparse",
    "add_arguments",
    "command_line",
    "environment",
    "info",
    "names",
    "parse",
    "read",
    "reset",
]

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)
# subparser: True (a timemory-config sub-command), False/None (options on parser itself) or
# the (sub)parser to add them to
_Subparser: TypeAlias = bool | argparse.ArgumentParser | None

command_line: list[str]
environment: list[str]

class Snapshot:
    """A detached copy of the settings: the same attributes as the module."""

    def __init__(self, values: dict[str, bool | int | float | str] | None = None) -> None: ...
    config_file: str
    suppress_config: bool
    suppress_parsing: bool
    enabled: bool
    verbose: int
    debug: bool
    flat_profile: bool
    timeline_profile: bool
    max_depth: int
    global_components: str
    ompt_components: str
    mpip_components: str
    ncclp_components: str
    trace_components: str
    profiler_components: str
    kokkos_components: str
    components: str
    auto_output: bool
    cout_output: bool
    file_output: bool
    text_output: bool
    json_output: bool
    tree_output: bool
    dart_output: bool
    time_output: bool
    plot_output: bool
    diff_output: bool
    flamegraph_output: bool
    timeline: bool
    timeline_capacity: int
    ctest_notes: bool
    output_path: str
    output_prefix: str
    input_path: str
    input_prefix: str
    input_extensions: str
    time_format: str
    precision: int
    width: int
    max_width: int
    scientific: bool
    timing_precision: int
    timing_width: int
    timing_units: str
    timing_scientific: bool
    memory_precision: int
    memory_width: int
    memory_units: str
    memory_scientific: bool
    separator_frequency: int
    max_thread_bookmarks: int
    collapse_threads: bool
    collapse_processes: bool
    cpu_affinity: bool
    target_pid: int
    mpi_init: bool
    mpi_finalize: bool
    mpi_thread: bool
    mpi_thread_type: str
    upcxx_init: bool
    upcxx_finalize: bool
    node_count: int
    papi_threading: bool
    papi_multiplexing: bool
    papi_fail_on_error: bool
    papi_quiet: bool
    papi_events: str
    papi_attach: bool
    papi_overflow: int
    cuda_event_batch_size: int
    nvtx_marker_device_sync: bool
    cupti_activity_level: int
    cupti_activity_kinds: str
    cupti_events: str
    cupti_metrics: str
    cupti_device: int
    cupti_pcsampling_period: int
    cupti_pcsampling_per_line: bool
    cupti_pcsampling_region_totals: bool
    cupti_pcsampling_serialized: bool
    cupti_pcsampling_num_collect: int
    cupti_pcsampling_stall_reasons: str
    craypat_categories: str
    python_exe: str
    roofline_mode: str
    cpu_roofline_mode: str
    gpu_roofline_mode: str
    cpu_roofline_events: str
    gpu_roofline_events: str
    roofline_type_labels: bool
    roofline_type_labels_cpu: bool
    roofline_type_labels_gpu: bool
    instruction_roofline: bool
    add_secondary: bool
    throttle_count: int
    throttle_value: int
    enable_signal_handler: bool
    allow_signal_handler: bool
    enable_all_signals: bool
    disable_all_signals: bool
    destructor_report: bool
    stack_clearing: bool
    banner: bool
    ert_num_threads: int
    ert_num_threads_cpu: int
    ert_num_threads_gpu: int
    ert_num_streams: int
    ert_grid_size: int
    ert_block_size: int
    ert_alignment: int
    ert_min_working_size: int
    ert_min_working_size_cpu: int
    ert_min_working_size_gpu: int
    ert_max_data_size: int
    ert_max_data_size_cpu: int
    ert_max_data_size_gpu: int
    ert_skip_ops: str
    dart_type: str
    dart_count: int
    dart_label: bool
    child_output: bool
    sort_key: str
    cout_mode: str
    cout_max_rows: int
    summary_width: int
    summary_threshold: float
    summary_top: int
    summary_tree_lines: int
    output_progress: str
    ert_trials_min: int

def names() -> list[str]: ...
def info(name: str) -> dict[str, Any]: ...
def parse(instance: Snapshot | None = None) -> int: ...
@overload
def read(filename: str | os.PathLike[str], /) -> bool: ...
@overload
def read(instance: Snapshot | None, filename: str | os.PathLike[str], /) -> bool: ...
def reset() -> None: ...
@overload
def add_arguments(
    parser: None = None, instance: Snapshot | None = None, subparser: _Subparser = True
) -> argparse.ArgumentParser: ...
@overload
def add_arguments(
    parser: _Parser, instance: Snapshot | None = None, subparser: _Subparser = True
) -> _Parser: ...

add_argparse = add_arguments

# the settings, in registration order
config_file: str
suppress_config: bool
suppress_parsing: bool
enabled: bool
verbose: int
debug: bool
flat_profile: bool
timeline_profile: bool
max_depth: int
global_components: str
ompt_components: str
mpip_components: str
ncclp_components: str
trace_components: str
profiler_components: str
kokkos_components: str
components: str
auto_output: bool
cout_output: bool
file_output: bool
text_output: bool
json_output: bool
tree_output: bool
dart_output: bool
time_output: bool
plot_output: bool
diff_output: bool
flamegraph_output: bool
timeline: bool
timeline_capacity: int
ctest_notes: bool
output_path: str
output_prefix: str
input_path: str
input_prefix: str
input_extensions: str
time_format: str
precision: int
width: int
max_width: int
scientific: bool
timing_precision: int
timing_width: int
timing_units: str
timing_scientific: bool
memory_precision: int
memory_width: int
memory_units: str
memory_scientific: bool
separator_frequency: int
max_thread_bookmarks: int
collapse_threads: bool
collapse_processes: bool
cpu_affinity: bool
target_pid: int
mpi_init: bool
mpi_finalize: bool
mpi_thread: bool
mpi_thread_type: str
upcxx_init: bool
upcxx_finalize: bool
node_count: int
papi_threading: bool
papi_multiplexing: bool
papi_fail_on_error: bool
papi_quiet: bool
papi_events: str
papi_attach: bool
papi_overflow: int
cuda_event_batch_size: int
nvtx_marker_device_sync: bool
cupti_activity_level: int
cupti_activity_kinds: str
cupti_events: str
cupti_metrics: str
cupti_device: int
cupti_pcsampling_period: int
cupti_pcsampling_per_line: bool
cupti_pcsampling_region_totals: bool
cupti_pcsampling_serialized: bool
cupti_pcsampling_num_collect: int
cupti_pcsampling_stall_reasons: str
craypat_categories: str
python_exe: str
roofline_mode: str
cpu_roofline_mode: str
gpu_roofline_mode: str
cpu_roofline_events: str
gpu_roofline_events: str
roofline_type_labels: bool
roofline_type_labels_cpu: bool
roofline_type_labels_gpu: bool
instruction_roofline: bool
add_secondary: bool
throttle_count: int
throttle_value: int
enable_signal_handler: bool
allow_signal_handler: bool
enable_all_signals: bool
disable_all_signals: bool
destructor_report: bool
stack_clearing: bool
banner: bool
ert_num_threads: int
ert_num_threads_cpu: int
ert_num_threads_gpu: int
ert_num_streams: int
ert_grid_size: int
ert_block_size: int
ert_alignment: int
ert_min_working_size: int
ert_min_working_size_cpu: int
ert_min_working_size_gpu: int
ert_max_data_size: int
ert_max_data_size_cpu: int
ert_max_data_size_gpu: int
ert_skip_ops: str
dart_type: str
dart_count: int
dart_label: bool
child_output: bool
sort_key: str
cout_mode: str
cout_max_rows: int
summary_width: int
summary_threshold: float
summary_top: int
summary_tree_lines: int
output_progress: str
ert_trials_min: int
