/* hwc_papi.c -- the PAPI backend of the hardware counters: libpapi loaded at run time
 * (dlopen "libpapi.so.7.0", "libpapi.so.7", "libpapi.so"), so nothing links it; initialized
 * once (thread support per settings.papi_threading, multiplexing per papi_multiplexing);
 * per-thread event sets (PAPI_register_thread), overflow counting (papi_overflow), and the
 * list of PAPI presets and native events (src/hwcounters.h).
 *
 * PAPI's headers are not needed to build: the few functions, constants and the leading
 * fields of PAPI_event_info_t / PAPI_component_info_t used here are declared below, as PAPI 5
 * to 7 define them (tests/c/test_hwcounters.c checks them against papi.h where installed). */
#include "hwcounters.h"
#include "internal.h"
#include "timemory/timemory.h"

#include <dlfcn.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TM_PAPI_OK                0
#define TM_PAPI_NULL              -1
#define TM_PAPI_ENOEVNT           -7  /* PAPI_ENOEVNT: no such event */
#define TM_PAPI_EISRUN            -10 /* PAPI_EISRUN: the thread already counts a set */
#define TM_PAPI_PRESET_MASK       ((int)0x80000000u)
#define TM_PAPI_NATIVE_MASK       0x40000000
#define TM_PAPI_ENUM_EVENTS       0
#define TM_PAPI_ENUM_FIRST        1
#define TM_PAPI_PRESET_ENUM_AVAIL 2
#define TM_PAPI_LOW_LEVEL_INITED  1
#define TM_PAPI_MIN_STR_LEN       64
#define TM_PAPI_MAX_STR_LEN       128
#define TM_PAPI_HUGE_STR_LEN      1024

/* the leading fields of PAPI_event_info_t (the rest is left as room) */
typedef struct tm_papi_event_info {
    unsigned int event_code;
    char         symbol[TM_PAPI_HUGE_STR_LEN];
    char         short_descr[TM_PAPI_MIN_STR_LEN];
    char         long_descr[TM_PAPI_HUGE_STR_LEN];
    int          component_index;
    char         units[TM_PAPI_MIN_STR_LEN];
    char         rest[16384]; /* PAPI 7's struct is 6680 bytes */
} tm_papi_event_info;

/* the leading fields of PAPI_component_info_t */
typedef struct tm_papi_component_info {
    char name[TM_PAPI_MAX_STR_LEN];
    char short_name[TM_PAPI_MIN_STR_LEN];
    char description[TM_PAPI_MAX_STR_LEN];
    char version[TM_PAPI_MIN_STR_LEN];
    char support_version[TM_PAPI_MIN_STR_LEN];
    char kernel_version[TM_PAPI_MIN_STR_LEN];
    char disabled_reason[TM_PAPI_HUGE_STR_LEN];
    int  disabled;
} tm_papi_component_info;

typedef void (*tm_papi_overflow_fn)(int set, void* address, long long overflow_vector,
                                    void* context);

#define TM_PAPI_FUNCTIONS(X)                                                                       \
    X(int, PAPI_library_init, (int))                                                               \
    X(int, PAPI_is_initialized, (void))                                                            \
    X(int, PAPI_thread_init, (unsigned long (*)(void)))                                            \
    X(int, PAPI_register_thread, (void))                                                           \
    X(int, PAPI_unregister_thread, (void))                                                         \
    X(int, PAPI_multiplex_init, (void))                                                            \
    X(int, PAPI_create_eventset, (int*))                                                           \
    X(int, PAPI_assign_eventset_component, (int, int))                                             \
    X(int, PAPI_set_multiplex, (int))                                                              \
    X(int, PAPI_add_event, (int, int))                                                             \
    X(int, PAPI_event_name_to_code, (const char*, int*))                                           \
    X(int, PAPI_query_event, (int))                                                                \
    X(int, PAPI_get_event_info, (int, tm_papi_event_info*))                                        \
    X(int, PAPI_enum_event, (int*, int))                                                           \
    X(int, PAPI_enum_cmp_event, (int*, int, int))                                                  \
    X(int, PAPI_num_components, (void))                                                            \
    X(const tm_papi_component_info*, PAPI_get_component_info, (int))                               \
    X(int, PAPI_overflow, (int, int, int, int, tm_papi_overflow_fn))                               \
    X(int, PAPI_start, (int))                                                                      \
    X(int, PAPI_stop, (int, long long*))                                                           \
    X(int, PAPI_read, (int, long long*))                                                           \
    X(int, PAPI_cleanup_eventset, (int))                                                           \
    X(int, PAPI_destroy_eventset, (int*))                                                          \
    X(char*, PAPI_strerror, (int))

static struct {
#define TM_PAPI_PTR(ret, name, args) ret(*name) args;
    TM_PAPI_FUNCTIONS(TM_PAPI_PTR)
#undef TM_PAPI_PTR
} tm_papi;

static pthread_once_t tm_papi_once   = PTHREAD_ONCE_INIT;
static int            tm_papi_status = TIMEMORY_EUNAVAILABLE;
static char           tm_papi_why[512];
static int            tm_papi_cpu_component = 0; /* index of the enabled CPU component */
static bool           tm_papi_multiplex_ok;

static const char* tm_papi_err(int code)
{
    const char* text = tm_papi.PAPI_strerror ? tm_papi.PAPI_strerror(code) : NULL;
    return text ? text : "unknown PAPI error";
}

static unsigned long tm_papi_thread_id(void)
{
    return (unsigned long)pthread_self();
}

static void tm_papi_load_once(void)
{
    static const char* const sonames[] = { "libpapi.so.7.0", "libpapi.so.7", "libpapi.so.6.0",
                                           "libpapi.so.6", "libpapi.so" };
    void*                    lib       = NULL;
    for(size_t i = 0; !lib && i < sizeof(sonames) / sizeof(sonames[0]); ++i)
        lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
    if(!lib)
    {
        snprintf(tm_papi_why, sizeof(tm_papi_why),
                 "PAPI is not installed (libpapi.so.7 / libpapi.so not found; Debian: apt-get "
                 "install libpapi7.0, or libpapi-dev)");
        return;
    }
#define TM_PAPI_SYM(ret, name, args)                                                               \
    *(void**)(&tm_papi.name) = dlsym(lib, #name);                                                  \
    if(!tm_papi.name)                                                                              \
    {                                                                                              \
        snprintf(tm_papi_why, sizeof(tm_papi_why), "libpapi lacks %s (too old a PAPI)", #name);    \
        memset(&tm_papi, 0, sizeof(tm_papi));                                                      \
        return;                                                                                    \
    }
    TM_PAPI_FUNCTIONS(TM_PAPI_SYM)
#undef TM_PAPI_SYM
    /* PAPI_library_init wants the major.minor of the library itself: try the versions known */
    int version = 0;
    if(tm_papi.PAPI_is_initialized() == 0)
    {
        static const int versions[][2] = { { 7, 0 }, { 7, 1 }, { 7, 2 }, { 7, 3 },
                                           { 7, 4 }, { 6, 0 }, { 5, 7 } };
        for(size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); ++v)
        {
            int want = (versions[v][0] << 24) | (versions[v][1] << 16);
            int got  = tm_papi.PAPI_library_init(want);
            if(got == want)
            {
                version = want;
                break;
            }
        }
        if(!version)
        {
            snprintf(tm_papi_why, sizeof(tm_papi_why),
                     "PAPI_library_init failed (libpapi of an unsupported version)");
            return;
        }
    }
    if(tm__settings.papi_threading) tm_papi.PAPI_thread_init(tm_papi_thread_id);
    tm_papi_multiplex_ok = tm_papi.PAPI_multiplex_init() == TM_PAPI_OK;
    /* a CPU component that is enabled (perf_event); PAPI without one counts nothing */
    int  ncomp         = tm_papi.PAPI_num_components();
    char disabled[384] = "";
    for(int c = 0; c < ncomp; ++c)
    {
        const tm_papi_component_info* info = tm_papi.PAPI_get_component_info(c);
        if(!info || strcmp(info->name, "perf_event") != 0) continue;
        if(!info->disabled)
        {
            tm_papi_cpu_component = c;
            tm_papi_status        = 0;
            return;
        }
        snprintf(disabled, sizeof(disabled), "%.380s", info->disabled_reason);
    }
    snprintf(tm_papi_why, sizeof(tm_papi_why),
             "PAPI %d.%d loaded, but its perf_event component is disabled (%s)",
             (version >> 24) & 0xff, (version >> 16) & 0xff,
             disabled[0] ? disabled : "no such component");
}

int tm__hwc_papi_load(void)
{
    pthread_once(&tm_papi_once, tm_papi_load_once);
    return tm_papi_status;
}

const char* tm__hwc_papi_reason(void)
{
    pthread_once(&tm_papi_once, tm_papi_load_once);
    return tm_papi_status == 0 ? NULL : tm_papi_why;
}

void tm__hwc_papi_thread_register(void)
{
    if(tm__settings.papi_threading && tm_papi.PAPI_register_thread) tm_papi.PAPI_register_thread();
}

void tm__hwc_papi_thread_unregister(void)
{
    if(tm__settings.papi_threading && tm_papi.PAPI_unregister_thread)
        tm_papi.PAPI_unregister_thread();
}

/* The calling thread registered with PAPI (with thread support, PAPI 7 dereferences the
 * thread's record in name lookups and event sets); false, saying why, when out of memory. */
static bool tm_papi_thread_ok(char* why, int len)
{
    if(tm__hwc_papi_thread_ready()) return true;
    snprintf(why, (size_t)len, "out of memory");
    return false;
}

int tm__hwc_papi_resolve(const char* name, tm__hwc_event* ev, char* why, int len)
{
    if(!tm_papi_thread_ok(why, len)) return TIMEMORY_ENOMEM;
    int code = 0, rc = tm_papi.PAPI_event_name_to_code(name, &code);
    if(rc != TM_PAPI_OK)
    {
        /* perf's own names ("task-clock") are PAPI's perf::TASK-CLOCK */
        tm__hwc_event perf;
        if(tm__hwc_perf_resolve(name, &perf) == 0 && strncmp(name, "perf::", 6) != 0)
        {
            char alt[TM_HWC_NAME_LEN + 8];
            int  n = snprintf(alt, sizeof(alt), "perf::");
            for(const char* p = name; *p && n + 1 < (int)sizeof(alt); ++p)
                alt[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
            alt[n] = '\0';
            rc     = tm_papi.PAPI_event_name_to_code(alt, &code);
        }
    }
    if(rc != TM_PAPI_OK)
    {
        /* PAPI_ENOEVNT, or PAPI_ECMP when no component takes the name: unknown either way */
        snprintf(why, (size_t)len, "PAPI: %s", tm_papi_err(rc));
        return TIMEMORY_EUNKNOWN;
    }
    ev->papi_code            = code;
    tm_papi_event_info* info = calloc(1, sizeof(*info));
    if(info && tm_papi.PAPI_get_event_info(code, info) == TM_PAPI_OK)
        snprintf(ev->units, sizeof(ev->units), "%.15s", info->units);
    free(info);
    tm__hwc_event perf;
    if(!ev->units[0] && tm__hwc_perf_resolve(name, &perf) == 0)
        snprintf(ev->units, sizeof(ev->units), "%s", perf.units);
    return 0;
}

static int tm_papi_fill(int* set, const tm__hwc_event* evs, int n, bool multiplex, char* why,
                        int len)
{
    int rc = tm_papi.PAPI_create_eventset(set);
    if(rc == TM_PAPI_OK && multiplex && tm_papi_multiplex_ok)
    {
        rc = tm_papi.PAPI_assign_eventset_component(*set, tm_papi_cpu_component);
        if(rc == TM_PAPI_OK) rc = tm_papi.PAPI_set_multiplex(*set);
    }
    for(int i = 0; rc == TM_PAPI_OK && i < n; ++i)
    {
        rc = tm_papi.PAPI_add_event(*set, evs[i].papi_code);
        if(rc == TM_PAPI_ENOEVNT && evs[i].name[0])
        {
            /* PAPI 7 may renumber native events (listing them does): look the name up again */
            tm__hwc_event again;
            char          ignored[64];
            memset(&again, 0, sizeof(again));
            if(tm__hwc_papi_resolve(evs[i].name, &again, ignored, (int)sizeof(ignored)) == 0)
                rc = tm_papi.PAPI_add_event(*set, again.papi_code);
        }
    }
    if(rc != TM_PAPI_OK && why) snprintf(why, (size_t)len, "PAPI: %s", tm_papi_err(rc));
    return rc;
}

int tm__hwc_papi_probe(const tm__hwc_event* ev, char* why, int len)
{
    if(!tm_papi_thread_ok(why, len)) return TIMEMORY_ENOMEM;
    int  set = TM_PAPI_NULL, rc = tm_papi_fill(&set, ev, 1, false, why, len);
    bool paused = false;
    if(rc == TM_PAPI_OK)
    {
        long long value = 0;
        rc              = tm_papi.PAPI_start(set);
        /* this thread counts a set: it steps aside for the probe (hwcounters.c) */
        if(rc == TM_PAPI_EISRUN && (paused = tm__hwc_papi_pause_running()))
            rc = tm_papi.PAPI_start(set);
        if(rc == TM_PAPI_OK)
            tm_papi.PAPI_stop(set, &value);
        else
            snprintf(why, (size_t)len, "PAPI_start: %s", tm_papi_err(rc));
    }
    if(set != TM_PAPI_NULL) tm__hwc_papi_close(&set);
    if(paused) tm__hwc_papi_resume_paused();
    return rc == TM_PAPI_OK ? 0 : TIMEMORY_EUNAVAILABLE;
}

static _Thread_local uint64_t* tm_papi_overflow_counter;

static void tm_papi_on_overflow(int set, void* address, long long vector, void* context)
{
    (void)set;
    (void)address;
    (void)vector;
    (void)context;
    if(tm_papi_overflow_counter) ++*tm_papi_overflow_counter;
}

int tm__hwc_papi_open(const tm__hwc_event* evs, int n, bool multiplex, int overflow, int* set,
                      uint64_t* overflow_counter, char* why, int len)
{
    *set   = TM_PAPI_NULL;
    int rc = tm_papi_fill(set, evs, n, multiplex, why, len);
    if(rc == TM_PAPI_OK && overflow > 0 && n > 0)
    {
        tm_papi_overflow_counter = overflow_counter;
        rc = tm_papi.PAPI_overflow(*set, evs[0].papi_code, overflow, 0, tm_papi_on_overflow);
    }
    if(rc == TM_PAPI_OK)
    {
        rc = tm_papi.PAPI_start(*set);
        if(rc != TM_PAPI_OK) snprintf(why, (size_t)len, "PAPI_start: %s", tm_papi_err(rc));
    }
    if(rc != TM_PAPI_OK)
    {
        if(*set != TM_PAPI_NULL) tm__hwc_papi_close(set);
        return TIMEMORY_EUNAVAILABLE;
    }
    return 0;
}

int tm__hwc_papi_read(int set, int n, long long* buf, int64_t* values)
{
    if(tm_papi.PAPI_read(set, buf) != TM_PAPI_OK) return TIMEMORY_EIO;
    for(int i = 0; i < n; ++i) values[i] = (int64_t)buf[i];
    return n;
}

void tm__hwc_papi_close(int* set)
{
    if(*set != TM_PAPI_NULL)
    {
        long long discard[TM_HWC_MAX_EVENTS];
        tm_papi.PAPI_stop(*set, discard); /* fails harmlessly when not started */
        tm_papi.PAPI_cleanup_eventset(*set);
        tm_papi.PAPI_destroy_eventset(set);
        *set = TM_PAPI_NULL;
    }
}

static int tm_papi_list_one(int code, tm_papi_event_info* info,
                            void (*fn)(void*, const char*, const char*, const char*, bool),
                            void* arg)
{
    if(tm_papi.PAPI_get_event_info(code, info) != TM_PAPI_OK) return 0;
    bool available = tm_papi.PAPI_query_event(code) == TM_PAPI_OK;
    if(available)
    {
        tm__hwc_event ev;
        char          why[256];
        memset(&ev, 0, sizeof(ev));
        ev.papi_code = code;
        available    = tm__hwc_papi_probe(&ev, why, (int)sizeof(why)) == 0;
    }
    const char* text = info->long_descr[0] ? info->long_descr : info->short_descr;
    fn(arg, info->symbol, text, info->units, available);
    return 1;
}

int tm__hwc_papi_list(void (*fn)(void* arg, const char* name, const char* description,
                                 const char* units, bool available),
                      void* arg)
{
    pthread_once(&tm_papi_once, tm_papi_load_once);
    if(!tm_papi.PAPI_enum_event || !tm_papi.PAPI_is_initialized()) return 0;
    if(!tm__hwc_papi_thread_ready()) return 0;
    tm_papi_event_info* info = calloc(1, sizeof(*info));
    if(!info) return 0;
    int count = 0;
    int code  = TM_PAPI_PRESET_MASK;
    if(tm_papi.PAPI_enum_event(&code, TM_PAPI_ENUM_FIRST) == TM_PAPI_OK) do
            count += tm_papi_list_one(code, info, fn, arg);
        while(tm_papi.PAPI_enum_event(&code, TM_PAPI_ENUM_EVENTS) == TM_PAPI_OK);
    int ncomp = tm_papi.PAPI_num_components();
    for(int c = 0; c < ncomp; ++c)
    {
        const tm_papi_component_info* comp = tm_papi.PAPI_get_component_info(c);
        if(!comp || comp->disabled) continue;
        code = TM_PAPI_NATIVE_MASK;
        if(tm_papi.PAPI_enum_cmp_event(&code, TM_PAPI_ENUM_FIRST, c) != TM_PAPI_OK) continue;
        do count += tm_papi_list_one(code, info, fn, arg);
        while(tm_papi.PAPI_enum_cmp_event(&code, TM_PAPI_ENUM_EVENTS, c) == TM_PAPI_OK);
    }
    free(info);
    return count;
}

void tm__hwc_papi_layout(size_t offsets[6])
{
    offsets[0] = offsetof(tm_papi_event_info, short_descr);
    offsets[1] = offsetof(tm_papi_event_info, long_descr);
    offsets[2] = offsetof(tm_papi_event_info, component_index);
    offsets[3] = offsetof(tm_papi_event_info, units);
    offsets[4] = offsetof(tm_papi_component_info, disabled_reason);
    offsets[5] = offsetof(tm_papi_component_info, disabled);
}
