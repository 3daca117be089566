/* hwcounters.c -- hardware counters: the process-wide event list (parsing, backend choice,
 * one warning per event this machine lacks), each thread's counters (opened at its first
 * read, closed at thread exit, reopened in a forked child) and the hot-path read; the public
 * wrappers of include/timemory/hwcounters.h. The backends: hwc_perf_event.c, hwc_papi.c. */
#include "hwcounters.h"
#include "internal.h"
#include "timemory/hwcounters.h"
#include "timemory/timemory.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { TM_HWC_NONE = 0, TM_HWC_PERF = 1, TM_HWC_PAPI = 2 };

/* One event list; immutable once published. Replaced ones are kept (a thread may still hold
 * one; a pointer compare tells a thread its list changed, so none is ever reused). */
typedef struct tm_hwc_config {
    int                   backend;
    int                   n;
    bool                  multiplex;
    int                   overflow;
    char                  reason[512]; /* why PAPI is not used ("" when it is) */
    tm__hwc_event         ev[TM_HWC_MAX_EVENTS];
    struct tm_hwc_config* retired;
} tm_hwc_config;

static tm_hwc_config* _Atomic tm_hwc_current;
static tm_hwc_config*         tm_hwc_retired;
static pthread_mutex_t        tm_hwc_lock   = PTHREAD_MUTEX_INITIALIZER;
static int                    tm_hwc_wanted = -1; /* -1: $TIMEMORY_HWCOUNTERS_BACKEND */

/* ---- each thread's counters --------------------------------------------------------------- */

typedef struct tm_hwc_thread {
    const tm_hwc_config*  cfg;    /* the list opened (or that failed to open) */
    int                   status; /* 0, or the error of opening cfg */
    bool                  open;
    bool                  registered;
    bool                  papi_forked;     /* a fork child cannot reuse PAPI's event sets */
    bool                  papi_registered; /* PAPI_register_thread done for this thread */
    int                   backend;
    int                   n;
    bool                  multiplex;
    tm__hwc_perf_set      perf;
    int                   papi_set;
    uint64_t              overflows;
    const tm_hwc_config*  paused_cfg; /* the list whose counts papi_base holds, or NULL */
    int64_t               papi_base[TM_HWC_MAX_EVENTS];
    struct tm_hwc_thread* prev;
    struct tm_hwc_thread* next;
    union {
        uint64_t  perf[3 + TM_HWC_MAX_EVENTS];
        long long papi[TM_HWC_MAX_EVENTS];
    } buf;
} tm_hwc_thread;

/* On the heap (made at the thread's first read), reached through one initial-exec pointer:
 * static TLS is scarce where the library is dlopen()ed (Python), see library.c. */
static _Thread_local tm_hwc_thread* tm_hwc_me __attribute__((tls_model("initial-exec")));
static tm_hwc_thread*               tm_hwc_threads; /* registered, under tm_hwc_threads_lock */
static pthread_mutex_t              tm_hwc_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t                tm_hwc_key;
static pthread_once_t               tm_hwc_once = PTHREAD_ONCE_INIT;

static void tm_hwc_close(tm_hwc_thread* t)
{
    if(t->open)
    {
        if(t->backend == TM_HWC_PERF)
            tm__hwc_perf_close(&t->perf);
        else if(t->backend == TM_HWC_PAPI && !t->papi_forked)
            tm__hwc_papi_close(&t->papi_set);
    }
    t->open = false;
    t->cfg  = NULL;
}

static void tm_hwc_papi_register(tm_hwc_thread* t)
{
    if(t->papi_registered || t->papi_forked) return;
    tm__hwc_papi_thread_register();
    t->papi_registered = true;
}

static void tm_hwc_papi_unregister(tm_hwc_thread* t)
{
    if(t->papi_registered && !t->papi_forked) tm__hwc_papi_thread_unregister();
    t->papi_registered = false;
}

static void tm_hwc_unregister(tm_hwc_thread* t)
{
    if(!t->registered) return;
    pthread_mutex_lock(&tm_hwc_threads_lock);
    if(t->prev) t->prev->next = t->next;
    if(t->next) t->next->prev = t->prev;
    if(tm_hwc_threads == t) tm_hwc_threads = t->next;
    t->prev = t->next = NULL;
    t->registered     = false;
    pthread_mutex_unlock(&tm_hwc_threads_lock);
}

static void tm_hwc_thread_exit(void* arg)
{
    tm_hwc_thread* t = arg;
    tm_hwc_close(t);
    tm_hwc_papi_unregister(t);
    tm_hwc_unregister(t);
    if(tm_hwc_me == t) tm_hwc_me = NULL;
    free(t);
}

static void tm_hwc_fork_prepare(void)
{
    pthread_mutex_lock(&tm_hwc_threads_lock);
}
static void tm_hwc_fork_parent(void)
{
    pthread_mutex_unlock(&tm_hwc_threads_lock);
}

/* The child's counters are the parent's threads' (inherited fds): closed (closing a copy
 * leaves the parent's counting), so the one thread of the child reopens its own. PAPI's
 * state cannot be touched in the child: its reads fail. */
static void tm_hwc_fork_child(void)
{
    tm_hwc_thread* self = tm_hwc_me;
    for(tm_hwc_thread *t = tm_hwc_threads, *next = NULL; t; t = next)
    {
        next = t->next;
        if((t->open && t->backend == TM_HWC_PAPI) || t->papi_registered) t->papi_forked = true;
        tm_hwc_close(t);
        if(t != self) free(t); /* its thread is not in the child */
    }
    tm_hwc_threads = self;
    if(self) self->prev = self->next = NULL;
    pthread_mutex_unlock(&tm_hwc_threads_lock);
}

static void tm_hwc_init_once(void)
{
    pthread_key_create(&tm_hwc_key, tm_hwc_thread_exit);
    pthread_atfork(tm_hwc_fork_prepare, tm_hwc_fork_parent, tm_hwc_fork_child);
}

/* The slow path of a read: this thread opens cfg (once per cfg, failed or not). */
static int tm_hwc_thread_open(tm_hwc_thread* t, const tm_hwc_config* cfg)
{
    tm_hwc_close(t);
    if(t->paused_cfg != cfg) t->paused_cfg = NULL; /* another list: its counts start at 0 */
    t->cfg    = cfg;
    t->status = 0;
    if(!cfg || cfg->n == 0) return 0;
    if(t->papi_forked)
    {
        t->status = TIMEMORY_EUNAVAILABLE;
        return t->status;
    }
    t->backend    = cfg->backend;
    t->n          = cfg->n;
    t->multiplex  = cfg->multiplex;
    int  rc       = 0;
    char why[256] = "";
    if(cfg->backend == TM_HWC_PERF)
        rc = tm__hwc_perf_open(cfg->ev, cfg->n, cfg->multiplex, &t->perf);
    else
    {
        tm_hwc_papi_register(t);
        rc = tm__hwc_papi_open(cfg->ev, cfg->n, cfg->multiplex, cfg->overflow, &t->papi_set,
                               &t->overflows, why, (int)sizeof(why));
    }
    if(rc != 0)
    {
        /* perf: -errno (out of file descriptors, ...); PAPI: a TIMEMORY_* code */
        t->status = cfg->backend == TM_HWC_PERF ? TIMEMORY_EUNAVAILABLE : rc;
        if(!tm__settings.papi_quiet)
        {
            if(cfg->backend == TM_HWC_PERF)
                tm__warn("hardware counters: this thread's %d counters could not be opened "
                         "(perf_event_open: %s)",
                         cfg->n, strerror(-rc));
            else
                tm__warn("hardware counters: PAPI could not start this thread's event set of %d "
                         "events (%s)",
                         cfg->n, why);
        }
        return t->status;
    }
    t->open = true;
    return 0;
}

/* This thread's state, made and registered at its first read of a non-empty list. */
static tm_hwc_thread* tm_hwc_thread_new(void)
{
    pthread_once(&tm_hwc_once, tm_hwc_init_once);
    tm_hwc_thread* t = calloc(1, sizeof(*t));
    if(!t) return NULL;
    t->papi_set = -1;
    pthread_mutex_lock(&tm_hwc_threads_lock);
    t->next = tm_hwc_threads;
    if(t->next) t->next->prev = t;
    tm_hwc_threads = t;
    t->registered  = true;
    pthread_mutex_unlock(&tm_hwc_threads_lock);
    pthread_setspecific(tm_hwc_key, t);
    tm_hwc_me = t;
    return t;
}

int tm__hwc_read(int64_t* values)
{
    tm_hwc_thread*       t   = tm_hwc_me;
    const tm_hwc_config* cfg = atomic_load_explicit(&tm_hwc_current, memory_order_acquire);
    if(TM_UNLIKELY(!t || t->cfg != cfg || !t->open))
    {
        if(!cfg || cfg->n == 0)
        {
            if(t && t->open) tm_hwc_close(t); /* the list was emptied */
            return 0;
        }
        if(!t && !(t = tm_hwc_thread_new())) return TIMEMORY_ENOMEM;
        if(t->cfg != cfg || t->status == 0)
        {
            int rc = tm_hwc_thread_open(t, cfg);
            if(rc < 0) return rc;
        }
        if(!t->open) return t->status < 0 ? t->status : 0;
    }
    if(t->backend == TM_HWC_PERF) return tm__hwc_perf_read(&t->perf, t->buf.perf, values);
    int rc = tm__hwc_papi_read(t->papi_set, t->n, t->buf.papi, values);
    if(TM_UNLIKELY(t->paused_cfg != NULL) && rc > 0)
        for(int i = 0; i < t->n; ++i) values[i] += t->papi_base[i];
    return rc;
}

bool tm__hwc_papi_pause_running(void)
{
    tm_hwc_thread* t = tm_hwc_me;
    if(!t || !t->open || t->backend != TM_HWC_PAPI || t->papi_forked) return false;
    int64_t now[TM_HWC_MAX_EVENTS];
    if(tm__hwc_read(now) != t->n) return false;
    memcpy(t->papi_base, now, (size_t)t->n * sizeof(int64_t));
    t->paused_cfg = t->cfg;
    tm_hwc_close(t);
    return true;
}

void tm__hwc_papi_resume_paused(void)
{
    tm_hwc_thread* t = tm_hwc_me;
    if(t && !t->open && t->paused_cfg) tm_hwc_thread_open(t, t->paused_cfg);
}

void tm__hwc_thread_stop(void)
{
    if(!tm_hwc_me) return;
    tm_hwc_close(tm_hwc_me);
    tm_hwc_papi_unregister(tm_hwc_me);
    tm_hwc_me->status = 0;
}

bool tm__hwc_papi_thread_ready(void)
{
    tm_hwc_thread* t = tm_hwc_me;
    if(!t && !(t = tm_hwc_thread_new())) return false;
    tm_hwc_papi_register(t);
    return true;
}

uint64_t tm__hwc_overflows(void)
{
    return tm_hwc_me ? tm_hwc_me->overflows : 0;
}

/* ---- the event list ------------------------------------------------------------------------ */

int tm__hwc_set_backend(const char* name)
{
    int want = !name || !*name || strcmp(name, "auto") == 0 ? TM_HWC_NONE
               : strcmp(name, "papi") == 0                  ? TM_HWC_PAPI
               : strcmp(name, "perf_event") == 0            ? TM_HWC_PERF
                                                            : -2;
    if(want == -2) return TIMEMORY_EINVAL;
    pthread_mutex_lock(&tm_hwc_lock);
    tm_hwc_wanted = want;
    pthread_mutex_unlock(&tm_hwc_lock);
    return 0;
}

static int tm_hwc_wanted_backend(void)
{
    if(tm_hwc_wanted >= 0) return tm_hwc_wanted;
    const char* env = getenv("TIMEMORY_HWCOUNTERS_BACKEND");
    if(!env || !*env || strcasecmp(env, "auto") == 0) return TM_HWC_NONE;
    if(strcasecmp(env, "papi") == 0) return TM_HWC_PAPI;
    if(strcasecmp(env, "perf_event") == 0 || strcasecmp(env, "perf") == 0) return TM_HWC_PERF;
    tm__warn("TIMEMORY_HWCOUNTERS_BACKEND=%s is not one of auto, papi, perf_event; using auto",
             env);
    return TM_HWC_NONE;
}

/* Whether backend counts name here: 0, TIMEMORY_EUNKNOWN (no such name) or
 * TIMEMORY_EUNAVAILABLE (it did not open; why says so). ev receives the resolved event. */
static int tm_hwc_check(int backend, const char* name, tm__hwc_event* ev, char* why, int len)
{
    int rc = backend == TM_HWC_PAPI ? tm__hwc_papi_resolve(name, ev, why, len)
                                    : tm__hwc_perf_resolve(name, ev);
    if(rc != 0) return rc;
    rc = backend == TM_HWC_PAPI ? tm__hwc_papi_probe(ev, why, len)
                                : tm__hwc_perf_probe(ev, why, len);
    return rc == 0 ? 0 : TIMEMORY_EUNAVAILABLE;
}

/* One event of the list: 0 when counted, else the error (and the warning, unless quiet). */
static int tm_hwc_add(tm_hwc_config* cfg, const char* name, bool fail_on_error)
{
    for(int i = 0; i < cfg->n; ++i)
        if(strcmp(cfg->ev[i].name, name) == 0) return 0; /* listed twice: counted once */
    const char* backend = cfg->backend == TM_HWC_PAPI ? "PAPI" : "perf_event";
    const char* what =
        fail_on_error ? "the event list is not changed (papi_fail_on_error)" : "it is not counted";
    if(cfg->n == TM_HWC_MAX_EVENTS)
    {
        if(!tm__settings.papi_quiet)
            tm__warn("hardware counter '%s': more than %d events listed; %s", name,
                     TM_HWC_MAX_EVENTS, what);
        return TIMEMORY_ERANGE;
    }
    tm__hwc_event* ev = &cfg->ev[cfg->n];
    memset(ev, 0, sizeof(*ev));
    if(strlen(name) >= sizeof(ev->name))
    {
        if(!tm__settings.papi_quiet)
            tm__warn("hardware counter '%.40s...': name too long; %s", name, what);
        return TIMEMORY_EUNKNOWN;
    }
    memcpy(ev->name, name, strlen(name) + 1); /* fits: checked above */
    char why[512] = "";
    int  rc       = tm_hwc_check(cfg->backend, name, ev, why, (int)sizeof(why));
    if(rc == TIMEMORY_EUNKNOWN)
    {
        if(!tm__settings.papi_quiet)
            tm__warn("hardware counter '%s' is unknown to %s (timemory-avail -H lists the "
                     "events); %s",
                     name, backend, what);
        return rc;
    }
    if(rc != 0)
    {
        if(!tm__settings.papi_quiet)
            tm__warn("hardware counter '%s' is not available on this machine (%s); %s", name, why,
                     what);
        return TIMEMORY_EUNAVAILABLE;
    }
    ++cfg->n;
    return 0;
}

/* The next name of a list (comma/semicolon/space separated) into name; NULL after the last.
 * A name too long for name ends in '.' (refused by tm_hwc_add). */
static const char* tm_hwc_next(const char* p, char (*name)[TM_HWC_NAME_LEN + 8])
{
    p += strspn(p, ",; \t\n\r");
    size_t len = strcspn(p, ",; \t\n\r");
    if(len == 0) return NULL;
    size_t cap = sizeof(*name);
    snprintf(*name, cap, "%.*s", (int)(len < cap - 1 ? len : cap - 1), p);
    if(len >= cap - 1) (*name)[cap - 2] = '.';
    return p + len;
}

/* How many names of list backend counts here (resolved and opened; nothing said). */
static int tm_hwc_countable(int backend, const char* list, int* total)
{
    char name[TM_HWC_NAME_LEN + 8];
    int  n = 0;
    *total = 0;
    for(const char* p = list; (p = tm_hwc_next(p, &name)) != NULL; ++*total)
    {
        tm__hwc_event ev;
        char          why[512];
        memset(&ev, 0, sizeof(ev));
        n += tm_hwc_check(backend, name, &ev, why, (int)sizeof(why)) == 0;
    }
    return n;
}

int tm__hwc_configure(const char* list, bool fail_on_error)
{
    tm_hwc_config* cfg = calloc(1, sizeof(*cfg));
    if(!cfg) return TIMEMORY_ENOMEM;
    pthread_mutex_lock(&tm_hwc_lock);
    cfg->multiplex    = tm__settings.papi_multiplexing;
    cfg->overflow     = tm__settings.papi_overflow;
    int         want  = tm_hwc_wanted_backend();
    int         rc    = 0;
    const char* names = list ? list : "";
    if(want != TM_HWC_PERF && tm__hwc_papi_load() == 0)
    {
        cfg->backend = TM_HWC_PAPI;
        /* auto: PAPI, unless perf_event counts more of the list (perf's own names PAPI does
         * not know, e.g. alignment-faults) */
        int total = 0,
            papi  = want == TM_HWC_NONE ? tm_hwc_countable(TM_HWC_PAPI, names, &total) : 0;
        int perf  = papi < total ? tm_hwc_countable(TM_HWC_PERF, names, &total) : 0;
        if(perf > papi)
        {
            cfg->backend = TM_HWC_PERF;
            snprintf(cfg->reason, sizeof(cfg->reason),
                     "perf_event counts more of the events listed (%d of %d) than PAPI (%d)", perf,
                     total, papi);
        }
    }
    else
    {
        const char* why =
            want == TM_HWC_PERF ? "the perf_event backend was asked for" : tm__hwc_papi_reason();
        snprintf(cfg->reason, sizeof(cfg->reason), "%s", why ? why : "");
        cfg->backend = TM_HWC_PERF;
        if(want == TM_HWC_PAPI)
        {
            tm__warn("hardware counters: the PAPI backend was asked for but %s", cfg->reason);
            rc = TIMEMORY_EUNAVAILABLE;
        }
    }
    char name[TM_HWC_NAME_LEN + 8];
    for(const char* p = names; rc == 0 && (p = tm_hwc_next(p, &name)) != NULL;)
    {
        int err = tm_hwc_add(cfg, name, fail_on_error);
        if(err != 0 && fail_on_error) rc = err;
    }
    if(rc != 0)
    {
        pthread_mutex_unlock(&tm_hwc_lock);
        free(cfg);
        return rc;
    }
    tm_hwc_config* old = atomic_load_explicit(&tm_hwc_current, memory_order_relaxed);
    if(old)
    {
        old->retired   = tm_hwc_retired;
        tm_hwc_retired = old;
    }
    atomic_store_explicit(&tm_hwc_current, cfg, memory_order_release);
    pthread_mutex_unlock(&tm_hwc_lock);
    return cfg->n;
}

int tm__hwc_configure_from_settings(void)
{
    char* events = tm__settings_string_copy("papi_events");
    int   rc     = tm__hwc_configure(events, tm__settings.papi_fail_on_error);
    free(events);
    return rc;
}

static const tm_hwc_config* tm_hwc_cfg(void)
{
    return atomic_load_explicit(&tm_hwc_current, memory_order_acquire);
}

int tm__hwc_nevents(void)
{
    const tm_hwc_config* cfg = tm_hwc_cfg();
    return cfg ? cfg->n : 0;
}

const char* tm__hwc_event_name(int i)
{
    const tm_hwc_config* cfg = tm_hwc_cfg();
    return cfg && i >= 0 && i < cfg->n ? cfg->ev[i].name : NULL;
}

const char* tm__hwc_event_units(int i)
{
    const tm_hwc_config* cfg = tm_hwc_cfg();
    return cfg && i >= 0 && i < cfg->n ? cfg->ev[i].units : NULL;
}

const char* tm__hwc_backend(void)
{
    const tm_hwc_config* cfg = tm_hwc_cfg();
    if(!cfg) return NULL;
    return cfg->backend == TM_HWC_PAPI ? "papi" : cfg->backend == TM_HWC_PERF ? "perf_event" : NULL;
}

const char* tm__hwc_unavailable_reason(void)
{
    const tm_hwc_config* cfg = tm_hwc_cfg();
    if(cfg) return cfg->reason[0] ? cfg->reason : NULL;
    return tm__hwc_papi_reason();
}

/* ---- public wrappers (include/timemory/hwcounters.h) --------------------------------------- */

int timemory_hwcounters_configure(const char* list, bool fail_on_error)
{
    return tm__hwc_configure(list, fail_on_error);
}
int timemory_hwcounters_count(void)
{
    return tm__hwc_nevents();
}
const char* timemory_hwcounters_name(int i)
{
    return tm__hwc_event_name(i);
}
const char* timemory_hwcounters_units(int i)
{
    return tm__hwc_event_units(i);
}
const char* timemory_hwcounters_backend(void)
{
    return tm__hwc_backend();
}
const char* timemory_hwcounters_reason(void)
{
    return tm__hwc_unavailable_reason();
}
int timemory_hwcounters_read(int64_t* values)
{
    return tm__hwc_read(values);
}

int timemory_hwcounters_perf_code(const char* name, uint32_t* type, uint64_t* config)
{
    tm__hwc_event ev;
    memset(&ev, 0, sizeof(ev));
    if(!name || tm__hwc_perf_resolve(name, &ev) != 0) return TIMEMORY_EUNKNOWN;
    if(type) *type = ev.type;
    if(config) *config = ev.config;
    return 0;
}
