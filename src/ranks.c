/* ranks.c -- MPI ranks at output: every rank's data gathered to rank 0 (one exchange blob per
 * rank, exchange.c, through the plugin's gather, mpi.c) and the results rank 0 writes from
 * them (NOTES.md §3): all ranks merged (collapse_processes), node_count groups of consecutive
 * ranks, or one element per rank ("|<rank>" prefixes); for merged elements each entry's value
 * on every rank gives its min/max/mean over the ranks and the imbalance (max - mean) / max;
 * each element's per-thread trees merge its ranks' thread t (result_threads.c).
 * Runs at output only.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- gathering ------------------------------------------------------------------------------ */

static void tm__ranks_add_comp(tm__ranks* r, int comp)
{
    for(int i = 0; i < r->ncomps; ++i)
        if(r->comps[i] == comp) return;
    if(r->ncomps < TM_COMP_CAP) r->comps[r->ncomps++] = comp;
}

int tm__ranks_gather(tm__ranks* out)
{
    memset(out, 0, sizeof(*out));
    if(!tm__mpi_active(&out->rank, &out->size)) return TIMEMORY_EUNAVAILABLE;
    tm__buf mine;
    tm__buf_init(&mine);
    int rc = tm__exchange_pack(&mine, out->rank);
    if(rc != TIMEMORY_OK)
    {
        /* sent empty: rank 0 reports the rank whose data is missing */
        tm__warn("rank %d: packing the data for rank 0 failed: %s", out->rank,
                 timemory_strerror(rc));
        mine.len = 0;
    }
    char*   all  = NULL;
    size_t* lens = NULL;
    rc           = tm__mpi_gather(mine.data, mine.len, &all, &lens);
    tm__buf_free(&mine);
    if(rc != TIMEMORY_OK || out->rank != 0)
    {
        free(all);
        free(lens);
        return rc;
    }
    out->procs = calloc((size_t)out->size, sizeof(tm__proc_data));
    if(!out->procs)
    {
        free(all);
        free(lens);
        return TIMEMORY_ENOMEM;
    }
    size_t at = 0;
    for(int r = 0; r < out->size; ++r)
    {
        char why[256] = "";
        if(lens[r] == 0)
            tm__warn("rank %d sent no data: its measurements are missing from the output", r);
        else if(tm__exchange_unpack(all + at, lens[r], &out->procs[r], why, sizeof(why)) !=
                TIMEMORY_OK)
            tm__warn("the data of rank %d cannot be read (%s): it is missing from the output", r,
                     why);
        at += lens[r];
        out->procs[r].rank = r;
        for(int c = 0; c < out->procs[r].ncomps; ++c)
            tm__ranks_add_comp(out, out->procs[r].comps[c].comp);
    }
    free(all);
    free(lens);
    return TIMEMORY_OK;
}

void tm__ranks_free(tm__ranks* r)
{
    for(int i = 0; r->procs && i < r->size; ++i) tm__proc_data_free(&r->procs[i]);
    free(r->procs);
    memset(r, 0, sizeof(*r));
}

/* ---- rank statistics ---------------------------------------------------------------------- */

typedef struct tm__tally {
    int            comp;
    int            k;     /* display values per entry */
    int            first; /* ranks first .. first + n - 1 */
    int            n;
    tm__rank_stat* stats; /* the part's entries, pre-order */
    size_t         nstats;
    size_t         next;
    tm__rnode**    level; /* n node pointers per depth: each rank's node matching the walk */
    size_t         nlevels;
    bool           failed;
} tm__tally;

static tm__rnode** tm__tally_level(tm__tally* t, size_t depth)
{
    if(depth >= t->nlevels)
    {
        size_t      want  = depth * 2 + 2;
        tm__rnode** level = realloc(t->level, want * (size_t)t->n * sizeof(tm__rnode*));
        if(!level) return NULL;
        t->level   = level;
        t->nlevels = want;
    }
    return t->level + depth * (size_t)t->n;
}

/* Pre-order over merged (the part's tree), in the order tm__result_append_tree lists the
 * entries: each child's value on every rank of the part. Recursion as deep as the tree, like
 * the flattening itself. */
static void tm__tally_walk(tm__tally* t, const tm__rnode* merged, size_t depth)
{
    for(size_t i = 0; i < merged->nchildren && !t->failed; ++i)
    {
        const tm__rnode* c   = &merged->children[i];
        tm__rnode**      sub = tm__tally_level(t, depth + 1);
        if(!sub || t->next >= t->nstats)
        {
            t->failed = true;
            return;
        }
        tm__rnode**    at     = t->level + depth * (size_t)t->n;
        tm__rank_stat* s      = &t->stats[t->next++];
        double         sum[2] = { 0.0, 0.0 };
        for(int r = 0; r < t->n; ++r)
        {
            sub[r]      = at[r] ? tm__rnode_find_child(at[r], c->id, c->key) : NULL;
            double v[2] = { 0.0, 0.0 };
            if(sub[r])
            {
                tm__get(t->comp, sub[r]->accum, v);
                ++s->nranks;
            }
            for(int j = 0; j < t->k; ++j)
            {
                if(r == 0 || v[j] < s->min[j])
                {
                    s->min[j] = v[j];
                    if(j == 0) s->min_rank = t->first + r;
                }
                if(r == 0 || v[j] > s->max[j])
                {
                    s->max[j] = v[j];
                    if(j == 0) s->max_rank = t->first + r;
                }
                sum[j] += v[j];
            }
        }
        for(int j = 0; j < t->k; ++j) s->mean[j] = sum[j] / (double)t->n;
        tm__tally_walk(t, c, depth + 1);
    }
}

/* Rank statistics of the part's entries: r->rank_stats[part->first ..]. */
static bool tm__tally_part(tm__result* r, const tm__result_part* part, tm__rnode* const* trees)
{
    const tm__component_row* row = &tm__components[r->comp];
    tm__tally                t;
    memset(&t, 0, sizeof(t));
    t.comp          = r->comp;
    t.k             = (row->labels[0] && row->labels[1]) ? 2 : 1;
    t.first         = part->first_rank;
    t.n             = part->last_rank - part->first_rank + 1;
    t.stats         = r->rank_stats + part->first;
    t.nstats        = part->count;
    tm__rnode** top = tm__tally_level(&t, 0);
    if(!top) return false;
    for(int i = 0; i < t.n; ++i) top[i] = trees[t.first + i];
    tm__tally_walk(&t, part->tree, 0);
    free(t.level);
    return !t.failed && t.next == t.nstats;
}

double tm__rank_imbalance(const tm__rank_stat* s, int i)
{
    if(i < 0 || i > 1 || !(s->max[i] > 0.0)) return 0.0;
    return (s->max[i] - s->mean[i]) / s->max[i];
}

/* ---- the result over the ranks -------------------------------------------------------------- */

static tm__rnode* tm__part_tree(int comp, tm__rnode* const* trees, int first, int last)
{
    tm__rnode* tree = calloc(1, sizeof(tm__rnode));
    if(!tree) return NULL;
    tree->label = tm__strdup("unknown-hash=0");
    for(int r = first; r <= last; ++r)
        if(trees[r] && tm__rnode_merge(comp, tree, trees[r]) != TIMEMORY_OK)
            tm__set_error(TIMEMORY_ENOMEM);
    return tree;
}

/* The element's per-thread trees: each of its ranks' thread t merged into thread t. */
static int tm__part_threads(int comp, tm__rnode* const* trees, tm__rnode* const* threads,
                            tm__result_part* part)
{
    size_t n = 0;
    for(int r = part->first_rank; r <= part->last_rank; ++r)
    {
        const tm__rnode* each;
        if(trees[r]) n += tm__thread_trees(trees[r], threads[r], &each);
    }
    if(n < 2) return TIMEMORY_OK;
    tm__thread_source* src = calloc(n, sizeof(*src));
    if(!src) return TIMEMORY_ENOMEM;
    size_t k = 0;
    for(int r = part->first_rank; r <= part->last_rank; ++r)
    {
        const tm__rnode* each;
        size_t           m = trees[r] ? tm__thread_trees(trees[r], threads[r], &each) : 0;
        for(size_t j = 0; j < m; ++j, ++k)
        {
            src[k].tree = &each[j];
            src[k].tid  = tm__thread_tree_tid(&each[j]);
        }
    }
    int rc = tm__threads_build(comp, &part->threads, src, k);
    free(src);
    return rc;
}

int tm__result_build_ranks(int comp, tm__ranks* ranks, tm__result* out)
{
    memset(out, 0, sizeof(*out));
    if(!tm__comp_valid(comp) || !ranks->procs) return TIMEMORY_EINVAL;
    int         size    = ranks->size;
    tm__rnode** trees   = calloc((size_t)size, sizeof(tm__rnode*));
    tm__rnode** threads = calloc((size_t)size, sizeof(tm__rnode*));
    if(!trees || !threads)
    {
        free(trees);
        free(threads);
        return TIMEMORY_ENOMEM;
    }
    out->comp       = comp;
    out->pid        = (long)getpid();
    out->mpi_size   = size;
    out->root.label = tm__strdup("unknown-hash=0");
    int sort        = tm__sort_key();
    for(int r = 0; r < size; ++r)
    {
        const tm__proc_data* p = &ranks->procs[r];
        for(int c = 0; c < p->ncomps; ++c)
            if(p->comps[c].comp == comp)
            {
                trees[r]   = &ranks->procs[r].comps[c].root;
                threads[r] = &ranks->procs[r].comps[c].threads;
            }
        if(p->thread_count > out->thread_count) out->thread_count = p->thread_count;
        if(trees[r] && tm__rnode_merge(comp, &out->root, trees[r]) != TIMEMORY_OK)
            tm__set_error(TIMEMORY_ENOMEM);
    }
    if(out->root.nchildren == 0)
    {
        free(trees);
        free(threads);
        tm__result_free(out);
        out->comp = comp;
        return TIMEMORY_ENOTFOUND;
    }
    out->root.tids = malloc(sizeof(int));
    if(out->root.tids)
    {
        out->root.tids[0] = 0;
        out->root.ntids   = 1;
    }

    /* the elements: all ranks, groups of ceil(size / node_count) consecutive ranks, or each */
    long long nodes = (long long)tm__settings.node_count;
    int       group = size;
    if(!tm__settings.collapse_processes)
        group = 1;
    else if(nodes > 1)
        group = (int)((size + nodes - 1) / nodes);
    size_t nparts = (size_t)((size + group - 1) / group);
    out->parts    = calloc(nparts, sizeof(tm__result_part));
    int    rc     = out->parts ? TIMEMORY_OK : TIMEMORY_ENOMEM;
    size_t cap    = 0;
    for(size_t i = 0; i < nparts && rc == TIMEMORY_OK; ++i)
    {
        tm__result_part* part = &out->parts[out->nparts++];
        part->first_rank      = (int)i * group;
        part->last_rank =
            part->first_rank + group - 1 < size ? part->first_rank + group - 1 : size - 1;
        part->rank      = (int)i; /* the rank itself when each rank is an element */
        char prefix[48] = "";
        if(!tm__settings.collapse_processes)
            snprintf(prefix, sizeof(prefix), "|%d", part->first_rank);
        else if(group < size)
            snprintf(prefix, sizeof(prefix), "|%d:%d", part->first_rank, part->last_rank);
        part->tree = nparts == 1 ? &out->root
                                 : tm__part_tree(comp, trees, part->first_rank, part->last_rank);
        if(!part->tree)
        {
            rc = TIMEMORY_ENOMEM;
            break;
        }
        tm__rnode_sort(part->tree, sort);
        part->first = out->nentries;
        long added  = tm__result_append_tree(out, &cap, part->tree, prefix);
        part->count = added > 0 ? (size_t)added : 0;
        if(tm__part_threads(comp, trees, threads, part) != TIMEMORY_OK)
            tm__set_error(TIMEMORY_ENOMEM);
    }
    free(threads);
    if(rc != TIMEMORY_OK)
    {
        free(trees);
        tm__result_free(out);
        return rc;
    }

    /* rank statistics wherever several ranks were merged into one element */
    if(group > 1 && out->nentries > 0)
    {
        out->rank_stats = calloc(out->nentries, sizeof(tm__rank_stat));
        bool ok         = out->rank_stats != NULL;
        for(size_t i = 0; i < out->nparts && ok; ++i)
            ok = tm__tally_part(out, &out->parts[i], trees);
        if(!ok)
        {
            tm__warn("%s: no memory for the statistics over ranks; they are left out",
                     tm__components[comp].label);
            free(out->rank_stats);
            out->rank_stats = NULL;
        }
    }
    free(trees);
    return TIMEMORY_OK;
}
