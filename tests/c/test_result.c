/* test_result.c -- merged results: projection of the shared graph onto one component (nodes
 * without its record are skipped, their children move up), exclusive values. */
#include "internal.h"
#include "tm_test.h"

TM_TEST(result_projection_skips_nodes_without_the_component)
{
    timemory_clear(0);
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    const timemory_components_t cpu  = TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK);
    uint64_t outer = timemory_add_hash_id("r-outer"), inner = timemory_add_hash_id("r-inner");
    timemory_push(outer, wall, TIMEMORY_SCOPE_TREE);
    timemory_push(inner, wall | cpu, TIMEMORY_SCOPE_TREE);
    timemory_pop(inner);
    timemory_pop(outer);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_CPU_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 1);
    if(r.nentries == 1)
    {
        CHECK_STR(r.entries[0].prefix, ">>> r-inner");
        CHECK_INT(r.entries[0].depth, 0);
        CHECK(r.entries[0].hash == r.root.children[0].id);
        CHECK_STR(r.entries[0].label, "r-inner");
    }
    tm__result_free(&r);

    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.nentries, 2);
    if(r.nentries == 2) CHECK_STR(r.entries[1].prefix, ">>> |_r-inner");
    tm__result_free(&r);
    timemory_clear(0);
}

TM_TEST(result_exclusive_values)
{
    tm__rnode child = { 0 };
    child.accum[0]  = 30;
    child.stats.count  = 3;
    child.stats.sum[0] = 30;
    child.stats.min[0] = 5;
    child.stats.max[0] = 15;
    tm__rnode parent = { 0 };
    parent.depth     = 1;
    parent.accum[0]  = 100;
    parent.laps      = 1;
    parent.stats.count  = 1;
    parent.stats.sum[0] = 100;
    parent.stats.min[0] = 100;
    parent.stats.max[0] = 100;
    parent.children  = &child;
    parent.nchildren = 1;
    int64_t   accum[2];
    tm__stats st;
    tm__rnode_exclusive(TIMEMORY_WALL_CLOCK, &parent, accum, &st);
    CHECK_INT(accum[0], 70);
    CHECK_NEAR(st.sum[0], 70, 0);
    CHECK_INT(st.count, 1);
    CHECK_NEAR(st.min[0], 5, 0);
    CHECK_NEAR(st.max[0], 100, 0);
    /* the placeholder root keeps zero statistics */
    parent.depth = 0;
    tm__rnode_exclusive(TIMEMORY_WALL_CLOCK, &parent, accum, &st);
    CHECK_INT(accum[0], 70);
    CHECK_NEAR(st.min[0], 100, 0);
}

/* Merging N siblings is linear: each child is found through its parent's table (it used to
 * be a linear search, N^2/2 comparisons; 10^6 siblings never finished). */
TM_TEST(result_merge_of_many_siblings_is_linear)
{
    timemory_clear(0);
    const timemory_components_t wall = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    const long                  n    = 20000;
    uint64_t parent = timemory_add_hash_id("r-many-parent");
    timemory_push(parent, wall, TIMEMORY_SCOPE_TREE);
    for(long i = 0; i < n; ++i)
    {
        char name[48];
        snprintf(name, sizeof(name), "r-many-%ld", i);
        uint64_t key = timemory_add_hash_id(name);
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
    /* the same keys again under the parent: found, not added */
    for(long i = 0; i < n; i += 7)
    {
        char name[48];
        snprintf(name, sizeof(name), "r-many-%ld", i);
        uint64_t key = timemory_get_hash(name);
        timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
        timemory_pop(key);
    }
    timemory_pop(parent);

    tm__result r;
    size_t     before = tm__result_probes;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    size_t probes = tm__result_probes - before;
    CHECK_INT(r.nentries, n + 1);
    CHECK(probes < (size_t) (4 * n));
    if(r.nentries == (size_t) n + 1)
    {
        CHECK_INT(r.entries[1].laps, 2); /* r-many-0: pushed twice */
        CHECK_INT(r.entries[2].laps, 1);
        CHECK_STR(r.entries[n].label, "r-many-19999");
    }
    tm__result_free(&r);
    timemory_clear(0);
}
