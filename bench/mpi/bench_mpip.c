/* bench_mpip.c -- what libtimemory-mpip adds to an MPI call.
 *
 * One process (MPI singleton, or any rank count: each rank measures itself, rank 0 prints).
 * A cheap MPI call -- MPI_Test on MPI_REQUEST_NULL -- is made N times: through PMPI_Test
 * directly (the floor), through the wrapper while it is stopped (a flag load), while timemory
 * is paused, and while it records with wall_clock (one push and one pop per call). Prints
 * nanoseconds per call; the last minus the first is the wrappers' cost per recorded call.
 *
 * usage: bench_mpip [N=2000000]
 */
#include "timemory/mpip.h"
#include "timemory/timemory.h"

#include <mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double per_call(int (*test)(MPI_Request*, int*, MPI_Status*), long n)
{
    double best = 0.0;
    for(int rep = 0; rep < 5; ++rep)
    {
        MPI_Request req  = MPI_REQUEST_NULL;
        int         flag = 0;
        double      t0   = now_ns();
        for(long i = 0; i < n; ++i) test(&req, &flag, MPI_STATUS_IGNORE);
        double dt = (now_ns() - t0) / (double)n;
        if(rep == 0 || dt < best) best = dt;
    }
    return best;
}

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    if(n <= 0) n = 2000000;
    timemory_settings_set_string("mpip_components", "wall_clock");
    timemory_settings_set_bool("auto_output", false);

    /* linked: started when loaded; stop it for the first measurements */
    timemory_stop_mpip(timemory_mpip_autostart_id());
    double   floor_ns   = per_call(PMPI_Test, n);
    double   stopped_ns = per_call(MPI_Test, n);
    uint64_t id         = timemory_start_mpip();
    timemory_pause();
    double paused_ns = per_call(MPI_Test, n);
    timemory_resume();
    timemory_push_region("bench");
    double recording_ns = per_call(MPI_Test, n);
    timemory_pop_region("bench");
    timemory_stop_mpip(id);

    if(rank == 0)
    {
        printf("MPI_Test(MPI_REQUEST_NULL), ns per call (best of 5 x %ld)\n", n);
        printf("  PMPI_Test (floor)          %8.1f\n", floor_ns);
        printf("  wrapper, stopped           %8.1f  (+%.1f)\n", stopped_ns, stopped_ns - floor_ns);
        printf("  wrapper, timemory paused   %8.1f  (+%.1f)\n", paused_ns, paused_ns - floor_ns);
        printf("  wrapper, wall_clock        %8.1f  (+%.1f)\n", recording_ns,
               recording_ns - floor_ns);
    }
    MPI_Finalize();
    return 0;
}
