/* test_coroutines.c -- pushes suspended between a coroutine's steps (src/suspend.c), with an
 * injected clock: interleaved coroutines are siblings, their time runs while suspended, a
 * position taken in one place is where a later first push goes, paused pushes travel with
 * their step, hook pushes (the profiler) suspend and end with the session, finalize-style
 * unwinding records what is suspended, and a pair allocates nothing after warm-up. */
#include "internal.h"
#include "timemory/library.h"
#include "tm_test.h"

#include <stdlib.h>

static int64_t tm_co_now;
static int64_t tm_co_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_co_now : 0;
}

static void tm_co_clock(bool on)
{
    tm__set_test_reader(on ? tm_co_reader : NULL);
    tm__fast_wall = !on;
    tm_co_now     = 0;
}

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

static const tm__entry* tm_co_entry(const tm__result* r, const char* prefix)
{
    for(size_t i = 0; i < r->nentries; ++i)
        if(strcmp(r->entries[i].prefix, prefix) == 0) return &r->entries[i];
    return NULL;
}

/* Two coroutines of the same function and one of another interleave under "co-main": each
 * step pushes (first step) or resumes, and suspends at its await. */
TM_TEST(coroutines_interleaved_are_siblings)
{
    timemory_clear(0);
    tm_co_clock(true);
    uint64_t main_k = timemory_add_hash_id("co-main"), work = timemory_add_hash_id("co-work");
    uint64_t other = timemory_add_hash_id("co-other"), inner = timemory_add_hash_id("co-inner");
    int      a = 0, b = 0, c = 0; /* the owners */
    timemory_push(main_k, WALL, TIMEMORY_SCOPE_TREE);
    int      base = timemory_stack_depth();
    uint64_t mark = timemory_coroutine_mark();
    /* first steps */
    timemory_push(work, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_coroutine_suspend(&a, mark), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), base);
    timemory_push(work, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_coroutine_suspend(&b, mark), TIMEMORY_OK);
    timemory_push(other, WALL, TIMEMORY_SCOPE_TREE);
    timemory_push(inner, WALL, TIMEMORY_SCOPE_TREE); /* a `with` block across the await */
    CHECK_INT(timemory_coroutine_suspend(&c, mark), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), base);
    tm_co_now += 200;
    /* b finishes first: its pop is its own push although a's is of the same key */
    CHECK_INT(timemory_coroutine_resume(&b), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), base + 1);
    CHECK_INT(timemory_pop(work), TIMEMORY_OK);
    tm_co_now += 100;
    CHECK_INT(timemory_coroutine_resume(&c), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), base + 2);
    CHECK_INT(timemory_pop(inner), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_suspend(&c, mark), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_resume(&a), TIMEMORY_OK);
    CHECK_INT(timemory_pop(work), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_resume(&a), TIMEMORY_ENOTFOUND); /* nothing left */
    tm_co_now += 50;
    CHECK_INT(timemory_coroutine_resume(&c), TIMEMORY_OK);
    CHECK_INT(timemory_pop(other), TIMEMORY_OK);
    CHECK_INT(timemory_pop(main_k), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    tm_co_clock(false);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* m  = tm_co_entry(&r, ">>> co-main");
    const tm__entry* w  = tm_co_entry(&r, ">>> |_co-work");
    const tm__entry* o  = tm_co_entry(&r, ">>> |_co-other");
    const tm__entry* in = tm_co_entry(&r, ">>>   |_co-inner");
    CHECK(m && w && o && in);
    CHECK_INT(r.nentries, 4);
    if(m && w && o && in)
    {
        CHECK_INT(m->accum[0], 350);
        CHECK_INT(w->laps, 2);
        CHECK_INT(w->accum[0], 200 + 300); /* b: 200, a: 300 */
        CHECK_INT(o->laps, 1);
        CHECK_INT(o->accum[0], 350);
        CHECK_INT(in->laps, 1);
        CHECK_INT(in->accum[0], 300);
    }
    tm__result_free(&r);
}

/* A task's first push goes under the region of the code that created it (a position taken
 * there), not under what is current when the event loop runs it; the loop's position comes
 * back after the step. */
TM_TEST(coroutines_position)
{
    timemory_clear(0);
    uint64_t loop = timemory_add_hash_id("co-loop"), parent = timemory_add_hash_id("co-parent");
    uint64_t task = timemory_add_hash_id("co-task");
    int      p = 0, t = 0;
    timemory_push(loop, WALL, TIMEMORY_SCOPE_TREE);
    uint64_t          mark    = timemory_coroutine_mark();
    timemory_position at_loop = timemory_get_position();
    timemory_push(parent, WALL, TIMEMORY_SCOPE_TREE);
    timemory_position at_parent = timemory_get_position();
    CHECK_INT(timemory_coroutine_suspend(&p, mark), TIMEMORY_OK);
    /* the task's first step */
    CHECK_INT(timemory_set_position(at_parent), TIMEMORY_OK);
    timemory_push(task, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_coroutine_suspend(&t, mark), TIMEMORY_OK);
    CHECK_INT(timemory_set_position(at_loop), TIMEMORY_OK);
    timemory_position bad = at_loop;
    bad.graph             = &bad;
    CHECK_INT(timemory_set_position(bad), TIMEMORY_EINVAL);
    CHECK_INT(timemory_coroutine_resume(&t), TIMEMORY_OK);
    CHECK_INT(timemory_pop(task), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_resume(&p), TIMEMORY_OK);
    CHECK_INT(timemory_pop(parent), TIMEMORY_OK);
    timemory_push(task, WALL, TIMEMORY_SCOPE_TREE); /* back under the loop */
    CHECK_INT(timemory_pop(task), TIMEMORY_OK);
    CHECK_INT(timemory_pop(loop), TIMEMORY_OK);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 4);
    CHECK(tm_co_entry(&r, ">>>   |_co-task") != NULL);
    CHECK(tm_co_entry(&r, ">>> |_co-task") != NULL);
    tm__result_free(&r);
}

/* A push skipped while paused inside a step travels with the step: its pop, in a later step,
 * is silent, and another coroutine's pop of the same key closes that coroutine's own. */
TM_TEST(coroutines_paused_pushes_travel)
{
    timemory_clear(0);
    uint64_t k = timemory_add_hash_id("co-paused");
    int      a = 0;
    timemory_pause();
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_coroutine_suspend(&a, 0), TIMEMORY_OK);
    CHECK_INT((int)timemory_thread_skipped.count, 0);
    timemory_resume();
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_resume(&a), TIMEMORY_OK);
    CHECK_INT((int)timemory_thread_skipped.count, 1);
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED); /* a's own, skipped */
    CHECK_INT(timemory_pop(k), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    CHECK_INT((int)timemory_thread_skipped.count, 0);
}

/* The profiler's hook pushes: suspended at an await, resumed, popped by tag; the ones still
 * suspended when the session ends are recorded with its end (or dropped). */
TM_TEST(coroutines_hook_pushes)
{
    timemory_clear(0);
    uint64_t k = timemory_add_hash_id("co-hook"), m = timemory_add_hash_id("co-in-hook");
    int      frame_a = 0, frame_b = 0;
    CHECK_INT(timemory_hook_push(k, 0, TIMEMORY_SCOPE_TREE, &frame_a, NULL, 1000), TIMEMORY_OK);
    CHECK_INT(timemory_hook_coroutine_suspend(&frame_a, NULL, &frame_a), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    CHECK_INT(timemory_hook_coroutine_suspend(&frame_a, NULL, &frame_a), TIMEMORY_ENOTFOUND);
    CHECK_INT(timemory_hook_push(k, 0, TIMEMORY_SCOPE_TREE, &frame_b, NULL, 1100), TIMEMORY_OK);
    timemory_push(m, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_hook_coroutine_suspend(&frame_b, NULL, &frame_b), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_resume(&frame_a), TIMEMORY_OK);
    CHECK_INT(timemory_hook_pop(&frame_a, NULL, 1500, 1.0), TIMEMORY_OK);
    /* the session ends: b (a hook push with a region above it) ends at 2000 */
    CHECK_INT(timemory_hook_pop_all(2000, 1.0, 1), 2);
    CHECK_INT(timemory_coroutine_resume(&frame_b), TIMEMORY_ENOTFOUND);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* e = tm_co_entry(&r, ">>> co-hook");
    CHECK(e != NULL);
    if(e)
    {
        CHECK_INT(e->laps, 2);
        CHECK_INT(e->accum[0], 500 + 900);
    }
    CHECK(tm_co_entry(&r, ">>> |_co-in-hook") != NULL);
    tm__result_free(&r);
}

/* Finalize's stack clearing records what coroutines left suspended; ending one by its owner
 * records it (or drops it). */
TM_TEST(coroutines_end_and_unwind)
{
    timemory_clear(0);
    tm_co_clock(true);
    uint64_t k = timemory_add_hash_id("co-end"), u = timemory_add_hash_id("co-unwound");
    uint64_t d = timemory_add_hash_id("co-dropped");
    int      a = 0, b = 0, c = 0;
    timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_coroutine_suspend(&a, 0), TIMEMORY_OK);
    timemory_push(u, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_coroutine_suspend(&b, 0), TIMEMORY_OK);
    timemory_push(d, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_coroutine_suspend(&c, 0), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_suspend(&c, 5), TIMEMORY_EINVAL);
    tm_co_now += 40;
    CHECK_INT(timemory_coroutine_end(&a, 1), TIMEMORY_OK);
    CHECK_INT(timemory_coroutine_end(&a, 1), TIMEMORY_ENOTFOUND);
    CHECK_INT(timemory_coroutine_end(&c, 0), TIMEMORY_OK);
    tm_co_now += 10;
    tm__graph_unwind_current();
    CHECK_INT(timemory_coroutine_resume(&b), TIMEMORY_ENOTFOUND);
    tm_co_clock(false);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* ek = tm_co_entry(&r, ">>> co-end");
    const tm__entry* eu = tm_co_entry(&r, ">>> co-unwound");
    CHECK(ek && eu);
    CHECK(tm_co_entry(&r, ">>> co-dropped") == NULL);
    if(ek && eu)
    {
        CHECK_INT(ek->accum[0], 40);
        CHECK_INT(eu->accum[0], 50);
    }
    tm__result_free(&r);
}

/* After warm-up a suspend/resume pair allocates nothing (tests/c/alloc_count.c). */
extern unsigned long tm_test_allocations; /* alloc_count.c */
TM_TEST(coroutines_no_allocation_after_warm_up)
{
    timemory_clear(0);
    uint64_t k = timemory_add_hash_id("co-alloc");
    int      owners[8];
    for(int round = 0; round < 3; ++round)
    {
        unsigned long before = tm_test_allocations;
        for(int i = 0; i < 8; ++i)
        {
            timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
            timemory_coroutine_suspend(&owners[i], 0);
        }
        for(int i = 0; i < 8; ++i)
        {
            timemory_coroutine_resume(&owners[i]);
            timemory_pop(k);
        }
        if(round > 0) CHECK_INT(tm_test_allocations - before, 0);
    }
    CHECK_INT(timemory_stack_depth(), 0);
}
