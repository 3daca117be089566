/* mallocp.h -- memory allocations per region: the malloc_gotcha component's events.
 *
 * Owns the C API of allocation tracking (src/events.c): start/stop with activation counting,
 * and the entry point through which the allocation hooks report one call. The hooks are the
 * interposer library libtimemory-mallocp.so (plugins/mallocp/: malloc, calloc, realloc, free,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc, reallocarray of a C program,
 * preloaded or linked) and, in Python, the PyMem_SetAllocator hooks of the extension.
 *
 * What is recorded: each call is one lap of malloc_gotcha in a child of the calling thread's
 * current region named after the function ("malloc", "calloc", ...), its value the bytes of
 * the call -- the bytes asked for by an allocation (nelem * size for calloc, the new size for
 * realloc) and, for free, the bytes of the block released (the allocator's usable size in C,
 * the size asked for in Python). Regions above such an entry carry an empty malloc_gotcha
 * record (no laps, 0 bytes), so the malloc_gotcha table keeps the call-graph that leads to it.
 */
#ifndef TIMEMORY_MALLOCP_H
#define TIMEMORY_MALLOCP_H

#include "timemory/timemory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The functions tracked: the entry named after each. */
#define TIMEMORY_ALLOC_FUNCTIONS(X)                                                                \
    X(TIMEMORY_ALLOC_MALLOC, "malloc")                                                             \
    X(TIMEMORY_ALLOC_CALLOC, "calloc")                                                             \
    X(TIMEMORY_ALLOC_REALLOC, "realloc")                                                           \
    X(TIMEMORY_ALLOC_FREE, "free")                                                                 \
    X(TIMEMORY_ALLOC_POSIX_MEMALIGN, "posix_memalign")                                             \
    X(TIMEMORY_ALLOC_ALIGNED_ALLOC, "aligned_alloc")                                               \
    X(TIMEMORY_ALLOC_MEMALIGN, "memalign")                                                         \
    X(TIMEMORY_ALLOC_VALLOC, "valloc")                                                             \
    X(TIMEMORY_ALLOC_PVALLOC, "pvalloc")                                                           \
    X(TIMEMORY_ALLOC_REALLOCARRAY, "reallocarray")

#define TIMEMORY_ALLOC_ENUM(name, label) name,
typedef enum timemory_alloc_function {
    TIMEMORY_ALLOC_FUNCTIONS(TIMEMORY_ALLOC_ENUM) TIMEMORY_ALLOC_COUNT
} timemory_alloc_function;
#undef TIMEMORY_ALLOC_ENUM

/* Starts recording; returns this start's id (> 0; 0 when it could not start). Starts nest:
 * recording goes on until every id is stopped. */
TIMEMORY_API uint64_t timemory_start_mallocp(void);
/* Stops the start id; returns the starts still active (0: recording has stopped). An unknown
 * id changes nothing. */
TIMEMORY_API uint64_t timemory_stop_mallocp(uint64_t id);
/* The starts active now. */
TIMEMORY_API uint64_t timemory_mallocp_count(void);
/* "malloc", "calloc", ... (NULL for an index out of range). */
TIMEMORY_API const char* timemory_alloc_function_name(int function);

/* One call of function with bytes: one lap of malloc_gotcha in the entry named after function
 * under the calling thread's current region. TIMEMORY_EDISABLED (nothing recorded) when not
 * started, paused, finalizing or held (below); TIMEMORY_EINVAL for a function out of range.
 * After the entry's first call no allocation, lock or string: a hash lookup and the record. */
TIMEMORY_API int timemory_alloc_event(int function, size_t bytes);

/* Nonzero while started (read with a relaxed load: what a hook checks first). */
TIMEMORY_API extern int timemory_mallocp_active;
/* The calling thread's hold: while nonzero, events of this thread are not recorded. The
 * library holds it while it changes a call-graph or holds its locks (so an allocation it
 * makes never re-enters it), a hook holds it while it calls the allocator it wraps (so an
 * allocation made inside counts once: a Python object allocator that asks malloc for its
 * memory is not counted again by the C interposer), and a thread that is ending keeps it. */
TIMEMORY_API extern __thread unsigned timemory_alloc_hold TIMEMORY_TLS_IE;

/* What a hook calls after a successful allocation: the two checks inline, the event out of
 * line. */
static inline void timemory_alloc_note(int function, size_t bytes)
{
    if(__builtin_expect(__atomic_load_n(&timemory_mallocp_active, __ATOMIC_RELAXED) != 0, 0) &&
       timemory_alloc_hold == 0)
        (void)timemory_alloc_event(function, bytes);
}

#ifdef __cplusplus
}
#endif

#endif /* TIMEMORY_MALLOCP_H */
