/* mpi_ranks.c -- an MPI program instrumenting itself through libtimemory: every rank runs the
 * same regions a different number of times (rank r: "step" r + 1 times, rank 0 also "setup").
 * Rank 0 alone writes timemory-mpi-ranks-output/: all ranks merged, with each entry's
 * min/mean/max over the ranks and its imbalance, or one section per rank with
 * TIMEMORY_COLLAPSE_PROCESSES=false. timemory finalizes inside MPI_Finalize; with --finalize
 * the program calls timemory_finalize_library() itself first (on every rank).
 *
 *   mpicc mpi_ranks.c $(pkg-config --cflags --libs timemory) -o mpi_ranks
 *   mpirun -np 4 ./mpi_ranks [--finalize]
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <mpi.h>
#include <timemory/library.h>
#include <timemory/timemory.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* after MPI_Init: timemory sees MPI and will gather every rank's data to rank 0 */
    timemory_init_library(argc, argv);
    timemory_set_default("wall_clock");

    if(rank == 0)
    {
        timemory_push_region("setup");
        sleep_ms(2);
        timemory_pop_region("setup");
    }
    timemory_push_region("outer");
    for(int i = 0; i <= rank; ++i)
    {
        timemory_push_region("step");
        sleep_ms(2);
        timemory_pop_region("step");
    }
    timemory_pop_region("outer");
    MPI_Barrier(MPI_COMM_WORLD);

    if(argc > 1 && strcmp(argv[1], "--finalize") == 0) timemory_finalize_library();
    if(rank == 0) printf("mpi_ranks: %d ranks done\n", size);
    MPI_Finalize();
    return 0;
}
