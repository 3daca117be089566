"""Type stub of timemory.component: the extension's component classes and the id enum.

Generated from the component table (timemory.component.table())."""

import enum
from collections.abc import Iterable
from typing import Any, Callable

from typing_extensions import TypeAlias

from ..libs.libpytimemory import AllineaMap as AllineaMap
from ..libs.libpytimemory import Caliper as Caliper
from ..libs.libpytimemory import CaliperConfig as CaliperConfig
from ..libs.libpytimemory import CaliperLoopMarker as CaliperLoopMarker
from ..libs.libpytimemory import Component as Component
from ..libs.libpytimemory import CpuClock as CpuClock
from ..libs.libpytimemory import CpuRooflineDpFlops as CpuRooflineDpFlops
from ..libs.libpytimemory import CpuRooflineFlops as CpuRooflineFlops
from ..libs.libpytimemory import CpuRooflineSpFlops as CpuRooflineSpFlops
from ..libs.libpytimemory import CpuUtil as CpuUtil
from ..libs.libpytimemory import CraypatCounters as CraypatCounters
from ..libs.libpytimemory import CraypatFlushBuffer as CraypatFlushBuffer
from ..libs.libpytimemory import CraypatHeapStats as CraypatHeapStats
from ..libs.libpytimemory import CraypatRecord as CraypatRecord
from ..libs.libpytimemory import CraypatRegion as CraypatRegion
from ..libs.libpytimemory import CudaEvent as CudaEvent
from ..libs.libpytimemory import CudaProfiler as CudaProfiler
from ..libs.libpytimemory import CuptiActivity as CuptiActivity
from ..libs.libpytimemory import CuptiCounters as CuptiCounters
from ..libs.libpytimemory import CurrentPeakRss as CurrentPeakRss
from ..libs.libpytimemory import GperftoolsCpuProfiler as GperftoolsCpuProfiler
from ..libs.libpytimemory import GperftoolsHeapProfiler as GperftoolsHeapProfiler
from ..libs.libpytimemory import GpuRooflineDpFlops as GpuRooflineDpFlops
from ..libs.libpytimemory import GpuRooflineFlops as GpuRooflineFlops
from ..libs.libpytimemory import GpuRooflineHpFlops as GpuRooflineHpFlops
from ..libs.libpytimemory import GpuRooflineSpFlops as GpuRooflineSpFlops
from ..libs.libpytimemory import KernelModeTime as KernelModeTime
from ..libs.libpytimemory import LikwidMarker as LikwidMarker
from ..libs.libpytimemory import LikwidNvmarker as LikwidNvmarker
from ..libs.libpytimemory import MallocGotcha as MallocGotcha
from ..libs.libpytimemory import MonotonicClock as MonotonicClock
from ..libs.libpytimemory import MonotonicRawClock as MonotonicRawClock
from ..libs.libpytimemory import NumIoIn as NumIoIn
from ..libs.libpytimemory import NumIoOut as NumIoOut
from ..libs.libpytimemory import NumMajorPageFaults as NumMajorPageFaults
from ..libs.libpytimemory import NumMinorPageFaults as NumMinorPageFaults
from ..libs.libpytimemory import NvtxMarker as NvtxMarker
from ..libs.libpytimemory import OmptHandle as OmptHandle
from ..libs.libpytimemory import PageRss as PageRss
from ..libs.libpytimemory import PapiArray as PapiArray
from ..libs.libpytimemory import PapiVector as PapiVector
from ..libs.libpytimemory import PeakRss as PeakRss
from ..libs.libpytimemory import PriorityContextSwitch as PriorityContextSwitch
from ..libs.libpytimemory import ProcessCpuClock as ProcessCpuClock
from ..libs.libpytimemory import ProcessCpuUtil as ProcessCpuUtil
from ..libs.libpytimemory import ReadBytes as ReadBytes
from ..libs.libpytimemory import SysClock as SysClock
from ..libs.libpytimemory import TauMarker as TauMarker
from ..libs.libpytimemory import ThreadCpuClock as ThreadCpuClock
from ..libs.libpytimemory import ThreadCpuUtil as ThreadCpuUtil
from ..libs.libpytimemory import TripCount as TripCount
from ..libs.libpytimemory import UserClock as UserClock
from ..libs.libpytimemory import UserGlobalBundle as UserGlobalBundle
from ..libs.libpytimemory import UserListBundle as UserListBundle
from ..libs.libpytimemory import UserModeTime as UserModeTime
from ..libs.libpytimemory import UserMpipBundle as UserMpipBundle
from ..libs.libpytimemory import UserOmptBundle as UserOmptBundle
from ..libs.libpytimemory import UserTupleBundle as UserTupleBundle
from ..libs.libpytimemory import VirtualMemory as VirtualMemory
from ..libs.libpytimemory import VoluntaryContextSwitch as VoluntaryContextSwitch
from ..libs.libpytimemory import VtuneEvent as VtuneEvent
from ..libs.libpytimemory import VtuneFrame as VtuneFrame
from ..libs.libpytimemory import VtuneProfiler as VtuneProfiler
from ..libs.libpytimemory import WallClock as WallClock
from ..libs.libpytimemory import WrittenBytes as WrittenBytes

_print_repr_in_interactive: bool

class id(enum.IntEnum):
    @property
    def description(self) -> str: ...
    allinea_map = 0
    caliper = 1
    caliper_config = 2
    caliper_loop_marker = 3
    cpu_clock = 4
    cpu_roofline_dp_flops = 5
    cpu_roofline_flops = 6
    cpu_roofline_sp_flops = 7
    cpu_util = 8
    craypat_counters = 9
    craypat_flush_buffer = 10
    craypat_heap_stats = 11
    craypat_record = 12
    craypat_region = 13
    cuda_event = 14
    cuda_profiler = 15
    cupti_activity = 16
    cupti_counters = 17
    current_peak_rss = 18
    gperftools_cpu_profiler = 19
    gperftools_heap_profiler = 20
    gpu_roofline_dp_flops = 21
    gpu_roofline_flops = 22
    gpu_roofline_hp_flops = 23
    gpu_roofline_sp_flops = 24
    kernel_mode_time = 25
    likwid_marker = 26
    likwid_nvmarker = 27
    malloc_gotcha = 28
    monotonic_clock = 29
    monotonic_raw_clock = 30
    num_io_in = 31
    num_io_out = 32
    num_major_page_faults = 33
    num_minor_page_faults = 34
    nvtx_marker = 35
    ompt_handle = 36
    page_rss = 37
    papi_array = 38
    papi_vector = 39
    peak_rss = 40
    priority_context_switch = 41
    process_cpu_clock = 42
    process_cpu_util = 43
    read_bytes = 44
    sys_clock = 45
    tau_marker = 46
    thread_cpu_clock = 47
    thread_cpu_util = 48
    trip_count = 49
    user_clock = 50
    user_global_bundle = 51
    user_list_bundle = 52
    user_mode_time = 53
    user_mpip_bundle = 54
    user_ompt_bundle = 55
    user_tuple_bundle = 56
    virtual_memory = 57
    voluntary_context_switch = 58
    vtune_event = 59
    vtune_frame = 60
    vtune_profiler = 61
    wall_clock = 62
    written_bytes = 63

allinea_map: id
caliper: id
caliper_config: id
caliper_loop_marker: id
cpu_clock: id
cpu_roofline_dp_flops: id
cpu_roofline_flops: id
cpu_roofline_sp_flops: id
cpu_util: id
craypat_counters: id
craypat_flush_buffer: id
craypat_heap_stats: id
craypat_record: id
craypat_region: id
cuda_event: id
cuda_profiler: id
cupti_activity: id
cupti_counters: id
current_peak_rss: id
gperftools_cpu_profiler: id
gperftools_heap_profiler: id
gpu_roofline_dp_flops: id
gpu_roofline_flops: id
gpu_roofline_hp_flops: id
gpu_roofline_sp_flops: id
kernel_mode_time: id
likwid_marker: id
likwid_nvmarker: id
malloc_gotcha: id
monotonic_clock: id
monotonic_raw_clock: id
num_io_in: id
num_io_out: id
num_major_page_faults: id
num_minor_page_faults: id
nvtx_marker: id
ompt_handle: id
page_rss: id
papi_array: id
papi_vector: id
peak_rss: id
priority_context_switch: id
process_cpu_clock: id
process_cpu_util: id
read_bytes: id
sys_clock: id
tau_marker: id
thread_cpu_clock: id
thread_cpu_util: id
trip_count: id
user_clock: id
user_global_bundle: id
user_list_bundle: id
user_mode_time: id
user_mpip_bundle: id
user_ompt_bundle: id
user_tuple_bundle: id
virtual_memory: id
voluntary_context_switch: id
vtune_event: id
vtune_frame: id
vtune_profiler: id
wall_clock: id
written_bytes: id

_Spec: TypeAlias = str | int | id

def is_available(obj: _Spec) -> bool: ...
def reason(obj: _Spec) -> str | None: ...
def get_types() -> list[str]: ...
def get_available_types() -> list[str]: ...
def get_class(obj: _Spec) -> type: ...
def get_generator(key: _Spec) -> Callable[[], Component | None]: ...
def table() -> list[dict[str, Any]]: ...
def mask(components: _Spec | Iterable[_Spec]) -> int: ...
