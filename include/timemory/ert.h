/* ert.h -- the Empirical Roofline Toolkit's CPU micro-kernels (spec NOTES.md §5).
 *
 * A kernel sweeps each thread's buffer `trials` times; per element it loads the value, applies
 * `ops` floating-point operations (fused multiply-adds, two each, and one add when ops is odd)
 * and stores it back: 2 * sizeof(T) bytes moved and `ops` FLOPs per element and trial. The run
 * measures every kernel (FLOPs per element) over working sets doubling from min_working_set
 * elements per thread up to max_data_size bytes, for float and/or double, with num_threads
 * threads (barrier-synchronised, each on its own buffer), timed with CLOCK_MONOTONIC between
 * the barriers; each point is measured `repeats` times and the fastest kept (a shared machine
 * preempts some measurements). Each measured point goes to a callback; nothing is written to files
 * here (python/timemory/ert writes ert_results.json).
 */
#ifndef TIMEMORY_ERT_H
#define TIMEMORY_ERT_H

#include "timemory/timemory.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TIMEMORY_ERT_FLOAT       1u /* dtype bit: float kernels */
#define TIMEMORY_ERT_DOUBLE      2u /* dtype bit: double kernels */
#define TIMEMORY_ERT_MAX_KERNELS 16
#define TIMEMORY_ERT_MAX_OPS     4096 /* FLOPs per element of one kernel, at most */

typedef struct timemory_ert_config {
    uint64_t min_working_set; /* elements per thread of the smallest working set (>= 1) */
    uint64_t max_data_size;   /* bytes of the largest working set, all threads together */
    uint64_t num_threads;     /* threads (>= 1; the calling thread is one of them) */
    uint64_t trials_min;      /* sweeps per measurement, at least (>= 1) */
    uint64_t repeats;         /* measurements per point; the fastest is kept (>= 1) */
    uint64_t alignment;       /* byte alignment of each thread's buffer (power of two) */
    unsigned dtypes;          /* TIMEMORY_ERT_FLOAT | TIMEMORY_ERT_DOUBLE */
    unsigned num_ops;         /* kernels in ops[] (1 .. TIMEMORY_ERT_MAX_KERNELS) */
    unsigned ops[TIMEMORY_ERT_MAX_KERNELS]; /* FLOPs per element of each kernel */
} timemory_ert_config;

/* One measured point. working_set = elements per thread * num_threads * sizeof(T) bytes;
 * total_bytes = trials * working_set * 2 (a load and a store per element); total_ops = trials *
 * elements of all threads * ops_per_set. elapsed_ns: first barrier to last, CLOCK_MONOTONIC,
 * the fastest of the point's `repeats` measurements. */
typedef struct timemory_ert_point {
    unsigned    dtype;       /* TIMEMORY_ERT_FLOAT or TIMEMORY_ERT_DOUBLE */
    const char* dtype_name;  /* "float" or "double" */
    unsigned    ops_per_set; /* FLOPs per element */
    uint64_t    working_set; /* bytes, all threads */
    uint64_t    trials;
    uint64_t    total_bytes;
    uint64_t    total_ops;
    uint64_t    elapsed_ns;
    uint64_t    num_threads;
    uint64_t    index; /* this point's number in the run (0-based) */
    uint64_t    count; /* points the run measures in all */
} timemory_ert_point;

/* Called on the calling thread after each point, outside the timed part; nonzero stops the
 * run (the points measured so far stand). */
typedef int (*timemory_ert_callback)(const timemory_ert_point* point, void* arg);

/* Defaults from the settings: ert_min_working_size_cpu (else ert_min_working_size, else 64),
 * ert_max_data_size_cpu (else ert_max_data_size, else 8 x the largest cache, else 256 MB),
 * ert_num_threads_cpu (else ert_num_threads, else the online CPUs), ert_trials_min, 3 repeats,
 * ert_alignment (bits; 0 = 8 * sizeof(double); at least 64 bytes), both dtypes and the
 * kernels 1, 2, 4, ... 256 FLOPs per element less those listed in ert_skip_ops. */
TIMEMORY_API int timemory_ert_config_init(timemory_ert_config* config);

/* Checks the configuration: TIMEMORY_EINVAL (with a warning naming the field) when it cannot
 * run, else the number of points it measures. */
TIMEMORY_API int64_t timemory_ert_count_points(const timemory_ert_config* config);

/* Runs the kernels; returns the number of points measured (the callback may stop early), or a
 * negative TIMEMORY_E* code (EINVAL: bad configuration; ENOMEM: a buffer or a thread). */
TIMEMORY_API int64_t timemory_ert_run(const timemory_ert_config* config,
                                      timemory_ert_callback callback, void* arg);

/* Size in bytes of the level's data (or unified) cache as cpu0 sees it (sysfs, else sysconf),
 * and how many CPUs share it; 0 when unknown. level 1..3. */
TIMEMORY_API uint64_t timemory_ert_cache_size(int level, unsigned* shared_cpus);

/* The instruction set the kernels run with on this CPU: "avx512f", "avx2+fma", "sse2" or
 * "generic" (chosen at run time; the library is built for the baseline). */
TIMEMORY_API const char* timemory_ert_isa(void);

#ifdef __cplusplus
}
#endif

#endif
