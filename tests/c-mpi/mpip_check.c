/* mpip_check.c -- known MPI calls under per-rank regions, for tests/python/test_mpip.py.
 *
 * Built with mpicc against the installed library: linked with -ltimemory-mpip (the wrappers
 * start when the program loads), and without it, run under LD_PRELOAD=libtimemory-mpip.so or
 * given the library's path to dlopen after MPI_Init -- its MPI references are then already
 * bound to the MPI library and timemory_mpip_redirect() must rewrite them (built with
 * -z now -z relro, they sit in read-only GOT pages). The wrappers' control functions are found
 * with dlsym. One of the barriers is called through a function pointer (a GLOB_DAT reference
 * when the library is dlopened). Each rank makes its calls inside regions named after its rank
 * ("rank-<r>", ...), so the counts stay exact whether each rank's data is read alone or merged with
 * the others', and writes the tree JSON of wall_clock to <dir>/rank-<r>.json.
 *
 *   rank-<r>          3 Barrier, 2 Allreduce, ring Send+Recv, Isend+Irecv+Waitall, Bcast,
 *                     Reduce, Gather, Scatter, Alltoall, Sendrecv, Ibarrier+Wait
 *   rank-<r>-stopped  1 Barrier while stopped, then started again: 2 Barrier
 *   rank-<r>-reject   TIMEMORY_MPIP_REJECT_LIST="barrier" at the start: 2 Barrier, 1 Allreduce
 *
 * usage: mpirun -np N mpip_check <dir> [<libtimemory-mpip.so to dlopen>]
 */
#ifndef _GNU_SOURCE
#    define _GNU_SOURCE /* setenv, RTLD_DEFAULT */
#endif
#include "timemory/timemory.h"

#include <mpi.h>

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t (*start_fn)(void);
typedef uint64_t (*stop_fn)(uint64_t);
typedef uint64_t (*autostart_fn)(void);

static start_fn     start_mpip;
static stop_fn      stop_mpip;
static autostart_fn autostart_id;

/* the address of MPI_Barrier is read from the GOT when called, after any redirection */
__attribute__((noinline)) static int barrier_through_pointer(void)
{
    int (*volatile barrier)(MPI_Comm) = MPI_Barrier;
    return barrier(MPI_COMM_WORLD);
}

static int fail(int rank, const char* what)
{
    fprintf(stderr, "mpip_check[%d]: %s\n", rank, what);
    MPI_Abort(MPI_COMM_WORLD, 2);
    return 2;
}

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if(argc < 2) return fail(rank, "usage: mpip_check <output dir> [<library to dlopen>]");
    if(argc > 2)
    {
        if(!dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL)) return fail(rank, dlerror());
        void* r               = dlsym(RTLD_DEFAULT, "timemory_mpip_redirect");
        int (*redirect)(void) = NULL;
        memcpy(&redirect, &r, sizeof(r));
        if(!redirect || redirect() <= 0) return fail(rank, "no MPI reference was redirected");
    }

    void* s = dlsym(RTLD_DEFAULT, "timemory_start_mpip");
    void* p = dlsym(RTLD_DEFAULT, "timemory_stop_mpip");
    void* a = dlsym(RTLD_DEFAULT, "timemory_mpip_autostart_id");
    if(!s || !p || !a) return fail(rank, "libtimemory-mpip is neither linked nor preloaded");
    memcpy(&start_mpip, &s, sizeof(s));
    memcpy(&stop_mpip, &p, sizeof(p));
    memcpy(&autostart_id, &a, sizeof(a));
    if(autostart_id() == 0) return fail(rank, "the wrappers did not start when loaded");

    char region[64], stopped[64], rejected[64];
    snprintf(region, sizeof(region), "rank-%d", rank);
    snprintf(stopped, sizeof(stopped), "rank-%d-stopped", rank);
    snprintf(rejected, sizeof(rejected), "rank-%d-reject", rank);

    double x = rank, y = 0.0, all[64], one = 0.0;
    if(size > 32) return fail(rank, "at most 32 ranks");

    timemory_push_region(region);
    for(int i = 0; i < 2; ++i) MPI_Barrier(MPI_COMM_WORLD);
    barrier_through_pointer();
    for(int i = 0; i < 2; ++i) MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    if(rank % 2 == 0)
    {
        MPI_Send(&x, 1, MPI_DOUBLE, next, 1, MPI_COMM_WORLD);
        MPI_Recv(&y, 1, MPI_DOUBLE, prev, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    else
    {
        MPI_Recv(&y, 1, MPI_DOUBLE, prev, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(&x, 1, MPI_DOUBLE, next, 1, MPI_COMM_WORLD);
    }
    MPI_Request reqs[2];
    MPI_Irecv(&y, 1, MPI_DOUBLE, prev, 2, MPI_COMM_WORLD, &reqs[0]);
    MPI_Isend(&x, 1, MPI_DOUBLE, next, 2, MPI_COMM_WORLD, &reqs[1]);
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    MPI_Bcast(&x, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Reduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Gather(&x, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Scatter(all, 1, MPI_DOUBLE, &one, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Alltoall(all, 1, MPI_DOUBLE, all + 32, 1, MPI_DOUBLE, MPI_COMM_WORLD);
    MPI_Sendrecv(&x, 1, MPI_DOUBLE, next, 3, &y, 1, MPI_DOUBLE, prev, 3, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    MPI_Ibarrier(MPI_COMM_WORLD, &reqs[0]);
    MPI_Wait(&reqs[0], MPI_STATUS_IGNORE);
    timemory_pop_region(region);

    timemory_push_region(stopped);
    if(stop_mpip(autostart_id()) != 0) return fail(rank, "stop did not leave 0 starts");
    MPI_Barrier(MPI_COMM_WORLD);
    uint64_t id = start_mpip();
    if(id == 0) return fail(rank, "start returned 0");
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    timemory_pop_region(stopped);

    setenv("TIMEMORY_MPIP_REJECT_LIST", "barrier", 1);
    stop_mpip(id);
    id = start_mpip();
    timemory_push_region(rejected);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    timemory_pop_region(rejected);
    stop_mpip(id);

    char* json = NULL;
    int   rc   = timemory_get_json(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK), true, &json);
    if(rc != TIMEMORY_OK || !json) return fail(rank, timemory_strerror(rc));
    char path[4096];
    snprintf(path, sizeof(path), "%s/rank-%d.json", argv[1], rank);
    FILE* f = fopen(path, "w");
    if(!f || fputs(json, f) < 0 || fclose(f) != 0) return fail(rank, "cannot write the JSON");
    timemory_free(json);
    MPI_Finalize();
    return 0;
}
