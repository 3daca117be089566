/* mpi_support.h -- MPI in libtimemory's public C API.
 *
 * libtimemory never links MPI. When the process has MPI (a program linked with it, mpi4py, or
 * timemory_mpi_init), libtimemory loads its plugin libtimemory-mpi.so from the folder of
 * libtimemory.so (or the file named by TIMEMORY_MPI_PLUGIN) and then, at output, gathers every
 * rank's data to rank 0, which alone writes (collapse_processes, node_count). Output is then a
 * collective: timemory_finalize and timemory_report must be called by every rank, or by none
 * (MPI_Finalize runs timemory_finalize itself when the program did not call it).
 * Without the plugin or without MPI every function below answers for a single process.
 */
#ifndef TIMEMORY_MPI_SUPPORT_H
#define TIMEMORY_MPI_SUPPORT_H

#include "timemory/timemory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The plugin is installed and loads (this loads the MPI library into the process). */
TIMEMORY_API bool timemory_mpi_supported(void);
/* Why MPI cannot be used (plugin missing, another MPI library, ...), NULL when it can. */
TIMEMORY_API const char* timemory_mpi_unavailable_reason(void);
/* Looks for MPI in the process and, when it is initialized, arranges that MPI_Finalize first
 * finalizes timemory (timemory_init calls it; call it after MPI_Init when timemory was
 * initialized before). True when MPI is initialized and not finalized. */
TIMEMORY_API bool timemory_mpi_notice(void);
/* MPI is initialized and not finalized (loads nothing when the process has no MPI). */
TIMEMORY_API bool timemory_mpi_is_active(void);
/* Rank and size in MPI_COMM_WORLD; 0 and 1 when MPI is not active. */
TIMEMORY_API int timemory_mpi_rank(void);
TIMEMORY_API int timemory_mpi_size(void);
/* MPI_Init_thread with the level of the mpi_thread_type setting when mpi_thread is true
 * (MPI_Init when that fails), else MPI_Init; nothing when MPI is already initialized.
 * argc/argv may be NULL. TIMEMORY_EUNAVAILABLE without MPI support (see
 * timemory_mpi_unavailable_reason), TIMEMORY_EIO when MPI reports an error. */
TIMEMORY_API int timemory_mpi_init(int* argc, char*** argv);
/* MPI_Finalize (timemory finalizes first, inside it); nothing when MPI is not active. */
TIMEMORY_API int timemory_mpi_finalize(void);
TIMEMORY_API int timemory_mpi_barrier(void);
/* Descriptions: "library" (the MPI library in the process), "exe" (mpiexec found at build
 * time), "c" (the MPI C compiler, include directories and libraries of the build), "cxx",
 * "version" (MPI standard), "path" (the MPI library file). Static text; "MPI not supported"
 * without MPI support. */
TIMEMORY_API const char* timemory_mpi_info(const char* what);
/* fn(arg) runs inside MPI_Finalize just before timemory finalizes there (the Python
 * extension stops the profiler and tracer this way). NULL removes it. */
TIMEMORY_API void timemory_mpi_set_finalize_callback(void (*fn)(void*), void* arg);

#ifdef __cplusplus
}
#endif

#endif /* TIMEMORY_MPI_SUPPORT_H */
