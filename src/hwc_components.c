/* hwc_components.c -- the table rows that count hardware counters: papi_vector and papi_array
 * stand for a run-time group (component_register.c) whose members are the events of the
 * setting papi_events, read together with one tm__hwc_read per sample; they are registered at
 * the first push of a set naming the row (tm__trim), and again when the event list changed.
 * cpu_roofline_* are groups of their own (hwc_roofline.c). Nothing here is on the hot path but the
 * group's read function. */
#include "hwcounters.h"
#include "internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool tm__hwc_row(int comp)
{
    return comp == TIMEMORY_PAPI_VECTOR || comp == TIMEMORY_PAPI_ARRAY ||
           comp == TIMEMORY_CPU_ROOFLINE_DP_FLOPS || comp == TIMEMORY_CPU_ROOFLINE_FLOPS ||
           comp == TIMEMORY_CPU_ROOFLINE_SP_FLOPS;
}

/* ---- availability ------------------------------------------------------------------------- */

static pthread_once_t tm_backend_once = PTHREAD_ONCE_INIT;
static char           tm_backend_reason[768];
static bool           tm_backend_ok;

static void tm_backend_check(void)
{
    if(tm__hwc_papi_load() == 0)
    {
        tm_backend_ok = true;
        return;
    }
    tm__hwc_event ev;
    char          why[256] = "";
    memset(&ev, 0, sizeof(ev));
    int rc = tm__hwc_perf_resolve("task-clock", &ev);
    if(rc == 0) rc = tm__hwc_perf_probe(&ev, why, (int)sizeof(why));
    if(rc == 0)
    {
        tm_backend_ok = true;
        return;
    }
    const char* papi = tm__hwc_papi_reason();
    snprintf(tm_backend_reason, sizeof(tm_backend_reason),
             "no hardware-counter backend can count here: PAPI: %s; perf_event: %s",
             papi ? papi : "not usable", why[0] ? why : "perf_event_open refused");
}

const char* tm__hwc_row_reason(int comp)
{
    if(comp == TIMEMORY_PAPI_VECTOR || comp == TIMEMORY_PAPI_ARRAY)
    {
        pthread_once(&tm_backend_once, tm_backend_check);
        return tm_backend_ok ? NULL : tm_backend_reason;
    }
    return tm__roofline_reason(comp); /* hwc_roofline.c */
}

/* ---- the groups --------------------------------------------------------------------------- */

int tm__hwc_register_group(int comp, const char* name, int n, const char* const* names,
                           const char* const* labels, timemory_component_read_fn read, void* ctx)
{
    timemory_component_spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.name          = name;
    spec.description   = tm__components[comp].description;
    spec.flags         = TIMEMORY_CFLAG_INTEGER | TIMEMORY_CFLAG_NO_UNITS;
    spec.nmembers      = n;
    spec.member_names  = names;
    spec.member_labels = labels;
    spec.read          = read;
    spec.context       = ctx;
    int id             = tm__component_register_owned(&spec, comp);
    return id < 0 ? -1 : tm__comp_index(id);
}

/* papi_array holds a fixed array of this many counters (the spec's array[8]); papi_vector
 * holds the whole list */
#define TM_PAPI_ARRAY_SIZE 8

/* A registered group: what its read function checks (the list it was made for). */
typedef struct tm_group {
    const char* tag;   /* tm__hwc_event_name(0) of its list: a new list has a new pointer */
    int         n;     /* members: the list's events, papi_array's first TM_PAPI_ARRAY_SIZE */
    int         first; /* dense index of member 0 */
    int         comp;  /* papi_vector or papi_array */
    atomic_bool warned_replaced;
} tm_group;

static pthread_mutex_t tm_group_lock = PTHREAD_MUTEX_INITIALIZER;
static char*           tm_conf_events; /* papi_events last configured */
static const char*     tm_conf_tag;
static tm_group*       tm_groups[2]; /* papi_array, papi_vector: the latest */
static int             tm_generation[2];
static char*           tm_warned_events; /* the list the "nothing to count" warning was for */

static int tm_group_read(void* ctx, int64_t* values)
{
    tm_group* g = ctx;
    if(TM_UNLIKELY(tm__hwc_event_name(0) != g->tag))
    {
        /* the list was replaced: a region pushed with this group records no counter value */
        if(!atomic_exchange(&g->warned_replaced, true))
            tm__warn("%s: papi_events changed while a region counting the former list was "
                     "open: that region's hardware counters are not recorded",
                     tm__components[g->comp].name);
        return TIMEMORY_EIO;
    }
    if(TM_LIKELY(g->n == tm__hwc_nevents()))
    {
        int rc = tm__hwc_read(values);
        return rc < 0 ? rc : 0;
    }
    int64_t all[TM_HWC_MAX_EVENTS]; /* papi_array of a longer list: its first events */
    int     rc = tm__hwc_read(all);
    if(rc < 0) return rc;
    memcpy(values, all, (size_t)g->n * sizeof(int64_t));
    return 0;
}

/* "perf::TASK-CLOCK" -> "perf_TASK_CLOCK" */
static void tm_sanitize(char* out, size_t cap, const char* prefix, const char* event)
{
    size_t n     = (size_t)snprintf(out, cap, "%s_", prefix);
    bool   under = true;
    for(const char* p = event; *p && n + 1 < cap; ++p)
    {
        bool ok = isalnum((unsigned char)*p) != 0;
        if(!ok && under) continue;
        out[n++] = ok ? *p : '_';
        under    = !ok;
    }
    while(n > 0 && out[n - 1] == '_') --n;
    out[n] = '\0';
}

/* An event name that can be a label (1-63 of [A-Za-z0-9_.:-]); else the member's name is. */
static bool tm_label_ok(const char* s)
{
    size_t n = s ? strlen(s) : 0;
    if(n == 0 || n > 63) return false;
    for(const char* p = s; *p; ++p)
        if(!isalnum((unsigned char)*p) && !strchr("_.:-", *p)) return false;
    return true;
}

/* The settings' list in effect (configured again when papi_events changed or another list was
 * configured since). Returns the number of events; called with tm_group_lock held. */
static int tm_configure(void)
{
    char* events = tm__settings_string_copy("papi_events");
    if(!events) return TIMEMORY_ENOMEM;
    if(tm_conf_events && strcmp(tm_conf_events, events) == 0 &&
       tm__hwc_event_name(0) == tm_conf_tag)
    {
        free(events);
        return tm__hwc_nevents();
    }
    int rc = tm__hwc_configure(events, tm__settings.papi_fail_on_error);
    free(tm_conf_events);
    tm_conf_events = events;
    tm_conf_tag    = tm__hwc_event_name(0);
    return rc;
}

int tm__hwc_group(int comp, int* first)
{
    if(comp != TIMEMORY_PAPI_VECTOR && comp != TIMEMORY_PAPI_ARRAY)
        return tm__hwc_row(comp) ? tm__roofline_group(comp, first) : 0;
    const char* name = tm__components[comp].name;
    int         slot = comp == TIMEMORY_PAPI_VECTOR;
    pthread_mutex_lock(&tm_group_lock);
    int n = tm_configure();
    if(n <= 0)
    {
        const char* events = tm_conf_events ? tm_conf_events : "";
        if(!tm_warned_events || strcmp(tm_warned_events, events) != 0)
        {
            if(!*events)
                tm__warn("%s: no hardware-counter events to count: set papi_events "
                         "(TIMEMORY_PAPI_EVENTS), e.g. \"perf::TASK-CLOCK,perf::PAGE-FAULTS\"",
                         name);
            else
                tm__warn("%s: none of the events of papi_events (\"%s\") can be counted here; "
                         "%s records nothing",
                         name, events, name);
            free(tm_warned_events);
            tm_warned_events = tm__strdup(events);
        }
        pthread_mutex_unlock(&tm_group_lock);
        return 0;
    }
    tm_group* g = tm_groups[slot];
    if(!g || g->tag != tm_conf_tag)
    {
        /* the members: papi_vector_perf_TASK_CLOCK, ... (papi_vector2_... after the list
         * changed), labelled with the event names (the METRIC of the group's table, result_group.c)
         */
        if(comp == TIMEMORY_PAPI_ARRAY && n > TM_PAPI_ARRAY_SIZE)
        {
            tm__warn("papi_array: holds %d counters and papi_events lists %d: it records the "
                     "first %d, from %s on only papi_vector does",
                     TM_PAPI_ARRAY_SIZE, n, TM_PAPI_ARRAY_SIZE,
                     tm__hwc_event_name(TM_PAPI_ARRAY_SIZE));
            n = TM_PAPI_ARRAY_SIZE;
        }
        char        prefix[32];
        char        names[TM_HWC_MAX_EVENTS][64];
        const char* pnames[TM_HWC_MAX_EVENTS];
        const char* plabels[TM_HWC_MAX_EVENTS];
        if(tm_generation[slot]++ == 0)
            snprintf(prefix, sizeof(prefix), "%s", name);
        else
            snprintf(prefix, sizeof(prefix), "%s%d", name, tm_generation[slot]);
        for(int i = 0; i < n; ++i)
        {
            tm_sanitize(names[i], sizeof(names[i]), prefix, tm__hwc_event_name(i));
            for(int k = 0; k < i; ++k) /* two events with one spelling: number the second */
                if(strcmp(names[k], names[i]) == 0)
                {
                    size_t at = strlen(names[i]);
                    if(at > 59) at = 59;
                    names[i][at++] = '_';
                    names[i][at++] = (char)('0' + i / 10);
                    names[i][at++] = (char)('0' + i % 10);
                    names[i][at]   = '\0';
                }
            pnames[i]  = names[i];
            plabels[i] = tm_label_ok(tm__hwc_event_name(i)) ? tm__hwc_event_name(i) : names[i];
        }
        tm_group* made = calloc(1, sizeof(*made));
        if(!made)
        {
            pthread_mutex_unlock(&tm_group_lock);
            return 0;
        }
        made->tag  = tm_conf_tag;
        made->n    = n;
        made->comp = comp;
        int first  = tm__hwc_register_group(comp, prefix, n, pnames, plabels, tm_group_read, made);
        if(first < 0)
        {
            free(made);
            pthread_mutex_unlock(&tm_group_lock);
            return 0;
        }
        made->first     = first;
        tm_groups[slot] = made; /* a replaced group stays: its members exist */
        g               = made;
    }
    *first = g->first;
    n      = g->n;
    pthread_mutex_unlock(&tm_group_lock);
    return n;
}
