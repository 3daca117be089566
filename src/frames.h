/* frames.h -- the layout of a thread's graph and its frame stack, private to the three files
 * that work on them: graph.c (the graphs: storage, registry, threads, snapshots), push.c (the
 * hot path: push/pop on the frame stack) and suspend.c (coroutines' frames off the stack).
 * Owns the structs and the small inline helpers the hot path needs from the storage (the
 * calling thread's graph, child lookup, relaxed stores of values another thread may read).
 */
#ifndef TIMEMORY_SRC_FRAMES_H
#define TIMEMORY_SRC_FRAMES_H

#include "internal.h"

/* One open push. The first cache line holds everything a hook push touches (frames are
 * 64-byte aligned); the component arrays follow. */
typedef struct tm__frame {
    _Alignas(64) tm__node* node; /* NULL: beyond max_depth, nothing recorded */
    tm__node*   saved;           /* current before this push */
    const void* tag_a;           /* hook pushes: what their pop names; NULL otherwise */
    const void* tag_b;
    tm__record* hook_rec;   /* hook push timed by its caller: the wall_clock record */
    int64_t     hook_start; /* ... and its start, in the caller's ticks */
    uint64_t    key;
    int         ncomp;
    bool        caller_clock; /* a hook push timed by its caller */
    uint8_t     tl;           /* its begin in the timeline (timeline.c): 0 none */
    bool        wall_only;    /* the set is wall_clock alone (comps is not kept) */
    uint8_t     gperf;        /* the gperftools profilers it started (gperftools.c) */
    tm__cset    comps;
    tm__record* rec[TM_MAX_BUNDLE];
    int64_t     start[TM_MAX_BUNDLE][2];
} tm__frame;

typedef struct tm__slot {
    const tm__node* parent;
    uint64_t        id;
    tm__node*       node;
} tm__slot;

typedef struct tm__chunk {
    struct tm__chunk* next;
    size_t            used;
    size_t            cap;
    size_t            size; /* element size */
    _Alignas(16) unsigned char data[];
} tm__chunk;

struct tm__graph {
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
    /* tm__hwc_list_generation when each was trimmed */
    unsigned              last_hwc_generation;
    unsigned              last_mask_hwc_generation;
    struct tm__suspended* suspended; /* coroutines' pushes between their steps (suspend.c) */
};

/* initial-exec: one %fs-relative load instead of a __tls_get_addr call on every push/pop.
 * Only this one pointer (8 bytes) uses it: dlopen() still finds room for it in the static TLS
 * surplus glibc keeps for such libraries. */
extern _Thread_local tm__graph* tm__tls_graph __attribute__((tls_model("initial-exec")));

/* graph.c: a thread's graph, made at its first push (NULL when out of memory) */
tm__graph* tm__graph_create(void);

static inline tm__graph* tm__graph_get(void)
{
    tm__graph* g = tm__tls_graph;
    if(TM_LIKELY(g != NULL)) return g;
    return (tm__tls_graph = tm__graph_create());
}

/* graph.c: the set a push records (available, at most TM_MAX_BUNDLE); a new child node of
 * parent; a node's record of comp (made at its first push); whether frame idx of the calling
 * thread is one a forked child inherited (never recorded by the child) */
tm__cset    tm__trim(const tm__cset* comps);
bool        tm__is_wall_only(const tm__cset* s);
tm__node*   tm__child_add(tm__graph* g, tm__node* parent, uint64_t id, uint64_t key);
tm__record* tm__record_get(tm__graph* g, tm__node* n, int comp);
bool        tm__frame_inherited(const tm__graph* g, size_t idx);
/* push.c, for suspend.c: a frame stack twice as deep; room for need more skipped pushes; ends
 * frame f (at depth idx) as a hook pop does */
bool tm__frames_grow(tm__graph* g);
bool tm__skips_reserve(unsigned need);
void tm__frame_finish(tm__graph* g, tm__frame* f, size_t idx, int64_t end_ticks,
                      double ns_per_tick);

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

static inline uint64_t tm__combine(uint64_t a, uint64_t b)
{
    return a ^ (b + 0x9e3779b9ull + (a << 6) + (a >> 2));
}

/* ---- values another thread may read (tm__record_read) ------------------------------------- */

#define TM_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define TM_LOAD(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
static inline void tm__store_f64(double* p, double v)
{
    __atomic_store(p, &v, __ATOMIC_RELAXED);
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

#endif
