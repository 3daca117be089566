/* settings_table.h -- the rows of the settings table (see settings.h for the columns), one per
 * setting of spec/SETTINGS.md section 2, in registration order (argparse and metadata order).
 * Defaults that depend on the process (config_file from $HOME, target_pid, ert_num_threads_cpu,
 * banner, craypat_categories, the *_cpu/_gpu roofline copies) are filled in by settings.c; the
 * value here is the fallback. TIMEMORY_NETWORK_INTERFACE is hidden (no python name): the field
 * is network_interface, but settings.c reports no name for it.
 */
#ifndef TIMEMORY_SETTINGS_TABLE_H
#define TIMEMORY_SETTINGS_TABLE_H

/* one setting per group of lines, laid out by hand: */
/* clang-format off */
#define TIMEMORY_SETTINGS_TABLE(X)                                                               \
    X(config_file, "TIMEMORY_CONFIG_FILE",                                                       \
      STRING, char*, "std::string", "", 0, 0, "-C --timemory-config",                            \
      "Configuration file for timemory")                                                         \
    X(suppress_config, "TIMEMORY_SUPPRESS_CONFIG",                                               \
      BOOL, bool, "bool", false, 0, 0, "--timemory-suppress-config --timemory-no-config",        \
      "Disable processing of setting configuration files")                                       \
    X(suppress_parsing, "TIMEMORY_SUPPRESS_PARSING",                                             \
      BOOL, bool, "bool", false, 0, 0, "--timemory-suppress-parsing",                            \
      "Disable parsing environment")                                                             \
    X(enabled, "TIMEMORY_ENABLED",                                                               \
      BOOL, bool, "bool", true, 0, 0, "--timemory-enabled",                                      \
      "Activation state of timemory")                                                            \
    X(verbose, "TIMEMORY_VERBOSE",                                                               \
      INT, int, "int", 0, INT32_MIN, INT32_MAX, "--timemory-verbose",                            \
      "Verbosity level")                                                                         \
    X(debug, "TIMEMORY_DEBUG",                                                                   \
      BOOL, bool, "bool", false, 0, 0, "--timemory-debug",                                       \
      "Enable debug output")                                                                     \
    X(flat_profile, "TIMEMORY_FLAT_PROFILE",                                                     \
      BOOL, bool, "bool", false, 0, 0, "--timemory-flat-profile",                                \
      "Set the label hierarchy mode to default to flat")                                         \
    X(timeline_profile, "TIMEMORY_TIMELINE_PROFILE",                                             \
      BOOL, bool, "bool", false, 0, 0, "--timemory-timeline-profile",                            \
      "Set the label hierarchy mode to default to timeline")                                     \
    X(max_depth, "TIMEMORY_MAX_DEPTH",                                                           \
      INT, uint16_t, "unsigned short", 65535, 0, UINT16_MAX, "--timemory-max-depth",             \
      "Set the maximum depth of label hierarchy reporting")                                      \
    X(global_components, "TIMEMORY_GLOBAL_COMPONENTS",                                           \
      STRING, char*, "std::string", "", 0, 0, "--timemory-global-components",                    \
      "A specification of components which is used by multiple variadic bundlers and "           \
      "user_bundles as the fall-back set of components if their specific variable is not "       \
      "set. E.g. user_mpip_bundle will use this if TIMEMORY_MPIP_COMPONENTS is not "             \
      "specified")                                                                               \
    X(ompt_components, "TIMEMORY_OMPT_COMPONENTS",                                               \
      STRING, char*, "std::string", "", 0, 0, "--timemory-ompt-components",                      \
      "A specification of components which will be added to structures containing the "          \
      "'user_ompt_bundle'. Priority: TRACE_COMPONENTS -> PROFILER_COMPONENTS -> "                \
      "COMPONENTS -> GLOBAL_COMPONENTS")                                                         \
    X(mpip_components, "TIMEMORY_MPIP_COMPONENTS",                                               \
      STRING, char*, "std::string", "", 0, 0, "--timemory-mpip-components",                      \
      "A specification of components which will be added to structures containing the "          \
      "'user_mpip_bundle'. Priority: TRACE_COMPONENTS -> PROFILER_COMPONENTS -> "                \
      "COMPONENTS -> GLOBAL_COMPONENTS")                                                         \
    X(ncclp_components, "TIMEMORY_NCCLP_COMPONENTS",                                             \
      STRING, char*, "std::string", "", 0, 0, "--timemory-ncclp-components",                     \
      "A specification of components which will be added to structures containing the "          \
      "'user_ncclp_bundle'. Priority: MPIP_COMPONENTS -> TRACE_COMPONENTS -> "                   \
      "PROFILER_COMPONENTS -> COMPONENTS -> GLOBAL_COMPONENTS")                                  \
    X(trace_components, "TIMEMORY_TRACE_COMPONENTS",                                             \
      STRING, char*, "std::string", "", 0, 0, "--timemory-trace-components",                     \
      "A specification of components which will be used by the interfaces which are "            \
      "designed for full profiling. These components will be subjected to throttling. "          \
      "Priority: COMPONENTS -> GLOBAL_COMPONENTS")                                               \
    X(profiler_components, "TIMEMORY_PROFILER_COMPONENTS",                                       \
      STRING, char*, "std::string", "", 0, 0, "--timemory-profiler-components",                  \
      "A specification of components which will be used by the interfaces which are "            \
      "designed for full python profiling. This specification will be overridden by a "          \
      "trace_components specification. Priority: COMPONENTS -> GLOBAL_COMPONENTS")               \
    X(kokkos_components, "TIMEMORY_KOKKOS_COMPONENTS",                                           \
      STRING, char*, "std::string", "", 0, 0, "--timemory-kokkos-components",                    \
      "A specification of components which will be used by the interfaces which are "            \
      "designed for kokkos profiling. Priority: TRACE_COMPONENTS -> PROFILER_COMPONENTS "        \
      "-> COMPONENTS -> GLOBAL_COMPONENTS")                                                      \
    X(components, "TIMEMORY_COMPONENTS",                                                         \
      STRING, char*, "std::string", "", 0, 0, "--timemory-components",                           \
      "A specification of components which is used by the library interface. This falls "        \
      "back to TIMEMORY_GLOBAL_COMPONENTS.")                                                     \
    X(auto_output, "TIMEMORY_AUTO_OUTPUT",                                                       \
      BOOL, bool, "bool", true, 0, 0, "--timemory-auto-output",                                  \
      "Generate output at application termination")                                              \
    X(cout_output, "TIMEMORY_COUT_OUTPUT",                                                       \
      BOOL, bool, "bool", true, 0, 0, "--timemory-cout-output",                                  \
      "Write output to stdout")                                                                  \
    X(file_output, "TIMEMORY_FILE_OUTPUT",                                                       \
      BOOL, bool, "bool", true, 0, 0, "--timemory-file-output",                                  \
      "Write output to files")                                                                   \
    X(text_output, "TIMEMORY_TEXT_OUTPUT",                                                       \
      BOOL, bool, "bool", true, 0, 0, "--timemory-text-output",                                  \
      "Write text output files")                                                                 \
    X(json_output, "TIMEMORY_JSON_OUTPUT",                                                       \
      BOOL, bool, "bool", true, 0, 0, "--timemory-json-output",                                  \
      "Write json output files")                                                                 \
    X(tree_output, "TIMEMORY_TREE_OUTPUT",                                                       \
      BOOL, bool, "bool", true, 0, 0, "--timemory-tree-output",                                  \
      "Write hierarchical json output files")                                                    \
    X(dart_output, "TIMEMORY_DART_OUTPUT",                                                       \
      BOOL, bool, "bool", false, 0, 0, "--timemory-dart-output",                                 \
      "Write dart measurements for CDash")                                                       \
    X(time_output, "TIMEMORY_TIME_OUTPUT",                                                       \
      BOOL, bool, "bool", false, 0, 0, "--timemory-time-output",                                 \
      "Output data to subfolder w/ a timestamp (see also: TIMEMORY_TIME_FORMAT)")                \
    X(plot_output, "TIMEMORY_PLOT_OUTPUT",                                                       \
      BOOL, bool, "bool", false, 0, 0, "--timemory-plot-output",                                 \
      "Generate plot outputs from json outputs")                                                 \
    X(diff_output, "TIMEMORY_DIFF_OUTPUT",                                                       \
      BOOL, bool, "bool", false, 0, 0, "--timemory-diff-output",                                 \
      "Generate a difference output vs. a pre-existing output (see also: "                       \
      "TIMEMORY_INPUT_PATH and TIMEMORY_INPUT_PREFIX)")                                          \
    X(flamegraph_output, "TIMEMORY_FLAMEGRAPH_OUTPUT",                                           \
      BOOL, bool, "bool", true, 0, 0, "--timemory-flamegraph-output",                            \
      "Write a json output for flamegraph visualization (use chrome://tracing)")                 \
    X(timeline, "TIMEMORY_TIMELINE",                                                             \
      BOOL, bool, "bool", false, 0, 0, "--timemory-timeline",                                    \
      "Record the start and end of every call per thread and write timeline.json, a "            \
      "Chrome/Perfetto trace with real timestamps (open it in ui.perfetto.dev)")                 \
    X(timeline_capacity, "TIMEMORY_TIMELINE_CAPACITY",                                           \
      INT, int64_t, "long", 1048576, 16, 1073741824, "--timemory-timeline-capacity",             \
      "Events (a call is two) each thread's timeline holds; later calls are dropped and "        \
      "counted (24 bytes an event, memory committed as it fills)")                               \
    X(ctest_notes, "TIMEMORY_CTEST_NOTES",                                                       \
      BOOL, bool, "bool", false, 0, 0, "--timemory-ctest-notes",                                 \
      "Write a CTestNotes.txt for each text output")                                             \
    X(output_path, "TIMEMORY_OUTPUT_PATH",                                                       \
      STRING, char*, "std::string", "timemory-output", 0, 0, "--timemory-output-path",           \
      "Explicitly specify the output folder for results")                                        \
    X(output_prefix, "TIMEMORY_OUTPUT_PREFIX",                                                   \
      STRING, char*, "std::string", "", 0, 0, "--timemory-output-prefix",                        \
      "Explicitly specify a prefix for all output files")                                        \
    X(input_path, "TIMEMORY_INPUT_PATH",                                                         \
      STRING, char*, "std::string", "", 0, 0, "--timemory-input-path",                           \
      "Explicitly specify the input folder for difference comparisons (see also: "               \
      "TIMEMORY_DIFF_OUTPUT)")                                                                   \
    X(input_prefix, "TIMEMORY_INPUT_PREFIX",                                                     \
      STRING, char*, "std::string", "", 0, 0, "--timemory-input-prefix",                         \
      "Explicitly specify the prefix for input files used in difference comparisons (see "       \
      "also: TIMEMORY_DIFF_OUTPUT)")                                                             \
    X(input_extensions, "TIMEMORY_INPUT_EXTENSIONS",                                             \
      STRING, char*, "std::string", "json,xml", 0, 0, "--timemory-input-extensions",             \
      "File extensions used when searching for input files used in difference comparisons "      \
      "(see also: TIMEMORY_DIFF_OUTPUT)")                                                        \
    X(time_format, "TIMEMORY_TIME_FORMAT",                                                       \
      STRING, char*, "std::string", "%F_%I.%M_%p", 0, 0, "--timemory-time-format",               \
      "Customize the folder generation when TIMEMORY_TIME_OUTPUT is enabled (see also: "         \
      "strftime)")                                                                               \
    X(precision, "TIMEMORY_PRECISION",                                                           \
      INT, int16_t, "short", -1, INT16_MIN, INT16_MAX, "--timemory-precision",                   \
      "Set the global output precision for components")                                          \
    X(width, "TIMEMORY_WIDTH",                                                                   \
      INT, int16_t, "short", -1, INT16_MIN, INT16_MAX, "--timemory-width",                       \
      "Set the global output width for components")                                              \
    X(max_width, "TIMEMORY_MAX_WIDTH",                                                           \
      INT, int, "int", 120, INT32_MIN, INT32_MAX, "--timemory-max-width",                        \
      "Set the maximum width for component label outputs")                                       \
    X(scientific, "TIMEMORY_SCIENTIFIC",                                                         \
      BOOL, bool, "bool", false, 0, 0, "--timemory-scientific",                                  \
      "Set the global numerical reporting to scientific format")                                 \
    X(timing_precision, "TIMEMORY_TIMING_PRECISION",                                             \
      INT, int16_t, "short", -1, INT16_MIN, INT16_MAX, "",                                       \
      "Set the precision for components with 'is_timing_category' type-trait")                   \
    X(timing_width, "TIMEMORY_TIMING_WIDTH",                                                     \
      INT, int16_t, "short", -1, INT16_MIN, INT16_MAX, "",                                       \
      "Set the output width for components with 'is_timing_category' type-trait")                \
    X(timing_units, "TIMEMORY_TIMING_UNITS",                                                     \
      STRING, char*, "std::string", "", 0, 0, "--timemory-timing-units",                         \
      "Set the units for components with 'uses_timing_units' type-trait")                        \
    X(timing_scientific, "TIMEMORY_TIMING_SCIENTIFIC",                                           \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Set the numerical reporting format for components with 'is_timing_category' "             \
      "type-trait")                                                                              \
    X(memory_precision, "TIMEMORY_MEMORY_PRECISION",                                             \
      INT, int16_t, "short", -1, INT16_MIN, INT16_MAX, "",                                       \
      "Set the precision for components with 'is_memory_category' type-trait")                   \
    X(memory_width, "TIMEMORY_MEMORY_WIDTH",                                                     \
      INT, int16_t, "short", -1, INT16_MIN, INT16_MAX, "",                                       \
      "Set the output width for components with 'is_memory_category' type-trait")                \
    X(memory_units, "TIMEMORY_MEMORY_UNITS",                                                     \
      STRING, char*, "std::string", "", 0, 0, "--timemory-memory-units",                         \
      "Set the units for components with 'uses_memory_units' type-trait")                        \
    X(memory_scientific, "TIMEMORY_MEMORY_SCIENTIFIC",                                           \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Set the numerical reporting format for components with 'is_memory_category' "             \
      "type-trait")                                                                              \
    X(separator_frequency, "TIMEMORY_SEPARATOR_FREQ",                                            \
      INT, int64_t, "long", 0, INT64_MIN, INT64_MAX, "",                                         \
      "Frequency of dashed separator lines in text output")                                      \
    X(max_thread_bookmarks, "TIMEMORY_MAX_THREAD_BOOKMARKS",                                     \
      INT, size_t, "unsigned long", 50, 0, INT64_MAX, "",                                        \
      "Maximum number of times a worker thread bookmarks the call-graph location w.r.t. "        \
      "the master thread. Higher values tend to increase the finalization merge time")           \
    X(collapse_threads, "TIMEMORY_COLLAPSE_THREADS",                                             \
      BOOL, bool, "bool", true, 0, 0, "--timemory-collapse-threads",                             \
      "Enable/disable combining thread-specific data")                                           \
    X(collapse_processes, "TIMEMORY_COLLAPSE_PROCESSES",                                         \
      BOOL, bool, "bool", true, 0, 0, "--timemory-collapse-processes",                           \
      "Enable/disable combining process-specific data")                                          \
    X(cpu_affinity, "TIMEMORY_CPU_AFFINITY",                                                     \
      BOOL, bool, "bool", false, 0, 0, "--timemory-cpu-affinity",                                \
      "Enable pinning threads to CPUs (Linux-only)")                                             \
    X(target_pid, "TIMEMORY_TARGET_PID",                                                         \
      INT, int, "int", 0, 0, INT32_MAX, "",                                                      \
      "Process ID for the components which require this")                                        \
    X(mpi_init, "TIMEMORY_MPI_INIT",                                                             \
      BOOL, bool, "bool", false, 0, 0, "--timemory-mpi-init",                                    \
      "Enable/disable timemory calling MPI_Init / MPI_Init_thread during certain "               \
      "timemory_init(...) invocations")                                                          \
    X(mpi_finalize, "TIMEMORY_MPI_FINALIZE",                                                     \
      BOOL, bool, "bool", false, 0, 0, "--timemory-mpi-finalize",                                \
      "Enable/disable timemory calling MPI_Finalize during timemory_finalize(...) "              \
      "invocations")                                                                             \
    X(mpi_thread, "TIMEMORY_MPI_THREAD",                                                         \
      BOOL, bool, "bool", true, 0, 0, "--timemory-mpi-thread",                                   \
      "Call MPI_Init_thread instead of MPI_Init (see also: TIMEMORY_MPI_INIT)")                  \
    X(mpi_thread_type, "TIMEMORY_MPI_THREAD_TYPE",                                               \
      STRING, char*, "std::string", "", 0, 0, "--timemory-mpi-thread-type",                      \
      "MPI_Init_thread mode: 'single', 'serialized', 'funneled', or 'multiple' (see also: "      \
      "TIMEMORY_MPI_INIT and TIMEMORY_MPI_THREAD)")                                              \
    X(upcxx_init, "TIMEMORY_UPCXX_INIT",                                                         \
      BOOL, bool, "bool", false, 0, 0, "--timemory-upcxx-init",                                  \
      "Enable/disable timemory calling upcxx::init() during certain timemory_init(...) "         \
      "invocations")                                                                             \
    X(upcxx_finalize, "TIMEMORY_UPCXX_FINALIZE",                                                 \
      BOOL, bool, "bool", false, 0, 0, "--timemory-upcxx-finalize",                              \
      "Enable/disable timemory calling upcxx::finalize() during timemory_finalize()")            \
    X(node_count, "TIMEMORY_NODE_COUNT",                                                         \
      INT, int, "int", 0, INT32_MIN, INT32_MAX, "--timemory-node-count",                         \
      "Total number of nodes used in application. Setting this value > 1 will result in "        \
      "aggregating N processes into groups of N / NODE_COUNT")                                   \
    X(papi_threading, "TIMEMORY_PAPI_THREADING",                                                 \
      BOOL, bool, "bool", true, 0, 0, "--timemory-papi-threading",                               \
      "Enable multithreading support when using PAPI")                                           \
    X(papi_multiplexing, "TIMEMORY_PAPI_MULTIPLEXING",                                           \
      BOOL, bool, "bool", false, 0, 0, "--timemory-papi-multiplexing",                           \
      "Enable multiplexing when using PAPI")                                                     \
    X(papi_fail_on_error, "TIMEMORY_PAPI_FAIL_ON_ERROR",                                         \
      BOOL, bool, "bool", false, 0, 0, "--timemory-papi-fail-on-error",                          \
      "Configure PAPI errors to trigger a runtime error")                                        \
    X(papi_quiet, "TIMEMORY_PAPI_QUIET",                                                         \
      BOOL, bool, "bool", false, 0, 0, "--timemory-papi-quiet",                                  \
      "Configure suppression of reporting PAPI errors/warnings")                                 \
    X(papi_events, "TIMEMORY_PAPI_EVENTS",                                                       \
      STRING, char*, "std::string", "", 0, 0, "--timemory-papi-events",                          \
      "PAPI presets and events to collect (see also: papi_avail)")                               \
    X(papi_attach, "TIMEMORY_PAPI_ATTACH",                                                       \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Configure PAPI to attach to another process (see also: TIMEMORY_TARGET_PID)")             \
    X(papi_overflow, "TIMEMORY_PAPI_OVERFLOW",                                                   \
      INT, int, "int", 0, INT32_MIN, INT32_MAX, "--timemory-papi-overflow",                      \
      "Value at which PAPI hw counters trigger an overflow callback")                            \
    X(cuda_event_batch_size, "TIMEMORY_CUDA_EVENT_BATCH_SIZE",                                   \
      INT, uint64_t, "unsigned long", 5, 0, INT64_MAX, "",                                       \
      "Batch size for create cudaEvent_t in cuda_event components")                              \
    X(nvtx_marker_device_sync, "TIMEMORY_NVTX_MARKER_DEVICE_SYNC",                               \
      BOOL, bool, "bool", true, 0, 0, "",                                                        \
      "Use cudaDeviceSync when stopping NVTX marker (vs. cudaStreamSychronize)")                 \
    X(cupti_activity_level, "TIMEMORY_CUPTI_ACTIVITY_LEVEL",                                     \
      INT, int, "int", 1, INT32_MIN, INT32_MAX, "--timemory-cupti-activity-level",               \
      "Default group of kinds tracked via CUpti Activity API")                                   \
    X(cupti_activity_kinds, "TIMEMORY_CUPTI_ACTIVITY_KINDS",                                     \
      STRING, char*, "std::string", "", 0, 0, "--timemory-cupti-activity-kinds",                 \
      "Specific cupti activity kinds to track")                                                  \
    X(cupti_events, "TIMEMORY_CUPTI_EVENTS",                                                     \
      STRING, char*, "std::string", "", 0, 0, "--timemory-cupti-events",                         \
      "Hardware counter event types to collect on NVIDIA GPUs")                                  \
    X(cupti_metrics, "TIMEMORY_CUPTI_METRICS",                                                   \
      STRING, char*, "std::string", "", 0, 0, "--timemory-cupti-metrics",                        \
      "Hardware counter metric types to collect on NVIDIA GPUs")                                 \
    X(cupti_device, "TIMEMORY_CUPTI_DEVICE",                                                     \
      INT, int, "int", 0, INT32_MIN, INT32_MAX, "--timemory-cupti-device",                       \
      "Target device for CUPTI data collection")                                                 \
    X(cupti_pcsampling_period, "TIMEMORY_CUPTI_PCSAMPLING_PERIOD",                               \
      INT, int, "int", 8, 5, 31, "--timemory-cupti-pcsampling-period",                           \
      "The period for PC sampling. Must be >= 5 and <= 31")                                      \
    X(cupti_pcsampling_per_line, "TIMEMORY_CUPTI_PCSAMPLING_PER_LINE",                           \
      BOOL, bool, "bool", false, 0, 0, "--timemory-cupti-pcsampling-per-line",                   \
      "Report the PC samples per-line or collapse into one entry for entire function")           \
    X(cupti_pcsampling_region_totals, "TIMEMORY_CUPTI_PCSAMPLING_REGION_TOTALS",                 \
      BOOL, bool, "bool", true, 0, 0, "--timemory-cupti-pcsampling-region-totals",               \
      "When enabled, region markers will report total samples from all child functions")         \
    X(cupti_pcsampling_serialized, "TIMEMORY_CUPTI_PCSAMPLING_SERIALIZED",                       \
      BOOL, bool, "bool", false, 0, 0, "--timemory-cupti-pcsampling-serialize",                  \
      "Serialize all the kernel functions")                                                      \
    X(cupti_pcsampling_num_collect, "TIMEMORY_CUPTI_PCSAMPLING_NUM_COLLECT",                     \
      INT, size_t, "unsigned long", 100, 0, INT64_MAX,                                           \
      "--timemory-cupti-pcsampling-num-collect",                                                 \
      "Number of PCs to be collected")                                                           \
    X(cupti_pcsampling_stall_reasons, "TIMEMORY_CUPTI_PCSAMPLING_STALL_REASONS",                 \
      STRING, char*, "std::string", "", 0, 0, "--timemory-cupti-pcsampling-stall-reasons",       \
      "The PC sampling stall reasons to count")                                                  \
    X(craypat_categories, "TIMEMORY_CRAYPAT",                                                    \
      STRING, char*, "std::string", "", 0, 0, "",                                                \
      "Configure the CrayPAT categories to collect")                                             \
    X(python_exe, "TIMEMORY_PYTHON_EXE",                                                         \
      STRING, char*, "std::string", "python", 0, 0, "--timemory-python-exe",                     \
      "Configure the python executable to use")                                                  \
    X(roofline_mode, "TIMEMORY_ROOFLINE_MODE",                                                   \
      STRING, char*, "std::string", "op", 0, 0, "--timemory-roofline-mode",                      \
      "Configure the roofline collection mode. Options: 'op' 'ai'.")                             \
    X(cpu_roofline_mode, "TIMEMORY_ROOFLINE_MODE_CPU",                                           \
      STRING, char*, "std::string", "op", 0, 0, "--timemory-cpu-roofline-mode",                  \
      "Configure the roofline collection mode for CPU specifically. Options: 'op', 'ai'")        \
    X(gpu_roofline_mode, "TIMEMORY_ROOFLINE_MODE_GPU",                                           \
      STRING, char*, "std::string", "op", 0, 0, "--timemory-gpu-roofline-mode",                  \
      "Configure the roofline collection mode for GPU specifically. Options: 'op' 'ai'.")        \
    X(cpu_roofline_events, "TIMEMORY_ROOFLINE_EVENTS_CPU",                                       \
      STRING, char*, "std::string", "", 0, 0, "",                                                \
      "Configure custom hw counters to add to the cpu roofline")                                 \
    X(gpu_roofline_events, "TIMEMORY_ROOFLINE_EVENTS_GPU",                                       \
      STRING, char*, "std::string", "", 0, 0, "",                                                \
      "Configure custom hw counters to add to the gpu roofline")                                 \
    X(roofline_type_labels, "TIMEMORY_ROOFLINE_TYPE_LABELS",                                     \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Configure roofline labels/descriptions/output-files encode the list of data types")       \
    X(roofline_type_labels_cpu, "TIMEMORY_ROOFLINE_TYPE_LABELS_CPU",                             \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Configure labels, etc. for the roofline components for CPU (see also: "                   \
      "TIMEMORY_ROOFLINE_TYPE_LABELS)")                                                          \
    X(roofline_type_labels_gpu, "TIMEMORY_ROOFLINE_TYPE_LABELS_GPU",                             \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Configure labels, etc. for the roofline components for GPU (see also: "                   \
      "TIMEMORY_ROOFLINE_TYPE_LABELS)")                                                          \
    X(instruction_roofline, "TIMEMORY_INSTRUCTION_ROOFLINE",                                     \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Configure the roofline to include the hw counters required for generating an "            \
      "instruction roofline")                                                                    \
    X(add_secondary, "TIMEMORY_ADD_SECONDARY",                                                   \
      BOOL, bool, "bool", true, 0, 0, "--timemory-add-secondary",                                \
      "Enable/disable components adding secondary (child) entries when available. E.g. "         \
      "suppress individual CUDA kernels, etc. when using Cupti components")                      \
    X(throttle_count, "TIMEMORY_THROTTLE_COUNT",                                                 \
      INT, size_t, "unsigned long", 10000, 0, INT64_MAX, "--timemory-throttle-count",            \
      "Minimum number of laps before checking whether a key should be throttled")                \
    X(throttle_value, "TIMEMORY_THROTTLE_VALUE",                                                 \
      INT, size_t, "unsigned long", 10000, 0, INT64_MAX, "--timemory-throttle-value",            \
      "Average call time in nanoseconds when # laps > throttle_count that triggers "             \
      "throttling")                                                                              \
    X(enable_signal_handler, "TIMEMORY_ENABLE_SIGNAL_HANDLER",                                   \
      BOOL, bool, "bool", false, 0, 0, "--timemory-enable-signal-handler",                       \
      "Enable signals in timemory_init")                                                         \
    X(allow_signal_handler, "TIMEMORY_ALLOW_SIGNAL_HANDLER",                                     \
      BOOL, bool, "bool", true, 0, 0, "--timemory-allow-signal-handler",                         \
      "Allow signal handling to be activated")                                                   \
    X(enable_all_signals, "TIMEMORY_ENABLE_ALL_SIGNALS",                                         \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Enable catching all signals")                                                             \
    X(disable_all_signals, "TIMEMORY_DISABLE_ALL_SIGNALS",                                       \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Disable catching any signals")                                                            \
    X(destructor_report, "TIMEMORY_DESTRUCTOR_REPORT",                                           \
      BOOL, bool, "bool", false, 0, 0, "--timemory-destructor-report",                           \
      "Configure default setting for auto_{list,tuple,hybrid} to write to stdout during "        \
      "destruction of the bundle")                                                               \
    X(stack_clearing, "TIMEMORY_STACK_CLEARING",                                                 \
      BOOL, bool, "bool", true, 0, 0, "--timemory-stack-clearing",                               \
      "Enable/disable stopping any markers still running during finalization")                   \
    X(banner, "TIMEMORY_BANNER",                                                                 \
      BOOL, bool, "bool", false, 0, 0, "",                                                       \
      "Notify about tim::manager creation and destruction")                                      \
    X(network_interface, "TIMEMORY_NETWORK_INTERFACE",                                           \
      STRING, char*, "std::string", "", 0, 0, "--timemory-network-interface",                    \
      "Default network interface")                                                               \
    X(ert_num_threads, "TIMEMORY_ERT_NUM_THREADS",                                               \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Number of threads to use when running ERT")                                               \
    X(ert_num_threads_cpu, "TIMEMORY_ERT_NUM_THREADS_CPU",                                       \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Number of threads to use when running ERT on CPU")                                        \
    X(ert_num_threads_gpu, "TIMEMORY_ERT_NUM_THREADS_GPU",                                       \
      INT, uint64_t, "unsigned long", 1, 0, INT64_MAX, "",                                       \
      "Number of threads which launch kernels when running ERT on the GPU")                      \
    X(ert_num_streams, "TIMEMORY_ERT_NUM_STREAMS",                                               \
      INT, uint64_t, "unsigned long", 1, 0, INT64_MAX, "",                                       \
      "Number of streams to use when launching kernels in ERT on the GPU")                       \
    X(ert_grid_size, "TIMEMORY_ERT_GRID_SIZE",                                                   \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Configure the grid size (number of blocks) for ERT on GPU (0 == auto-compute)")           \
    X(ert_block_size, "TIMEMORY_ERT_BLOCK_SIZE",                                                 \
      INT, uint64_t, "unsigned long", 1024, 0, INT64_MAX, "",                                    \
      "Configure the block size (number of threads per block) for ERT on GPU")                   \
    X(ert_alignment, "TIMEMORY_ERT_ALIGNMENT",                                                   \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Configure the alignment (in bits) when running ERT on CPU (0 == 8 * sizeof(T))")          \
    X(ert_min_working_size, "TIMEMORY_ERT_MIN_WORKING_SIZE",                                     \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Configure the minimum working size when running ERT (0 == device specific)")              \
    X(ert_min_working_size_cpu, "TIMEMORY_ERT_MIN_WORKING_SIZE_CPU",                             \
      INT, uint64_t, "unsigned long", 64, 0, INT64_MAX, "",                                      \
      "Configure the minimum working size when running ERT on CPU")                              \
    X(ert_min_working_size_gpu, "TIMEMORY_ERT_MIN_WORKING_SIZE_GPU",                             \
      INT, uint64_t, "unsigned long", 10000000, 0, INT64_MAX, "",                                \
      "Configure the minimum working size when running ERT on GPU")                              \
    X(ert_max_data_size, "TIMEMORY_ERT_MAX_DATA_SIZE",                                           \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Configure the max data size when running ERT on CPU")                                     \
    X(ert_max_data_size_cpu, "TIMEMORY_ERT_MAX_DATA_SIZE_CPU",                                   \
      INT, uint64_t, "unsigned long", 0, 0, INT64_MAX, "",                                       \
      "Configure the max data size when running ERT on CPU")                                     \
    X(ert_max_data_size_gpu, "TIMEMORY_ERT_MAX_DATA_SIZE_GPU",                                   \
      INT, uint64_t, "unsigned long", 500000000, 0, INT64_MAX, "",                               \
      "Configure the max data size when running ERT on GPU")                                     \
    X(ert_skip_ops, "TIMEMORY_ERT_SKIP_OPS",                                                     \
      STRING, char*, "std::string", "", 0, 0, "",                                                \
      "Skip these number of ops (i.e. ERT_FLOPS) when were set at compile time")                 \
    X(dart_type, "TIMEMORY_DART_TYPE",                                                           \
      STRING, char*, "std::string", "", 0, 0, "--timemory-dart-type",                            \
      "Only echo this measurement type (see also: TIMEMORY_DART_OUTPUT)")                        \
    X(dart_count, "TIMEMORY_DART_COUNT",                                                         \
      INT, uint64_t, "unsigned long", 1, 0, INT64_MAX, "--timemory-dart-count",                  \
      "Only echo this number of dart tags (see also: TIMEMORY_DART_OUTPUT)")                     \
    X(dart_label, "TIMEMORY_DART_LABEL",                                                         \
      BOOL, bool, "bool", true, 0, 0, "--timemory-dart-label",                                   \
      "Echo the category instead of the label (see also: TIMEMORY_DART_OUTPUT)")                 \
    X(child_output, "TIMEMORY_CHILD_OUTPUT",                                                     \
      BOOL, bool, "bool", false, 0, 0, "--timemory-child-output",                                \
      "Child processes (fork, multiprocessing) also write their own output into "                \
      "<output_path>/fork-<pid>/ besides handing their data to the parent")                      \
    X(sort_key, "TIMEMORY_SORT_KEY",                                                             \
      STRING, char*, "std::string", "none", 0, 0, "--timemory-sort-key",                         \
      "Order of sibling entries in the results (tables, JSON): 'none' (the order of first "      \
      "calls), 'inclusive', 'self', 'count' (largest first) or 'name'")                           \
    X(cout_mode, "TIMEMORY_COUT_MODE",                                                           \
      STRING, char*, "std::string", "auto", 0, 0, "--timemory-cout-mode",                        \
      "What cout_output prints for each component: 'full' (the whole table, as the text "        \
      "file), 'summary' (a view that fits the terminal: top entries by self and inclusive "      \
      "value, the call tree above TIMEMORY_SUMMARY_THRESHOLD, where the files went) or "         \
      "'auto' (the whole table when it has at most TIMEMORY_COUT_MAX_ROWS rows, else the "       \
      "summary)")                                                                                \
    X(cout_max_rows, "TIMEMORY_COUT_MAX_ROWS",                                                   \
      INT, int, "int", 50, 0, INT32_MAX, "--timemory-cout-max-rows",                             \
      "With TIMEMORY_COUT_MODE=auto, tables of at most this many rows are printed whole")        \
    X(summary_width, "TIMEMORY_SUMMARY_WIDTH",                                                   \
      INT, int, "int", 0, 0, 4096, "--timemory-summary-width",                                   \
      "Columns of the stdout summary (0: $COLUMNS when it is set, else 80; at least 40)")        \
    X(summary_threshold, "TIMEMORY_SUMMARY_THRESHOLD",                                           \
      DOUBLE, double, "double", 1.0, 0, 100, "--timemory-summary-threshold",                     \
      "The summary's call tree hides entries below this percent of the total")                   \
    X(summary_top, "TIMEMORY_SUMMARY_TOP",                                                       \
      INT, int, "int", 5, 0, 100, "--timemory-summary-top",                                      \
      "Entries the summary lists by self value and by inclusive value")                          \
    X(summary_tree_lines, "TIMEMORY_SUMMARY_TREE_LINES",                                         \
      INT, int, "int", 30, 0, INT32_MAX, "--timemory-summary-tree-lines",                        \
      "Lines of the summary's call tree at most (the rest is counted in one line)")              \
    X(output_progress, "TIMEMORY_OUTPUT_PROGRESS",                                               \
      STRING, char*, "std::string", "auto", 0, 0, "--timemory-output-progress",                  \
      "A progress line on stderr when writing the outputs takes over a second: 'auto' (when "    \
      "stderr is a terminal), 'on' or 'off'")                                                    \
    X(ert_trials_min, "TIMEMORY_ERT_TRIALS_MIN",                                                 \
      INT, uint64_t, "unsigned long", 1, 1, INT64_MAX, "",                                       \
      "Fewest sweeps of the working set in one ERT measurement (each measurement makes at "      \
      "least this many and enough to move about the largest working set's bytes)")
/* clang-format on */

#endif
