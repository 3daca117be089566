/* result.c -- merged results: one component's data over every thread, as a tree (for tree
 * JSON) and as the flat pre-order list the table, flat JSON and flamegraph show.
 * Owns the projection of the shared graphs onto one component (nodes that carry no record of
 * it are skipped and their children move up) and the merge of threads. Runs at output only.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t tm__combine_id(uint64_t a, uint64_t b)
{
    return a ^ (b + 0x9e3779b9ull + (a << 6) + (a >> 2));
}

/* The registry's string (interned for the process: borrowed, not copied), else an owned
 * "unknown-hash=N". */
static void tm__set_label(tm__rnode* rn, uint64_t key)
{
    const char* s = tm__lookup(key);
    if(s)
    {
        rn->label          = s;
        rn->label_borrowed = true;
        return;
    }
    char buf[48];
    snprintf(buf, sizeof(buf), "unknown-hash=%llu", (unsigned long long)key);
    rn->label = tm__strdup(buf);
}

/* Sorted-set inserts; the first id is kept in the node itself (most nodes have one). */
static void tm__add_tid(tm__rnode* rn, int tid)
{
    if(rn->ntids == 0)
    {
        rn->tid_one = tid;
        rn->ntids   = 1;
        return;
    }
    const int* cur = tm__rnode_tids(rn);
    int        i   = 0;
    while(i < rn->ntids && cur[i] < tid) ++i;
    if(i < rn->ntids && cur[i] == tid) return;
    int* t = realloc(rn->tids, (size_t)(rn->ntids + 1) * sizeof(int));
    if(!t) return;
    if(!rn->tids) t[0] = rn->tid_one;
    memmove(t + i + 1, t + i, (size_t)(rn->ntids - i) * sizeof(int));
    t[i]     = tid;
    rn->tids = t;
    ++rn->ntids;
}

static void tm__add_pid(tm__rnode* rn, long pid)
{
    if(rn->npids == 0)
    {
        rn->pid_one = pid;
        rn->npids   = 1;
        return;
    }
    const long* cur = tm__rnode_pids(rn);
    int         i   = 0;
    while(i < rn->npids && cur[i] < pid) ++i;
    if(i < rn->npids && cur[i] == pid) return;
    long* p = realloc(rn->pids, (size_t)(rn->npids + 1) * sizeof(long));
    if(!p) return;
    if(!rn->pids) p[0] = rn->pid_one;
    memmove(p + i + 1, p + i, (size_t)(rn->npids - i) * sizeof(long));
    p[i]     = pid;
    rn->pids = p;
    ++rn->npids;
}

/* Children are found through a per-node open-addressing table once a node has more than a
 * few of them, and the child array grows geometrically: merging N siblings is linear. */
#define TM_RCHILD_LINEAR 8

static inline uint64_t tm__rchild_hash(uint64_t id, uint64_t key)
{
    uint64_t h = id ^ (key * 0x9e3779b97f4a7c15ull);
    h ^= h >> 29;
    return h * 0xbf58476d1ce4e5b9ull;
}

/* A slot holds the child's position + 1 (low half; 0 = empty) and the upper half of its hash,
 * so a probe reads a child only when the hashes agree. */
#define TM_RCHILD_TAG(h)        ((h) & ~(uint64_t)UINT32_MAX)
#define TM_RCHILD_SLOT(h, mask) ((size_t)((h) >> 32) & (mask))

size_t tm__result_probes; /* child comparisons made by tm__rchild (the linear-merge test) */

static bool tm__rchild_reindex(tm__rnode* parent)
{
    size_t cap = parent->index_cap ? parent->index_cap : 32;
    while(cap < parent->nchildren * 2 + 2) cap *= 2;
    uint64_t* index = calloc(cap, sizeof(uint64_t));
    if(!index) return false;
    for(size_t i = 0; i < parent->nchildren; ++i)
    {
        uint64_t h = tm__rchild_hash(parent->children[i].id, parent->children[i].key);
        size_t   k = TM_RCHILD_SLOT(h, cap - 1);
        while(index[k]) k = (k + 1) & (cap - 1);
        index[k] = TM_RCHILD_TAG(h) | (uint64_t)(i + 1);
    }
    free(parent->index);
    parent->index     = index;
    parent->index_cap = cap;
    return true;
}

/* The child of parent with (id, key) through its table: its position, or -1 with *slot the
 * empty slot where it would go. */
static long tm__rchild_probe(const tm__rnode* parent, uint64_t id, uint64_t key, size_t* slot)
{
    uint64_t h    = tm__rchild_hash(id, key);
    uint64_t tag  = TM_RCHILD_TAG(h);
    size_t   mask = parent->index_cap - 1;
    size_t   k    = TM_RCHILD_SLOT(h, mask);
    for(; parent->index[k]; k = (k + 1) & mask)
    {
        uint64_t e = parent->index[k];
        if(TM_RCHILD_TAG(e) != tag) continue;
        size_t           at = (size_t)(e & UINT32_MAX) - 1;
        const tm__rnode* c  = &parent->children[at];
        ++tm__result_probes;
        if(c->id == id && c->key == key) return (long)at;
    }
    *slot = k;
    return -1;
}

/* Index of the child of parent with (id, key), appended when missing; -1 when out of memory. */
static long tm__rchild(tm__rnode* parent, uint64_t id, uint64_t key, bool is_dummy)
{
    size_t slot = 0;
    if(!parent->index && parent->nchildren > TM_RCHILD_LINEAR) tm__rchild_reindex(parent);
    if(parent->index)
    {
        long at = tm__rchild_probe(parent, id, key, &slot);
        if(at >= 0) return at;
    }
    else
    {
        for(size_t i = 0; i < parent->nchildren; ++i, ++tm__result_probes)
            if(parent->children[i].id == id && parent->children[i].key == key) return (long)i;
    }
    if(parent->nchildren >= UINT32_MAX - 1) return -1;
    if(parent->nchildren == parent->cap)
    {
        size_t     cap = parent->cap ? parent->cap * 2 : 4;
        tm__rnode* c   = realloc(parent->children, cap * sizeof(tm__rnode));
        if(!c) return -1;
        parent->children = c;
        parent->cap      = cap;
    }
    tm__rnode* rn = &parent->children[parent->nchildren];
    memset(rn, 0, sizeof(*rn));
    rn->id  = id;
    rn->key = key;
    tm__set_label(rn, key);
    rn->depth    = parent->depth + 1;
    rn->is_dummy = is_dummy;
    size_t idx   = parent->nchildren++;
    if(parent->index && (parent->nchildren + 1) * 2 <= parent->index_cap)
        parent->index[slot] = TM_RCHILD_TAG(tm__rchild_hash(id, key)) | (uint64_t)(idx + 1);
    else if(parent->nchildren > TM_RCHILD_LINEAR && !tm__rchild_reindex(parent))
    {
        /* no memory for the table: fall back to the linear search, still correct */
        free(parent->index);
        parent->index     = NULL;
        parent->index_cap = 0;
    }
    return (long)idx;
}

tm__rnode* tm__rnode_find_child(tm__rnode* parent, uint64_t id, uint64_t key)
{
    if(!parent->index && parent->nchildren > TM_RCHILD_LINEAR) tm__rchild_reindex(parent);
    if(parent->index)
    {
        size_t slot;
        long   at = tm__rchild_probe(parent, id, key, &slot);
        return at >= 0 ? &parent->children[at] : NULL;
    }
    for(size_t i = 0; i < parent->nchildren; ++i)
        if(parent->children[i].id == id && parent->children[i].key == key)
            return &parent->children[i];
    return NULL;
}

/* Depth first with a stack of its own (no recursion: a graph is up to max_depth deep). A node
 * of the stack holds the result node that receives the children of a graph node; result nodes
 * below it on the stack hold no pointer into the arrays it grows. */
typedef struct tm__merge_frame {
    tm__rnode*      into;
    const tm__node* next; /* the graph child to merge next */
} tm__merge_frame;

size_t tm__merge_graph(int comp, tm__rnode* rparent, const tm__node* gparent, int tid)
{
    long             pid   = tm__data_pid();
    size_t           added = 0, n = 0, cap = 64;
    tm__merge_frame* stack = malloc(cap * sizeof(*stack));
    if(!stack)
    {
        tm__warn("out of memory merging the call-graph: results are incomplete");
        return 0;
    }
    stack[n++] = (tm__merge_frame){ rparent, tm__node_first_child(gparent) };
    while(n > 0)
    {
        tm__merge_frame* f = &stack[n - 1];
        const tm__node*  c = f->next;
        if(!c)
        {
            --n;
            continue;
        }
        f->next         = tm__node_next_sibling(c);
        tm__rnode* into = f->into;
        /* the values as now: the thread may still be recording */
        tm__record        snapshot;
        const tm__record* rec = tm__record_read(c, comp, &snapshot) ? &snapshot : NULL;
        if(rec)
        {
            /* skipped (no record): its children move up to into */
            int      depth = into->depth + 1;
            uint64_t id =
                ((int)c->depth == depth) ? c->id : tm__combine_id(c->key, (uint64_t)depth);
            long idx = tm__rchild(into, id, c->key, c->is_dummy);
            if(idx < 0) continue;
            tm__rnode* rn = &into->children[idx];
            tm__accumulate(comp, rn->accum, rec->accum);
            rn->laps += rec->laps;
            tm__stats_merge(&rn->stats, &rec->stats, tm__components[comp].nvalues);
            tm__add_tid(rn, tid);
            tm__add_pid(rn, pid);
            ++added;
            into = rn;
        }
        const tm__node* first = tm__node_first_child(c);
        if(!first) continue;
        if(n == cap)
        {
            tm__merge_frame* grown = realloc(stack, 2 * cap * sizeof(*stack));
            if(!grown)
            {
                tm__warn("out of memory merging the call-graph: results are incomplete");
                continue;
            }
            stack = grown;
            cap *= 2;
        }
        stack[n++] = (tm__merge_frame){ into, first };
    }
    free(stack);
    return added;
}

static void tm__rnode_free_own(tm__rnode* n)
{
    free(n->index);
    free(n->tids);
    free(n->pids);
    if(!n->label_borrowed) free((char*)n->label);
}

/* Post-order without recursion: a node's children array goes once its children's own
 * allocations are gone. */
void tm__rnode_free(tm__rnode* n)
{
    typedef struct tm__free_frame {
        tm__rnode* node;
        size_t     next;
    } tm__free_frame;
    size_t          depth = 0, cap = 64;
    tm__free_frame* stack = malloc(cap * sizeof(*stack));
    if(stack) stack[depth++] = (tm__free_frame){ n, 0 };
    while(depth > 0)
    {
        tm__free_frame* f = &stack[depth - 1];
        if(f->next < f->node->nchildren)
        {
            tm__rnode* c = &f->node->children[f->next++];
            if(c->nchildren == 0)
            {
                free(c->children);
                tm__rnode_free_own(c);
                continue;
            }
            if(depth == cap)
            {
                tm__free_frame* grown = realloc(stack, 2 * cap * sizeof(*stack));
                if(!grown) continue; /* out of memory: this subtree is not freed */
                stack = grown;
                cap *= 2;
            }
            stack[depth++] = (tm__free_frame){ c, 0 };
            continue;
        }
        free(f->node->children);
        tm__rnode_free_own(f->node);
        --depth;
    }
    if(!stack) tm__rnode_free_own(n); /* out of memory: the node's own parts at least */
    free(stack);
}

/* Adds from's values into into (one node, not its children). */
static void tm__rnode_add(int comp, tm__rnode* into, const tm__rnode* from)
{
    tm__accumulate(comp, into->accum, from->accum);
    into->laps += from->laps;
    tm__stats_merge(&into->stats, &from->stats, tm__components[comp].nvalues);
    const int*  tids = tm__rnode_tids(from);
    const long* pids = tm__rnode_pids(from);
    for(int i = 0; i < from->ntids; ++i) tm__add_tid(into, tids[i]);
    for(int i = 0; i < from->npids; ++i) tm__add_pid(into, pids[i]);
}

typedef struct tm__merge_pair {
    tm__rnode*       into;
    const tm__rnode* from;
} tm__merge_pair;

int tm__rnode_merge(int comp, tm__rnode* into, const tm__rnode* from)
{
    if(!tm__comp_valid(comp) || !into || !from) return TIMEMORY_EINVAL;
    int             rc = TIMEMORY_OK;
    size_t          n = 0, cap = 64;
    tm__merge_pair* stack = malloc(cap * sizeof(*stack));
    if(!stack) return TIMEMORY_ENOMEM;
    stack[n++] = (tm__merge_pair){ into, from };
    while(n > 0)
    {
        tm__merge_pair p = stack[--n];
        if(p.from->nchildren == 0) continue;
        /* every child is placed first, then their pairs are stacked: adding a child may move
         * p.into's children, never the nodes a stacked pair points into */
        long* idx = malloc(p.from->nchildren * sizeof(long));
        if(!idx)
        {
            rc = TIMEMORY_ENOMEM;
            continue;
        }
        for(size_t i = 0; i < p.from->nchildren; ++i)
        {
            const tm__rnode* c = &p.from->children[i];
            idx[i]             = tm__rchild(p.into, c->id, c->key, c->is_dummy);
            if(idx[i] < 0)
                rc = TIMEMORY_ENOMEM;
            else
                tm__rnode_add(comp, &p.into->children[idx[i]], c);
        }
        if(n + p.from->nchildren > cap)
        {
            size_t          want = (n + p.from->nchildren) * 2;
            tm__merge_pair* s    = realloc(stack, want * sizeof(*stack));
            if(!s)
            {
                free(idx);
                rc = TIMEMORY_ENOMEM;
                continue;
            }
            stack = s;
            cap   = want;
        }
        for(size_t i = p.from->nchildren; i-- > 0;)
            if(idx[i] >= 0)
                stack[n++] = (tm__merge_pair){ &p.into->children[idx[i]], &p.from->children[i] };
        free(idx);
    }
    free(stack);
    return rc;
}

int tm__result_components(int* out, int max)
{
    int n = tm__components_in_use(out, max);
    for(size_t i = 0; i < tm__adopted_count(); ++i)
        for(int c = 0, ncomp = tm__ncomp(); c < ncomp && n < max; ++c)
        {
            if(!tm__adopted_tree(i, c)) continue;
            bool seen = false;
            for(int k = 0; k < n && !seen; ++k) seen = out[k] == c;
            if(!seen) out[n++] = c;
        }
    return n;
}

typedef struct tm__flat_builder {
    tm__result* r;
    size_t      cap;
    const char* thread_part; /* "" or "|<tid>" */
} tm__flat_builder;

/* Pre-order entries with their decorated prefixes ("<part>>>> " + "  " per level past the
 * first + "|_" + label), depth first with a stack of its own (no recursion). */
static void tm__flatten(tm__flat_builder* fb, const tm__rnode* n, uint64_t rolling)
{
    typedef struct tm__flat_frame {
        const tm__rnode* node;
        size_t           next;
        uint64_t         rolling;
    } tm__flat_frame;
    size_t          depth = 0, cap = 64;
    tm__flat_frame* stack = malloc(cap * sizeof(*stack));
    size_t          part  = strlen(fb->thread_part);
    if(!stack) return;
    stack[depth++] = (tm__flat_frame){ n, 0, rolling };
    while(depth > 0)
    {
        tm__flat_frame* f = &stack[depth - 1];
        if(f->next == f->node->nchildren)
        {
            --depth;
            continue;
        }
        const tm__rnode* c  = &f->node->children[f->next++];
        tm__result*      r  = fb->r;
        uint64_t         rh = f->rolling + c->id;
        if(r->nentries == fb->cap)
        {
            size_t     cap = fb->cap ? fb->cap * 2 : 64;
            tm__entry* e   = realloc(r->entries, cap * sizeof(tm__entry));
            if(!e) break;
            r->entries = e;
            fb->cap    = cap;
        }
        tm__entry* e = &r->entries[r->nentries++];
        memset(e, 0, sizeof(*e));
        e->hash         = c->id;
        e->rolling_hash = rh;
        e->depth        = c->depth - 1;
        e->tid          = c->ntids > 0 ? tm__rnode_tids(c)[0] : 0;
        e->laps         = c->laps;
        e->accum[0]     = c->accum[0];
        e->accum[1]     = c->accum[1];
        e->stats        = c->stats;
        size_t indent   = e->depth > 0 ? 2 * (size_t)e->depth : 0; /* "  " * (d - 1) + "|_" */
        size_t label    = strlen(c->label);
        char*  prefix   = malloc(part + 4 + indent + label + 1);
        if(prefix)
        {
            char* p = prefix;
            memcpy(p, fb->thread_part, part);
            p += part;
            memcpy(p, ">>> ", 4);
            p += 4;
            if(indent > 0)
            {
                memset(p, ' ', indent - 2);
                memcpy(p + indent - 2, "|_", 2);
                p += indent;
            }
            memcpy(p, c->label, label + 1);
            /* the label is the tail of the prefix: entries own all their strings */
            e->label = p;
        }
        e->prefix = prefix;
        if(c->nchildren == 0) continue;
        if(depth == cap)
        {
            tm__flat_frame* grown = realloc(stack, 2 * cap * sizeof(*stack));
            if(!grown) continue; /* out of memory: the subtree is left out */
            stack = grown;
            cap *= 2;
        }
        stack[depth++] = (tm__flat_frame){ c, 0, rh };
    }
    free(stack);
}

long tm__result_append_tree(tm__result* r, size_t* cap, const tm__rnode* root, const char* part)
{
    size_t           before = r->nentries;
    tm__flat_builder fb     = { r, *cap, part ? part : "" };
    tm__flatten(&fb, root, 0);
    *cap = fb.cap;
    return (long)(r->nentries - before);
}

static int tm__result_build_with(int comp, tm__result* out, bool threads)
{
    memset(out, 0, sizeof(*out));
    if(!tm__comp_valid(comp)) return TIMEMORY_EINVAL;
    out->comp       = comp;
    out->pid        = tm__data_pid();
    out->root.label = tm__strdup("unknown-hash=0");
    int sort        = tm__sort_key();

    tm__graphs_lock();
    size_t ngraphs    = tm__graphs_count();
    out->thread_count = (int)ngraphs;
    size_t total      = 0;
    for(size_t i = 0; i < ngraphs; ++i)
    {
        const tm__graph* g = tm__graphs_at(i);
        total += tm__merge_graph(comp, &out->root, tm__graph_root(g), tm__graph_tid(g));
    }
    /* processes that handed their data over (children): after this process's threads */
    size_t nadopted = tm__adopted_count();
    for(size_t i = 0; i < nadopted; ++i)
    {
        const tm__rnode* tree = tm__adopted_tree(i, comp);
        if(tree && tm__rnode_merge(comp, &out->root, tree) != TIMEMORY_OK)
            tm__set_error(TIMEMORY_ENOMEM);
    }
    if(out->root.nchildren > 0) tm__add_tid(&out->root, 0);
    tm__rnode_sort(&out->root, sort);

    tm__flat_builder fb = { out, 0, "" };
    if(tm__settings.collapse_threads || ngraphs <= 1)
        tm__flatten(&fb, &out->root, 0);
    else
    {
        int digits = 1;
        for(size_t n = ngraphs - 1; n >= 10; n /= 10) ++digits;
        for(size_t i = 0; i < ngraphs; ++i)
        {
            const tm__graph* g = tm__graphs_at(i);
            tm__rnode        one;
            memset(&one, 0, sizeof(one));
            if(tm__merge_graph(comp, &one, tm__graph_root(g), tm__graph_tid(g)) == 0) continue;
            tm__rnode_sort(&one, sort);
            char part[32];
            if(ngraphs > 9)
                snprintf(part, sizeof(part), "|%0*d", digits, tm__graph_tid(g));
            else
                snprintf(part, sizeof(part), "|%d", tm__graph_tid(g));
            fb.thread_part = part;
            size_t first   = out->nentries;
            tm__flatten(&fb, &one, 0);
            for(size_t k = first; k < out->nentries; ++k) out->entries[k].tid = tm__graph_tid(g);
            tm__rnode_free(&one);
        }
        /* adopted processes: one section each, "|<pid>" (thread ids are small, pids not) */
        for(size_t i = 0; i < nadopted; ++i)
        {
            const tm__rnode* tree = tm__adopted_tree(i, comp);
            if(!tree || tree->nchildren == 0) continue;
            char part[32];
            snprintf(part, sizeof(part), "|%ld", tm__adopted_pid(i));
            fb.thread_part = part;
            tm__rnode copy;
            memset(&copy, 0, sizeof(copy));
            if(sort != TM_SORT_NONE && tm__rnode_merge(comp, &copy, tree) == TIMEMORY_OK)
            {
                tm__rnode_sort(&copy, sort);
                tm__flatten(&fb, &copy, 0);
            }
            else
                tm__flatten(&fb, tree, 0);
            tm__rnode_free(&copy);
        }
    }
    /* each thread's own tree too when several threads (or adopted processes') have data */
    if(threads && out->root.nchildren > 0 && (ngraphs > 1 || nadopted > 0) &&
       tm__result_build_threads(comp, out) != TIMEMORY_OK)
        tm__set_error(TIMEMORY_ENOMEM);
    tm__graphs_unlock();
    (void)total;
    if(out->root.nchildren == 0)
    {
        tm__result_free(out);
        out->comp = comp;
        return TIMEMORY_ENOTFOUND;
    }
    return TIMEMORY_OK;
}

int tm__result_build(int comp, tm__result* out)
{
    return tm__result_build_with(comp, out, false);
}

int tm__result_build_tree(int comp, tm__result* out)
{
    return tm__result_build_with(comp, out, true);
}

void tm__result_free(tm__result* r)
{
    if(r->ngroup > 0)
    {
        for(int m = 0; m < r->ngroup; ++m) tm__result_free(&r->members[m]);
        free(r->members);
        free(r->banner);
        memset(r, 0, sizeof(*r));
        return;
    }
    for(size_t i = 0; i < r->nentries; ++i) free(r->entries[i].prefix);
    free(r->entries);
    free(r->banner);
    for(size_t i = 0; i < r->nparts; ++i)
    {
        if(r->parts[i].tree && r->parts[i].tree != &r->root)
        {
            tm__rnode_free(r->parts[i].tree);
            free(r->parts[i].tree);
        }
        tm__rnode_free(&r->parts[i].threads);
    }
    free(r->parts);
    free(r->rank_stats);
    tm__rnode_free(&r->root);
    tm__rnode_free(&r->threads);
    memset(r, 0, sizeof(*r));
}

void tm__rnode_exclusive(int comp, const tm__rnode* n, int64_t accum[2], tm__stats* stats)
{
    int nv           = tm__components[comp].nvalues;
    accum[0]         = n->accum[0];
    accum[1]         = n->accum[1];
    *stats           = n->stats;
    bool placeholder = n->depth == 0; /* the root: exclusive values, statistics stay zero */
    for(size_t i = 0; i < n->nchildren; ++i)
    {
        const tm__rnode* c = &n->children[i];
        accum[0] -= c->accum[0];
        accum[1] -= c->accum[1];
        for(int k = 0; k < nv && k < 2 && !placeholder; ++k)
        {
            stats->sum[k] -= c->stats.sum[k];
            stats->sqr[k] -= c->stats.sqr[k];
            if(c->stats.count > 0)
            {
                if(stats->count == 0 || c->stats.min[k] < stats->min[k])
                    stats->min[k] = c->stats.min[k];
                if(stats->count == 0 || c->stats.max[k] > stats->max[k])
                    stats->max[k] = c->stats.max[k];
            }
        }
    }
}

/* ---- sibling order (sort_key) ---------------------------------------------------------------- */

typedef struct tm__sort_item {
    int64_t     value; /* inclusive, self or count: larger first */
    const char* label; /* TM_SORT_NAME */
    size_t      at;    /* the call order: ties keep it */
} tm__sort_item;

static int tm__sort_by_value(const void* a, const void* b)
{
    const tm__sort_item* x = a;
    const tm__sort_item* y = b;
    if(x->value != y->value) return x->value > y->value ? -1 : 1;
    return x->at < y->at ? -1 : (x->at > y->at);
}

static int tm__sort_by_label(const void* a, const void* b)
{
    const tm__sort_item* x = a;
    const tm__sort_item* y = b;
    int                  c = strcmp(x->label, y->label);
    if(c != 0) return c;
    return x->at < y->at ? -1 : (x->at > y->at);
}

static int64_t tm__sort_value(const tm__rnode* n, int key)
{
    if(key == TM_SORT_COUNT) return n->laps > INT64_MAX ? INT64_MAX : (int64_t)n->laps;
    int64_t v = n->accum[0];
    if(key == TM_SORT_SELF)
        for(size_t i = 0; i < n->nchildren; ++i) v -= n->children[i].accum[0];
    return v;
}

/* The children of n in key order; false (n unchanged) when out of memory. */
static bool tm__sort_children(tm__rnode* n, int key)
{
    tm__sort_item* items  = malloc(n->nchildren * sizeof(*items));
    tm__rnode*     sorted = malloc(n->nchildren * sizeof(*sorted));
    if(!items || !sorted)
    {
        free(items), free(sorted);
        return false;
    }
    for(size_t i = 0; i < n->nchildren; ++i)
        items[i] = (tm__sort_item){ tm__sort_value(&n->children[i], key),
                                    n->children[i].label ? n->children[i].label : "", i };
    qsort(items, n->nchildren, sizeof(*items),
          key == TM_SORT_NAME ? tm__sort_by_label : tm__sort_by_value);
    for(size_t i = 0; i < n->nchildren; ++i) sorted[i] = n->children[items[i].at];
    free(items);
    free(n->children);
    n->children = sorted;
    n->cap      = n->nchildren;
    /* positions changed: the child table is rebuilt when next needed */
    free(n->index);
    n->index     = NULL;
    n->index_cap = 0;
    return true;
}

void tm__rnode_sort(tm__rnode* root, int key)
{
    if(!root || key <= TM_SORT_NONE || key > TM_SORT_NAME) return;
    size_t      depth = 0, cap = 64;
    tm__rnode** stack = malloc(cap * sizeof(*stack));
    if(!stack) return;
    stack[depth++] = root;
    while(depth > 0)
    {
        tm__rnode* n = stack[--depth];
        if(n->nchildren > 1) tm__sort_children(n, key);
        for(size_t i = 0; i < n->nchildren; ++i)
        {
            if(n->children[i].nchildren == 0) continue;
            if(depth == cap)
            {
                tm__rnode** grown = realloc(stack, 2 * cap * sizeof(*stack));
                if(!grown) break; /* out of memory: the rest keeps its order */
                stack = grown;
                cap *= 2;
            }
            stack[depth++] = &n->children[i];
        }
    }
    free(stack);
}
