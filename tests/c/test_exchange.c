/* test_exchange.c -- other processes' data: pack and unpack round trip exactly, every
 * truncation and corruption of a blob is refused without a crash, adopted data is merged into
 * this process's results (the children of a fork: here, data packed by this very process). */
#include "internal.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void record_three(void)
{
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    const timemory_components_t both = wall | TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS);
    uint64_t outer = timemory_add_hash_id("x-outer"), inner = timemory_add_hash_id("x-inner");
    uint64_t other = timemory_add_hash_id("x-other");
    timemory_push(outer, wall, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i < 3; ++i)
    {
        timemory_push(inner, both, TIMEMORY_SCOPE_TREE);
        timemory_pop(inner);
    }
    timemory_pop(outer);
    timemory_push(other, wall, TIMEMORY_SCOPE_TREE);
    timemory_pop(other);
}

static const tm__rnode* child_named(const tm__rnode* n, const char* label)
{
    for(size_t i = 0; i < n->nchildren; ++i)
        if(strcmp(n->children[i].label, label) == 0) return &n->children[i];
    return NULL;
}

TM_TEST(exchange_round_trip)
{
    timemory_clear(0);
    tm__adopted_clear();
    record_three();
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, 3), TIMEMORY_OK);

    tm__proc_data p;
    char          why[128];
    CHECK_INT(tm__exchange_unpack(b.data, b.len, &p, why, sizeof(why)), TIMEMORY_OK);
    CHECK_INT(p.pid, (long)getpid());
    CHECK_INT(p.rank, 3);
    CHECK(p.ncomps >= 2);
    const tm__rnode* wall = NULL;
    for(int i = 0; i < p.ncomps; ++i)
        if(p.comps[i].comp == TIMEMORY_WALL_CLOCK) wall = &p.comps[i].root;
    CHECK(wall != NULL);
    if(wall)
    {
        const tm__rnode* outer = child_named(wall, "x-outer");
        const tm__rnode* inner = outer ? child_named(outer, "x-inner") : NULL;
        CHECK(outer && inner && child_named(wall, "x-other"));
        if(inner)
        {
            CHECK_INT(inner->laps, 3);
            CHECK_INT(inner->depth, 2);
            CHECK_INT(inner->stats.count, 3);
            CHECK_INT(inner->npids, 1);
            if(inner->npids == 1) CHECK_INT(tm__rnode_pids(inner)[0], (long)getpid());
            CHECK_INT(inner->ntids, 1);
        }
    }
    tm__proc_data_free(&p);
    tm__buf_free(&b);
    timemory_clear(0);
}

TM_TEST(exchange_refuses_truncated_and_corrupt_data)
{
    timemory_clear(0);
    tm__adopted_clear();
    record_three();
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, -1), TIMEMORY_OK);
    char why[128];
    int  refused = 0;
    for(size_t n = 0; n < b.len; ++n)
    {
        tm__proc_data p;
        if(tm__exchange_unpack(b.data, n, &p, why, sizeof(why)) == TIMEMORY_EFORMAT && why[0])
            ++refused;
        CHECK_INT(p.ncomps, 0);
    }
    CHECK_INT(refused, (long)b.len);
    /* every single flipped byte: refused with a reason, or decoded -- never a crash */
    char* copy = malloc(b.len);
    for(size_t i = 0; copy && i < b.len; ++i)
    {
        memcpy(copy, b.data, b.len);
        copy[i] ^= (char)0x5a;
        tm__proc_data p;
        int           rc = tm__exchange_unpack(copy, b.len, &p, why, sizeof(why));
        CHECK(rc == TIMEMORY_OK || (rc == TIMEMORY_EFORMAT && why[0]));
        tm__proc_data_free(&p);
    }
    free(copy);
    tm__proc_data p;
    CHECK_INT(tm__exchange_unpack("TMX0", 4, &p, why, sizeof(why)), TIMEMORY_EFORMAT);
    CHECK_STR(why, "not timemory exchange data");
    tm__buf_free(&b);
    timemory_clear(0);
}

TM_TEST(exchange_adopted_data_is_merged_into_results)
{
    timemory_clear(0);
    tm__adopted_clear();
    record_three();
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, -1), TIMEMORY_OK);
    /* the same data adopted twice: every count triples */
    for(int k = 0; k < 2; ++k)
    {
        tm__proc_data p;
        CHECK_INT(tm__exchange_unpack(b.data, b.len, &p, NULL, 0), TIMEMORY_OK);
        p.pid = 1000000 + k;
        for(int i = 0; i < p.ncomps; ++i) /* as another process would have them */
        {
            tm__rnode* o = (tm__rnode*)child_named(&p.comps[i].root, "x-outer");
            if(o && o->npids == 1) o->pids[0] = p.pid;
        }
        CHECK_INT(tm__adopt(&p), TIMEMORY_OK);
        CHECK_INT(p.ncomps, 0);
    }
    CHECK_INT(tm__adopted_count(), 2);
    tm__buf_free(&b);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 3);
    if(r.nentries == 3)
    {
        CHECK_STR(r.entries[1].label, "x-inner");
        CHECK_INT(r.entries[1].laps, 9);
        CHECK_INT(r.entries[0].laps, 3);
        CHECK_INT(r.entries[2].laps, 3);
        const tm__rnode* outer = child_named(&r.root, "x-outer");
        CHECK(outer && outer->npids == 3);
    }
    tm__result_free(&r);
    /* a component only the adopted processes have is still listed */
    int comps[TM_COMP_CAP];
    int n = tm__result_components(comps, TM_COMP_CAP);
    CHECK(n >= 2);
    /* packing forwards adopted data: the pack of this process now holds triple counts */
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, -1), TIMEMORY_OK);
    tm__proc_data p;
    CHECK_INT(tm__exchange_unpack(b.data, b.len, &p, NULL, 0), TIMEMORY_OK);
    CHECK_INT(p.nchildren, 2);
    for(int i = 0; i < p.ncomps; ++i)
        if(p.comps[i].comp == TIMEMORY_WALL_CLOCK)
        {
            const tm__rnode* o = child_named(&p.comps[i].root, "x-outer");
            CHECK(o && o->laps == 3);
        }
    tm__proc_data_free(&p);
    tm__buf_free(&b);
    tm__adopted_clear();
    CHECK_INT(tm__adopted_count(), 0);
    timemory_clear(0);
}

static void* record_worker(void* arg)
{
    (void)arg;
    uint64_t k = timemory_add_hash_id("x-worker");
    timemory_push(k, TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), TIMEMORY_SCOPE_TREE);
    timemory_pop(k);
    return NULL;
}

static const tm__proc_comp* wall_of(const tm__proc_data* p)
{
    for(int i = 0; i < p->ncomps; ++i)
        if(p->comps[i].comp == TIMEMORY_WALL_CLOCK) return &p->comps[i];
    return NULL;
}

/* A process with threads sends each thread's tree; its parent merges them into its tree and
 * puts its thread t into its own thread t. Cut short anywhere, the blob is refused. */
TM_TEST(exchange_threads_travel_apart)
{
    timemory_clear(0);
    tm__adopted_clear();
    record_three();
    pthread_t t;
    pthread_create(&t, NULL, record_worker, NULL);
    pthread_join(t, NULL);
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, -1), TIMEMORY_OK);
    tm__proc_data p;
    CHECK_INT(tm__exchange_unpack(b.data, b.len, &p, NULL, 0), TIMEMORY_OK);
    const tm__proc_comp* wall   = wall_of(&p);
    int                  worker = -1;
    CHECK(wall && wall->threads.nchildren == 2);
    if(wall && wall->threads.nchildren == 2)
    {
        const tm__rnode* main_tree = &wall->threads.children[0];
        const tm__rnode* work_tree = &wall->threads.children[1];
        CHECK_INT(tm__thread_tree_tid(main_tree), 0);
        worker = tm__thread_tree_tid(work_tree);
        CHECK(worker > 0);
        CHECK(child_named(main_tree, "x-outer") && !child_named(main_tree, "x-worker"));
        CHECK_INT(work_tree->nchildren, 1);
        CHECK(child_named(work_tree, "x-worker") != NULL);
        /* the merged tree: both threads' nodes */
        CHECK(child_named(&wall->root, "x-outer") && child_named(&wall->root, "x-worker"));
    }
    CHECK_INT(tm__adopt(&p), TIMEMORY_OK);
    tm__result r;
    CHECK_INT(tm__result_build_tree(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.threads.nchildren, 2);
    if(r.threads.nchildren == 2)
    {
        const tm__rnode* outer = child_named(&r.threads.children[0], "x-outer");
        const tm__rnode* alone = child_named(&r.threads.children[1], "x-worker");
        CHECK(outer && outer->laps == 2 && outer->ntids == 1);
        CHECK(alone && alone->laps == 2 && alone->ntids == 1);
        if(alone) CHECK_INT(tm__rnode_tids(alone)[0], worker);
        CHECK_INT(r.threads.children[0].nchildren, 2);
        CHECK_INT(r.threads.children[1].nchildren, 1);
    }
    const tm__rnode* merged = child_named(&r.root, "x-worker");
    CHECK(merged && merged->laps == 2);
    tm__result_free(&r);
    char why[128];
    int  refused = 0;
    for(size_t n = 0; n < b.len; ++n)
    {
        tm__proc_data cut;
        if(tm__exchange_unpack(b.data, n, &cut, why, sizeof(why)) == TIMEMORY_EFORMAT && why[0])
            ++refused;
    }
    CHECK_INT(refused, (long)b.len);
    tm__buf_free(&b);
    tm__adopted_clear();
    timemory_clear(0);
}
