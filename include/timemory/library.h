/* library.h -- the C library API under the original toolkit's names (spec NOTES.md §7):
 * library init/finalize, records, regions, the throttled trace interface and hash ids.
 * Built on timemory.h; component integer ids are the enum values of timemory/components.h
 * and variadic lists end with TIMEMORY_COMPONENTS_END.
 */
#ifndef TIMEMORY_LIBRARY_H
#define TIMEMORY_LIBRARY_H

#include "timemory/timemory.h"

#ifdef __cplusplus
extern "C" {
#endif

TIMEMORY_API void timemory_init_library(int argc, char** argv);
TIMEMORY_API void timemory_named_init_library(char* name);
TIMEMORY_API bool timemory_library_is_initialized(void);
TIMEMORY_API void timemory_finalize_library(void);

TIMEMORY_API void timemory_set_default(const char* components);
TIMEMORY_API void timemory_set_environ(const char* var, const char* value, int overwrite,
                                       int reparse);
TIMEMORY_API void timemory_add_components(const char* components);
TIMEMORY_API void timemory_remove_components(const char* components);
TIMEMORY_API void timemory_push_components(const char* components);
TIMEMORY_API void timemory_push_components_enum(int component, ...);
TIMEMORY_API void timemory_pop_components(void);

/* Records: begin pushes and starts; end stops and pops. Ids come from timemory_get_unique_id.
 * begin_record sets *id to UINT64_MAX when disabled. */
TIMEMORY_API uint64_t timemory_get_unique_id(void);
TIMEMORY_API void     timemory_begin_record(const char* name, uint64_t* id);
TIMEMORY_API void timemory_begin_record_types(const char* name, uint64_t* id, const char* comps);
TIMEMORY_API void timemory_begin_record_enum(const char* name, uint64_t* id, ...);
TIMEMORY_API uint64_t timemory_get_begin_record(const char* name);
TIMEMORY_API uint64_t timemory_get_begin_record_types(const char* name, const char* comps);
TIMEMORY_API uint64_t timemory_get_begin_record_enum(const char* name, ...);
TIMEMORY_API void     timemory_end_record(uint64_t id);
/* Same with a status code (0, or a negative TIMEMORY_E* code). */
TIMEMORY_API int timemory_begin_record_status(const char* name, timemory_components_t comps,
                                              uint64_t* id);
TIMEMORY_API int timemory_end_record_status(uint64_t id);

/* Regions (named stacks of records; not throttled). */
/* timemory_push_region / timemory_pop_region are declared in timemory.h. */

/* Trace interface: push/pop subject to throttling (throttle_count, throttle_value). */
TIMEMORY_API int  timemory_trace_init(const char* components, bool read_command_line,
                                      const char* command);
TIMEMORY_API int  timemory_trace_finalize(void);
TIMEMORY_API bool timemory_trace_is_initialized(void);
TIMEMORY_API void timemory_trace_set_env(const char* var, const char* value);
TIMEMORY_API int  timemory_push_trace(const char* name);
TIMEMORY_API int  timemory_pop_trace(const char* name);
TIMEMORY_API int  timemory_push_trace_hash(uint64_t id);
TIMEMORY_API int  timemory_pop_trace_hash(uint64_t id);
TIMEMORY_API bool timemory_is_throttled(const char* name);
TIMEMORY_API bool timemory_is_throttled_hash(uint64_t id);
TIMEMORY_API void timemory_reset_throttle(const char* name);

TIMEMORY_API void timemory_add_hash_ids(uint64_t n, uint64_t* ids, const char** names);

#ifdef __cplusplus
}
#endif
#endif /* TIMEMORY_LIBRARY_H */
