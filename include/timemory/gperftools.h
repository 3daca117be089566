/* gperftools.h -- the gperftools_cpu_profiler and gperftools_heap_profiler components' switch.
 *
 * Regions pushed with either component in their set switch the profiler themselves (the
 * outermost one starts it, its pop stops it); these functions do the same for callers without
 * a region (the Python component objects). gperftools is found at run time (src/gperftools.c):
 * timemory_component_get_info says why a component is unavailable.
 */
#ifndef TIMEMORY_GPERFTOOLS_H
#define TIMEMORY_GPERFTOOLS_H

#include <stdbool.h>

#include "timemory/timemory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether id is TIMEMORY_GPERFTOOLS_CPU_PROFILER or TIMEMORY_GPERFTOOLS_HEAP_PROFILER. */
TIMEMORY_API bool timemory_gperftools_component(int id);
/* One more user of the profiler: the first starts it, writing
 * <output_path>/<output_prefix><name>_<n>.dat (the heap profiler: that prefix + .NNNN.heap).
 * TIMEMORY_EINVAL for another id, TIMEMORY_EUNAVAILABLE without gperftools, TIMEMORY_EIO when
 * it could not start. */
TIMEMORY_API int timemory_gperftools_start(int id);
/* One user less: the last one flushes (heap: dumps) and stops the profile. */
TIMEMORY_API int timemory_gperftools_stop(int id);
/* Whether this process's profile of id is being written. */
TIMEMORY_API bool timemory_gperftools_running(int id);

#ifdef __cplusplus
}
#endif

#endif /* TIMEMORY_GPERFTOOLS_H */
