/* test_mallocp.c -- allocation tracking (events.c, include/timemory/mallocp.h): start/stop
 * with activation counting, exact bytes and calls per function entry under the current region,
 * the empty records that keep the path to an entry, nothing recorded while stopped, paused or
 * held, no allocation per event after warm-up, threads, and the library's own allocations
 * never re-entering it (malloc of the runner reports to tracking as the interposer does).
 * The interposer library itself is run by tests/python/test_mallocp.py (in a subprocess
 * without sanitizers: AddressSanitizer interposes malloc itself). */
#include "internal.h"
#include "timemory/mallocp.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>

extern unsigned long tm_test_allocations; /* alloc_count.c */
extern int           tm_test_alloc_events;

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

static const tm__entry* tm_mp_entry(const tm__result* r, const char* prefix)
{
    for(size_t i = 0; i < r->nentries; ++i)
        if(strcmp(r->entries[i].prefix, prefix) == 0) return &r->entries[i];
    return NULL;
}

static void tm_mp_setup(void)
{
    timemory_clear(0);
    timemory_set_default_components(WALL);
    (void)timemory_take_errors(NULL);
}

TM_TEST(mallocp_start_stop_counts)
{
    CHECK_INT(timemory_mallocp_count(), 0);
    uint64_t a = timemory_start_mallocp();
    uint64_t b = timemory_start_mallocp();
    CHECK(a > 0 && b > 0 && a != b);
    CHECK_INT(timemory_mallocp_count(), 2);
    CHECK(timemory_mallocp_active != 0);
    CHECK_INT(timemory_stop_mallocp(a), 1);
    CHECK_INT(timemory_stop_mallocp(a), 1); /* stopped already: nothing changes */
    CHECK_INT(timemory_stop_mallocp(0), 1);
    CHECK(timemory_mallocp_active != 0);
    CHECK_INT(timemory_stop_mallocp(b), 0);
    CHECK_INT(timemory_mallocp_active, 0);
    CHECK_INT(timemory_mallocp_count(), 0);
    CHECK(strcmp(timemory_alloc_function_name(TIMEMORY_ALLOC_FREE), "free") == 0);
    CHECK(strcmp(timemory_alloc_function_name(TIMEMORY_ALLOC_POSIX_MEMALIGN), "posix_memalign") ==
          0);
    CHECK(timemory_alloc_function_name(TIMEMORY_ALLOC_COUNT) == NULL);
    CHECK(timemory_alloc_function_name(-1) == NULL);
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_COUNT, 1), TIMEMORY_EINVAL);
}

/* 10 x malloc(1000), 2 x calloc of 300, realloc to 5000 and free of 1000 inside "mp-work": one
 * entry per function under the region, exact bytes and calls; the region itself carries an
 * empty record; after the stop nothing more is recorded. */
TM_TEST(mallocp_exact_bytes_per_function)
{
    tm_mp_setup();
    uint64_t work = timemory_add_hash_id("mp-work");
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 1000), TIMEMORY_EDISABLED);
    uint64_t id = timemory_start_mallocp();
    CHECK_INT(timemory_push(work, WALL, TIMEMORY_SCOPE_DEFAULT), TIMEMORY_OK);
    for(int i = 0; i < 10; ++i) CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 1000), 0);
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_CALLOC, 300), 0);
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_CALLOC, 300), 0);
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_REALLOC, 5000), 0);
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_FREE, 1000), 0);
    CHECK_INT(timemory_stop_mallocp(id), 0);
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 77), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop(work), TIMEMORY_OK);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_MALLOC_GOTCHA, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 5);
    const tm__entry* region = tm_mp_entry(&r, ">>> mp-work");
    const tm__entry* m      = tm_mp_entry(&r, ">>> |_malloc");
    const tm__entry* c      = tm_mp_entry(&r, ">>> |_calloc");
    const tm__entry* re     = tm_mp_entry(&r, ">>> |_realloc");
    const tm__entry* f      = tm_mp_entry(&r, ">>> |_free");
    CHECK(region && m && c && re && f);
    if(region && m && c && re && f)
    {
        CHECK_INT(region->laps, 0);
        CHECK_INT(region->accum[0], 0);
        CHECK_INT(m->laps, 10);
        CHECK_INT(m->accum[0], 10000);
        CHECK_NEAR(m->stats.min[0], 1000.0, 0.0);
        CHECK_NEAR(m->stats.max[0], 1000.0, 0.0);
        CHECK_INT(m->stats.count, 10);
        CHECK_INT(c->laps, 2);
        CHECK_INT(c->accum[0], 600);
        CHECK_INT(re->laps, 1);
        CHECK_INT(re->accum[0], 5000);
        CHECK_INT(f->laps, 1);
        CHECK_INT(f->accum[0], 1000);
    }
    tm__result_free(&r);
    /* the wall_clock table is unchanged: the entries carry malloc_gotcha only */
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 1);
    tm__result_free(&r);
    /* display: MB (memory_units), get() in bytes */
    int64_t raw[2] = { 10000, 0 };
    double  out[2];
    CHECK_INT(timemory_component_get(TIMEMORY_MALLOC_GOTCHA, raw, out), 1);
    CHECK_NEAR(out[0], 10000 / timemory_component_unit(TIMEMORY_MALLOC_GOTCHA, 0), 1e-12);
    CHECK_INT(timemory_take_errors(NULL), 0);
}

/* Entries go under the region current on the calling thread: nested regions keep their path
 * (each region above an entry has an empty record), a region without allocations is absent. */
TM_TEST(mallocp_entries_follow_the_call_graph)
{
    tm_mp_setup();
    uint64_t outer = timemory_add_hash_id("mp-outer"), inner = timemory_add_hash_id("mp-inner");
    uint64_t idle = timemory_add_hash_id("mp-idle");
    uint64_t id   = timemory_start_mallocp();
    timemory_push(outer, WALL, TIMEMORY_SCOPE_DEFAULT);
    timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 16);
    timemory_push(idle, WALL, TIMEMORY_SCOPE_DEFAULT);
    timemory_pop(idle);
    timemory_push(inner, WALL, TIMEMORY_SCOPE_DEFAULT);
    timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 32);
    timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 32);
    timemory_pop(inner);
    timemory_pop(outer);
    timemory_alloc_event(TIMEMORY_ALLOC_FREE, 8); /* at the top level */
    CHECK_INT(timemory_stop_mallocp(id), 0);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_MALLOC_GOTCHA, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 5);
    const tm__entry* om = tm_mp_entry(&r, ">>> |_malloc");
    const tm__entry* in = tm_mp_entry(&r, ">>> |_mp-inner");
    const tm__entry* im = tm_mp_entry(&r, ">>>   |_malloc");
    const tm__entry* f  = tm_mp_entry(&r, ">>> free");
    CHECK(tm_mp_entry(&r, ">>> mp-outer") && om && in && im && f);
    CHECK(tm_mp_entry(&r, ">>> |_mp-idle") == NULL);
    if(om && im && f)
    {
        CHECK_INT(om->laps, 1);
        CHECK_INT(om->accum[0], 16);
        CHECK_INT(im->laps, 2);
        CHECK_INT(im->accum[0], 64);
        CHECK_INT(f->accum[0], 8);
    }
    tm__result_free(&r);
    /* after a clear, the first event shows the path again */
    timemory_clear(TIMEMORY_COMPONENT_BIT(TIMEMORY_MALLOC_GOTCHA));
    id = timemory_start_mallocp();
    timemory_push(outer, WALL, TIMEMORY_SCOPE_DEFAULT);
    timemory_push(inner, WALL, TIMEMORY_SCOPE_DEFAULT);
    timemory_alloc_event(TIMEMORY_ALLOC_CALLOC, 24);
    timemory_pop(inner);
    timemory_pop(outer);
    timemory_stop_mallocp(id);
    CHECK_INT(tm__result_build(TIMEMORY_MALLOC_GOTCHA, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 3);
    const tm__entry* ic = tm_mp_entry(&r, ">>>   |_calloc");
    CHECK(tm_mp_entry(&r, ">>> mp-outer") && tm_mp_entry(&r, ">>> |_mp-inner") && ic);
    if(ic) CHECK_INT(ic->accum[0], 24);
    tm__result_free(&r);
}

/* Paused or held: nothing is recorded. */
TM_TEST(mallocp_paused_or_held_records_nothing)
{
    tm_mp_setup();
    uint64_t id = timemory_start_mallocp();
    timemory_pause();
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 10), TIMEMORY_EDISABLED);
    timemory_resume();
    ++timemory_alloc_hold;
    CHECK_INT(timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 10), TIMEMORY_EDISABLED);
    timemory_alloc_note(TIMEMORY_ALLOC_MALLOC, 10);
    --timemory_alloc_hold;
    timemory_stop_mallocp(id);
    timemory_alloc_note(TIMEMORY_ALLOC_MALLOC, 10); /* stopped */
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_MALLOC_GOTCHA, &r), TIMEMORY_ENOTFOUND); /* no data */
}

/* After an entry's first call, events allocate nothing. */
TM_TEST(mallocp_events_allocate_nothing_after_warmup)
{
    tm_mp_setup();
    uint64_t work = timemory_add_hash_id("mp-warm");
    uint64_t id   = timemory_start_mallocp();
    timemory_push(work, WALL, TIMEMORY_SCOPE_DEFAULT);
    for(int f = 0; f < TIMEMORY_ALLOC_COUNT; ++f) timemory_alloc_event(f, 1);
    unsigned long before = tm_test_allocations;
    for(int i = 0; i < 10000; ++i) timemory_alloc_note(i % TIMEMORY_ALLOC_COUNT, (size_t)i);
    CHECK_INT(tm_test_allocations - before, 0);
    timemory_pop(work);
    timemory_stop_mallocp(id);
}

/* The library's own allocations (new nodes, grown tables, its lock held) are not recorded and
 * do not re-enter it, while the program's are: malloc reports every call here. */
TM_TEST(mallocp_library_allocations_are_not_recorded)
{
    tm_mp_setup();
    enum { N = 3000 };
    static uint64_t keys[N];
    char            name[32];
    for(int i = 0; i < N; ++i)
    {
        snprintf(name, sizeof(name), "mp-many-%d", i);
        keys[i] = timemory_add_hash_id(name);
    }
    uint64_t top = timemory_add_hash_id("mp-top");
    uint64_t id  = timemory_start_mallocp();
    __atomic_store_n(&tm_test_alloc_events, 1, __ATOMIC_RELAXED);
    timemory_push(top, WALL, TIMEMORY_SCOPE_DEFAULT);
    /* thousands of new nodes and records: arena chunks and the child table grow */
    for(int i = 0; i < N; ++i)
    {
        timemory_push(keys[i], WALL, TIMEMORY_SCOPE_DEFAULT);
        timemory_pop(keys[i]);
    }
    void* volatile p = malloc(4321); /* the program's: recorded */
    timemory_pop(top);
    __atomic_store_n(&tm_test_alloc_events, 0, __ATOMIC_RELAXED);
    timemory_stop_mallocp(id);
    free(p);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_MALLOC_GOTCHA, &r), TIMEMORY_OK);
    const tm__entry* m = tm_mp_entry(&r, ">>> |_malloc");
    CHECK_INT(r.nentries, 2);
    CHECK(m != NULL);
    if(m)
    {
        CHECK_INT(m->laps, 1);
        CHECK_INT(m->accum[0], 4321);
    }
    tm__result_free(&r);
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, N + 1);
    tm__result_free(&r);
    CHECK_INT(timemory_take_errors(NULL), 0);
}

/* Threads: each records into its own graph; the merged entry sums them. A thread's first
 * event makes its graph. */
static uint64_t tm_mp_thread_key;
static void*    tm_mp_thread(void* arg)
{
    (void)arg;
    timemory_push(tm_mp_thread_key, WALL, TIMEMORY_SCOPE_DEFAULT);
    for(int i = 0; i < 100; ++i) timemory_alloc_event(TIMEMORY_ALLOC_MALLOC, 64);
    timemory_pop(tm_mp_thread_key);
    return NULL;
}
static void* tm_mp_thread_bare(void* arg)
{
    (void)arg;
    for(int i = 0; i < 5; ++i) timemory_alloc_event(TIMEMORY_ALLOC_FREE, 8);
    return NULL;
}

TM_TEST(mallocp_threads)
{
    tm_mp_setup();
    tm_mp_thread_key = timemory_add_hash_id("mp-thread");
    uint64_t  id     = timemory_start_mallocp();
    pthread_t t[5];
    for(int i = 0; i < 4; ++i) pthread_create(&t[i], NULL, tm_mp_thread, NULL);
    pthread_create(&t[4], NULL, tm_mp_thread_bare, NULL);
    for(int i = 0; i < 5; ++i) pthread_join(t[i], NULL);
    CHECK_INT(timemory_stop_mallocp(id), 0);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_MALLOC_GOTCHA, &r), TIMEMORY_OK);
    const tm__entry* m = tm_mp_entry(&r, ">>> |_malloc");
    const tm__entry* f = tm_mp_entry(&r, ">>> free");
    CHECK(tm_mp_entry(&r, ">>> mp-thread") && m && f);
    if(m)
    {
        CHECK_INT(m->laps, 400);
        CHECK_INT(m->accum[0], 400 * 64);
    }
    if(f)
    {
        CHECK_INT(f->laps, 5);
        CHECK_INT(f->accum[0], 40);
    }
    tm__result_free(&r);
}
