/* timemory/hwcounters.h -- hardware counters: what this machine can count and counting it.
 *
 * Two backends, chosen at run time: PAPI (libpapi.so, loaded with dlopen when installed and
 * its perf_event component works) and Linux perf_event_open. Event names: PAPI presets
 * (PAPI_TOT_CYC), PAPI native events (perf::TASK-CLOCK) and perf's names (cycles,
 * instructions, cache-misses, branch-misses, task-clock, page-faults, context-switches,
 * cpu-migrations, minor-faults, major-faults, ...); the perf_event backend also takes the
 * perf::NAME spelling and the presets that are one generic event (PAPI_TOT_CYC, PAPI_TOT_INS,
 * PAPI_BR_INS, PAPI_BR_MSP, PAPI_REF_CYC). $TIMEMORY_HWCOUNTERS_BACKEND = auto (default),
 * papi or perf_event picks one. */
#ifndef TIMEMORY_HWCOUNTERS_H
#define TIMEMORY_HWCOUNTERS_H

#include "timemory/timemory.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One event known to a backend. Strings live as long as the process. */
typedef struct timemory_hwcounter_info {
    const char* name;
    const char* description;
    const char* units;     /* "" for counts, "ns" for task-clock/cpu-clock */
    const char* backend;   /* "papi" or "perf_event" */
    bool        available; /* opened and started on this machine, by this process */
} timemory_hwcounter_info;

/* Every event known (PAPI presets and native events when libpapi loads, then perf_event's
 * names), each really tested by opening it (the first call does that, later calls copy):
 * fills out[0..min(count, capacity)-1] and returns the count (capacity 0 to size). */
TIMEMORY_API int timemory_hwcounters_list(timemory_hwcounter_info* out, int capacity);

/* Makes list (comma/semicolon/space separated) the events every thread counts: each event this
 * machine lacks is one warning and left out, or with fail_on_error the first is an error
 * (TIMEMORY_EUNKNOWN / TIMEMORY_EUNAVAILABLE) and nothing changes. Returns the number of
 * events counted or a negative error. */
TIMEMORY_API int         timemory_hwcounters_configure(const char* list, bool fail_on_error);
TIMEMORY_API int         timemory_hwcounters_count(void);
TIMEMORY_API const char* timemory_hwcounters_name(int i);
TIMEMORY_API const char* timemory_hwcounters_units(int i);
/* "papi" or "perf_event" once configured, else NULL. */
TIMEMORY_API const char* timemory_hwcounters_backend(void);
/* Why PAPI is not the backend (NULL when it is). */
TIMEMORY_API const char* timemory_hwcounters_reason(void);
/* This thread's counts since its counters opened (at its first read): values[0..count-1];
 * returns count or a negative error. One read() per call, no lock, no allocation. */
TIMEMORY_API int timemory_hwcounters_read(int64_t* values);
/* The perf_event attr.type and attr.config of name (perf's names, perf::NAME, PERF_COUNT_*,
 * the presets that are one generic event): 0, or TIMEMORY_EUNKNOWN. For tools that count
 * another process (timem counts its command with them). */
TIMEMORY_API int timemory_hwcounters_perf_code(const char* name, uint32_t* type, uint64_t* config);

#ifdef __cplusplus
}
#endif

#endif
