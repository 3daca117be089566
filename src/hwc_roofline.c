/* hwc_roofline.c -- cpu_roofline_dp_flops / cpu_roofline_sp_flops / cpu_roofline_flops: each
 * stands for a run-time group (like papi_vector, hwc_components.c) whose members are the
 * region's wall time and the PAPI presets of its roofline mode, read together per sample:
 *   op: runtime_ns, flops (the sum of the FP events), PAPI_DP_OPS and/or PAPI_SP_OPS
 *   ai: runtime_ns, PAPI_LST_INS
 * then the events of cpu_roofline_events. The mode is cpu_roofline_mode, or roofline_mode
 * when cpu_roofline_mode is left at its default "op". The group's output files are named
 * cpu_roofline_<mode> (cpu_roofline_<type>_<mode> with roofline_type_labels), the layout
 * python/timemory/roofline reads for region points. Available exactly when PAPI counts the
 * mode's presets here; the counters are the process's one hardware-counter list
 * (hwcounters.h), so a roofline row and papi_vector are not counted in one process.
 * tm__roofline_set_test_reader replaces the clock and the counters for the tests. */
#include "hwcounters.h"
#include "internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TM_NROOF = 3, TM_ROOF_MAXEV = TM_HWC_MAX_EVENTS - 2 };

static int tm_roof_slot(int comp)
{
    return comp == TIMEMORY_CPU_ROOFLINE_DP_FLOPS ? 0 : comp == TIMEMORY_CPU_ROOFLINE_FLOPS ? 1 : 2;
}

/* the presets of a row in a mode: "PAPI_DP_OPS" / "PAPI_SP_OPS" / both, or "PAPI_LST_INS" */
static int tm_roof_presets(int comp, bool ai, const char* out[2])
{
    if(ai)
    {
        out[0] = "PAPI_LST_INS";
        return 1;
    }
    switch(comp)
    {
    case TIMEMORY_CPU_ROOFLINE_DP_FLOPS:
        out[0] = "PAPI_DP_OPS";
        return 1;
    case TIMEMORY_CPU_ROOFLINE_SP_FLOPS:
        out[0] = "PAPI_SP_OPS";
        return 1;
    default:
        out[0] = "PAPI_SP_OPS";
        out[1] = "PAPI_DP_OPS";
        return 2;
    }
}

/* ---- the test reader ---------------------------------------------------------------------- */

static _Atomic tm__roofline_reader tm_roof_fake;

void tm__roofline_set_test_reader(tm__roofline_reader fn)
{
    atomic_store(&tm_roof_fake, fn);
}

/* ---- the mode ----------------------------------------------------------------------------- */

bool tm__roofline_ai(void)
{
    char* cpu    = tm__settings_string_copy("cpu_roofline_mode");
    char* global = tm__settings_string_copy("roofline_mode");
    bool  ai     = cpu && strcmp(cpu, "op") != 0 ? strcmp(cpu, "ai") == 0
                                                 : (global && strcmp(global, "ai") == 0);
    free(cpu);
    free(global);
    return ai;
}

/* ---- availability ------------------------------------------------------------------------- */

static pthread_once_t tm_roof_once = PTHREAD_ONCE_INIT;
static char           tm_roof_reason[TM_NROOF][2][768]; /* [row][ai] ("": available) */

static void tm_roof_check(void)
{
    static const int rows[TM_NROOF] = { TIMEMORY_CPU_ROOFLINE_DP_FLOPS, TIMEMORY_CPU_ROOFLINE_FLOPS,
                                        TIMEMORY_CPU_ROOFLINE_SP_FLOPS };
    bool             papi           = tm__hwc_papi_load() == 0;
    for(int i = 0; i < TM_NROOF; ++i)
        for(int ai = 0; ai < 2; ++ai)
        {
            const char* presets[2];
            int         n   = tm_roof_presets(rows[i], ai, presets);
            char*       out = tm_roof_reason[tm_roof_slot(rows[i])][ai];
            size_t      cap = sizeof(tm_roof_reason[0][0]);
            const char* what =
                ai ? "load/store instructions, roofline_mode ai" : "floating-point operations";
            for(int e = 0; e < n && !out[0]; ++e)
            {
                char          why[512] = "";
                tm__hwc_event ev;
                memset(&ev, 0, sizeof(ev));
                snprintf(ev.name, sizeof(ev.name), "%s", presets[e]);
                if(!papi)
                {
                    const char* r = tm__hwc_papi_reason();
                    snprintf(out, cap,
                             "requires the PAPI preset %s (%s), which needs PAPI with a CPU PMU: "
                             "%s",
                             presets[e], what, r ? r : "libpapi is not usable");
                    break;
                }
                int rc = tm__hwc_papi_resolve(presets[e], &ev, why, (int)sizeof(why));
                if(rc == 0) rc = tm__hwc_papi_probe(&ev, why, (int)sizeof(why));
                if(rc != 0)
                    snprintf(out, cap,
                             "requires %s (%s), which cannot be counted on this machine: no PMU "
                             "has it (%s)",
                             presets[e], what, why[0] ? why : "PAPI does not have it");
            }
        }
}

const char* tm__roofline_reason(int comp)
{
    if(atomic_load(&tm_roof_fake)) return NULL;
    pthread_once(&tm_roof_once, tm_roof_check);
    const char* r = tm_roof_reason[tm_roof_slot(comp)][tm__roofline_ai()];
    return r[0] ? r : NULL;
}

/* ---- the group ---------------------------------------------------------------------------- */

typedef struct tm_roof_group {
    int         comp;
    const char* tag; /* tm__hwc_event_name(0) of the list configured for it (NULL: test) */
    int         nfp; /* op mode: the FP events summed into flops (events 0..nfp-1) */
    int         nev; /* events read after the run time */
} tm_roof_group;

static pthread_mutex_t tm_roof_lock = PTHREAD_MUTEX_INITIALIZER;
static tm_roof_group*  tm_roof_groups[TM_NROOF][2];
static int             tm_roof_first[TM_NROOF][2];
static char            tm_roof_labels[TM_NROOF][64];

static int tm_roof_read(void* ctx, int64_t* values)
{
    const tm_roof_group* g = ctx;
    int64_t              raw[TM_HWC_MAX_EVENTS + 1];
    tm__roofline_reader  fake = atomic_load_explicit(&tm_roof_fake, memory_order_relaxed);
    if(TM_UNLIKELY(fake != NULL))
    {
        int rc = fake(g->comp, raw, 1 + g->nev);
        if(rc < 0) return rc;
    }
    else
    {
        if(TM_UNLIKELY(tm__hwc_event_name(0) != g->tag)) return TIMEMORY_EIO; /* list replaced */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        raw[0] = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        int rc = tm__hwc_read(raw + 1);
        if(rc < 0) return rc;
    }
    int at       = 0;
    values[at++] = raw[0];
    if(g->nfp > 0)
    {
        int64_t sum = 0;
        for(int i = 0; i < g->nfp; ++i) sum += raw[1 + i];
        values[at++] = sum;
    }
    for(int i = 0; i < g->nev; ++i) values[at++] = raw[1 + i];
    return 0;
}

/* the events: the mode's presets, then those of cpu_roofline_events not already there */
static int tm_roof_events(int comp, bool ai, char names[][TM_HWC_NAME_LEN])
{
    const char* presets[2];
    int         n = tm_roof_presets(comp, ai, presets);
    for(int i = 0; i < n; ++i) snprintf(names[i], TM_HWC_NAME_LEN, "%s", presets[i]);
    char* extra = tm__settings_string_copy("cpu_roofline_events");
    char* save  = NULL;
    for(char* t = extra ? strtok_r(extra, ", ;\t", &save) : NULL; t && n < TM_ROOF_MAXEV;
        t       = strtok_r(NULL, ", ;\t", &save))
    {
        bool dup = false;
        for(int i = 0; i < n; ++i) dup = dup || strcmp(names[i], t) == 0;
        if(!dup) snprintf(names[n++], TM_HWC_NAME_LEN, "%s", t);
    }
    free(extra);
    return n;
}

const char* tm__roofline_label(int comp)
{
    const char* l = tm_roof_labels[tm_roof_slot(comp)];
    return l[0] ? l : NULL;
}

int tm__roofline_group(int comp, int* first)
{
    bool ai   = tm__roofline_ai();
    int  slot = tm_roof_slot(comp);
    bool fake = atomic_load(&tm_roof_fake) != NULL;
    pthread_mutex_lock(&tm_roof_lock);
    tm_roof_group* g = tm_roof_groups[slot][ai];
    if(g && (fake ? g->tag != NULL : g->tag != tm__hwc_event_name(0))) g = NULL;
    if(!g)
    {
        char names[TM_HWC_MAX_EVENTS][TM_HWC_NAME_LEN];
        int  nev = tm_roof_events(comp, ai, names);
        int  nfp = ai ? 0 : (comp == TIMEMORY_CPU_ROOFLINE_FLOPS ? 2 : 1);
        if(!fake)
        {
            char list[TM_HWC_MAX_EVENTS * (TM_HWC_NAME_LEN + 1)] = "";
            for(int i = 0; i < nev; ++i)
            {
                if(i) strcat(list, ",");
                strcat(list, names[i]);
            }
            int n = tm__hwc_configure(list, tm__settings.papi_fail_on_error);
            /* the presets are checked to count here; an extra one may have been left out */
            int req = ai ? 1 : nfp;
            for(int i = 0; i < req; ++i)
                if(n <= i || strcmp(tm__hwc_event_name(i), names[i]) != 0)
                {
                    tm__warn("%s: %s could not be counted; it records nothing",
                             tm__components[comp].name, names[i]);
                    pthread_mutex_unlock(&tm_roof_lock);
                    return 0;
                }
            nev = n;
            for(int i = req; i < n; ++i)
                snprintf(names[i], TM_HWC_NAME_LEN, "%s", tm__hwc_event_name(i));
        }
        /* members: <row>_<mode>_runtime_ns, _flops, _PAPI_DP_OPS ... labelled runtime_ns, flops,
         * PAPI_DP_OPS (the names python/timemory/roofline looks for) */
        char        prefix[48];
        char        mnames[TM_HWC_MAX_EVENTS][128];
        char        mlabels[TM_HWC_MAX_EVENTS][64];
        const char* pnames[TM_HWC_MAX_EVENTS];
        const char* plabels[TM_HWC_MAX_EVENTS];
        static int  generation;
        snprintf(prefix, sizeof(prefix), "%s_%s%d", tm__components[comp].name, ai ? "ai" : "op",
                 ++generation);
        int m = 0;
        snprintf(mlabels[m++], 64, "runtime_ns");
        if(nfp) snprintf(mlabels[m++], 64, "flops");
        for(int i = 0; i < nev; ++i)
        {
            snprintf(mlabels[m], 64, "%.63s", names[i]);
            for(char* p = mlabels[m]; *p; ++p) /* perf::X-Y -> perf__X_Y */
                if(!isalnum((unsigned char)*p)) *p = '_';
            ++m;
        }
        for(int i = 0; i < m; ++i)
        {
            snprintf(mnames[i], sizeof(mnames[i]), "%.47s_%.63s", prefix, mlabels[i]);
            pnames[i]  = mnames[i];
            plabels[i] = mlabels[i];
        }
        tm_roof_group* made = calloc(1, sizeof(*made));
        if(!made)
        {
            pthread_mutex_unlock(&tm_roof_lock);
            return 0;
        }
        made->comp = comp;
        made->tag  = fake ? NULL : tm__hwc_event_name(0);
        made->nfp  = nfp;
        made->nev  = nev;
        int first  = tm__hwc_register_group(comp, prefix, m, pnames, plabels, tm_roof_read, made);
        if(first < 0)
        {
            free(made);
            pthread_mutex_unlock(&tm_roof_lock);
            return 0;
        }
        tm_roof_first[slot][ai]  = first;
        tm_roof_groups[slot][ai] = made; /* a replaced group stays: its members exist */
        g                        = made;
    }
    /* the files: cpu_roofline_<mode>, cpu_roofline_<type>_<mode> with type labels (written
     * only when it changes: the output reads it) */
    static const char* const types[TM_NROOF] = { "double", "", "float" };
    char                     label[64];
    if(tm__settings.roofline_type_labels && types[slot][0])
        snprintf(label, sizeof(label), "cpu_roofline_%s_%s", types[slot], ai ? "ai" : "op");
    else
        snprintf(label, sizeof(label), "cpu_roofline_%s", ai ? "ai" : "op");
    if(strcmp(label, tm_roof_labels[slot]) != 0) memcpy(tm_roof_labels[slot], label, sizeof(label));
    *first = tm_roof_first[slot][ai];
    int n  = 1 + (g->nfp > 0) + g->nev;
    pthread_mutex_unlock(&tm_roof_lock);
    return n;
}
