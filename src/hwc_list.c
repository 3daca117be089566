/* hwc_list.c -- timemory_hwcounters_list: every hardware counter event known (PAPI presets and
 * native events when libpapi loads, perf_event's names always), each tested by opening it on
 * this machine; made once per process, kept for its lifetime. */
#include "hwcounters.h"
#include "timemory/hwcounters.h"
#include "timemory/timemory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static timemory_hwcounter_info* tm_list;
static int                      tm_list_n;
static int                      tm_list_cap;
static pthread_once_t           tm_list_once = PTHREAD_ONCE_INIT;

static void tm_list_add(const char* name, const char* description, const char* units,
                        const char* backend, bool available)
{
    if(tm_list_n == tm_list_cap)
    {
        int   cap  = tm_list_cap ? 2 * tm_list_cap : 64;
        void* grow = realloc(tm_list, (size_t)cap * sizeof(*tm_list));
        if(!grow) return;
        tm_list     = grow;
        tm_list_cap = cap;
    }
    timemory_hwcounter_info* e = &tm_list[tm_list_n];
    e->name                    = strdup(name ? name : "");
    e->description             = strdup(description ? description : "");
    e->units                   = strdup(units ? units : "");
    e->backend                 = backend;
    e->available               = available;
    if(!e->name || !e->description || !e->units)
    {
        free((void*)e->name);
        free((void*)e->description);
        free((void*)e->units);
        return;
    }
    ++tm_list_n;
}

static void tm_list_papi(void* arg, const char* name, const char* description, const char* units,
                         bool available)
{
    (void)arg;
    tm_list_add(name, description, units, "papi", available);
}

static void tm_list_build(void)
{
    tm__hwc_papi_load(); /* listed when libpapi loads, even with no working component */
    tm__hwc_papi_list(tm_list_papi, NULL);
    int n = tm__hwc_perf_known(-1, NULL, NULL, NULL);
    for(int i = 0; i < n; ++i)
    {
        const char *name = NULL, *description = NULL, *units = NULL;
        tm__hwc_perf_known(i, &name, &description, &units);
        tm__hwc_event ev;
        char          why[256];
        memset(&ev, 0, sizeof(ev));
        bool available = tm__hwc_perf_resolve(name, &ev) == 0 &&
                         tm__hwc_perf_probe(&ev, why, (int)sizeof(why)) == 0;
        tm_list_add(name, description, units, "perf_event", available);
    }
}

int timemory_hwcounters_list(timemory_hwcounter_info* out, int capacity)
{
    pthread_once(&tm_list_once, tm_list_build);
    for(int i = 0; out && i < tm_list_n && i < capacity; ++i) out[i] = tm_list[i];
    return tm_list_n;
}
