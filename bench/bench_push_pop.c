/* bench_push_pop.c -- the cost of one region push/pop pair with wall_clock, against the two
 * clock_gettime(CLOCK_MONOTONIC) reads it cannot avoid, in one run, best of several rounds;
 * the same pair with the per-call timeline on (its begin and end in the thread's buffer);
 * plus the cost of a pair made while paused, with no region open and inside an open region
 * (a paused pair must leave the open region alone and print nothing).
 * A program, not a test: it prints figures and ratios.
 *
 *   bench_push_pop [pairs-per-round] [rounds]
 * Under callgrind, the loops are separate functions (see bench/run_c_bench.sh), so
 * --toggle-collect gives instructions per pair.
 */
#include "timemory/timemory.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static volatile int64_t sink;

/* exported so that callgrind --toggle-collect finds them by name */
void loop_clock_reads(long n);
void loop_push_pop_id(long n, uint64_t key);
void loop_push_pop_two(long n, uint64_t key);
void loop_push_pop_region(long n, const char* name);
void loop_push_pop_timeline(long n, uint64_t key);
void loop_paused(long n, uint64_t key);
void loop_paused_inline(long n, uint64_t key);
void loop_paused_region(long n, const char* name);
void loop_paused_in_region(long n, uint64_t key);
void loop_paused_inline_in_region(long n, uint64_t key);
void loop_paused_region_in_region(long n, const char* name);

__attribute__((noipa)) void loop_clock_reads(long n)
{
    struct timespec a, b;
    for(long i = 0; i < n; ++i)
    {
        clock_gettime(CLOCK_MONOTONIC, &a);
        clock_gettime(CLOCK_MONOTONIC, &b);
        sink += b.tv_nsec - a.tv_nsec;
    }
}

__attribute__((noipa)) void loop_push_pop_id(long n, uint64_t key)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
}

/* two components: the general path (a set of several, each source read once) */
__attribute__((noipa)) void loop_push_pop_two(long n, uint64_t key)
{
    const timemory_components_t two = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK) |
                                      TIMEMORY_COMPONENT_BIT(TIMEMORY_THREAD_CPU_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push(key, two, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
}

__attribute__((noipa)) void loop_push_pop_region(long n, const char* name)
{
    for(long i = 0; i < n; ++i)
    {
        timemory_push_region(name);
        timemory_pop_region(name);
    }
}

__attribute__((noipa)) void loop_push_pop_timeline(long n, uint64_t key)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
}

/* The timeline loop: every pair recorded (the timeline emptied first; the buffer holds them
 * all). */
static double timeline_round(long n, uint64_t key)
{
    timemory_clear(0);
    timemory_settings_set_bool("timeline", true);
    int64_t t0 = now_ns();
    loop_push_pop_timeline(n, key);
    int64_t t1 = now_ns();
    timemory_settings_set_bool("timeline", false);
    return (double)(t1 - t0) / n;
}

__attribute__((noipa)) void loop_paused(long n, uint64_t key)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
}

__attribute__((noipa)) void loop_paused_inline(long n, uint64_t key)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push_inline(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop_inline(key);
    }
}

__attribute__((noipa)) void loop_paused_region(long n, const char* name)
{
    for(long i = 0; i < n; ++i)
    {
        timemory_push_region(name);
        timemory_pop_region(name);
    }
}

/* The paused loops again, inside a region pushed before the pause (the reproduction of issue
 * 13: outer open, pause, then pairs); functions of their own for callgrind. */
__attribute__((noipa)) void loop_paused_in_region(long n, uint64_t key)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
}

__attribute__((noipa)) void loop_paused_inline_in_region(long n, uint64_t key)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(long i = 0; i < n; ++i)
    {
        timemory_push_inline(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop_inline(key);
    }
}

__attribute__((noipa)) void loop_paused_region_in_region(long n, const char* name)
{
    for(long i = 0; i < n; ++i)
    {
        timemory_push_region(name);
        timemory_pop_region(name);
    }
}

static void paused_inside(long n, uint64_t key, const char* name, double out[3])
{
    timemory_push_region("bench-outer");
    timemory_pause();
    int64_t t0 = now_ns();
    loop_paused_in_region(n, key);
    int64_t t1 = now_ns();
    loop_paused_inline_in_region(n, key);
    int64_t t2 = now_ns();
    loop_paused_region_in_region(n, name);
    int64_t t3 = now_ns();
    timemory_resume();
    timemory_pop_region("bench-outer");
    out[0] = (double)(t1 - t0) / n;
    out[1] = (double)(t2 - t1) / n;
    out[2] = (double)(t3 - t2) / n;
}

int main(int argc, char** argv)
{
    long n      = argc > 1 ? atol(argv[1]) : 2000000;
    int  rounds = argc > 2 ? atoi(argv[2]) : 7;
    timemory_settings_set_bool("auto_output", false);
    timemory_settings_set_string("components", "wall_clock");

    uint64_t    key      = timemory_add_hash_id("bench-region");
    uint64_t    key2     = timemory_add_hash_id("bench-region-two");
    const char* name     = "bench-region-by-name";
    double      best[10] = { 1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30 };
    /* the timeline's pairs per round: its buffer holds them all (24 bytes an event) */
    long timeline_n = n < 500000 ? n : 500000;
    timemory_settings_set_int("timeline_capacity", 2 * timeline_n + 64);
    for(int r = 0; r < rounds; ++r)
    {
        /* interleaved: every round measures every variant */
        double  tl = timeline_round(timeline_n, key);
        int64_t t0 = now_ns();
        loop_clock_reads(n);
        int64_t t1 = now_ns();
        loop_push_pop_id(n, key);
        int64_t t2 = now_ns();
        loop_push_pop_region(n, name);
        int64_t t3 = now_ns();
        timemory_pause();
        loop_paused(n, key);
        int64_t t4 = now_ns();
        loop_paused_inline(n, key);
        timemory_resume();
        int64_t t5 = now_ns();
        loop_push_pop_two(n, key2);
        int64_t t6    = now_ns();
        double  v[10] = { (double)(t1 - t0) / n, (double)(t2 - t1) / n, (double)(t3 - t2) / n,
                          (double)(t4 - t3) / n, (double)(t5 - t4) / n };
        paused_inside(n, key, name, &v[5]);
        v[8] = tl;
        v[9] = (double)(t6 - t5) / n;
        for(int k = 0; k < 10; ++k)
            if(v[k] < best[k]) best[k] = v[k];
    }
    printf("push/pop pairs with wall_clock: %ld pairs per round, best of %d rounds\n", n, rounds);
    printf("  %-44s %8.1f ns/pair\n", "two clock_gettime(CLOCK_MONOTONIC)", best[0]);
    printf("  %-44s %8.1f ns/pair  (%.2fx the clock reads)\n",
           "timemory_push/timemory_pop (key id)", best[1], best[1] / best[0]);
    printf("  %-44s %8.1f ns/pair  (%.2fx the clock reads)\n",
           "timemory_push_region/pop_region (name)", best[2], best[2] / best[0]);
    printf("  %-44s %8.1f ns/pair\n", "push/pop (key id), wall_clock + thread_cpu_clock", best[9]);
    printf("  %-44s %8.1f ns/pair  (+%.1f ns per timeline event)\n",
           "push/pop (key id) with the timeline on", best[8], (best[8] - best[1]) / 2);
    printf("  %-44s %8.1f ns/pair\n", "paused (timemory_pause), push/pop calls", best[3]);
    printf("  %-44s %8.1f ns/pair\n", "paused, timemory_push_inline/pop_inline", best[4]);
    printf("inside an open region (pushed before the pause):\n");
    printf("  %-44s %8.1f ns/pair\n", "paused, push/pop calls", best[5]);
    printf("  %-44s %8.1f ns/pair\n", "paused, timemory_push_inline/pop_inline", best[6]);
    printf("  %-44s %8.1f ns/pair\n", "paused, push_region/pop_region (name)", best[7]);
    size_t entries = 0;
    timemory_get_size(TIMEMORY_WALL_CLOCK, &entries);
    int      errors = timemory_take_errors(NULL);
    uint64_t held = 0, dropped = 0;
    timemory_timeline_counts(&held, &dropped);
    printf("  entries recorded: %zu (expected 4), hot-path errors: %d (expected 0)\n", entries,
           errors);
    printf("  timeline events of the last round: %llu (expected %ld), dropped: %llu\n",
           (unsigned long long)held, 2 * timeline_n, (unsigned long long)dropped);
    bool ok = entries == 4 && errors == 0 && held == (uint64_t)(2 * timeline_n) && dropped == 0;
    return ok ? 0 : 1;
}
