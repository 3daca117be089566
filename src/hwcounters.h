/* hwcounters.h -- hardware counters, private API (src/hwcounters.c and its two backends).
 *
 * One process-wide event list (tm__hwc_configure), counted per thread by one backend: PAPI
 * (libpapi loaded at run time, src/hwc_papi.c) where it loads and has a working CPU
 * component, else Linux perf_event_open (src/hwc_perf_event.c). tm__hwc_read is the hot path:
 * this thread's counters, opened lazily at its first call, then one read of a grouped perf fd
 * (or one PAPI_read) per sample, no lock, no allocation. */
#ifndef TM_HWCOUNTERS_H
#define TM_HWCOUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TM_HWC_MAX_EVENTS 32
#define TM_HWC_NAME_LEN   128

/* Parses a comma/semicolon/space separated event list and makes it the one every thread counts
 * (threads reopen their counters at their next read). Each event this machine lacks or nobody
 * knows is one warning naming it (none with settings.papi_quiet) and is left out; with
 * fail_on_error the first such event is an error instead (TIMEMORY_EUNKNOWN for an unknown
 * name, TIMEMORY_EUNAVAILABLE for one that cannot be counted here) and the list in effect does
 * not change. Returns the number of events counted, or a negative error. Thread-safe; not on
 * the hot path. NULL or "" = no events. */
int tm__hwc_configure(const char* list, bool fail_on_error);

/* tm__hwc_configure(settings.papi_events, settings.papi_fail_on_error): what papi_vector and
 * papi_array start from. */
int tm__hwc_configure_from_settings(void);

/* The list in effect (names as written in the list). */
int         tm__hwc_nevents(void);
const char* tm__hwc_event_name(int i);  /* NULL when out of range */
const char* tm__hwc_event_units(int i); /* "ns" for task-clock/cpu-clock, else "" */
/* "papi" or "perf_event" after a configure that could use one, else NULL. */
const char* tm__hwc_backend(void);
/* Why PAPI is not used (or why no backend is), or NULL when PAPI is in use. */
const char* tm__hwc_unavailable_reason(void);

/* This thread's counts since its counters were opened, values[0..n-1] in list order; returns
 * n, or a negative error (also recorded with tm__set_error). The first call on a thread (and
 * the first after a configure) opens the counters. */
int tm__hwc_read(int64_t* values);
/* Closes this thread's counters (done by itself at thread exit; a forked child reopens). */
void tm__hwc_thread_stop(void);
/* PAPI runs one event set per thread at a time, so a probe on a thread whose set is counting
 * fails (PAPI_EISRUN): pause stops that set, keeping its counts so far, and returns whether
 * it did (the probe then retries); resume starts it again at once, its reads adding the kept
 * counts, so a region open across a probe measures on (all but the microseconds between). */
bool tm__hwc_papi_pause_running(void);
void tm__hwc_papi_resume_paused(void);
/* PAPI overflows seen by this thread (settings.papi_overflow > 0 with PAPI). */
uint64_t tm__hwc_overflows(void);

/* Which backend configure picks: "auto" (default; or $TIMEMORY_HWCOUNTERS_BACKEND), "papi",
 * "perf_event". TIMEMORY_EINVAL for another name. */
int tm__hwc_set_backend(const char* name);

/* ---- the backends (hwc_perf_event.c, hwc_papi.c), for hwcounters.c only ----------------- */

/* One event resolved by a backend. */
typedef struct tm__hwc_event {
    char     name[TM_HWC_NAME_LEN]; /* as written */
    char     units[16];
    uint32_t type;      /* perf: attr.type */
    uint64_t config;    /* perf: attr.config */
    int      user_only; /* perf: exclude_kernel/exclude_hv needed (perf_event_paranoid) */
    int      papi_code; /* papi: event code */
} tm__hwc_event;

/* perf_event: resolves name (perf names, perf::NAME, PERF_COUNT_* and a few PAPI presets);
 * 0 when known, TIMEMORY_EUNKNOWN otherwise. */
int tm__hwc_perf_resolve(const char* name, tm__hwc_event* ev);
/* Opens ev alone on this thread and closes it: 0, or -errno (why in why[len]). Sets
 * ev->user_only when only user-space counting is allowed. */
int tm__hwc_perf_probe(tm__hwc_event* ev, char* why, int len);
/* A thread's perf_event counters: one group per kind of PMU among the events (hardware,
 * task-clock, cpu-clock, the other software events: the kernel does not count a sibling of
 * another software PMU until the next context switch), each read with one read(); with
 * multiplex, one group per event. */
typedef struct tm__hwc_perf_set {
    int     n;
    int     ngroups;
    int     fds[TM_HWC_MAX_EVENTS];   /* in group order */
    uint8_t order[TM_HWC_MAX_EVENTS]; /* group order -> list index */
    uint8_t start[TM_HWC_MAX_EVENTS]; /* group g: order[start[g]] .. + count[g] - 1 */
    uint8_t count[TM_HWC_MAX_EVENTS];
} tm__hwc_perf_set;
/* Opens evs[0..n-1] for this thread. 0 or -errno. */
int tm__hwc_perf_open(const tm__hwc_event* evs, int n, bool multiplex, tm__hwc_perf_set* set);
/* Reads the n counts in list order (scaled when the kernel multiplexed them); buf holds
 * 3 + n u64. Returns n or TIMEMORY_EIO. */
int  tm__hwc_perf_read(const tm__hwc_perf_set* set, uint64_t* buf, int64_t* values);
void tm__hwc_perf_close(tm__hwc_perf_set* set);
/* The perf_event names known (canonical name, description, units); count returned. */
int tm__hwc_perf_known(int i, const char** name, const char** description, const char** units);

/* PAPI: loads and initializes libpapi once; 0 when usable (a CPU component enabled), else
 * TIMEMORY_EUNAVAILABLE and why in tm__hwc_papi_reason(). */
int         tm__hwc_papi_load(void);
const char* tm__hwc_papi_reason(void);
int         tm__hwc_papi_resolve(const char* name, tm__hwc_event* ev, char* why, int len);
int         tm__hwc_papi_probe(const tm__hwc_event* ev, char* why, int len);
/* This thread's event set: created, filled, started; *set receives it. 0 or TIMEMORY_*. */
int  tm__hwc_papi_open(const tm__hwc_event* evs, int n, bool multiplex, int overflow, int* set,
                       uint64_t* overflow_counter, char* why, int len);
int  tm__hwc_papi_read(int set, int n, long long* buf, int64_t* values);
void tm__hwc_papi_close(int* set);
/* PAPI_register_thread / PAPI_unregister_thread where settings.papi_threading is on. */
void tm__hwc_papi_thread_register(void);
void tm__hwc_papi_thread_unregister(void);
/* For the PAPI backend, from hwcounters.c: registers the calling thread with PAPI once (PAPI
 * 7 with thread support crashes looking an event up on an unregistered thread); it is
 * unregistered when the thread exits. false when out of memory. */
bool tm__hwc_papi_thread_ready(void);
/* Calls fn for every PAPI preset and native event of an enabled component; count returned.
 * available: PAPI says it exists here and it could be added and started. */
int tm__hwc_papi_list(void (*fn)(void* arg, const char* name, const char* description,
                                 const char* units, bool available),
                      void* arg);
/* Offsets of the PAPI struct fields read (event info: short_descr, long_descr,
 * component_index, units; component info: disabled_reason, disabled): the tests compare them
 * with papi.h. */
void tm__hwc_papi_layout(size_t offsets[6]);

#endif
