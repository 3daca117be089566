/* test_thread_exit.c -- a finished thread's graph: its data stays (exact counts, thread ids),
 * its stack and child table are freed and its nodes and records compacted, so memory grows
 * with distinct nodes, not with threads. */
#include "internal.h"
#include "tm_test.h"

#include <pthread.h>
#include <string.h>

static void* tm_te_worker(void* arg)
{
    int                         open_one = arg != NULL;
    uint64_t                    a = timemory_get_hash("te-a"), b = timemory_get_hash("te-b");
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    for(int i = 0; i < 3; ++i)
    {
        timemory_push(a, wall, TIMEMORY_SCOPE_TREE);
        timemory_push(b, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(b);
        timemory_pop(a);
    }
    if(open_one) timemory_push(a, wall, TIMEMORY_SCOPE_TREE); /* exits with it open */
    return NULL;
}

TM_TEST(thread_exit_compacts_the_graph_and_keeps_the_data)
{
    timemory_clear(0);
    timemory_add_hash_id("te-a");
    timemory_add_hash_id("te-b");
    size_t    before  = tm__graphs_memory();
    const int threads = 2000;
    for(int i = 0; i < threads; ++i)
    {
        pthread_t t;
        if(pthread_create(&t, NULL, tm_te_worker, (i % 100 == 7) ? (void*)1 : NULL) != 0) break;
        pthread_join(t, NULL);
    }
    size_t per_thread = (tm__graphs_memory() - before) / threads;
    /* a pushing thread held about 27 kB until it was joined; a finished one keeps its struct
     * and its two nodes and records */
    CHECK(per_thread < 1024);
    if(per_thread >= 1024) fprintf(stderr, "  %zu bytes per finished thread\n", per_thread);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__rnode* a = NULL;
    for(size_t i = 0; i < r.root.nchildren; ++i)
        if(strcmp(r.root.children[i].label, "te-a") == 0) a = &r.root.children[i];
    CHECK(a != NULL);
    if(a)
    {
        CHECK_INT(a->laps, 3 * threads);
        CHECK_INT(a->ntids, threads);
        CHECK_INT(a->nchildren, 1);
        if(a->nchildren == 1) CHECK_INT(a->children[0].laps, 3 * threads);
    }
    tm__result_free(&r);
    timemory_clear(0);
}
