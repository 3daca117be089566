/* mpip.h -- libtimemory-mpip: timing of MPI calls through the standard PMPI profiling
 * interface (installed with the library when timemory is built with MPI).
 *
 * The library defines MPI_Send, MPI_Allreduce, ... (timemory_mpip_function_name lists them):
 * each pushes a node named after the function ("MPI_Allreduce") onto the calling thread's
 * call-graph, calls PMPI_<name> and pops, so MPI calls nest under the region that made them.
 * Use it by linking it before MPI (`-ltimemory-mpip -ltimemory` before `-lmpi`, or pkg-config
 * timemory-mpip) or by preloading it (`mpirun -np 4 env LD_PRELOAD=<prefix>/lib/
 * libtimemory-mpip.so ./app`). Linked or preloaded it starts when loaded; set
 * TIMEMORY_MPIP_AUTOSTART=OFF to start it yourself with timemory_start_mpip(). Loaded into a
 * running Python interpreter it waits for timemory.mpi_support.enable_mpip() / start_mpip().
 *
 * Components: TIMEMORY_MPIP_COMPONENTS, else trace_components, profiler_components, else the
 * defaults of timemory_push_region (components, global_components, wall_clock); resolved at
 * the first wrapped call after each start. Which functions are recorded is decided at each
 * start from TIMEMORY_MPIP_PERMIT_LIST (when set, only these) and TIMEMORY_MPIP_REJECT_LIST
 * (never these): names separated by ';', ',' or spaces, case-insensitive, "MPI_" optional.
 */
#ifndef TIMEMORY_MPIP_H
#define TIMEMORY_MPIP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#    define TIMEMORY_MPIP_API __attribute__((visibility("default")))
#else
#    define TIMEMORY_MPIP_API
#endif

/* Starts recording MPI calls (re-reading the permit/reject lists) and returns the id of this
 * start (> 0), or 0 when it could not start. Starts nest: recording goes on until every id is
 * stopped. */
TIMEMORY_MPIP_API uint64_t timemory_start_mpip(void);
/* Stops the start with this id; returns how many starts remain (0: no longer recording). An
 * id that is not active changes nothing. */
TIMEMORY_MPIP_API uint64_t timemory_stop_mpip(uint64_t id);
/* The id of the start made when the library was loaded (linked or preloaded), or 0. */
TIMEMORY_MPIP_API uint64_t timemory_mpip_autostart_id(void);

/* Redirects references to the wrapped MPI functions that objects loaded before this library
 * have already bound to the MPI library (their GOT entries) to the wrappers: needed when the
 * library is loaded after the code that calls MPI (dlopen, e.g. after `from mpi4py import
 * MPI`). Objects that define the functions themselves (the MPI library) are left alone.
 * Returns the number of references rewritten, or a negative TIMEMORY_E* code
 * (TIMEMORY_EUNAVAILABLE on an architecture it does not know, TIMEMORY_EIO when a page could
 * not be made writable). */
TIMEMORY_MPIP_API int timemory_mpip_redirect(void);

/* The wrapped functions: count, and the name of each ("MPI_Allreduce"); NULL out of range. */
TIMEMORY_MPIP_API int         timemory_mpip_function_count(void);
TIMEMORY_MPIP_API const char* timemory_mpip_function_name(int index);
/* 1 when calls to name (as in the permit list) are recorded now, 0 when not, negative
 * TIMEMORY_EUNKNOWN when name is not a wrapped function. */
TIMEMORY_MPIP_API int timemory_mpip_is_recording(const char* name);

#ifdef __cplusplus
}
#endif
#endif /* TIMEMORY_MPIP_H */
