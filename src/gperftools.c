/* gperftools.c -- the gperftools_cpu_profiler and gperftools_heap_profiler components.
 * Owns: finding gperftools at run time (nothing links it), why either component is
 * unavailable, and switching the two profilers. The CPU profiler comes from the process when
 * it already has ProfilerStart (libprofiler or libtcmalloc_and_profiler preloaded or linked),
 * else from dlopen(libprofiler.so.0). The heap profiler is tcmalloc's: it only sees the
 * allocations tcmalloc makes, so it is used only when tcmalloc is the process allocator
 * (LD_PRELOAD=libtcmalloc.so.4 or linked); a dlopen'ed tcmalloc would not be, and is never
 * loaded here. TIMEMORY_GPERFTOOLS_PROFILER_LIBRARY / TIMEMORY_GPERFTOOLS_TCMALLOC_LIBRARY name
 * other library files.
 *
 * Switching: the outermost open region (or component object) that carries a component starts
 * its profiler and its end stops it (the CPU profile flushed, the heap profile dumped), as the
 * original's components; finalize stops what is still running. The n-th start of a process
 * writes <output_path>/<output_prefix>gperftools_cpu_profiler_<n>.dat, and the heap profiler's
 * dumps <...>gperftools_heap_profiler_<n>.dat.<NNNN>.heap (tcmalloc numbers them). A push
 * reaches this file only when its set holds one of the two components; the switch takes a
 * mutex (starting a profiler opens files: it is never a hot-path cost).
 */
#ifndef _GNU_SOURCE
#    define _GNU_SOURCE /* RTLD_DEFAULT, RTLD_NOLOAD */
#endif
#include "internal.h"
#include "timemory/gperftools.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TM_GPERF_CPU_LIB  "libprofiler.so.0"
#define TM_GPERF_HEAP_LIB "libtcmalloc.so.4"

typedef struct tm_gperf {
    const char* label;
    const char* env;         /* the variable naming another library file */
    const char* default_lib; /* soname */
    int         status;      /* 0 not looked for, 1 usable, -1 not */
    char        reason[768];
    unsigned    depth;  /* open regions/objects carrying the component */
    unsigned    starts; /* profiles started in this process */
    bool        running;
} tm_gperf;

static tm_gperf tm_gperf_cpu  = { "gperftools_cpu_profiler",
                                  "TIMEMORY_GPERFTOOLS_PROFILER_LIBRARY",
                                  TM_GPERF_CPU_LIB,
                                  0,
                                  "",
                                  0,
                                  0,
                                  false };
static tm_gperf tm_gperf_heap = { "gperftools_heap_profiler",
                                  "TIMEMORY_GPERFTOOLS_TCMALLOC_LIBRARY",
                                  TM_GPERF_HEAP_LIB,
                                  0,
                                  "",
                                  0,
                                  0,
                                  false };

static pthread_mutex_t tm_gperf_mutex = PTHREAD_MUTEX_INITIALIZER;

/* gperftools/profiler.h and gperftools/heap-profiler.h, as the libraries export them */
static int (*tm_profiler_start)(const char* fname);
static void (*tm_profiler_stop)(void);
static void (*tm_profiler_flush)(void);
static void (*tm_heap_start)(const char* prefix);
static void (*tm_heap_stop)(void);
static void (*tm_heap_dump)(const char* reason);
static int (*tm_heap_running)(void);

static tm_gperf* tm_gperf_of(int id)
{
    if(id == TIMEMORY_GPERFTOOLS_CPU_PROFILER) return &tm_gperf_cpu;
    if(id == TIMEMORY_GPERFTOOLS_HEAP_PROFILER) return &tm_gperf_heap;
    return NULL;
}

static const char* tm_gperf_library(const tm_gperf* p)
{
    const char* env = getenv(p->env);
    return env && *env ? env : p->default_lib;
}

static void* tm_gperf_sym(void* handle, const char* name)
{
    return dlsym(handle, name);
}

/* Whether the loader would find lib (a path, or a name searched in LD_LIBRARY_PATH, the
 * folder of the C library, its /usr twin and the usual library folders), without loading it:
 * availability is asked at import, and loading libprofiler brings libstdc++ and libunwind into
 * the process, which only a process that profiles should pay for. */
static bool tm_gperf_findable(const char* lib)
{
    if(strchr(lib, '/')) return access(lib, R_OK) == 0;
    char        dirs[8192] = "";
    const char* env        = getenv("LD_LIBRARY_PATH");
    size_t      n          = (size_t)snprintf(dirs, sizeof(dirs), "%s", env ? env : "");
    Dl_info     info;
    if(dladdr((void*)(uintptr_t)&strlen, &info) && info.dli_fname && n < sizeof(dirs))
    {
        const char* slash = strrchr(info.dli_fname, '/');
        int         len   = slash ? (int)(slash - info.dli_fname) : 0;
        if(len > 0 && strncmp(info.dli_fname, "/usr/", 5) != 0)
            n += (size_t)snprintf(dirs + n, sizeof(dirs) - n, ":%.*s:/usr%.*s", len, info.dli_fname,
                                  len, info.dli_fname);
        else if(len > 0)
            n += (size_t)snprintf(dirs + n, sizeof(dirs) - n, ":%.*s", len, info.dli_fname);
    }
    if(n < sizeof(dirs))
        snprintf(dirs + n, sizeof(dirs) - n, ":/usr/local/lib:/usr/lib64:/usr/lib:/lib64:/lib");
    for(char *save = NULL, *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
    {
        char path[4096];
        if((size_t)snprintf(path, sizeof(path), "%s/%s", dir, lib) < sizeof(path) &&
           access(path, R_OK) == 0)
            return true;
    }
    return false;
}

/* libprofiler: usable when the process has ProfilerStart (preloaded or linked, and no other
 * file is named) or the library can be found; it is loaded at the first start. Lock held. */
static void tm_gperf_find_cpu(tm_gperf* p)
{
    const char* lib   = tm_gperf_library(p);
    bool        named = getenv(p->env) && *getenv(p->env);
    if((!named && dlsym(RTLD_DEFAULT, "ProfilerStart")) || tm_gperf_findable(lib))
    {
        p->status = 1;
        return;
    }
    snprintf(p->reason, sizeof(p->reason),
             "requires gperftools' CPU profiler: %s could not be loaded (not found); install "
             "libgoogle-perftools4",
             lib);
    p->status = -1;
}

/* The CPU profiler's functions, at its first start. Lock held; false: p says why. */
static bool tm_gperf_load_cpu(tm_gperf* p)
{
    if(tm_profiler_start) return true;
    const char* lib    = tm_gperf_library(p);
    void*       handle = RTLD_DEFAULT;
    if((getenv(p->env) && *getenv(p->env)) || !dlsym(RTLD_DEFAULT, "ProfilerStart"))
    {
        /* libprofiler needs libunwind, which also defines the _Unwind_* functions of C++
         * exceptions: when libgcc_s comes in with it, libgcc_s and libstdc++ bind to
         * libunwind's and later C++ exceptions abort. libgcc_s first, in the global scope. */
        dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_GLOBAL);
        dlerror();
        handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if(!handle)
        {
            const char* why = dlerror();
            snprintf(p->reason, sizeof(p->reason),
                     "requires gperftools' CPU profiler: %s could not be loaded (%s); install "
                     "libgoogle-perftools4",
                     lib, why ? why : "not found");
            p->status = -1;
            return false;
        }
    }
    *(void**)&tm_profiler_stop  = tm_gperf_sym(handle, "ProfilerStop");
    *(void**)&tm_profiler_flush = tm_gperf_sym(handle, "ProfilerFlush");
    *(void**)&tm_profiler_start = tm_gperf_sym(handle, "ProfilerStart");
    if(!tm_profiler_start || !tm_profiler_stop || !tm_profiler_flush)
    {
        tm_profiler_start = NULL;
        snprintf(p->reason, sizeof(p->reason),
                 "requires gperftools' CPU profiler: %s has no ProfilerStart/ProfilerStop/"
                 "ProfilerFlush",
                 lib);
        p->status = -1;
        return false;
    }
    return true;
}

/* tcmalloc: only when it is the allocator, i.e. the process's malloc is tcmalloc's. Lock
 * held. */
static void tm_gperf_find_heap(tm_gperf* p)
{
    const char* lib    = tm_gperf_library(p);
    void*       handle = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
    if(!handle)
    {
        bool missing = strchr(lib, '/') && access(lib, R_OK) != 0;
        snprintf(p->reason, sizeof(p->reason),
                 missing ? "requires gperftools' heap profiler: %s could not be loaded (no such "
                           "file)"
                         : "requires gperftools' heap profiler, which needs tcmalloc as the "
                           "process allocator: %s is not loaded (run the program with "
                           "LD_PRELOAD=%s)",
                 lib, lib);
        p->status = -1;
        return;
    }
    void* own_malloc          = dlsym(handle, "tc_malloc");
    *(void**)&tm_heap_start   = tm_gperf_sym(handle, "HeapProfilerStart");
    *(void**)&tm_heap_stop    = tm_gperf_sym(handle, "HeapProfilerStop");
    *(void**)&tm_heap_dump    = tm_gperf_sym(handle, "HeapProfilerDump");
    *(void**)&tm_heap_running = tm_gperf_sym(handle, "IsHeapProfilerRunning");
    if(!tm_heap_start || !tm_heap_stop || !tm_heap_dump || !tm_heap_running || !own_malloc)
        snprintf(p->reason, sizeof(p->reason),
                 "requires gperftools' heap profiler: %s has no HeapProfilerStart/"
                 "HeapProfilerDump/HeapProfilerStop/IsHeapProfilerRunning",
                 lib);
    else if(dlsym(RTLD_DEFAULT, "malloc") != own_malloc)
        snprintf(p->reason, sizeof(p->reason),
                 "requires gperftools' heap profiler, which needs tcmalloc as the process "
                 "allocator: %s is loaded but malloc is not its (preload it: LD_PRELOAD=%s)",
                 lib, lib);
    else
    {
        p->status = 1;
        return;
    }
    p->status = -1;
    dlclose(handle);
}

const char* tm__gperftools_unavailable(int id)
{
    tm_gperf* p = tm_gperf_of(id);
    if(!p) return NULL;
    pthread_mutex_lock(&tm_gperf_mutex);
    if(p->status == 0)
    {
        if(p == &tm_gperf_cpu)
            tm_gperf_find_cpu(p);
        else
            tm_gperf_find_heap(p);
    }
    pthread_mutex_unlock(&tm_gperf_mutex);
    return p->status > 0 ? NULL : p->reason;
}

/* Lock held; the profiler is usable. */
static int tm_gperf_begin(tm_gperf* p)
{
    if(p->depth > 0 || p->running)
    {
        ++p->depth;
        return TIMEMORY_OK;
    }
    if(p == &tm_gperf_cpu && !tm_gperf_load_cpu(p))
    {
        tm__warn("%s: %s", p->label, p->reason);
        return TIMEMORY_EUNAVAILABLE;
    }
    ++p->depth;
    char label[64], path[4096];
    snprintf(label, sizeof(label), "%s_%u", p->label, p->starts);
    int rc = tm__output_filename(label, "dat", path, sizeof(path));
    if(rc == TIMEMORY_OK)
    {
        char* slash = strrchr(path, '/');
        if(slash && slash != path)
        {
            *slash = '\0';
            rc     = tm__mkdir_p(path);
            *slash = '/';
        }
    }
    if(rc != TIMEMORY_OK)
    {
        --p->depth;
        tm__warn("%s: the profile's folder could not be made (%s)", p->label,
                 timemory_strerror(rc));
        return rc;
    }
    if(p == &tm_gperf_cpu)
    {
        if(!tm_profiler_start(path))
        {
            --p->depth;
            tm__warn("%s: ProfilerStart(\"%s\") failed", p->label, path);
            return TIMEMORY_EIO;
        }
    }
    else
    {
        if(tm_heap_running()) return TIMEMORY_OK; /* HEAPPROFILE: tcmalloc's own run */
        tm_heap_start(path);
    }
    ++p->starts;
    p->running = true;
    return TIMEMORY_OK;
}

/* Lock held. */
static void tm_gperf_finish(tm_gperf* p, bool all)
{
    if(p->depth == 0) return;
    p->depth = all ? 0 : p->depth - 1;
    if(p->depth > 0 || !p->running) return;
    p->running = false;
    if(p == &tm_gperf_cpu)
    {
        tm_profiler_flush();
        tm_profiler_stop();
    }
    else
    {
        tm_heap_dump("timemory gperftools_heap_profiler stop");
        tm_heap_stop();
    }
}

unsigned tm__gperftools_start(const timemory_component_set* set)
{
    unsigned started = 0;
    for(int i = 0; i < 2; ++i)
    {
        int id = i == 0 ? TIMEMORY_GPERFTOOLS_CPU_PROFILER : TIMEMORY_GPERFTOOLS_HEAP_PROFILER;
        if(!((set->bits[0] >> id) & 1u) || tm__gperftools_unavailable(id)) continue;
        pthread_mutex_lock(&tm_gperf_mutex);
        if(tm_gperf_begin(tm_gperf_of(id)) == TIMEMORY_OK) started |= 1u << i;
        pthread_mutex_unlock(&tm_gperf_mutex);
    }
    return started;
}

void tm__gperftools_stop(unsigned started)
{
    pthread_mutex_lock(&tm_gperf_mutex);
    if(started & 1u) tm_gperf_finish(&tm_gperf_cpu, false);
    if(started & 2u) tm_gperf_finish(&tm_gperf_heap, false);
    pthread_mutex_unlock(&tm_gperf_mutex);
}

void tm__gperftools_finalize(void)
{
    pthread_mutex_lock(&tm_gperf_mutex);
    if(tm_gperf_cpu.status > 0) tm_gperf_finish(&tm_gperf_cpu, true);
    if(tm_gperf_heap.status > 0) tm_gperf_finish(&tm_gperf_heap, true);
    pthread_mutex_unlock(&tm_gperf_mutex);
}

/* ---- public API ---------------------------------------------------------------------------- */

bool timemory_gperftools_component(int id)
{
    return tm_gperf_of(id) != NULL;
}

int timemory_gperftools_start(int id)
{
    if(!tm_gperf_of(id)) return TIMEMORY_EINVAL;
    if(tm__gperftools_unavailable(id)) return TIMEMORY_EUNAVAILABLE;
    timemory_component_set set = { { TIMEMORY_COMPONENT_BIT(id) } };
    return tm__gperftools_start(&set) ? TIMEMORY_OK : TIMEMORY_EIO;
}

int timemory_gperftools_stop(int id)
{
    tm_gperf* p = tm_gperf_of(id);
    if(!p) return TIMEMORY_EINVAL;
    if(tm__gperftools_unavailable(id)) return TIMEMORY_EUNAVAILABLE;
    tm__gperftools_stop(p == &tm_gperf_cpu ? 1u : 2u);
    return TIMEMORY_OK;
}

bool timemory_gperftools_running(int id)
{
    tm_gperf* p = tm_gperf_of(id);
    if(!p) return false;
    pthread_mutex_lock(&tm_gperf_mutex);
    bool running = p->running;
    pthread_mutex_unlock(&tm_gperf_mutex);
    return running;
}
