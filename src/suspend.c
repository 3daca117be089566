/* suspend.c -- coroutines: the pushes a coroutine's step leaves open, kept off the thread's
 * stack while the coroutine waits. Owns the per-thread table of suspended coroutines (keyed by
 * an owner address: the coroutine or its frame) and the timemory_coroutine_* API; the frames
 * themselves are graph.c's (tm__segment_take/_put move them).
 * Why: a thread runs many coroutines in turn (an event loop), and its one stack would otherwise
 * nest each coroutine's regions inside whichever other coroutine's regions were left open at
 * its await. Policy: called between two steps, never from push/pop; after warm-up (the table
 * and a few spare buffers) a suspend/resume pair allocates nothing.
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TM_SPARES_MAX 64 /* buffers of resumed coroutines kept for the next suspensions */

struct tm__suspended
{
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
    tm__segment* s = t ? tm__insert(t, owner) : NULL;
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
    tm__graph*   g = tm__graph_self();
    tm__suspended* t = g ? *tm__graph_suspended(g) : NULL;
    tm__segment* s = tm__find(t, owner);
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

/* ---- for graph.c ------------------------------------------------------------------------- */

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
