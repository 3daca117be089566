/* result_threads.c -- each thread's own tree beside the merged one: one placeholder root per
 * thread id, for this process (its graphs, and the processes it adopted: their thread t
 * merged into thread t), for an adopted process (the hand-off) and for an MPI element (its
 * ranks' thread t merged). The tree JSON writes them as hatchet reads threads (one root per
 * thread, docs/outputs.md); the exchange format carries them. Runs at output only.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

size_t tm__thread_trees(const tm__rnode* root, const tm__rnode* threads, const tm__rnode** trees)
{
    if(threads && threads->nchildren > 0)
    {
        *trees = threads->children;
        return threads->nchildren;
    }
    *trees = root;
    return root && root->nchildren > 0 ? 1 : 0;
}

int tm__thread_tree_tid(const tm__rnode* tree)
{
    /* a per-thread root carries its id; a merged root standing for one thread does not (it
     * says 0), its nodes do */
    const tm__rnode* n = tree->nchildren > 0 ? &tree->children[0] : tree;
    return n->ntids > 0 ? tm__rnode_tids(n)[0] : 0;
}

static int tm__compare_sources(const void* a, const void* b)
{
    const tm__thread_source* x = a;
    const tm__thread_source* y = b;
    if(x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int tm__threads_build(int comp, tm__rnode* threads, tm__thread_source* src, size_t n)
{
    if(n < 2) return TIMEMORY_OK;
    for(size_t i = 0; i < n; ++i) src[i].order = i;
    qsort(src, n, sizeof(*src), tm__compare_sources);
    if(src[0].tid == src[n - 1].tid) return TIMEMORY_OK; /* one thread id */
    size_t ids = 1;
    for(size_t i = 1; i < n; ++i) ids += src[i].tid != src[i - 1].tid;
    threads->children = calloc(ids, sizeof(tm__rnode));
    if(!threads->children) return TIMEMORY_ENOMEM;
    threads->cap = ids;
    int rc       = TIMEMORY_OK;
    for(size_t i = 0; i < n;)
    {
        tm__rnode* root = &threads->children[threads->nchildren];
        memset(root, 0, sizeof(*root));
        root->label   = tm__strdup("unknown-hash=0");
        root->tid_one = src[i].tid;
        root->ntids   = 1;
        size_t end    = i;
        for(; end < n && src[end].tid == src[i].tid; ++end)
        {
            if(src[end].graph)
                tm__merge_graph(comp, root, tm__graph_root(src[end].graph), src[end].tid);
            else if(src[end].tree && tm__rnode_merge(comp, root, src[end].tree) != TIMEMORY_OK)
                rc = TIMEMORY_ENOMEM;
        }
        i = end;
        if(root->nchildren > 0)
            ++threads->nchildren;
        else
            tm__rnode_free(root); /* no data of this component on that thread */
    }
    if(threads->nchildren < 2)
    {
        tm__rnode_free(threads); /* one thread has data: the merged tree is its tree */
        memset(threads, 0, sizeof(*threads));
    }
    return rc;
}

int tm__result_build_threads(int comp, tm__result* r)
{
    size_t ngraphs = tm__graphs_count(), nadopted = tm__adopted_count();
    size_t n = ngraphs;
    for(size_t i = 0; i < nadopted; ++i)
    {
        const tm__rnode* trees;
        const tm__rnode* root = tm__adopted_tree(i, comp);
        if(root) n += tm__thread_trees(root, tm__adopted_threads(i, comp), &trees);
    }
    if(n < 2) return TIMEMORY_OK;
    tm__thread_source* src = calloc(n, sizeof(*src));
    if(!src) return TIMEMORY_ENOMEM;
    size_t k = 0;
    for(size_t i = 0; i < ngraphs; ++i)
    {
        src[k].graph = tm__graphs_at(i);
        src[k].tid   = tm__graph_tid(src[k].graph);
        ++k;
    }
    for(size_t i = 0; i < nadopted; ++i)
    {
        const tm__rnode* trees;
        const tm__rnode* root = tm__adopted_tree(i, comp);
        size_t m = root ? tm__thread_trees(root, tm__adopted_threads(i, comp), &trees) : 0;
        for(size_t j = 0; j < m; ++j, ++k)
        {
            src[k].tree = &trees[j];
            src[k].tid  = tm__thread_tree_tid(&trees[j]);
        }
    }
    int rc = tm__threads_build(comp, &r->threads, src, k);
    free(src);
    return rc;
}
