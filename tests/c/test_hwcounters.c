/* test_hwcounters.c -- hardware counters (src/hwcounters.c, hwc_perf_event.c, hwc_papi.c) with
 * the real software events of this machine: task-clock and page-faults counted and growing over
 * a busy, allocating loop; an event the machine lacks (cycles on a VM without a PMU) or nobody
 * knows is one warning naming it and the others still count; fail_on_error; each thread its
 * own counters; a forked child its own; no allocation after a thread's first read; PAPI when
 * libpapi is installed (and its layout against papi.h), perf_event forced. */
#include "hwcounters.h"
#include "internal.h"
#include "timemory/hwcounters.h"
#include "timemory/timemory.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#    if __has_include(<papi.h>)
#        include <papi.h>
#        define TM_TEST_HAVE_PAPI_H 1
#    endif
#endif

extern unsigned long tm_test_allocations; /* alloc_count.c */

/* Whether perf_event can count name on this machine (as the listing tested it). */
static bool tm_hwc_test_can_count(const char* name)
{
    tm__hwc_event ev;
    char          why[256];
    memset(&ev, 0, sizeof(ev));
    return tm__hwc_perf_resolve(name, &ev) == 0 &&
           tm__hwc_perf_probe(&ev, why, (int)sizeof(why)) == 0;
}

static int tm_hwc_test_count(const char* text, const char* what)
{
    int n = 0;
    for(const char* p = text; p && (p = strstr(p, what)); p += strlen(what)) ++n;
    return n;
}

/* CPU time, page faults: touches `pages` new pages (mmap'd, no huge pages: one fault each)
 * and spins */
static double tm_hwc_test_work(int pages)
{
    size_t size  = (size_t)pages * 4096;
    char*  block = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if(block == MAP_FAILED) return 0;
    madvise(block, size, MADV_NOHUGEPAGE);
    for(int i = 0; i < pages; ++i) block[(size_t)i * 4096] = (char)i;
    volatile double x = 0;
    for(int i = 0; i < 2000000; ++i) x = x + i * 0.5;
    double keep = block[4096] + x;
    munmap(block, size);
    return keep;
}

TM_TEST(hwc_perf_event_software_events_count)
{
    CHECK_INT(tm__hwc_set_backend("perf_event"), 0);
    CHECK_INT(tm__hwc_set_backend("nonsense"), TIMEMORY_EINVAL);
    if(!tm_hwc_test_can_count("task-clock"))
    {
        printf("  (perf_event_open is not permitted here: only the refusal is checked)\n");
        tm_capture err;
        tm_capture_begin(&err, 2);
        CHECK_INT(tm__hwc_configure("task-clock", false), 0);
        char* text = tm_capture_end(&err);
        CHECK_INT(tm_hwc_test_count(text, "'task-clock' is not available"), 1);
        free(text);
        return;
    }
    CHECK_INT(tm__hwc_configure("task-clock, page-faults", false), 2);
    CHECK_STR(tm__hwc_backend(), "perf_event");
    CHECK_INT(tm__hwc_nevents(), 2);
    CHECK_STR(tm__hwc_event_name(0), "task-clock");
    CHECK_STR(tm__hwc_event_name(1), "page-faults");
    CHECK_STR(tm__hwc_event_units(0), "ns");
    CHECK_STR(tm__hwc_event_units(1), "");
    CHECK(tm__hwc_event_name(2) == NULL);
    CHECK(tm__hwc_unavailable_reason() != NULL); /* why not PAPI: it was not asked for */

    int64_t a[2] = { -1, -1 }, b[2] = { -1, -1 }, c[2] = { -1, -1 };
    CHECK_INT(tm__hwc_read(a), 2);
    tm_hwc_test_work(256);
    CHECK_INT(tm__hwc_read(b), 2);
    tm_hwc_test_work(256);
    CHECK_INT(tm__hwc_read(c), 2);
    /* the task clock runs with the thread: at least the busy loop's 2e6 iterations' worth */
    CHECK(b[0] > a[0] && c[0] > b[0]);
    CHECK(b[0] - a[0] > 100000); /* > 0.1 ms of CPU */
    /* every new page touched is a fault (malloc of 1 MiB maps fresh pages) */
    CHECK(b[1] - a[1] >= 200);
    CHECK(c[1] - b[1] >= 200);
    /* the task clock is this thread's CPU time: within 50% + 2 ms of CLOCK_THREAD_CPUTIME_ID */
    struct timespec t0, t1;
    int64_t         d[2], e[2];
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    tm__hwc_read(d);
    tm_hwc_test_work(64);
    tm__hwc_read(e);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    double cpu = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    CHECK_NEAR((double)(e[0] - d[0]), cpu, 0.5 * cpu + 2e6);

    /* perf's other spellings name the same events */
    CHECK_INT(tm__hwc_configure("perf::TASK-CLOCK;PERF_COUNT_SW_PAGE_FAULTS", false), 2);
    CHECK_STR(tm__hwc_event_units(0), "ns");
    CHECK_INT(tm__hwc_read(a), 2);
    CHECK(a[0] > 0);
    /* papi_multiplexing: each event its own group (the kernel may rotate them; scaled) */
    tm__settings.papi_multiplexing = true;
    CHECK_INT(tm__hwc_configure("page-faults,task-clock,minor-faults", false), 3);
    tm__settings.papi_multiplexing = false;
    int64_t m0[3], m1[3];
    CHECK_INT(tm__hwc_read(m0), 3);
    tm_hwc_test_work(128);
    CHECK_INT(tm__hwc_read(m1), 3);
    CHECK(m1[0] - m0[0] >= 120 && m1[2] - m0[2] >= 120 && m1[1] > m0[1]);
    /* from the settings: papi_events, papi_fail_on_error */
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::TASK-CLOCK perf::PAGE-FAULTS"), 0);
    CHECK_INT(tm__hwc_configure_from_settings(), 2);
    CHECK_STR(tm__hwc_event_name(1), "perf::PAGE-FAULTS");
    CHECK_INT(timemory_settings_set_string("papi_events", "perf::TASK-CLOCK,perf::NOPE"), 0);
    CHECK_INT(timemory_settings_set_bool("papi_fail_on_error", true), 0);
    tm_capture err;
    tm_capture_begin(&err, 2);
    CHECK_INT(tm__hwc_configure_from_settings(), TIMEMORY_EUNKNOWN);
    free(tm_capture_end(&err));
    CHECK_INT(tm__hwc_nevents(), 2);
    timemory_settings_set_bool("papi_fail_on_error", false);
    timemory_settings_set_string("papi_events", "");
    CHECK_INT(tm__hwc_configure("", false), 0);
    CHECK_INT(tm__hwc_read(a), 0);
    tm__hwc_set_backend("auto");
}

TM_TEST(hwc_missing_event_is_one_warning)
{
    tm__hwc_set_backend("perf_event");
    bool       counts = tm_hwc_test_can_count("task-clock") && tm_hwc_test_can_count("page-faults");
    tm_capture err;
    tm_capture_begin(&err, 2);
    int   n    = tm__hwc_configure("task-clock,no-such-event,page-faults,task-clock", false);
    char* text = tm_capture_end(&err);
    CHECK_INT(n, counts ? 2 : 0);
    CHECK_INT(tm_hwc_test_count(text, "no-such-event"), 1);
    CHECK_INT(tm_hwc_test_count(text, "warning"), counts ? 1 : 3);
    CHECK(strstr(text, "'no-such-event' is unknown to perf_event") != NULL);
    free(text);
    if(counts)
    {
        int64_t v[2];
        CHECK_INT(tm__hwc_read(v), 2);
        CHECK(v[0] > 0);
    }
    /* a counter this machine lacks (a VM without a hardware PMU: cycles fails with ENOENT) */
    if(!tm_hwc_test_can_count("cycles") && counts)
    {
        tm_capture_begin(&err, 2);
        CHECK_INT(tm__hwc_configure("cycles task-clock instructions", false), 1);
        text = tm_capture_end(&err);
        CHECK_INT(tm_hwc_test_count(text, "warning"), 2);
        CHECK(strstr(text, "hardware counter 'cycles' is not available on this machine") != NULL);
        CHECK(strstr(text, "'instructions' is not available") != NULL);
        free(text);
        CHECK_STR(tm__hwc_event_name(0), "task-clock");
        int64_t v[1] = { 0 };
        CHECK_INT(tm__hwc_read(v), 1);
        CHECK(v[0] > 0);
    }
    /* papi_quiet: no warning, the same list */
    tm__settings.papi_quiet = true;
    tm_capture_begin(&err, 2);
    CHECK_INT(tm__hwc_configure("bogus-one,task-clock", false), counts ? 1 : 0);
    text = tm_capture_end(&err);
    CHECK_INT(tm_hwc_test_count(text, "warning"), 0);
    free(text);
    tm__settings.papi_quiet = false;
    tm__hwc_configure("", false);
    tm__hwc_set_backend("auto");
}

TM_TEST(hwc_fail_on_error)
{
    tm__hwc_set_backend("perf_event");
    int        before = tm__hwc_configure("page-faults", false);
    tm_capture err;
    tm_capture_begin(&err, 2);
    CHECK_INT(tm__hwc_configure("task-clock,bogus-two", true), TIMEMORY_EUNKNOWN);
    if(!tm_hwc_test_can_count("cycles"))
        CHECK_INT(tm__hwc_configure("cycles", true), TIMEMORY_EUNAVAILABLE);
    char* text = tm_capture_end(&err);
    CHECK(strstr(text, "'bogus-two'") != NULL);
    CHECK(strstr(text, "the event list is not changed (papi_fail_on_error)") != NULL);
    free(text);
    /* the list in effect did not change */
    CHECK_INT(tm__hwc_nevents(), before);
    if(before == 1) CHECK_STR(tm__hwc_event_name(0), "page-faults");
    tm__hwc_configure("", false);
    tm__hwc_set_backend("auto");
}

typedef struct tm_hwc_test_thread {
    int     rc;
    int64_t first[2];
    int64_t last[2];
    int     pages;
} tm_hwc_test_thread;

static void* tm_hwc_test_thread_main(void* arg)
{
    tm_hwc_test_thread* t = arg;
    t->rc                 = tm__hwc_read(t->first);
    tm_hwc_test_work(t->pages);
    if(t->rc == 2) t->rc = tm__hwc_read(t->last);
    return NULL;
}

TM_TEST(hwc_threads_count_their_own)
{
    tm__hwc_set_backend("perf_event");
    if(!tm_hwc_test_can_count("task-clock") || !tm_hwc_test_can_count("page-faults"))
    {
        tm__hwc_set_backend("auto");
        return;
    }
    CHECK_INT(tm__hwc_configure("task-clock,page-faults", false), 2);
    enum { N = 4 };
    pthread_t          threads[N];
    tm_hwc_test_thread data[N];
    for(int i = 0; i < N; ++i)
    {
        memset(&data[i], 0, sizeof(data[i]));
        data[i].pages = 64 * (i + 1);
        pthread_create(&threads[i], NULL, tm_hwc_test_thread_main, &data[i]);
    }
    for(int i = 0; i < N; ++i) pthread_join(threads[i], NULL);
    for(int i = 0; i < N; ++i)
    {
        CHECK_INT(data[i].rc, 2);
        /* a new thread's counters start at its first read: near zero */
        CHECK(data[i].first[0] >= 0 && data[i].first[0] < 50000000);
        CHECK(data[i].last[0] > data[i].first[0]);
        CHECK(data[i].last[1] - data[i].first[1] >= data[i].pages - 8);
    }
    /* after warm-up a read allocates nothing */
    int64_t v[2];
    tm__hwc_read(v);
    unsigned long before = __atomic_load_n(&tm_test_allocations, __ATOMIC_RELAXED);
    for(int i = 0; i < 1000; ++i) tm__hwc_read(v);
    CHECK_INT(__atomic_load_n(&tm_test_allocations, __ATOMIC_RELAXED) - before, 0);
    /* the counters of a stopped thread reopen at its next read */
    tm__hwc_thread_stop();
    CHECK_INT(tm__hwc_read(v), 2);
    tm__hwc_configure("", false);
    tm__hwc_set_backend("auto");
}

typedef struct tm_hwc_test_reader {
    int stop;
    int reads;
    int bad;
} tm_hwc_test_reader;

static void* tm_hwc_test_reader_main(void* arg)
{
    tm_hwc_test_reader* r = arg;
    int64_t             v[TM_HWC_MAX_EVENTS];
    while(!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
    {
        int n = tm__hwc_read(v);
        if(n < 1 || n > 2 || v[0] < 0) ++r->bad;
        ++r->reads;
    }
    return NULL;
}

/* Lists replaced while threads read: each read sees one whole list (ThreadSanitizer runs it) */
TM_TEST(hwc_reconfigure_while_reading)
{
    tm__hwc_set_backend("perf_event");
    if(!tm_hwc_test_can_count("task-clock") || !tm_hwc_test_can_count("page-faults"))
    {
        tm__hwc_set_backend("auto");
        return;
    }
    CHECK_INT(tm__hwc_configure("task-clock", false), 1);
    enum { N = 3 };
    pthread_t          threads[N];
    tm_hwc_test_reader readers[N];
    memset(readers, 0, sizeof(readers));
    for(int i = 0; i < N; ++i)
        pthread_create(&threads[i], NULL, tm_hwc_test_reader_main, &readers[i]);
    for(int k = 0; k < 40; ++k)
    {
        CHECK_INT(tm__hwc_configure(k % 2 ? "task-clock" : "page-faults,task-clock", false),
                  k % 2 ? 1 : 2);
        CHECK(tm__hwc_event_name(0) != NULL);
        usleep(500);
    }
    for(int i = 0; i < N; ++i) __atomic_store_n(&readers[i].stop, 1, __ATOMIC_RELEASE);
    for(int i = 0; i < N; ++i)
    {
        pthread_join(threads[i], NULL);
        CHECK(readers[i].reads > 0);
        CHECK_INT(readers[i].bad, 0);
    }
    tm__hwc_configure("", false);
    tm__hwc_set_backend("auto");
}

TM_TEST(hwc_fork_child_counts_its_own)
{
    tm__hwc_set_backend("perf_event");
    if(!tm_hwc_test_can_count("task-clock"))
    {
        tm__hwc_set_backend("auto");
        return;
    }
    CHECK_INT(tm__hwc_configure("task-clock", false), 1);
    int64_t parent[1];
    tm__hwc_read(parent);
    tm_hwc_test_work(16);
    tm__hwc_read(parent);
    pid_t pid = fork();
    if(pid == 0)
    {
        /* the child's counter is new: it starts below what the parent had counted */
        int64_t child[1] = { -1 };
        int     rc       = tm__hwc_read(child);
        _exit(rc == 1 && child[0] >= 0 && child[0] < parent[0] ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int64_t after[1];
    CHECK_INT(tm__hwc_read(after), 1); /* the parent's counter goes on */
    CHECK(after[0] >= parent[0]);
    tm__hwc_configure("", false);
    tm__hwc_set_backend("auto");
}

/* Whether the engine's list says PAPI can count name here. */
static bool tm_hwc_test_papi_lists(const char* name)
{
    int                      n    = timemory_hwcounters_list(NULL, 0);
    timemory_hwcounter_info* list = n > 0 ? calloc((size_t)n, sizeof(*list)) : NULL;
    bool                     yes  = false;
    if(list) n = timemory_hwcounters_list(list, n);
    for(int i = 0; list && i < n; ++i)
        if(strcmp(list[i].name, name) == 0 && strcmp(list[i].backend, "papi") == 0)
            yes = list[i].available;
    free(list);
    return yes;
}

/* configures one PAPI event and reads it on a new thread: *arg = what the read returned */
static void* tm_hwc_test_configure_main(void* arg)
{
    int64_t v[1];
    int     n  = tm__hwc_configure("perf::TASK-CLOCK", false);
    *(int*)arg = n == 1 ? tm__hwc_read(v) : n;
    tm__hwc_thread_stop();
    return NULL;
}

TM_TEST(hwc_papi_backend)
{
    size_t offsets[6];
    tm__hwc_papi_layout(offsets);
#ifdef TM_TEST_HAVE_PAPI_H
    CHECK_INT(offsets[0], offsetof(PAPI_event_info_t, short_descr));
    CHECK_INT(offsets[1], offsetof(PAPI_event_info_t, long_descr));
    CHECK_INT(offsets[2], offsetof(PAPI_event_info_t, component_index));
    CHECK_INT(offsets[3], offsetof(PAPI_event_info_t, units));
    CHECK_INT(offsets[4], offsetof(PAPI_component_info_t, disabled_reason));
    CHECK_INT(offsets[5], offsetof(PAPI_component_info_t, disabled));
#endif
    tm__hwc_set_backend("papi");
    if(tm__hwc_papi_load() == 0)
    {
        /* PAPI with a working perf_event component: its perf:: software events */
        int n = tm__hwc_configure("perf::TASK-CLOCK,perf::PAGE-FAULTS,no-such-papi-event", false);
        CHECK_STR(tm__hwc_backend(), "papi");
        CHECK(tm__hwc_unavailable_reason() == NULL);
        if(n == 2)
        {
            int64_t a[2], b[2];
            CHECK_INT(tm__hwc_read(a), 2);
            tm_hwc_test_work(256);
            CHECK_INT(tm__hwc_read(b), 2);
            CHECK(b[0] > a[0]);
            CHECK(b[1] - a[1] >= 200);
            /* PAPI counts one set per thread: a probe on this counting thread (a configure
             * that fails, the event list) stops it and keeps its counts, so they go on */
            tm_capture quiet;
            tm_capture_begin(&quiet, 2);
            CHECK_INT(tm__hwc_configure("perf::TASK-CLOCK,no-such-papi-event", true),
                      TIMEMORY_EUNKNOWN);
            free(tm_capture_end(&quiet));
            int64_t c[2];
            CHECK_INT(tm__hwc_read(c), 2);
            CHECK(c[0] >= b[0] && c[1] >= b[1]);
            CHECK(tm_hwc_test_papi_lists("perf::PAGE-FAULTS")); /* available while counting */
            tm_hwc_test_work(256);
            int64_t d[2];
            CHECK_INT(tm__hwc_read(d), 2);
            CHECK(d[0] > c[0] && d[1] - c[1] >= 200);
            /* a thread whose first PAPI call is a configure (PAPI 7 looked up its
             * unregistered thread record and crashed) */
            pthread_t thread;
            int       counted = -1;
            CHECK_INT(pthread_create(&thread, NULL, tm_hwc_test_configure_main, &counted), 0);
            pthread_join(thread, NULL);
            CHECK_INT(counted, 1);
        }
        /* auto counts every event one backend can: perf's own names PAPI does not know
         * (alignment-faults) go to perf_event, with the reason saying so */
        tm__hwc_set_backend("auto");
        if(tm_hwc_test_can_count("alignment-faults") && tm_hwc_test_can_count("task-clock"))
        {
            CHECK_INT(tm__hwc_configure("task-clock,alignment-faults", false), 2);
            if(strcmp(tm__hwc_backend(), "perf_event") == 0)
                CHECK(strstr(tm__hwc_unavailable_reason(), "perf_event counts more"));
        }
        CHECK_INT(tm__hwc_configure("perf::TASK-CLOCK", false), 1);
        CHECK_STR(tm__hwc_backend(), "papi");
    }
    else
    {
        /* no libpapi, or PAPI without a CPU component (this VM: libpfm4 finds no PMU): the
         * reason says which, asking for PAPI is an error, auto falls back to perf_event */
        const char* why = tm__hwc_papi_reason();
        CHECK(why != NULL && (strstr(why, "not installed") || strstr(why, "PAPI")));
        tm_capture err;
        tm_capture_begin(&err, 2);
        CHECK_INT(tm__hwc_configure("perf::TASK-CLOCK", false), TIMEMORY_EUNAVAILABLE);
        char* text = tm_capture_end(&err);
        CHECK_INT(tm_hwc_test_count(text, "warning"), 1);
        CHECK(strstr(text, "PAPI backend was asked for") != NULL);
        free(text);
        tm__hwc_set_backend("auto");
        int n = tm__hwc_configure("perf::TASK-CLOCK", false);
        CHECK_STR(tm__hwc_backend(), "perf_event");
        CHECK_STR(tm__hwc_unavailable_reason(), why);
        if(tm_hwc_test_can_count("task-clock")) CHECK_INT(n, 1);
    }
    tm__hwc_configure("", false);
    tm__hwc_set_backend("auto");
}

TM_TEST(hwc_list)
{
    int n = timemory_hwcounters_list(NULL, 0);
    CHECK(n >= 19); /* perf_event's names at least */
    timemory_hwcounter_info* all = calloc((size_t)n, sizeof(*all));
    CHECK_INT(timemory_hwcounters_list(all, n), n);
    int perf = 0, papi = 0;
    for(int i = 0; i < n; ++i)
    {
        CHECK(all[i].name && all[i].name[0] && all[i].description && all[i].units);
        if(strcmp(all[i].backend, "perf_event") == 0)
        {
            ++perf;
            /* available means it opened here: the same answer as a probe */
            CHECK_INT(all[i].available, tm_hwc_test_can_count(all[i].name));
            if(strcmp(all[i].name, "task-clock") == 0) CHECK_STR(all[i].units, "ns");
        }
        else
        {
            CHECK_STR(all[i].backend, "papi");
            ++papi;
        }
    }
    CHECK_INT(perf, tm__hwc_perf_known(-1, NULL, NULL, NULL));
    if(papi > 0) CHECK(strcmp(all[0].name, "PAPI_L1_DCM") == 0); /* presets first */
    free(all);
}
