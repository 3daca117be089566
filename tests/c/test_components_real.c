/* test_components_real.c -- the components' real readings of the Linux sources: clocks
 * around a sleep, peak RSS around touching memory, thread and process CPU around a busy loop,
 * storage writes; units following timing_units/memory_units; statm in a forked child.
 * (test_components.c: the table, names and semantics through the injectable reader.)
 */
#include "internal.h"
#include "tm_test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* tm__record_set of a compact mask */
static void record_mask(timemory_components_t mask, int64_t (*out)[2])
{
    tm__cset set = timemory_component_set_from_mask(mask);
    tm__record_set(&set, out);
}

/* ---- real readings ------------------------------------------------------------------------ */

TM_TEST(components_real_clocks_around_sleep)
{
    timemory_components_t set = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_MONOTONIC_CLOCK) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_MONOTONIC_RAW_CLOCK) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_UTIL) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_READ_BYTES);
    int     comps[] = { TIMEMORY_CPU_UTIL, TIMEMORY_MONOTONIC_CLOCK, TIMEMORY_MONOTONIC_RAW_CLOCK,
                        TIMEMORY_READ_BYTES, TIMEMORY_WALL_CLOCK };
    int64_t start[5][2], stop[5][2], delta[2];
    record_mask(set, start);
    /* one CLOCK_MONOTONIC reading serves every component that needs it */
    CHECK_INT(start[0][1], start[4][0]);
    CHECK_INT(start[1][0], start[4][0]);
    CHECK_INT(start[3][1], start[4][0]);
    struct timespec req = { 0, 20000000 };
    while(nanosleep(&req, &req) != 0)
    {
    }
    record_mask(set, stop);
    double out[2];
    for(int i = 1; i < 3; ++i)
    {
        tm__delta(comps[i], start[i], stop[i], delta);
        tm__get(comps[i], delta, out);
        CHECK(out[0] >= 0.0195 && out[0] < 0.5);
    }
    tm__delta(TIMEMORY_WALL_CLOCK, start[4], stop[4], delta);
    CHECK(delta[0] >= 19500000 && delta[0] < 500000000);
    CHECK_INT(timemory_component_get(TIMEMORY_WALL_CLOCK, delta, out), 1);
    CHECK_NEAR(out[0], delta[0] * 1e-9, 1e-15);
    /* sleeping uses (almost) no cpu: well under half of the wall time */
    tm__delta(TIMEMORY_CPU_UTIL, start[0], stop[0], delta);
    tm__get(TIMEMORY_CPU_UTIL, delta, out);
    CHECK(delta[1] >= 19500000);
    CHECK(out[0] >= 0.0 && out[0] < 50.0);

    int64_t a[2], b[2];
    CHECK_INT(timemory_component_record(TIMEMORY_WALL_CLOCK, a), 0);
    int64_t ref = tm__clock_ns(CLOCK_MONOTONIC);
    CHECK_INT(timemory_component_record(TIMEMORY_WALL_CLOCK, b), 0);
    CHECK(a[0] <= ref && ref <= b[0]); /* the steady clock, ns since its epoch */
}

TM_TEST(components_real_peak_rss_after_touching_memory)
{
    int64_t peak0[2], page0[2], virt0[2], cur0[2];
    CHECK_INT(timemory_component_record(TIMEMORY_PEAK_RSS, peak0), 0);
    CHECK_INT(timemory_component_record(TIMEMORY_PAGE_RSS, page0), 0);
    CHECK_INT(timemory_component_record(TIMEMORY_VIRTUAL_MEMORY, virt0), 0);
    CHECK_INT(timemory_component_record(TIMEMORY_CURRENT_PEAK_RSS, cur0), 0);
    CHECK(peak0[0] > 0 && page0[0] > 0 && virt0[0] >= page0[0]);
    /* 50 MB above the old high-water mark, whatever the process freed before */
    size_t headroom = peak0[0] > page0[0] ? (size_t)(peak0[0] - page0[0]) : 0;
    size_t size     = headroom + 50 * 1000 * 1000;
    char*  block    = malloc(size);
    CHECK(block != NULL);
    if(!block) return;
    memset(block, 1, size);
    int64_t peak1[2], page1[2], virt1[2], cur1[2], delta[2];
    double  out[2];
    CHECK_INT(timemory_component_record(TIMEMORY_PEAK_RSS, peak1), 0);
    CHECK_INT(timemory_component_record(TIMEMORY_PAGE_RSS, page1), 0);
    CHECK_INT(timemory_component_record(TIMEMORY_VIRTUAL_MEMORY, virt1), 0);
    CHECK_INT(timemory_component_record(TIMEMORY_CURRENT_PEAK_RSS, cur1), 0);
    volatile char sink = block[size / 2];
    (void)sink;
    free(block);

#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer's shadow of the block is resident too: no upper bound */
    const double most = 1e300;
#else
    const double most = (double)size / 1e6 + 20.0;
#endif
    tm__delta(TIMEMORY_PEAK_RSS, peak0, peak1, delta);
    tm__get(TIMEMORY_PEAK_RSS, delta, out);
    CHECK(out[0] >= 45.0 && out[0] <= most);
    tm__delta(TIMEMORY_PAGE_RSS, page0, page1, delta);
    tm__get(TIMEMORY_PAGE_RSS, delta, out);
    CHECK(out[0] >= 45.0 && out[0] <= most);
    tm__delta(TIMEMORY_VIRTUAL_MEMORY, virt0, virt1, delta);
    CHECK(delta[0] >= (int64_t)size);
    tm__delta(TIMEMORY_CURRENT_PEAK_RSS, cur0, cur1, delta);
    CHECK_INT(tm__get(TIMEMORY_CURRENT_PEAK_RSS, delta, out), 2);
    CHECK(out[1] - out[0] >= 45.0);
}

TM_TEST(components_real_cpu_clocks_in_busy_loop)
{
    timemory_components_t set = TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_THREAD_CPU_CLOCK) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_THREAD_CPU_UTIL) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_USER_MODE_TIME) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_KERNEL_MODE_TIME) |
                                TIMEMORY_COMPONENT_BIT(TIMEMORY_PROCESS_CPU_CLOCK);
    /* ascending enum order */
    enum { CPU, KERNEL, PROCESS, THREAD, THREAD_UTIL, USER_MODE, N };
    int64_t start[N][2], stop[N][2], delta[2];
    double  out[2];
    record_mask(set, start);
    int64_t           t0 = tm__clock_ns(CLOCK_THREAD_CPUTIME_ID);
    volatile uint64_t x  = 1;
    while(tm__clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 80000000)
        for(int i = 0; i < 10000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    record_mask(set, stop);

    tm__delta(TIMEMORY_THREAD_CPU_CLOCK, start[THREAD], stop[THREAD], delta);
    CHECK(delta[0] >= 80000000 && delta[0] < 2000000000);
    tm__delta(TIMEMORY_PROCESS_CPU_CLOCK, start[PROCESS], stop[PROCESS], delta);
    CHECK(delta[0] >= 80000000);
    /* times() ticks (10 ms) and rusage (µs) see the same work, less a tick or two */
    tm__delta(TIMEMORY_CPU_CLOCK, start[CPU], stop[CPU], delta);
    CHECK(delta[0] >= 50000000);
    int64_t user[2], kernel[2];
    tm__delta(TIMEMORY_USER_MODE_TIME, start[USER_MODE], stop[USER_MODE], user);
    tm__delta(TIMEMORY_KERNEL_MODE_TIME, start[KERNEL], stop[KERNEL], kernel);
    CHECK(user[0] + kernel[0] >= 60000000);
    CHECK(user[0] % 1000 == 0); /* microseconds, in ns */
    tm__delta(TIMEMORY_THREAD_CPU_UTIL, start[THREAD_UTIL], stop[THREAD_UTIL], delta);
    tm__get(TIMEMORY_THREAD_CPU_UTIL, delta, out);
    CHECK(out[0] > 0.0 && out[0] <= 100.5);
}

TM_TEST(components_real_written_bytes)
{
    if(tm__unavailable_reason(TIMEMORY_WRITTEN_BYTES))
    {
        printf("     (skipped: %s)\n", tm__unavailable_reason(TIMEMORY_WRITTEN_BYTES));
        return;
    }
    char path[64];
    snprintf(path, sizeof(path), "tm-components-io-%ld.bin", (long)getpid());
    int64_t a[2], b[2], delta[2];
    double  out[2];
    CHECK_INT(timemory_component_record(TIMEMORY_WRITTEN_BYTES, a), 0);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    if(fd < 0) return;
    static char chunk[1 << 16];
    memset(chunk, 'x', sizeof(chunk));
    size_t total = 0;
    for(int i = 0; i < 64; ++i) total += (size_t)write(fd, chunk, sizeof(chunk));
    fsync(fd);
    close(fd);
    CHECK_INT(timemory_component_record(TIMEMORY_WRITTEN_BYTES, b), 0);
    unlink(path);
    tm__delta(TIMEMORY_WRITTEN_BYTES, a, b, delta);
    CHECK_INT(tm__get(TIMEMORY_WRITTEN_BYTES, delta, out), 2);
    /* storage-layer bytes: tmpfs never writes to storage, so only a real disk can be checked */
    if(delta[0] == 0)
    {
        printf("     (no storage writes accounted for the working folder)\n");
    }
    else
    {
        CHECK(delta[0] >= (int64_t)total);
        CHECK(out[1] > 0.0);
    }
    CHECK(delta[1] > 0);
    CHECK_NEAR(out[0], delta[0] / 1e6, 1e-9);
}

/* ---- units from the settings -------------------------------------------------------------- */

TM_TEST(components_units_follow_settings)
{
    CHECK_STR(timemory_component_display_unit(TIMEMORY_WALL_CLOCK, 0), "sec");
    CHECK_NEAR(timemory_component_unit(TIMEMORY_WALL_CLOCK, 0), 1.0, 0);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_PEAK_RSS, 0), "MB");
    CHECK_NEAR(timemory_component_unit(TIMEMORY_PEAK_RSS, 0), 1e6, 0);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_READ_BYTES, 1), "MB/sec");
    CHECK_STR(timemory_component_display_unit(TIMEMORY_CPU_UTIL, 0), "%");
    CHECK_STR(timemory_component_display_unit(TIMEMORY_NUM_IO_IN, 0), "");
    CHECK_STR(timemory_component_display_unit(TIMEMORY_VTUNE_FRAME, 0), "");
    CHECK_STR(timemory_component_display_unit(99, 0), "");

    CHECK_INT(timemory_settings_set_string("timing_units", "msec"), 0);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_WALL_CLOCK, 0), "msec");
    CHECK_STR(timemory_component_display_unit(TIMEMORY_USER_MODE_TIME, 0), "msec");
    CHECK_NEAR(timemory_component_unit(TIMEMORY_WALL_CLOCK, 0), 1000.0, 0);
    double out[2];
    timemory_component_get(TIMEMORY_WALL_CLOCK, (int64_t[]){ 1500000000, 0 }, out);
    CHECK_NEAR(out[0], 1500.0, 1e-9);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_CPU_UTIL, 0), "%");
    timemory_component_get(TIMEMORY_CPU_UTIL, (int64_t[]){ 1, 2 }, out);
    CHECK_NEAR(out[0], 50.0, 1e-12);
    CHECK_INT(timemory_settings_set_string("timing_units", ""), 0);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_WALL_CLOCK, 0), "sec");

    CHECK_INT(timemory_settings_set_string("memory_units", "kib"), 0);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_PEAK_RSS, 0), "kib");
    CHECK_STR(timemory_component_display_unit(TIMEMORY_WRITTEN_BYTES, 1), "kib/sec");
    CHECK_NEAR(timemory_component_unit(TIMEMORY_PAGE_RSS, 0), 1024.0, 0);
    timemory_component_get(TIMEMORY_PEAK_RSS, (int64_t[]){ 2048, 0 }, out);
    CHECK_NEAR(out[0], 2.0, 1e-12);
    /* counts are in the memory category but have no units */
    CHECK_STR(timemory_component_display_unit(TIMEMORY_NUM_MINOR_PAGE_FAULTS, 0), "");
    timemory_component_get(TIMEMORY_NUM_MINOR_PAGE_FAULTS, (int64_t[]){ 2048, 0 }, out);
    CHECK_NEAR(out[0], 2048.0, 0);
    CHECK_INT(timemory_settings_set_string("memory_units", "kb"), 0);
    timemory_component_get(TIMEMORY_READ_BYTES, (int64_t[]){ 3000, 1000000000 }, out);
    CHECK_NEAR(out[0], 3.0, 1e-12);
    CHECK_NEAR(out[1], 3.0, 1e-12);
    CHECK_INT(timemory_settings_set_string("memory_units", ""), 0);
    CHECK_STR(timemory_component_display_unit(TIMEMORY_PEAK_RSS, 0), "MB");
}

/* ---- fork ------------------------------------------------------------------------------------ */

#include <sys/wait.h>

TM_TEST(components_statm_after_fork_is_the_childs)
{
    int64_t a[2], b[2];
    CHECK_INT(timemory_component_record(TIMEMORY_VIRTUAL_MEMORY, a), 0); /* parent opens it */
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if(pid == 0)
    {
        /* 256 MB of address space the parent never had */
        timemory_component_record(TIMEMORY_VIRTUAL_MEMORY, a);
        void* block = malloc(256u << 20);
        timemory_component_record(TIMEMORY_VIRTUAL_MEMORY, b);
        int ok = block && b[0] - a[0] >= (int64_t)(256u << 20);
        free(block);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_INT(timemory_component_record(TIMEMORY_VIRTUAL_MEMORY, b), 0);
    CHECK(b[0] - a[0] < (int64_t)(128u << 20));
}
