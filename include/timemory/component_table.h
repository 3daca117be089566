/* component_table.h -- the rows of the component table (see components.h for the columns).
 *
 * One row per member of the seed's component.id, in its enumeration order and with its integer
 * values. `source` names a TM_SRC_<source> sampler of src/components.c (NONE: no value, or a
 * tool this build lacks). `needs` is NULL for what is measured here; otherwise the reason the
 * component is unavailable (the gperftools rows are NULL: src/gperftools.c finds the libraries
 * at run time and says why they are missing). Descriptions are the seed's
 * help(timemory.component.id) strings.
 * For caliper, sys_clock and papi_array the first id is the 3.2 primary id (properties.id).
 * malloc_gotcha samples nothing (NONE): its laps come from allocation events (src/events.c).
 * See docs/adding-a-component.md.
 */
#ifndef TIMEMORY_COMPONENT_TABLE_H
#define TIMEMORY_COMPONENT_TABLE_H

#define TIMEMORY_COMPONENTS_TABLE(X)                                                               \
    X(ALLINEA_MAP, 0, "allinea_map", "AllineaMap", "allinea_map", "allinea,forge", NONE, 0,        \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires Allinea/ARM Forge MAP (libmap-sampler); this build has no ARM MAP support",        \
      "Controls the AllineaMAP sampler")                                                           \
    X(CALIPER, 1, "caliper", "Caliper", "caliper", "caliper_marker,cali", NONE, 0,                 \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires Caliper (libcaliper); this build has no Caliper support",                          \
      "Generic forwarding of markers to Caliper instrumentation")                                  \
    X(CALIPER_CONFIG, 2, "caliper_config", "CaliperConfig", "caliper_config", "", NONE, 0,         \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires Caliper (libcaliper); this build has no Caliper support",                          \
      "Caliper configuration manager")                                                             \
    X(CALIPER_LOOP_MARKER, 3, "caliper_loop_marker", "CaliperLoopMarker", "caliper_loop_marker",   \
      "", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                          \
      "requires Caliper (libcaliper); this build has no Caliper support",                          \
      "Variant of caliper_marker with support for loop marking")                                   \
    X(CPU_CLOCK, 4, "cpu_clock", "CpuClock", "cpu", "", TIMES_CPU, 1,                              \
      TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL,    \
      "Total CPU time spent in both user- and kernel-mode")                                        \
    X(CPU_ROOFLINE_DP_FLOPS, 5, "cpu_roofline_dp_flops", "CpuRooflineDpFlops",                     \
      "cpu_roofline_double_op", "cpu_roofline_dp,cpu_roofline_double", NONE, 2, 0, 1.0, "", NULL,  \
      1.0, "", NULL,                                                                               \
      "requires PAPI floating-point events (PAPI_FP_OPS, PAPI_DP_OPS, PAPI_SP_OPS) on a CPU PMU",  \
      "Model used to provide performance relative to the peak possible performance  on a CPU "     \
      "architecture.")                                                                             \
    X(CPU_ROOFLINE_FLOPS, 6, "cpu_roofline_flops", "CpuRooflineFlops", "cpu_roofline_op",          \
      "cpu_roofline", NONE, 2, 0, 1.0, "", NULL, 1.0, "", NULL,                                    \
      "requires PAPI floating-point events (PAPI_FP_OPS, PAPI_DP_OPS, PAPI_SP_OPS) on a CPU PMU",  \
      "Model used to provide performance relative to the peak possible performance on a CPU "      \
      "architecture.")                                                                             \
    X(CPU_ROOFLINE_SP_FLOPS, 7, "cpu_roofline_sp_flops", "CpuRooflineSpFlops",                     \
      "cpu_roofline_single_op", "cpu_roofline_sp,cpu_roofline_single", NONE, 2, 0, 1.0, "", NULL,  \
      1.0, "", NULL,                                                                               \
      "requires PAPI floating-point events (PAPI_FP_OPS, PAPI_DP_OPS, PAPI_SP_OPS) on a CPU PMU",  \
      "Model used to provide performance relative to the peak  possible performance on a CPU "     \
      "architecture.")                                                                             \
    X(CPU_UTIL, 8, "cpu_util", "CpuUtil", "cpu_util", "cpu_utilization", UTIL_CPU, 2,              \
      TIMEMORY_CFLAG_PERCENT, 1.0, "%", NULL, 0.0, "", NULL, NULL,                                 \
      "Percentage of CPU-clock time divided by wall-clock time")                                   \
    X(CRAYPAT_COUNTERS, 9, "craypat_counters", "CraypatCounters", "craypat_counters", "", NONE, 1, \
      0, 1.0, "", NULL, 0.0, "", NULL,                                                             \
      "requires CrayPAT (pat_api.h, Cray programming environment); this build has no CrayPAT "     \
      "support",                                                                                   \
      "Names and value of any counter events that have been set to count on the hardware "         \
      "category")                                                                                  \
    X(CRAYPAT_FLUSH_BUFFER, 10, "craypat_flush_buffer", "CraypatFlushBuffer",                      \
      "craypat_flush_buffer", "", NONE, 1, 0, 1.0, "", NULL, 0.0, "", NULL,                        \
      "requires CrayPAT (pat_api.h, Cray programming environment); this build has no CrayPAT "     \
      "support",                                                                                   \
      "Writes all the recorded contents in the data buffer. Returns the number of bytes flushed")  \
    X(CRAYPAT_HEAP_STATS, 11, "craypat_heap_stats", "CraypatHeapStats", "craypat_heap_stats", "",  \
      NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                              \
      "requires CrayPAT (pat_api.h, Cray programming environment); this build has no CrayPAT "     \
      "support",                                                                                   \
      "Undocumented by 'pat_api.h'")                                                               \
    X(CRAYPAT_RECORD, 12, "craypat_record", "CraypatRecord", "craypat_record", "", NONE, 0,        \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires CrayPAT (pat_api.h, Cray programming environment); this build has no CrayPAT "     \
      "support",                                                                                   \
      "Toggles CrayPAT recording on calling thread")                                               \
    X(CRAYPAT_REGION, 13, "craypat_region", "CraypatRegion", "craypat_region", "", NONE, 0,        \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires CrayPAT (pat_api.h, Cray programming environment); this build has no CrayPAT "     \
      "support",                                                                                   \
      "Adds region labels to CrayPAT output")                                                      \
    X(CUDA_EVENT, 14, "cuda_event", "CudaEvent", "cuda_event", "", NONE, 1, TIMEMORY_CFLAG_TIMING, \
      1.0, "sec", NULL, 0.0, "", NULL,                                                             \
      "requires CUDA (libcudart) and an NVIDIA GPU; this build has no CUDA support",               \
      "Records the time interval between two points in a CUDA stream. Less accurate than "         \
      "'cupti_activity' for kernel timing")                                                        \
    X(CUDA_PROFILER, 15, "cuda_profiler", "CudaProfiler", "cuda_profiler", "", NONE, 0,            \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires CUDA (libcudart) and an NVIDIA GPU; this build has no CUDA support",               \
      "Control switch for a CUDA profiler running on the application")                             \
    X(CUPTI_ACTIVITY, 16, "cupti_activity", "CuptiActivity", "cupti_activity", "", NONE, 1,        \
      TIMEMORY_CFLAG_TIMING, 1.0, "sec", NULL, 0.0, "", NULL,                                      \
      "requires CUPTI (libcupti, CUDA toolkit) and an NVIDIA GPU; this build has no CUPTI "        \
      "support",                                                                                   \
      "Wall-clock execution timing for the CUDA API")                                              \
    X(CUPTI_COUNTERS, 17, "cupti_counters", "CuptiCounters", "cupti_counters", "", NONE, 1, 0,     \
      1.0, "", NULL, 0.0, "", NULL,                                                                \
      "requires CUPTI (libcupti, CUDA toolkit) and an NVIDIA GPU; this build has no CUPTI "        \
      "support",                                                                                   \
      "Hardware counters for the CUDA API")                                                        \
    X(CURRENT_PEAK_RSS, 18, "current_peak_rss", "CurrentPeakRss", "current_peak_rss", "",          \
      RUSAGE_MAXRSS_ABS, 2,                                                                        \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_NO_SUM | TIMEMORY_CFLAG_MAX_ACCUM, 1e6, "MB",         \
      "start peak rss", 1e6, "MB", " stop peak rss", NULL,                                         \
      "Absolute value of high-water mark of memory allocation in RAM")                             \
    X(GPERFTOOLS_CPU_PROFILER, 19, "gperftools_cpu_profiler", "GperftoolsCpuProfiler",             \
      "gperftools_cpu_profiler", "gperftools_cpu,gperftools-cpu,gperf_cpu_profiler,gperf_cpu",     \
      NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL, NULL,                        \
      "Control switch for gperftools CPU profiler")                                                \
    X(GPERFTOOLS_HEAP_PROFILER, 20, "gperftools_heap_profiler", "GperftoolsHeapProfiler",          \
      "gperftools_heap_profiler",                                                                  \
      "gperftools_heap,gperftools-heap,gperf_heap_profiler,gperf_heap", NONE, 0,                   \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL, NULL,                                 \
      "Control switch for the gperftools heap profiler")                                           \
    X(GPU_ROOFLINE_DP_FLOPS, 21, "gpu_roofline_dp_flops", "GpuRooflineDpFlops",                    \
      "gpu_roofline_double_op", "gpu_roofline_dp,gpu_roofline_double", NONE, 2, 0, 1.0, "", NULL,  \
      1.0, "", NULL,                                                                               \
      "requires CUDA and CUPTI (libcudart, libcupti) and an NVIDIA GPU; this build has no "        \
      "CUDA/CUPTI support",                                                                        \
      "Model used to provide performance relative to the peak possible performance on a GPU "      \
      "architecture.")                                                                             \
    X(GPU_ROOFLINE_FLOPS, 22, "gpu_roofline_flops", "GpuRooflineFlops", "gpu_roofline_op",         \
      "gpu_roofline", NONE, 2, 0, 1.0, "", NULL, 1.0, "", NULL,                                    \
      "requires CUDA and CUPTI (libcudart, libcupti) and an NVIDIA GPU; this build has no "        \
      "CUDA/CUPTI support",                                                                        \
      "Model used to provide performance relative to the peak possible performance on a GPU "      \
      "architecture.")                                                                             \
    X(GPU_ROOFLINE_HP_FLOPS, 23, "gpu_roofline_hp_flops", "GpuRooflineHpFlops",                    \
      "gpu_roofline_half_op", "gpu_roofline_hp,gpu_roofline_half", NONE, 2, 0, 1.0, "", NULL, 1.0, \
      "", NULL,                                                                                    \
      "requires CUDA and CUPTI (libcudart, libcupti) and an NVIDIA GPU; this build has no "        \
      "CUDA/CUPTI support",                                                                        \
      "GPU Roofline tim::cuda::half2 Counters")                                                    \
    X(GPU_ROOFLINE_SP_FLOPS, 24, "gpu_roofline_sp_flops", "GpuRooflineSpFlops",                    \
      "gpu_roofline_single_op", "gpu_roofline_sp,gpu_roofline_single", NONE, 2, 0, 1.0, "", NULL,  \
      1.0, "", NULL,                                                                               \
      "requires CUDA and CUPTI (libcudart, libcupti) and an NVIDIA GPU; this build has no "        \
      "CUDA/CUPTI support",                                                                        \
      "Model used to provide performance relative to the peak  possible performance on a GPU "     \
      "architecture.")                                                                             \
    X(KERNEL_MODE_TIME, 25, "kernel_mode_time", "KernelModeTime", "kernel_mode", "", RUSAGE_STIME, \
      1, TIMEMORY_CFLAG_TIMING, 1.0, "sec", NULL, 0.0, "", NULL, NULL,                             \
      "CPU time spent executing in kernel mode (via rusage)")                                      \
    X(LIKWID_MARKER, 26, "likwid_marker", "LikwidMarker", "likwid_marker",                         \
      "likwid_perfmon_marker", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,     \
      "requires LIKWID (liblikwid); this build has no LIKWID support",                             \
      "LIKWID perfmon (CPU) marker forwarding")                                                    \
    X(LIKWID_NVMARKER, 27, "likwid_nvmarker", "LikwidNvmarker", "likwid_nvmarker",                 \
      "likwid_nvmon_marker", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,       \
      "requires LIKWID with nvmon GPU support (liblikwid); this build has no LIKWID support",      \
      "LIKWID nvmon (GPU) marker forwarding")                                                      \
    X(MALLOC_GOTCHA, 28, "malloc_gotcha", "MallocGotcha", "malloc_gotcha", "", NONE, 1,            \
      TIMEMORY_CFLAG_MEMORY, 1e6, "MB", NULL, 0.0, "", NULL, NULL,                                 \
      "GOTCHA wrapper for memory allocation functions")                                            \
    X(MONOTONIC_CLOCK, 29, "monotonic_clock", "MonotonicClock", "monotonic_clock", "", MONOTONIC,  \
      1, TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL, \
      "Wall-clock timer which will continue to increment even while the system is asleep")         \
    X(MONOTONIC_RAW_CLOCK, 30, "monotonic_raw_clock", "MonotonicRawClock", "monotonic_raw_clock",  \
      "", MONOTONIC_RAW, 1, TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL,   \
      0.0, "", NULL, NULL,                                                                         \
      "Wall-clock timer unaffected by frequency or time adjustments in system time-of-day clock")  \
    X(NUM_IO_IN, 31, "num_io_in", "NumIoIn", "io_in", "", RUSAGE_INBLOCK, 1,                       \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS, 1.0, "", NULL,     \
      0.0, "", NULL, NULL, "Number of times the filesystem had to perform input")                  \
    X(NUM_IO_OUT, 32, "num_io_out", "NumIoOut", "io_out", "", RUSAGE_OUBLOCK, 1,                   \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS, 1.0, "", NULL,     \
      0.0, "", NULL, NULL, "Number of times the filesystem had to perform output")                 \
    X(NUM_MAJOR_PAGE_FAULTS, 33, "num_major_page_faults", "NumMajorPageFaults", "major_page_flts", \
      "major_page_faults", RUSAGE_MAJFLT, 1,                                                       \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS, 1.0, "", NULL,     \
      0.0, "", NULL, NULL, "Number of page faults serviced that required I/O activity")            \
    X(NUM_MINOR_PAGE_FAULTS, 34, "num_minor_page_faults", "NumMinorPageFaults", "minor_page_flts", \
      "minor_page_faults", RUSAGE_MINFLT, 1,                                                       \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS, 1.0, "", NULL,     \
      0.0, "", NULL, NULL,                                                                         \
      "Number of page faults serviced without any I/O activity via 'reclaiming' a page frame "     \
      "from the list of pages awaiting reallocation")                                              \
    X(NVTX_MARKER, 35, "nvtx_marker", "NvtxMarker", "nvtx_marker", "nvtx", NONE, 0,                \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires NVTX (libnvToolsExt) from the CUDA toolkit; this build has no NVTX support",       \
      "Generates high-level region markers for CUDA profilers")                                    \
    X(OMPT_HANDLE, 36, "ompt_handle", "OmptHandle", "ompt_handle", "ompt,openmp,openmp_tools",     \
      NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                              \
      "requires an OpenMP runtime with the OMPT tools interface (omp-tools.h); this build has "    \
      "no OMPT support",                                                                           \
      "Control switch for enabling/disabling OpenMP tools defined by the tim::api::native_tag "    \
      "tag")                                                                                       \
    X(PAGE_RSS, 37, "page_rss", "PageRss", "page_rss", "", STATM_RESIDENT, 1,                      \
      TIMEMORY_CFLAG_MEMORY, 1e6, "MB", NULL, 0.0, "", NULL, NULL,                                 \
      "Amount of memory allocated in pages of memory. Unlike peak_rss, value will fluctuate as "   \
      "memory is freed/allocated")                                                                 \
    X(PAPI_ARRAY, 38, "papi_array", "PapiArray", "papi_array", "papi_array_t", NONE, 1, 0, 1.0,    \
      "", NULL, 0.0, "", NULL, NULL, "Fixed-size array of PAPI HW counters")                       \
    X(PAPI_VECTOR, 39, "papi_vector", "PapiVector", "papi_vector", "papi", NONE, 1, 0, 1.0, "",    \
      NULL, 0.0, "", NULL, NULL, "Dynamically allocated array of PAPI HW counters")                \
    X(PEAK_RSS, 40, "peak_rss", "PeakRss", "peak_rss", "", RUSAGE_MAXRSS, 1,                       \
      TIMEMORY_CFLAG_MEMORY, 1e6, "MB", NULL, 0.0, "", NULL, NULL,                                 \
      "Measures changes in the high-water mark for the amount of memory allocated in RAM. May "    \
      "fluctuate if swap is enabled")                                                              \
    X(PRIORITY_CONTEXT_SWITCH, 41, "priority_context_switch", "PriorityContextSwitch",             \
      "prio_cxt_swch", "prio_ctx_switch", RUSAGE_NIVCSW, 1,                                        \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS, 1.0, "", NULL,     \
      0.0, "", NULL, NULL,                                                                         \
      "Number of context switch due to higher priority process becoming runnable or because "      \
      "the current process exceeded its time slice)")                                              \
    X(PROCESS_CPU_CLOCK, 42, "process_cpu_clock", "ProcessCpuClock", "process_cpu",                \
      "cpu_process_clock", PROCESS_CPU, 1, TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, \
      "sec", NULL, 0.0, "", NULL, NULL, "CPU-clock timer for the calling process (all threads)")   \
    X(PROCESS_CPU_UTIL, 43, "process_cpu_util", "ProcessCpuUtil", "proc_cpu_util",                 \
      "process_cpu_utilization,cpu_process_util,cpu_process_utilization", UTIL_PROCESS_CPU, 2,     \
      TIMEMORY_CFLAG_PERCENT, 1.0, "%", NULL, 0.0, "", NULL, NULL,                                 \
      "Percentage of CPU-clock time divided by wall-clock time for calling process (all threads)") \
    X(READ_BYTES, 44, "read_bytes", "ReadBytes", "read_bytes", "", IO_READ_BYTES, 2,               \
      TIMEMORY_CFLAG_MEMORY, 1e6, "MB", "read_bytes", 1e6, "MB/sec", "read_rate", NULL,            \
      "Physical I/O reads")                                                                        \
    X(SYS_CLOCK, 45, "sys_clock", "SysClock", "sys", "system_clock", TIMES_SYS, 1,                 \
      TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL,    \
      "CPU time spent in kernel-mode")                                                             \
    X(TAU_MARKER, 46, "tau_marker", "TauMarker", "tau", "tau", NONE, 0, TIMEMORY_CFLAG_NO_STATS,   \
      0.0, "", NULL, 0.0, "", NULL, "requires TAU (libTAU); this build has no TAU support",        \
      "Forwards markers to TAU instrumentation (via Tau_start and Tau_stop)")                      \
    X(THREAD_CPU_CLOCK, 47, "thread_cpu_clock", "ThreadCpuClock", "thread_cpu",                    \
      "cpu_thread_clock", THREAD_CPU, 1, TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0,   \
      "sec", NULL, 0.0, "", NULL, NULL, "CPU-clock timer for the calling thread")                  \
    X(THREAD_CPU_UTIL, 48, "thread_cpu_util", "ThreadCpuUtil", "thread_cpu_util",                  \
      "thread_cpu_utilization,cpu_thread_util,cpu_thread_utilization", UTIL_THREAD_CPU, 2,         \
      TIMEMORY_CFLAG_PERCENT, 1.0, "%", NULL, 0.0, "", NULL, NULL,                                 \
      "Percentage of CPU-clock time divided by wall-clock time for calling thread")                \
    X(TRIP_COUNT, 49, "trip_count", "TripCount", "trip_count", "", TRIP, 1,                        \
      TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_STATS | TIMEMORY_CFLAG_NO_UNITS |                 \
          TIMEMORY_CFLAG_NO_MEAN,                                                                  \
      1.0, "", NULL, 0.0, "", NULL, NULL, "Counts number of invocations")                          \
    X(USER_CLOCK, 50, "user_clock", "UserClock", "user", "", TIMES_USER, 1,                        \
      TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL,    \
      "CPU time spent in user-mode")                                                               \
    X(USER_GLOBAL_BUNDLE, 51, "user_global_bundle", "UserGlobalBundle", "user_global_bundle",      \
      "global_bundle,user_tuple_bundle,tuple_bundle,user_list_bundle,list_bundle", NONE, 0,        \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL, NULL,                                 \
      "Generic bundle of components designed for runtime configuration by a user via "             \
      "environment variables and/or direct insertion")                                             \
    X(USER_LIST_BUNDLE, 52, "user_list_bundle", "UserListBundle", "user_list_bundle",              \
      "list_bundle", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL, NULL,         \
      "Generic bundle of components designed for runtime configuration by a user via "             \
      "environment variables and/or direct insertion")                                             \
    X(USER_MODE_TIME, 53, "user_mode_time", "UserModeTime", "user_mode", "", RUSAGE_UTIME, 1,      \
      TIMEMORY_CFLAG_TIMING, 1.0, "sec", NULL, 0.0, "", NULL, NULL,                                \
      "CPU time spent executing in user mode (via rusage)")                                        \
    X(USER_MPIP_BUNDLE, 54, "user_mpip_bundle", "UserMpipBundle", "user_mpip_bundle",              \
      "mpip,mpi_tools,mpi", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,        \
      "requires MPI and GOTCHA (libgotcha) to wrap the MPI functions; this build has no MPI "      \
      "support",                                                                                   \
      "Generic bundle of components designed for runtime configuration by a user  via "            \
      "environment variables and/or direct insertion")                                             \
    X(USER_OMPT_BUNDLE, 55, "user_ompt_bundle", "UserOmptBundle", "user_ompt_bundle",              \
      "ompt_bundle", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,               \
      "requires an OpenMP runtime with the OMPT tools interface (omp-tools.h); this build has "    \
      "no OMPT support",                                                                           \
      "Generic bundle of components designed for runtime configuration by a user via "             \
      "environment variables and/or direct insertion")                                             \
    X(USER_TUPLE_BUNDLE, 56, "user_tuple_bundle", "UserTupleBundle", "user_tuple_bundle",          \
      "tuple_bundle", NONE, 0, TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL, NULL,        \
      "Generic bundle of components designed for runtime configuration by a user via "             \
      "environment variables and/or direct insertion")                                             \
    X(VIRTUAL_MEMORY, 57, "virtual_memory", "VirtualMemory", "virtual_memory", "", STATM_SIZE, 1,  \
      TIMEMORY_CFLAG_MEMORY, 1e6, "MB", NULL, 0.0, "", NULL, NULL,                                 \
      "Records the change in virtual memory")                                                      \
    X(VOLUNTARY_CONTEXT_SWITCH, 58, "voluntary_context_switch", "VoluntaryContextSwitch",          \
      "vol_cxt_swch", "vol_ctx_switch", RUSAGE_NVCSW, 1,                                           \
      TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS, 1.0, "", NULL,     \
      0.0, "", NULL, NULL,                                                                         \
      "Number of context switches due to a process voluntarily giving up the processor before "    \
      "its time slice was completed")                                                              \
    X(VTUNE_EVENT, 59, "vtune_event", "VtuneEvent", "vtune_event", "", NONE, 0,                    \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires Intel VTune ittnotify (libittnotify); this build has no VTune support",            \
      "Creates events for Intel profiler running on the application")                              \
    X(VTUNE_FRAME, 60, "vtune_frame", "VtuneFrame", "vtune_frame", "", NONE, 0,                    \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires Intel VTune ittnotify (libittnotify); this build has no VTune support",            \
      "Creates frames for Intel profiler running on the application")                              \
    X(VTUNE_PROFILER, 61, "vtune_profiler", "VtuneProfiler", "vtune_profiler", "", NONE, 0,        \
      TIMEMORY_CFLAG_NO_STATS, 0.0, "", NULL, 0.0, "", NULL,                                       \
      "requires Intel VTune ittnotify (libittnotify); this build has no VTune support",            \
      "Control switch for Intel profiler running on the application")                              \
    X(WALL_CLOCK, 62, "wall_clock", "WallClock", "wall", "real_clock,virtual_clock", WALL, 1,      \
      TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL,    \
      "Real-clock timer (i.e. wall-clock timer)")                                                  \
    X(WRITTEN_BYTES, 63, "written_bytes", "WrittenBytes", "written_bytes", "write_bytes",          \
      IO_WRITE_BYTES, 2, TIMEMORY_CFLAG_MEMORY, 1e6, "MB", "written_bytes", 1e6, "MB/sec",         \
      "written_rate", NULL, "Physical I/O writes")                                                 \
    TIMEMORY_COMPONENTS_TEST_ROW(X)

/* The build option TIMEMORY_TEST_COMPONENT adds a row the way docs/adding-a-component.md says
 * a new component is added (value 65, its sampler SAMPLE_COUNTER in src/components.c), so that
 * tests/c/test_component_added.c and tests/python/test_component_added.py check that a row and
 * a sampler are all a new component needs. */
#ifdef TIMEMORY_TEST_COMPONENT
#    define TIMEMORY_COMPONENTS_TEST_ROW(X)                                                        \
        X(TEST_SAMPLE_COUNTER, 65, "test_sample_counter", "TestSampleCounter", "test_samples",     \
          "test_samples", SAMPLE_COUNTER, 1, TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS,     \
          1.0, "", NULL, 0.0, "", NULL, NULL,                                                      \
          "Counts the samples taken of it (test build only): one per push and per pop")
#else
#    define TIMEMORY_COMPONENTS_TEST_ROW(X)
#endif

#endif /* TIMEMORY_COMPONENT_TABLE_H */
