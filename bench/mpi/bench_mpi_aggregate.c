/* bench_mpi_aggregate.c -- what MPI aggregation costs at output, and what MPI costs a region.
 * A program, not a test: bench/bench_mpi_aggregate.py runs it under mpirun for 1, 2 and 4
 * ranks and 10^3..10^5 nodes and prints the table.
 *
 *   mpirun -np R bench_mpi_aggregate NODES [--files DIR]
 *     every rank records NODES distinct regions (siblings under one region, the widest case
 *     for the merge); then timemory_report() -- pack, gather to rank 0, decode, merge, the
 *     statistics over the ranks, no file -- is timed, best of 3, slowest rank; with --files
 *     also the same report writing the JSON, tree JSON and text files into DIR.
 *   mpirun -np 1 bench_mpi_aggregate --marker [PAIRS]
 *     ns per region push/pop pair (wall_clock; this thread's CPU time, best of 7 rounds)
 *     before MPI_Init, after it, and once timemory has loaded its plugin (MPI active, the
 *     finalize hook attached). CPU time, not wall time: other programs on the machine do
 *     not count (valgrind cannot run an MPI singleton here in reasonable time).
 * Output: one line "key=value ..." per measurement.
 */
#define _POSIX_C_SOURCE 200809L

#include <mpi.h>
#include <timemory/mpi_support.h>
#include <timemory/timemory.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void pairs(long n)
{
    for(long i = 0; i < n; ++i)
    {
        timemory_push_region("bench-marker");
        timemory_pop_region("bench-marker");
    }
}

/* one loop per state, exported and never inlined (a profiler tells them apart) */
void                        loop_no_mpi(long n);
void                        loop_mpi_initialized(long n);
void                        loop_plugin_loaded(long n);
__attribute__((noipa)) void loop_no_mpi(long n)
{
    pairs(n);
}
__attribute__((noipa)) void loop_mpi_initialized(long n)
{
    pairs(n);
}
__attribute__((noipa)) void loop_plugin_loaded(long n)
{
    pairs(n);
}

/* ns per pair of this thread's CPU time (preemption by other programs is not counted), best
 * of 7 rounds */
static double best_ns(void (*loop)(long), long n)
{
    double best = 1e30;
    for(int round = 0; round < 7; ++round)
    {
        double t0 = cpu_s();
        loop(n);
        double ns = (cpu_s() - t0) * 1e9 / (double)n;
        if(ns < best) best = ns;
    }
    return best;
}

static int marker_cost(int argc, char** argv, long n)
{
    /* timemory_init looks for MPI in the process and would find libmpi (this program links
     * it): the settings are enough here, and the plugin is loaded only at the notice below */
    timemory_settings_set_bool("auto_output", false);
    pairs(n / 10); /* warm-up: the node, the name cache */
    double no_mpi = best_ns(loop_no_mpi, n);
    MPI_Init(&argc, &argv);
    double initialized = best_ns(loop_mpi_initialized, n);
    bool   active      = timemory_mpi_notice(); /* the plugin, the MPI_Finalize hook */
    double loaded      = best_ns(loop_plugin_loaded, n);
    printf("marker mpi_active=%d ns_per_pair_before_mpi_init=%.2f ns_per_pair_mpi_initialized=%.2f "
           "ns_per_pair_plugin_loaded=%.2f\n",
           active ? 1 : 0, no_mpi, initialized, loaded);
    MPI_Finalize();
    return 0;
}

static double timed_report(int rank)
{
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = now_s();
    timemory_report();
    double mine = now_s() - t0, slowest = 0;
    MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    return rank == 0 ? slowest : 0.0;
}

int main(int argc, char** argv)
{
    if(argc > 1 && strcmp(argv[1], "--marker") == 0)
        return marker_cost(argc, argv, argc > 2 ? atol(argv[2]) : 1000000);

    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long        nodes = argc > 1 ? atol(argv[1]) : 10000;
    const char* files = argc > 3 && strcmp(argv[2], "--files") == 0 ? argv[3] : NULL;
    timemory_init(1, argv);
    timemory_settings_set_bool("auto_output", false);
    timemory_settings_set_bool("cout_output", false);
    timemory_settings_set_bool("file_output", false);
    timemory_set_default_components(TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK));

    char** names = malloc((size_t)nodes * sizeof(char*));
    for(long i = 0; i < nodes; ++i)
    {
        names[i] = malloc(32);
        snprintf(names[i], 32, "node-%07ld", i);
    }
    double t0 = now_s();
    timemory_push_region("bench-root");
    for(long i = 0; i < nodes; ++i)
    {
        timemory_push_region(names[i]);
        timemory_pop_region(names[i]);
    }
    timemory_pop_region("bench-root");
    double record = now_s() - t0;

    /* stdout of the report (one blank line per component) is not the benchmark's */
    fflush(stdout);
    FILE* saved = stdout;
    stdout      = fopen("/dev/null", "w");
    double best = 1e30;
    for(int round = 0; round < 3; ++round)
    {
        double t = timed_report(rank);
        if(t < best) best = t;
    }
    double with_files = 0;
    if(files)
    {
        timemory_settings_set_bool("file_output", true);
        timemory_settings_set_bool("text_output", true);
        timemory_settings_set_bool("flamegraph_output", false);
        timemory_settings_set_string("output_path", files);
        with_files = timed_report(rank);
    }
    fclose(stdout);
    stdout = saved;
    if(rank == 0)
        printf("aggregate ranks=%d nodes=%ld record_s=%.4f report_s=%.4f report_files_s=%.4f\n",
               size, nodes + 1, record, best, with_files);
    for(long i = 0; i < nodes; ++i) free(names[i]);
    free(names);
    MPI_Finalize();
    return 0;
}
