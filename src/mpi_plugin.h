/* mpi_plugin.h -- the C ABI between libtimemory (src/mpi.c) and its optional MPI plugin
 * (plugins/mpi/timemory_mpi.c, libtimemory-mpi.so, the only object of the project that links
 * MPI). libtimemory loads the plugin with dlopen, looks up TM_MPI_PLUGIN_SYMBOL and checks abi
 * and size before using any entry. Every entry returns 0 on success or a nonzero MPI error
 * code; memory handed out is malloc'd and freed by the caller with free().
 */
#ifndef TIMEMORY_MPI_PLUGIN_H
#define TIMEMORY_MPI_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define TM_MPI_PLUGIN_ABI    1
#define TM_MPI_PLUGIN_SYMBOL "timemory_mpi_plugin_v1"
#define TM_MPI_PLUGIN_FILE   "libtimemory-mpi.so"

/* what info() describes */
enum tm__mpi_info {
    TM_MPI_INFO_LIBRARY, /* MPI_Get_library_version of the MPI in the process */
    TM_MPI_INFO_EXE,     /* mpiexec found at build time, its flags */
    TM_MPI_INFO_C,       /* MPI C compiler, include directories, libraries (build time) */
    TM_MPI_INFO_VERSION, /* MPI standard version the plugin was built against */
    TM_MPI_INFO_PATH,    /* file of the MPI library the plugin resolved PMPI_Init from */
    TM_MPI_INFO_COUNT
};

/* thread levels, as the mpi_thread_type setting names them */
enum tm__mpi_level {
    TM_MPI_THREAD_SINGLE,
    TM_MPI_THREAD_FUNNELED,
    TM_MPI_THREAD_SERIALIZED,
    TM_MPI_THREAD_MULTIPLE
};

typedef struct tm__mpi_plugin {
    int    abi;  /* TM_MPI_PLUGIN_ABI */
    size_t size; /* sizeof(tm__mpi_plugin) the plugin was built with */
    /* 0 MPI never initialized, 1 initialized and not finalized, 2 finalized */
    int (*state)(void);
    int (*rank_size)(int* rank, int* size); /* MPI_COMM_WORLD */
    /* MPI_Init_thread(level) when use_thread (MPI_Init if that fails), else MPI_Init;
     * *provided gets the level granted (-1 with MPI_Init) */
    int (*init)(int* argc, char*** argv, int use_thread, int level, int* provided);
    int (*finalize)(void);
    int (*barrier)(void);
    /* Collective over MPI_COMM_WORLD: every rank's bytes to rank 0. On rank 0 *all receives
     * the blobs end to end and *lens one length per rank (both malloc'd); other ranks get
     * NULLs. Blobs whose sum exceeds chunk bytes travel point to point in pieces of at most
     * chunk bytes instead of one MPI_Gatherv (whose counts are ints). */
    int (*gather)(const char* data, size_t len, size_t chunk, char** all, size_t** lens);
    /* Calls fn from inside MPI_Finalize, before MPI shuts down (a delete callback of an
     * attribute on MPI_COMM_SELF, which MPI_Finalize frees first). Once per process. */
    int (*on_finalize)(void (*fn)(void));
    /* static text (never NULL) */
    const char* (*info)(int what);
    /* the message of an MPI error code (static buffer, not thread-safe) */
    const char* (*error_string)(int code);
} tm__mpi_plugin;

typedef const tm__mpi_plugin* (*tm__mpi_plugin_fn)(void);

#endif /* TIMEMORY_MPI_PLUGIN_H */
