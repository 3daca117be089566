/* test_pause.c -- pushes made while paused and pops after finalize (issue 13, defects 3 and 6),
 * with the injected clock so that every value is exact: a paused push/pop pair inside an open
 * region prints nothing and touches nothing, a paused pair with the name of an open region
 * never closes it, whichever of push and pop is paused; pushes made before a pause still pop;
 * the inline entry points, the by-name regions and the trace regions agree; the skipped-push
 * stack allocates nothing after warm-up, is freed with its thread and survives running out of
 * memory; after finalize, pushes and pops are silent and counted in one line at exit. */
#include "internal.h"
#include "timemory/library.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int64_t tm_now;
static int64_t tm_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_now : 0;
}

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

static void tm_pause_setup(void)
{
    timemory_clear(0);
    timemory_set_default_components(WALL);
    tm__set_test_reader(tm_reader);
    tm__fast_wall = false;
    tm_now        = 0;
    (void)timemory_take_errors(NULL);
}

static void tm_pause_teardown(void)
{
    timemory_resume();
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    timemory_set_default_components(0);
    timemory_clear(0);
}

/* laps and raw wall-clock sum of the merged entry with this prefix; laps -1 when missing */
static void tm_entry(const char* prefix, long long* laps, long long* ns)
{
    *laps = -1;
    *ns   = 0;
    tm__result r;
    if(tm__result_build(TIMEMORY_WALL_CLOCK, &r) != TIMEMORY_OK) return;
    for(size_t i = 0; i < r.nentries; ++i)
        if(strcmp(r.entries[i].prefix, prefix) == 0 && r.entries[i].laps > 0)
        {
            *laps = (long long)r.entries[i].laps;
            *ns   = (long long)r.entries[i].accum[0];
        }
    tm__result_free(&r);
}

static size_t tm_entries(void)
{
    size_t n = 0;
    timemory_get_size(TIMEMORY_WALL_CLOCK, &n);
    return n;
}

TM_TEST(pause_pairs_inside_an_open_region_are_silent)
{
    tm_pause_setup();
    CHECK_INT(timemory_push_region("p-outer"), TIMEMORY_OK);
    timemory_pause();
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    int bad = 0;
    for(int i = 0; i < 100000; ++i)
    {
        bad += timemory_push_region("p-r") != TIMEMORY_EDISABLED;
        bad += timemory_pop_region("p-r") != TIMEMORY_EDISABLED;
    }
    uint64_t k = timemory_add_hash_id("p-r");
    for(int i = 0; i < 1000; ++i)
    {
        bad += timemory_push(k, WALL, TIMEMORY_SCOPE_TREE) != TIMEMORY_EDISABLED;
        bad += timemory_pop(k) != TIMEMORY_EDISABLED;
        bad += timemory_push_inline(k, WALL, TIMEMORY_SCOPE_TREE) != TIMEMORY_EDISABLED;
        bad += timemory_pop_inline(k) != TIMEMORY_EDISABLED;
    }
    char* text = tm_capture_end(&cap);
    CHECK_STR(text, "");
    free(text);
    CHECK_INT(bad, 0);
    CHECK_INT(timemory_take_errors(NULL), 0);
    CHECK_INT(timemory_stack_depth(), 1);
    CHECK_INT(timemory_thread_skipped.count, 0);
    timemory_resume();
    tm_now = 70;
    CHECK_INT(timemory_pop_region("p-outer"), TIMEMORY_OK);
    long long laps, ns;
    tm_entry(">>> p-outer", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 70);
    CHECK_INT(tm_entries(), 1);
    tm_pause_teardown();
}

/* the numbers: solve holds step (21); a paused solve pair must not close solve */
TM_TEST(pause_same_name_pair_never_closes_the_open_region)
{
    tm_pause_setup();
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_push_region("p-solve"), TIMEMORY_OK);
    tm_now = 10;
    CHECK_INT(timemory_push_region("p-step"), TIMEMORY_OK);
    tm_now = 31;
    CHECK_INT(timemory_pop_region("p-step"), TIMEMORY_OK);
    timemory_pause();
    tm_now = 32;
    CHECK_INT(timemory_push_region("p-solve"), TIMEMORY_EDISABLED);
    tm_now = 33;
    CHECK_INT(timemory_pop_region("p-solve"), TIMEMORY_EDISABLED);
    /* push paused, pop resumed */
    CHECK_INT(timemory_push_region("p-solve"), TIMEMORY_EDISABLED);
    timemory_resume();
    tm_now = 40;
    CHECK_INT(timemory_pop_region("p-solve"), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_stack_depth(), 1);
    tm_now = 100;
    CHECK_INT(timemory_pop_region("p-solve"), TIMEMORY_OK);
    char* text = tm_capture_end(&cap);
    CHECK_STR(text, "");
    free(text);
    CHECK_INT(timemory_take_errors(NULL), 0);
    long long laps, ns;
    tm_entry(">>> p-solve", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 100);
    tm_entry(">>> |_p-step", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 21);
    CHECK_INT(tm_entries(), 2);
    tm_pause_teardown();
}

/* pushes made before the pause pop (and record) while paused, innermost first */
TM_TEST(pause_pushes_before_the_pause_still_pop)
{
    tm_pause_setup();
    uint64_t k = timemory_add_hash_id("p-before");
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    tm_now = 10;
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    timemory_pause();
    tm_now = 30;
    CHECK_INT(timemory_pop(k), TIMEMORY_OK); /* the inner one: 20 */
    tm_now = 35;
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED);
    tm_now = 50;
    CHECK_INT(timemory_pop(k), TIMEMORY_OK);        /* the outer one: 50 */
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED); /* paused, nothing open */
    timemory_resume();
    CHECK_INT(timemory_take_errors(NULL), 0);
    long long laps, ns;
    tm_entry(">>> p-before", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 50);
    tm_entry(">>> |_p-before", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 20);
    tm_pause_teardown();
}

/* LIFO by key over both kinds: a recorded push made after a paused one pops first */
TM_TEST(pause_skipped_and_recorded_pushes_form_one_stack)
{
    tm_pause_setup();
    uint64_t k = timemory_add_hash_id("p-lifo"), o = timemory_add_hash_id("p-other");
    timemory_pause();
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK); /* at 0 */
    tm_now = 5;
    CHECK_INT(timemory_push(o, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    timemory_pause();
    CHECK_INT(timemory_push(o, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_thread_skipped.count, 3);
    /* out of order (a generator): pops the skipped k above o, then the skipped o */
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop(o), TIMEMORY_EDISABLED);
    tm_now = 12;
    CHECK_INT(timemory_pop(o), TIMEMORY_OK); /* the recorded o: 7 */
    tm_now = 20;
    CHECK_INT(timemory_pop(k), TIMEMORY_OK); /* the recorded k above the first skipped one */
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop(k), TIMEMORY_EUNBALANCED);
    CHECK_INT(timemory_take_errors(NULL), 1);
    CHECK_INT(timemory_thread_skipped.count, 0);
    CHECK_INT(timemory_stack_depth(), 0);
    long long laps, ns;
    tm_entry(">>> p-lifo", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 20);
    tm_entry(">>> |_p-other", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 7);

    /* a recorded push under a skipped one popped first (out of order): the skipped one stays
     * matched to its own pop, and the inline pop agrees */
    timemory_clear(0);
    tm_now = 0;
    CHECK_INT(timemory_push_inline(o, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    timemory_pause();
    CHECK_INT(timemory_push_inline(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_thread_skipped.entries[0].below, 1);
    tm_now = 4;
    CHECK_INT(timemory_pop_inline(o), TIMEMORY_OK);
    CHECK_INT(timemory_thread_skipped.entries[0].below, 0);
    CHECK_INT(timemory_pop_inline(k), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_thread_skipped.count, 0);
    tm_entry(">>> p-other", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 4);
    CHECK_INT(tm_entries(), 1);
    CHECK_INT(timemory_take_errors(NULL), 0);
    tm_pause_teardown();
}

/* hook pushes (the profiler) open between a skipped push and its pop are left alone */
TM_TEST(pause_skipped_push_around_hook_pushes)
{
    tm_pause_setup();
    uint64_t k = timemory_add_hash_id("p-hooked"), f = timemory_add_hash_id("p-func");
    int      tag;
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    timemory_pause();
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_hook_push(f, 0, TIMEMORY_SCOPE_TREE, &tag, NULL, 0), TIMEMORY_OK);
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED); /* the skipped k, below the hook push */
    CHECK_INT(timemory_hook_pop(&tag, NULL, 9, 1.0), TIMEMORY_OK);
    tm_now = 30;
    CHECK_INT(timemory_pop(k), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    CHECK_INT(timemory_thread_skipped.count, 0);
    long long laps, ns;
    tm_entry(">>> p-hooked", &laps, &ns);
    CHECK_INT(ns, 30);
    tm_entry(">>> |_p-func", &laps, &ns);
    CHECK_INT(ns, 9);
    CHECK_INT(timemory_take_errors(NULL), 0);
    tm_pause_teardown();
}

TM_TEST(pause_trace_regions)
{
    tm_pause_setup();
    timemory_settings_set_string("trace_components", "wall_clock");
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    CHECK_INT(timemory_push_trace("p-trace"), TIMEMORY_OK);
    timemory_pause();
    CHECK_INT(timemory_push_trace("p-trace"), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop_trace("p-trace"), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_push_trace("p-trace-new"), TIMEMORY_EDISABLED); /* a key not seen yet */
    CHECK_INT(timemory_push_trace("p-trace"), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_pop_trace("p-trace"), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop_trace("p-trace-new"), TIMEMORY_EDISABLED);
    tm_now = 25;
    CHECK_INT(timemory_pop_trace("p-trace"), TIMEMORY_OK);
    char* text = tm_capture_end(&cap);
    CHECK_STR(text, "");
    free(text);
    long long laps, ns;
    tm_entry(">>> p-trace", &laps, &ns);
    CHECK_INT(laps, 1);
    CHECK_INT(ns, 25);
    CHECK_INT(tm_entries(), 1);
    CHECK_INT(timemory_take_errors(NULL), 0);
    timemory_settings_set_string("trace_components", "");
    tm_pause_teardown();
}

extern unsigned long tm_test_allocations; /* alloc_count.c */
extern unsigned long tm_test_fail_allocations;

TM_TEST(pause_paused_pairs_allocate_nothing_after_warm_up)
{
    tm_pause_setup();
    uint64_t k = timemory_add_hash_id("p-alloc");
    timemory_pause();
    for(int i = 0; i < 200; ++i) timemory_push(k, WALL, TIMEMORY_SCOPE_TREE); /* warm-up */
    for(int i = 0; i < 200; ++i) timemory_pop(k);
    unsigned long before = tm_test_allocations;
    for(int i = 0; i < 100000; ++i)
    {
        timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
        timemory_push_inline(k, WALL, TIMEMORY_SCOPE_TREE);
        timemory_push_region("p-alloc");
        timemory_pop_region("p-alloc");
        timemory_pop_inline(k);
        timemory_pop(k);
    }
    CHECK_INT(tm_test_allocations - before, 0);
    CHECK_INT(timemory_thread_skipped.count, 0);
    tm_pause_teardown();
}

/* a skipped push that cannot be stored is counted: its pop is silent all the same */
TM_TEST(pause_out_of_memory_for_skipped_pushes)
{
    tm_pause_setup();
    uint64_t k = timemory_add_hash_id("p-oom");
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    timemory_pause();
    unsigned cap = timemory_thread_skipped.capacity;
    for(unsigned i = 0; i < cap; ++i)
        CHECK_INT(timemory_push_inline(k, WALL, 0), TIMEMORY_EDISABLED);
    tm_test_fail_allocations = 1;
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    tm_test_fail_allocations = 0;
    CHECK_INT(timemory_thread_skipped.lost, 1);
    CHECK_INT(timemory_thread_skipped.count, cap);
    CHECK_INT(timemory_take_errors(NULL), 1);
    timemory_resume();
    /* the stored ones match first; the lost one (order unknown) takes the pop that matches
     * nothing */
    for(unsigned i = 0; i < cap; ++i) CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED);
    tm_now = 8;
    CHECK_INT(timemory_pop(k), TIMEMORY_OK);
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_thread_skipped.lost, 0);
    CHECK_INT(timemory_take_errors(NULL), 0);
    long long laps, ns;
    tm_entry(">>> p-oom", &laps, &ns);
    CHECK_INT(ns, 8);
    tm_pause_teardown();
}

static void* tm_paused_thread(void* arg)
{
    int*     bad = arg;
    uint64_t k   = timemory_add_hash_id("p-thread");
    if(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE) != TIMEMORY_OK) ++*bad;
    timemory_pause();
    for(int i = 0; i < 1000; ++i)
    {
        *bad += timemory_push_region("p-thread") != TIMEMORY_EDISABLED;
        *bad += timemory_push_region("p-thread") != TIMEMORY_EDISABLED;
        *bad += timemory_pop_region("p-thread") != TIMEMORY_EDISABLED;
        *bad += timemory_pop_region("p-thread") != TIMEMORY_EDISABLED;
    }
    /* p-left stays open at exit: the thread's stack is freed with it */
    *bad += timemory_push_region("p-left") != TIMEMORY_EDISABLED;
    *bad += timemory_push_region("p-thread") != TIMEMORY_EDISABLED;
    timemory_resume();
    *bad += timemory_pop(k) != TIMEMORY_EDISABLED;
    *bad += timemory_pop(k) != TIMEMORY_OK;
    *bad += timemory_thread_skipped.count != 1;
    return NULL;
}

TM_TEST(pause_threads_have_their_own_skipped_pushes)
{
    tm_pause_setup();
    timemory_pause();
    CHECK_INT(timemory_push_region("p-thread"), TIMEMORY_EDISABLED); /* main thread's own */
    timemory_resume();
    int       bad = 0;
    pthread_t t;
    pthread_create(&t, NULL, tm_paused_thread, &bad);
    pthread_join(t, NULL);
    CHECK_INT(bad, 0);
    CHECK_INT(timemory_thread_skipped.count, 1);
    CHECK_INT(timemory_pop_region("p-thread"), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_take_errors(NULL), 0);
    long long laps, ns;
    tm_entry(">>> p-thread", &laps, &ns);
    CHECK_INT(laps, 1);
    tm_pause_teardown();
}

/* ---- after finalize ------------------------------------------------------------------------ */

static pthread_barrier_t tm_barrier;

static void* tm_late_thread(void* arg)
{
    int* bad = arg;
    *bad += timemory_push_region("p-late") != TIMEMORY_OK;
    pthread_barrier_wait(&tm_barrier); /* main finalizes */
    pthread_barrier_wait(&tm_barrier);
    for(int i = 0; i < 1000; ++i)
    {
        *bad += timemory_push_region("p-late-x") != TIMEMORY_EFINALIZED;
        *bad += timemory_pop_region("p-late-x") != TIMEMORY_EFINALIZED;
        *bad += timemory_pop_region("p-never") != TIMEMORY_EFINALIZED;
    }
    *bad += timemory_pop_region("p-late") != TIMEMORY_EFINALIZED;
    return NULL;
}

/* In a child process (finalize is for good): a thread still running after finalize has its
 * pushes and pops refused in silence, and exit prints the one line that counts them. */
TM_TEST(finalize_then_pops_from_a_thread_are_one_line)
{
    tm_capture cap;
    tm_capture_begin(&cap, 2);
    pid_t pid = fork();
    if(pid == 0)
    {
        timemory_settings_set_bool("auto_output", false);
        timemory_settings_set_bool("cout_output", false);
        int       bad = 0;
        pthread_t t;
        pthread_barrier_init(&tm_barrier, NULL, 2);
        pthread_create(&t, NULL, tm_late_thread, &bad);
        pthread_barrier_wait(&tm_barrier);
        timemory_finalize();
        pthread_barrier_wait(&tm_barrier);
        pthread_join(t, NULL);
        bad += tm__refused_after_finalize_count() != 3001;
        exit(bad == 0 ? 0 : 3);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    char* text = tm_capture_end(&cap);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_STR(text, "[timemory] warning: region pushes/pops ignored after timemory_finalize: "
                    "3001\n");
    free(text);
}
