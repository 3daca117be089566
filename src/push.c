/* push.c -- the hot path: push/pop on the calling thread's frame stack.
 * Owns timemory_push/_pop (a frame per open push; the node found or added under the current
 * one, its records sampled at push and the lap added at pop), the pushes skipped while paused,
 * pops of explicit values, the hook pushes timed by their caller (the profiler's and tracer's),
 * the unwinding at finalize and the count of pushes refused after it. The storage it fills is
 * graph.c's (layout in frames.h).
 * Policy: after warm-up a push/pop allocates nothing, takes no lock and builds no string;
 * failures never raise, they set the sticky error (tm__set_error) and return a code.
 */
#include "frames.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* open pushes of this thread, exported for the inline paused check of timemory.h */
__thread unsigned timemory_thread_open_pushes __attribute__((tls_model("initial-exec")));
/* pushes skipped while paused (timemory.h): 24 bytes here, the entries on the heap */
__thread timemory_thread_skips timemory_thread_skipped __attribute__((tls_model("initial-exec")));
/* pushes and pops refused after finalize, reported in one line at exit */
static atomic_ulong tm__after_finalize;

/* the fast path reads CLOCK_MONOTONIC directly when the set is wall_clock alone; tests that
 * inject a reader turn it off */
bool tm__fast_wall = true;

/* ---- push / pop -------------------------------------------------------------------------- */

bool tm__frames_grow(tm__graph* g)
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
    timemory_skipped_push* e   = cap > s->capacity ? realloc(s->entries, cap * sizeof(*e)) : NULL;
    if(!e)
    {
        ++s->lost;
        tm__set_error(TIMEMORY_ENOMEM);
        return TIMEMORY_EDISABLED;
    }
    /* freed when the thread exits (the main thread's block stays reachable until the end) */
    pthread_once(&tm__skips_once, tm__skips_key_create);
    if(tm__skips_key != (pthread_key_t)-1) pthread_setspecific(tm__skips_key, e);
    s->entries        = e;
    s->capacity       = cap;
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

/* Room for need more skipped pushes on the calling thread's stack of them. */
bool tm__skips_reserve(unsigned need)
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
                                   bool wall_only, unsigned scope, uint8_t gperf)
{
    tm__frame* f                = &g->frames[g->nframes];
    f->gperf                    = gperf;
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
            f->start[0][0] = tm__now_ns();
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

/* Whether papi_events changed since *seen (a thread's cache of a trimmed set, updated): the
 * set trims again (papi_vector names the new list's group). */
static inline bool tm__hwc_list_changed(unsigned* seen)
{
    unsigned now = __atomic_load_n(&tm__hwc_list_generation, __ATOMIC_RELAXED);
    if(TM_LIKELY(now == *seen)) return false;
    *seen = now;
    return true;
}

/* The two front ends keep their own last set and what it trims to. */
__attribute__((noinline)) static int tm__push_mask(uint64_t key, timemory_components_t mask,
                                                   unsigned scope)
{
    if(TM_UNLIKELY(tm__state >= 2)) return tm__refused_after_finalize();
    tm__graph* g = tm__push_graph();
    if(TM_UNLIKELY(!g)) return TIMEMORY_ENOMEM;
    if(TM_UNLIKELY(mask != g->last_mask || tm__hwc_list_changed(&g->last_mask_hwc_generation)))
    {
        tm__cset set           = { { mask } };
        g->last_mask           = mask;
        g->last_mask_trimmed   = tm__trim(&set);
        g->last_mask_wall_only = tm__is_wall_only(&g->last_mask_trimmed);
    }
    /* gperftools' switches have no value: trimmed away, they act here (gperftools.c) */
    uint8_t gperf = 0;
    if(TM_UNLIKELY(mask & TM__GPERFTOOLS_SET))
    {
        tm__cset set = { { mask } };
        gperf        = (uint8_t)tm__gperftools_start(&set);
    }
    return tm__push_trimmed(g, key, &g->last_mask_trimmed, g->last_mask_wall_only, scope, gperf);
}

__attribute__((noinline)) static int tm__push(uint64_t key, const tm__cset* set, unsigned scope)
{
    if(TM_UNLIKELY(tm__state >= 2)) return tm__refused_after_finalize();
    tm__graph* g = tm__push_graph();
    if(TM_UNLIKELY(!g)) return TIMEMORY_ENOMEM;
    if(TM_UNLIKELY(!tm__cset_eq(set, &g->last_comps) ||
                   tm__hwc_list_changed(&g->last_hwc_generation)))
    {
        g->last_comps     = *set;
        g->last_trimmed   = tm__trim(set);
        g->last_wall_only = tm__is_wall_only(&g->last_trimmed);
    }
    uint8_t gperf = TM_UNLIKELY(tm__gperftools_in(set)) ? (uint8_t)tm__gperftools_start(set) : 0;
    return tm__push_trimmed(g, key, &g->last_trimmed, g->last_wall_only, scope, gperf);
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

/* One lap of delta into r, for the allocation events of events.c. */
void tm__graph_event_add(tm__record* r, const int64_t delta[2])
{
    tm__record_add(r, delta, 1);
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
    if(TM_UNLIKELY(f->gperf)) tm__gperftools_stop(f->gperf);
    if(f->ncomp == 1 && f->wall_only && tm__fast_wall)
    {
        int64_t now = tm__now_ns();
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
            if(TM_UNLIKELY(now[i][1] == TM__SAMPLE_FAILED || f->start[i][1] == TM__SAMPLE_FAILED))
                continue; /* a hardware-counter group that could not be read: no value */
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
    f->gperf                    = 0;
    f->tag_a                    = tag_a;
    f->tag_b                    = tag_b;
    f->hook_start               = start_ticks;
    f->node                     = (scope & TIMEMORY_SCOPE_NONE) ? NULL : tm__insert(g, key, scope);
    f->hook_rec                 = NULL;
    timemory_thread_open_pushes = (unsigned)++g->nframes;
    if(TM_UNLIKELY(!f->node)) return TIMEMORY_OK;
    if(TM_UNLIKELY(tm__settings.timeline))
        f->tl =
            tm__timeline_begin(g->tid, key, (uint32_t)(g->nframes - 1), start_ticks, TM__TL_TICKS);
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
        tm__cset set = { { comps } };
        return tm__hook_push_general(key, &set, scope, tag_a, tag_b, start_ticks);
    }
    tm__node* parent = g->current;
    uint32_t  depth  = parent->depth + 1;
    tm__node* n      = parent->hot_child;
    if(TM_UNLIKELY(!n || parent->hot_id != tm__combine(key, depth) || !n->wall ||
                   depth > (uint32_t)tm__settings.max_depth || tm__state >= 2))
    {
        tm__cset set = { { comps } };
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
    f->gperf                    = 0;
    g->current                  = n;
    timemory_thread_open_pushes = (unsigned)++g->nframes;
    if(TM_UNLIKELY(tm__settings.timeline))
        f->tl =
            tm__timeline_begin(g->tid, key, (uint32_t)(g->nframes - 1), start_ticks, TM__TL_TICKS);
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

/* tm__hook_finish for suspend.c: a suspended coroutine's frame ended */
void tm__frame_finish(tm__graph* g, tm__frame* f, size_t idx, int64_t end_ticks, double ns_per_tick)
{
    tm__hook_finish(g, f, idx, end_ticks, ns_per_tick);
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
