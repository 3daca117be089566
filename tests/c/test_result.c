/* test_result.c -- merged results: projection of the shared graph onto one component (nodes
 * without its record are skipped, their children move up), exclusive values. */
#include "internal.h"
#include "tm_test.h"

#include <stdlib.h>

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
    tm__rnode child     = { 0 };
    child.accum[0]      = 30;
    child.stats.count   = 3;
    child.stats.sum[0]  = 30;
    child.stats.min[0]  = 5;
    child.stats.max[0]  = 15;
    tm__rnode parent    = { 0 };
    parent.depth        = 1;
    parent.accum[0]     = 100;
    parent.laps         = 1;
    parent.stats.count  = 1;
    parent.stats.sum[0] = 100;
    parent.stats.min[0] = 100;
    parent.stats.max[0] = 100;
    parent.children     = &child;
    parent.nchildren    = 1;
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
    const timemory_components_t wall   = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    const long                  n      = 20000;
    uint64_t                    parent = timemory_add_hash_id("r-many-parent");
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
    CHECK(probes < (size_t)(4 * n));
    if(r.nentries == (size_t)n + 1)
    {
        CHECK_INT(r.entries[1].laps, 2); /* r-many-0: pushed twice */
        CHECK_INT(r.entries[2].laps, 1);
        CHECK_STR(r.entries[n].label, "r-many-19999");
    }
    tm__result_free(&r);
    timemory_clear(0);
}

/* sort_key: siblings in call order (none), by count, by name; spellings of the peers */
TM_TEST(result_sort_key_orders_siblings)
{
    timemory_clear(0);
    const timemory_components_t wall    = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    const char* const           names[] = { "s-zz", "s-mm", "s-aa" };
    const int                   laps[]  = { 1, 3, 2 };
    uint64_t                    top     = timemory_add_hash_id("s-top");
    timemory_push(top, wall, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i < 3; ++i)
        for(int k = 0; k < laps[i]; ++k)
        {
            uint64_t key = timemory_add_hash_id(names[i]);
            timemory_push(key, wall, TIMEMORY_SCOPE_TREE);
            timemory_pop(key);
        }
    timemory_pop(top);

    static const struct {
        const char* key;
        const char* order[3];
    } cases[] = {
        { "none", { "s-zz", "s-mm", "s-aa" } },   { "count", { "s-mm", "s-aa", "s-zz" } },
        { "NCALLS", { "s-mm", "s-aa", "s-zz" } }, { "name", { "s-aa", "s-mm", "s-zz" } },
        { "", { "s-zz", "s-mm", "s-aa" } },
    };
    for(size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c)
    {
        CHECK_INT(timemory_settings_set_text("sort_key", cases[c].key), TIMEMORY_OK);
        tm__result r;
        CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
        CHECK_INT(r.nentries, 4);
        if(r.nentries == 4)
            for(int i = 0; i < 3; ++i) CHECK_STR(r.entries[i + 1].label, cases[c].order[i]);
        tm__result_free(&r);
    }
    char value[32] = "";
    CHECK_INT(timemory_settings_set_text("sort_key", "cumulative"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_get_text("sort_key", value, sizeof(value)), 9);
    CHECK_STR(value, "inclusive");
    CHECK_INT(timemory_settings_set_text("sort_key", "tottime"), TIMEMORY_OK);
    CHECK_INT(timemory_settings_get_text("sort_key", value, sizeof(value)), 4);
    CHECK_STR(value, "self");
    CHECK_INT(timemory_settings_set_text("sort_key", "fastest"), TIMEMORY_EVALUE);
    CHECK_INT(timemory_settings_get_text("sort_key", value, sizeof(value)), 4);
    CHECK_STR(value, "self"); /* a bad value changes nothing */
    CHECK_INT(timemory_settings_set_text("sort_key", "none"), TIMEMORY_OK);
    timemory_clear(0);
}

static tm__rnode* sort_test_children(tm__rnode* parent, size_t n)
{
    parent->children  = calloc(n, sizeof(tm__rnode));
    parent->nchildren = parent->children ? n : 0;
    parent->cap       = parent->nchildren;
    return parent->children;
}

/* inclusive and self orders on a known tree; the child table still finds every child */
TM_TEST(result_sort_by_inclusive_and_self)
{
    static const char* const labels[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" };
    /* inclusive 100 - 10 i; child i has one grandchild of 10 i * (i % 3): self = 100 - 10 i
     * - 10 i (i % 3) */
    for(int key = TM_SORT_INCLUSIVE; key <= TM_SORT_SELF; ++key)
    {
        tm__rnode  root = { 0 };
        tm__rnode* c    = sort_test_children(&root, 10);
        CHECK(c != NULL);
        if(!c) return;
        for(size_t i = 0; i < 10; ++i)
        {
            c[i].id             = 100 + i;
            c[i].key            = 200 + i;
            c[i].label          = labels[i];
            c[i].label_borrowed = true;
            c[i].accum[0]       = 100 - 10 * (int64_t)i;
            c[i].depth          = 1;
            tm__rnode* g        = sort_test_children(&c[i], 1);
            if(g)
            {
                g->accum[0]       = 10 * (int64_t)i * (int64_t)(i % 3);
                g->label          = "leaf";
                g->label_borrowed = true;
            }
        }
        CHECK(tm__rnode_find_child(&root, 105, 205) != NULL); /* builds the table */
        tm__rnode_sort(&root, key);
        const char* want    = key == TM_SORT_INCLUSIVE ? "abcdefghij" : "abdcgejhfi";
        char        got[11] = "";
        for(size_t i = 0; i < root.nchildren && i < 10; ++i) got[i] = root.children[i].label[0];
        CHECK_STR(got, want);
        for(size_t i = 0; i < 10; ++i)
        {
            tm__rnode* found = tm__rnode_find_child(&root, 100 + i, 200 + i);
            CHECK(found && found->label == labels[i]);
        }
        tm__rnode_free(&root);
    }
}
