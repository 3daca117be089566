/* library.c -- the library's life cycle and the C API above the graph: init/finalize, pause,
 * regions by name, records, component-set stacks and the throttled trace interface.
 * Owns process-wide state (initialized/finalized, fork handling, default component sets) and
 * per-thread name caches. Output formatting lives in output*.c, storage in graph.c.
 */
#include "internal.h"
#include "timemory/mpi_support.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

volatile int tm__state; /* 0 loaded, 1 initialized, 2 finalizing, 3 finalized */

static pthread_mutex_t tm__lib_mutex = PTHREAD_MUTEX_INITIALIZER;

/* ---- start-up, fork and exit -------------------------------------------------------------- */

static void tm__at_exit(void)
{
    /* TIMEMORY_LIBRARY_DTOR=OFF: the program finalizes itself (or wants no output at exit) */
    const char* dtor = getenv("TIMEMORY_LIBRARY_DTOR");
    if(!(dtor && (!strcasecmp(dtor, "off") || !strcasecmp(dtor, "false") || !strcmp(dtor, "0") ||
                  !strcasecmp(dtor, "no"))))
        timemory_finalize();
    tm__handoff_at_exit();
}

/* fork: the graphs' and hand-off locks, which the child's handler takes, are held across it
 * (a thread holding one at the fork would leave it locked for good in the child). The
 * settings lock is recursive: a child cannot release its parent's hold, so it is not held. */
static void tm__before_fork(void)
{
    tm__handoff_fork_prepare();
    tm__graphs_lock();
}

static void tm__after_fork_parent(void)
{
    tm__graphs_unlock();
    tm__handoff_fork_parent();
}

/* The child reports only what it measures itself (graph.c keeps the regions open at the fork
 * as its base) and hands it over to its parent at exit (handoff.c); its own files, when it
 * writes any, go into <output_path>/fork-<pid>/, never over its parent's. */
static void tm__after_fork_child(void)
{
    tm__graphs_unlock();
    tm__graph_after_fork();
    tm__handoff_fork_child();
}

__attribute__((constructor)) static void tm__library_load(void)
{
    tm__settings_init();
    tm__graph_register_thread();
    tm__handoff_load();
    pthread_atfork(tm__before_fork, tm__after_fork_parent, tm__after_fork_child);
    atexit(tm__at_exit);
}

/* ---- life cycle --------------------------------------------------------------------------- */

/* "timemory-" + basename(argv0) without .py/.exe + "-output", '_' -> '-' (SETTINGS.md §4.1) */
static void tm__default_output_path(const char* argv0, const char* prefix, const char* suffix,
                                    char* out, size_t len)
{
    const char* exe = argv0 ? argv0 : "";
    const char* s   = strrchr(exe, '\\');
    if(s) exe = s + 1;
    s = strrchr(exe, '/');
    if(s) exe = s + 1;
    char name[1024];
    snprintf(name, sizeof(name), "%s", exe);
    static const char* const exts[] = { ".py", ".exe" };
    for(size_t i = 0; i < 2; ++i)
    {
        char* p = strstr(name, exts[i]);
        if(!p) continue;
        size_t cut = strlen(exts[i]) + (p[strlen(exts[i])] ? 1 : 0);
        memmove(p, p + cut, strlen(p + cut) + 1);
    }
    char full[2048];
    snprintf(full, sizeof(full), "%s%s%s", prefix ? prefix : "timemory-", name,
             suffix ? suffix : "-output");
    for(char* p = full; *p; ++p)
        if(*p == '_') *p = '-';
    char* dd;
    while((dd = strstr(full, "--"))) memmove(dd, dd + 1, strlen(dd + 1) + 1);
    snprintf(out, len, "%s", (name[0] && full[0]) ? full : "timemory-output");
}

int timemory_init_ex(int argc, char** argv, const char* prefix, const char* suffix)
{
    if(argc > 0 && argv && argv[0])
    {
        if(!tm__settings.suppress_config) tm__settings_read_config_files();
        char path[2048];
        tm__default_output_path(argv[0], prefix, suffix, path, sizeof(path));
        timemory_settings_set_string("output_path", path);
    }
    timemory_settings_parse_env();
    if(tm__settings.enable_signal_handler) timemory_signal_handler_enable(NULL, 0); /* signals.c */
    pthread_mutex_lock(&tm__lib_mutex);
    if(tm__state == 0) tm__state = 1;
    pthread_mutex_unlock(&tm__lib_mutex);
    timemory_mpi_notice(); /* MPI initialized: MPI_Finalize will finalize timemory first */
    return TIMEMORY_OK;
}

int timemory_init(int argc, char** argv)
{
    int rc = timemory_init_ex(argc, argv, NULL, NULL);
    /* the C path alone starts MPI when the mpi_init setting says so (NOTES.md §3) */
    if(rc == TIMEMORY_OK && tm__settings.mpi_init && !timemory_mpi_is_active())
        rc = timemory_mpi_init(&argc, &argv);
    return rc;
}

bool timemory_is_initialized(void)
{
    return tm__state >= 1;
}
bool timemory_is_finalized(void)
{
    return tm__state >= 3;
}

/* Threads still running after finalize (at exit, most often) have every push and pop refused:
 * silently, then one line with how many at exit. */
static void tm__report_refused(void)
{
    unsigned long n = tm__refused_after_finalize_count();
    if(n > 0) tm__warn("region pushes/pops ignored after timemory_finalize: %lu", n);
}

int timemory_finalize(void)
{
    pthread_mutex_lock(&tm__lib_mutex);
    if(tm__state >= 2)
    {
        pthread_mutex_unlock(&tm__lib_mutex);
        return TIMEMORY_OK;
    }
    if(tm__settings.stack_clearing) tm__graph_unwind_current();
    tm__state = 2;
    pthread_mutex_unlock(&tm__lib_mutex);
    tm__gperftools_finalize(); /* the profiles of regions still open end here */
    /* children's data merged; a child hands its data over instead of writing it */
    tm__report_errors("at finalize");
    bool own_output = tm__handoff_finalize();
    int  rc         = TIMEMORY_OK;
    if(own_output && tm__settings.auto_output) rc = tm__output_all();
    tm__state = 3;
    if(tm__settings.mpi_finalize) timemory_mpi_finalize(); /* not from inside MPI_Finalize */
    atexit(tm__report_refused); /* runs after this point even when called from an exit hook */
    return rc;
}

int timemory_report(void)
{
    tm__report_errors("at report");
    tm__handoff_collect(); /* children that have ended */
    return tm__output_all();
}

int timemory_clear(uint64_t components)
{
    tm__cset set = timemory_component_set_from_mask(components);
    return timemory_clear_set(&set);
}

int timemory_clear_set(const timemory_component_set* components)
{
    tm__graphs_clear(components);
    if(!components || tm__cset_empty(components)) /* other processes' data, the timeline too */
    {
        tm__timeline_clear();
        tm__handoff_discard();
        tm__adopted_clear();
    }
    return TIMEMORY_OK;
}

void timemory_pause(void)
{
    timemory_settings_set_bool("enabled", false);
}
void timemory_resume(void)
{
    timemory_settings_set_bool("enabled", true);
}
bool timemory_is_enabled(void)
{
    return tm__settings.enabled;
}
const volatile bool* timemory_enabled_flag(void)
{
    return &tm__settings.enabled;
}
const volatile bool* const timemory_enabled_address = &tm__settings.enabled;

/* ---- default components ------------------------------------------------------------------ */

/* the sets' words are stored and read with relaxed atomics (a set is read whole when the
 * generation it was made for, stored after it with release, is read first with acquire) */
static tm__cset tm__explicit_default; /* set_default / set_default_components */
static tm__cset tm__cached_default;
static unsigned tm__cached_generation = ~0u;

static void tm__cset_load(tm__cset* out, const tm__cset* from)
{
    for(int w = 0; w < TM_CSET_WORDS; ++w)
        out->bits[w] = __atomic_load_n(&from->bits[w], __ATOMIC_RELAXED);
}

static void tm__cset_store(tm__cset* to, const tm__cset* from)
{
    for(int w = 0; w < TM_CSET_WORDS; ++w)
        __atomic_store_n(&to->bits[w], from->bits[w], __ATOMIC_RELAXED);
}

static tm__cset tm__parse_setting(const char* name)
{
    char*    text = tm__settings_string_copy(name);
    tm__cset set  = { { 0 } };
    if(text && *text)
    {
        const char* bad = NULL;
        if(timemory_components_parse_set(text, &set, &bad) == TIMEMORY_EUNKNOWN)
            tm__warn("%s: unknown component '%s' ignored", name, bad ? bad : "?");
    }
    free(text);
    return set;
}

timemory_component_set timemory_get_default_component_set(void)
{
    /* threads may fill the cache at once: the set is stored before the generation it was
     * made for (release), and read after it (acquire) */
    tm__cset set;
    unsigned gen = __atomic_load_n(&tm__settings_generation, __ATOMIC_ACQUIRE);
    if(TM_LIKELY(gen == __atomic_load_n(&tm__cached_generation, __ATOMIC_ACQUIRE)))
    {
        tm__cset_load(&set, &tm__cached_default);
        return set;
    }
    set = tm__parse_setting("components");
    tm__cset explicit;
    tm__cset_load(&explicit, &tm__explicit_default);
    if(tm__cset_empty(&set)) set = explicit;
    if(tm__cset_empty(&set)) set = tm__parse_setting("global_components");
    if(tm__cset_empty(&set)) set = tm__cset_one(TIMEMORY_WALL_CLOCK);
    tm__cset_store(&tm__cached_default, &set);
    __atomic_store_n(&tm__cached_generation, gen, __ATOMIC_RELEASE);
    return set;
}

timemory_components_t timemory_get_default_components(void)
{
    tm__cset set = timemory_get_default_component_set();
    return timemory_component_set_to_mask(&set);
}

int timemory_set_default_component_set(const timemory_component_set* components)
{
    tm__cset set = tm__cset_of(components);
    tm__cset_store(&tm__explicit_default, &set);
    __atomic_store_n(&tm__cached_generation, ~0u, __ATOMIC_RELEASE);
    return TIMEMORY_OK;
}

int timemory_set_default_components(timemory_components_t components)
{
    tm__cset set = timemory_component_set_from_mask(components);
    return timemory_set_default_component_set(&set);
}

/* ---- names -> ids, cached per thread by pointer ------------------------------------------- */

typedef struct tm__name_slot {
    const char* ptr;
    const char* interned;
    uint64_t    id;
} tm__name_slot;

/* On the heap, reached through one pointer: the library is often dlopen()ed (Python), where
 * static TLS is scarce, and graph.c's initial-exec pointer makes all of our TLS static. The
 * pointer is initial-exec as well (no __tls_get_addr call per region). */
static _Thread_local tm__name_slot* tm__name_cache __attribute__((tls_model("initial-exec")));

static uint64_t tm__name_id_slow(const char* name, tm__name_slot* s)
{
    uint64_t    id  = tm__register(name);
    const char* str = tm__lookup(id);
    if(s && str && strcmp(str, name) == 0) /* a hash collision keeps the first string */
    {
        s->ptr      = name;
        s->interned = str;
        s->id       = id;
    }
    return id;
}

/* a thread's cache is freed when it exits */
static pthread_key_t  tm__name_cache_key;
static pthread_once_t tm__name_cache_once = PTHREAD_ONCE_INIT;
static bool           tm__name_cache_keyed;

static void tm__name_cache_free(void* cache)
{
    free(cache);
    tm__name_cache = NULL;
}

static void tm__name_cache_key_create(void)
{
    tm__name_cache_keyed = pthread_key_create(&tm__name_cache_key, tm__name_cache_free) == 0;
}

__attribute__((noinline)) static uint64_t tm__name_id_first(const char* name)
{
    tm__name_cache = calloc(128, sizeof(tm__name_slot));
    if(!tm__name_cache) return tm__name_id_slow(name, NULL);
    pthread_once(&tm__name_cache_once, tm__name_cache_key_create);
    if(tm__name_cache_keyed) pthread_setspecific(tm__name_cache_key, tm__name_cache);
    return tm__name_id_slow(name, &tm__name_cache[((uintptr_t)name >> 3) & 127]);
}

static inline uint64_t tm__name_id(const char* name)
{
    if(TM_UNLIKELY(!tm__name_cache)) return tm__name_id_first(name);
    tm__name_slot* s = &tm__name_cache[((uintptr_t)name >> 3) & 127];
    if(TM_LIKELY(s->ptr == name && strcmp(s->interned, name) == 0)) return s->id;
    return tm__name_id_slow(name, s);
}

int timemory_push_region(const char* name)
{
    if(TM_UNLIKELY(!name)) return TIMEMORY_EINVAL;
    /* paused: remembered by key, so that its pop finds it (and never an open region) */
    if(TM_UNLIKELY(!tm__settings.enabled)) return tm__push_skipped(tm__name_id(name));
    tm__cset set = timemory_get_default_component_set();
    return timemory_push_set(tm__name_id(name), &set, TIMEMORY_SCOPE_DEFAULT);
}

int timemory_pop_region(const char* name)
{
    if(TM_UNLIKELY(!name)) return TIMEMORY_EINVAL;
    int rc = timemory_pop(tm__name_id(name));
    if(TM_UNLIKELY(rc == TIMEMORY_EUNBALANCED))
        fprintf(stderr, "Warning! region '%s' does not exist!\n", name);
    return rc;
}

/* ---- results ------------------------------------------------------------------------------ */

/* comps NULL or empty: every component */
static int tm__collect(const tm__cset* comps, tm__result* results, int* n, bool tree)
{
    tm__handoff_collect(); /* children that have ended */
    int  order[TM_COMP_CAP];
    int  nused = tm__result_components(order, TM_COMP_CAP);
    bool all   = !comps || tm__cset_empty(comps);
    *n         = 0;
    for(int i = 0; i < nused; ++i)
    {
        int c     = order[i];
        int owner = tm__component_owner(c); /* papi_vector asked for: its members */
        if(!all && !tm__cset_has(comps, c) && !(owner >= 0 && tm__cset_has(comps, owner))) continue;
        int rc = (tree ? tm__result_build_tree : tm__result_build)(c, &results[*n]);
        if(rc == TIMEMORY_OK)
            ++*n;
        else if(rc != TIMEMORY_ENOTFOUND)
        {
            for(int j = 0; j < *n; ++j) tm__result_free(&results[j]);
            *n = 0;
            return rc;
        }
    }
    /* a group written as one (papi_vector): one result */
    *n = tm__results_fold_groups(results, *n);
    return TIMEMORY_OK;
}

static void tm__free_results(tm__result* results, int n)
{
    for(int i = 0; i < n; ++i) tm__result_free(&results[i]);
}

timemory_component_set timemory_components_with_data_set(void)
{
    tm__result results[TM_COMP_CAP];
    int        n   = 0;
    tm__cset   set = { { 0 } };
    if(tm__state >= 3 || tm__collect(NULL, results, &n, false) != TIMEMORY_OK) return set;
    for(int i = 0; i < n; ++i) tm__cset_add(&set, results[i].comp);
    tm__free_results(results, n);
    return set;
}

timemory_components_t timemory_components_with_data(void)
{
    tm__cset set = timemory_components_with_data_set();
    return timemory_component_set_to_mask(&set);
}

int timemory_get_json(timemory_components_t comps, bool tree, char** out)
{
    tm__cset set = timemory_component_set_from_mask(comps);
    return timemory_get_json_set(&set, tree, out);
}

int timemory_get_text(timemory_components_t comps, char** out)
{
    tm__cset set = timemory_component_set_from_mask(comps);
    return timemory_get_text_set(&set, out);
}

int timemory_get_json_set(const timemory_component_set* comps, bool tree, char** out)
{
    if(!out) return TIMEMORY_EINVAL;
    tm__report_errors("reading the results");
    *out = NULL;
    tm__result results[TM_COMP_CAP];
    int        n  = 0;
    int        rc = tm__state >= 3 ? TIMEMORY_OK : tm__collect(comps, results, &n, tree);
    if(rc != TIMEMORY_OK) return rc;
    const tm__result* ptrs[TM_COMP_CAP];
    for(int i = 0; i < n; ++i) ptrs[i] = &results[i];
    tm__buf b;
    tm__buf_init(&b);
    if(tree)
        tm__write_json_tree(&b, ptrs, (size_t)n);
    else
        tm__write_json_flat(&b, ptrs, (size_t)n);
    tm__free_results(results, n);
    *out = tm__buf_take(&b);
    return *out ? TIMEMORY_OK : TIMEMORY_ENOMEM;
}

int timemory_get_text_set(const timemory_component_set* comps, char** out)
{
    if(!out) return TIMEMORY_EINVAL;
    tm__report_errors("reading the results");
    *out = NULL;
    tm__result results[TM_COMP_CAP];
    int        n  = 0;
    int        rc = tm__state >= 3 ? TIMEMORY_OK : tm__collect(comps, results, &n, false);
    if(rc != TIMEMORY_OK) return rc;
    tm__buf b;
    tm__buf_init(&b);
    tm__buf_puts(&b, "");
    for(int i = 0; i < n; ++i) tm__write_text(&b, &results[i]);
    tm__free_results(results, n);
    *out = tm__buf_take(&b);
    return *out ? TIMEMORY_OK : TIMEMORY_ENOMEM;
}

int timemory_get_size(int component, size_t* out)
{
    if(!out || (component = tm__comp_index(component)) < 0) return TIMEMORY_EINVAL;
    *out = 0;
    if(tm__state >= 3) return TIMEMORY_OK;
    tm__result r;
    int        rc = tm__result_build(component, &r);
    if(rc == TIMEMORY_ENOTFOUND) return TIMEMORY_OK;
    if(rc != TIMEMORY_OK) return rc;
    *out = r.nentries;
    tm__result_free(&r);
    return TIMEMORY_OK;
}
