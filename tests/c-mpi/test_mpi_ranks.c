/* test_mpi_ranks.c -- the MPI side of output, under mpirun (scripts/test.sh runs it with 4
 * ranks, plain and under the sanitizers): libtimemory finds its plugin once MPI is initialized;
 * the gather brings every rank's bytes (different sizes, one rank sending none) to rank 0, as
 * one MPI_Gatherv and in pieces; every rank's measurements (exact, from an injected clock)
 * arrive at rank 0 and merge with their statistics over the ranks; MPI_Finalize finalizes
 * timemory (the hook on MPI_COMM_SELF) on every rank. Exit status 0 only when every check of
 * every rank passed. Links libtimemory's objects (internal functions). */
#include "internal.h"
#include "timemory/mpi_support.h"

#include <math.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

static int tm_failures;
static int tm_rank;

#define CHECK(cond)                                                                                \
    do                                                                                             \
    {                                                                                              \
        if(!(cond))                                                                                \
        {                                                                                          \
            fprintf(stderr, "rank %d: %s:%d: CHECK(%s) failed\n", tm_rank, __FILE__, __LINE__,     \
                    #cond);                                                                        \
            ++tm_failures;                                                                         \
        }                                                                                          \
    } while(0)

static void tm_check_gather(int size, size_t chunk)
{
    tm__mpi_gather_chunk = chunk;
    /* rank r sends 1000 r + 3 bytes (rank 1: none), byte i = (r * 31 + i) mod 251 */
    size_t len  = tm_rank == 1 ? 0 : (size_t)tm_rank * 1000 + 3;
    char*  mine = malloc(len + 1);
    for(size_t i = 0; i < len; ++i) mine[i] = (char)((tm_rank * 31 + i) % 251);
    char*   all  = NULL;
    size_t* lens = NULL;
    CHECK(tm__mpi_gather(mine, len, &all, &lens) == TIMEMORY_OK);
    if(tm_rank != 0)
        CHECK(all == NULL && lens == NULL);
    else if(all && lens)
    {
        size_t at = 0;
        for(int r = 0; r < size; ++r)
        {
            size_t want = r == 1 ? 0 : (size_t)r * 1000 + 3;
            CHECK(lens[r] == want);
            for(size_t i = 0; i < lens[r] && i < want; ++i)
                if(all[at + i] != (char)((r * 31 + i) % 251))
                {
                    CHECK(!"the bytes of a rank differ");
                    break;
                }
            at += lens[r];
        }
    }
    free(all);
    free(lens);
    free(mine);
    tm__mpi_gather_chunk = 0;
}

static int64_t tm_now;
static int64_t tm_reader(int comp, int idx)
{
    (void)comp;
    return idx == 0 ? tm_now : 0;
}

/* rank r: "m-step" r + 1 times, 10 ns each, under "m-outer" */
static void tm_record(void)
{
    const timemory_components_t wall  = TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    uint64_t                    outer = timemory_add_hash_id("m-outer");
    uint64_t                    step  = timemory_add_hash_id("m-step");
    tm__set_test_reader(tm_reader);
    tm__fast_wall = false;
    timemory_push(outer, wall, TIMEMORY_SCOPE_TREE);
    for(int i = 0; i <= tm_rank; ++i)
    {
        timemory_push(step, wall, TIMEMORY_SCOPE_TREE);
        tm_now += 10;
        timemory_pop(step);
    }
    timemory_pop(outer);
    tm__set_test_reader(NULL);
    tm__fast_wall = true;
}

static void tm_check_results(int size)
{
    tm__ranks ranks;
    CHECK(tm__ranks_gather(&ranks) == TIMEMORY_OK);
    CHECK(ranks.rank == tm_rank && ranks.size == size);
    if(tm_rank != 0)
    {
        CHECK(ranks.procs == NULL);
        tm__ranks_free(&ranks);
        return;
    }
    CHECK(ranks.procs != NULL && ranks.ncomps == 1 && ranks.comps[0] == TIMEMORY_WALL_CLOCK);
    tm__result r;
    if(!ranks.procs || tm__result_build_ranks(TIMEMORY_WALL_CLOCK, &ranks, &r) != TIMEMORY_OK)
    {
        CHECK(!"no merged result");
        tm__ranks_free(&ranks);
        return;
    }
    long long steps = (long long)size * (size + 1) / 2;
    CHECK(r.nentries == 2 && (r.rank_stats != NULL) == (size > 1)); /* one rank: no statistics */
    if(r.nentries == 2)
    {
        CHECK(strcmp(r.entries[1].prefix, ">>> |_m-step") == 0);
        CHECK((long long)r.entries[1].laps == steps);
        CHECK(r.entries[1].accum[0] == 10 * steps);
    }
    if(r.nentries == 2 && r.rank_stats)
    {
        CHECK(r.rank_stats[1].nranks == size);
        CHECK(r.rank_stats[1].min_rank == 0 && r.rank_stats[1].max_rank == size - 1);
        CHECK(fabs(r.rank_stats[1].max[0] - (double)(10 * size) * 1e-9) < 1e-18);
    }
    CHECK(r.mpi_size == size);
    tm__result_free(&r);
    tm__ranks_free(&ranks);
}

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    int size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &tm_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* the program links MPI: libtimemory loads its plugin and sees every rank */
    timemory_settings_set_bool("auto_output", false);
    CHECK(timemory_init(argc, argv) == TIMEMORY_OK);
    CHECK(timemory_mpi_is_active());
    CHECK(timemory_mpi_rank() == tm_rank && timemory_mpi_size() == size);
    CHECK(timemory_mpi_supported() && timemory_mpi_unavailable_reason() == NULL);
    CHECK(strstr(timemory_mpi_info("library"), "MPI") != NULL);
    CHECK(strstr(timemory_mpi_info("c"), "MPI_C_COMPILER") != NULL);

    tm_check_gather(size, 0); /* one MPI_Gatherv */
    tm_check_gather(size, 7); /* pieces of 7 bytes, point to point */

    tm_record();
    tm_check_results(size);

    /* MPI_Finalize finalizes timemory first (the MPI_COMM_SELF attribute) */
    CHECK(!timemory_is_finalized());
    int failures = tm_failures, total = 0;
    MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Finalize();
    CHECK(timemory_is_finalized());
    CHECK(!timemory_mpi_is_active());
    total += tm_failures;
    if(tm_rank == 0) printf("test_mpi_ranks: %d ranks, %s\n", size, total ? "FAILED" : "ok");
    return total ? EXIT_FAILURE : EXIT_SUCCESS;
}
