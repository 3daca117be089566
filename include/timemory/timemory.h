/* timemory.h -- the public C API of libtimemory.
 *
 * Owns: life cycle, regions (push/pop), stand-alone component measurements, the hash registry,
 * settings access, results as JSON/text and error codes. Every call that can fail returns a
 * negative TIMEMORY_E* code; timemory_strerror() names it. Nothing here touches Python.
 */
#ifndef TIMEMORY_TIMEMORY_H
#define TIMEMORY_TIMEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timemory/components.h"
#include "timemory/settings.h"
#include "timemory/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#    define TIMEMORY_API __attribute__((visibility("default")))
#else
#    define TIMEMORY_API
#endif

/* ---------------------------------------------------------------------------------------- */
/* Error codes: one table, negative values.                                                  */
#define TIMEMORY_ERRORS(X)                                                                         \
    X(TIMEMORY_OK, 0, "success")                                                                   \
    X(TIMEMORY_EINVAL, -1, "invalid argument")                                                     \
    X(TIMEMORY_ENOMEM, -2, "out of memory")                                                        \
    X(TIMEMORY_EUNKNOWN, -3, "unknown name")                                                       \
    X(TIMEMORY_ETYPE, -4, "wrong type for this setting")                                           \
    X(TIMEMORY_EVALUE, -5, "value cannot be parsed or is out of range")                            \
    X(TIMEMORY_EUNAVAILABLE, -6, "component is not available on this system")                      \
    X(TIMEMORY_EUNBALANCED, -7, "pop without a matching push")                                     \
    X(TIMEMORY_EIO, -8, "file could not be written or read")                                       \
    X(TIMEMORY_ENOTINIT, -9, "library is not initialized")                                         \
    X(TIMEMORY_EFINALIZED, -10, "library is already finalized")                                    \
    X(TIMEMORY_EDISABLED, -11, "timemory is disabled (paused)")                                    \
    X(TIMEMORY_ETHROTTLED, -12, "region is throttled")                                             \
    X(TIMEMORY_ERANGE, -13, "too many components, records or nesting levels")                      \
    X(TIMEMORY_ENOTFOUND, -14, "no such record or entry")                                          \
    X(TIMEMORY_EFORMAT, -15, "input is not timemory JSON")

enum timemory_error {
#define TIMEMORY_ERROR_ENUM(name, value, msg) name = value,
    TIMEMORY_ERRORS(TIMEMORY_ERROR_ENUM)
#undef TIMEMORY_ERROR_ENUM
};

/* Message for an error code ("unknown error" for codes not in the table). */
TIMEMORY_API const char* timemory_strerror(int code);

/* ---------------------------------------------------------------------------------------- */
/* Life cycle                                                                                */

/* Reads config files and TIMEMORY_* variables and sets the output folder from argv[0]
 * ("timemory-<basename>-output"). Idempotent; argc == 0 only re-parses the environment. */
TIMEMORY_API int timemory_init(int argc, char** argv);
/* Like timemory_init but with an explicit folder prefix and suffix (Python's initialize). */
TIMEMORY_API int  timemory_init_ex(int argc, char** argv, const char* prefix, const char* suffix);
TIMEMORY_API bool timemory_is_initialized(void);
/* Pops what is still pushed (stack_clearing), merges threads, writes every output once
 * (when auto_output), frees the data. Further pushes are ignored. Idempotent. */
TIMEMORY_API int  timemory_finalize(void);
TIMEMORY_API bool timemory_is_finalized(void);
/* Writes every output now, keeping the data. */
TIMEMORY_API int timemory_report(void);
/* Erases the data of the given components (0 = all) on every thread. */
TIMEMORY_API int timemory_clear(uint64_t components);

/* Child processes hand their data over to their parent, which merges it at finalize
 * (docs/architecture.md, "Threads, forks, exit"). A forked child does so by itself, at exit
 * (the setting child_output makes it also write its own output). A process the embedding
 * layer knows was started for parent_pid (multiprocessing's spawn), attaches to it: the
 * parent is found through the TIMEMORY_HANDOFF variable the parent's library set; parent_pid
 * 0 = the parent it already hands off to. REGISTER: registers now, so that the parent counts
 * it as lost if it dies before its last hand-off (a fork that may be followed by exec must
 * not). RELAY: a process that only forks workers for parent_pid (multiprocessing's
 * forkserver): its fork children hand off to parent_pid, it never does. A forked child that
 * goes on running (no exec) calls it too (parent_pid 0): the processes it starts then find it
 * as their parent. TIMEMORY_ENOTFOUND when parent_pid is not this process's timemory parent
 * (or it has finalized). */
#define TIMEMORY_HANDOFF_REGISTER 1u
#define TIMEMORY_HANDOFF_RELAY    2u
TIMEMORY_API int timemory_handoff_attach(long parent_pid, unsigned flags);
/* A child hands over everything measured so far now (each hand-off replaces the previous
 * one); TIMEMORY_ENOTFOUND when it is not a child or its parent has finalized or ended. */
TIMEMORY_API int timemory_handoff(void);
/* The pid of the parent this process hands off to, 0 when none. */
TIMEMORY_API long timemory_handoff_parent(void);

/* enabled setting: paused means pushes record nothing (their pops are silent no-ops, see
 * timemory_push); pops of pushes made before the pause still record. */
TIMEMORY_API void timemory_pause(void);
TIMEMORY_API void timemory_resume(void);
TIMEMORY_API bool timemory_is_enabled(void);
/* Address of the enabled flag, for callers that check it on every call without a function
 * call (the Python decorators). Read it; change it only through pause/resume. */
TIMEMORY_API const volatile bool* timemory_enabled_flag(void);

/* getrusage target: RUSAGE_THREAD (default), RUSAGE_SELF or RUSAGE_CHILDREN. */
TIMEMORY_API void timemory_set_rusage_self(void);
TIMEMORY_API void timemory_set_rusage_children(void);
TIMEMORY_API void timemory_set_rusage_thread(void);

/* Sticky error state of the hot path: the number of failed pushes/pops (and hook calls, see
 * timemory_note_error) since the last call, and the first one's code. Reading it resets it.
 * timemory_finalize, timemory_report and timemory_get_json/_text report what is there (one
 * warning on stderr with the count and the first error) and reset it. */
TIMEMORY_API int timemory_take_errors(int* first_code);
/* Counts a failure of code layered on the library (a language binding's hook that could not
 * record an event) in the same sticky state; no effect for TIMEMORY_OK. */
TIMEMORY_API void timemory_note_error(int code);

/* ---------------------------------------------------------------------------------------- */
/* Keys: 64-bit hashes of label strings, registered once.                                   */

/* Hash of a string (libstdc++ std::hash compatible, MurmurHash64A seed 0xc70f6907). */
TIMEMORY_API uint64_t timemory_get_hash(const char* key);
TIMEMORY_API uint64_t timemory_get_hash_n(const char* key, size_t len);
/* Registers key and returns its hash. Thread-safe. */
TIMEMORY_API uint64_t timemory_add_hash_id(const char* key);
/* Registers an explicit id -> key mapping. */
TIMEMORY_API int timemory_add_hash_id_value(uint64_t id, const char* key);
/* The registered string, or NULL when unknown. The pointer lives until the process ends. */
TIMEMORY_API const char* timemory_get_hash_identifier(uint64_t id);

/* ---------------------------------------------------------------------------------------- */
/* Components: sets over the components of timemory/components.h.                          */

/* A set of components: one bit per component the library holds (table rows and run-time
 * registered ones), at the component's dense index. Build it from public ids with the calls
 * below; an all-zero struct is the empty set. Its size follows the table
 * (TIMEMORY_COMPONENT_SET_WORDS): code passing it across a library boundary is built against
 * the same header. */
typedef struct timemory_component_set {
    uint64_t bits[TIMEMORY_COMPONENT_SET_WORDS];
} timemory_component_set;

/* Adds / removes the component of public id (table value or registered id); TIMEMORY_EINVAL
 * for an id that names no component. */
TIMEMORY_API int  timemory_component_set_add(timemory_component_set* set, int id);
TIMEMORY_API int  timemory_component_set_remove(timemory_component_set* set, int id);
TIMEMORY_API bool timemory_component_set_has(const timemory_component_set* set, int id);
/* The member after public id `after` (-1: the first), in the set's order (table order, then
 * registration order); -1 when there is none. for(id = next(s, -1); id >= 0; id = next(s, id)) */
TIMEMORY_API int   timemory_component_set_next(const timemory_component_set* set, int after);
TIMEMORY_API int   timemory_component_set_count(const timemory_component_set* set);
static inline bool timemory_component_set_empty(const timemory_component_set* set)
{
    for(int w = 0; w < TIMEMORY_COMPONENT_SET_WORDS; ++w)
        if(set->bits[w]) return false;
    return true;
}

/* The compact form of the first 64 public ids (the seed's 0..63, bit = id): what the original
 * API passed, and what the timemory_* calls taking a timemory_components_t still take. It
 * cannot name a component past id 63: the *_set forms of those calls can. */
typedef uint64_t timemory_components_t;
#define TIMEMORY_COMPONENT_BIT(id) ((timemory_components_t)1 << (id))
/* mask (bit = public id 0..63) as a set, and back (members past id 63 are left out). */
TIMEMORY_API timemory_component_set timemory_component_set_from_mask(timemory_components_t mask);
TIMEMORY_API timemory_components_t
timemory_component_set_to_mask(const timemory_component_set* set);

/* Parses a list ("wall_clock, cpu_clock peak_rss"; separators , ; : space quotes) of names,
 * ids, aliases or class names (case-insensitive). Unknown names: TIMEMORY_EUNKNOWN and *bad
 * points at the first unknown word (NUL-terminated copy in a thread-local buffer). */
TIMEMORY_API int timemory_components_parse(const char* list, timemory_components_t* out,
                                           const char** bad);
/* The same into a set (any component, registered ones too); the set is cleared first. */
TIMEMORY_API int timemory_components_parse_set(const char* list, timemory_component_set* out,
                                               const char** bad);
/* One name -> public id, or TIMEMORY_EUNKNOWN. */
TIMEMORY_API int timemory_component_find(const char* name);

/* Static description of a component (table row). */
typedef struct timemory_component_info {
    int         id;            /* enum value */
    const char* name;          /* "wall_clock" */
    const char* class_name;    /* "WallClock" */
    const char* label;         /* "wall" (file names, METRIC column) */
    const char* ids;           /* extra string ids, comma-separated ("real_clock,virtual_clock") */
    const char* description;   /* banner text */
    const char* enum_name;     /* "WALL_CLOCK" */
    int         value_count;   /* 0 = marker (no value), 1 = scalar, 2 = pair/array */
    const char* labels[2];     /* per-element labels for multi-valued ("start peak rss", ...) */
    const char* unit_repr[2];  /* built-in display unit ("sec", "MB", "%", "") */
    double      unit_value[2]; /* built-in unit multiplier (1 for sec, 1e6 for MB) */
    bool        available;
    const char* unavailable_reason; /* NULL when available */
    unsigned    flags;              /* TIMEMORY_CFLAG_* */
} timemory_component_info;

#define TIMEMORY_CFLAG_TIMING     0x1u   /* honours timing_* settings */
#define TIMEMORY_CFLAG_MEMORY     0x2u   /* honours memory_* settings (units too) */
#define TIMEMORY_CFLAG_PERCENT    0x4u   /* width 6, precision 1 */
#define TIMEMORY_CFLAG_INTEGER    0x8u   /* prints integers, no units column */
#define TIMEMORY_CFLAG_NO_STATS   0x10u  /* trip_count, markers */
#define TIMEMORY_CFLAG_FLAMEGRAPH 0x20u  /* writes .flamegraph.json */
#define TIMEMORY_CFLAG_NO_SUM     0x40u  /* current_peak_rss: no SUM column */
#define TIMEMORY_CFLAG_MAX_ACCUM  0x80u  /* accum = max(accum, value) instead of sum */
#define TIMEMORY_CFLAG_NO_UNITS   0x100u /* no UNITS column */
#define TIMEMORY_CFLAG_NO_MEAN    0x200u /* no MEAN / % SELF columns (trip_count) */

TIMEMORY_API int timemory_component_get_info(int id, timemory_component_info* out);

/* Stand-alone measurement, for component objects that keep their own values:
 * record() reads the component's sources now into raw[2] (base units: ns, bytes, counts). */
TIMEMORY_API int timemory_component_record(int id, int64_t raw[2]);
/* delta = stop-semantics of (start reading, stop reading): difference for most, the increase
 * of the high-water mark for peak_rss, the (start, stop) pair for current_peak_rss. */
TIMEMORY_API int timemory_component_delta(int id, const int64_t start[2], const int64_t stop[2],
                                          int64_t delta[2]);
/* accum += delta (or max, for MAX_ACCUM components). */
TIMEMORY_API int timemory_component_accumulate(int id, int64_t accum[2], const int64_t delta[2]);
/* Converts raw values into display units honouring timing_units/memory_units (get()). Returns
 * the number of values written (1 or 2). */
TIMEMORY_API int timemory_component_get(int id, const int64_t raw[2], double out[2]);
/* Display unit in effect and its multiplier (settings-adjusted), element idx. */
TIMEMORY_API const char* timemory_component_display_unit(int id, int idx);
TIMEMORY_API double      timemory_component_unit(int id, int idx);

/* ---------------------------------------------------------------------------------------- */
/* Regions: the hot path. One call-graph per thread.                                         */

#define TIMEMORY_SCOPE_DEFAULT  0u /* settings.flat_profile / timeline_profile decide */
#define TIMEMORY_SCOPE_TREE     1u
#define TIMEMORY_SCOPE_FLAT     2u
#define TIMEMORY_SCOPE_TIMELINE 4u

/* Pushes key onto the calling thread's graph and starts the components. components == 0
 * pushes a node only: the values are supplied by timemory_pop_values(). No allocation after
 * warm-up, no lock. Returns TIMEMORY_EDISABLED when paused: nothing is recorded, and the push
 * is remembered (per thread) so that its pop -- paused or not -- is a silent no-op; pop it
 * like any other push. TIMEMORY_EFINALIZED after timemory_finalize (ignored, counted). */
TIMEMORY_API int timemory_push(uint64_t key, timemory_components_t components, unsigned scope);
/* The same with a set (components past id 63); NULL or an empty set: a node only. */
TIMEMORY_API int timemory_push_set(uint64_t key, const timemory_component_set* components,
                                   unsigned scope);
/* Stops and pops the innermost open push of key (normally the top of the stack). Pushes made
 * while paused count: when the innermost open push of key is one, it is forgotten and
 * TIMEMORY_EDISABLED returned, touching nothing else. Pushes made before a pause still pop
 * (and record) while paused. TIMEMORY_EUNBALANCED when key has no open push; after
 * timemory_finalize, TIMEMORY_EFINALIZED and nothing is done (the number ignored is one line
 * on stderr at exit). */
TIMEMORY_API int timemory_pop(uint64_t key);
/* Pops a node-only push of key, adding raw delta values of one component (laps >= 0). */
TIMEMORY_API int timemory_pop_values(uint64_t key, int component, const int64_t delta[2],
                                     uint64_t laps);

/* Pushes and pops for a language runtime's function hooks (the Python profiler). A hook push
 * is tagged by two pointers (a code object or frame, and a C callable or NULL) that its pop
 * names instead of a key, and may be timed by the caller's own tick clock:
 *   components != 0: the engine starts and stops them, as timemory_push; ticks are unused.
 *   components == 0: wall_clock is the caller's: start_ticks at the push, end_ticks at the
 *                    pop, and the engine adds (end_ticks - start_ticks) * ns_per_tick.
 * scope may add TIMEMORY_SCOPE_NONE: a balanced frame that records nothing (depth limits).
 * Ordinary pops never match a hook push, nor hook pops an ordinary one. */
#define TIMEMORY_SCOPE_NONE 8u
TIMEMORY_API int timemory_hook_push(uint64_t key, timemory_components_t components, unsigned scope,
                                    const void* tag_a, const void* tag_b, int64_t start_ticks);
TIMEMORY_API int timemory_hook_push_set(uint64_t key, const timemory_component_set* components,
                                        unsigned scope, const void* tag_a, const void* tag_b,
                                        int64_t start_ticks);
/* Pops the innermost open hook push tagged (tag_a, tag_b), normally the top of the stack.
 * TIMEMORY_ENOTFOUND, with no error recorded, when there is none: the event belongs to a call
 * that started before the hooks did. */
TIMEMORY_API int timemory_hook_pop(const void* tag_a, const void* tag_b, int64_t end_ticks,
                                   double ns_per_tick);
/* Pops every hook push still open on the calling thread, innermost first (the end of a
 * session): recorded as ending at end_ticks, or dropped unrecorded when record is 0.
 * Returns how many were popped. */
TIMEMORY_API int timemory_hook_pop_all(int64_t end_ticks, double ns_per_tick, int record);
/* Inline forms of timemory_push/timemory_pop for instrumented hot loops, with the same
 * results: a paused push and its pop are handled at the call site (a few loads and stores on
 * the thread's skipped-push stack below); everything else is the calls above.
 * The per-thread state they read is the library's (initial-exec TLS, a few words); the
 * library alone allocates and grows the stack, and only the owning thread touches it. */
typedef struct timemory_skipped_push {
    uint64_t key;
    unsigned below; /* open pushes of the thread under it (kept exact as they are popped) */
} timemory_skipped_push;

typedef struct timemory_thread_skips {
    timemory_skipped_push* entries; /* allocated at the thread's first paused push */
    unsigned               count;
    unsigned               capacity;
    unsigned               lost; /* skipped pushes not stored (out of memory) */
} timemory_thread_skips;

#if defined(__GNUC__)
#    define TIMEMORY_TLS_IE __attribute__((tls_model("initial-exec")))
#else
#    define TIMEMORY_TLS_IE
#endif
TIMEMORY_API extern const volatile bool* const timemory_enabled_address;
/* the calling thread's open pushes (recorded ones; skipped pushes are not counted) */
TIMEMORY_API extern __thread unsigned timemory_thread_open_pushes TIMEMORY_TLS_IE;
/* the calling thread's pushes skipped while paused and not popped yet */
TIMEMORY_API extern __thread timemory_thread_skips timemory_thread_skipped TIMEMORY_TLS_IE;

static inline int timemory_push_inline(uint64_t key, timemory_components_t components,
                                       unsigned scope)
{
    if(!*timemory_enabled_address)
    {
        timemory_thread_skips* s = &timemory_thread_skipped;
        unsigned               n = s->count;
        if(n < s->capacity)
        {
            s->entries[n].key   = key;
            s->entries[n].below = timemory_thread_open_pushes;
            s->count            = n + 1;
            return TIMEMORY_EDISABLED;
        }
    }
    return timemory_push(key, components, scope);
}

static inline int timemory_pop_inline(uint64_t key)
{
    timemory_thread_skips* s = &timemory_thread_skipped;
    unsigned               n = s->count;
    if(n != 0)
    {
        /* the innermost skipped push, with no recorded push opened since: this pop's own */
        const timemory_skipped_push* e = &s->entries[n - 1];
        if(e->key == key && e->below == timemory_thread_open_pushes)
        {
            s->count = n - 1;
            return TIMEMORY_EDISABLED;
        }
    }
    else if(!*timemory_enabled_address && timemory_thread_open_pushes == 0)
        return TIMEMORY_EDISABLED;
    return timemory_pop(key);
}

/* Coroutines. A coroutine runs in steps on a thread whose one stack it shares with the code
 * that runs between its steps (an event loop, other coroutines): whatever a step pushes and
 * leaves open (the coroutine's own region, a `with` block across an await) would otherwise be
 * the parent of everything that runs next on the thread. A step begins with
 * timemory_coroutine_mark (the thread's open pushes, paused ones included); when it ends,
 * timemory_coroutine_suspend takes the pushes made since the mark off the stack and keeps them
 * under owner (a unique address: the coroutine, its frame); the current position
 * returns to where it was before them. timemory_coroutine_resume(owner) puts them back on top
 * of the stack of the step that continues the coroutine -- the first closes where that stack
 * is -- and their pops work as usual; time runs on while they are suspended. Per thread: a
 * coroutine continued on another thread finds nothing (TIMEMORY_ENOTFOUND), and its pushes end
 * with the thread that suspended them (recorded at finalize with stack_clearing, dropped when
 * the thread exits). TIMEMORY_EFINALIZED after finalize. timemory_hook_coroutine_suspend
 * suspends the innermost hook push tagged (tag_a, tag_b) and what is above it (the profiler,
 * at a coroutine's await); timemory_hook_pop_all also ends the suspended coroutines that hold
 * hook pushes. timemory_coroutine_end ends owner's pushes without resuming them (recorded as
 * ending now when record != 0). */
TIMEMORY_API uint64_t timemory_coroutine_mark(void);
TIMEMORY_API int      timemory_coroutine_suspend(const void* owner, uint64_t mark);
TIMEMORY_API int      timemory_hook_coroutine_suspend(const void* tag_a, const void* tag_b,
                                                      const void* owner);
TIMEMORY_API int      timemory_coroutine_resume(const void* owner);
TIMEMORY_API int      timemory_coroutine_end(const void* owner, int record);
/* Where the calling thread's next push goes, and making such a position current again: a
 * coroutine's first push goes under the region of the code that created it (an asyncio task
 * under the coroutine that made it) rather than under whatever ran last on the thread. The
 * next pop of an earlier push restores that push's own parent, as usual. A position of another
 * thread is refused (TIMEMORY_EINVAL, nothing changes). */
typedef struct timemory_position {
    const void* graph;
    const void* node;
} timemory_position;
TIMEMORY_API timemory_position timemory_get_position(void);
TIMEMORY_API int               timemory_set_position(timemory_position pos);

/* Convenience: hash + register the name once, then push/pop with the default components
 * (settings "components", then "global_components", then wall_clock). Paused and finalized
 * as timemory_push/timemory_pop; a pop with no open push of name prints
 * "Warning! region 'name' does not exist!" and returns TIMEMORY_EUNBALANCED. */
TIMEMORY_API int timemory_push_region(const char* name);
TIMEMORY_API int timemory_pop_region(const char* name);
/* Depth of the calling thread's open pushes. */
TIMEMORY_API int timemory_stack_depth(void);
/* Default component set used by timemory_push_region (0 restores the settings' choice). */
TIMEMORY_API int timemory_set_default_components(timemory_components_t components);
TIMEMORY_API timemory_components_t timemory_get_default_components(void);
/* The same as sets (NULL or empty restores the settings' choice). */
TIMEMORY_API int timemory_set_default_component_set(const timemory_component_set* components);
TIMEMORY_API timemory_component_set timemory_get_default_component_set(void);

/* ---------------------------------------------------------------------------------------- */
/* Results                                                                                   */

/* Components that hold data now (on any thread). */
TIMEMORY_API timemory_components_t timemory_components_with_data(void);
/* JSON of the current data (OUTPUT.md §3 flat, §4 tree), for the given components (0 = all
 * with data). Returns a malloc'd NUL-terminated string in *out; free with timemory_free. */
TIMEMORY_API int timemory_get_json(timemory_components_t components, bool tree, char** out);
/* Text tables (OUTPUT.md §2) of the given components, concatenated. */
TIMEMORY_API int timemory_get_text(timemory_components_t components, char** out);
/* The same as sets: every component, registered ones too (NULL or empty = all). */
TIMEMORY_API timemory_component_set timemory_components_with_data_set(void);
TIMEMORY_API int timemory_get_json_set(const timemory_component_set* components, bool tree,
                                       char** out);
TIMEMORY_API int timemory_get_text_set(const timemory_component_set* components, char** out);
TIMEMORY_API int timemory_clear_set(const timemory_component_set* components);
/* Number of entries per component (flat, merged threads). */
TIMEMORY_API int  timemory_get_size(int component, size_t* out);
TIMEMORY_API void timemory_free(void* ptr);

/* Metadata (metadata.json "info" section): add a key (first value wins); value is JSON text. */
TIMEMORY_API int timemory_add_metadata(const char* key, const char* json_value);
/* The metadata object as JSON text (malloc'd). */
TIMEMORY_API int timemory_get_metadata(char** out);

/* ---------------------------------------------------------------------------------------- */
/* Settings by name (python name "flat_profile" or variable "TIMEMORY_FLAT_PROFILE").        */

typedef enum timemory_setting_type {
    TIMEMORY_SETTING_BOOL   = 0,
    TIMEMORY_SETTING_INT    = 1, /* any integer type; see type_name for the C type */
    TIMEMORY_SETTING_STRING = 2,
    TIMEMORY_SETTING_DOUBLE = 3,
} timemory_setting_type;

typedef struct timemory_setting_info {
    const char*           name; /* python name */
    const char*           env;  /* TIMEMORY_* variable */
    timemory_setting_type type;
    const char*           type_name; /* "bool", "int", "unsigned short", "std::string" ... */
    const char*           description;
    const char*           cli_flags;    /* space-separated ("--timemory-flat-profile") */
    const char*           default_text; /* the built-in default as text */
    int64_t               min_value;    /* integer bounds */
    int64_t               max_value;
    const char*           choices; /* comma-separated allowed values, or NULL */
} timemory_setting_info;

TIMEMORY_API int timemory_settings_count(void);
TIMEMORY_API int timemory_settings_info(int index, timemory_setting_info* out);
/* Index of a setting by python name or variable name, or TIMEMORY_EUNKNOWN. */
TIMEMORY_API int timemory_settings_find(const char* name);
/* Typed access: TIMEMORY_ETYPE when the setting is of another type, TIMEMORY_EVALUE when an
 * integer is out of the setting's range or a choice is not allowed. */
TIMEMORY_API int timemory_settings_get_bool(const char* name, bool* out);
TIMEMORY_API int timemory_settings_set_bool(const char* name, bool value);
TIMEMORY_API int timemory_settings_get_int(const char* name, int64_t* out);
TIMEMORY_API int timemory_settings_set_int(const char* name, int64_t value);
TIMEMORY_API int timemory_settings_get_double(const char* name, double* out);
TIMEMORY_API int timemory_settings_set_double(const char* name, double value);
/* The string is copied into buf (truncated to len-1); returns the full length or an error. */
TIMEMORY_API int timemory_settings_get_string(const char* name, char* buf, size_t len);
TIMEMORY_API int timemory_settings_set_string(const char* name, const char* value);
/* Parses text as the setting's type (ON/OFF/true/false/yes/no/1/0 for bools). */
TIMEMORY_API int timemory_settings_set_text(const char* name, const char* text);
/* Current value as text ("true", "42", "sec"). Same return convention as get_string. */
TIMEMORY_API int timemory_settings_get_text(const char* name, char* buf, size_t len);
/* Re-reads every TIMEMORY_* variable present in the environment; a bad value prints one
 * warning line naming the variable and the value and keeps the current value. Returns the
 * number of bad values. */
TIMEMORY_API int timemory_settings_parse_env(void);
/* Reads a config file (text "KEY = VALUE" lines or JSON). Returns the number of bad entries
 * or TIMEMORY_EIO when it cannot be opened. */
TIMEMORY_API int timemory_settings_read_config(const char* path);
/* Restores every setting to its built-in default. */
TIMEMORY_API void timemory_settings_reset(void);

/* ---------------------------------------------------------------------------------------- */
/* The per-call timeline (src/timeline.c): with the setting `timeline` on, every measured push
 * and pop of a thread (markers, regions, the profiler's calls, instrumented C code) is a begin
 * and an end in that thread's buffer of `timeline_capacity` events, written at output as a
 * Chrome / Perfetto trace, <output_path>/<output_prefix>timeline.json (docs/outputs.md). A
 * full buffer drops new calls (counted per thread); every call it recorded keeps its end. */

/* Called on a thread at its first timeline event, inside that push: a language runtime names
 * the thread there (timemory_timeline_set_thread_name); it must not push, pop or block.
 * Returns 0 when the name is not known yet: it is called again after 16, 32, 64, ... events. */
typedef int (*timemory_thread_start_fn)(void);
TIMEMORY_API void timemory_timeline_set_thread_start(timemory_thread_start_fn fn);
/* The calling thread's name in the trace (at most 63 bytes; "" = the default "thread <tid>").
 * A C thread named with pthread_setname_np before its first event keeps that name. */
TIMEMORY_API int timemory_timeline_set_thread_name(const char* name);
/* Hook callers' ticks (timemory_hook_push/_pop with components == 0, and the two calls
 * below) are CLOCK_MONOTONIC ns unless a tick source is given: a function that reads the
 * same ticks now (a CPU's time-stamp counter; it must be async-signal-safe). The engine then
 * converts them at output with the ratio it measures between the source and CLOCK_MONOTONIC
 * from this call to the output. NULL: ticks are nanoseconds again. */
typedef int64_t (*timemory_tick_source_fn)(void);
TIMEMORY_API void timemory_timeline_set_tick_source(timemory_tick_source_fn ticks_now);
/* Calls of code that keeps its own call stack (a line tracer's functions), in ticks as above
 * or TIMEMORY_TIMELINE_NOW (the engine reads wall_clock's clock): begin returns a token (0 when
 * nothing was recorded: the setting is off, paused, finalized) that end takes. */
#define TIMEMORY_TIMELINE_NOW INT64_MIN
TIMEMORY_API int  timemory_timeline_begin(uint64_t key, int64_t ticks);
TIMEMORY_API void timemory_timeline_end(uint64_t key, int64_t ticks, int token);
/* Events held and dropped so far over every thread. */
TIMEMORY_API int timemory_timeline_counts(uint64_t* recorded, uint64_t* dropped);

/* ---------------------------------------------------------------------------------------- */
/* Fatal signals (src/signals.c; spec NOTES.md section 4)                                     */
/*
 * The handler (SA_SIGINFO, on an alternate stack) writes to stderr, with write(2) alone:
 *   ### ERROR ###  [ rank : R ] Error code : <sig> @ <si_addr> : <Name> (<description>). <reason>
 * then a backtrace ("[PID=p][TID=t][i/n]> frame"), then the report registered with
 * timemory_signal_set_report (the Python stack). A copy of the process (clone) then finalizes
 * -- pops what is open, writes every output -- while the crashed process waits for it at most
 * timemory_signal_write_timeout() seconds; then the signal's default action ends the process,
 * so its exit status is the signal's (Urgent and Stop, whose default would not end it: exit
 * status = the signal number). Nothing is installed while the setting allow_signal_handler is
 * false; timemory_init installs the default set when enable_signal_handler is true. */

/* Installs the handler for count signals (numbers from the table: Hangup .. User2, not Kill),
 * or for timemory_signal_default_set() when count is 0, and an alternate stack for the calling
 * thread. Returns how many were newly installed; TIMEMORY_EINVAL for a signal not in the
 * table (nothing installed), TIMEMORY_EDISABLED when allow_signal_handler is false. */
TIMEMORY_API int timemory_signal_handler_enable(const int* signals, int count);
/* Restores the handlers found when each signal was installed (where ours is still there). */
TIMEMORY_API int timemory_signal_handler_disable(void);
/* The signals the handler is installed for now (at most max in out); returns the count. */
TIMEMORY_API int timemory_signal_handler_signals(int* out, int max);
/* The default set: Quit, Illegal, Abort, Bus, SegFault (and FPE in debug builds); every one
 * but Kill with the setting enable_all_signals, none with disable_all_signals; then each
 * SIGNAL_ENABLE_<NAME> / SIGNAL_DISABLE_<NAME> variable that is true adds / removes one
 * (NAME: HANGUP, INTERRUPT, QUIT, ILLEGAL, TRAP, ABORT, EMULATE, FPE, KILL, BUS, SEGFAULT,
 * SYSTEM, PIPE, ALARM, TERMINATE, URGENT, STOP, CPUTIME, FILESIZE, VIRTUALALARM,
 * PROFILEALARM, USER1, USER2). Returns the count (at most max written to out). */
TIMEMORY_API int timemory_signal_default_set(int* out, int max);
/* "SegFault" for SIGSEGV (the names of the Python enum signals.Signal); NULL when not in the
 * table. */
TIMEMORY_API const char* timemory_signal_name(int signum);
/* An alternate signal stack for the calling thread (a thread's stack overflow can be reported
 * only from one). The enabling thread gets one, and so does every thread whose first push
 * comes while the handler is enabled; other threads call this. A thread's existing stack of
 * 32 KiB or more is kept. */
TIMEMORY_API int timemory_signal_thread_init(void);
/* How long the crashed process waits for the copy that writes the outputs (default 30 s);
 * TIMEMORY_EVALUE unless 0 < seconds <= 86400. */
TIMEMORY_API int    timemory_signal_set_write_timeout(double seconds);
TIMEMORY_API double timemory_signal_write_timeout(void);
/* An extra report written after the backtrace, on the crashed thread inside the handler: it
 * must be async-signal-safe (write(2) to fd, no allocation, no lock). NULL removes it. */
typedef void (*timemory_signal_report_fn)(int fd, int signum);
TIMEMORY_API void timemory_signal_set_report(timemory_signal_report_fn fn);

#ifdef __cplusplus
}
#endif
#endif /* TIMEMORY_TIMEMORY_H */
