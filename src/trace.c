/* trace.c -- the throttled trace interface (timemory_*trace*, spec API.md §9.5-9.6): regions
 * keyed by name or hash whose keys are throttled per thread when they are too short to be
 * worth measuring. Owns the per-thread throttle table and the trace component set.
 * Policy: no lock and no allocation per event after a key's first use on a thread.
 */
#include "internal.h"
#include "timemory/library.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct tm__throttle {
    uint64_t key;
    uint64_t count;    /* pops since the last check */
    int64_t  accum_ns; /* time inside push..pop since the last check */
    int64_t  start_ns; /* of the outermost open push */
    uint32_t open;     /* nesting of open pushes of this key */
    bool     used;
    bool     throttled;
} tm__throttle;

typedef struct tm__throttle_table {
    tm__throttle* slots;
    size_t        cap;
    size_t        count;
} tm__throttle_table;

static _Thread_local tm__throttle_table tm__tt;
static pthread_mutex_t                  tm__trace_mutex = PTHREAD_MUTEX_INITIALIZER;
static int                              tm__trace_refs;
static tm__cset                         tm__trace_mask;
static unsigned                         tm__trace_generation = ~0u;

static tm__throttle* tm__tt_find(uint64_t key, bool create)
{
    tm__throttle_table* t = &tm__tt;
    if(t->cap == 0)
    {
        if(!create) return NULL;
        t->slots = calloc(64, sizeof(tm__throttle));
        if(!t->slots) return NULL;
        t->cap = 64;
    }
    size_t mask = t->cap - 1;
    size_t i    = (size_t)(key ^ (key >> 31)) & mask;
    for(;; i = (i + 1) & mask)
    {
        if(t->slots[i].used && t->slots[i].key == key) return &t->slots[i];
        if(!t->slots[i].used) break;
    }
    if(!create) return NULL;
    if((t->count + 1) * 2 > t->cap)
    {
        size_t        cap   = t->cap * 2;
        tm__throttle* slots = calloc(cap, sizeof(tm__throttle));
        if(!slots) return NULL;
        for(size_t k = 0; k < t->cap; ++k)
        {
            if(!t->slots[k].used) continue;
            size_t j = (size_t)(t->slots[k].key ^ (t->slots[k].key >> 31)) & (cap - 1);
            while(slots[j].used) j = (j + 1) & (cap - 1);
            slots[j] = t->slots[k];
        }
        free(t->slots);
        t->slots = slots;
        t->cap   = cap;
        mask     = cap - 1;
        i        = (size_t)(key ^ (key >> 31)) & mask;
        while(t->slots[i].used) i = (i + 1) & mask;
    }
    t->slots[i].used = true;
    t->slots[i].key  = key;
    ++t->count;
    return &t->slots[i];
}

/* trace_components -> components -> global_components -> wall_clock */
static const tm__cset* tm__trace_components(void)
{
    unsigned gen = __atomic_load_n(&tm__settings_generation, __ATOMIC_ACQUIRE);
    if(TM_LIKELY(gen == tm__trace_generation)) return &tm__trace_mask;
    static const char* const sources[] = { "trace_components", "components", "global_components" };
    tm__cset                 mask      = { { 0 } };
    for(size_t i = 0; i < 3 && tm__cset_empty(&mask); ++i)
    {
        char* text = tm__settings_string_copy(sources[i]);
        if(text && *text)
        {
            const char* bad = NULL;
            if(timemory_components_parse_set(text, &mask, &bad) == TIMEMORY_EUNKNOWN)
                tm__warn("%s: unknown component '%s' ignored", sources[i], bad ? bad : "?");
        }
        free(text);
    }
    tm__trace_mask       = tm__cset_empty(&mask) ? tm__cset_one(TIMEMORY_WALL_CLOCK) : mask;
    tm__trace_generation = gen;
    return &tm__trace_mask;
}

int timemory_trace_init(const char* components, bool read_command_line, const char* command)
{
    pthread_mutex_lock(&tm__trace_mutex);
    bool first = tm__trace_refs++ == 0;
    pthread_mutex_unlock(&tm__trace_mutex);
    if(first && components && *components)
    {
        fprintf(stderr, "[timemory_trace_init]> pid = %ld, command: %s, default components: %s\n",
                (long)getpid(), command ? command : "", components);
        setenv("TIMEMORY_TRACE_COMPONENTS", components, 0);
        char cur[2];
        if(timemory_settings_get_string("trace_components", cur, sizeof(cur)) == 0)
            timemory_settings_set_string("trace_components", components);
    }
    timemory_settings_parse_env();
    if(first)
    {
        char path[64];
        timemory_settings_get_string("output_path", path, sizeof(path));
        char* cmd = NULL;
        if(command && *command)
            cmd = tm__strdup(command);
        else if(read_command_line)
        {
            FILE*  f = fopen("/proc/self/cmdline", "r");
            char   buf[1024];
            size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
            if(f) fclose(f);
            buf[n] = '\0';
            if(n) cmd = tm__strdup(buf);
        }
        if(cmd && strcmp(path, "timemory-output") == 0)
        {
            char* argv[] = { cmd, NULL };
            timemory_init(1, argv);
        }
        else if(!timemory_is_initialized())
            timemory_init(0, NULL);
        free(cmd);
    }
    tm__trace_generation = ~0u;
    return TIMEMORY_OK;
}

int timemory_trace_finalize(void)
{
    pthread_mutex_lock(&tm__trace_mutex);
    bool last = tm__trace_refs > 0 && --tm__trace_refs == 0;
    pthread_mutex_unlock(&tm__trace_mutex);
    return last ? timemory_finalize() : TIMEMORY_OK;
}

bool timemory_trace_is_initialized(void)
{
    return tm__trace_refs > 0;
}

void timemory_trace_set_env(const char* var, const char* value)
{
    if(var && value) setenv(var, value, 0);
}

int timemory_push_trace_hash(uint64_t key)
{
    /* paused: remembered, so that its pop finds it (push.c) and never an open region */
    if(TM_UNLIKELY(!tm__settings.enabled)) return tm__push_skipped(key);
    if(TM_UNLIKELY(tm__state >= 2)) return TIMEMORY_EFINALIZED;
    if(TM_UNLIKELY(tm__trace_refs == 0)) timemory_trace_init("", false, NULL);
    tm__throttle* t = tm__tt_find(key, true);
    if(TM_UNLIKELY(!t))
    {
        tm__set_error(TIMEMORY_ENOMEM);
        return TIMEMORY_ENOMEM;
    }
    if(t->throttled) return TIMEMORY_ETHROTTLED;
    int rc = timemory_push_set(key, tm__trace_components(), TIMEMORY_SCOPE_DEFAULT);
    if(rc == TIMEMORY_OK && t->open++ == 0) t->start_ns = tm__now_ns();
    return rc;
}

int timemory_pop_trace_hash(uint64_t key)
{
    if(TM_UNLIKELY(timemory_thread_skipped.count != 0) && tm__pop_skipped(key))
        return TIMEMORY_EDISABLED;
    tm__throttle* t = tm__tt_find(key, false);
    if(!t || t->throttled) return t ? TIMEMORY_ETHROTTLED : TIMEMORY_EUNBALANCED;
    int rc = timemory_pop(key);
    if(rc != TIMEMORY_OK || t->open == 0) return rc;
    if(--t->open == 0) t->accum_ns += tm__now_ns() - t->start_ns;
    uint64_t every = (uint64_t)tm__settings.throttle_count;
    if(every > 0 && ++t->count % every == 0)
    {
        int64_t avg = t->accum_ns / (int64_t)t->count;
        if(avg < (int64_t)tm__settings.throttle_value)
        {
            t->throttled = true;
            if(tm__settings.verbose > 0)
                fprintf(stderr,
                        "[timemory-trace]> Throttling all future calls to '%s' on rank = 0, "
                        "pid = %ld. avg runtime = %lld ns from %llu invocations... Consider "
                        "eliminating from instrumentation...\n",
                        tm__lookup(key) ? tm__lookup(key) : "?", (long)getpid(), (long long)avg,
                        (unsigned long long)t->count);
        }
        t->count    = 0;
        t->accum_ns = 0;
    }
    return rc;
}

int timemory_push_trace(const char* name)
{
    if(!name) return TIMEMORY_EINVAL;
    /* paused: by hash, as timemory_pop_trace finds it, without registering the name */
    if(TM_UNLIKELY(!tm__settings.enabled)) return tm__push_skipped(timemory_get_hash(name));
    return timemory_push_trace_hash(tm__register(name));
}

int timemory_pop_trace(const char* name)
{
    if(!name) return TIMEMORY_EINVAL;
    return timemory_pop_trace_hash(timemory_get_hash(name));
}

bool timemory_is_throttled_hash(uint64_t key)
{
    tm__throttle* t = tm__tt_find(key, false);
    return t && t->throttled;
}

bool timemory_is_throttled(const char* name)
{
    return name && timemory_is_throttled_hash(timemory_get_hash(name));
}

void timemory_reset_throttle(const char* name)
{
    tm__throttle* t = name ? tm__tt_find(timemory_get_hash(name), false) : NULL;
    if(t)
    {
        t->throttled = false;
        t->count     = 0;
        t->accum_ns  = 0;
    }
}
