/* test_ranks.c -- MPI results at rank 0 without MPI: four "ranks" are packed by this process
 * (an injected clock makes every value exact: rank r runs r-step r + 1 times, 10 ns each, rank
 * 0 also r-setup) and built as rank 0 builds them: merged with statistics over the ranks,
 * per rank with "|<rank>" prefixes, node_count groups; the flat JSON "ranks", the tree JSON
 * "mpi" key and the table columns. Without MPI in the process nothing is loaded. */
#include "internal.h"
#include "timemory/mpi_support.h"
#include "tm_test.h"

#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int64_t tm_rank_now;
static int64_t tm_rank_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_rank_now : 0;
}

static const timemory_components_t WALL = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);

/* what rank `rank` would send */
static void tm_pack_rank(tm__proc_data* out, int rank)
{
    timemory_clear(0);
    tm__set_test_reader(tm_rank_reader);
    tm__fast_wall  = false;
    uint64_t outer = timemory_add_hash_id("r-outer"), step = timemory_add_hash_id("r-step");
    uint64_t setup = timemory_add_hash_id("r-setup");
    timemory_push(outer, WALL, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i <= rank; ++i)
    {
        timemory_push(step, WALL, TIMEMORY_SCOPE_TREE);
        tm_rank_now += 10;
        timemory_pop(step);
    }
    timemory_pop(outer);
    if(rank == 0)
    {
        timemory_push(setup, WALL, TIMEMORY_SCOPE_TREE);
        tm_rank_now += 5;
        timemory_pop(setup);
    }
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, rank), TIMEMORY_OK);
    char why[128];
    CHECK_INT(tm__exchange_unpack(b.data, b.len, out, why, sizeof(why)), TIMEMORY_OK);
    tm__buf_free(&b);
    timemory_clear(0);
}

static void tm_four_ranks(tm__ranks* ranks)
{
    memset(ranks, 0, sizeof(*ranks));
    ranks->size  = 4;
    ranks->procs = calloc(4, sizeof(tm__proc_data));
    for(int r = 0; r < 4; ++r) tm_pack_rank(&ranks->procs[r], r);
    ranks->comps[ranks->ncomps++] = TIMEMORY_WALL_CLOCK;
}

static const tm__entry* tm_entry(const tm__result* r, const char* prefix, size_t* index)
{
    for(size_t i = 0; i < r->nentries; ++i)
        if(strcmp(r->entries[i].prefix, prefix) == 0)
        {
            if(index) *index = i;
            return &r->entries[i];
        }
    return NULL;
}

/* seconds of n nanoseconds, as the results show them */
#define NS(n) ((double)(n)*1e-9)

TM_TEST(ranks_merged_with_statistics_over_ranks)
{
    tm__ranks ranks;
    tm_four_ranks(&ranks);
    timemory_settings_set_bool("collapse_processes", true);
    timemory_settings_set_int("node_count", 0);
    tm__result r;
    CHECK_INT(tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r), TIMEMORY_OK);
    CHECK_INT(r.mpi_size, 4);
    CHECK_INT(r.nparts, 1);
    CHECK_INT(r.nentries, 3);
    CHECK(r.rank_stats != NULL);
    size_t           i_step = 0, i_setup = 0;
    const tm__entry* outer = tm_entry(&r, ">>> r-outer", NULL);
    const tm__entry* step  = tm_entry(&r, ">>> |_r-step", &i_step);
    const tm__entry* setup = tm_entry(&r, ">>> r-setup", &i_setup);
    CHECK(outer && step && setup);
    if(outer && step && setup && r.rank_stats)
    {
        CHECK_INT(outer->laps, 4);
        CHECK_INT(step->laps, 1 + 2 + 3 + 4);
        CHECK_INT(step->accum[0], 100);
        CHECK_INT(setup->laps, 1);
        const tm__rank_stat* s = &r.rank_stats[i_step];
        CHECK_INT(s->nranks, 4);
        CHECK_NEAR(s->min[0], NS(10), 1e-15);
        CHECK_NEAR(s->max[0], NS(40), 1e-15);
        CHECK_NEAR(s->mean[0], NS(25), 1e-15);
        CHECK_INT(s->min_rank, 0);
        CHECK_INT(s->max_rank, 3);
        CHECK_NEAR(tm__rank_imbalance(s, 0), 0.375, 1e-12);
        /* a region of rank 0 alone: the other ranks count as 0 */
        const tm__rank_stat* z = &r.rank_stats[i_setup];
        CHECK_INT(z->nranks, 1);
        CHECK_INT(z->max_rank, 0);
        CHECK_INT(z->min_rank, 1);
        CHECK_NEAR(z->mean[0], NS(5) / 4.0, 1e-15);
        CHECK_NEAR(tm__rank_imbalance(z, 0), 0.75, 1e-12);
    }

    /* flat JSON: one element, statistics per entry; tree JSON: "mpi", one list of roots */
    const tm__result* one = &r;
    tm__buf           b;
    tm__buf_init(&b);
    tm__write_json_flat(&b, &one, 1);
    tm__json_error   err;
    tm__jtree*       t = tm__jtree_parse(b.data, b.len, NULL, &err);
    const tm__jnode* wall =
        t ? tm__jnode_member(tm__jnode_member(tm__jtree_root(t), "timemory"), "wall_clock") : NULL;
    CHECK(wall != NULL);
    if(wall)
    {
        int64_t v = 0;
        CHECK(tm__jnode_i64(tm__jnode_member(wall, "mpi_size"), &v) && v == 4);
        CHECK(tm__jnode_i64(tm__jnode_member(wall, "num_ranks"), &v) && v == 4);
        CHECK(tm__jnode_i64(tm__jnode_member(wall, "process_count"), &v) && v == 4);
        const tm__jnode* list = tm__jnode_member(wall, "ranks");
        CHECK(list && list->u.items.count == 1);
        const tm__jnode* graph = list ? tm__jnode_member(list->u.items.first, "graph") : NULL;
        const tm__jnode* e     = graph ? graph->u.items.first : NULL;
        while(e && strcmp(tm__jnode_member(e, "prefix")->u.string.text, ">>> |_r-step") != 0)
            e = e->next;
        const tm__jnode* rs = e ? tm__jnode_member(e, "rank_stats") : NULL;
        CHECK(rs != NULL);
        double d = 0;
        CHECK(rs && tm__jnode_i64(tm__jnode_member(rs, "ranks"), &v) && v == 4);
        CHECK(rs && tm__jnode_i64(tm__jnode_member(rs, "max_rank"), &v) && v == 3);
        CHECK(rs && tm__jnode_i64(tm__jnode_member(rs, "min_rank"), &v) && v == 0);
        CHECK(rs && tm__jnode_double(tm__jnode_member(rs, "imbalance"), &d) &&
              fabs(d - 0.375) < 1e-12);
        CHECK(rs && tm__jnode_double(tm__jnode_member(rs, "max"), &d) && d == NS(40));
        CHECK(rs && tm__jnode_double(tm__jnode_member(rs, "mean"), &d) && d == NS(25));
    }
    tm__jtree_free(t);
    tm__buf_free(&b);
    tm__buf_init(&b);
    tm__write_json_tree(&b, &one, 1);
    CHECK(b.data && strstr(b.data, "\"mpi\":[[{") && !strstr(b.data, "\"graph\":"));
    tm__buf_free(&b);
    tm__buf_init(&b);
    tm__write_text(&b, &r);
    CHECK(b.data && strstr(b.data, "| RANK MIN |") && strstr(b.data, "| AT RANK |") &&
          strstr(b.data, "% IMBAL"));
    CHECK(b.data && strstr(b.data, "|    37.5 |")); /* r-step's imbalance, percent */
    tm__buf_free(&b);
    tm__result_free(&r);
    tm__ranks_free(&ranks);
}

TM_TEST(ranks_one_element_per_rank)
{
    tm__ranks ranks;
    tm_four_ranks(&ranks);
    timemory_settings_set_bool("collapse_processes", false);
    tm__result r;
    CHECK_INT(tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r), TIMEMORY_OK);
    CHECK_INT(r.nparts, 4);
    CHECK(r.rank_stats == NULL);
    CHECK_INT(r.nentries, 3 + 2 + 2 + 2);
    for(int k = 0; k < 4 && r.nparts == 4; ++k)
    {
        CHECK_INT(r.parts[k].rank, k);
        CHECK_INT(r.parts[k].count, k == 0 ? 3 : 2);
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "|%d>>> |_r-step", k);
        const tm__entry* step = tm_entry(&r, prefix, NULL);
        CHECK(step && step->laps == (uint64_t)k + 1 && step->accum[0] == 10 * (k + 1));
    }
    CHECK(tm_entry(&r, "|0>>> r-setup", NULL) && !tm_entry(&r, "|1>>> r-setup", NULL));
    /* the merged tree stays whole (flame graph SVG) */
    CHECK_INT(r.root.nchildren, 2);

    const tm__result* one = &r;
    tm__buf           b;
    tm__buf_init(&b);
    tm__write_json_flat(&b, &one, 1);
    CHECK(b.data && strstr(b.data, "{\"rank\":3,\"graph_size\":2,\"graph\":["));
    CHECK(b.data && !strstr(b.data, "rank_stats"));
    tm__buf_free(&b);
    tm__buf_init(&b);
    tm__write_text(&b, &r);
    CHECK(b.data && strstr(b.data, "| |3>>> |_r-step |") && !strstr(b.data, "RANK MIN"));
    tm__buf_free(&b);
    tm__result_free(&r);

    /* a rank whose data was lost: no flat element, an empty tree */
    tm__proc_data_free(&ranks.procs[2]);
    CHECK_INT(tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r), TIMEMORY_OK);
    tm__buf_init(&b);
    tm__write_json_flat(&b, &one, 1);
    CHECK(b.data && !strstr(b.data, "{\"rank\":2,") && strstr(b.data, "{\"rank\":3,"));
    tm__buf_free(&b);
    tm__buf_init(&b);
    tm__write_json_tree(&b, &one, 1);
    CHECK(b.data && strstr(b.data, "\"children\":[]}],[{"));
    tm__buf_free(&b);
    tm__result_free(&r);
    timemory_settings_set_bool("collapse_processes", true);
    tm__ranks_free(&ranks);
}

TM_TEST(ranks_node_count_groups)
{
    tm__ranks ranks;
    tm_four_ranks(&ranks);
    timemory_settings_set_bool("collapse_processes", true);
    timemory_settings_set_int("node_count", 2);
    tm__result r;
    CHECK_INT(tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r), TIMEMORY_OK);
    CHECK_INT(r.nparts, 2);
    CHECK(r.rank_stats != NULL);
    size_t           i    = 0;
    const tm__entry* low  = tm_entry(&r, "|0:1>>> |_r-step", NULL);
    const tm__entry* high = tm_entry(&r, "|2:3>>> |_r-step", &i);
    CHECK(low && low->laps == 3 && high && high->laps == 7);
    if(high && r.rank_stats)
    {
        CHECK_INT(r.rank_stats[i].min_rank, 2);
        CHECK_INT(r.rank_stats[i].max_rank, 3);
        CHECK_NEAR(r.rank_stats[i].mean[0], NS(35), 1e-15);
    }
    if(r.nparts == 2)
    {
        CHECK_INT(r.parts[1].rank, 1);
        CHECK_INT(r.parts[1].first_rank, 2);
        CHECK_INT(r.parts[1].last_rank, 3);
    }
    tm__result_free(&r);
    /* more groups than ranks: one rank each, still "|r:r" */
    timemory_settings_set_int("node_count", 8);
    CHECK_INT(tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r), TIMEMORY_OK);
    CHECK_INT(r.nparts, 4);
    CHECK(tm_entry(&r, "|3:3>>> |_r-step", NULL) != NULL);
    tm__result_free(&r);
    timemory_settings_set_int("node_count", 0);
    CHECK_INT(tm__result_build_ranks(TIMEMORY_PEAK_RSS, &ranks, &r), TIMEMORY_ENOTFOUND);
    tm__ranks_free(&ranks);
}

static void* tm_rank_worker(void* arg)
{
    (void)arg;
    uint64_t step = timemory_add_hash_id("r-step");
    timemory_push(step, WALL, TIMEMORY_SCOPE_TREE);
    tm_rank_now += 10;
    timemory_pop(step);
    return NULL;
}

/* what rank `rank` sends when `workers` threads ran r-step (10 ns) besides its main thread */
static void tm_pack_rank_threads(tm__proc_data* out, int rank, int workers)
{
    timemory_clear(0);
    tm__set_test_reader(tm_rank_reader);
    tm__fast_wall  = false;
    uint64_t outer = timemory_add_hash_id("r-outer"), step = timemory_add_hash_id("r-step");
    timemory_push(outer, WALL, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i <= rank; ++i)
    {
        timemory_push(step, WALL, TIMEMORY_SCOPE_TREE);
        tm_rank_now += 10;
        timemory_pop(step);
    }
    timemory_pop(outer);
    for(int i = 0; i < workers; ++i)
    {
        pthread_t t;
        pthread_create(&t, NULL, tm_rank_worker, NULL);
        pthread_join(t, NULL);
    }
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
    tm__buf b;
    tm__buf_init(&b);
    CHECK_INT(tm__exchange_pack(&b, rank), TIMEMORY_OK);
    char why[128];
    CHECK_INT(tm__exchange_unpack(b.data, b.len, out, why, sizeof(why)), TIMEMORY_OK);
    tm__buf_free(&b);
    timemory_clear(0);
}

static const tm__rnode* tm_child(const tm__rnode* n, const char* label)
{
    for(size_t i = 0; n && i < n->nchildren; ++i)
        if(strcmp(n->children[i].label, label) == 0) return &n->children[i];
    return NULL;
}

/* Ranks with threads: each element's per-thread trees (thread t of its ranks merged), written
 * under "mpi" one root per thread; the merged tree and the flat entries stay as they were. */
TM_TEST(ranks_threads_apart_per_rank)
{
    tm__ranks ranks;
    memset(&ranks, 0, sizeof(ranks));
    ranks.size  = 2;
    ranks.procs = calloc(2, sizeof(tm__proc_data));
    tm_pack_rank_threads(&ranks.procs[0], 0, 0);
    tm_pack_rank_threads(&ranks.procs[1], 1, 2); /* two workers: two more thread ids */
    ranks.comps[ranks.ncomps++] = TIMEMORY_WALL_CLOCK;
    /* what rank 1 sent: its three threads' trees, merged into its tree on arrival */
    CHECK_INT(ranks.procs[1].ncomps, 1);
    const tm__proc_comp* sent = &ranks.procs[1].comps[0];
    CHECK_INT(sent->threads.nchildren, 3);
    CHECK_INT(ranks.procs[0].comps[0].threads.nchildren, 0);
    const tm__rnode* top = tm_child(&sent->root, "r-step");
    CHECK(top && top->laps == 2 && top->accum[0] == 20 && top->ntids == 2);
    int worker[2] = { -1, -1 };
    if(sent->threads.nchildren == 3)
    {
        CHECK_INT(tm__thread_tree_tid(&sent->threads.children[0]), 0);
        worker[0] = tm__thread_tree_tid(&sent->threads.children[1]);
        worker[1] = tm__thread_tree_tid(&sent->threads.children[2]);
        CHECK(worker[0] > 0 && worker[1] > worker[0]);
    }
    bool saved = tm__settings.collapse_processes;
    for(int merged = 0; merged < 2; ++merged)
    {
        timemory_settings_set_bool("collapse_processes", merged == 1);
        tm__result r;
        CHECK_INT(tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r), TIMEMORY_OK);
        CHECK_INT(r.nparts, merged ? 1 : 2);
        const tm__result_part* last = &r.parts[r.nparts - 1];
        const tm__rnode*       trees;
        CHECK_INT(tm__thread_trees(last->tree, &last->threads, &trees), 3);
        if(!merged) CHECK_INT(r.parts[0].threads.nchildren, 0); /* rank 0: one thread */
        if(last->threads.nchildren == 3)
        {
            /* thread 0: r-outer > r-step, 2 laps (rank 1), or 1 + 2 (both ranks merged) */
            const tm__rnode* step = tm_child(tm_child(&trees[0], "r-outer"), "r-step");
            CHECK(step && step->laps == (merged ? 3u : 2u) && step->ntids == 1);
            CHECK_INT(trees[0].nchildren, 1);
            for(int w = 0; w < 2; ++w)
            {
                CHECK_INT(tm__thread_tree_tid(&trees[w + 1]), worker[w]);
                const tm__rnode* alone = tm_child(&trees[w + 1], "r-step");
                CHECK(alone && alone->laps == 1 && alone->accum[0] == 10);
                CHECK(alone && alone->ntids == 1 && tm__rnode_tids(alone)[0] == worker[w]);
            }
        }
        const tm__result* one = &r;
        tm__buf           b;
        tm__buf_init(&b);
        tm__write_json_tree(&b, &one, 1);
        CHECK(b.data && strstr(b.data, "\"collapse_threads\":true,\"distributed\":true,"
                                       "\"mpi\":[[{"));
        /* roots: one for rank 0 and three for rank 1, or three for the merged ranks */
        int roots = 0;
        for(const char* p = b.data; p && (p = strstr(p, "\"prefix\":\"unknown-hash=0\"")); ++p)
            ++roots;
        CHECK_INT(roots, merged ? 3 : 4);
        tm__buf_free(&b);
        tm__result_free(&r);
    }
    timemory_settings_set_bool("collapse_processes", saved);
    tm__ranks_free(&ranks);
}

static int tm_count_mpi_objects(struct dl_phdr_info* info, size_t size, void* arg)
{
    (void)size;
    const char* name = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    name             = name ? name + 1 : info->dlpi_name;
    if(name && (strncmp(name, "libmpi", 6) == 0 || strncmp(name, "libtimemory-mpi", 15) == 0))
        ++*(int*)arg;
    return 0;
}

TM_TEST(ranks_without_mpi_nothing_is_loaded)
{
    CHECK(!timemory_mpi_notice());
    CHECK(!timemory_mpi_is_active());
    CHECK_INT(timemory_mpi_rank(), 0);
    CHECK_INT(timemory_mpi_size(), 1);
    CHECK_INT(timemory_mpi_finalize(), TIMEMORY_OK);
    CHECK_INT(timemory_mpi_barrier(), TIMEMORY_OK);
    tm__ranks ranks;
    CHECK_INT(tm__ranks_gather(&ranks), TIMEMORY_EUNAVAILABLE);
    CHECK(ranks.procs == NULL);
    int loaded = 0;
    dl_iterate_phdr(tm_count_mpi_objects, &loaded);
    CHECK_INT(loaded, 0);
}
