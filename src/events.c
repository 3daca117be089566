/* events.c -- memory allocations per region: the malloc_gotcha component's events.
 *
 * Owns start/stop of allocation tracking (activation ids, timemory_mallocp_active), the
 * per-thread hold (timemory_alloc_hold), the keys of the tracked functions and
 * timemory_alloc_event: one lap of malloc_gotcha, the call's bytes, in the entry named after
 * the function under the calling thread's current region (include/timemory/mallocp.h).
 * Policy: an event takes no lock and, once its entry exists, allocates nothing and builds no
 * string -- the keys are registered at the first start and the entry is found through graph.c's
 * child table. The thread is held while it records, so what the library allocates meanwhile (a
 * new node, a grown table) is never recorded into the graph being changed; graph.c holds it
 * too while it changes a graph or holds the graphs' lock.
 */
#include "internal.h"
#include "timemory/mallocp.h"

#include <pthread.h>

int               timemory_mallocp_active;
__thread unsigned timemory_alloc_hold __attribute__((tls_model("initial-exec")));

/* starts that may be active at once (each start is one id until its stop) */
#define TM_MALLOCP_MAX_STARTS 256

static pthread_mutex_t tm__mallocp_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t        tm__mallocp_ids[TM_MALLOCP_MAX_STARTS];
static size_t          tm__mallocp_nids;
static uint64_t        tm__mallocp_next_id = 1;
/* written before the first start publishes timemory_mallocp_active (release), read after an
 * event reads it (acquire) */
static uint64_t tm__alloc_keys[TIMEMORY_ALLOC_COUNT];
static bool     tm__alloc_keys_ready;

#define TM_ALLOC_NAME(name, label) label,
static const char* const tm__alloc_names[TIMEMORY_ALLOC_COUNT] = { TIMEMORY_ALLOC_FUNCTIONS(
    TM_ALLOC_NAME) };
#undef TM_ALLOC_NAME

const char* timemory_alloc_function_name(int function)
{
    return function >= 0 && function < TIMEMORY_ALLOC_COUNT ? tm__alloc_names[function] : NULL;
}

uint64_t timemory_start_mallocp(void)
{
    ++timemory_alloc_hold;
    pthread_mutex_lock(&tm__mallocp_mutex);
    uint64_t id = 0;
    if(!tm__alloc_keys_ready)
    {
        for(int i = 0; i < TIMEMORY_ALLOC_COUNT; ++i)
            tm__alloc_keys[i] = tm__register(tm__alloc_names[i]);
        tm__alloc_keys_ready = true;
    }
    if(tm__mallocp_nids < TM_MALLOCP_MAX_STARTS)
    {
        id                                  = tm__mallocp_next_id++;
        tm__mallocp_ids[tm__mallocp_nids++] = id;
        __atomic_store_n(&timemory_mallocp_active, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&tm__mallocp_mutex);
    if(id == 0)
        tm__warn("timemory_start_mallocp: %d starts are active already; this one is refused",
                 TM_MALLOCP_MAX_STARTS);
    --timemory_alloc_hold;
    return id;
}

uint64_t timemory_stop_mallocp(uint64_t id)
{
    ++timemory_alloc_hold;
    pthread_mutex_lock(&tm__mallocp_mutex);
    for(size_t i = 0; id != 0 && i < tm__mallocp_nids; ++i)
    {
        if(tm__mallocp_ids[i] != id) continue;
        tm__mallocp_ids[i] = tm__mallocp_ids[--tm__mallocp_nids];
        if(tm__mallocp_nids == 0) __atomic_store_n(&timemory_mallocp_active, 0, __ATOMIC_RELEASE);
        break;
    }
    uint64_t remaining = tm__mallocp_nids;
    pthread_mutex_unlock(&tm__mallocp_mutex);
    --timemory_alloc_hold;
    return remaining;
}

uint64_t timemory_mallocp_count(void)
{
    pthread_mutex_lock(&tm__mallocp_mutex);
    uint64_t n = tm__mallocp_nids;
    pthread_mutex_unlock(&tm__mallocp_mutex);
    return n;
}

/* The regions from n up to the root get an empty malloc_gotcha record (present, no laps), so
 * the component's table, which shows only nodes that carry its record, keeps the path to the
 * entry. Done when an entry's record goes from empty to recorded: its first call, or the first
 * after a clear. */
__attribute__((noinline)) static void tm__alloc_show_path(tm__graph* g, tm__node* n)
{
    for(; n && n->depth > 0; n = n->parent)
    {
        tm__record* r = tm__graph_event_record(g, n, TIMEMORY_MALLOC_GOTCHA);
        if(!r)
        {
            tm__set_error(TIMEMORY_ENOMEM);
            return;
        }
        __atomic_store_n(&r->present, true, __ATOMIC_RELAXED);
    }
}

static int tm__alloc_record(uint64_t key, size_t bytes)
{
    tm__graph* g = tm__graph_self();
    if(TM_UNLIKELY(!g))
    {
        tm__graph_register_thread(); /* a thread's first event: its graph */
        if(!(g = tm__graph_self()))
        {
            tm__set_error(TIMEMORY_ENOMEM);
            return TIMEMORY_ENOMEM;
        }
    }
    tm__node* n = tm__graph_event_child(g, key);
    if(TM_UNLIKELY(!n)) return TIMEMORY_OK; /* beyond max_depth (or the error is set) */
    tm__record* r = n->records;
    while(r && r->comp != TIMEMORY_MALLOC_GOTCHA) r = r->next;
    if(TM_UNLIKELY(!r) && !(r = tm__graph_event_record(g, n, TIMEMORY_MALLOC_GOTCHA)))
    {
        tm__set_error(TIMEMORY_ENOMEM);
        return TIMEMORY_ENOMEM;
    }
    bool          shown    = __atomic_load_n(&r->present, __ATOMIC_RELAXED);
    const int64_t delta[2] = { bytes > (size_t)INT64_MAX ? INT64_MAX : (int64_t)bytes, 0 };
    tm__graph_event_add(r, delta);
    if(TM_UNLIKELY(!shown)) tm__alloc_show_path(g, n->parent);
    return TIMEMORY_OK;
}

int timemory_alloc_event(int function, size_t bytes)
{
    if(TM_UNLIKELY(function < 0 || function >= TIMEMORY_ALLOC_COUNT)) return TIMEMORY_EINVAL;
    if(!__atomic_load_n(&timemory_mallocp_active, __ATOMIC_ACQUIRE) || timemory_alloc_hold != 0 ||
       !tm__settings.enabled || tm__state >= 2)
        return TIMEMORY_EDISABLED;
    ++timemory_alloc_hold;
    int rc = tm__alloc_record(tm__alloc_keys[function], bytes);
    --timemory_alloc_hold;
    return rc;
}
