/* timemory_mpi.c -- libtimemory-mpi.so, the only object of timemory that links MPI.
 * libtimemory (src/mpi.c) loads it at run time when the process has MPI, so that a machine or
 * a program without MPI never loads it. It owns the MPI calls timemory makes: the state of
 * MPI, rank and size of MPI_COMM_WORLD, MPI_Init(_thread)/MPI_Finalize for the mpi_init and
 * mpi_finalize settings, the gather of every rank's packed data to rank 0, the hook that runs
 * timemory's finalization from inside MPI_Finalize, and the build/run-time descriptions.
 * Its own communication goes to the PMPI_ entry points, so that MPI wrappers (timemory's mpip,
 * any PMPI tool) never see it; MPI_Init and MPI_Finalize, made for the program, stay visible.
 * The ABI is src/mpi_plugin.h; one exported symbol.
 */
#include "mpi_plugin.h"
#include "timemory_mpi_build.h"

#include <dlfcn.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tm_mpi_state(void)
{
    int initialized = 0, finalized = 0;
    PMPI_Initialized(&initialized);
    PMPI_Finalized(&finalized);
    if(finalized) return 2;
    return initialized ? 1 : 0;
}

static int tm_mpi_rank_size(int* rank, int* size)
{
    int rc = PMPI_Comm_rank(MPI_COMM_WORLD, rank);
    if(rc == MPI_SUCCESS) rc = PMPI_Comm_size(MPI_COMM_WORLD, size);
    return rc;
}

static int tm_mpi_init(int* argc, char*** argv, int use_thread, int level, int* provided)
{
    *provided = -1;
    if(use_thread)
    {
        int required = MPI_THREAD_MULTIPLE;
        switch(level)
        {
        case TM_MPI_THREAD_SINGLE:
            required = MPI_THREAD_SINGLE;
            break;
        case TM_MPI_THREAD_FUNNELED:
            required = MPI_THREAD_FUNNELED;
            break;
        case TM_MPI_THREAD_SERIALIZED:
            required = MPI_THREAD_SERIALIZED;
            break;
        default:
            break;
        }
        int got = 0;
        if(MPI_Init_thread(argc, argv, required, &got) == MPI_SUCCESS)
        {
            *provided = got == MPI_THREAD_SINGLE       ? TM_MPI_THREAD_SINGLE
                        : got == MPI_THREAD_FUNNELED   ? TM_MPI_THREAD_FUNNELED
                        : got == MPI_THREAD_SERIALIZED ? TM_MPI_THREAD_SERIALIZED
                                                       : TM_MPI_THREAD_MULTIPLE;
            return MPI_SUCCESS;
        }
    }
    return MPI_Init(argc, argv);
}

static int tm_mpi_finalize(void)
{
    return MPI_Finalize();
}
static int tm_mpi_barrier(void)
{
    return PMPI_Barrier(MPI_COMM_WORLD);
}

/* ---- gather ------------------------------------------------------------------------------ */

/* Pieces of at most chunk bytes from every rank > 0 to rank 0, rank after rank. */
static int tm_mpi_gather_pieces(const char* data, size_t len, size_t chunk, int rank, int size,
                                char* all, const size_t* lens)
{
    const int tag = 0x7e3d;
    if(rank != 0)
    {
        for(size_t off = 0; off < len; off += chunk)
        {
            size_t n  = len - off < chunk ? len - off : chunk;
            int    rc = PMPI_Send(data + off, (int)n, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
            if(rc != MPI_SUCCESS) return rc;
        }
        return MPI_SUCCESS;
    }
    size_t at = 0;
    for(int r = 0; r < size; ++r)
    {
        if(r == 0)
        {
            if(len) memcpy(all, data, len);
        }
        else
            for(size_t off = 0; off < lens[r]; off += chunk)
            {
                size_t n  = lens[r] - off < chunk ? lens[r] - off : chunk;
                int    rc = PMPI_Recv(all + at + off, (int)n, MPI_BYTE, r, tag, MPI_COMM_WORLD,
                                      MPI_STATUS_IGNORE);
                if(rc != MPI_SUCCESS) return rc;
            }
        at += lens[r];
    }
    return MPI_SUCCESS;
}

static int tm_mpi_gather(const char* data, size_t len, size_t chunk, char** all, size_t** lens)
{
    *all     = NULL;
    *lens    = NULL;
    int rank = 0, size = 1;
    int rc = tm_mpi_rank_size(&rank, &size);
    if(rc != MPI_SUCCESS) return rc;
    if(chunk == 0 || chunk > INT_MAX) chunk = INT_MAX;

    uint64_t  mine  = (uint64_t)len;
    uint64_t* sizes = NULL;
    if(rank == 0)
    {
        sizes = malloc((size_t)size * sizeof(uint64_t));
        if(!sizes) return MPI_ERR_NO_MEM;
    }
    int gathered = PMPI_Gather(&mine, 1, MPI_UINT64_T, sizes, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    /* rank 0 decides how the bytes travel and whether it can hold them: 0 = one Gatherv,
     * 1 = pieces, -1 = nothing is sent (the sizes did not arrive, or no memory); every rank
     * reaches the broadcast */
    int     mode  = 0;
    char*   buf   = NULL;
    size_t* out   = NULL;
    int*    count = NULL;
    int*    displ = NULL;
    if(rank == 0 && gathered != MPI_SUCCESS)
        mode = -1;
    else if(rank == 0)
    {
        uint64_t total = 0;
        for(int r = 0; r < size; ++r) total += sizes[r];
        mode  = total > (uint64_t)chunk ? 1 : 0;
        buf   = malloc(total ? (size_t)total : 1);
        out   = malloc((size_t)size * sizeof(size_t));
        count = mode == 0 ? malloc((size_t)size * sizeof(int)) : NULL;
        displ = mode == 0 ? malloc((size_t)size * sizeof(int)) : NULL;
        if(!buf || !out || (mode == 0 && (!count || !displ)))
            mode = -1;
        else
        {
            uint64_t at = 0;
            for(int r = 0; r < size; ++r)
            {
                out[r] = (size_t)sizes[r];
                if(mode == 0)
                {
                    count[r] = (int)sizes[r];
                    displ[r] = (int)at;
                }
                at += sizes[r];
            }
        }
    }
    rc = PMPI_Bcast(&mode, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if(rc == MPI_SUCCESS && mode == 0)
        rc = PMPI_Gatherv(data, (int)len, MPI_BYTE, buf, count, displ, MPI_BYTE, 0, MPI_COMM_WORLD);
    else if(rc == MPI_SUCCESS && mode == 1)
        rc = tm_mpi_gather_pieces(data, len, chunk, rank, size, buf, out);
    else if(rc == MPI_SUCCESS)
        rc = gathered != MPI_SUCCESS ? gathered : MPI_ERR_NO_MEM;
    free(sizes);
    free(count);
    free(displ);
    if(rc != MPI_SUCCESS || rank != 0)
    {
        free(buf);
        free(out);
        return rc;
    }
    *all  = buf;
    *lens = out;
    return MPI_SUCCESS;
}

/* ---- the finalize hook --------------------------------------------------------------------- */

static void (*tm_mpi_finalize_fn)(void);
static int tm_mpi_keyval = MPI_KEYVAL_INVALID;

static int tm_mpi_self_deleted(MPI_Comm comm, int keyval, void* value, void* extra)
{
    (void)comm;
    (void)keyval;
    (void)value;
    (void)extra;
    if(tm_mpi_finalize_fn) tm_mpi_finalize_fn();
    return MPI_SUCCESS;
}

static int tm_mpi_on_finalize(void (*fn)(void))
{
    tm_mpi_finalize_fn = fn;
    if(tm_mpi_keyval != MPI_KEYVAL_INVALID) return MPI_SUCCESS;
    int rc =
        PMPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, tm_mpi_self_deleted, &tm_mpi_keyval, NULL);
    if(rc == MPI_SUCCESS) rc = PMPI_Comm_set_attr(MPI_COMM_SELF, tm_mpi_keyval, NULL);
    return rc;
}

/* ---- descriptions ------------------------------------------------------------------------- */

static const char* tm_mpi_info(int what)
{
    static char library[MPI_MAX_LIBRARY_VERSION_STRING + 1];
    static char version[64];
    static char path[4096];
    switch(what)
    {
    case TM_MPI_INFO_LIBRARY: {
        int n = 0;
        if(PMPI_Get_library_version(library, &n) != MPI_SUCCESS) return "unknown";
        if(n < 0 || n > MPI_MAX_LIBRARY_VERSION_STRING) n = 0;
        library[n] = '\0';
        /* trailing new lines and blanks (Open MPI ends with one) */
        size_t k = strlen(library);
        while(k > 0 && (library[k - 1] == '\n' || library[k - 1] == ' ')) library[--k] = '\0';
        return library;
    }
    case TM_MPI_INFO_EXE:
        return TM_MPI_BUILD_EXE;
    case TM_MPI_INFO_C:
        return TM_MPI_BUILD_C;
    case TM_MPI_INFO_VERSION:
        snprintf(version, sizeof(version), "%d.%d", MPI_VERSION, MPI_SUBVERSION);
        return version;
    case TM_MPI_INFO_PATH: {
        Dl_info info;
        if(!dladdr((void*)(uintptr_t)&PMPI_Init, &info) || !info.dli_fname) return "";
        snprintf(path, sizeof(path), "%s", info.dli_fname);
        return path;
    }
    default:
        return "";
    }
}

static const char* tm_mpi_error_string(int code)
{
    static char text[MPI_MAX_ERROR_STRING + 1];
    int         n = 0;
    if(PMPI_Error_string(code, text, &n) != MPI_SUCCESS)
        snprintf(text, sizeof(text), "MPI error %d", code);
    return text;
}

__attribute__((visibility("default"))) const tm__mpi_plugin* timemory_mpi_plugin_v1(void)
{
    static const tm__mpi_plugin plugin = {
        TM_MPI_PLUGIN_ABI,   sizeof(tm__mpi_plugin), tm_mpi_state,  tm_mpi_rank_size,   tm_mpi_init,
        tm_mpi_finalize,     tm_mpi_barrier,         tm_mpi_gather, tm_mpi_on_finalize, tm_mpi_info,
        tm_mpi_error_string,
    };
    return &plugin;
}
