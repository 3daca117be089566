/* bench_hwcounters.c -- the cost of one hardware-counter sample (timemory_hwcounters_read:
 * this thread's counters, one read() per perf_event group) with 1 and 3 software events,
 * beside its peers in one run: clock_gettime(CLOCK_MONOTONIC) (the vDSO read a wall_clock
 * sample is), clock_gettime(CLOCK_THREAD_CPUTIME_ID) and getrusage(RUSAGE_THREAD) (the system
 * calls a CPU-time or rusage sample is) and a bare read() of a perf_event fd of task-clock
 * opened here (the floor: what the kernel costs). Best of several rounds; prints ns per sample
 * and the ratio to clock_gettime(CLOCK_MONOTONIC). A program, not a test.
 *
 *   bench_hwcounters [samples-per-round] [rounds] [backend: auto|papi|perf_event]
 */
#include "timemory/hwcounters.h"
#include "timemory/timemory.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int64_t sink;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void loop_monotonic(long n);
void loop_thread_cputime(long n);
void loop_rusage(long n);
void loop_hwcounters(long n);
void loop_raw_read(long n);

static int raw_fd = -1;

__attribute__((noipa)) void loop_monotonic(long n)
{
    struct timespec ts;
    for(long i = 0; i < n; ++i)
    {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        sink += ts.tv_nsec;
    }
}

__attribute__((noipa)) void loop_thread_cputime(long n)
{
    struct timespec ts;
    for(long i = 0; i < n; ++i)
    {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        sink += ts.tv_nsec;
    }
}

__attribute__((noipa)) void loop_rusage(long n)
{
    struct rusage ru;
    for(long i = 0; i < n; ++i)
    {
        getrusage(RUSAGE_THREAD, &ru);
        sink += ru.ru_minflt;
    }
}

__attribute__((noipa)) void loop_hwcounters(long n)
{
    int64_t values[8];
    for(long i = 0; i < n; ++i)
    {
        timemory_hwcounters_read(values);
        sink += values[0];
    }
}

__attribute__((noipa)) void loop_raw_read(long n)
{
    uint64_t buf[4]; /* nr, time enabled, time running, value */
    for(long i = 0; i < n; ++i)
    {
        if(read(raw_fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) return;
        sink += (int64_t)buf[3];
    }
}

/* task-clock of this thread, as the perf_event backend opens it */
static int open_raw_task_clock(void)
{
    struct perf_event_attr attr;
    for(int user_only = 0; user_only < 2; ++user_only)
    {
        memset(&attr, 0, sizeof(attr));
        attr.size   = sizeof(attr);
        attr.type   = PERF_TYPE_SOFTWARE;
        attr.config = PERF_COUNT_SW_TASK_CLOCK;
        attr.read_format =
            PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
        attr.exclude_kernel = (unsigned)user_only;
        attr.exclude_hv     = (unsigned)user_only;
        int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
        if(fd >= 0 || (errno != EACCES && errno != EPERM)) return fd;
    }
    return -1;
}

static double best_ns(void (*loop)(long), long n, int rounds)
{
    double best = 1e30;
    loop(n / 10 + 1); /* warm-up: the counters open at the first read */
    for(int r = 0; r < rounds; ++r)
    {
        int64_t t0 = now_ns();
        loop(n);
        double per = (double)(now_ns() - t0) / (double)n;
        if(per < best) best = per;
    }
    return best;
}

int main(int argc, char** argv)
{
    long n      = argc > 1 ? atol(argv[1]) : 200000;
    int  rounds = argc > 2 ? atoi(argv[2]) : 5;
    if(argc > 3) setenv("TIMEMORY_HWCOUNTERS_BACKEND", argv[3], 1);
    if(n <= 0 || rounds <= 0) return 2;

    double mono = best_ns(loop_monotonic, n, rounds);
    double cpu  = best_ns(loop_thread_cputime, n, rounds);
    double ru   = best_ns(loop_rusage, n, rounds);
    printf("clock_gettime(CLOCK_MONOTONIC):                %8.1f ns/sample\n", mono);
    printf("clock_gettime(CLOCK_THREAD_CPUTIME_ID):        %8.1f ns/sample  %5.2fx\n", cpu,
           cpu / mono);
    printf("getrusage(RUSAGE_THREAD):                      %8.1f ns/sample  %5.2fx\n", ru,
           ru / mono);
    raw_fd = open_raw_task_clock();
    if(raw_fd >= 0)
    {
        double raw = best_ns(loop_raw_read, n, rounds);
        printf("read() of a perf_event fd (task-clock):        %8.1f ns/sample  %5.2fx\n", raw,
               raw / mono);
        close(raw_fd);
    }

    static const struct {
        const char* label;
        const char* events;
        int         n;
    } sets[] = {
        { "1 event (task-clock)", "task-clock", 1 },
        { "3 events in 1 group (page-faults,cs,minor)", "page-faults,context-switches,minor-faults",
          3 },
        { "3 events in 2 groups (task-clock,pf,cs)", "task-clock,page-faults,context-switches", 3 },
    };
    int status = 0;
    for(size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); ++s)
    {
        int got = timemory_hwcounters_configure(sets[s].events, false);
        if(got != sets[s].n)
        {
            printf("timemory_hwcounters_read, %-42s n/a (%d of %d events: %s)\n", sets[s].label,
                   got, sets[s].n,
                   timemory_hwcounters_reason() ? timemory_hwcounters_reason() : "");
            status = 1;
            continue;
        }
        double hw = best_ns(loop_hwcounters, n, rounds);
        printf("timemory_hwcounters_read, %-42s %8.1f ns/sample  %5.2fx  [%s]\n", sets[s].label, hw,
               hw / mono, timemory_hwcounters_backend());
    }
    timemory_settings_set_bool("auto_output", false);
    return status;
}
