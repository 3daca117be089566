/* ranks.h -- MPI as the library sees it: the plugin's state and collectives (mpi.c) and
 * every rank's data gathered and merged at rank 0 (ranks.c), with the result-tree helpers
 * the merge shares with result.c.
 * Private (src/ only), included by internal.h, whose types it uses: include internal.h.
 */
#ifndef TIMEMORY_SRC_RANKS_H
#define TIMEMORY_SRC_RANKS_H
/* MPI is initialized and not finalized (the plugin is loaded only when the process has an MPI
 * library); rank and size of MPI_COMM_WORLD, 0 and 1 otherwise. */
bool tm__mpi_active(int* rank, int* size);
/* Rank and size as last seen while MPI was active (size > 1); no lock, no MPI call. */
bool tm__mpi_last_seen(int* rank, int* size);
/* MPI was finalized before timemory could gather: rank/size as last seen, or from the
 * launcher's environment when timemory never saw MPI active (size > 1). */
bool tm__mpi_finalized_unseen(int* rank, int* size);
/* Collective: every rank's bytes to rank 0 (*all end to end, *lens one per rank; NULL on
 * other ranks). TIMEMORY_EIO (with a warning) when MPI fails. */
int           tm__mpi_gather(const char* data, size_t len, char** all, size_t** lens);
extern size_t tm__mpi_gather_chunk; /* bytes per message above which pieces travel (0: INT_MAX) */

/* Every rank's data at rank 0 (ranks.c). */
typedef struct tm__ranks {
    int            rank;
    int            size;
    tm__proc_data* procs; /* rank 0: one per rank, by rank (ncomps 0 when one was lost) */
    int            comps[TM_COMP_CAP]; /* components any rank has: rank 0's order, then new ones */
    int            ncomps;
} tm__ranks;
/* Collective: packs this process's data and gathers every rank's at rank 0, which decodes
 * them (out->procs stays NULL on other ranks). */
int  tm__ranks_gather(tm__ranks* out);
void tm__ranks_free(tm__ranks* r);
/* At rank 0: comp over every rank, as collapse_processes and node_count say (parts, prefixes
 * "|<rank>" or "|<first>:<last>", rank statistics of merged entries). TIMEMORY_ENOTFOUND
 * when no rank has data of comp. */
int tm__result_build_ranks(int comp, tm__ranks* ranks, tm__result* out);
/* Flattens the children of root into r's entries (pre-order, prefixes "<part>>>> ...");
 * *cap is the entries allocated (0 at first). The entries added, or -1 when out of memory. */
long tm__result_append_tree(tm__result* r, size_t* cap, const tm__rnode* root, const char* part);
/* The child of parent with (id, key), or NULL; indexes parent's children when it has many. */
tm__rnode* tm__rnode_find_child(tm__rnode* parent, uint64_t id, uint64_t key);

#endif
