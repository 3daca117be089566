/* mpi.c -- finds and drives the MPI plugin (libtimemory-mpi.so, plugins/mpi/).
 * Owns: deciding whether the process has MPI (a loaded object named libmpi*), loading the
 * plugin from the folder of libtimemory (or TIMEMORY_MPI_PLUGIN) and checking that it talks to
 * the MPI library the process already uses, the MPI state/rank/size seen by output, the
 * gather to rank 0, MPI_Init/MPI_Finalize for the mpi_init/mpi_finalize settings and the hook
 * that finalizes timemory inside MPI_Finalize. Nothing here runs on the hot path; a process
 * without MPI never loads anything (timemory_mpi_init and timemory_mpi_supported excepted).
 */
#include "internal.h"
#include "mpi_plugin.h"
#include "timemory/mpi_support.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static pthread_mutex_t tm__mpi_mutex = PTHREAD_MUTEX_INITIALIZER; /* loading only */
/* set once (release) when the plugin is loaded; read without the lock afterwards, so that
 * MPI_Finalize -> the hook -> output never waits for a lock held around MPI_Finalize */
static const tm__mpi_plugin* _Atomic tm__mpi_plugin_ptr;
static int   tm__mpi_status; /* 0 not loaded (yet), 1 loaded, -1 unusable for good */
static char* tm__mpi_reason; /* why not (malloc'd), once unusable */
static bool  tm__mpi_hooked;
static bool  tm__mpi_in_finalize;    /* inside MPI_Finalize (the hook) */
static int   tm__mpi_seen_rank = -1; /* while MPI was last seen active */
static int   tm__mpi_seen_size = 0;

static void (*tm__mpi_user_callback)(void*);
static void* tm__mpi_user_arg;

size_t tm__mpi_gather_chunk; /* 0: INT_MAX bytes per message */

/* ---- is MPI in the process? ---------------------------------------------------------------- */

typedef struct tm__mpi_objects {
    tm__buf names; /* "\n"-separated paths of loaded libmpi* objects */
    int     count;
} tm__mpi_objects;

static int tm__mpi_find_object(struct dl_phdr_info* info, size_t size, void* arg)
{
    (void)size;
    tm__mpi_objects* found = arg;
    const char*      name  = info->dlpi_name;
    if(!name || !*name) return 0;
    const char* base = strrchr(name, '/');
    base             = base ? base + 1 : name;
    if(strncmp(base, "libmpi", 6) != 0) return 0;
    tm__buf_puts(&found->names, name);
    tm__buf_putc(&found->names, '\n');
    ++found->count;
    return 0;
}

static bool tm__mpi_object_listed(const tm__mpi_objects* found, const char* path)
{
    size_t n = strlen(path);
    for(const char* p = found->names.data; p && *p;)
    {
        const char* end = strchr(p, '\n');
        if(!end) break;
        if((size_t)(end - p) == n && strncmp(p, path, n) == 0) return true;
        p = end + 1;
    }
    return false;
}

/* ---- loading ----------------------------------------------------------------------------- */

static void tm__mpi_plugin_path(char* out, size_t len)
{
    const char* env = getenv("TIMEMORY_MPI_PLUGIN");
    if(env && *env)
    {
        snprintf(out, len, "%s", env);
        return;
    }
    Dl_info info;
    memset(&info, 0, sizeof(info));
    const char* self = NULL;
    if(dladdr((void*)(uintptr_t)&tm__mpi_plugin_path, &info) && info.dli_fname)
        self = info.dli_fname;
    const char* slash = self ? strrchr(self, '/') : NULL;
    if(slash)
        snprintf(out, len, "%.*s/%s", (int)(slash - self), self, TM_MPI_PLUGIN_FILE);
    else
        snprintf(out, len, "%s", TM_MPI_PLUGIN_FILE);
}

static void tm__mpi_unusable(const char* fmt, const char* a, const char* b)
{
    tm__buf text;
    tm__buf_init(&text);
    tm__buf_printf(&text, fmt, a ? a : "", b ? b : "");
    tm__mpi_status = -1;
    free(tm__mpi_reason);
    tm__mpi_reason = tm__buf_take(&text);
}

/* Loads the plugin once. Without force, only when the process already has an MPI library,
 * and only if the plugin resolves MPI to that very library (a plugin built for another MPI
 * would bring a second, uninitialized one). Lock held by the caller. */
static bool tm__mpi_load_locked(bool force)
{
    if(tm__mpi_status != 0) return tm__mpi_status > 0;
    tm__mpi_objects before;
    memset(&before, 0, sizeof(before));
    tm__buf_init(&before.names);
    dl_iterate_phdr(tm__mpi_find_object, &before);
    if(!force && before.count == 0)
    {
        tm__buf_free(&before.names);
        return false; /* perhaps later (mpi4py imported after timemory) */
    }
    char path[4096];
    tm__mpi_plugin_path(path, sizeof(path));
    if(strchr(path, '/') && access(path, F_OK) != 0)
    {
        tm__mpi_unusable("timemory was built without MPI support (no %s)%s", path, "");
        tm__buf_free(&before.names);
        return false;
    }
    void* handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if(!handle)
    {
        const char* err = dlerror();
        tm__mpi_unusable("cannot load the MPI plugin: %s%s", err, "");
        tm__buf_free(&before.names);
        return false;
    }
    tm__mpi_plugin_fn     entry  = NULL;
    void*                 symbol = dlsym(handle, TM_MPI_PLUGIN_SYMBOL);
    const tm__mpi_plugin* plugin = NULL;
    memcpy(&entry, &symbol, sizeof(entry));
    if(entry) plugin = entry();
    if(!plugin || plugin->abi != TM_MPI_PLUGIN_ABI || plugin->size != sizeof(tm__mpi_plugin))
    {
        tm__mpi_unusable("%s is not the MPI plugin of this libtimemory (version mismatch)%s", path,
                         "");
        dlclose(handle);
        tm__buf_free(&before.names);
        return false;
    }
    const char* library = plugin->info(TM_MPI_INFO_PATH);
    if(!force && !tm__mpi_object_listed(&before, library))
    {
        char* in_process                      = before.names.data; /* the first libmpi* object */
        in_process[strcspn(in_process, "\n")] = '\0';
        tm__mpi_unusable("timemory's MPI plugin was built for %s but this process uses %s: "
                         "ranks are not aggregated (rebuild timemory against that MPI)",
                         library, in_process);
        tm__warn("%s", tm__mpi_reason);
        dlclose(handle);
        tm__buf_free(&before.names);
        return false;
    }
    tm__buf_free(&before.names);
    tm__mpi_status = 1;
    atomic_store_explicit(&tm__mpi_plugin_ptr, plugin, memory_order_release);
    return true;
}

static const tm__mpi_plugin* tm__mpi_get(bool force)
{
    const tm__mpi_plugin* p = atomic_load_explicit(&tm__mpi_plugin_ptr, memory_order_acquire);
    if(p) return p;
    pthread_mutex_lock(&tm__mpi_mutex);
    tm__mpi_load_locked(force);
    pthread_mutex_unlock(&tm__mpi_mutex);
    return atomic_load_explicit(&tm__mpi_plugin_ptr, memory_order_acquire);
}

/* ---- finalize inside MPI_Finalize ---------------------------------------------------------- */

static bool tm__mpi_dtor_disabled(void)
{
    const char* dtor = getenv("TIMEMORY_LIBRARY_DTOR");
    return dtor && (!strcasecmp(dtor, "off") || !strcasecmp(dtor, "false") || !strcmp(dtor, "0") ||
                    !strcasecmp(dtor, "no"));
}

/* From MPI_Finalize (every rank): the outputs are gathered while MPI still works. As at exit,
 * TIMEMORY_LIBRARY_DTOR=OFF leaves finalization to the program. */
static void tm__mpi_finalize_hook(void)
{
    tm__mpi_in_finalize = true;
    if(tm__state >= 2 || tm__mpi_dtor_disabled()) return;
    if(tm__mpi_user_callback) tm__mpi_user_callback(tm__mpi_user_arg);
    timemory_finalize();
}

void timemory_mpi_set_finalize_callback(void (*fn)(void*), void* arg)
{
    pthread_mutex_lock(&tm__mpi_mutex);
    tm__mpi_user_callback = fn;
    tm__mpi_user_arg      = arg;
    pthread_mutex_unlock(&tm__mpi_mutex);
}

/* ---- what output and the API see ------------------------------------------------------------ */

bool tm__mpi_active(int* rank, int* size)
{
    int                   r = 0, s = 1;
    const tm__mpi_plugin* p      = tm__mpi_get(false);
    bool                  active = p && p->state() == 1 && p->rank_size(&r, &s) == 0;
    if(active)
    {
        tm__mpi_seen_rank = r;
        tm__mpi_seen_size = s;
    }
    else
        r = 0, s = 1;
    if(rank) *rank = r;
    if(size) *size = s;
    return active;
}

/* The launcher's word for rank or size (Open MPI, PMIx, MPICH/PMI, MVAPICH), -1 if none. */
static int tm__mpi_launcher_value(const char* const* names)
{
    for(; *names; ++names)
    {
        const char* v   = getenv(*names);
        char*       end = NULL;
        long        n   = v && *v ? strtol(v, &end, 10) : -1;
        if(v && *v && end && !*end && n >= 0 && n < (1L << 30)) return (int)n;
    }
    return -1;
}

bool tm__mpi_last_seen(int* rank, int* size)
{
    *rank = tm__mpi_seen_rank;
    *size = tm__mpi_seen_size;
    return tm__mpi_seen_size > 1 && tm__mpi_seen_rank >= 0;
}

bool tm__mpi_finalized_unseen(int* rank, int* size)
{
    const tm__mpi_plugin* p = tm__mpi_get(false);
    if(!p || p->state() != 2) return false;
    int r = tm__mpi_seen_rank, s = tm__mpi_seen_size;
    if(s <= 1) /* MPI came and went while timemory did not look: the launcher knows */
    {
        static const char* const ranks[] = { "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                             "MV2_COMM_WORLD_RANK", NULL };
        static const char* const sizes[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                             "MV2_COMM_WORLD_SIZE", NULL };
        r                                = tm__mpi_launcher_value(ranks);
        s                                = tm__mpi_launcher_value(sizes);
    }
    if(r < 0 || s <= 1) return false;
    *rank = r;
    *size = s;
    return true;
}

int tm__mpi_gather(const char* data, size_t len, char** all, size_t** lens)
{
    const tm__mpi_plugin* p = tm__mpi_get(false);
    if(!p) return TIMEMORY_EUNAVAILABLE;
    int rc = p->gather(data, len, tm__mpi_gather_chunk, all, lens);
    if(rc != 0)
    {
        tm__warn("the gather of every rank's data to rank 0 failed: %s", p->error_string(rc));
        return TIMEMORY_EIO;
    }
    return TIMEMORY_OK;
}

bool timemory_mpi_notice(void)
{
    const tm__mpi_plugin* p = tm__mpi_get(false);
    if(!p || !tm__mpi_active(NULL, NULL)) return false;
    pthread_mutex_lock(&tm__mpi_mutex);
    bool hook      = !tm__mpi_hooked;
    tm__mpi_hooked = true;
    pthread_mutex_unlock(&tm__mpi_mutex);
    if(hook && p->on_finalize(tm__mpi_finalize_hook) != 0)
        tm__warn("cannot attach timemory's finalization to MPI_Finalize: call "
                 "timemory_finalize() before MPI_Finalize() on every rank");
    return true;
}

bool timemory_mpi_supported(void)
{
    return tm__mpi_get(true) != NULL;
}

const char* timemory_mpi_unavailable_reason(void)
{
    if(tm__mpi_get(true)) return NULL;
    return tm__mpi_reason ? tm__mpi_reason : "MPI not supported";
}

bool timemory_mpi_is_active(void)
{
    return tm__mpi_active(NULL, NULL);
}

int timemory_mpi_rank(void)
{
    int rank = 0;
    tm__mpi_active(&rank, NULL);
    return rank;
}

int timemory_mpi_size(void)
{
    int size = 1;
    tm__mpi_active(NULL, &size);
    return size;
}

static int tm__mpi_thread_level(void)
{
    char* type  = tm__settings_string_copy("mpi_thread_type");
    int   level = TM_MPI_THREAD_MULTIPLE; /* empty or anything else (NOTES.md §3) */
    if(type && !strcasecmp(type, "single")) level = TM_MPI_THREAD_SINGLE;
    if(type && !strcasecmp(type, "funneled")) level = TM_MPI_THREAD_FUNNELED;
    if(type && !strcasecmp(type, "serialized")) level = TM_MPI_THREAD_SERIALIZED;
    free(type);
    return level;
}

int timemory_mpi_init(int* argc, char*** argv)
{
    const tm__mpi_plugin* p = tm__mpi_get(true);
    if(!p) return TIMEMORY_EUNAVAILABLE;
    if(p->state() == 0)
    {
        int provided = -1;
        int rc = p->init(argc, argv, tm__settings.mpi_thread, tm__mpi_thread_level(), &provided);
        if(rc != 0)
        {
            tm__warn("MPI_Init failed: %s", p->error_string(rc));
            return TIMEMORY_EIO;
        }
    }
    else if(p->state() == 2)
    {
        tm__warn("MPI_Init: MPI is already finalized");
        return TIMEMORY_EIO;
    }
    timemory_mpi_notice();
    return TIMEMORY_OK;
}

int timemory_mpi_finalize(void)
{
    const tm__mpi_plugin* p = tm__mpi_get(false);
    if(!p || p->state() != 1 || tm__mpi_in_finalize) return TIMEMORY_OK;
    int rc = p->finalize(); /* the hook finalizes timemory first */
    if(rc != 0)
    {
        tm__warn("MPI_Finalize failed: %s", p->error_string(rc));
        return TIMEMORY_EIO;
    }
    return TIMEMORY_OK;
}

int timemory_mpi_barrier(void)
{
    const tm__mpi_plugin* p = tm__mpi_get(false);
    if(!p || p->state() != 1) return TIMEMORY_OK;
    return p->barrier() == 0 ? TIMEMORY_OK : TIMEMORY_EIO;
}

const char* timemory_mpi_info(const char* what)
{
    const tm__mpi_plugin* p = tm__mpi_get(true);
    if(!p || !what) return "MPI not supported";
    if(!strcmp(what, "library")) return p->info(TM_MPI_INFO_LIBRARY);
    if(!strcmp(what, "exe")) return p->info(TM_MPI_INFO_EXE);
    if(!strcmp(what, "c")) return p->info(TM_MPI_INFO_C);
    if(!strcmp(what, "version")) return p->info(TM_MPI_INFO_VERSION);
    if(!strcmp(what, "path")) return p->info(TM_MPI_INFO_PATH);
    if(!strcmp(what, "cxx"))
        return "timemory uses the MPI C interface only (no MPI C++ bindings are built)";
    return "unknown MPI description";
}
