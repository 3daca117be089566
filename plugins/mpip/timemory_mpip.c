/* timemory_mpip.c -- libtimemory-mpip: MPI calls timed through the PMPI profiling interface.
 *
 * Owns the wrappers (one per row of TM_MPIP_FUNCTIONS: MPI_<name> pushes the node "MPI_<name>"
 * onto the calling thread's call-graph, calls PMPI_<name>, pops), their start/stop handles,
 * the per-function recording flags decided from the permit/reject lists at each start, the
 * component set, the start when the library is loaded, and the rewriting of already-bound GOT
 * entries (timemory_mpip_redirect) for a library loaded after the code that calls MPI.
 * Policy: a wrapped call reads its function's flag and the pause flag and, when recording, is
 * one timemory_push and one timemory_pop with a key registered at the first start: no lock, no
 * allocation and no string per call. Built on the public API of libtimemory only.
 */
#include "timemory/mpip.h"
#include "timemory/timemory.h"

#include <mpi.h>

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#if !defined(MPI_VERSION) || MPI_VERSION < 3
#    error "timemory-mpip needs an MPI-3 mpi.h (const-correct prototypes)"
#endif

/* X(name, parameters, arguments): the wrapped functions, with the prototypes of MPI-3. The
 * compiler checks each against the declaration in mpi.h (a mismatch is a conflicting-types
 * error), so the wrappers keep the installed signatures exactly. */
#define TM_MPIP_FUNCTIONS(X)                                                                       \
    /* point-to-point */                                                                           \
    X(Send, (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm),     \
      (buf, count, type, dest, tag, comm))                                                         \
    X(Recv,                                                                                        \
      (void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,                \
       MPI_Status* status),                                                                        \
      (buf, count, type, source, tag, comm, status))                                               \
    X(Bsend, (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm),    \
      (buf, count, type, dest, tag, comm))                                                         \
    X(Ssend, (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm),    \
      (buf, count, type, dest, tag, comm))                                                         \
    X(Rsend, (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm),    \
      (buf, count, type, dest, tag, comm))                                                         \
    X(Isend,                                                                                       \
      (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,            \
       MPI_Request* request),                                                                      \
      (buf, count, type, dest, tag, comm, request))                                                \
    X(Irecv,                                                                                       \
      (void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,                \
       MPI_Request* request),                                                                      \
      (buf, count, type, source, tag, comm, request))                                              \
    X(Ibsend,                                                                                      \
      (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,            \
       MPI_Request* request),                                                                      \
      (buf, count, type, dest, tag, comm, request))                                                \
    X(Issend,                                                                                      \
      (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,            \
       MPI_Request* request),                                                                      \
      (buf, count, type, dest, tag, comm, request))                                                \
    X(Irsend,                                                                                      \
      (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,            \
       MPI_Request* request),                                                                      \
      (buf, count, type, dest, tag, comm, request))                                                \
    X(Sendrecv,                                                                                    \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,           \
       void* recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,               \
       MPI_Comm comm, MPI_Status* status),                                                         \
      (sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount, recvtype, source, recvtag, \
       comm, status))                                                                              \
    X(Sendrecv_replace,                                                                            \
      (void* buf, int count, MPI_Datatype type, int dest, int sendtag, int source, int recvtag,    \
       MPI_Comm comm, MPI_Status* status),                                                         \
      (buf, count, type, dest, sendtag, source, recvtag, comm, status))                            \
    X(Probe, (int source, int tag, MPI_Comm comm, MPI_Status* status),                             \
      (source, tag, comm, status))                                                                 \
    X(Iprobe, (int source, int tag, MPI_Comm comm, int* flag, MPI_Status* status),                 \
      (source, tag, comm, flag, status))                                                           \
    X(Mprobe, (int source, int tag, MPI_Comm comm, MPI_Message* message, MPI_Status* status),      \
      (source, tag, comm, message, status))                                                        \
    X(Improbe,                                                                                     \
      (int source, int tag, MPI_Comm comm, int* flag, MPI_Message* message, MPI_Status* status),   \
      (source, tag, comm, flag, message, status))                                                  \
    X(Mrecv, (void* buf, int count, MPI_Datatype type, MPI_Message* message, MPI_Status* status),  \
      (buf, count, type, message, status))                                                         \
    X(Imrecv,                                                                                      \
      (void* buf, int count, MPI_Datatype type, MPI_Message* message, MPI_Request* request),       \
      (buf, count, type, message, request))                                                        \
    X(Send_init,                                                                                   \
      (const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,            \
       MPI_Request* request),                                                                      \
      (buf, count, type, dest, tag, comm, request))                                                \
    X(Recv_init,                                                                                   \
      (void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,                \
       MPI_Request* request),                                                                      \
      (buf, count, type, source, tag, comm, request))                                              \
    X(Start, (MPI_Request * request), (request))                                                   \
    X(Startall, (int count, MPI_Request requests[]), (count, requests))                            \
    /* completion */                                                                               \
    X(Wait, (MPI_Request * request, MPI_Status * status), (request, status))                       \
    X(Waitall, (int count, MPI_Request requests[], MPI_Status statuses[]),                         \
      (count, requests, statuses))                                                                 \
    X(Waitany, (int count, MPI_Request requests[], int* index, MPI_Status* status),                \
      (count, requests, index, status))                                                            \
    X(Waitsome,                                                                                    \
      (int incount, MPI_Request requests[], int* outcount, int indices[], MPI_Status statuses[]),  \
      (incount, requests, outcount, indices, statuses))                                            \
    X(Test, (MPI_Request * request, int* flag, MPI_Status* status), (request, flag, status))       \
    X(Testall, (int count, MPI_Request requests[], int* flag, MPI_Status statuses[]),              \
      (count, requests, flag, statuses))                                                           \
    X(Testany, (int count, MPI_Request requests[], int* index, int* flag, MPI_Status* status),     \
      (count, requests, index, flag, status))                                                      \
    X(Testsome,                                                                                    \
      (int incount, MPI_Request requests[], int* outcount, int indices[], MPI_Status statuses[]),  \
      (incount, requests, outcount, indices, statuses))                                            \
    /* blocking collectives */                                                                     \
    X(Barrier, (MPI_Comm comm), (comm))                                                            \
    X(Bcast, (void* buf, int count, MPI_Datatype type, int root, MPI_Comm comm),                   \
      (buf, count, type, root, comm))                                                              \
    X(Reduce,                                                                                      \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op, int root,      \
       MPI_Comm comm),                                                                             \
      (sendbuf, recvbuf, count, type, op, root, comm))                                             \
    X(Allreduce,                                                                                   \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op,                \
       MPI_Comm comm),                                                                             \
      (sendbuf, recvbuf, count, type, op, comm))                                                   \
    X(Gather,                                                                                      \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, int root, MPI_Comm comm),                                            \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm))                    \
    X(Gatherv,                                                                                     \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,                   \
       const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,                \
       MPI_Comm comm),                                                                             \
      (sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, comm))           \
    X(Allgather,                                                                                   \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, MPI_Comm comm),                                                      \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm))                          \
    X(Allgatherv,                                                                                  \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,                   \
       const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm),          \
      (sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm))                 \
    X(Scatter,                                                                                     \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, int root, MPI_Comm comm),                                            \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm))                    \
    X(Scatterv,                                                                                    \
      (const void* sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype,     \
       void* recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm),              \
      (sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, comm))           \
    X(Alltoall,                                                                                    \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, MPI_Comm comm),                                                      \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm))                          \
    X(Alltoallv,                                                                                   \
      (const void* sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,    \
       void* recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype,          \
       MPI_Comm comm),                                                                             \
      (sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts, rdispls, recvtype, comm))      \
    X(Alltoallw,                                                                                   \
      (const void* sendbuf, const int sendcounts[], const int sdispls[],                           \
       const MPI_Datatype sendtypes[], void* recvbuf, const int recvcounts[], const int rdispls[], \
       const MPI_Datatype recvtypes[], MPI_Comm comm),                                             \
      (sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes, comm))    \
    X(Reduce_scatter,                                                                              \
      (const void* sendbuf, void* recvbuf, const int recvcounts[], MPI_Datatype type, MPI_Op op,   \
       MPI_Comm comm),                                                                             \
      (sendbuf, recvbuf, recvcounts, type, op, comm))                                              \
    X(Reduce_scatter_block,                                                                        \
      (const void* sendbuf, void* recvbuf, int recvcount, MPI_Datatype type, MPI_Op op,            \
       MPI_Comm comm),                                                                             \
      (sendbuf, recvbuf, recvcount, type, op, comm))                                               \
    X(Scan,                                                                                        \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op,                \
       MPI_Comm comm),                                                                             \
      (sendbuf, recvbuf, count, type, op, comm))                                                   \
    X(Exscan,                                                                                      \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op,                \
       MPI_Comm comm),                                                                             \
      (sendbuf, recvbuf, count, type, op, comm))                                                   \
    /* non-blocking collectives */                                                                 \
    X(Ibarrier, (MPI_Comm comm, MPI_Request * request), (comm, request))                           \
    X(Ibcast,                                                                                      \
      (void* buf, int count, MPI_Datatype type, int root, MPI_Comm comm, MPI_Request* request),    \
      (buf, count, type, root, comm, request))                                                     \
    X(Ireduce,                                                                                     \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op, int root,      \
       MPI_Comm comm, MPI_Request* request),                                                       \
      (sendbuf, recvbuf, count, type, op, root, comm, request))                                    \
    X(Iallreduce,                                                                                  \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm, \
       MPI_Request* request),                                                                      \
      (sendbuf, recvbuf, count, type, op, comm, request))                                          \
    X(Igather,                                                                                     \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request* request),                      \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, request))           \
    X(Igatherv,                                                                                    \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,                   \
       const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm, \
       MPI_Request* request),                                                                      \
      (sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, comm, request))  \
    X(Iallgather,                                                                                  \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request* request),                                \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, request))                 \
    X(Iallgatherv,                                                                                 \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,                   \
       const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm,           \
       MPI_Request* request),                                                                      \
      (sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm, request))        \
    X(Iscatter,                                                                                    \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request* request),                      \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, request))           \
    X(Iscatterv,                                                                                   \
      (const void* sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype,     \
       void* recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,               \
       MPI_Request* request),                                                                      \
      (sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, comm, request))  \
    X(Ialltoall,                                                                                   \
      (const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,    \
       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request* request),                                \
      (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, request))                 \
    X(Ialltoallv,                                                                                  \
      (const void* sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,    \
       void* recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype,          \
       MPI_Comm comm, MPI_Request* request),                                                       \
      (sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts, rdispls, recvtype, comm,       \
       request))                                                                                   \
    X(Ialltoallw,                                                                                  \
      (const void* sendbuf, const int sendcounts[], const int sdispls[],                           \
       const MPI_Datatype sendtypes[], void* recvbuf, const int recvcounts[], const int rdispls[], \
       const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Request* request),                       \
      (sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes, comm,     \
       request))                                                                                   \
    X(Ireduce_scatter,                                                                             \
      (const void* sendbuf, void* recvbuf, const int recvcounts[], MPI_Datatype type, MPI_Op op,   \
       MPI_Comm comm, MPI_Request* request),                                                       \
      (sendbuf, recvbuf, recvcounts, type, op, comm, request))                                     \
    X(Ireduce_scatter_block,                                                                       \
      (const void* sendbuf, void* recvbuf, int recvcount, MPI_Datatype type, MPI_Op op,            \
       MPI_Comm comm, MPI_Request* request),                                                       \
      (sendbuf, recvbuf, recvcount, type, op, comm, request))                                      \
    X(Iscan,                                                                                       \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm, \
       MPI_Request* request),                                                                      \
      (sendbuf, recvbuf, count, type, op, comm, request))                                          \
    X(Iexscan,                                                                                     \
      (const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm, \
       MPI_Request* request),                                                                      \
      (sendbuf, recvbuf, count, type, op, comm, request))                                          \
    /* one-sided communication and its synchronization */                                          \
    X(Put,                                                                                         \
      (const void* origin, int origin_count, MPI_Datatype origin_type, int target_rank,            \
       MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win),             \
      (origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type,     \
       win))                                                                                       \
    X(Get,                                                                                         \
      (void* origin, int origin_count, MPI_Datatype origin_type, int target_rank,                  \
       MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win),             \
      (origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type,     \
       win))                                                                                       \
    X(Accumulate,                                                                                  \
      (const void* origin, int origin_count, MPI_Datatype origin_type, int target_rank,            \
       MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Op op, MPI_Win win),  \
      (origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type, op, \
       win))                                                                                       \
    X(Get_accumulate,                                                                              \
      (const void* origin, int origin_count, MPI_Datatype origin_type, void* result,               \
       int result_count, MPI_Datatype result_type, int target_rank, MPI_Aint target_disp,          \
       int target_count, MPI_Datatype target_type, MPI_Op op, MPI_Win win),                        \
      (origin, origin_count, origin_type, result, result_count, result_type, target_rank,          \
       target_disp, target_count, target_type, op, win))                                           \
    X(Fetch_and_op,                                                                                \
      (const void* origin, void* result, MPI_Datatype type, int target_rank, MPI_Aint target_disp, \
       MPI_Op op, MPI_Win win),                                                                    \
      (origin, result, type, target_rank, target_disp, op, win))                                   \
    X(Compare_and_swap,                                                                            \
      (const void* origin, const void* compare, void* result, MPI_Datatype type, int target_rank,  \
       MPI_Aint target_disp, MPI_Win win),                                                         \
      (origin, compare, result, type, target_rank, target_disp, win))                              \
    X(Rput,                                                                                        \
      (const void* origin, int origin_count, MPI_Datatype origin_type, int target_rank,            \
       MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win,              \
       MPI_Request* request),                                                                      \
      (origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type,     \
       win, request))                                                                              \
    X(Rget,                                                                                        \
      (void* origin, int origin_count, MPI_Datatype origin_type, int target_rank,                  \
       MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win,              \
       MPI_Request* request),                                                                      \
      (origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type,     \
       win, request))                                                                              \
    X(Win_fence, (int assertion, MPI_Win win), (assertion, win))                                   \
    X(Win_lock, (int lock_type, int rank, int assertion, MPI_Win win),                             \
      (lock_type, rank, assertion, win))                                                           \
    X(Win_unlock, (int rank, MPI_Win win), (rank, win))                                            \
    X(Win_lock_all, (int assertion, MPI_Win win), (assertion, win))                                \
    X(Win_unlock_all, (MPI_Win win), (win))                                                        \
    X(Win_flush, (int rank, MPI_Win win), (rank, win))                                             \
    X(Win_flush_all, (MPI_Win win), (win))                                                         \
    X(Win_sync, (MPI_Win win), (win))                                                              \
    /* communicators (collective) */                                                               \
    X(Comm_split, (MPI_Comm comm, int color, int key, MPI_Comm* newcomm),                          \
      (comm, color, key, newcomm))                                                                 \
    X(Comm_dup, (MPI_Comm comm, MPI_Comm * newcomm), (comm, newcomm))                              \
    X(Comm_create, (MPI_Comm comm, MPI_Group group, MPI_Comm * newcomm), (comm, group, newcomm))

enum {
#define TM_MPIP_ENUM(name, params, args) TM_MPIP_##name,
    TM_MPIP_FUNCTIONS(TM_MPIP_ENUM)
#undef TM_MPIP_ENUM
        TM_MPIP_COUNT
};

static const char* const tm_mpip_names[TM_MPIP_COUNT] = {
#define TM_MPIP_NAME(name, params, args) "MPI_" #name,
    TM_MPIP_FUNCTIONS(TM_MPIP_NAME)
#undef TM_MPIP_NAME
};

/* ---- state ------------------------------------------------------------------------------- */

/* read by every wrapped call (relaxed loads); written under tm_mpip_mutex */
static uint64_t              tm_mpip_keys[TM_MPIP_COUNT];
static unsigned char         tm_mpip_on[TM_MPIP_COUNT];
static timemory_components_t tm_mpip_mask; /* 0: resolve at the next wrapped call */

static pthread_mutex_t tm_mpip_mutex = PTHREAD_MUTEX_INITIALIZER;
static bool            tm_mpip_keys_ready;
static uint64_t*       tm_mpip_handles; /* active start ids */
static size_t          tm_mpip_nhandles;
static size_t          tm_mpip_handle_cap;
static uint64_t        tm_mpip_next_id = 1;
static uint64_t        tm_mpip_auto_id;

/* ---- the wrappers ------------------------------------------------------------------------ */

static timemory_components_t tm_mpip_resolve(void);

/* Whether the call of function idx is recorded; pushes its node when it is. */
static inline bool tm_mpip_enter(int idx)
{
    if(__builtin_expect(!__atomic_load_n(&tm_mpip_on[idx], __ATOMIC_ACQUIRE), 1) ||
       !*timemory_enabled_address)
        return false;
    timemory_components_t mask = __atomic_load_n(&tm_mpip_mask, __ATOMIC_RELAXED);
    if(__builtin_expect(mask == 0, 0)) mask = tm_mpip_resolve();
    /* every push is popped (a push refused while paused is balanced by its pop) except one
     * that left no frame: out of memory, or refused after timemory_finalize */
    int rc = timemory_push(tm_mpip_keys[idx], mask, TIMEMORY_SCOPE_DEFAULT);
    return rc != TIMEMORY_ENOMEM && rc != TIMEMORY_EFINALIZED;
}

/* Each wrapper is a hidden function with an exported alias MPI_<name>: the GOT rewriting takes
 * the wrapper's own address, whichever object the global scope resolves MPI_<name> to. */
#define TM_MPIP_WRAPPER(name, params, args)                                                        \
    __attribute__((visibility("hidden"))) int tm_mpip_wrap_##name params;                          \
    int tm_mpip_wrap_##name params                                                                 \
    {                                                                                              \
        if(!tm_mpip_enter(TM_MPIP_##name)) return PMPI_##name args;                                \
        int rc_ = PMPI_##name args;                                                                \
        timemory_pop(tm_mpip_keys[TM_MPIP_##name]);                                                \
        return rc_;                                                                                \
    }                                                                                              \
    __attribute__((visibility("default"), alias("tm_mpip_wrap_" #name))) int MPI_##name params;
TM_MPIP_FUNCTIONS(TM_MPIP_WRAPPER)
#undef TM_MPIP_WRAPPER

typedef void (*tm_mpip_fn)(void);
static const tm_mpip_fn tm_mpip_wrappers[TM_MPIP_COUNT] = {
#define TM_MPIP_ADDRESS(name, params, args) (tm_mpip_fn) tm_mpip_wrap_##name,
    TM_MPIP_FUNCTIONS(TM_MPIP_ADDRESS)
#undef TM_MPIP_ADDRESS
};

/* ---- components -------------------------------------------------------------------------- */

/* mpip_components -> trace_components -> profiler_components -> the defaults of
 * timemory_push_region (components -> global_components -> wall_clock) */
static timemory_components_t tm_mpip_resolve(void)
{
    static const char* const sources[] = { "mpip_components", "trace_components",
                                           "profiler_components" };
    timemory_components_t    mask      = 0;
    for(size_t i = 0; i < sizeof(sources) / sizeof(*sources) && !mask; ++i)
    {
        char  small[512];
        char* text = small;
        int   n    = timemory_settings_get_string(sources[i], small, sizeof(small));
        if(n < 0) continue;
        if((size_t)n >= sizeof(small))
        {
            if(!(text = malloc((size_t)n + 1))) continue;
            timemory_settings_get_string(sources[i], text, (size_t)n + 1);
        }
        const char* bad = NULL;
        if(timemory_components_parse(text, &mask, &bad) == TIMEMORY_EUNKNOWN)
            fprintf(stderr, "[timemory-mpip] %s: unknown component '%s' ignored\n", sources[i],
                    bad ? bad : "?");
        if(text != small) free(text);
    }
    if(!mask) mask = timemory_get_default_components();
    __atomic_store_n(&tm_mpip_mask, mask, __ATOMIC_RELAXED);
    return mask;
}

/* ---- permit / reject lists --------------------------------------------------------------- */

/* Index of a wrapped function named by `word` (n chars; case-insensitive, "MPI_" optional). */
static int tm_mpip_find_n(const char* word, size_t n)
{
    if(n >= 4 && strncasecmp(word, "MPI_", 4) == 0)
    {
        word += 4;
        n -= 4;
    }
    for(int i = 0; i < TM_MPIP_COUNT; ++i)
    {
        const char* name = tm_mpip_names[i] + 4;
        if(strlen(name) == n && strncasecmp(name, word, n) == 0) return i;
    }
    return -1;
}

static bool tm_mpip_is_separator(char c)
{
    return c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Marks the functions a list names with `value`; returns how many names it has. */
static int tm_mpip_apply_list(const char* var, unsigned char* flags, unsigned char value)
{
    const char* p     = getenv(var);
    int         count = 0;
    while(p && *p)
    {
        while(*p && tm_mpip_is_separator(*p)) ++p;
        const char* word = p;
        while(*p && !tm_mpip_is_separator(*p)) ++p;
        size_t n = (size_t)(p - word);
        if(n == 0) break;
        ++count;
        int i = tm_mpip_find_n(word, n);
        if(i < 0)
            fprintf(stderr, "[timemory-mpip] %s: '%.*s' is not a wrapped MPI function (ignored)\n",
                    var, (int)n, word);
        else
            flags[i] = value;
    }
    return count;
}

/* Under tm_mpip_mutex: which functions record while started (decided once per start). */
static void tm_mpip_decide(unsigned char* flags)
{
    memset(flags, 1, TM_MPIP_COUNT);
    unsigned char permitted[TM_MPIP_COUNT] = { 0 };
    if(tm_mpip_apply_list("TIMEMORY_MPIP_PERMIT_LIST", permitted, 1) > 0)
        memcpy(flags, permitted, TM_MPIP_COUNT);
    tm_mpip_apply_list("TIMEMORY_MPIP_REJECT_LIST", flags, 0);
}

static void tm_mpip_publish(const unsigned char* flags)
{
    for(int i = 0; i < TM_MPIP_COUNT; ++i)
        __atomic_store_n(&tm_mpip_on[i], flags ? flags[i] : 0, __ATOMIC_RELEASE);
}

/* ---- start / stop ------------------------------------------------------------------------ */

uint64_t timemory_start_mpip(void)
{
    pthread_mutex_lock(&tm_mpip_mutex);
    uint64_t id = 0;
    if(tm_mpip_nhandles == tm_mpip_handle_cap)
    {
        size_t    cap = tm_mpip_handle_cap ? 2 * tm_mpip_handle_cap : 8;
        uint64_t* h   = realloc(tm_mpip_handles, cap * sizeof(*h));
        if(!h)
        {
            pthread_mutex_unlock(&tm_mpip_mutex);
            fprintf(stderr, "[timemory-mpip] start: out of memory\n");
            return 0;
        }
        tm_mpip_handles    = h;
        tm_mpip_handle_cap = cap;
    }
    if(!tm_mpip_keys_ready)
    {
        for(int i = 0; i < TM_MPIP_COUNT; ++i)
            tm_mpip_keys[i] = timemory_add_hash_id(tm_mpip_names[i]);
        tm_mpip_keys_ready = true;
    }
    unsigned char flags[TM_MPIP_COUNT];
    tm_mpip_decide(flags);
    __atomic_store_n(&tm_mpip_mask, 0, __ATOMIC_RELAXED);
    id                                  = tm_mpip_next_id++;
    tm_mpip_handles[tm_mpip_nhandles++] = id;
    tm_mpip_publish(flags);
    pthread_mutex_unlock(&tm_mpip_mutex);
    return id;
}

uint64_t timemory_stop_mpip(uint64_t id)
{
    pthread_mutex_lock(&tm_mpip_mutex);
    for(size_t i = 0; id != 0 && i < tm_mpip_nhandles; ++i)
    {
        if(tm_mpip_handles[i] != id) continue;
        tm_mpip_handles[i] = tm_mpip_handles[--tm_mpip_nhandles];
        if(tm_mpip_nhandles == 0) tm_mpip_publish(NULL);
        break;
    }
    uint64_t remaining = tm_mpip_nhandles;
    pthread_mutex_unlock(&tm_mpip_mutex);
    return remaining;
}

uint64_t timemory_mpip_autostart_id(void)
{
    return tm_mpip_auto_id;
}

int timemory_mpip_function_count(void)
{
    return TM_MPIP_COUNT;
}

const char* timemory_mpip_function_name(int index)
{
    return index >= 0 && index < TM_MPIP_COUNT ? tm_mpip_names[index] : NULL;
}

int timemory_mpip_is_recording(const char* name)
{
    int i = name ? tm_mpip_find_n(name, strlen(name)) : -1;
    if(i < 0) return TIMEMORY_EUNKNOWN;
    return __atomic_load_n(&tm_mpip_on[i], __ATOMIC_ACQUIRE) ? 1 : 0;
}

/* ---- start when loaded ------------------------------------------------------------------- */

/* TIMEMORY_MPIP_AUTOSTART: unset -> on; off/false/no/n/f/0 -> off (the spec's get_env<bool>) */
static bool tm_mpip_autostart_wanted(void)
{
    const char* v = getenv("TIMEMORY_MPIP_AUTOSTART");
    if(!v || !*v) return true;
    if(v[0] >= '0' && v[0] <= '9') return atoi(v) != 0;
    static const char* const off[] = { "off", "false", "no", "n", "f" };
    for(size_t i = 0; i < sizeof(off) / sizeof(*off); ++i)
        if(strcasecmp(v, off[i]) == 0) return false;
    return true;
}

/* Loaded into a running Python interpreter (ctypes, from timemory.mpi_support): the package
 * starts it when asked to. */
static bool tm_mpip_in_running_python(void)
{
    int (*is_initialized)(void) = NULL;
    void* sym                   = dlsym(RTLD_DEFAULT, "Py_IsInitialized");
    memcpy(&is_initialized, &sym, sizeof(sym));
    return is_initialized && is_initialized();
}

__attribute__((constructor)) static void tm_mpip_load(void)
{
    if(tm_mpip_autostart_wanted() && !tm_mpip_in_running_python())
        tm_mpip_auto_id = timemory_start_mpip();
}

/* ---- GOT rewriting ----------------------------------------------------------------------- */

#if defined(__x86_64__)
#    define TM_MPIP_R_JUMP_SLOT R_X86_64_JUMP_SLOT
#    define TM_MPIP_R_GLOB_DAT  R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#    define TM_MPIP_R_JUMP_SLOT R_AARCH64_JUMP_SLOT
#    define TM_MPIP_R_GLOB_DAT  R_AARCH64_GLOB_DAT
#elif defined(__i386__)
#    define TM_MPIP_R_JUMP_SLOT R_386_JMP_SLOT
#    define TM_MPIP_R_GLOB_DAT  R_386_GLOB_DAT
#endif

#if defined(TM_MPIP_R_JUMP_SLOT)

#    if __ELF_NATIVE_CLASS == 64
#        define TM_MPIP_R_SYM(info)  ELF64_R_SYM(info)
#        define TM_MPIP_R_TYPE(info) ELF64_R_TYPE(info)
#    else
#        define TM_MPIP_R_SYM(info)  ELF32_R_SYM(info)
#        define TM_MPIP_R_TYPE(info) ELF32_R_TYPE(info)
#    endif

extern ElfW(Dyn) _DYNAMIC[]; /* this library's dynamic section (the linker defines it) */

typedef struct tm_mpip_redirect_state {
    int    rewritten;
    int    failed;
    size_t page;
} tm_mpip_redirect_state;

typedef struct tm_mpip_object {
    ElfW(Addr) base;
    const ElfW(Sym) * symtab;
    const char* strtab;
    size_t      strsz;
    uintptr_t   relro_begin; /* pages the loader made read-only after relocation */
    uintptr_t   relro_end;
} tm_mpip_object;

/* The loader relocates most dynamic-section pointers in place; where it does not (read-only
 * dynamic sections, the vDSO) they are still offsets from the load address. */
static uintptr_t tm_mpip_dyn_ptr(ElfW(Addr) base, ElfW(Addr) ptr)
{
    return ptr < base ? base + ptr : ptr;
}

static int tm_mpip_find_exact(const char* name)
{
    for(int i = 0; i < TM_MPIP_COUNT; ++i)
        if(strcmp(tm_mpip_names[i], name) == 0) return i;
    return -1;
}

static void tm_mpip_rewrite(tm_mpip_redirect_state* st, const tm_mpip_object* obj,
                            uintptr_t slot_addr, uintptr_t target)
{
    uintptr_t* slot = (uintptr_t*)slot_addr;
    if(__atomic_load_n(slot, __ATOMIC_RELAXED) == target) return;
    bool  readonly = slot_addr >= obj->relro_begin && slot_addr < obj->relro_end;
    void* page     = (void*)(slot_addr & ~(uintptr_t)(st->page - 1));
    if(readonly && mprotect(page, st->page, PROT_READ | PROT_WRITE) != 0)
    {
        ++st->failed;
        return;
    }
    __atomic_store_n(slot, target, __ATOMIC_RELEASE);
    if(readonly) mprotect(page, st->page, PROT_READ);
    ++st->rewritten;
}

/* One relocation table (REL or RELA entries: both start with r_offset, r_info). */
static void tm_mpip_rewrite_table(tm_mpip_redirect_state* st, const tm_mpip_object* obj,
                                  uintptr_t table, size_t size, size_t entsize)
{
    if(!table || entsize < sizeof(ElfW(Rel))) return;
    for(size_t off = 0; off + entsize <= size; off += entsize)
    {
        const ElfW(Rel)* r = (const ElfW(Rel)*)(table + off);
        unsigned long type = (unsigned long)TM_MPIP_R_TYPE(r->r_info);
        size_t        symi = (size_t)TM_MPIP_R_SYM(r->r_info);
        if((type != TM_MPIP_R_JUMP_SLOT && type != TM_MPIP_R_GLOB_DAT) || symi == 0) continue;
        const ElfW(Sym)* sym = &obj->symtab[symi];
        /* defined by this object itself: the MPI library's own references */
        if(sym->st_shndx != SHN_UNDEF || sym->st_name >= obj->strsz) continue;
        const char* name = obj->strtab + sym->st_name;
        if(strncmp(name, "MPI_", 4) != 0) continue;
        int i = tm_mpip_find_exact(name);
        if(i < 0) continue;
        uintptr_t target = (uintptr_t)tm_mpip_wrappers[i];
        tm_mpip_rewrite(st, obj, obj->base + r->r_offset, target);
    }
}

static int tm_mpip_redirect_object(struct dl_phdr_info* info, size_t size, void* data)
{
    (void)size;
    tm_mpip_redirect_state* st = data;
    const ElfW(Phdr)* dynph    = NULL;
    tm_mpip_object obj         = { .base = info->dlpi_addr };
    for(int i = 0; i < info->dlpi_phnum; ++i)
    {
        const ElfW(Phdr)* ph = &info->dlpi_phdr[i];
        if(ph->p_type == PT_DYNAMIC) dynph = ph;
        if(ph->p_type == PT_GNU_RELRO)
        {
            /* as the loader protects it: whole pages, the partial last page stays writable */
            uintptr_t begin = info->dlpi_addr + ph->p_vaddr;
            obj.relro_begin = begin & ~(uintptr_t)(st->page - 1);
            obj.relro_end   = (begin + ph->p_memsz) & ~(uintptr_t)(st->page - 1);
        }
    }
    if(!dynph) return 0;
    const ElfW(Dyn)* dyn = (const ElfW(Dyn)*)(info->dlpi_addr + dynph->p_vaddr);
    if(dyn == _DYNAMIC) return 0; /* the wrappers' own references to PMPI_* */

    uintptr_t jmprel = 0, rel = 0, rela = 0;
    size_t    pltrelsz = 0, relsz = 0, relasz = 0, relent = 0, relaent = 0;
    long      pltrel = 0;
    for(const ElfW(Dyn)* d = dyn; d->d_tag != DT_NULL; ++d)
    {
        switch(d->d_tag)
        {
        case DT_SYMTAB:
            obj.symtab = (const ElfW(Sym)*)tm_mpip_dyn_ptr(obj.base, d->d_un.d_ptr);
            break;
        case DT_STRTAB:
            obj.strtab = (const char*)tm_mpip_dyn_ptr(obj.base, d->d_un.d_ptr);
            break;
        case DT_STRSZ:
            obj.strsz = d->d_un.d_val;
            break;
        case DT_JMPREL:
            jmprel = tm_mpip_dyn_ptr(obj.base, d->d_un.d_ptr);
            break;
        case DT_PLTRELSZ:
            pltrelsz = d->d_un.d_val;
            break;
        case DT_PLTREL:
            pltrel = (long)d->d_un.d_val;
            break;
        case DT_REL:
            rel = tm_mpip_dyn_ptr(obj.base, d->d_un.d_ptr);
            break;
        case DT_RELSZ:
            relsz = d->d_un.d_val;
            break;
        case DT_RELENT:
            relent = d->d_un.d_val;
            break;
        case DT_RELA:
            rela = tm_mpip_dyn_ptr(obj.base, d->d_un.d_ptr);
            break;
        case DT_RELASZ:
            relasz = d->d_un.d_val;
            break;
        case DT_RELAENT:
            relaent = d->d_un.d_val;
            break;
        default:
            break;
        }
    }
    if(!obj.symtab || !obj.strtab) return 0;
    tm_mpip_rewrite_table(st, &obj, jmprel, pltrelsz,
                          pltrel == DT_RELA ? sizeof(ElfW(Rela)) : sizeof(ElfW(Rel)));
    tm_mpip_rewrite_table(st, &obj, rela, relasz, relaent ? relaent : sizeof(ElfW(Rela)));
    tm_mpip_rewrite_table(st, &obj, rel, relsz, relent ? relent : sizeof(ElfW(Rel)));
    return 0;
}

int timemory_mpip_redirect(void)
{
    tm_mpip_redirect_state st = { .page = (size_t)sysconf(_SC_PAGESIZE) };
    pthread_mutex_lock(&tm_mpip_mutex);
    dl_iterate_phdr(tm_mpip_redirect_object, &st);
    pthread_mutex_unlock(&tm_mpip_mutex);
    if(st.failed > 0)
    {
        fprintf(stderr, "[timemory-mpip] %d MPI references could not be redirected (mprotect)\n",
                st.failed);
        return TIMEMORY_EIO;
    }
    return st.rewritten;
}

#else

int timemory_mpip_redirect(void)
{
    return TIMEMORY_EUNAVAILABLE;
}

#endif
