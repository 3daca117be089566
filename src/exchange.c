/* exchange.c -- one process's measurements as bytes, and the data other processes handed to
 * this one. The MPI gather to rank 0 and the hand-off of child processes to their parent use
 * the same self-describing binary format and the same merge (tm__rnode_merge, result.c).
 * Owns the format (pack, strict unpack) and the list of adopted processes. Runs at output and
 * hand-off time only, never on the hot path.
 *
 * Format (native byte order, checked by a marker; every count is bounded by the bytes left):
 *   "TMX1" u32 version u32 0x01020304 i64 pid i32 rank i32 threads i32 children u32 ncomps
 *   per component: str name, u32 trees -- one per thread id, ascending (result_threads.c), or
 *   the merged tree when one thread has data -- then per tree: u64 nodes (root included), the
 *   nodes in pre-order:
 *     u32 nchildren u64 id u64 key u8 dummy u64 laps i64 accum[2]
 *     f64 sum[2] sqr[2] min[2] max[2] u64 count u32 ntids i32[ntids] u32 npids i64[npids]
 *     str label
 *   str = u32 length + bytes (no NUL)
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TM_EXCHANGE_VERSION 2u /* 2: per-thread trees */
#define TM_EXCHANGE_ORDER   0x01020304u

/* ---- writing ------------------------------------------------------------------------------ */

static void tm__put_raw(tm__buf* b, const void* p, size_t n)
{
    tm__buf_append(b, p, n);
}
static void tm__put_u8(tm__buf* b, uint8_t v)
{
    tm__put_raw(b, &v, sizeof(v));
}
static void tm__put_u32(tm__buf* b, uint32_t v)
{
    tm__put_raw(b, &v, sizeof(v));
}
static void tm__put_i32(tm__buf* b, int32_t v)
{
    tm__put_raw(b, &v, sizeof(v));
}
static void tm__put_u64(tm__buf* b, uint64_t v)
{
    tm__put_raw(b, &v, sizeof(v));
}
static void tm__put_i64(tm__buf* b, int64_t v)
{
    tm__put_raw(b, &v, sizeof(v));
}
static void tm__put_f64(tm__buf* b, double v)
{
    tm__put_raw(b, &v, sizeof(v));
}

static void tm__put_str(tm__buf* b, const char* s)
{
    size_t n = s ? strlen(s) : 0;
    tm__put_u32(b, (uint32_t)n);
    if(n) tm__put_raw(b, s, n);
}

static size_t tm__count_nodes(const tm__rnode* root)
{
    size_t            count = 0, n = 0, cap = 64;
    const tm__rnode** stack = malloc(cap * sizeof(*stack));
    if(!stack) return 0;
    stack[n++] = root;
    while(n > 0)
    {
        const tm__rnode* node = stack[--n];
        ++count;
        if(n + node->nchildren > cap)
        {
            size_t            want = (n + node->nchildren) * 2;
            const tm__rnode** s    = realloc(stack, want * sizeof(*stack));
            if(!s)
            {
                free(stack);
                return 0;
            }
            stack = s;
            cap   = want;
        }
        for(size_t i = 0; i < node->nchildren; ++i) stack[n++] = &node->children[i];
    }
    free(stack);
    return count;
}

static void tm__put_node(tm__buf* b, const tm__rnode* n)
{
    tm__put_u32(b, (uint32_t)n->nchildren);
    tm__put_u64(b, n->id);
    tm__put_u64(b, n->key);
    tm__put_u8(b, n->is_dummy ? 1 : 0);
    tm__put_u64(b, n->laps);
    tm__put_i64(b, n->accum[0]);
    tm__put_i64(b, n->accum[1]);
    for(int k = 0; k < 2; ++k) tm__put_f64(b, n->stats.sum[k]);
    for(int k = 0; k < 2; ++k) tm__put_f64(b, n->stats.sqr[k]);
    for(int k = 0; k < 2; ++k) tm__put_f64(b, n->stats.min[k]);
    for(int k = 0; k < 2; ++k) tm__put_f64(b, n->stats.max[k]);
    tm__put_u64(b, n->stats.count);
    tm__put_u32(b, (uint32_t)n->ntids);
    for(int i = 0; i < n->ntids; ++i) tm__put_i32(b, tm__rnode_tids(n)[i]);
    tm__put_u32(b, (uint32_t)n->npids);
    for(int i = 0; i < n->npids; ++i) tm__put_i64(b, tm__rnode_pids(n)[i]);
    tm__put_str(b, n->label);
}

/* pre-order, iteratively: a stack of nodes still to write */
static int tm__put_tree(tm__buf* b, const tm__rnode* root)
{
    size_t            n = 0, cap = 64;
    const tm__rnode** stack = malloc(cap * sizeof(*stack));
    if(!stack) return TIMEMORY_ENOMEM;
    stack[n++] = root;
    while(n > 0)
    {
        const tm__rnode* node = stack[--n];
        tm__put_node(b, node);
        if(n + node->nchildren > cap)
        {
            size_t            want = (n + node->nchildren) * 2;
            const tm__rnode** s    = realloc(stack, want * sizeof(*stack));
            if(!s)
            {
                free(stack);
                return TIMEMORY_ENOMEM;
            }
            stack = s;
            cap   = want;
        }
        for(size_t i = node->nchildren; i-- > 0;) stack[n++] = &node->children[i];
    }
    free(stack);
    return TIMEMORY_OK;
}

int tm__exchange_pack(tm__buf* out, int rank)
{
    int comps[TM_COMP_CAP];
    int ncomps = tm__result_components(comps, TM_COMP_CAP);

    tm__result results[TM_COMP_CAP];
    int        nres = 0;
    for(int i = 0; i < ncomps; ++i)
        if(tm__result_build_tree(comps[i], &results[nres]) == TIMEMORY_OK) ++nres;

    int rc = TIMEMORY_OK;
    tm__put_raw(out, "TMX1", 4);
    tm__put_u32(out, TM_EXCHANGE_VERSION);
    tm__put_u32(out, TM_EXCHANGE_ORDER);
    tm__put_i64(out, (int64_t)tm__data_pid()); /* a crashed process's writer: the crashed pid */
    tm__put_i32(out, rank);
    tm__put_i32(out, nres > 0 ? results[0].thread_count : (int)tm__graphs_count());
    tm__put_i32(out, (int32_t)tm__adopted_count());
    tm__put_u32(out, (uint32_t)nres);
    for(int i = 0; i < nres && rc == TIMEMORY_OK; ++i)
    {
        const tm__rnode* trees;
        size_t           ntrees = tm__thread_trees(&results[i].root, &results[i].threads, &trees);
        tm__put_str(out, tm__components[results[i].comp].name);
        tm__put_u32(out, (uint32_t)ntrees);
        for(size_t t = 0; t < ntrees && rc == TIMEMORY_OK; ++t)
        {
            tm__put_u64(out, (uint64_t)tm__count_nodes(&trees[t]));
            rc = tm__put_tree(out, &trees[t]);
        }
    }
    for(int i = 0; i < nres; ++i) tm__result_free(&results[i]);
    if(rc == TIMEMORY_OK && out->failed) rc = TIMEMORY_ENOMEM;
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct tm__reader {
    const unsigned char* p;
    const unsigned char* end;
    char*                why;
    size_t               why_len;
    bool                 bad;
} tm__reader;

static bool tm__fail(tm__reader* r, const char* what)
{
    if(!r->bad && r->why && r->why_len) snprintf(r->why, r->why_len, "%s", what);
    r->bad = true;
    return false;
}

static bool tm__get_raw(tm__reader* r, void* out, size_t n)
{
    if(r->bad) return false;
    if((size_t)(r->end - r->p) < n) return tm__fail(r, "truncated data");
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

#define TM_GETTER(name, type)                                                                      \
    static type name(tm__reader* r)                                                                \
    {                                                                                              \
        type v = 0;                                                                                \
        tm__get_raw(r, &v, sizeof(v));                                                             \
        return v;                                                                                  \
    }
TM_GETTER(tm__get_u8, uint8_t)
TM_GETTER(tm__get_u32, uint32_t)
TM_GETTER(tm__get_i32, int32_t)
TM_GETTER(tm__get_u64, uint64_t)
TM_GETTER(tm__get_i64, int64_t)
TM_GETTER(tm__get_f64, double)
#undef TM_GETTER

/* a malloc'd NUL-terminated copy; NULL on error */
static char* tm__get_str(tm__reader* r)
{
    uint32_t n = tm__get_u32(r);
    if(r->bad) return NULL;
    if((size_t)(r->end - r->p) < n)
    {
        tm__fail(r, "a string runs past the end of the data");
        return NULL;
    }
    if(memchr(r->p, '\0', n))
    {
        tm__fail(r, "a string holds a NUL byte");
        return NULL;
    }
    char* s = malloc((size_t)n + 1);
    if(!s)
    {
        tm__fail(r, "out of memory");
        return NULL;
    }
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    return s;
}

/* the smallest encoded node: counts, ids, values, statistics, three empty lists */
#define TM_MIN_NODE_BYTES (4 + 8 + 8 + 1 + 8 + 16 + 64 + 8 + 4 + 4 + 4)

static bool tm__get_node(tm__reader* r, tm__rnode* n, uint32_t* nchildren)
{
    *nchildren  = tm__get_u32(r);
    n->id       = tm__get_u64(r);
    n->key      = tm__get_u64(r);
    n->is_dummy = tm__get_u8(r) != 0;
    n->laps     = tm__get_u64(r);
    n->accum[0] = tm__get_i64(r);
    n->accum[1] = tm__get_i64(r);
    for(int k = 0; k < 2; ++k) n->stats.sum[k] = tm__get_f64(r);
    for(int k = 0; k < 2; ++k) n->stats.sqr[k] = tm__get_f64(r);
    for(int k = 0; k < 2; ++k) n->stats.min[k] = tm__get_f64(r);
    for(int k = 0; k < 2; ++k) n->stats.max[k] = tm__get_f64(r);
    n->stats.count = tm__get_u64(r);
    uint32_t ntids = tm__get_u32(r);
    if(r->bad) return false;
    if(ntids > (size_t)(r->end - r->p) / 4) return tm__fail(r, "a thread list is too long");
    if(ntids)
    {
        n->tids = malloc(ntids * sizeof(int));
        if(!n->tids) return tm__fail(r, "out of memory");
        for(uint32_t i = 0; i < ntids; ++i) n->tids[i] = tm__get_i32(r);
        n->ntids = (int)ntids;
    }
    uint32_t npids = tm__get_u32(r);
    if(r->bad) return false;
    if(npids > (size_t)(r->end - r->p) / 8) return tm__fail(r, "a process list is too long");
    if(npids)
    {
        n->pids = malloc(npids * sizeof(long));
        if(!n->pids) return tm__fail(r, "out of memory");
        for(uint32_t i = 0; i < npids; ++i) n->pids[i] = (long)tm__get_i64(r);
        n->npids = (int)npids;
    }
    char* label = tm__get_str(r);
    if(!label) return false;
    /* the label is this process's too when it hashes to the node's key */
    if(tm__hash_bytes(label, strlen(label)) == n->key) tm__register(label);
    n->label = label;
    if(*nchildren > (size_t)(r->end - r->p) / TM_MIN_NODE_BYTES)
        return tm__fail(r, "a node claims more children than the data holds");
    return !r->bad;
}

typedef struct tm__build_frame {
    tm__rnode* node;
    uint32_t   next; /* the next child to read */
} tm__build_frame;

static bool tm__get_tree(tm__reader* r, tm__rnode* root, uint64_t nodes)
{
    if(nodes == 0) return tm__fail(r, "a component without its root node");
    if(nodes > (uint64_t)(r->end - r->p) / TM_MIN_NODE_BYTES)
        return tm__fail(r, "a node count larger than the data");
    uint32_t nchildren = 0;
    if(!tm__get_node(r, root, &nchildren)) return false;
    root->depth           = 0;
    uint64_t         read = 1;
    size_t           n = 0, cap = 64;
    tm__build_frame* stack = malloc(cap * sizeof(*stack));
    if(!stack) return tm__fail(r, "out of memory");
    if(nchildren)
    {
        root->children = calloc(nchildren, sizeof(tm__rnode));
        if(!root->children)
        {
            free(stack);
            return tm__fail(r, "out of memory");
        }
        root->cap  = nchildren;
        stack[n++] = (tm__build_frame){ root, 0 };
    }
    while(n > 0 && !r->bad)
    {
        tm__build_frame* top = &stack[n - 1];
        if(top->next == top->node->cap)
        {
            --n;
            continue;
        }
        tm__rnode* child     = &top->node->children[top->next++];
        top->node->nchildren = top->next;
        if(++read > nodes)
        {
            tm__fail(r, "more nodes than the component's count");
            break;
        }
        if(!tm__get_node(r, child, &nchildren)) break;
        child->depth = top->node->depth + 1;
        if(nchildren == 0) continue;
        child->children = calloc(nchildren, sizeof(tm__rnode));
        if(!child->children)
        {
            tm__fail(r, "out of memory");
            break;
        }
        child->cap = nchildren;
        if(n == cap)
        {
            tm__build_frame* s = realloc(stack, cap * 2 * sizeof(*stack));
            if(!s)
            {
                tm__fail(r, "out of memory");
                break;
            }
            stack = s;
            cap *= 2;
        }
        stack[n++] = (tm__build_frame){ child, 0 };
    }
    free(stack);
    if(!r->bad && read != nodes) tm__fail(r, "fewer nodes than the component's count");
    return !r->bad;
}

/* A component's trees: one is its merged tree; several are its threads' (ids ascending, each
 * with data), merged into root here. */
static bool tm__get_trees(tm__reader* r, int comp, tm__proc_comp* pc)
{
    uint32_t ntrees = tm__get_u32(r);
    if(r->bad) return false;
    if(ntrees == 0) return tm__fail(r, "a component without its tree");
    if(ntrees > (size_t)(r->end - r->p) / (8 + TM_MIN_NODE_BYTES))
        return tm__fail(r, "more trees than the data holds");
    if(ntrees == 1) return tm__get_tree(r, &pc->root, tm__get_u64(r));
    pc->threads.children = calloc(ntrees, sizeof(tm__rnode));
    if(!pc->threads.children) return tm__fail(r, "out of memory");
    pc->threads.cap = ntrees;
    for(uint32_t t = 0; t < ntrees; ++t)
    {
        tm__rnode* tree       = &pc->threads.children[t];
        pc->threads.nchildren = t + 1;
        if(!tm__get_tree(r, tree, tm__get_u64(r))) return false;
        if(tree->nchildren == 0) return tm__fail(r, "a thread's tree without nodes");
        for(size_t c = 0; c < tree->nchildren; ++c)
            if(tree->children[c].ntids != 1 ||
               tm__rnode_tids(&tree->children[c])[0] != tm__thread_tree_tid(tree))
                return tm__fail(r, "a thread's tree with another thread's nodes");
        if(t > 0 && tm__thread_tree_tid(tree) <= tm__thread_tree_tid(tree - 1))
            return tm__fail(r, "threads' trees out of order");
    }
    pc->root.label = tm__strdup("unknown-hash=0");
    for(uint32_t t = 0; t < ntrees; ++t)
        if(tm__rnode_merge(comp, &pc->root, &pc->threads.children[t]) != TIMEMORY_OK)
            return tm__fail(r, "out of memory");
    return true;
}

void tm__proc_data_free(tm__proc_data* p)
{
    if(!p) return;
    for(int i = 0; i < p->ncomps; ++i)
    {
        tm__rnode_free(&p->comps[i].root);
        tm__rnode_free(&p->comps[i].threads);
    }
    free(p->comps);
    memset(p, 0, sizeof(*p));
}

static int tm__component_by_name(const char* name)
{
    int ncomp = tm__ncomp();
    for(int c = 0; c < ncomp; ++c)
        if(tm__components[c].name && strcmp(tm__components[c].name, name) == 0) return c;
    return -1;
}

int tm__exchange_unpack(const char* data, size_t len, tm__proc_data* out, char* why, size_t why_len)
{
    memset(out, 0, sizeof(*out));
    if(why && why_len) why[0] = '\0';
    tm__reader r = { (const unsigned char*)data, (const unsigned char*)data + len, why, why_len,
                     false };
    char       magic[4];
    if(!data || !tm__get_raw(&r, magic, 4) || memcmp(magic, "TMX1", 4) != 0)
    {
        tm__fail(&r, "not timemory exchange data");
        return TIMEMORY_EFORMAT;
    }
    uint32_t version = tm__get_u32(&r);
    uint32_t order   = tm__get_u32(&r);
    if(!r.bad && version != TM_EXCHANGE_VERSION) tm__fail(&r, "an unknown format version");
    if(!r.bad && order != TM_EXCHANGE_ORDER) tm__fail(&r, "another byte order");
    out->pid          = (long)tm__get_i64(&r);
    out->rank         = tm__get_i32(&r);
    out->thread_count = tm__get_i32(&r);
    out->nchildren    = tm__get_i32(&r);
    uint32_t ncomps   = tm__get_u32(&r);
    if(!r.bad && ncomps > TM_COMP_CAP) tm__fail(&r, "more components than exist");
    if(!r.bad && ncomps)
    {
        out->comps = calloc(ncomps, sizeof(tm__proc_comp));
        if(!out->comps) tm__fail(&r, "out of memory");
    }
    for(uint32_t i = 0; i < ncomps && !r.bad; ++i)
    {
        char* name = tm__get_str(&r);
        if(!name) break;
        int comp = tm__component_by_name(name);
        free(name);
        if(comp < 0)
        {
            tm__fail(&r, "an unknown component");
            break;
        }
        for(int k = 0; k < out->ncomps; ++k)
            if(out->comps[k].comp == comp) tm__fail(&r, "a component given twice");
        out->comps[i].comp = comp;
        out->ncomps        = (int)i + 1;
        tm__get_trees(&r, comp, &out->comps[i]);
    }
    if(!r.bad && r.p != r.end) tm__fail(&r, "bytes after the last component");
    if(r.bad)
    {
        tm__proc_data_free(out);
        return TIMEMORY_EFORMAT;
    }
    return TIMEMORY_OK;
}

/* ---- adopted processes -------------------------------------------------------------------- */

static pthread_mutex_t tm__adopted_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__proc_data*  tm__adopted;
static size_t          tm__nadopted;

int tm__adopt(tm__proc_data* p)
{
    pthread_mutex_lock(&tm__adopted_mutex);
    tm__proc_data* list = realloc(tm__adopted, (tm__nadopted + 1) * sizeof(*list));
    if(!list)
    {
        pthread_mutex_unlock(&tm__adopted_mutex);
        return TIMEMORY_ENOMEM;
    }
    tm__adopted                 = list;
    tm__adopted[tm__nadopted++] = *p;
    memset(p, 0, sizeof(*p));
    pthread_mutex_unlock(&tm__adopted_mutex);
    return TIMEMORY_OK;
}

size_t tm__adopted_count(void)
{
    return tm__nadopted;
}

long tm__adopted_pid(size_t i)
{
    return i < tm__nadopted ? tm__adopted[i].pid : -1;
}

const tm__rnode* tm__adopted_tree(size_t i, int comp)
{
    if(i >= tm__nadopted) return NULL;
    for(int k = 0; k < tm__adopted[i].ncomps; ++k)
        if(tm__adopted[i].comps[k].comp == comp) return &tm__adopted[i].comps[k].root;
    return NULL;
}

const tm__rnode* tm__adopted_threads(size_t i, int comp)
{
    if(i >= tm__nadopted) return NULL;
    for(int k = 0; k < tm__adopted[i].ncomps; ++k)
        if(tm__adopted[i].comps[k].comp == comp) return &tm__adopted[i].comps[k].threads;
    return NULL;
}

void tm__adopted_clear(void)
{
    pthread_mutex_lock(&tm__adopted_mutex);
    for(size_t i = 0; i < tm__nadopted; ++i) tm__proc_data_free(&tm__adopted[i]);
    free(tm__adopted);
    tm__adopted  = NULL;
    tm__nadopted = 0;
    pthread_mutex_unlock(&tm__adopted_mutex);
}
