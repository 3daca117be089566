/* component_register.c -- components registered at run time (timemory_component_register):
 * a plugin's source of one or more members read by one call per sample (a hardware-counter
 * group: one read for all its events). Each member becomes a row after the table's
 * (tm__components[TM_NTABLE ..]) with a public id from TIMEMORY_COMPONENT_RUNTIME_FIRST, and
 * from then on is a component like the table's: names, sets, push/pop, output. Registration
 * takes a lock and copies the names; the sample (tm__runtime_value) is on the hot path: no
 * allocation, no lock, each source read at most once per sample.
 */
#include "internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct tm_runtime_source {
    timemory_component_read_fn read;
    void*                      context;
    int                        first; /* dense index of member 0 */
    int                        nmembers;
    int                        owner; /* table row it stands for (papi_vector), -1: none */
} tm_runtime_source;

static pthread_mutex_t   tm_register_mutex = PTHREAD_MUTEX_INITIALIZER;
static tm_runtime_source tm_sources[TIMEMORY_COMPONENT_RUNTIME_MAX];
static int               tm_nsources;

#define TM_KNOWN_FLAGS                                                                             \
    (TIMEMORY_CFLAG_TIMING | TIMEMORY_CFLAG_MEMORY | TIMEMORY_CFLAG_PERCENT |                      \
     TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_STATS | TIMEMORY_CFLAG_FLAMEGRAPH |                \
     TIMEMORY_CFLAG_NO_SUM | TIMEMORY_CFLAG_MAX_ACCUM | TIMEMORY_CFLAG_NO_UNITS |                  \
     TIMEMORY_CFLAG_NO_MEAN)

void tm__runtime_value(int comp, tm__runtime_sample* rt, int64_t out[2])
{
    const tm__component_row* row = &tm__components[comp];
    if(rt->source != row->source_index)
    {
        const tm_runtime_source* src = &tm_sources[row->source_index];
        int                      rc  = src->read(src->context, rt->values);
        rt->failed                   = rc < 0;
        if(TM_UNLIKELY(rc < 0))
        {
            memset(rt->values, 0, (size_t)src->nmembers * sizeof(int64_t));
            tm__set_error(rc);
        }
        rt->source = row->source_index;
    }
    out[0] = rt->values[row->member];
    out[1] = TM_UNLIKELY(rt->failed) ? TM__SAMPLE_FAILED : 0;
}

int timemory_component_source(int id, int* first, int* nmembers)
{
    int idx = tm__comp_index(id);
    if(idx < 0) return TIMEMORY_EINVAL;
    int f = id, n = 1;
    if(idx >= TM_NTABLE)
    {
        const tm_runtime_source* src = &tm_sources[tm__components[idx].source_index];
        f                            = tm__comp_id(src->first);
        n                            = src->nmembers;
    }
    if(first) *first = f;
    if(nmembers) *nmembers = n;
    return TIMEMORY_OK;
}

/* ---- registration ------------------------------------------------------------------------- */

static bool tm_word_ok(const char* s, const char* extra)
{
    if(!s || !*s || strlen(s) > 63) return false;
    for(const char* p = s; *p; ++p)
        if(!isalnum((unsigned char)*p) && *p != '_' && !(extra && strchr(extra, *p))) return false;
    return true;
}

/* "hwc_cycles" -> "HwcCycles" (the Python class name rule of the table) */
static char* tm_camel(const char* name)
{
    char* out = malloc(strlen(name) + 1);
    if(!out) return NULL;
    char* q     = out;
    bool  upper = true;
    for(const char* p = name; *p; ++p)
    {
        if(*p == '_')
        {
            upper = true;
            continue;
        }
        *q++  = upper ? (char)toupper((unsigned char)*p) : *p;
        upper = false;
    }
    *q = '\0';
    return out;
}

static char* tm_upper(const char* name)
{
    char* out = tm__strdup(name);
    for(char* p = out; p && *p; ++p) *p = (char)toupper((unsigned char)*p);
    return out;
}

static const char* tm_member_name(const timemory_component_spec* spec, int i)
{
    return spec->member_names ? spec->member_names[i] : spec->name;
}

static int tm_member_count(const timemory_component_spec* spec)
{
    return spec->nmembers == 0 ? 1 : spec->nmembers; /* a zeroed spec: one component */
}

/* The reason spec cannot be registered (a warning names it), or NULL. */
static const char* tm_check_spec(const timemory_component_spec* spec, const char** what, bool owned)
{
    *what = spec && spec->name ? spec->name : "";
    if(!spec) return "no spec";
    if(!tm_word_ok(spec->name, NULL)) return "its name is not 1-63 of [A-Za-z0-9_]";
    if(!spec->read) return "it has no read function";
    if(spec->flags & ~TM_KNOWN_FLAGS) return "it has an unknown TIMEMORY_CFLAG_ bit";
    int n = tm_member_count(spec);
    if(n < 1 || n > TIMEMORY_COMPONENT_RUNTIME_MAX)
        return "its member count is not 1..TIMEMORY_COMPONENT_RUNTIME_MAX";
    if(n > 1 && !spec->member_names) return "a group needs member_names";
    for(int i = 0; i < n; ++i)
    {
        const char* name = tm_member_name(spec, i);
        *what            = name ? name : "";
        if(!tm_word_ok(name, NULL)) return "a member name is not 1-63 of [A-Za-z0-9_]";
        if(timemory_component_find(name) >= 0) return "the name is taken by another component";
        for(int k = 0; k < i; ++k)
            if(strcasecmp(tm_member_name(spec, k), name) == 0) return "the name is given twice";
        /* an owned group's labels are event names ("perf::TASK-CLOCK"): never file names */
        if(spec->member_labels && !tm_word_ok(spec->member_labels[i], owned ? "-.:" : "-."))
            return "its label is not 1-63 of [A-Za-z0-9_.-]";
    }
    return NULL;
}

int timemory_component_register(const timemory_component_spec* spec)
{
    return tm__component_register_owned(spec, -1);
}

int tm__component_owner(int comp)
{
    if(!tm__comp_valid(comp) || comp < TM_NTABLE) return -1;
    return tm_sources[tm__components[comp].source_index].owner;
}

int tm__component_register_owned(const timemory_component_spec* spec, int owner)
{
    pthread_mutex_lock(&tm_register_mutex);
    const char* what = NULL;
    const char* why  = tm_check_spec(spec, &what, owner >= 0);
    int         base = tm__ncomp();
    int         rc   = TIMEMORY_EINVAL;
    int         n    = why ? 0 : tm_member_count(spec);
    if(!why && (base + n > TM_COMP_CAP || tm_nsources == TIMEMORY_COMPONENT_RUNTIME_MAX))
    {
        why = "no room is left for run-time components (TIMEMORY_COMPONENT_RUNTIME_MAX)";
        rc  = TIMEMORY_ERANGE;
    }
    if(why)
    {
        pthread_mutex_unlock(&tm_register_mutex);
        tm__warn("component '%s' not registered: %s", what, why);
        return rc;
    }
    const char* description = spec->description ? spec->description : "";
    for(int i = 0; i < n; ++i)
    {
        const char*        name  = tm_member_name(spec, i);
        const char*        label = spec->member_labels ? spec->member_labels[i] : name;
        tm__component_row* row   = &tm__components[base + i];
        memset(row, 0, sizeof(*row));
        row->id           = TIMEMORY_COMPONENT_RUNTIME_FIRST + (base - TM_NTABLE) + i;
        row->enum_name    = tm_upper(name);
        row->name         = tm__strdup(name);
        row->class_name   = tm_camel(name);
        row->label        = tm__strdup(label);
        row->ids          = "";
        row->source       = TM__SRC_RUNTIME;
        row->nvalues      = 1;
        row->flags        = spec->flags;
        row->unit[0]      = spec->unit_value != 0.0 ? spec->unit_value : 1.0;
        row->repr[0]      = tm__strdup(spec->unit_repr ? spec->unit_repr : "");
        row->repr[1]      = "";
        row->description  = tm__strdup(description);
        row->source_index = tm_nsources;
        row->member       = i;
        if(!row->enum_name || !row->name || !row->class_name || !row->label || !row->repr[0] ||
           !row->description)
        {
            pthread_mutex_unlock(&tm_register_mutex);
            tm__warn("component '%s' not registered: out of memory", name);
            return TIMEMORY_ENOMEM; /* the copies made stay: a few bytes, once */
        }
    }
    tm_sources[tm_nsources++] = (tm_runtime_source){ spec->read, spec->context, base, n, owner };
    /* the rows are complete before anyone sees the count that includes them */
    __atomic_store_n(&tm__ncomponents, base + n, __ATOMIC_RELEASE);
    for(int i = 0; i < n; ++i) tm__recordable_add(base + i);
    pthread_mutex_unlock(&tm_register_mutex);
    return tm__comp_id(base);
}
