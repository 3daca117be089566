/* test_graph.c -- call-graph storage and the hot path, with an injected clock so every value
 * is exact: nesting, repeated keys, flat, timeline, max_depth, unbalanced and out-of-order
 * pops, node-only pushes, hook pushes (tags, caller ticks), clear, and threads. */
#include "internal.h"
#include "timemory/library.h"
#include "tm_test.h"

#include <pthread.h>
#include <stdlib.h>

static int64_t tm_fake_now;
static int64_t tm_fake_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_fake_now : 0;
}

static void tm_fake_clock_on(void)
{
    tm__set_test_reader(tm_fake_reader);
    tm__fast_wall = false;
    tm_fake_now   = 0;
}

static void tm_fake_clock_off(void)
{
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
}

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

static const tm__entry* tm_find_entry(const tm__result* r, const char* prefix)
{
    for(size_t i = 0; i < r->nentries; ++i)
        if(strcmp(r->entries[i].prefix, prefix) == 0) return &r->entries[i];
    return NULL;
}

TM_TEST(graph_nesting_and_repeats)
{
    timemory_clear(0);
    tm_fake_clock_on();
    uint64_t foo = timemory_add_hash_id("g-foo"), bar = timemory_add_hash_id("g-bar");
    timemory_push(foo, WALL, TIMEMORY_SCOPE_TREE);
    for(int i = 1; i <= 3; ++i)
    {
        timemory_push(bar, WALL, TIMEMORY_SCOPE_TREE);
        tm_fake_now += i * 10;
        CHECK_INT(timemory_pop(bar), TIMEMORY_OK);
    }
    tm_fake_now += 20;
    CHECK_INT(timemory_pop(foo), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    tm_fake_clock_off();

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* e1 = tm_find_entry(&r, ">>> g-foo");
    const tm__entry* e2 = tm_find_entry(&r, ">>> |_g-bar");
    CHECK(e1 && e2);
    if(e1 && e2)
    {
        CHECK_INT(e1->accum[0], 80);
        CHECK_INT(e1->laps, 1);
        CHECK_INT(e1->depth, 0);
        CHECK_INT(e2->accum[0], 60);
        CHECK_INT(e2->laps, 3);
        CHECK_INT(e2->depth, 1);
        CHECK_INT(e2->stats.count, 3);
        CHECK_NEAR(e2->stats.min[0], 10, 0);
        CHECK_NEAR(e2->stats.max[0], 30, 0);
        CHECK_NEAR(e2->stats.sqr[0], 100 + 400 + 900, 0);
        /* node ids: combine(hash, depth) (spec NOTES.md §1.2); rolling hash sums the path */
        CHECK(e2->rolling_hash == e1->hash + e2->hash);
    }
    tm__result_free(&r);
}

TM_TEST(graph_node_ids_match_original)
{
    timemory_clear(0);
    uint64_t foo = timemory_add_hash_id("foo"), bar = timemory_add_hash_id("bar");
    timemory_push(foo, WALL, TIMEMORY_SCOPE_TREE);
    timemory_push(bar, WALL, TIMEMORY_SCOPE_TREE);
    timemory_pop(bar);
    timemory_pop(foo);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* e1 = tm_find_entry(&r, ">>> foo");
    const tm__entry* e2 = tm_find_entry(&r, ">>> |_bar");
    CHECK(e1 && e2);
    if(e1 && e2)
    {
        CHECK(e1->hash == 1012012477271656842ull);
        CHECK(e2->hash == 7523846677628039828ull);
        CHECK(e2->rolling_hash == 8535859154899696670ull);
    }
    tm__result_free(&r);
}

TM_TEST(graph_flat_and_timeline)
{
    timemory_clear(0);
    uint64_t a = timemory_add_hash_id("g-flat-a"), b = timemory_add_hash_id("g-flat-b");
    timemory_push(a, WALL, TIMEMORY_SCOPE_FLAT);
    timemory_push(b, WALL, TIMEMORY_SCOPE_FLAT);
    timemory_pop(b);
    timemory_pop(a);
    uint64_t t = timemory_add_hash_id("g-timeline");
    for(int i = 0; i < 3; ++i)
    {
        timemory_push(t, WALL, TIMEMORY_SCOPE_TIMELINE);
        timemory_pop(t);
    }
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* eb = tm_find_entry(&r, ">>> g-flat-b");
    CHECK(eb != NULL);
    if(eb) CHECK_INT(eb->depth, 0);
    int timeline = 0;
    for(size_t i = 0; i < r.nentries; ++i)
        if(strcmp(r.entries[i].prefix, ">>> g-timeline") == 0)
        {
            ++timeline;
            CHECK_INT(r.entries[i].laps, 1);
        }
    CHECK_INT(timeline, 3);
    tm__result_free(&r);
}

TM_TEST(graph_max_depth_and_unbalanced)
{
    timemory_clear(0);
    int64_t saved = tm__settings.max_depth;
    timemory_settings_set_int("max_depth", 1);
    uint64_t a = timemory_add_hash_id("g-depth-a"), b = timemory_add_hash_id("g-depth-b");
    timemory_push(a, WALL, TIMEMORY_SCOPE_TREE);
    timemory_push(b, WALL, TIMEMORY_SCOPE_TREE); /* too deep: balanced but not recorded */
    CHECK_INT(timemory_pop(b), TIMEMORY_OK);
    CHECK_INT(timemory_pop(a), TIMEMORY_OK);
    timemory_settings_set_int("max_depth", saved);
    size_t n = 0;
    timemory_get_size(TIMEMORY_WALL_CLOCK, &n);
    CHECK_INT(n, 1);

    int last = 0;
    timemory_take_errors(&last);
    CHECK_INT(timemory_pop(timemory_get_hash("never-pushed")), TIMEMORY_EUNBALANCED);
    CHECK_INT(timemory_take_errors(&last), 1);
    CHECK_INT(last, TIMEMORY_EUNBALANCED);
    CHECK_INT(timemory_stack_depth(), 0);
}

TM_TEST(graph_out_of_order_pop)
{
    timemory_clear(0);
    uint64_t a = timemory_add_hash_id("g-ooo-a"), b = timemory_add_hash_id("g-ooo-b");
    timemory_push(a, WALL, TIMEMORY_SCOPE_TREE);
    timemory_push(b, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_pop(a), TIMEMORY_OK); /* a generator finishing first */
    CHECK_INT(timemory_stack_depth(), 1);
    CHECK_INT(timemory_pop(b), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    /* the graph is usable afterwards: a new push lands at top level */
    timemory_push(a, WALL, TIMEMORY_SCOPE_TREE);
    timemory_pop(a);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* ea = tm_find_entry(&r, ">>> g-ooo-a");
    CHECK(ea != NULL);
    if(ea) CHECK_INT(ea->laps, 2);
    tm__result_free(&r);
}

TM_TEST(graph_node_only_push)
{
    timemory_clear(0);
    uint64_t k = timemory_add_hash_id("g-values");
    CHECK_INT(timemory_push(k, 0, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    int64_t d[2] = { 5000, 0 };
    CHECK_INT(timemory_pop_values(k, TIMEMORY_WALL_CLOCK, d, 2), TIMEMORY_OK);
    uint64_t never = timemory_add_hash_id("g-never-ran");
    int64_t  z[2]  = { 0, 0 };
    timemory_push(never, 0, TIMEMORY_SCOPE_TREE);
    timemory_pop_values(never, TIMEMORY_WALL_CLOCK, z, 0);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* e = tm_find_entry(&r, ">>> g-values");
    const tm__entry* n = tm_find_entry(&r, ">>> g-never-ran");
    CHECK(e && n);
    if(e) CHECK_INT(e->accum[0], 5000);
    if(e) CHECK_INT(e->laps, 2);
    if(n) CHECK_INT(n->laps, 0);
    tm__result_free(&r);
    timemory_clear(0);
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_ENOTFOUND);
}

static void* tm_thread_work(void* arg)
{
    (void)arg;
    uint64_t k = timemory_add_hash_id("g-thread-work");
    for(int i = 0; i < 100; ++i)
    {
        timemory_push(k, WALL, TIMEMORY_SCOPE_TREE);
        timemory_pop(k);
    }
    return NULL;
}

TM_TEST(graph_threads_merge)
{
    timemory_clear(0);
    tm_thread_work(NULL);
    pthread_t t[3];
    for(int i = 0; i < 3; ++i) pthread_create(&t[i], NULL, tm_thread_work, NULL);
    for(int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* e = tm_find_entry(&r, ">>> g-thread-work");
    CHECK(e != NULL);
    if(e) CHECK_INT(e->laps, 400);
    CHECK(r.thread_count >= 4);
    tm__result_free(&r);

    bool saved = tm__settings.collapse_threads;
    timemory_settings_set_bool("collapse_threads", false);
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    int per_thread = 0;
    for(size_t i = 0; i < r.nentries; ++i)
        if(strstr(r.entries[i].prefix, "g-thread-work") && r.entries[i].prefix[0] == '|')
        {
            ++per_thread;
            CHECK_INT(r.entries[i].laps, 100);
        }
    CHECK(per_thread >= 4);
    tm__result_free(&r);
    /* either way the tree keeps each thread's own tree (one root per thread id, ascending,
     * every node of that one thread), written as hatchet reads threads; the merged tree stays */
    for(int collapse = 0; collapse < 2; ++collapse)
    {
        timemory_settings_set_bool("collapse_threads", collapse == 1);
        CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
        CHECK_INT(r.threads.nchildren, 0); /* built for the tree JSON and the exchange only */
        tm__result_free(&r);
        CHECK_INT(tm__result_build_tree(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
        const tm__rnode* trees;
        CHECK_INT(tm__thread_trees(&r.root, &r.threads, &trees), (size_t)per_thread);
        int last_tid = -1;
        for(size_t i = 0; i < r.threads.nchildren; ++i)
        {
            const tm__rnode* t = &r.threads.children[i];
            CHECK_INT(t->nchildren, 1);
            CHECK_INT(t->ntids, 1);
            CHECK(tm__rnode_tids(t)[0] > last_tid); /* each id once, ascending */
            last_tid = tm__rnode_tids(t)[0];
            CHECK_INT(tm__thread_tree_tid(t), last_tid);
            if(t->nchildren != 1) continue;
            CHECK_STR(t->children[0].label, "g-thread-work");
            CHECK_INT(t->children[0].ntids, 1);
            CHECK_INT(tm__rnode_tids(&t->children[0])[0], last_tid);
            CHECK_INT(t->children[0].laps, 100);
        }
        for(size_t i = 0; i < r.root.nchildren; ++i)
            if(strcmp(r.root.children[i].label, "g-thread-work") == 0)
            {
                CHECK_INT(r.root.children[i].ntids, per_thread);
                CHECK_INT(r.root.children[i].laps, 100 * (uint64_t)per_thread);
            }
        tm__result_free(&r);
        char* json = NULL;
        CHECK_INT(timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), true, &json),
                  TIMEMORY_OK);
        int nodes = 0;
        for(const char* p = json; p && (p = strstr(p, "\"prefix\":\"g-thread-work\"")) != NULL; ++p)
            ++nodes;
        CHECK_INT(nodes, per_thread);
        CHECK(json && strstr(json, collapse ? "\"collapse_threads\":true,\"distributed\":false,"
                                              "\"mpi\":[[{"
                                            : "\"collapse_threads\":false,\"distributed\":false,"
                                              "\"mpi\":[[{"));
        CHECK(json && !strstr(json, "\"graph\":"));
        free(json);
    }
    timemory_settings_set_bool("collapse_threads", saved);
}

/* One thread with data: the tree is the merged one under "graph", as always. */
TM_TEST(graph_one_thread_keeps_graph_key)
{
    timemory_clear(0);
    tm_thread_work(NULL);
    tm__result r;
    CHECK_INT(tm__result_build_tree(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(r.threads.nchildren, 0);
    const tm__rnode* trees;
    CHECK_INT(tm__thread_trees(&r.root, &r.threads, &trees), 1);
    CHECK(trees == &r.root);
    tm__result_free(&r);
    char* json = NULL;
    CHECK_INT(timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), true, &json),
              TIMEMORY_OK);
    CHECK(json && strstr(json, "\"graph\":[[{"));
    CHECK(json && !strstr(json, "\"mpi\":") && !strstr(json, "collapse_threads"));
    free(json);
    /* another thread alone: its root under "mpi" after thread 0's bookmark of its first
     * node (hatchet shows thread 0 by default and has rows for it only when it appears) */
    timemory_clear(0);
    pthread_t t;
    pthread_create(&t, NULL, tm_thread_work, NULL);
    pthread_join(t, NULL);
    CHECK_INT(tm__result_build_tree(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    CHECK_INT(tm__thread_trees(&r.root, &r.threads, &trees), 1);
    CHECK(r.root.nchildren == 1 && tm__thread_tree_tid(&r.root) > 0);
    tm__result_free(&r);
    CHECK_INT(timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), true, &json),
              TIMEMORY_OK);
    CHECK(json && strstr(json, "\"collapse_threads\":true,\"distributed\":false,\"mpi\":[[{"));
    const char* mark = json ? strstr(json, "\"prefix\":\"g-thread-work\",\"tid\":[0],") : NULL;
    CHECK(mark && strstr(mark, "\"is_dummy\":true,\"inclusive\":{\"entry\":{\"laps\":0,"));
    const char* real = mark ? strstr(mark + 1, "\"prefix\":\"g-thread-work\"") : NULL;
    CHECK(real && strstr(real, "\"is_dummy\":false,\"inclusive\":{\"entry\":{\"laps\":100,"));
    CHECK(real && !strstr(real + 20, "g-thread-work"));
    free(json);
    timemory_clear(0);
}

TM_TEST(graph_paused_records_nothing)
{
    timemory_clear(0);
    timemory_pause();
    uint64_t k = timemory_add_hash_id("g-paused");
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_stack_depth(), 0);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_ENOTFOUND);
}

TM_TEST(graph_pause_between_push_and_pop_stays_balanced)
{
    timemory_clear(0);
    uint64_t k = timemory_add_hash_id("g-pause-mid");
    CHECK_INT(timemory_push(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    timemory_settings_set_bool("enabled", false); /* as Python's timemory.disable() may do */
    CHECK_INT(timemory_pop(k), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 0);
    CHECK_INT(timemory_pop(k), TIMEMORY_EDISABLED); /* nothing open: returns at once */
    timemory_resume();
    size_t n = 0;
    timemory_get_size(TIMEMORY_WALL_CLOCK, &n);
    CHECK_INT(n, 1);
    timemory_clear(0);
}

TM_TEST(graph_inline_entry_points)
{
    timemory_clear(0);
    uint64_t k = timemory_add_hash_id("g-inline");
    CHECK_INT(timemory_push_inline(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
    CHECK_INT(timemory_thread_open_pushes, 1);
    timemory_pause();
    CHECK_INT(timemory_push_inline(k, WALL, TIMEMORY_SCOPE_TREE), TIMEMORY_EDISABLED);
    CHECK_INT(timemory_thread_skipped.count, 1);
    CHECK_INT(timemory_pop_inline(k), TIMEMORY_EDISABLED); /* the paused push's own pop */
    CHECK_INT(timemory_thread_skipped.count, 0);
    CHECK_INT(timemory_thread_open_pushes, 1);
    CHECK_INT(timemory_pop_inline(k), TIMEMORY_OK); /* opened before the pause: still pops */
    CHECK_INT(timemory_thread_open_pushes, 0);
    CHECK_INT(timemory_pop_inline(k), TIMEMORY_EDISABLED);
    timemory_resume();
    size_t n = 0;
    timemory_get_size(TIMEMORY_WALL_CLOCK, &n);
    CHECK_INT(n, 1);
    timemory_clear(0);
}

extern unsigned long tm_test_allocations; /* alloc_count.c */

static void tm_hot_loops(int n)
{
    const timemory_components_t three = WALL | TIMEMORY_COMPONENT_BIT(TIMEMORY_CPU_CLOCK) |
                                        TIMEMORY_COMPONENT_BIT(TIMEMORY_PEAK_RSS);
    uint64_t a = timemory_add_hash_id("g-alloc-a"), b = timemory_add_hash_id("g-alloc-b");
    int64_t  d[2] = { 10, 0 };
    for(int i = 0; i < n; ++i)
    {
        timemory_push(a, WALL, TIMEMORY_SCOPE_TREE);
        timemory_push(b, three, TIMEMORY_SCOPE_TREE);
        timemory_pop(b);
        timemory_push(b, 0, TIMEMORY_SCOPE_TREE);
        timemory_pop_values(b, TIMEMORY_WALL_CLOCK, d, 1);
        timemory_pop(a);
        timemory_push_region("g-alloc-region");
        timemory_pop_region("g-alloc-region");
        timemory_push_trace_hash(a);
        timemory_pop_trace_hash(a);
        timemory_push(a, WALL, TIMEMORY_SCOPE_FLAT);
        timemory_pop(a);
        timemory_hook_push(a, 0, TIMEMORY_SCOPE_TREE, &d[0], NULL, i);
        timemory_hook_push(b, 0, TIMEMORY_SCOPE_TREE, &d[0], &d[1], i);
        timemory_hook_pop(&d[0], &d[1], i + 3, 0.5);
        timemory_hook_pop(&d[0], NULL, i + 5, 0.5);
    }
}

TM_TEST(graph_hot_path_allocates_nothing_after_warm_up)
{
    timemory_clear(0);
    timemory_settings_set_int("throttle_count", 1000000); /* keep the trace key live */
    unsigned long start = tm_test_allocations;
    tm_hot_loops(100); /* warm-up: nodes, records, caches */
    unsigned long before = tm_test_allocations;
    CHECK(before > start); /* the counter sees the library's allocations */
    tm_hot_loops(20000);
    CHECK_INT(tm_test_allocations - before, 0);
    CHECK_INT(timemory_stack_depth(), 0);
    timemory_settings_reset();
    timemory_clear(0);
}

/* Hook pushes: tags name the pop, the caller's ticks time it, nesting is shared with ordinary
 * pushes, and a pop for a call that never pushed is told apart without an error. */
TM_TEST(graph_hook_push_tags_and_ticks)
{
    timemory_clear(0);
    int      code_a, code_b, cfunc;
    uint64_t fa = timemory_add_hash_id("g-hook-a"), fb = timemory_add_hash_id("g-hook-b");
    uint64_t region = timemory_add_hash_id("g-hook-region");
    for(int i = 0; i < 3; ++i)
    {
        CHECK_INT(timemory_hook_push(fa, 0, TIMEMORY_SCOPE_TREE, &code_a, NULL, 1000), TIMEMORY_OK);
        /* a region opened inside the profiled call nests below it */
        CHECK_INT(timemory_push(region, 0, TIMEMORY_SCOPE_TREE), TIMEMORY_OK);
        CHECK_INT(timemory_hook_push(fb, 0, TIMEMORY_SCOPE_TREE, &code_b, &cfunc, 1100),
                  TIMEMORY_OK);
        /* a pop of another tag (a call that started before the hooks) finds nothing */
        CHECK_INT(timemory_hook_pop(&code_b, NULL, 1200, 1.0), TIMEMORY_ENOTFOUND);
        CHECK_INT(timemory_hook_pop(&code_b, &cfunc, 1300, 0.5), TIMEMORY_OK); /* 100 ns */
        int64_t d[2] = { 7, 0 };
        CHECK_INT(timemory_pop_values(region, TIMEMORY_WALL_CLOCK, d, 1), TIMEMORY_OK);
        CHECK_INT(timemory_hook_pop(&code_a, NULL, 2000, 0.5), TIMEMORY_OK); /* 500 ns */
    }
    CHECK_INT(timemory_stack_depth(), 0);
    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* ea = tm_find_entry(&r, ">>> g-hook-a");
    const tm__entry* er = tm_find_entry(&r, ">>> |_g-hook-region");
    const tm__entry* eb = tm_find_entry(&r, ">>>   |_g-hook-b");
    CHECK(ea && er && eb);
    if(ea && er && eb)
    {
        CHECK_INT(ea->accum[0], 1500);
        CHECK_INT(ea->laps, 3);
        CHECK_NEAR(ea->stats.max[0], 500, 0);
        CHECK_INT(er->accum[0], 21);
        CHECK_INT(eb->accum[0], 300);
        CHECK_INT(eb->laps, 3);
    }
    tm__result_free(&r);
    timemory_clear(0);
}

TM_TEST(graph_hook_push_out_of_order_and_unwind)
{
    timemory_clear(0);
    int      code_a, code_b;
    uint64_t fa = timemory_add_hash_id("g-hook-ooo-a"), fb = timemory_add_hash_id("g-hook-ooo-b");
    uint64_t left_open = timemory_add_hash_id("g-hook-left-open");
    /* an ordinary pop never takes a hook push, even of the same key */
    timemory_hook_push(fa, 0, TIMEMORY_SCOPE_TREE, &code_a, NULL, 0);
    CHECK_INT(timemory_pop(fa), TIMEMORY_EUNBALANCED);
    (void)timemory_take_errors(NULL);
    /* a region left open inside the call (an exception skipped its pop): the hook pop still
     * finds its push below it, and the region is left for its own pop */
    timemory_push(left_open, WALL, TIMEMORY_SCOPE_TREE);
    CHECK_INT(timemory_hook_pop(&code_a, NULL, 40, 1.0), TIMEMORY_OK);
    CHECK_INT(timemory_stack_depth(), 1);
    CHECK_INT(timemory_pop(left_open), TIMEMORY_OK);
    /* depth limits: a balanced frame that records nothing */
    CHECK_INT(
        timemory_hook_push(fb, 0, TIMEMORY_SCOPE_TREE | TIMEMORY_SCOPE_NONE, &code_b, NULL, 0),
        TIMEMORY_OK);
    CHECK_INT(timemory_hook_pop(&code_b, NULL, 99, 1.0), TIMEMORY_OK);
    /* components instead of caller ticks */
    CHECK_INT(timemory_hook_push(fb, WALL, TIMEMORY_SCOPE_TREE, &code_b, NULL, 0), TIMEMORY_OK);
    CHECK_INT(timemory_hook_pop(&code_b, NULL, 0, 1.0), TIMEMORY_OK);
    /* the end of a session: every open hook push of the thread, recorded or dropped */
    timemory_hook_push(fa, 0, TIMEMORY_SCOPE_TREE, &code_a, NULL, 100);
    timemory_hook_push(fb, 0, TIMEMORY_SCOPE_TREE, &code_b, NULL, 150);
    CHECK_INT(timemory_hook_pop_all(200, 1.0, 1), 2);
    timemory_hook_push(fa, 0, TIMEMORY_SCOPE_TREE, &code_a, NULL, 0);
    CHECK_INT(timemory_hook_pop_all(1000000, 1.0, 0), 1);
    CHECK_INT(timemory_stack_depth(), 0);
    /* paused: nothing is pushed, and the pop finds nothing */
    timemory_pause();
    CHECK_INT(timemory_hook_push(fa, 0, TIMEMORY_SCOPE_TREE, &code_a, NULL, 0), TIMEMORY_EDISABLED);
    timemory_resume();
    CHECK_INT(timemory_hook_pop(&code_a, NULL, 0, 1.0), TIMEMORY_ENOTFOUND);
    CHECK_INT(timemory_hook_push(fa, 0, TIMEMORY_SCOPE_TREE, NULL, NULL, 0), TIMEMORY_EINVAL);

    tm__result r;
    CHECK_INT(tm__result_build(TIMEMORY_WALL_CLOCK, &r), TIMEMORY_OK);
    const tm__entry* ea = tm_find_entry(&r, ">>> g-hook-ooo-a");
    const tm__entry* eb = tm_find_entry(&r, ">>> |_g-hook-ooo-b");
    CHECK(ea && eb);
    if(ea) CHECK_INT(ea->accum[0], 40 + 100); /* the dropped one adds nothing */
    if(ea) CHECK_INT(ea->laps, 2);
    if(eb) CHECK_INT(eb->laps, 1); /* the session end; the NONE frame recorded nothing */
    if(eb) CHECK_INT(eb->accum[0], 50);
    const tm__entry* top_b = tm_find_entry(&r, ">>> g-hook-ooo-b");
    CHECK(top_b != NULL); /* the components push */
    if(top_b) CHECK_INT(top_b->laps, 1);
    tm__result_free(&r);
    timemory_clear(0);
}
