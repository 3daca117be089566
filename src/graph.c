/* graph.c -- call-graph storage: one graph per thread, its nodes and records.
 * Owns the registry of graphs (a lock at registration and output only), a thread's graph made
 * at its first push and compacted when the thread exits, the state a forked child starts from,
 * the arenas (nodes and records in fixed-size chunks), child lookup (an open-addressing table
 * keyed by (parent, id)), the records and their statistics, and the snapshots output takes
 * (open frames marked present, records cleared). The layout is frames.h's; push/pop, the hot
 * path that fills these, is push.c's, and coroutines' frames off the stack are suspend.c's.
 */
#include "frames.h"
#include "timemory/mallocp.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TM_NODES_PER_CHUNK   1024
#define TM_RECORDS_PER_CHUNK 1024

/* ---- the registry of graphs (lock only at registration and output) ----------------------- */

static pthread_mutex_t tm__graphs_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__graph**     tm__graph_list;
static size_t          tm__graph_count;
static size_t          tm__graph_cap;
/* initial-exec: one %fs-relative load instead of a __tls_get_addr call on every push/pop.
 * Only this one pointer (8 bytes) uses it: dlopen() still finds room for it in the static TLS
 * surplus glibc keeps for such libraries. */
_Thread_local tm__graph* tm__tls_graph __attribute__((tls_model("initial-exec")));
/* components a push can record: available, with a value of their own */
static tm__cset tm__recordable; /* words read and or-ed with relaxed atomics */
static bool     tm__recordable_done;
static tm__cset tm__used_set; /* likewise */
static int      tm__first_use[TM_COMP_CAP];
static int      tm__first_use_count;
/* run at a thread's first push, before its graph is made (tm__graph_on_thread_start) */
static _Atomic(void (*)(void)) tm__thread_start_hook;

void tm__graph_on_thread_start(void (*fn)(void))
{
    atomic_store_explicit(&tm__thread_start_hook, fn, memory_order_release);
}

/* allocations made while the lock is held are not recorded (mallocp.h: the hold) */
void tm__graphs_lock(void)
{
    ++timemory_alloc_hold;
    pthread_mutex_lock(&tm__graphs_mutex);
}
void tm__graphs_unlock(void)
{
    pthread_mutex_unlock(&tm__graphs_mutex);
    --timemory_alloc_hold;
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
    /* the hardware-counter rows are never recorded themselves (and asking whether they are
     * available loads libpapi: done when one is named) */
    if(tm__hwc_row(comp)) return;
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
tm__cset tm__trim(const tm__cset* comps)
{
    tm__cset out = { { 0 } };
    int      n   = 0;
    /* papi_vector / papi_array / cpu_roofline_*: the members of their group (registered at the
     * first use) */
    tm__cset in = *comps;
    for(int c = TIMEMORY_CPU_ROOFLINE_DP_FLOPS; c <= TIMEMORY_PAPI_VECTOR; ++c)
    {
        if(!tm__hwc_row(c) || !tm__cset_has(&in, c)) continue;
        int first = 0, k = tm__hwc_row_reason(c) ? 0 : tm__hwc_group(c, &first);
        for(int i = 0; i < k; ++i) tm__cset_add(&in, first + i);
    }
    comps = &in;
    for(int w = 0; w < TM_CSET_WORDS; ++w)
    {
        uint64_t m = comps->bits[w] & __atomic_load_n(&tm__recordable.bits[w], __ATOMIC_RELAXED);
        for(; m && n < TM_MAX_BUNDLE; m &= m - 1, ++n) out.bits[w] |= m & -m;
    }
    return out;
}

bool tm__is_wall_only(const tm__cset* s)
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

typedef struct tm__chunk_span {
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
    g->frames  = NULL;
    g->slots   = NULL;
    g->nframes = g->frame_cap = 0;
    g->slot_cap = g->slot_count = 0;
    g->current                  = &g->root;
    size_t          nn = 0, nr = 0, node_bytes = 0, rec_bytes = 0;
    tm__chunk_span* ns = tm__spans(g->nodes, &nn, &node_bytes);
    tm__chunk_span* rs = tm__spans(g->records, &nr, &rec_bytes);
    tm__chunk*      nc = (nn && !ns) || (nr && !rs)
                             ? NULL
                             : tm__arena_compact(g->nodes, sizeof(tm__node), ns, nn, node_bytes);
    tm__chunk*      rc =
        nc ? tm__arena_compact(g->records, sizeof(tm__record), rs, nr, rec_bytes) : NULL;
    if(nc && rc)
    {
        /* every pointer into the old chunks now points into the new blocks */
        tm__node* nodes = (tm__node*)nc->data;
        for(size_t i = 0; i <= nc->used; ++i)
        {
            tm__node* n     = i < nc->used ? &nodes[i] : &g->root;
            n->parent       = tm__relocate(n->parent, ns, nn, nc->data);
            n->first_child  = tm__relocate(n->first_child, ns, nn, nc->data);
            n->last_child   = tm__relocate(n->last_child, ns, nn, nc->data);
            n->next_sibling = tm__relocate(n->next_sibling, ns, nn, nc->data);
            n->hot_child    = tm__relocate(n->hot_child, ns, nn, nc->data);
            n->records      = tm__relocate(n->records, rs, nr, rc->data);
            n->wall         = tm__relocate(n->wall, rs, nr, rc->data);
        }
        tm__record* recs = (tm__record*)rc->data;
        for(size_t i = 0; i < rc->used; ++i)
            recs[i].next = tm__relocate(recs[i].next, rs, nr, rc->data);
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
    ++timemory_alloc_hold; /* for good: the thread's later allocations are not recorded */
    if(tm__tls_graph == g) tm__tls_graph = NULL;
    timemory_thread_open_pushes = 0;
    tm__graph_compact(g);
}

static void tm__graph_key_create(void)
{
    tm__graph_key_ok = pthread_key_create(&tm__graph_key, tm__graph_thread_exit) == 0;
}

static tm__graph* tm__graph_create_held(void);
tm__graph*        tm__graph_create(void)
{
    ++timemory_alloc_hold; /* an allocation recorded now would need the graph being made */
    tm__graph* g = tm__graph_create_held();
    --timemory_alloc_hold;
    return g;
}

static tm__graph* tm__graph_create_held(void)
{
    if(!tm__recordable_done) tm__recordable_init();
    void (*hook)(void) = atomic_load_explicit(&tm__thread_start_hook, memory_order_acquire);
    if(hook) hook(); /* an alternate signal stack while the handler is on (signals.c) */
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
typedef struct tm__inherited {
    const tm__node* node;
    uint64_t        key;
    int64_t         start; /* first component's start (or the hook start): which push it is */
} tm__inherited;
static const tm__graph* tm__fork_graph;  /* the forking thread's graph, in a forked child */
static tm__inherited*   tm__fork_frames; /* its open frames at the fork */
static size_t           tm__fork_base;

static inline int64_t tm__frame_start_id(const tm__frame* f)
{
    return f->caller_clock ? f->hook_start : f->ncomp > 0 ? f->start[0][0] : 0;
}

/* frame idx of the calling thread is one the child inherited (still open since the fork) */
bool tm__frame_inherited(const tm__graph* g, size_t idx)
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
        ++timemory_alloc_hold; /* the arena is being changed: not recorded (mallocp.h) */
        tm__chunk* n = calloc(1, sizeof(tm__chunk) + size * cap);
        --timemory_alloc_hold;
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
    size_t cap = g->slot_cap * 2;
    ++timemory_alloc_hold; /* the table is being changed: not recorded (mallocp.h) */
    tm__slot* slots = calloc(cap, sizeof(tm__slot));
    --timemory_alloc_hold;
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

tm__node* tm__child_add(tm__graph* g, tm__node* parent, uint64_t id, uint64_t key)
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

tm__record* tm__record_get(tm__graph* g, tm__node* n, int comp)
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

static inline double tm__load_f64(const double* p)
{
    double v;
    __atomic_load(p, &v, __ATOMIC_RELAXED);
    return v;
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

/* Open frames of every thread: their records are marked present (laps unchanged), so that a
 * snapshot taken while they are open (a hand-off) keeps their children under them instead of
 * moving them up. Returns the records it changed (malloc'd, *n of them; NULL when none or out
 * of memory) for tm__records_unmark. Called with the threads at a safe point. */
typedef struct tm__marked {
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
            r->present      = true;
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

/* ---- allocation events (events.c) ------------------------------------------------------- */

/* The child key of g's current node (the root with flat_profile), made the first time; the
 * push path's hot child is left as it is. NULL beyond max_depth or out of memory. */
tm__node* tm__graph_event_child(tm__graph* g, uint64_t key)
{
    tm__node* parent = tm__settings.flat_profile ? &g->root : g->current;
    if(!g->slots || parent->depth + 1 > (uint32_t)tm__settings.max_depth) return NULL;
    uint64_t  id = tm__combine(key, parent->depth + 1);
    tm__node* n  = tm__child_find(g, parent, id);
    if(TM_UNLIKELY(!n) && !(n = tm__child_add(g, parent, id, key))) tm__set_error(TIMEMORY_ENOMEM);
    return n;
}

tm__record* tm__graph_event_record(tm__graph* g, tm__node* n, int comp)
{
    return tm__record_get(g, n, comp);
}
