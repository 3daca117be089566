/* suspend.c -- coroutines: the pushes a coroutine's step leaves open, kept off the thread's
 * stack while the coroutine waits. Owns the per-thread table of suspended coroutines (keyed by
 * an owner address: the coroutine or its frame), the timemory_coroutine_* API, a step's frames
 * (and paused pushes) moved off the thread's stack and back (tm__segment_take/_put; the frame
 * layout is frames.h's) and the positions (timemory_get/set_position).
 * Why: a thread runs many coroutines in turn (an event loop), and its one stack would otherwise
 * nest each coroutine's regions inside whichever other coroutine's regions were left open at
 * its await. Policy: called between two steps, never from push/pop; after warm-up (the table
 * and a few spare buffers) a suspend/resume pair allocates nothing.
 */
#include "frames.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TM_SPARES_MAX 64 /* buffers of resumed coroutines kept for the next suspensions */

struct tm__suspended {
    tm__segment* slots; /* open addressing (linear probing) by owner, power-of-two capacity */
    size_t       cap;
    size_t       count;
    tm__segment  spares[TM_SPARES_MAX]; /* owner NULL, buffers only */
    size_t       nspares;
};

static inline size_t tm__owner_hash(const void* owner, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)owner * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 29)) & mask;
}

static tm__segment* tm__find(tm__suspended* t, const void* owner)
{
    if(!t || t->count == 0) return NULL;
    size_t mask = t->cap - 1;
    for(size_t i = tm__owner_hash(owner, mask);; i = (i + 1) & mask)
    {
        if(t->slots[i].owner == owner) return &t->slots[i];
        if(!t->slots[i].owner) return NULL;
    }
}

/* A slot's buffers go to the spares (or are freed); the slot is removed by backward shift. */
static void tm__remove(tm__suspended* t, tm__segment* slot)
{
    if(t->nspares < TM_SPARES_MAX)
    {
        tm__segment* spare = &t->spares[t->nspares++];
        *spare             = *slot;
        spare->owner       = NULL;
    }
    else
        tm__segment_free(slot);
    size_t mask = t->cap - 1;
    size_t i    = (size_t)(slot - t->slots);
    for(size_t j = (i + 1) & mask; t->slots[j].owner; j = (j + 1) & mask)
    {
        size_t home = tm__owner_hash(t->slots[j].owner, mask);
        /* slot j may move to the hole at i when its home is not in (i, j] cyclically */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if(!stays)
        {
            t->slots[i] = t->slots[j];
            i           = j;
        }
    }
    memset(&t->slots[i], 0, sizeof(t->slots[i]));
    --t->count;
}

static bool tm__grow(tm__suspended* t)
{
    size_t       cap   = t->cap ? t->cap * 2 : 16;
    tm__segment* slots = calloc(cap, sizeof(*slots));
    if(!slots) return false;
    for(size_t i = 0; i < t->cap; ++i)
    {
        if(!t->slots[i].owner) continue;
        size_t k = tm__owner_hash(t->slots[i].owner, cap - 1);
        while(slots[k].owner) k = (k + 1) & (cap - 1);
        slots[k] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap   = cap;
    return true;
}

/* A new slot for owner (with spare buffers when there are), or NULL when out of memory. */
static tm__segment* tm__insert(tm__suspended* t, const void* owner)
{
    if((t->count + 1) * 4 > t->cap * 3 && !tm__grow(t)) return NULL;
    size_t mask = t->cap - 1;
    size_t i    = tm__owner_hash(owner, mask);
    while(t->slots[i].owner) i = (i + 1) & mask;
    tm__segment* s = &t->slots[i];
    if(t->nspares > 0)
        *s = t->spares[--t->nspares];
    else
        memset(s, 0, sizeof(*s));
    s->owner = owner;
    ++t->count;
    return s;
}

static tm__suspended* tm__table(tm__graph* g)
{
    tm__suspended** t = tm__graph_suspended(g);
    if(!*t) *t = calloc(1, sizeof(tm__suspended));
    return *t;
}

/* Frames from base up of the calling thread go under owner (a stale entry of the same owner,
 * left by a coroutine that never continued, is dropped first). */
static int tm__suspend_from(tm__graph* g, size_t base, unsigned skip_from, const void* owner)
{
    tm__suspended* t     = tm__table(g);
    tm__segment*   stale = tm__find(t, owner);
    if(stale)
    {
        tm__segment_end(g, stale, false, false, 0, 0.0);
        tm__remove(t, stale);
    }
    tm__segment* s  = t ? tm__insert(t, owner) : NULL;
    int          rc = s ? tm__segment_take(g, base, skip_from, s) : TIMEMORY_ENOMEM;
    if(rc != TIMEMORY_OK)
    {
        /* the frames stay on the stack: later pushes nest under them, nothing is lost */
        if(s) tm__remove(t, s);
        tm__set_error(rc);
        return rc;
    }
    if(s->nframes == 0 && s->nskips == 0) tm__remove(t, s); /* nothing open: nothing kept */
    return TIMEMORY_OK;
}

uint64_t timemory_coroutine_mark(void)
{
    tm__graph* g = tm__graph_self();
    return (uint64_t)timemory_thread_skipped.count << 32 | (g ? tm__graph_depth(g) : 0);
}

int timemory_coroutine_suspend(const void* owner, uint64_t mark)
{
    size_t   depth = (size_t)(mark & 0xffffffffu);
    unsigned skips = (unsigned)(mark >> 32);
    if(!owner) return TIMEMORY_EINVAL;
    if(TM_UNLIKELY(tm__state >= 2)) return TIMEMORY_EFINALIZED;
    tm__graph* g = tm__graph_self();
    if(!g && timemory_thread_skipped.count == 0) return TIMEMORY_OK; /* nothing ever pushed */
    if(!g) (void)timemory_get_position(); /* the thread's graph, for its table */
    g = tm__graph_self();
    if(!g || depth > tm__graph_depth(g) || skips == UINT_MAX) return TIMEMORY_EINVAL;
    return tm__suspend_from(g, depth, skips, owner);
}

int timemory_hook_coroutine_suspend(const void* tag_a, const void* tag_b, const void* owner)
{
    if(!owner || !tag_a) return TIMEMORY_EINVAL;
    if(TM_UNLIKELY(tm__state >= 2)) return TIMEMORY_EFINALIZED;
    tm__graph* g   = tm__graph_self();
    long       idx = g ? tm__hook_frame_index(g, tag_a, tag_b) : -1;
    if(idx < 0) return TIMEMORY_ENOTFOUND;
    return tm__suspend_from(g, (size_t)idx, UINT_MAX, owner);
}

int timemory_coroutine_resume(const void* owner)
{
    if(!owner) return TIMEMORY_EINVAL;
    tm__graph*     g = tm__graph_self();
    tm__suspended* t = g ? *tm__graph_suspended(g) : NULL;
    tm__segment*   s = tm__find(t, owner);
    if(!s) return TIMEMORY_ENOTFOUND;
    if(TM_UNLIKELY(tm__state >= 2)) return TIMEMORY_EFINALIZED;
    int rc = tm__segment_put(g, s);
    if(rc != TIMEMORY_OK)
    {
        /* no room to put them back: they end now, recorded (what was measured is kept) */
        tm__segment_end(g, s, true, false, 0, 0.0);
        tm__set_error(rc);
    }
    tm__remove(t, s);
    return rc;
}

int timemory_coroutine_end(const void* owner, int record)
{
    if(!owner) return TIMEMORY_EINVAL;
    tm__graph*     g = tm__graph_self();
    tm__suspended* t = g ? *tm__graph_suspended(g) : NULL;
    tm__segment*   s = tm__find(t, owner);
    if(!s) return TIMEMORY_ENOTFOUND;
    tm__segment_end(g, s, record && tm__state < 2, false, 0, 0.0);
    tm__remove(t, s);
    return TIMEMORY_OK;
}

/* ---- for graph.c and push.c ------------------------------------------------------------- */

void tm__suspended_drop(tm__graph* g)
{
    tm__suspended** t = tm__graph_suspended(g);
    if(!*t) return;
    for(size_t i = 0; i < (*t)->cap; ++i) tm__segment_free(&(*t)->slots[i]);
    for(size_t i = 0; i < (*t)->nspares; ++i) tm__segment_free(&(*t)->spares[i]);
    free((*t)->slots);
    free(*t);
    *t = NULL;
}

void tm__suspended_end_all(tm__graph* g)
{
    tm__suspended* t = *tm__graph_suspended(g);
    for(size_t i = 0; t && i < t->cap; ++i)
        if(t->slots[i].owner) tm__segment_end(g, &t->slots[i], true, false, 0, 0.0);
    tm__suspended_drop(g);
}

int tm__suspended_end_hooks(tm__graph* g, int64_t end_ticks, double ns_per_tick, int record)
{
    tm__suspended* t = *tm__graph_suspended(g);
    int            n = 0;
    for(size_t i = 0; t && i < t->cap;)
    {
        tm__segment* s = &t->slots[i];
        if(!s->owner || !tm__segment_has_hooks(s))
        {
            ++i;
            continue;
        }
        n += (int)s->nframes;
        tm__segment_end(g, s, record != 0, true, end_ticks, ns_per_tick);
        tm__remove(t, s); /* a later slot may have moved into i: look at i again */
    }
    return n;
}

void tm__suspended_each(tm__graph* g, void (*fn)(void* frames, size_t n, void* arg), void* arg)
{
    tm__suspended* t = *tm__graph_suspended(g);
    for(size_t i = 0; t && i < t->cap; ++i)
        if(t->slots[i].owner && t->slots[i].nframes)
            fn(t->slots[i].frames, t->slots[i].nframes, arg);
}

size_t tm__suspended_memory(const tm__graph* g)
{
    const tm__suspended* t = *tm__graph_suspended((tm__graph*)g);
    if(!t) return 0;
    const size_t skip  = sizeof(timemory_skipped_push);
    size_t       bytes = sizeof(*t) + t->cap * sizeof(tm__segment);
    for(size_t i = 0; i < t->cap; ++i)
        bytes += t->slots[i].frame_cap * tm__frame_bytes + t->slots[i].skip_cap * skip;
    for(size_t i = 0; i < t->nspares; ++i)
        bytes += t->spares[i].frame_cap * tm__frame_bytes + t->spares[i].skip_cap * skip;
    return bytes;
}

/* ---- positions, and a step's frames off the stack and back (the frames: frames.h) -------- */

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
            e.below               = e.below > base ? e.below - (unsigned)base : 0;
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
    size_t                 base = g->nframes;
    timemory_thread_skips* k    = &timemory_thread_skipped;
    for(unsigned i = 0; i < s->nskips; ++i)
        k->entries[k->count++] =
            (timemory_skipped_push){ s->skips[i].key, s->skips[i].below + (unsigned)base };
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

void tm__segment_end(tm__graph* g, tm__segment* s, bool record, bool hook_ticks, int64_t end_ticks,
                     double ns_per_tick)
{
    tm__frame* frames = s->frames;
    for(size_t i = s->nframes; record && i-- > 0;)
    {
        tm__frame* f = &frames[i];
        if(!f->node || (f->caller_clock && !hook_ticks)) continue;
        /* a suspended frame is off the stack: its depth as if it were back on top */
        tm__frame_finish(g, f, g->nframes + i, end_ticks, ns_per_tick);
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
