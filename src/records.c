/* records.c -- the original toolkit's C library names (timemory/library.h) for life cycle,
 * records and component-set stacks, on top of the region hot path in push.c.
 * Owns the record-id -> key table (per thread) and the stack of component sets. Trace
 * functions live in trace.c.
 */
#include "internal.h"
#include "timemory/library.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- life cycle under the original names --------------------------------------------------- */

void timemory_init_library(int argc, char** argv)
{
    timemory_init(argc, argv);
}

void timemory_named_init_library(char* name)
{
    char* argv[] = { name, NULL };
    timemory_init(name ? 1 : 0, argv);
}

bool timemory_library_is_initialized(void)
{
    return timemory_is_initialized();
}
void timemory_finalize_library(void)
{
    timemory_finalize();
}

void timemory_set_environ(const char* var, const char* value, int overwrite, int reparse)
{
    if(!var || !value) return;
    setenv(var, value, overwrite);
    if(reparse) timemory_settings_parse_env();
}

/* ---- component-set stack ----------------------------------------------------------------- */

#define TM_COMP_STACK 64
static pthread_mutex_t tm__cstack_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm__cset        tm__cstack[TM_COMP_STACK];
static int             tm__cstack_size;

static tm__cset tm__parse_or_warn(const char* comps)
{
    tm__cset    set = { { 0 } };
    const char* bad = NULL;
    if(comps && timemory_components_parse_set(comps, &set, &bad) == TIMEMORY_EUNKNOWN)
        tm__warn("unknown component '%s' ignored", bad ? bad : "?");
    return set;
}

static void tm__cstack_apply(void)
{
    timemory_set_default_component_set(tm__cstack_size ? &tm__cstack[tm__cstack_size - 1] : NULL);
}

void timemory_set_default(const char* components)
{
    pthread_mutex_lock(&tm__cstack_mutex);
    tm__cset mask = tm__parse_or_warn(components);
    if(tm__cstack_size == 0)
        tm__cstack[tm__cstack_size++] = mask;
    else
        tm__cstack[tm__cstack_size - 1] = mask;
    tm__cstack_apply();
    pthread_mutex_unlock(&tm__cstack_mutex);
}

static void tm__cstack_edit(const char* components, bool add)
{
    pthread_mutex_lock(&tm__cstack_mutex);
    tm__cset cur  = timemory_get_default_component_set();
    tm__cset mask = tm__parse_or_warn(components);
    for(int w = 0; w < TM_CSET_WORDS; ++w)
        cur.bits[w] = add ? (cur.bits[w] | mask.bits[w]) : (cur.bits[w] & ~mask.bits[w]);
    if(tm__cstack_size == 0) tm__cstack_size = 1;
    tm__cstack[tm__cstack_size - 1] = cur;
    tm__cstack_apply();
    pthread_mutex_unlock(&tm__cstack_mutex);
}

void timemory_add_components(const char* components)
{
    tm__cstack_edit(components, true);
}
void timemory_remove_components(const char* components)
{
    tm__cstack_edit(components, false);
}

static void tm__cstack_push(tm__cset mask)
{
    pthread_mutex_lock(&tm__cstack_mutex);
    if(tm__cstack_size < TM_COMP_STACK) tm__cstack[tm__cstack_size++] = mask;
    tm__cstack_apply();
    pthread_mutex_unlock(&tm__cstack_mutex);
}

void timemory_push_components(const char* components)
{
    tm__cstack_push(tm__parse_or_warn(components));
}

void timemory_push_components_enum(int component, ...)
{
    tm__cset mask = { { 0 } };
    va_list  ap;
    va_start(ap, component);
    for(int c = component; c != TIMEMORY_COMPONENTS_END && c >= 0; c = va_arg(ap, int))
        if(timemory_component_set_add(&mask, c) != TIMEMORY_OK) break;
    va_end(ap);
    tm__cstack_push(mask);
}

void timemory_pop_components(void)
{
    pthread_mutex_lock(&tm__cstack_mutex);
    if(tm__cstack_size > 1) --tm__cstack_size; /* never pops the last set */
    tm__cstack_apply();
    pthread_mutex_unlock(&tm__cstack_mutex);
}

/* ---- records ------------------------------------------------------------------------------ */

typedef struct tm__open_record {
    uint64_t id;
    uint64_t key;
} tm__open_record;

static _Thread_local tm__open_record* tm__records;
static _Thread_local size_t           tm__nrecords;
static _Thread_local size_t           tm__records_cap;
static atomic_uint_fast64_t           tm__next_record_id = 1;

uint64_t timemory_get_unique_id(void)
{
    return atomic_fetch_add(&tm__next_record_id, 1);
}

static int tm__begin_record(const char* name, const tm__cset* comps, uint64_t* id)
{
    if(id) *id = UINT64_MAX;
    if(!name || !id) return TIMEMORY_EINVAL;
    if(!tm__settings.enabled) return TIMEMORY_EDISABLED;
    if(tm__nrecords == tm__records_cap)
    {
        size_t           cap = tm__records_cap ? tm__records_cap * 2 : 32;
        tm__open_record* r   = realloc(tm__records, cap * sizeof(*r));
        if(!r) return TIMEMORY_ENOMEM;
        tm__records     = r;
        tm__records_cap = cap;
    }
    uint64_t key = tm__register(name);
    tm__cset set = comps && !tm__cset_empty(comps) ? *comps : timemory_get_default_component_set();
    int      rc  = timemory_push_set(key, &set, TIMEMORY_SCOPE_DEFAULT);
    if(rc != TIMEMORY_OK) return rc;
    *id                         = timemory_get_unique_id();
    tm__records[tm__nrecords++] = (tm__open_record){ *id, key };
    return TIMEMORY_OK;
}

int timemory_begin_record_status(const char* name, timemory_components_t comps, uint64_t* id)
{
    tm__cset set = timemory_component_set_from_mask(comps);
    return tm__begin_record(name, &set, id);
}

int timemory_end_record_status(uint64_t id)
{
    for(size_t i = tm__nrecords; i-- > 0;)
    {
        if(tm__records[i].id != id) continue;
        int rc = timemory_pop(tm__records[i].key);
        memmove(&tm__records[i], &tm__records[i + 1],
                (tm__nrecords - i - 1) * sizeof(*tm__records));
        --tm__nrecords;
        return rc;
    }
    return id == UINT64_MAX ? TIMEMORY_EDISABLED : TIMEMORY_ENOTFOUND;
}

void timemory_begin_record(const char* name, uint64_t* id)
{
    timemory_begin_record_status(name, 0, id);
}

void timemory_begin_record_types(const char* name, uint64_t* id, const char* comps)
{
    tm__cset set = tm__parse_or_warn(comps);
    tm__begin_record(name, &set, id);
}

static tm__cset tm__enum_list(va_list ap)
{
    tm__cset mask = { { 0 } };
    for(int c = va_arg(ap, int); c != TIMEMORY_COMPONENTS_END && c >= 0; c = va_arg(ap, int))
        if(timemory_component_set_add(&mask, c) != TIMEMORY_OK) break;
    return mask;
}

void timemory_begin_record_enum(const char* name, uint64_t* id, ...)
{
    va_list ap;
    va_start(ap, id);
    tm__cset mask = tm__enum_list(ap);
    va_end(ap);
    tm__begin_record(name, &mask, id);
}

uint64_t timemory_get_begin_record(const char* name)
{
    uint64_t id;
    timemory_begin_record_status(name, 0, &id);
    return id;
}

uint64_t timemory_get_begin_record_types(const char* name, const char* comps)
{
    uint64_t id;
    tm__cset set = tm__parse_or_warn(comps);
    tm__begin_record(name, &set, &id);
    return id;
}

uint64_t timemory_get_begin_record_enum(const char* name, ...)
{
    va_list ap;
    va_start(ap, name);
    tm__cset mask = tm__enum_list(ap);
    va_end(ap);
    uint64_t id;
    tm__begin_record(name, &mask, &id);
    return id;
}

void timemory_end_record(uint64_t id)
{
    timemory_end_record_status(id);
}

void timemory_add_hash_ids(uint64_t n, uint64_t* ids, const char** names)
{
    for(uint64_t i = 0; ids && names && i < n; ++i) timemory_add_hash_id_value(ids[i], names[i]);
}
