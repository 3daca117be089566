/* test_gperftools.c -- the gperftools components: a region carrying gperftools_cpu_profiler
 * writes a CPU profile with samples of a busy loop into the output folder, nested regions start
 * it once, the component objects' switch; without the library (or, for the heap profiler,
 * without tcmalloc as this process's allocator) the reason names the library. The heap
 * profile and a missing library named by TIMEMORY_GPERFTOOLS_*_LIBRARY are tested in
 * subprocesses (tests/python/test_gperftools.py): a process looks for gperftools once.
 */
#include "internal.h"
#include "timemory/gperftools.h"
#include "tm_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static double tm_thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile double tm_sink;

static void tm_busy(double seconds)
{
    double end = tm_thread_cpu_seconds() + seconds;
    double x   = 1.0;
    while(tm_thread_cpu_seconds() < end)
        for(int i = 0; i < 10000; ++i) x = x * 1.0000001 + 1e-9;
    tm_sink = x;
}

/* The files of dir whose names start with prefix: count, and the size of the first. */
static int tm_profiles(const char* dir, const char* prefix, long* size)
{
    int  n  = 0;
    DIR* dp = opendir(dir);
    if(!dp) return 0;
    for(struct dirent* e; (e = readdir(dp));)
    {
        if(strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if(stat(path, &st) == 0 && n++ == 0) *size = (long)st.st_size;
    }
    closedir(dp);
    return n;
}

TM_TEST(gperftools_cpu_profile_of_a_region)
{
    timemory_component_info info;
    CHECK_INT(timemory_component_get_info(TIMEMORY_GPERFTOOLS_CPU_PROFILER, &info), 0);
    CHECK(timemory_gperftools_component(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    CHECK(!timemory_gperftools_component(TIMEMORY_WALL_CLOCK));
    CHECK_INT(timemory_gperftools_start(TIMEMORY_WALL_CLOCK), TIMEMORY_EINVAL);
    if(!info.available)
    {
        /* gperftools is not installed: the reason names the library it could not load */
        CHECK(strstr(info.unavailable_reason, "libprofiler.so.0") != NULL);
        CHECK_INT(timemory_gperftools_start(TIMEMORY_GPERFTOOLS_CPU_PROFILER),
                  TIMEMORY_EUNAVAILABLE);
        return;
    }
    char* dir = tm_temp_dir("tm_gperf");
    CHECK(dir != NULL);
    if(!dir) return;
    char* saved_path   = tm__settings_string_copy("output_path");
    char* saved_prefix = tm__settings_string_copy("output_prefix");
    timemory_settings_set_string("output_path", dir);
    timemory_settings_set_string("output_prefix", "run-");
    timemory_components_t set = TIMEMORY_COMPONENT_BIT(TIMEMORY_GPERFTOOLS_CPU_PROFILER) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    uint64_t outer = timemory_add_hash_id("gperf_outer");
    uint64_t inner = timemory_add_hash_id("gperf_inner");
    CHECK(!timemory_gperftools_running(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    CHECK_INT(timemory_push(outer, set, TIMEMORY_SCOPE_DEFAULT), 0);
    CHECK(timemory_gperftools_running(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    CHECK_INT(timemory_push(inner, set, TIMEMORY_SCOPE_DEFAULT), 0);
    tm_busy(0.3);
    CHECK_INT(timemory_pop(inner), 0);
    /* the inner region did not start it: it runs until the outer one ends */
    CHECK(timemory_gperftools_running(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    CHECK_INT(timemory_pop(outer), 0);
    CHECK(!timemory_gperftools_running(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    long size = 0;
    CHECK_INT(tm_profiles(dir, "run-gperftools_cpu_profiler_", &size), 1);
    /* header (5 words), samples of the busy loop, trailer (3 words), the mapped objects */
    CHECK(size > 8 * 8 + 100);

    /* the switch of the component objects: one more profile, its own number */
    CHECK_INT(timemory_gperftools_start(TIMEMORY_GPERFTOOLS_CPU_PROFILER), 0);
    CHECK(timemory_gperftools_running(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    tm_busy(0.05);
    CHECK_INT(timemory_gperftools_stop(TIMEMORY_GPERFTOOLS_CPU_PROFILER), 0);
    CHECK(!timemory_gperftools_running(TIMEMORY_GPERFTOOLS_CPU_PROFILER));
    CHECK_INT(tm_profiles(dir, "run-gperftools_cpu_profiler_", &size), 2);
    /* a stop with nothing started changes nothing */
    CHECK_INT(timemory_gperftools_stop(TIMEMORY_GPERFTOOLS_CPU_PROFILER), 0);

    timemory_settings_set_string("output_path", saved_path);
    timemory_settings_set_string("output_prefix", saved_prefix);
    free(saved_path), free(saved_prefix);
    tm_remove_tree(dir);
    free(dir);
}

TM_TEST(gperftools_heap_needs_tcmalloc_as_the_allocator)
{
    timemory_component_info info;
    CHECK_INT(timemory_component_get_info(TIMEMORY_GPERFTOOLS_HEAP_PROFILER, &info), 0);
    if(getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "tcmalloc")) return;
    /* this test program's allocator is glibc's: never available here, and the reason says why */
    CHECK(!info.available);
    CHECK(info.unavailable_reason && strstr(info.unavailable_reason, "libtcmalloc.so.4"));
    CHECK(info.unavailable_reason && strstr(info.unavailable_reason, "LD_PRELOAD"));
    CHECK_INT(timemory_gperftools_start(TIMEMORY_GPERFTOOLS_HEAP_PROFILER), TIMEMORY_EUNAVAILABLE);
    /* a region asking for it records the rest as usual */
    uint64_t key = timemory_add_hash_id("gperf_heap_region");
    CHECK_INT(timemory_push(key,
                            TIMEMORY_COMPONENT_BIT(TIMEMORY_GPERFTOOLS_HEAP_PROFILER) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK),
                            TIMEMORY_SCOPE_DEFAULT),
              0);
    CHECK_INT(timemory_pop(key), 0);
    CHECK(!timemory_gperftools_running(TIMEMORY_GPERFTOOLS_HEAP_PROFILER));
}
