/* graph.c -- call-graph storage and the hot path: one graph per thread, push/pop by key id.
 * Owns the per-thread graphs (nodes and records in arenas of fixed-size structs, children
 * found through an open-addressing table keyed by (parent, id)) and the frame stack.
 * Policy: after warm-up a push/pop allocates nothing, takes no lock and builds no string;
 * failures never raise, they set the sticky error (tm__set_error) and return a code.
 */
#include "internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TM_NODES_PER_CHUNK 1024
#define TM_RECORDS_PER_CHUNK 1024

/* One open push. The first cache line holds everything a hook push touches (frames are
 * 64-byte aligned); the component arrays follow. */
typedef struct tm__frame
{
    _Alignas(64) tm__node* node; /* NULL: beyond max_depth, nothing recorded */
    tm__node*             saved; /* current before this push */
    const void*           tag_a; /* hook pushes: what their pop names; NULL otherwise */
    const void*           tag_b;
    tm__record*           hook_rec;   /* hook push timed by its caller: the wall_clock record */
    int64_t               hook_start; /* ... and its start, in the caller's ticks */
    uint64_t              key;
    int                   ncomp;
    bool                  caller_clock; /* a hook push timed by its caller */
    uint8_t               tl;           /* its begin in the timeline (timeline.c): 0 none */
    bool                  wall_only;    /* comps is wall_clock alone */
    tm__cset              comps;
    tm__record*           rec[TM_MAX_BUNDLE];
    int64_t               start[TM_MAX_BUNDLE][2];
} tm__frame;

typedef struct tm__slot
{
    const tm__node* parent;
    uint64_t        id;
    tm__node*       node;
} tm__slot;

typedef struct tm__chunk
{
    struct tm__chunk* next;
    size_t            used;
    size_t            cap;
    size_t            size; /* element size */
    _Alignas(16) unsigned char data[];
} tm__chunk;

struct tm__graph
{
    tm__node   root;
    tm__node*  current;
    int        tid;
    long       pid;
    tm__chunk* nodes;
    tm__chunk* records;
    tm__slot*  slots; /* open addressing, power-of-two capacity */
    size_t     slot_cap;
    size_t     slot_count;
    uint64_t   timeline_counter;
    tm__frame* frames;
    size_t     nframes;
    size_t     frame_cap;
    /* hook pushes timed by the caller: its ns_per_tick, as a 32.32 fixed-point multiplier */
    double   tick_ratio;
    uint64_t tick_mult;
    /* the last component set pushed and what it trims to (available, at most TM_MAX_BUNDLE) */
    tm__cset              last_comps;
    tm__cset              last_trimmed;
    bool                  last_wall_only;
    timemory_components_t last_mask; /* ... and the last compact set (timemory_push) */
    bool                  last_mask_wall_only;
    tm__cset              last_mask_trimmed;
    struct tm__suspended* suspended; /* coroutines' pushes between their steps (suspend.c) */
};

/* ---- the registry of graphs (lock only at registration and output) ----------------------- */

static pthread_mutex_t tm__graphs_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__graph**     tm__graph_list;
static size_t          tm__graph_count;
static size_t          tm__graph_cap;
/* initial-exec: one %fs-relative load instead of a __tls_get_addr call on every push/pop.
 * Only this one pointer (8 bytes) uses it: dlopen() still finds room for it in the static TLS
 * surplus glibc keeps for such libraries. */
static _Thread_local tm__graph* tm__tls_graph __attribute__((tls_model("initial-exec")));
/* open pushes of this thread, exported for the inline paused check of timemory.h */
__thread unsigned timemory_thread_open_pushes __attribute__((tls_model("initial-exec")));
/* pushes skipped while paused (timemory.h): 24 bytes here, the entries on the heap */
__thread timemory_thread_skips timemory_thread_skipped __attribute__((tls_model("initial-exec")));
/* pushes and pops refused after finalize, reported in one line at exit */
static atomic_ulong tm__after_finalize;
/* components a push can record: available, with a value of their own */
static tm__cset tm__recordable; /* words read and or-ed with relaxed atomics */
static bool     tm__recordable_done;
static tm__cset tm__used_set;   /* likewise */
static int      tm__first_use[TM_COMP_CAP];
static int      tm__first_use_count;

/* the fast path reads CLOCK_MONOTONIC directly when the set is wall_clock alone; tests that
 * inject a reader turn it off */
bool tm__fast_wall = true;

void tm__graphs_lock(void)
{
    pthread_mutex_lock(&tm__graphs_mutex);
}
void tm__graphs_unlock(void)
{
    pthread_mutex_unlock(&tm__graphs_mutex);
}
size_t tm__graphs_count(void)
{
    return tm__graph_count;
}
tm__graph* tm__graphs_at(size_t i)
{
    return i < tm__graph_count ? tm__graph_list[i] : NULL;
}
const tm__node* tm__graph_root(const tm__graph* g)
{
    return &g->root;
}
int tm__graph_tid(const tm__graph* g)
{
    return g->tid;
}

int tm__components_in_use(int* out, int max)
{
    tm__graphs_lock();
    int n = tm__first_use_count < max ? tm__first_use_count : max;
    memcpy(out, tm__first_use, (size_t)n * sizeof(int));
    tm__graphs_unlock();
    return n;
}

static void tm__note_component_use(int comp)
{
    uint64_t  bit  = (uint64_t)1 << (comp & 63);
    uint64_t* word = &tm__used_set.bits[comp >> 6];
    if(__atomic_load_n(word, __ATOMIC_RELAXED) & bit) return;
    tm__graphs_lock();
    if(!(__atomic_load_n(word, __ATOMIC_SEQ_CST) & bit))
    {
        tm__first_use[tm__first_use_count++] = comp;
        __atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST);
    }
    tm__graphs_unlock();
}

void tm__recordable_add(int comp)
{
    if(tm__components[comp].nvalues > 0 && !tm__unavailable_reason(comp))
        __atomic_fetch_or(&tm__recordable.bits[comp >> 6], (uint64_t)1 << (comp & 63),
                          __ATOMIC_RELAXED);
}

static void tm__recordable_init(void)
{
    int ncomp = tm__ncomp();
    for(int c = 0; c < ncomp; ++c) tm__recordable_add(c);
    tm__recordable_done = true;
}

/* The set a push records: available components with a value, at most TM_MAX_BUNDLE (the
 * first ones in index order). */
static tm__cset tm__trim(const tm__cset* comps)
{
    tm__cset out = {{0}};
    int      n   = 0;
    for(int w = 0; w < TM_CSET_WORDS; ++w)
    {
        uint64_t m = comps->bits[w] & __atomic_load_n(&tm__recordable.bits[w], __ATOMIC_RELAXED);
        for(; m && n < TM_MAX_BUNDLE; m &= m - 1, ++n) out.bits[w] |= m & -m;
    }
    return out;
}

static inline bool tm__is_wall_only(const tm__cset* s)
{
    tm__cset wall = tm__cset_one(TIMEMORY_WALL_CLOCK);
    return tm__cset_eq(s, &wall);
}

/* ---- a finished thread ---------------------------------------------------------------------
 * When a thread exits, its graph stays (its data is part of the output) but shrinks to what
 * it holds: the frame stack and the child table (needed only to push) are freed, and its
 * nodes and records move into one exactly-sized block each. 20,000 short threads used 27 kB
 * each; what stays is a few hundred bytes plus the thread's distinct nodes. */

static pthread_key_t  tm__graph_key;
static pthread_once_t tm__graph_key_once = PTHREAD_ONCE_INIT;
static bool           tm__graph_key_ok;

typedef struct tm__chunk_span
{
    const unsigned char* begin;
    const unsigned char* end;
    size_t               first; /* index of its first element in the compacted block */
} tm__chunk_span;

static int tm__span_compare(const void* a, const void* b)
{
    const tm__chunk_span* x = a;
    const tm__chunk_span* y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* The chunks of an arena sorted by address, with the index each starts at; NULL when empty. */
static tm__chunk_span* tm__spans(const tm__chunk* head, size_t* nspans, size_t* total)
{
    size_t n = 0, count = 0;
    for(const tm__chunk* c = head; c; c = c->next) ++n;
    *nspans = n;
    *total  = 0;
    if(n == 0) return NULL;
    tm__chunk_span* spans = malloc(n * sizeof(*spans));
    if(!spans) return NULL;
    /* oldest chunk first: the compacted block keeps allocation order */
    size_t k = n;
    for(const tm__chunk* c = head; c; c = c->next)
    {
        --k;
        spans[k].begin = c->data;
        spans[k].end   = c->data + c->used * c->size;
    }
    for(size_t i = 0; i < n; ++i)
    {
        spans[i].first = count;
        count += (size_t)(spans[i].end - spans[i].begin);
    }
    *total = count; /* in bytes for now: the caller divides */
    qsort(spans, n, sizeof(*spans), tm__span_compare);
    return spans;
}

/* Where p (an element of one of the spans' chunks, or NULL, or outside them) goes. */
static void* tm__relocate(const void* p, const tm__chunk_span* spans, size_t n, unsigned char* dest)
{
    if(!p) return NULL;
    const unsigned char* q  = p;
    size_t               lo = 0, hi = n;
    while(lo < hi)
    {
        size_t mid = (lo + hi) / 2;
        if(q < spans[mid].begin)
            hi = mid;
        else if(q >= spans[mid].end)
            lo = mid + 1;
        else
            return dest + spans[mid].first + (size_t)(q - spans[mid].begin);
    }
    return (void*)p; /* not in the arena (the graph's own root) */
}

/* One chunk holding every element of the arena, in allocation order; NULL on failure. */
static tm__chunk* tm__arena_compact(const tm__chunk* head, size_t size, const tm__chunk_span* spans,
                                    size_t nspans, size_t bytes)
{
    tm__chunk* c = malloc(sizeof(tm__chunk) + (bytes ? bytes : 1));
    if(!c) return NULL;
    c->next = NULL;
    c->size = size;
    c->used = c->cap = bytes / size;
    for(const tm__chunk* k = head; k; k = k->next)
        for(size_t i = 0; i < nspans; ++i)
            if(spans[i].begin == k->data)
                memcpy(c->data + spans[i].first, k->data, k->used * k->size);
    return c;
}

static void tm__arena_free(tm__chunk* head)
{
    while(head)
    {
        tm__chunk* next = head->next;
        free(head);
        head = next;
    }
}

static void tm__graph_compact(tm__graph* g)
{
    tm__graphs_lock();
    tm__suspended_drop(g); /* no coroutine continues on a thread that has ended */
    free(g->frames);
    free(g->slots);
    g->frames   = NULL;
    g->slots    = NULL;
    g->nframes  = g->frame_cap = 0;
    g->slot_cap = g->slot_count = 0;
    g->current  = &g->root;
    size_t          nn = 0, nr = 0, node_bytes = 0, rec_bytes = 0;
    tm__chunk_span* ns = tm__spans(g->nodes, &nn, &node_bytes);
    tm__chunk_span* rs = tm__spans(g->records, &nr, &rec_bytes);
    tm__chunk*      nc = (nn && !ns) || (nr && !rs)
                             ? NULL
                             : tm__arena_compact(g->nodes, sizeof(tm__node), ns, nn, node_bytes);
    tm__chunk* rc = nc ? tm__arena_compact(g->records, sizeof(tm__record), rs, nr, rec_bytes)
                       : NULL;
    if(nc && rc)
    {
        /* every pointer into the old chunks now points into the new blocks */
        tm__node* nodes = (tm__node*)nc->data;
        for(size_t i = 0; i <= nc->used; ++i)
        {
            tm__node* n = i < nc->used ? &nodes[i] : &g->root;
            n->parent       = tm__relocate(n->parent, ns, nn, nc->data);
            n->first_child  = tm__relocate(n->first_child, ns, nn, nc->data);
            n->last_child   = tm__relocate(n->last_child, ns, nn, nc->data);
            n->next_sibling = tm__relocate(n->next_sibling, ns, nn, nc->data);
            n->hot_child    = tm__relocate(n->hot_child, ns, nn, nc->data);
            n->records      = tm__relocate(n->records, rs, nr, rc->data);
            n->wall         = tm__relocate(n->wall, rs, nr, rc->data);
        }
        tm__record* recs = (tm__record*)rc->data;
        for(size_t i = 0; i < rc->used; ++i) recs[i].next = tm__relocate(recs[i].next, rs, nr, rc->data);
        tm__arena_free(g->nodes);
        tm__arena_free(g->records);
        g->nodes   = nc;
        g->records = rc;
    }
    else /* no memory to compact: the graph stays as it is, minus the stack and the table */
    {
        free(nc);
        free(rc);
    }
    free(ns);
    free(rs);
    tm__graphs_unlock();
}

size_t tm__graphs_memory(void)
{
    size_t bytes = 0;
    tm__graphs_lock();
    for(size_t i = 0; i < tm__graph_count; ++i)
    {
        const tm__graph* g = tm__graph_list[i];
        bytes += sizeof(*g) + g->frame_cap * sizeof(tm__frame) + g->slot_cap * sizeof(tm__slot);
        bytes += tm__suspended_memory(g);
        for(const tm__chunk* c = g->nodes; c; c = c->next) bytes += sizeof(*c) + c->cap * c->size;
        for(const tm__chunk* c = g->records; c; c = c->next) bytes += sizeof(*c) + c->cap * c->size;
    }
    tm__graphs_unlock();
    return bytes;
}

static void tm__graph_thread_exit(void* arg)
{
    tm__graph* g = arg;
    if(tm__tls_graph == g) tm__tls_graph = NULL;
    timemory_thread_open_pushes = 0;
    tm__graph_compact(g);
}

static void tm__graph_key_create(void)
{
    tm__graph_key_ok = pthread_key_create(&tm__graph_key, tm__graph_thread_exit) == 0;
}

static tm__graph* tm__graph_create(void)
{
    if(!tm__recordable_done) tm__recordable_init();
    tm__signals_thread_start(); /* an alternate signal stack while the handler is on */
    tm__graph* g = calloc(1, sizeof(*g));
    if(!g) return NULL;
    g->current   = &g->root;
    g->pid       = (long)getpid();
    g->slot_cap  = 32;
    g->slots     = calloc(g->slot_cap, sizeof(tm__slot));
    g->frame_cap = 64;
    g->frames    = aligned_alloc(_Alignof(tm__frame), g->frame_cap * sizeof(tm__frame));
    if(!g->slots || !g->frames)
    {
        free(g->slots);
        free(g->frames);
        free(g);
        return NULL;
    }
    tm__graphs_lock();
    if(tm__graph_count == tm__graph_cap)
    {
        size_t      cap  = tm__graph_cap ? tm__graph_cap * 2 : 16;
        tm__graph** list = realloc(tm__graph_list, cap * sizeof(*list));
        if(!list)
        {
            tm__graphs_unlock();
            free(g->slots);
            free(g->frames);
            free(g);
            return NULL;
        }
        tm__graph_list = list;
        tm__graph_cap  = cap;
    }
    g->tid                            = (int)tm__graph_count;
    tm__graph_list[tm__graph_count++] = g;
    tm__graphs_unlock();
    /* the thread's exit compacts its graph (the main thread's is read at exit as it is) */
    pthread_once(&tm__graph_key_once, tm__graph_key_create);
    if(tm__graph_key_ok) pthread_setspecific(tm__graph_key, g);
    return g;
}

static inline tm__graph* tm__graph_get(void)
{
    tm__graph* g = tm__tls_graph;
    if(TM_LIKELY(g != NULL)) return g;
    return (tm__tls_graph = tm__graph_create());
}

/* The thread that loads the library is the main thread: its graph is thread 0 whichever
 * thread pushes first. */
void tm__graph_register_thread(void)
{
    (void)tm__graph_get();
}

int tm__graph_thread_tid(void)
{
    tm__graph* g = tm__graph_get();
    return g ? g->tid : -1;
}

/* After fork() only the forking thread survives, and the child reports only what it measures
 * itself: every record is zeroed (the structure stays) and the other threads' stacks are
 * emptied. The forking thread's open frames -- what the parent had open at the fork -- are the
 * child's base: present with zero laps, so that the child's nodes nest under them, and never
 * recorded by the child (tm__graph_unwind_current drops them). */
typedef struct tm__inherited
{
    const tm__node* node;
    uint64_t        key;
    int64_t         start; /* first component's start (or the hook start): which push it is */
} tm__inherited;
static const tm__graph* tm__fork_graph; /* the forking thread's graph, in a forked child */
static tm__inherited*   tm__fork_frames; /* its open frames at the fork */
static size_t           tm__fork_base;

static inline int64_t tm__frame_start_id(const tm__frame* f)
{
    return f->caller_clock ? f->hook_start : f->ncomp > 0 ? f->start[0][0] : 0;
}

/* frame idx of the calling thread is one the child inherited (still open since the fork) */
static bool tm__frame_inherited(const tm__graph* g, size_t idx)
{
    if(g != tm__fork_graph || idx >= tm__fork_base || !tm__fork_frames) return false;
    const tm__frame* f = &g->frames[idx];
    return f->node == tm__fork_frames[idx].node && f->key == tm__fork_frames[idx].key &&
           tm__frame_start_id(f) == tm__fork_frames[idx].start;
}

void tm__graph_after_fork(void)
{
    long pid = (long)getpid();
    for(size_t i = 0; i < tm__graph_count; ++i) tm__graph_list[i]->pid = pid;
    /* the child reports what it measures itself (its parent merges it: handoff.c) */
    tm__graphs_clear(0);
    tm__graph* self = tm__tls_graph;
    for(size_t i = 0; i < tm__graph_count; ++i)
        if(tm__graph_list[i] != self) tm__graph_list[i]->nframes = 0; /* threads gone */
    tm__fork_graph = self;
    tm__fork_base  = 0;
    free(tm__fork_frames); /* a grandchild: its own base */
    tm__fork_frames = self && self->nframes ? malloc(self->nframes * sizeof(tm__inherited)) : NULL;
    if(tm__fork_frames)
    {
        for(size_t k = 0; k < self->nframes; ++k)
            tm__fork_frames[k] = (tm__inherited){ self->frames[k].node, self->frames[k].key,
                                                  tm__frame_start_id(&self->frames[k]) };
        tm__fork_base = self->nframes;
    }
    size_t n = 0;
    free(tm__graphs_mark_open(&n)); /* for good: the child never pops them */
    /* suspended coroutines are the parent's too: present, never recorded by the child */
    for(size_t i = 0; i < tm__graph_count; ++i) tm__suspended_drop(tm__graph_list[i]);
}

/* ---- arenas ------------------------------------------------------------------------------ */

static void* tm__arena_alloc(tm__chunk** head, size_t size, size_t per_chunk)
{
    tm__chunk* c = *head;
    if(!c || c->used == c->cap)
    {
        /* 16 elements first, doubling up to per_chunk: a thread with a few nodes stays small */
        size_t cap = c ? c->cap * 2 : 16;
        if(cap > per_chunk) cap = per_chunk;
        tm__chunk* n = calloc(1, sizeof(tm__chunk) + size * cap);
        if(!n) return NULL;
        n->cap  = cap;
        n->size = size;
        n->next = c;
        *head   = n;
        c       = n;
    }
    return c->data + size * c->used++;
}

/* ---- child lookup ------------------------------------------------------------------------ */

static inline size_t tm__slot_hash(const tm__node* parent, uint64_t id)
{
    uint64_t h = id ^ ((uint64_t)(uintptr_t)parent * 0x9e3779b97f4a7c15ull);
    return (size_t)(h ^ (h >> 32));
}

static inline tm__node* tm__child_find(const tm__graph* g, const tm__node* parent, uint64_t id)
{
    size_t mask = g->slot_cap - 1;
    for(size_t i = tm__slot_hash(parent, id) & mask;; i = (i + 1) & mask)
    {
        const tm__slot* s = &g->slots[i];
        if(s->node == NULL) return NULL;
        if(s->id == id && s->parent == parent) return s->node;
    }
}

static void tm__slot_put(tm__slot* slots, size_t cap, tm__node* parent, uint64_t id, tm__node* node)
{
    size_t mask = cap - 1;
    size_t i    = tm__slot_hash(parent, id) & mask;
    while(slots[i].node) i = (i + 1) & mask;
    slots[i].parent = parent;
    slots[i].id     = id;
    slots[i].node   = node;
}

static bool tm__slots_grow(tm__graph* g)
{
    size_t    cap   = g->slot_cap * 2;
    tm__slot* slots = calloc(cap, sizeof(tm__slot));
    if(!slots) return false;
    for(size_t i = 0; i < g->slot_cap; ++i)
        if(g->slots[i].node)
            tm__slot_put(slots, cap, (tm__node*)g->slots[i].parent, g->slots[i].id,
                         g->slots[i].node);
    free(g->slots);
    g->slots    = slots;
    g->slot_cap = cap;
    return true;
}

static tm__node* tm__child_add(tm__graph* g, tm__node* parent, uint64_t id, uint64_t key)
{
    if((g->slot_count + 1) * 2 > g->slot_cap && !tm__slots_grow(g)) return NULL;
    tm__node* n = tm__arena_alloc(&g->nodes, sizeof(tm__node), TM_NODES_PER_CHUNK);
    if(!n) return NULL;
    n->id     = id;
    n->key    = key;
    n->parent = parent;
    n->depth  = parent->depth + 1;
    /* published whole: a reader on another thread sees it only once it is filled in */
    if(parent->last_child)
        __atomic_store_n(&parent->last_child->next_sibling, n, __ATOMIC_RELEASE);
    else
        __atomic_store_n(&parent->first_child, n, __ATOMIC_RELEASE);
    parent->last_child = n;
    tm__slot_put(g->slots, g->slot_cap, parent, id, n);
    ++g->slot_count;
    return n;
}

static inline uint64_t tm__combine(uint64_t a, uint64_t b)
{
    return a ^ (b + 0x9e3779b9ull + (a << 6) + (a >> 2));
}

static tm__record* tm__record_get(tm__graph* g, tm__node* n, int comp)
{
    tm__record** link = &n->records;
    for(tm__record* r = n->records; r; r = r->next)
    {
        if(r->comp == comp) return r;
        link = &r->next;
    }
    tm__record* r = tm__arena_alloc(&g->records, sizeof(tm__record), TM_RECORDS_PER_CHUNK);
    if(!r) return NULL;
    r->comp = comp;
    __atomic_store_n(link, r, __ATOMIC_RELEASE); /* published whole, as nodes are */
    if(comp == TIMEMORY_WALL_CLOCK) n->wall = r;
    tm__note_component_use(comp);
    return r;
}

/* ---- values another thread may read (tm__record_read) ------------------------------------- */

#define TM_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define TM_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
static inline void tm__store_f64(double* p, double v) { __atomic_store(p, &v, __ATOMIC_RELAXED); }
static inline double tm__load_f64(const double* p)
{
    double v;
    __atomic_load(p, &v, __ATOMIC_RELAXED);
    return v;
}

static inline void tm__store_stats(tm__stats* to, const tm__stats* from)
{
    for(int i = 0; i < 2; ++i)
    {
        tm__store_f64(&to->sum[i], from->sum[i]);
        tm__store_f64(&to->sqr[i], from->sqr[i]);
        tm__store_f64(&to->min[i], from->min[i]);
        tm__store_f64(&to->max[i], from->max[i]);
    }
    TM_STORE(&to->count, from->count);
}

bool tm__record_read(const tm__node* n, int comp, tm__record* out)
{
    const tm__record* r = __atomic_load_n(&n->records, __ATOMIC_ACQUIRE);
    while(r && r->comp != comp) r = __atomic_load_n(&r->next, __ATOMIC_ACQUIRE);
    if(!r || !TM_LOAD(&r->present)) return false;
    out->next     = NULL;
    out->comp     = comp;
    out->present  = true;
    out->laps     = TM_LOAD(&r->laps);
    out->accum[0] = TM_LOAD(&r->accum[0]);
    out->accum[1] = TM_LOAD(&r->accum[1]);
    for(int i = 0; i < 2; ++i)
    {
        out->stats.sum[i] = tm__load_f64(&r->stats.sum[i]);
        out->stats.sqr[i] = tm__load_f64(&r->stats.sqr[i]);
        out->stats.min[i] = tm__load_f64(&r->stats.min[i]);
        out->stats.max[i] = tm__load_f64(&r->stats.max[i]);
    }
    out->stats.count = TM_LOAD(&r->stats.count);
    return true;
}

/* ---- statistics -------------------------------------------------------------------------- */

void tm__stats_add(tm__stats* s, const double v[2], int n)
{
    for(int i = 0; i < n; ++i)
    {
        if(s->count == 0 || v[i] < s->min[i]) s->min[i] = v[i];
        if(s->count == 0 || v[i] > s->max[i]) s->max[i] = v[i];
        s->sum[i] += v[i];
        s->sqr[i] += v[i] * v[i];
    }
    ++s->count;
}

void tm__stats_merge(tm__stats* into, const tm__stats* from, int n)
{
    if(from->count == 0) return;
    for(int i = 0; i < n; ++i)
    {
        if(into->count == 0 || from->min[i] < into->min[i]) into->min[i] = from->min[i];
        if(into->count == 0 || from->max[i] > into->max[i]) into->max[i] = from->max[i];
        into->sum[i] += from->sum[i];
        into->sqr[i] += from->sqr[i];
    }
    into->count += from->count;
}

/* ---- push / pop -------------------------------------------------------------------------- */

static inline int64_t tm__monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool tm__frames_grow(tm__graph* g)
{
    size_t     cap = g->frame_cap * 2;
    tm__frame* f   = aligned_alloc(_Alignof(tm__frame), cap * sizeof(tm__frame));
    if(!f) return false;
    memcpy(f, g->frames, g->nframes * sizeof(tm__frame));
    free(g->frames);
    g->frames    = f;
    g->frame_cap = cap;
    return true;
}

/* The wall_clock reading among a frame's component readings (the timeline's clock), or now. */
static inline int64_t tm__frame_wall(const tm__frame* f, int64_t (*values)[2])
{
    if(TM_LIKELY(f->wall_only)) return values[0][0];
    if(!tm__cset_has(&f->comps, TIMEMORY_WALL_CLOCK)) return tm__timeline_now();
    int idx = 0; /* values are in ascending index order: count the members before wall_clock */
    for(int w = 0; w < TIMEMORY_WALL_CLOCK >> 6; ++w) idx += __builtin_popcountll(f->comps.bits[w]);
    uint64_t below = ((uint64_t)1 << (TIMEMORY_WALL_CLOCK & 63)) - 1;
    idx += __builtin_popcountll(f->comps.bits[TIMEMORY_WALL_CLOCK >> 6] & below);
    return values[idx][0];
}

static tm__node* tm__insert(tm__graph* g, uint64_t key, unsigned scope)
{
    if(scope == TIMEMORY_SCOPE_DEFAULT)
        scope = (tm__settings.flat_profile ? TIMEMORY_SCOPE_FLAT : TIMEMORY_SCOPE_TREE) |
                (tm__settings.timeline_profile ? TIMEMORY_SCOPE_TIMELINE : 0u);
    tm__node* parent = (scope & TIMEMORY_SCOPE_FLAT) ? &g->root : g->current;
    if(parent->depth + 1 > (uint32_t)tm__settings.max_depth) return NULL;
    uint64_t id = tm__combine(key, parent->depth + 1);
    if(scope & TIMEMORY_SCOPE_TIMELINE) id = tm__combine(id, g->timeline_counter++);
    /* the child entered last from this parent, most often the one entered again */
    if(TM_LIKELY(parent->hot_child != NULL && parent->hot_id == id)) return parent->hot_child;
    tm__node* n = tm__child_find(g, parent, id);
    if(TM_UNLIKELY(!n) && !(n = tm__child_add(g, parent, id, key)))
    {
        tm__set_error(TIMEMORY_ENOMEM);
        return NULL;
    }
    parent->hot_id    = id;
    parent->hot_child = n;
    return n;
}

static int tm__push(uint64_t key, const tm__cset* comps, unsigned scope);
static int tm__push_mask(uint64_t key, timemory_components_t mask, unsigned scope);
static int tm__pop(uint64_t key);
static int tm__pop_any(uint64_t key);

/* ---- pushes skipped while paused ----------------------------------------------------------
 * A paused push records nothing, but its pop must find it: otherwise the pop closes an open
 * region of the same key (or warns that none exists). Each thread keeps a stack of its
 * skipped pushes, each with the number of recorded pushes open under it (`below`, kept exact
 * when one of those is popped), so that skipped and recorded pushes form one stack in push
 * order and a pop takes the innermost open push of its key, whichever kind. The stack is
 * allocated at the thread's first paused push and grows like the frame stack (warm-up only);
 * what cannot be stored is counted (`lost`) and absorbs the pops that match nothing. */

static pthread_key_t  tm__skips_key;
static pthread_once_t tm__skips_once = PTHREAD_ONCE_INIT;

static void tm__skips_free(void* entries)
{
    free(entries);
    timemory_thread_skipped = (timemory_thread_skips){ NULL, 0, 0, 0 };
}

static void tm__skips_key_create(void)
{
    if(pthread_key_create(&tm__skips_key, tm__skips_free) != 0) tm__skips_key = (pthread_key_t)-1;
}

__attribute__((noinline)) static int tm__skip_grow_and_push(uint64_t key)
{
    timemory_thread_skips* s   = &timemory_thread_skipped;
    unsigned               cap = s->capacity ? s->capacity * 2 : 64;
    timemory_skipped_push* e =
        cap > s->capacity ? realloc(s->entries, cap * sizeof(*e)) : NULL;
    if(!e)
    {
        ++s->lost;
        tm__set_error(TIMEMORY_ENOMEM);
        return TIMEMORY_EDISABLED;
    }
    /* freed when the thread exits (the main thread's block stays reachable until the end) */
    pthread_once(&tm__skips_once, tm__skips_key_create);
    if(tm__skips_key != (pthread_key_t)-1) pthread_setspecific(tm__skips_key, e);
    s->entries  = e;
    s->capacity = cap;
    e[s->count].key   = key;
    e[s->count].below = timemory_thread_open_pushes;
    ++s->count;
    return TIMEMORY_EDISABLED;
}

static inline int tm__skip_push(uint64_t key)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    unsigned               n = s->count;
    if(TM_UNLIKELY(n == s->capacity)) return tm__skip_grow_and_push(key);
    s->entries[n].key   = key;
    s->entries[n].below = timemory_thread_open_pushes;
    s->count            = n + 1;
    return TIMEMORY_EDISABLED;
}

int tm__push_skipped(uint64_t key)
{
    return tm__skip_push(key);
}

/* The recorded push at index idx was popped: skipped pushes above it have one fewer below. */
__attribute__((noinline)) static void tm__skips_frame_removed(size_t idx)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    for(unsigned i = s->count; i-- > 0 && s->entries[i].below > idx;) --s->entries[i].below;
}

static inline void tm__skip_remove(unsigned i)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    memmove(&s->entries[i], &s->entries[i + 1], (s->count - i - 1) * sizeof(*s->entries));
    --s->count;
}

/* A refused push or pop after finalize: counted, reported once at exit. */
static int tm__refused_after_finalize(void)
{
    atomic_fetch_add_explicit(&tm__after_finalize, 1, memory_order_relaxed);
    return TIMEMORY_EFINALIZED;
}

unsigned long tm__refused_after_finalize_count(void)
{
    return atomic_load_explicit(&tm__after_finalize, memory_order_relaxed);
}

/* The entry points check the pause flag before anything else and leave the work to functions
 * of their own, so a paused call costs a few loads and stores (no prologue). */
int timemory_push(uint64_t key, timemory_components_t comps, unsigned scope)
{
    if(TM_UNLIKELY(!tm__settings.enabled)) return tm__skip_push(key);
    return tm__push_mask(key, comps, scope);
}

int timemory_push_set(uint64_t key, const timemory_component_set* comps, unsigned scope)
{
    if(TM_UNLIKELY(!tm__settings.enabled)) return tm__skip_push(key);
    tm__cset set = tm__cset_of(comps);
    return tm__push(key, &set, scope);
}

int timemory_pop(uint64_t key)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    unsigned               n = s->count;
    if(TM_UNLIKELY(n != 0))
    {
        /* the innermost skipped push, with no recorded push opened since: this pop's own */
        const timemory_skipped_push* e = &s->entries[n - 1];
        if(TM_LIKELY(e->key == key && e->below == timemory_thread_open_pushes))
        {
            s->count = n - 1;
            return TIMEMORY_EDISABLED;
        }
        return tm__pop_any(key);
    }
    /* paused or not: pushes made before the pause still pop */
    return tm__pop(key);
}

bool tm__pop_skipped(uint64_t key)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    const tm__graph*       g = tm__tls_graph;
    size_t                 r = g ? g->nframes : 0;
    /* the recorded and skipped pushes from the innermost out, up to the first of key */
    for(unsigned i = s->count; i > 0;)
    {
        if(s->entries[i - 1].below >= r)
        {
            if(s->entries[i - 1].key == key)
            {
                tm__skip_remove(i - 1);
                return true;
            }
            --i;
        }
        else if(g->frames[--r].key == key && !g->frames[r].tag_a)
            return false;
    }
    return false;
}

/* A push of the set a front end has trimmed (available, at most TM_MAX_BUNDLE): the frame
 * keeps a copy of it unless it is wall_clock alone. */
static inline int tm__push_trimmed(tm__graph* g, uint64_t key, const tm__cset* comps,
                                   bool wall_only, unsigned scope)
{
    tm__frame* f                = &g->frames[g->nframes];
    f->key                      = key;
    f->saved                    = g->current;
    f->wall_only                = wall_only;
    f->ncomp                    = 0;
    f->caller_clock             = false;
    f->tl                       = 0;
    f->tag_a                    = NULL;
    f->tag_b                    = NULL;
    f->node                     = tm__insert(g, key, scope);
    timemory_thread_open_pushes = (unsigned)++g->nframes;
    if(TM_UNLIKELY(!f->node)) return TIMEMORY_OK; /* beyond max_depth: balanced, not recorded */
    if(!(scope & TIMEMORY_SCOPE_FLAT) &&
       !(scope == TIMEMORY_SCOPE_DEFAULT && tm__settings.flat_profile))
        g->current = f->node;
    if(TM_LIKELY(wall_only))
    {
        tm__record* r = f->node->records;
        while(r && r->comp != TIMEMORY_WALL_CLOCK) r = r->next;
        if(TM_UNLIKELY(!r) && !(r = tm__record_get(g, f->node, TIMEMORY_WALL_CLOCK)))
        {
            tm__set_error(TIMEMORY_ENOMEM);
            return TIMEMORY_OK;
        }
        f->rec[0] = r;
        f->ncomp  = 1;
        if(TM_LIKELY(tm__fast_wall))
            f->start[0][0] = tm__monotonic_ns();
        else
        {
            tm__cset wall = tm__cset_one(TIMEMORY_WALL_CLOCK);
            tm__record_set(&wall, f->start);
        }
    }
    else
    {
        f->comps = *comps;
        if(tm__cset_empty(comps)) return TIMEMORY_OK;
        int n = 0;
        for(int w = 0; w < TM_CSET_WORDS; ++w)
            for(uint64_t m = comps->bits[w]; m; m &= m - 1)
            {
                int         comp = w * 64 + __builtin_ctzll(m);
                tm__record* r    = f->node->records;
                while(r && r->comp != comp) r = r->next;
                if(TM_UNLIKELY(!r) && !(r = tm__record_get(g, f->node, comp)))
                {
                    tm__set_error(TIMEMORY_ENOMEM);
                    return TIMEMORY_OK; /* nothing recorded: ncomp stays 0 */
                }
                f->rec[n++] = r;
            }
        f->ncomp = n;
        tm__record_set(comps, f->start);
    }
    if(TM_UNLIKELY(tm__settings.timeline))
        f->tl = tm__timeline_begin(g->tid, key, (uint32_t)(g->nframes - 1),
                                   tm__frame_wall(f, f->start), 0);
    return TIMEMORY_OK;
}

static inline tm__graph* tm__push_graph(void)
{
    tm__graph* g = tm__graph_get();
    if(TM_UNLIKELY(!g || (g->nframes == g->frame_cap && !tm__frames_grow(g))))
    {
        tm__set_error(TIMEMORY_ENOMEM);
        return NULL;
    }
    return g;
}

/* The two front ends keep their own last set and what it trims to. */
__attribute__((noinline)) static int tm__push_mask(uint64_t key, timemory_components_t mask,
                                                   unsigned scope)
{
    if(TM_UNLIKELY(tm__state >= 2)) return tm__refused_after_finalize();
    tm__graph* g = tm__push_graph();
    if(TM_UNLIKELY(!g)) return TIMEMORY_ENOMEM;
    if(TM_UNLIKELY(mask != g->last_mask))
    {
        tm__cset set           = {{mask}};
        g->last_mask           = mask;
        g->last_mask_trimmed   = tm__trim(&set);
        g->last_mask_wall_only = tm__is_wall_only(&g->last_mask_trimmed);
    }
    return tm__push_trimmed(g, key, &g->last_mask_trimmed, g->last_mask_wall_only, scope);
}

__attribute__((noinline)) static int tm__push(uint64_t key, const tm__cset* set, unsigned scope)
{
    if(TM_UNLIKELY(tm__state >= 2)) return tm__refused_after_finalize();
    tm__graph* g = tm__push_graph();
    if(TM_UNLIKELY(!g)) return TIMEMORY_ENOMEM;
    if(TM_UNLIKELY(!tm__cset_eq(set, &g->last_comps)))
    {
        g->last_comps     = *set;
        g->last_trimmed   = tm__trim(set);
        g->last_wall_only = tm__is_wall_only(&g->last_trimmed);
    }
    return tm__push_trimmed(g, key, &g->last_trimmed, g->last_wall_only, scope);
}

/* One lap of wall_clock: what tm__record_add does, without the per-component dispatch. */
static inline void tm__wall_add(tm__record* r, int64_t delta)
{
    double v = (double)delta;
    TM_STORE(&r->accum[0], r->accum[0] + delta);
    TM_STORE(&r->laps, r->laps + 1);
    TM_STORE(&r->present, true);
    tm__stats* s = &r->stats;
    if(s->count == 0 || v < s->min[0]) tm__store_f64(&s->min[0], v);
    if(s->count == 0 || v > s->max[0]) tm__store_f64(&s->max[0], v);
    tm__store_f64(&s->sum[0], s->sum[0] + v);
    tm__store_f64(&s->sqr[0], s->sqr[0] + v * v);
    TM_STORE(&s->count, s->count + 1);
}

/* Accumulates one component's delta into a record: laps, value and the statistics sample. */
static inline void tm__record_add(tm__record* r, const int64_t delta[2], uint64_t laps)
{
    int     comp     = r->comp;
    int64_t accum[2] = { r->accum[0], r->accum[1] };
    tm__accumulate(comp, accum, delta);
    TM_STORE(&r->accum[0], accum[0]);
    TM_STORE(&r->accum[1], accum[1]);
    TM_STORE(&r->laps, r->laps + laps);
    TM_STORE(&r->present, true);
    double sample[2];
    int    nv = tm__stat_sample(comp, delta, sample);
    if(nv > 0)
    {
        tm__stats s = r->stats;
        tm__stats_add(&s, sample, nv);
        tm__store_stats(&r->stats, &s);
    }
}

/* Removes frame idx. Skipped pushes above it are not adjusted: callers that may have some use
 * tm__frame_remove (timemory_pop's own path has none). */
static inline void tm__frame_remove_only(tm__graph* g, size_t idx)
{
    tm__frame* f = &g->frames[idx];
    if(idx + 1 == g->nframes)
        g->current = f->saved;
    else
    {
        /* out of order (generators, coroutines): frames above that would return to this
         * frame's node return to where this frame started instead */
        for(size_t i = idx + 1; i < g->nframes; ++i)
            if(f->node && g->frames[i].saved == f->node) g->frames[i].saved = f->saved;
        if(g->current == f->node) g->current = f->saved;
        memmove(f, f + 1, (g->nframes - idx - 1) * sizeof(tm__frame));
    }
    timemory_thread_open_pushes = (unsigned)--g->nframes;
}

static inline void tm__frame_remove(tm__graph* g, size_t idx)
{
    tm__frame_remove_only(g, idx);
    if(TM_UNLIKELY(timemory_thread_skipped.count != 0)) tm__skips_frame_removed(idx);
}

static inline tm__frame* tm__frame_find(tm__graph* g, uint64_t key, size_t* idx)
{
    for(size_t i = g->nframes; i-- > 0;)
        if(g->frames[i].key == key && !g->frames[i].tag_a)
        {
            *idx = i;
            return &g->frames[i];
        }
    return NULL;
}

/* Stops the components of an engine-timed frame and adds the lap to its records; the end of
 * its begin in the timeline, if it has one, at the same wall_clock reading. */
static inline void tm__frame_stop(tm__frame* f, size_t idx)
{
    if(f->ncomp == 1 && f->wall_only && tm__fast_wall)
    {
        int64_t now = tm__monotonic_ns();
        tm__wall_add(f->rec[0], now - f->start[0][0]);
        if(TM_UNLIKELY(f->tl)) tm__timeline_end(f->tl, f->key, (uint32_t)idx, now, 0);
    }
    else if(f->ncomp > 0)
    {
        int64_t  now[TM_MAX_BUNDLE][2];
        tm__cset wall = tm__cset_one(TIMEMORY_WALL_CLOCK);
        tm__record_set(f->wall_only ? &wall : &f->comps, now);
        for(int i = 0; i < f->ncomp; ++i)
        {
            int64_t delta[2];
            tm__delta(f->rec[i]->comp, f->start[i], now[i], delta);
            tm__record_add(f->rec[i], delta, 1);
        }
        if(TM_UNLIKELY(f->tl))
            tm__timeline_end(f->tl, f->key, (uint32_t)idx, tm__frame_wall(f, now), 0);
    }
}

/* A pop that matches no open push: a skipped push that could not be stored (out of memory)
 * takes it; paused with nothing recorded open it returns at once; else it is unbalanced. */
static int tm__pop_unmatched(const tm__graph* g)
{
    if(timemory_thread_skipped.lost > 0)
    {
        --timemory_thread_skipped.lost;
        return TIMEMORY_EDISABLED;
    }
    if(!tm__settings.enabled && (!g || g->nframes == 0)) return TIMEMORY_EDISABLED;
    tm__set_error(TIMEMORY_EUNBALANCED);
    return TIMEMORY_EUNBALANCED;
}

__attribute__((noinline)) static int tm__pop(uint64_t key)
{
    tm__graph* g = tm__tls_graph;
    if(TM_UNLIKELY(!g || g->nframes == 0 || tm__state >= 2))
    {
        if(tm__state >= 2) return tm__refused_after_finalize();
        return tm__pop_unmatched(g);
    }
    size_t     idx = g->nframes - 1;
    tm__frame* f   = &g->frames[idx];
    if(TM_UNLIKELY(f->key != key || f->tag_a) && !(f = tm__frame_find(g, key, &idx)))
        return tm__pop_unmatched(g);
    tm__frame_stop(f, idx);
    tm__frame_remove_only(g, idx); /* called with no skipped push open */
    return TIMEMORY_OK;
}

/* A pop while pushes skipped while paused are open: the innermost open push of key, recorded
 * or skipped, is the one popped. */
__attribute__((noinline)) static int tm__pop_any(uint64_t key)
{
    if(TM_UNLIKELY(tm__state >= 2)) return tm__refused_after_finalize();
    timemory_thread_skips* s = &timemory_thread_skipped;
    tm__graph*             g = tm__tls_graph;
    size_t                 r = g ? g->nframes : 0;
    for(unsigned i = s->count; i > 0 || r > 0;)
    {
        if(i > 0 && s->entries[i - 1].below >= r)
        {
            if(s->entries[i - 1].key == key)
            {
                tm__skip_remove(i - 1);
                return TIMEMORY_EDISABLED;
            }
            --i;
        }
        else if(g->frames[--r].key == key && !g->frames[r].tag_a)
        {
            tm__frame_stop(&g->frames[r], r);
            tm__frame_remove(g, r);
            return TIMEMORY_OK;
        }
    }
    return tm__pop_unmatched(g);
}

int timemory_pop_values(uint64_t key, int comp, const int64_t delta[2], uint64_t laps)
{
    if((comp = tm__comp_index(comp)) < 0 || !delta) return TIMEMORY_EINVAL;
    tm__graph* g   = tm__tls_graph;
    size_t     idx = g && g->nframes ? g->nframes - 1 : 0;
    tm__frame* f   = g && g->nframes && g->frames[idx].key == key && !g->frames[idx].tag_a
                         ? &g->frames[idx]
                     : g ? tm__frame_find(g, key, &idx)
                         : NULL;
    if(TM_UNLIKELY(!f))
    {
        tm__set_error(TIMEMORY_EUNBALANCED);
        return TIMEMORY_EUNBALANCED;
    }
    int rc = TIMEMORY_OK;
    if(f->node)
    {
        tm__record* r = tm__record_get(g, f->node, comp);
        if(r)
        {
            if(comp == TIMEMORY_WALL_CLOCK && laps == 1)
                tm__wall_add(r, delta[0]);
            else if(laps > 0)
                tm__record_add(r, delta, laps);
            else /* a node that exists but never ran (tracer lines): present with no laps */
            {
                int64_t accum[2] = { r->accum[0], r->accum[1] };
                tm__accumulate(comp, accum, delta);
                TM_STORE(&r->accum[0], accum[0]);
                TM_STORE(&r->accum[1], accum[1]);
                TM_STORE(&r->present, true);
            }
        }
        else
            rc = TIMEMORY_ENOMEM;
    }
    if(TM_UNLIKELY(f->tl)) tm__timeline_end(f->tl, key, (uint32_t)idx, tm__timeline_now(), 0);
    tm__frame_remove(g, idx);
    return rc;
}

/* ---- hook pushes ------------------------------------------------------------------------- */

/* Every case of a hook push: components, scopes, depth limits, the first push of a node. */
__attribute__((noinline)) static int tm__hook_push_general(uint64_t key, const tm__cset* comps,
                                                           unsigned scope, const void* tag_a,
                                                           const void* tag_b, int64_t start_ticks)
{
    if(TM_UNLIKELY(!tag_a)) return TIMEMORY_EINVAL;
    if(!tm__cset_empty(comps) && !(scope & TIMEMORY_SCOPE_NONE))
    {
        int rc = tm__push(key, comps, scope);
        if(rc != TIMEMORY_OK) return rc;
        tm__frame* f = &tm__tls_graph->frames[tm__tls_graph->nframes - 1];
        f->tag_a     = tag_a;
        f->tag_b     = tag_b;
        return TIMEMORY_OK;
    }
    /* the caller times it: a node and its wall_clock record, nothing else */
    if(TM_UNLIKELY(tm__state >= 2)) return TIMEMORY_EFINALIZED;
    tm__graph* g = tm__graph_get();
    if(TM_UNLIKELY(!g || (g->nframes == g->frame_cap && !tm__frames_grow(g))))
    {
        tm__set_error(TIMEMORY_ENOMEM);
        return TIMEMORY_ENOMEM;
    }
    tm__frame* f                = &g->frames[g->nframes];
    f->key                      = key;
    f->saved                    = g->current;
    f->caller_clock             = true;
    f->tl                       = 0;
    f->tag_a                    = tag_a;
    f->tag_b                    = tag_b;
    f->hook_start               = start_ticks;
    f->node                     = (scope & TIMEMORY_SCOPE_NONE) ? NULL : tm__insert(g, key, scope);
    f->hook_rec                 = NULL;
    timemory_thread_open_pushes = (unsigned)++g->nframes;
    if(TM_UNLIKELY(!f->node)) return TIMEMORY_OK;
    if(TM_UNLIKELY(tm__settings.timeline))
        f->tl = tm__timeline_begin(g->tid, key, (uint32_t)(g->nframes - 1), start_ticks,
                                   TM__TL_TICKS);
    if(!f->node->wall)
    {
        f->node->wall = tm__record_get(g, f->node, TIMEMORY_WALL_CLOCK);
        if(!f->node->wall) tm__set_error(TIMEMORY_ENOMEM);
    }
    f->hook_rec = f->node->wall;
    if(!(scope & TIMEMORY_SCOPE_FLAT) &&
       !(scope == TIMEMORY_SCOPE_DEFAULT && tm__settings.flat_profile))
        g->current = f->node;
    return TIMEMORY_OK;
}

/* The common case inline: the caller's clock, a tree push under the current node, a child
 * entered before from there (the parent's hot child), room on the stack. */
int timemory_hook_push_set(uint64_t key, const timemory_component_set* comps, unsigned scope,
                           const void* tag_a, const void* tag_b, int64_t start_ticks)
{
    if(TM_UNLIKELY(!tm__settings.enabled)) return TIMEMORY_EDISABLED;
    tm__cset set = tm__cset_of(comps);
    if(tm__cset_empty(&set)) return timemory_hook_push(key, 0, scope, tag_a, tag_b, start_ticks);
    return tm__hook_push_general(key, &set, scope, tag_a, tag_b, start_ticks);
}

int timemory_hook_push(uint64_t key, timemory_components_t comps, unsigned scope, const void* tag_a,
                       const void* tag_b, int64_t start_ticks)
{
    if(TM_UNLIKELY(!tm__settings.enabled)) return TIMEMORY_EDISABLED;
    tm__graph* g    = tm__tls_graph;
    bool       tree = scope == TIMEMORY_SCOPE_TREE ||
                (scope == TIMEMORY_SCOPE_DEFAULT && !tm__settings.flat_profile &&
                 !tm__settings.timeline_profile);
    if(TM_UNLIKELY(!g || comps != 0 || !tree || !tag_a || g->nframes == g->frame_cap))
    {
        tm__cset set = {{comps}};
        return tm__hook_push_general(key, &set, scope, tag_a, tag_b, start_ticks);
    }
    tm__node* parent = g->current;
    uint32_t  depth  = parent->depth + 1;
    tm__node* n      = parent->hot_child;
    if(TM_UNLIKELY(!n || parent->hot_id != tm__combine(key, depth) || !n->wall ||
                   depth > (uint32_t)tm__settings.max_depth || tm__state >= 2))
    {
        tm__cset set = {{comps}};
        return tm__hook_push_general(key, &set, scope, tag_a, tag_b, start_ticks);
    }
    tm__frame* f                = &g->frames[g->nframes];
    f->node                     = n;
    f->saved                    = parent;
    f->tag_a                    = tag_a;
    f->tag_b                    = tag_b;
    f->hook_rec                 = n->wall;
    f->hook_start               = start_ticks;
    f->key                      = key;
    f->caller_clock             = true;
    f->tl                       = 0;
    g->current                  = n;
    timemory_thread_open_pushes = (unsigned)++g->nframes;
    if(TM_UNLIKELY(tm__settings.timeline))
        f->tl = tm__timeline_begin(g->tid, key, (uint32_t)(g->nframes - 1), start_ticks,
                                   TM__TL_TICKS);
    return TIMEMORY_OK;
}

/* Caller ticks to ns: an integer multiply (the ratio changes once per session at most). */
static inline int64_t tm__ticks_to_ns(tm__graph* g, int64_t ticks, double ns_per_tick)
{
    if(ns_per_tick == 1.0) return ticks;
    if(TM_UNLIKELY(g->tick_ratio != ns_per_tick))
    {
        g->tick_ratio = ns_per_tick;
        g->tick_mult  = ns_per_tick > 0.0 && ns_per_tick < 1048576.0
                            ? (uint64_t)(ns_per_tick * 4294967296.0 + 0.5)
                            : (uint64_t)1 << 32;
    }
    __extension__ typedef __int128 tm__i128;
    return (int64_t)(((tm__i128)ticks * (tm__i128)g->tick_mult) >> 32);
}

static inline void tm__hook_finish(tm__graph* g, tm__frame* f, size_t idx, int64_t end_ticks,
                                   double ns_per_tick)
{
    if(!f->caller_clock)
        tm__frame_stop(f, idx);
    else
    {
        if(TM_LIKELY(f->hook_rec != NULL))
            tm__wall_add(f->hook_rec, tm__ticks_to_ns(g, end_ticks - f->hook_start, ns_per_tick));
        if(TM_UNLIKELY(f->tl))
            tm__timeline_end(f->tl, f->key, (uint32_t)idx, end_ticks, TM__TL_TICKS);
    }
}

int timemory_hook_pop(const void* tag_a, const void* tag_b, int64_t end_ticks, double ns_per_tick)
{
    tm__graph* g = tm__tls_graph;
    if(TM_UNLIKELY(!g || g->nframes == 0)) return TIMEMORY_ENOTFOUND;
    size_t     idx = g->nframes - 1;
    tm__frame* f   = &g->frames[idx];
    if(TM_UNLIKELY(f->tag_a != tag_a || f->tag_b != tag_b))
    {
        /* something pushed inside the call was left open (an exception skipped its pop):
         * the hook push is found below it and removed out of order */
        for(f = NULL; idx-- > 0;)
            if(g->frames[idx].tag_a == tag_a && g->frames[idx].tag_b == tag_b)
            {
                f = &g->frames[idx];
                break;
            }
        if(!f) return TIMEMORY_ENOTFOUND;
    }
    if(TM_LIKELY(f->node != NULL)) tm__hook_finish(g, f, idx, end_ticks, ns_per_tick);
    tm__frame_remove(g, idx);
    return TIMEMORY_OK;
}

int timemory_hook_pop_all(int64_t end_ticks, double ns_per_tick, int record)
{
    tm__graph* g = tm__tls_graph;
    int        n = 0;
    for(size_t i = g ? g->nframes : 0; i-- > 0;)
    {
        tm__frame* f = &g->frames[i];
        if(!f->tag_a) continue;
        if(record && f->node)
            tm__hook_finish(g, f, i, end_ticks, ns_per_tick);
        else if(f->tl) /* ended now, unrecorded */
            tm__timeline_end(f->tl, f->key, (uint32_t)i, tm__timeline_now(), 0);
        tm__frame_remove(g, i);
        ++n;
    }
    /* and the suspended coroutines whose pushes include hook pushes (the profiler's) */
    if(g) n += tm__suspended_end_hooks(g, end_ticks, ns_per_tick, record);
    return n;
}

int timemory_stack_depth(void)
{
    tm__graph* g = tm__tls_graph;
    return g ? (int)g->nframes : 0;
}

void tm__graph_unwind_current(void)
{
    tm__graph* g = tm__tls_graph;
    while(g && g->nframes > 0)
    {
        tm__frame* f = &g->frames[g->nframes - 1];
        /* a hook push timed by its caller has no end to read here: it closes unrecorded, and
         * so do the frames a forked child inherited (its parent records them) */
        if(f->node && !f->caller_clock && !tm__frame_inherited(g, g->nframes - 1))
            tm__frame_stop(f, g->nframes - 1);
        else if(f->tl) /* it ends now in the timeline */
            tm__timeline_end(f->tl, f->key, (uint32_t)(g->nframes - 1), tm__timeline_now(), 0);
        tm__frame_remove(g, g->nframes - 1);
    }
    /* coroutines suspended on this thread end here too */
    if(g) tm__suspended_end_all(g);
}

/* Open frames of every thread: their records are marked present (laps unchanged), so that a
 * snapshot taken while they are open (a hand-off) keeps their children under them instead of
 * moving them up. Returns the records it changed (malloc'd, *n of them; NULL when none or out
 * of memory) for tm__records_unmark. Called with the threads at a safe point. */
typedef struct tm__marked
{
    tm__record** list;
    size_t       n;
    size_t       cap;
} tm__marked;

static void tm__frames_mark(void* frames, size_t nframes, void* arg)
{
    tm__marked* m = arg;
    for(size_t k = 0; k < nframes; ++k)
    {
        tm__frame* f = &((tm__frame*)frames)[k];
        if(!f->node) continue;
        int nrec = f->caller_clock ? 1 : f->ncomp;
        for(int c = 0; c < nrec; ++c)
        {
            tm__record* r = f->caller_clock ? f->hook_rec : f->rec[c];
            if(!r || r->present) continue;
            if(m->n == m->cap)
            {
                size_t       want = m->cap ? m->cap * 2 : 16;
                tm__record** l    = realloc(m->list, want * sizeof(*l));
                if(!l) continue; /* not marked: its children move up in this snapshot */
                m->list = l;
                m->cap  = want;
            }
            r->present       = true;
            m->list[m->n++] = r;
        }
    }
}

tm__record** tm__graphs_mark_open(size_t* n)
{
    tm__graphs_lock();
    tm__marked marked = { NULL, 0, 0 };
    for(size_t i = 0; i < tm__graph_count; ++i)
    {
        tm__graph* g = tm__graph_list[i];
        tm__frames_mark(g->frames, g->nframes, &marked);
        tm__suspended_each(g, tm__frames_mark, &marked); /* suspended coroutines' too */
    }
    tm__graphs_unlock();
    *n = marked.n;
    return marked.list;
}

void tm__records_unmark(tm__record** recs, size_t n)
{
    tm__graphs_lock();
    for(size_t i = 0; i < n; ++i)
        if(recs[i]->laps == 0) recs[i]->present = false;
    tm__graphs_unlock();
    free(recs);
}

/* Zeroes the records of the selected components everywhere. The structure stays (open frames
 * keep pointing at valid nodes); result building skips records with nothing in them. */
void tm__graphs_clear(const tm__cset* comps)
{
    tm__graphs_lock();
    for(size_t i = 0; i < tm__graph_count; ++i)
    {
        for(tm__chunk* c = tm__graph_list[i]->records; c; c = c->next)
        {
            tm__record* recs = (tm__record*)c->data;
            for(size_t k = 0; k < c->used; ++k)
            {
                if(comps && !tm__cset_empty(comps) && !tm__cset_has(comps, recs[k].comp)) continue;
                static const tm__stats zero;
                TM_STORE(&recs[k].laps, 0);
                TM_STORE(&recs[k].accum[0], 0);
                TM_STORE(&recs[k].accum[1], 0);
                tm__store_stats(&recs[k].stats, &zero);
                TM_STORE(&recs[k].present, false);
            }
        }
    }
    tm__graphs_unlock();
}

/* ---- coroutines: positions, and a step's frames off the stack and back (suspend.c) -------- */

const size_t tm__frame_bytes = sizeof(tm__frame);

timemory_position timemory_get_position(void)
{
    tm__graph* g = tm__graph_get();
    return (timemory_position){ g, g ? g->current : NULL };
}

int timemory_set_position(timemory_position pos)
{
    tm__graph* g = tm__tls_graph;
    if(!g || pos.graph != g || !pos.node) return TIMEMORY_EINVAL;
    g->current = (tm__node*)pos.node;
    return TIMEMORY_OK;
}

tm__graph* tm__graph_self(void)
{
    return tm__tls_graph;
}

size_t tm__graph_depth(const tm__graph* g)
{
    return g->nframes;
}

tm__suspended** tm__graph_suspended(tm__graph* g)
{
    return &g->suspended;
}

long tm__hook_frame_index(const tm__graph* g, const void* tag_a, const void* tag_b)
{
    for(size_t i = g->nframes; i-- > 0;)
        if(g->frames[i].tag_a == tag_a && g->frames[i].tag_b == tag_b) return (long)i;
    return -1;
}

/* Room for need more skipped pushes on the calling thread's stack of them. */
static bool tm__skips_reserve(unsigned need)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    if(s->count + need <= s->capacity) return true;
    unsigned cap = s->capacity ? s->capacity : 64;
    while(cap < s->count + need) cap *= 2;
    timemory_skipped_push* e = realloc(s->entries, cap * sizeof(*e));
    if(!e) return false;
    pthread_once(&tm__skips_once, tm__skips_key_create);
    if(tm__skips_key != (pthread_key_t)-1) pthread_setspecific(tm__skips_key, e);
    s->entries  = e;
    s->capacity = cap;
    return true;
}

/* The paused pushes of the step: from index skip_from on, or (skip_from UINT_MAX) those made
 * while frame base was open. */
static inline bool tm__skip_in_step(const timemory_thread_skips* k, unsigned i, size_t base,
                                    unsigned skip_from)
{
    return skip_from == UINT_MAX ? k->entries[i].below > base : i >= skip_from;
}

int tm__segment_take(tm__graph* g, size_t base, unsigned skip_from, tm__segment* s)
{
    size_t                 n     = g->nframes - base;
    timemory_thread_skips* k     = &timemory_thread_skipped;
    unsigned               nskip = 0;
    for(unsigned i = 0; i < k->count; ++i) nskip += tm__skip_in_step(k, i, base, skip_from);
    if(n > s->frame_cap)
    {
        void* f = aligned_alloc(_Alignof(tm__frame), n * sizeof(tm__frame));
        if(!f) return TIMEMORY_ENOMEM;
        free(s->frames);
        s->frames    = f;
        s->frame_cap = n;
    }
    if(nskip > s->skip_cap)
    {
        timemory_skipped_push* e = realloc(s->skips, nskip * sizeof(*e));
        if(!e) return TIMEMORY_ENOMEM;
        s->skips    = e;
        s->skip_cap = nskip;
    }
    if(n) memcpy(s->frames, &g->frames[base], n * sizeof(tm__frame));
    s->nframes = n;
    s->current = g->current;
    /* paused pushes made while these frames were open belong to the same step */
    unsigned kept = 0;
    s->nskips     = 0;
    for(unsigned i = 0; i < k->count; ++i)
    {
        timemory_skipped_push e = k->entries[i];
        if(tm__skip_in_step(k, i, base, skip_from))
        {
            e.below = e.below > base ? e.below - (unsigned)base : 0;
            s->skips[s->nskips++] = e;
        }
        else
            k->entries[kept++] = e;
    }
    k->count = kept;
    if(n)
    {
        g->current                  = g->frames[base].saved;
        g->nframes                  = base;
        timemory_thread_open_pushes = (unsigned)base;
    }
    return TIMEMORY_OK;
}

int tm__segment_put(tm__graph* g, tm__segment* s)
{
    while(g->nframes + s->nframes > g->frame_cap)
        if(!tm__frames_grow(g)) return TIMEMORY_ENOMEM;
    if(!tm__skips_reserve(s->nskips)) return TIMEMORY_ENOMEM;
    size_t base = g->nframes;
    timemory_thread_skips* k = &timemory_thread_skipped;
    for(unsigned i = 0; i < s->nskips; ++i)
        k->entries[k->count++] = (timemory_skipped_push){ s->skips[i].key,
                                                          s->skips[i].below + (unsigned)base };
    if(s->nframes)
    {
        memcpy(&g->frames[base], s->frames, s->nframes * sizeof(tm__frame));
        g->frames[base].saved       = g->current; /* it closes where the stack is now */
        g->nframes                  = base + s->nframes;
        timemory_thread_open_pushes = (unsigned)g->nframes;
        g->current                  = (tm__node*)s->current;
    }
    s->nframes = 0;
    s->nskips  = 0;
    return TIMEMORY_OK;
}

void tm__segment_end(tm__graph* g, tm__segment* s, bool record, bool hook_ticks,
                     int64_t end_ticks, double ns_per_tick)
{
    tm__frame* frames = s->frames;
    for(size_t i = s->nframes; record && i-- > 0;)
    {
        tm__frame* f = &frames[i];
        if(!f->node || (f->caller_clock && !hook_ticks)) continue;
        /* a suspended frame is off the stack: its depth as if it were back on top */
        tm__hook_finish(g, f, g->nframes + i, end_ticks, ns_per_tick);
    }
    s->nframes = 0;
    s->nskips  = 0;
}

bool tm__segment_has_hooks(const tm__segment* s)
{
    const tm__frame* frames = s->frames;
    for(size_t i = 0; i < s->nframes; ++i)
        if(frames[i].tag_a) return true;
    return false;
}

void tm__segment_free(tm__segment* s)
{
    free(s->frames);
    free(s->skips);
    s->frames    = NULL;
    s->skips     = NULL;
    s->frame_cap = 0;
    s->skip_cap  = 0;
    s->nframes   = 0;
    s->nskips    = 0;
}
