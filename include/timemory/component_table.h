/* component_table.h -- the rows of the component table (see components.h for the columns). */
#ifndef TIMEMORY_COMPONENT_TABLE_H
#define TIMEMORY_COMPONENT_TABLE_H

#define TIMEMORY_COMPONENTS_TABLE(X)                                                            \
    X(CPU_CLOCK, 4, "cpu_clock", "CpuClock", "cpu", "", TIMES_CPU, 1,                          \
      TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL, \
      "Total CPU time spent in both user- and kernel-mode")                                    \
    X(PEAK_RSS, 40, "peak_rss", "PeakRss", "peak_rss", "", RUSAGE_MAXRSS, 1,                   \
      TIMEMORY_CFLAG_MEMORY, 1e6, "MB", NULL, 0.0, "", NULL, NULL,                              \
      "Measures changes in the high-water mark for the amount of memory allocated in RAM. May " \
      "fluctuate if swap is enabled")                                                           \
    X(WALL_CLOCK, 62, "wall_clock", "WallClock", "wall", "real_clock,virtual_clock", WALL, 1,   \
      TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_FLAMEGRAPH, 1.0, "sec", NULL, 0.0, "", NULL, NULL, \
      "Real-clock timer (i.e. wall-clock timer)")

#endif
