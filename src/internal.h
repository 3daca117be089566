/* internal.h -- private to libtimemory (never installed): the types and tm__ functions that
 * the src/ files share. Public names are timemory_*, internal tm__*, file-local static.
 * Layers: components (sampling, units) and settings know nothing of the graph; the graph
 * knows nothing of output; result builds merged per-component trees; writers format them.
 */
#ifndef TIMEMORY_INTERNAL_H
#define TIMEMORY_INTERNAL_H

#include "timemory/timemory.h"
#include "clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

#define TM_MAX_BUNDLE 16 /* components in one push */
/* Components by dense index: the table rows (position = index), then the run-time registered
 * ones (components.c); tm__ncomp() of them exist now, at most TM_COMP_CAP. Public ids (the
 * table's `value`, registered ids) meet indices only at the API (tm__comp_index/_id). */
#define TM_NTABLE TIMEMORY_COMPONENT_TABLE_SIZE
/* TM__POS_<ENUM>: a table row's dense index (its position). */
enum {
#define TM_ROW_POS(ENUM, ...) TM__POS_##ENUM,
    TIMEMORY_COMPONENTS(TM_ROW_POS)
#undef TM_ROW_POS
};
#define TM_COMP_CAP TIMEMORY_COMPONENT_CAPACITY

#if defined(__GNUC__)
#    define TM_LIKELY(x)    __builtin_expect(!!(x), 1)
#    define TM_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#    define TM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#    define TM_LIKELY(x)   (x)
#    define TM_UNLIKELY(x) (x)
#    define TM_PRINTF(a, b)
#endif

/* ------------------------------------------------------------------------------------------ */
/* diagnostics (util.c)                                                                        */

/* One line on stderr: "[timemory] warning: ...". */
void tm__warn(const char* fmt, ...) TM_PRINTF(1, 2);
/* The sticky errors since the last report, as one warning naming `when` and the first error;
 * returns their count (0: nothing said). */
int tm__report_errors(const char* when);
/* Sticky hot-path error: counted, turned into a warning/exception by the next API call. */
void tm__set_error(int code);

/* Growable text buffer used by every writer (buffer.c; the number writers: numbers.c). */
typedef struct tm__buf {
    char*  data;
    size_t len;
    size_t cap;
    bool   failed; /* an allocation failed: contents are incomplete */
    /* streaming (tm__buf_stream_open): the text goes to a file as it grows */
    struct tm__stream* stream;
    size_t             flushed; /* bytes handed to the file: data holds the text from there */
    size_t             held;    /* 1 + the position kept in memory from (tm__buf_hold), or 0 */
} tm__buf;

void  tm__buf_init(tm__buf* b);
void  tm__buf_free(tm__buf* b);
void  tm__buf_append(tm__buf* b, const char* s, size_t n);
void  tm__buf_puts(tm__buf* b, const char* s);
void  tm__buf_putc(tm__buf* b, char c);
void  tm__buf_printf(tm__buf* b, const char* fmt, ...) TM_PRINTF(2, 3);
void  tm__buf_json_string(tm__buf* b, const char* s); /* quoted + escaped */
void  tm__buf_json_double(tm__buf* b, double v);      /* shortest round-trip, finite */
void  tm__buf_u64(tm__buf* b, uint64_t v);            /* decimal, no printf */
void  tm__buf_i64(tm__buf* b, int64_t v);
char* tm__buf_take(tm__buf* b); /* NUL-terminated, caller frees */
/* Direct writing: room for n more bytes (NULL when out of memory, b->failed set), then
 * tm__buf_commit with the end of what was written there. */
char* tm__buf_space(tm__buf* b, size_t n);
void  tm__buf_commit(tm__buf* b, const char* end);
/* A buffer that writes itself to path as it grows (a chunk at a time, so memory stays small):
 * into a temporary name in the same folder, renamed by tm__buf_stream_close(b, true) once
 * complete -- whole or nothing, as tm__write_file_atomic. Close returns TIMEMORY_OK,
 * TIMEMORY_ENOMEM (a writer ran out of memory) or TIMEMORY_EIO with errno; close(b, false)
 * removes the temporary file. tm__buf_hold keeps the text from the current position in memory
 * (tm__buf_held gives it) until tm__buf_release. */
int         tm__buf_stream_open(tm__buf* b, const char* path);
int         tm__buf_stream_close(tm__buf* b, bool keep);
size_t      tm__buf_hold(tm__buf* b);
const char* tm__buf_held(const tm__buf* b, size_t mark);
void        tm__buf_release(tm__buf* b);
/* Writers into such room; each returns the end of what it wrote. */
char* tm__fmt_u64(char* p, uint64_t v); /* at most 20 bytes */
char* tm__fmt_i64(char* p, int64_t v);  /* at most 20 bytes */
#define TM_JSON_DOUBLE_MAX 32
/* The shortest decimal that reads back as v (the nearest one of those), laid out as printf's
 * %.15g/%.16g/%.17g would ("2.764e-06", "0.5", "1e+20"; integral values keep ".0");
 * NaN and infinities are 0.0. At most TM_JSON_DOUBLE_MAX bytes. */
char*         tm__fmt_json_double(char* p, double v);
extern size_t tm__json_double_slow; /* conversions left to printf (a test checks: none) */
char*         tm__fmt_json_string(char* p, const char* s); /* quoted: 2 + 6 * strlen(s) bytes */
/* printf("%.*e" or "%.*f", precision, v) into out (cap bytes, NUL-terminated, truncated as
 * snprintf does), with '#' when alt; the same text, mostly without printf. Returns the length. */
size_t tm__format_fixed(char* out, size_t cap, double v, int precision, bool scientific, bool alt);
char*  tm__strdup(const char* s);

/* Writes data to path atomically (temporary name in the same folder, then rename), creating
 * the folder. TIMEMORY_EIO with errno preserved on failure; nothing partial is left. */
int tm__write_file_atomic(const char* path, const char* data, size_t len);
int tm__mkdir_p(const char* dir);

/* ------------------------------------------------------------------------------------------ */
/* settings (settings.c, settings_parse.c, settings_config.c)                                  */

typedef struct tm__settings_store {
#define TM_SETTING_FIELD(name, env, kind, ctype, ...) ctype name;
    TIMEMORY_SETTINGS(TM_SETTING_FIELD)
#undef TM_SETTING_FIELD
} tm__settings_store;

/* The live values. Hot code reads fields directly; strings change only under the settings
 * lock (tm__settings_lock) and are read at init/output time. */
extern tm__settings_store tm__settings;
void tm__settings_init(void); /* defaults, then environment; once, from the library ctor */
void tm__settings_lock(void);
void tm__settings_unlock(void);
/* A configuration file's key = value applied (settings_config.c reads the files); returns the
 * failures (an unknown key is one). The default config_file list (four optional files). */
int         tm__settings_apply_config(const char* path, const char* key, const char* value);
const char* tm__settings_default_config_files(void);
/* Snapshot of a string setting (malloc'd copy, caller frees). */
char* tm__settings_string_copy(const char* name);
/* Bumped on every settings change: cached derived values (units, default components) check it. */
extern volatile unsigned tm__settings_generation;
/* Bumped when papi_events changes: each thread's last pushed set trims again (push.c), so
 * papi_vector/papi_array name the group of the new list. */
extern volatile unsigned tm__hwc_list_generation;
/* Setting entries "<ENV>": {...} for metadata.json. */
void tm__settings_metadata_json(tm__buf* b);

/* ---- added by task "Settings" (settings_parse.c) ---- */
/* Display units in effect (spec SETTINGS.md 3.4), cached by tm__settings_generation:
 * timing_units "" -> 1 per second, "sec"; "msec" -> 1000, "msec"; memory_units "" -> 1e6 bytes,
 * "MB"; "kb" -> 1000, "kb"; "KiB" -> 1024, "kib"; "B" -> 1, "byte". */
double      tm__timing_unit_per_sec(void);
const char* tm__timing_unit_repr(void);
double      tm__memory_unit_bytes(void);
const char* tm__memory_unit_repr(void);
/* Reads every file of config_file (split on , ;) unless suppress_config, as timemory_init
 * does: a missing default file is skipped silently, any other unreadable file is a warning.
 * Returns the number of bad entries, or the last negative error (TIMEMORY_EIO, ..._EFORMAT). */
int tm__settings_read_config_files(void);
/* ---- end of block added by "Settings" ---- */

/* ------------------------------------------------------------------------------------------ */
/* components (components.c)                                                                   */

typedef struct tm__component_row {
    int         id;
    int16_t     source_index; /* run-time rows: their source (component_register.c) */
    int16_t     member;       /* ... and their position in it */
    const char* enum_name;
    const char* name;
    const char* class_name;
    const char* label;
    const char* ids;
    int         source; /* TM_SRC_* (components.c) */
    int         nvalues;
    unsigned    flags;
    double      unit[2];
    const char* repr[2];
    const char* labels[2];
    const char* needs;
    const char* description;
} tm__component_row;

/* The `source` of a run-time registered row: read by its source's function. */
#define TM__SRC_RUNTIME (-1)
/* One sample's reads of run-time sources: each source read once (component_register.c). */
typedef struct tm__runtime_sample {
    int     source; /* the source values holds, -1: none yet */
    bool    failed; /* its read failed (the error is recorded with tm__set_error) */
    int64_t values[TIMEMORY_COMPONENT_RUNTIME_MAX];
} tm__runtime_sample;
/* out[1] of a run-time member whose source could not be read: the sample is no value, so a
 * pop with it at either end adds nothing to the record (push.c), instead of a made-up delta. */
#define TM__SAMPLE_FAILED INT64_MIN
void tm__runtime_value(int comp, tm__runtime_sample* rt, int64_t out[2]);
/* timemory_component_register for a table row that stands for a run-time group (papi_vector,
 * papi_array: owner = its dense index); the members' owner is then tm__component_owner
 * (-1 for a plugin's members and for table rows). */
int tm__component_register_owned(const timemory_component_spec* spec, int owner);
int tm__component_owner(int comp);
/* Hardware-counter rows (hwc_components.c): papi_vector/papi_array stand for a group of the
 * settings' events, registered at their first use; cpu_roofline_* need PAPI FP events.
 * tm__hwc_row: comp is one of them (never recorded itself). tm__hwc_row_reason: NULL when
 * available, else why. tm__hwc_group: the dense indices of the group comp stands for
 * (*first, returns the count; 0 with a warning when papi_events is empty or nothing counts). */
bool        tm__hwc_row(int comp);
const char* tm__hwc_row_reason(int comp);
int         tm__hwc_group(int comp, int* first);
/* The group a hardware-counter row stands for, registered: n integer members (names, labels)
 * under the row's description, read by read(ctx). The dense index of member 0, or -1. */
int tm__hwc_register_group(int comp, const char* name, int n, const char* const* names,
                           const char* const* labels, timemory_component_read_fn read, void* ctx);
/* cpu_roofline_* (hwc_roofline.c): the reason in the current mode, the group, the files' label
 * (NULL before the group), whether the mode is ai. The test reader makes the rows available and
 * fills values[0] (wall ns) and the mode's counts (n in all); returns 0 or a negative error. */
typedef int (*tm__roofline_reader)(int comp, int64_t* values, int n);
const char* tm__roofline_reason(int comp);
int         tm__roofline_group(int comp, int* first);
const char* tm__roofline_label(int comp);
bool        tm__roofline_ai(void);
void        tm__roofline_set_test_reader(tm__roofline_reader fn);

extern tm__component_row tm__components[TM_COMP_CAP]; /* by dense index; rows past
                                                       * tm__ncomp() are empty */
extern int        tm__ncomponents;                    /* read it through tm__ncomp() */
static inline int tm__ncomp(void)
{
    return __atomic_load_n(&tm__ncomponents, __ATOMIC_ACQUIRE);
}
static inline bool tm__comp_valid(int idx)
{
    return idx >= 0 && idx < tm__ncomp();
}
/* public id -> dense index (-1: no such component) and back */
int               tm__comp_index(int id);
static inline int tm__comp_id(int idx)
{
    return tm__components[idx].id;
}

/* Component sets (the public timemory_component_set): bit = dense index. */
typedef timemory_component_set tm__cset;
#define TM_CSET_WORDS TIMEMORY_COMPONENT_SET_WORDS
static inline void tm__cset_add(tm__cset* s, int idx)
{
    s->bits[idx >> 6] |= (uint64_t)1 << (idx & 63);
}
static inline bool tm__cset_has(const tm__cset* s, int idx)
{
    return (s->bits[idx >> 6] >> (idx & 63)) & 1u;
}
static inline bool tm__cset_empty(const tm__cset* s)
{
    uint64_t any = 0;
    for(int w = 0; w < TM_CSET_WORDS; ++w) any |= s->bits[w];
    return any == 0;
}
static inline bool tm__cset_eq(const tm__cset* a, const tm__cset* b)
{
    uint64_t diff = 0;
    for(int w = 0; w < TM_CSET_WORDS; ++w) diff |= a->bits[w] ^ b->bits[w];
    return diff == 0;
}
static inline int tm__cset_count(const tm__cset* s)
{
    int n = 0;
    for(int w = 0; w < TM_CSET_WORDS; ++w) n += __builtin_popcountll(s->bits[w]);
    return n;
}
/* the member index after idx (-1: the first), ascending; -1 at the end */
static inline int tm__cset_next(const tm__cset* s, int idx)
{
    int i = idx + 1;
    for(int w = i >> 6; w < TM_CSET_WORDS; ++w)
    {
        uint64_t m = s->bits[w];
        if(w == i >> 6) m &= i & 63 ? ~(uint64_t)0 << (i & 63) : ~(uint64_t)0;
        if(m) return w * 64 + __builtin_ctzll(m);
    }
    return -1;
}
static inline tm__cset tm__cset_one(int idx)
{
    tm__cset s = { { 0 } };
    tm__cset_add(&s, idx);
    return s;
}
/* A public set or NULL (= empty), as the engine's set of existing components. */
static inline tm__cset tm__cset_of(const timemory_component_set* s)
{
    tm__cset out = { { 0 } };
    if(s) out = *s;
    return out;
}

/* Reads every component of the set, each source once; out[i] for the i-th member in
 * ascending index order. */
void tm__record_set(const tm__cset* set, int64_t (*out)[2]);
/* Per-component stop semantics (see timemory_component_delta). */
void tm__delta(int comp, const int64_t start[2], const int64_t stop[2], int64_t delta[2]);
void tm__accumulate(int comp, int64_t accum[2], const int64_t delta[2]);
/* Statistics sample of one pop in base units (ns, bytes, counts; percent for util). */
int tm__stat_sample(int comp, const int64_t delta[2], double out[2]);
/* Base-unit value -> display units (settings-adjusted), per element: display = base * f. */
double tm__display_factor(int comp, int idx);
/* get(): display value(s) of an accumulated raw value. */
int tm__get(int comp, const int64_t raw[2], double out[2]);
/* The display unit in effect of element idx ("sec", "MB/sec", ...). */
const char* tm__display_unit(int comp, int idx);
/* Output format of a component: width, precision, scientific (settings-adjusted). */
void tm__format(int comp, int* width, int* precision, bool* scientific);
/* Component availability: NULL when available, else the reason. */
const char* tm__unavailable_reason(int comp);
/* gperftools (gperftools.c): why a gperftools component is unavailable (NULL: usable, or
 * not one of the two); the switch of a push whose set holds either (the bits it started, for
 * tm__gperftools_stop at its pop); finalize stops what runs. */
#define TM__GPERFTOOLS_SET                                                                         \
    (TIMEMORY_COMPONENT_BIT(TIMEMORY_GPERFTOOLS_CPU_PROFILER) |                                    \
     TIMEMORY_COMPONENT_BIT(TIMEMORY_GPERFTOOLS_HEAP_PROFILER))
static inline bool tm__gperftools_in(const timemory_component_set* set)
{
    return (set->bits[0] & TM__GPERFTOOLS_SET) != 0;
}
const char* tm__gperftools_unavailable(int id);
unsigned    tm__gperftools_start(const timemory_component_set* set);
void        tm__gperftools_stop(unsigned started);
void        tm__gperftools_finalize(void);

/* ---- added by task "The component table" (components.c) ---- */
/* Up to max known names and ids closest to an unknown name (edit distance, then enumeration
 * order; a name containing it also qualifies), for "did you mean: wall_clock?". Returns the
 * count; the strings live as long as the process. */
int tm__component_close_matches(const char* name, const char** out, int max);
/* ---- end of block added by "The component table" ---- */

/* ------------------------------------------------------------------------------------------ */
/* hash registry (registry.c)                                                                  */

uint64_t    tm__hash_bytes(const void* data, size_t len); /* libstdc++ _Hash_bytes, seed */
uint64_t    tm__register(const char* key);                /* hash + intern */
const char* tm__lookup(uint64_t id);                      /* NULL if unknown */
/* Every (id, string) pair, for functions.json. Callback order is unspecified. */
void tm__registry_foreach(void (*fn)(uint64_t id, const char* key, void* arg), void* arg);

/* ------------------------------------------------------------------------------------------ */
/* call-graph storage (graph.c) and push/pop (push.c): one graph per thread                    */

typedef struct tm__stats {
    double   sum[2];
    double   sqr[2];
    double   min[2];
    double   max[2];
    uint64_t count;
} tm__stats;

/* One component's accumulated data in one node. */
typedef struct tm__record {
    struct tm__record* next;
    int                comp;
    bool               present; /* false after a clear, until the next pop */
    uint64_t           laps;
    int64_t            accum[2];
    tm__stats          stats; /* of tm__stat_sample() values (base units) */
} tm__record;

typedef struct tm__node {
    uint64_t         id;  /* combine(key hash, insert depth [, timeline counter]) */
    uint64_t         key; /* string hash */
    struct tm__node* parent;
    struct tm__node* first_child;
    struct tm__node* last_child;
    struct tm__node* next_sibling;
    tm__record*      records;
    tm__record*      wall;   /* the wall_clock record among records, or NULL */
    uint64_t         hot_id; /* the child entered last (push fast path), or NULL */
    struct tm__node* hot_child;
    uint32_t         depth; /* root 0, top level 1 */
    bool             is_dummy;
} tm__node;

void tm__stats_add(tm__stats* s, const double v[2], int n);

/* Reading a graph another thread may be recording into (get() during a run, output while
 * threads still push): nodes and records are published with a release store once filled in,
 * and their values are stored and read with relaxed atomics (plain moves on x86-64 and
 * AArch64: the hot path pays nothing). A reader sees whole nodes and each value whole; the
 * values of one record may be from two neighbouring pops. */
static inline const tm__node* tm__node_first_child(const tm__node* n)
{
    return __atomic_load_n(&n->first_child, __ATOMIC_ACQUIRE);
}
static inline const tm__node* tm__node_next_sibling(const tm__node* n)
{
    return __atomic_load_n(&n->next_sibling, __ATOMIC_ACQUIRE);
}
/* The record of comp in n with its values as now (false when there is none, or it is empty). */
bool tm__record_read(const tm__node* n, int comp, tm__record* out);
void tm__stats_merge(tm__stats* into, const tm__stats* from, int n);

/* Every thread's graph, for the merge at output (lock held by the caller through
 * tm__graphs_lock). Graphs outlive their threads until finalize/clear. */
typedef struct tm__graph tm__graph;
void                     tm__graphs_lock(void);
void                     tm__graphs_unlock(void);
size_t                   tm__graphs_count(void);
tm__graph*               tm__graphs_at(size_t i);
const tm__node*          tm__graph_root(const tm__graph* g);
int                      tm__graph_tid(const tm__graph* g);
/* Components that have records in any graph, in order of first use (creation order). */
int  tm__components_in_use(int* out, int max);
void tm__graphs_clear(const tm__cset* comps); /* NULL or empty = all */
/* A component a push can record from now on (available, with a value): the table's at the
 * first graph, a registered one at its registration. */
void tm__recordable_add(int comp);
/* The push/pop fast path for wall_clock alone reads CLOCK_MONOTONIC directly; tests that
 * inject a reader (tm__set_test_reader) turn it off. */
extern bool tm__fast_wall;
/* Creates the calling thread's graph now (the library constructor: main thread = tid 0). */
void tm__graph_register_thread(void);
/* Bytes the graphs hold (structs, stacks, tables, arenas): a finished thread's graph is
 * compacted at its exit, and a test checks that memory grows with nodes, not threads. */
size_t tm__graphs_memory(void);
/* Pops everything still pushed on the calling thread (stack_clearing at finalize). */
void tm__graph_unwind_current(void);
/* Forked child (library.c's atfork handler, graphs lock free): records zeroed, the forking
 * thread's open frames kept as the child's base (present, never recorded by the child). */
void tm__graph_after_fork(void);
/* Marks the records of every thread's open frames present, so that a snapshot taken while
 * they are open keeps their children under them (a hand-off). Returns the records it changed
 * (malloc'd, *n of them): tm__records_unmark undoes it (for those still without laps). */
tm__record** tm__graphs_mark_open(size_t* n);
void         tm__records_unmark(tm__record** recs, size_t n);
/* Pushes skipped while paused (push.c): push_skipped remembers one (what timemory_push does
 * when paused; returns TIMEMORY_EDISABLED); pop_skipped forgets the innermost open push of key
 * and returns true when that push is a skipped one, else changes nothing. */
int  tm__push_skipped(uint64_t key);
bool tm__pop_skipped(uint64_t key);
/* Pushes and pops refused after finalize so far (reported once at exit, library.c). */
unsigned long tm__refused_after_finalize_count(void);
/* Allocation events (events.c, timemory/mallocp.h): the child key of g's current node (made
 * the first time; NULL beyond max_depth), a node's record of comp (made the first time), one
 * lap of delta into a record (push.c). graph.c holds timemory_alloc_hold while it changes a
 * graph or holds the graphs' lock. */
tm__node*   tm__graph_event_child(tm__graph* g, uint64_t key);
tm__record* tm__graph_event_record(tm__graph* g, tm__node* n, int comp);
void        tm__graph_event_add(tm__record* r, const int64_t delta[2]);

/* Coroutines (suspend.c; the frame layout is frames.h's): the pushes a coroutine's step left open
 * leave the thread's stack when the step ends and come back when the next step begins. */
typedef struct tm__segment {
    const void*            owner;  /* NULL: an empty slot */
    void*                  frames; /* nframes of frames.h's frames (64-byte aligned) */
    size_t                 nframes;
    size_t                 frame_cap;
    timemory_skipped_push* skips; /* paused pushes made above them (below: relative) */
    unsigned               nskips;
    unsigned               skip_cap;
    const tm__node*        current; /* the position when the step ended */
} tm__segment;
typedef struct tm__suspended tm__suspended;
extern const size_t          tm__frame_bytes; /* one frame (frames.h) */
/* suspend.c: the calling thread's graph (NULL before its first push), its stack depth, its
 * table of suspended coroutines, the index of the innermost hook push tagged (a, b) or -1 */
tm__graph*      tm__graph_self(void);
size_t          tm__graph_depth(const tm__graph* g);
tm__suspended** tm__graph_suspended(tm__graph* g);
long            tm__hook_frame_index(const tm__graph* g, const void* tag_a, const void* tag_b);
/* suspend.c: frames from base up (and the step's paused pushes: from index skip_from of the
 * thread's list, or with skip_from UINT_MAX those made above frame base) into s, the current
 * position back to where it was before them; then back on top of the stack, the first one
 * closing where the stack is now. TIMEMORY_ENOMEM (nothing moved) when s cannot hold them. */
int tm__segment_take(tm__graph* g, size_t base, unsigned skip_from, tm__segment* s);
int tm__segment_put(tm__graph* g, tm__segment* s);
/* suspend.c: ends s's frames, innermost first: engine-timed ones recorded when record; hook
 * pushes timed by their caller recorded only with hook_ticks (end_ticks, ns_per_tick). */
void tm__segment_end(tm__graph* g, tm__segment* s, bool record, bool hook_ticks, int64_t end_ticks,
                     double ns_per_tick);
bool tm__segment_has_hooks(const tm__segment* s);
void tm__segment_free(tm__segment* s); /* its buffers */
/* suspend.c, for graph.c and push.c: drop every suspended coroutine of g unrecorded (thread
 * exit, fork child); end them recorded (finalize's stack_clearing); end those holding hook
 * pushes (the profiler's session ends; returns how many hook pushes); each one's frames; bytes
 * held. */
void   tm__suspended_drop(tm__graph* g);
void   tm__suspended_end_all(tm__graph* g);
int    tm__suspended_end_hooks(tm__graph* g, int64_t end_ticks, double ns_per_tick, int record);
void   tm__suspended_each(tm__graph* g, void (*fn)(void* frames, size_t n, void* arg), void* arg);
size_t tm__suspended_memory(const tm__graph* g);

/* ------------------------------------------------------------------------------------------ */
/* merged results (result.c): one component's data over every thread                          */

typedef struct tm__rnode {
    uint64_t          id;
    uint64_t          key;
    const char*       label; /* registry string (interned: label_borrowed) or owned copy */
    bool              label_borrowed;
    int               depth; /* tree depth: placeholder root 0, top level 1 */
    bool              is_dummy;
    int*              tids; /* contributing thread ids, ascending (tm__rnode_tids) */
    int               ntids;
    int               tid_one; /* the one thread id while tids is NULL (no allocation) */
    uint64_t          laps;
    int64_t           accum[2];
    tm__stats         stats;
    long*             pids; /* contributing process ids, ascending (tm__rnode_pids) */
    int               npids;
    long              pid_one; /* the one process id while pids is NULL */
    struct tm__rnode* children;
    size_t            nchildren;
    size_t            cap;       /* children allocated (grows geometrically) */
    uint64_t*         index;     /* open-addressing table: child position + 1 | hash << 32 */
    size_t            index_cap; /* power of two; rebuilt when the children outgrow it */
} tm__rnode;

/* A node's ntids thread ids and npids process ids (one of each is kept without allocating). */
static inline const int* tm__rnode_tids(const tm__rnode* n)
{
    return n->tids ? n->tids : &n->tid_one;
}
static inline const long* tm__rnode_pids(const tm__rnode* n)
{
    return n->pids ? n->pids : &n->pid_one;
}

/* A flat entry (pre-order), as the table, flat JSON and flamegraph show it. */
typedef struct tm__entry {
    uint64_t    hash;
    uint64_t    rolling_hash;
    const char* label;  /* undecorated key */
    char*       prefix; /* decorated: ">>> |_foo" (owned) */
    int         depth;  /* 0 = top level */
    int         tid;    /* thread of the entry; -1 when merged over threads */
    uint64_t    laps;
    int64_t     accum[2];
    tm__stats   stats;
} tm__entry;

/* MPI (ranks.c): an entry's value over the ranks merged into it, in display units. */
typedef struct tm__rank_stat {
    double min[2], max[2], mean[2]; /* mean over every rank of the element (absent = 0) */
    int    min_rank, max_rank;      /* the first rank holding the min / the max (element 0) */
    int    nranks;                  /* ranks that have the entry */
} tm__rank_stat;
/* (max - mean) / max of element i: 0 when all ranks are equal, (n-1)/n when one rank has it
 * all; 0 when max <= 0. */
double tm__rank_imbalance(const tm__rank_stat* s, int i);

/* MPI (ranks.c): one element of the "ranks" list -- a rank, a node group, or all ranks. */
typedef struct tm__result_part {
    int        rank;       /* JSON "rank": the rank, or the group's index */
    int        first_rank; /* ranks merged into it */
    int        last_rank;
    tm__rnode* tree;    /* its tree (placeholder root): &r->root or owned */
    tm__rnode  threads; /* its ranks' thread t merged per thread id (tm__thread_trees) */
    size_t     first;   /* its entries: r->entries[first .. first + count) */
    size_t     count;
} tm__result_part;

typedef struct tm__result {
    int       comp;
    tm__rnode root; /* placeholder root (hash 0), children = top-level nodes */
    /* each thread's own tree (tm__thread_trees): one placeholder root per thread id when
     * more than one has data, else no children */
    tm__rnode  threads;
    tm__entry* entries;
    size_t     nentries;
    int        thread_count; /* threads that ever registered */
    long       pid;
    char*      banner; /* NULL: description upper-cased; diff tables set their own */
    /* MPI results only (tm__result_build_ranks); 0/NULL otherwise */
    int              mpi_size;
    tm__result_part* parts; /* one per "ranks" element */
    size_t           nparts;
    tm__rank_stat*   rank_stats; /* one per entry when ranks were merged, else NULL */
    /* a group written as one component (result_group.c): comp is the row the group stands
     * for (papi_vector), members[0..ngroup) the members' results (aligned entry by entry),
     * entries/nentries borrowed from members[0]; 0/NULL otherwise */
    int                ngroup;
    struct tm__result* members;
} tm__result;

/* Builds the merged result of one component from every graph (collapse_threads decides the
 * flat view); _tree also each thread's own tree (r->threads), for the tree JSON and the
 * exchange. Returns TIMEMORY_ENOTFOUND when the component has no data. */
int tm__result_build(int comp, tm__result* out);
/* Folds the results of an owned group's members (tm__component_owner) into one group result
 * (tm__result.ngroup) in the first member's place, the others removed; results of flat
 * builds only. Returns the new count. */
int tm__results_fold_groups(tm__result* results, int n);
/* The flat JSON's "ranks" elements of a group result (output_json_group.c): values are arrays
 * of the members' values, in order. */
void tm__write_json_group_ranks(tm__buf* b, const tm__result* r);
/* The tree layout's "graph" of a group result: this process's merged tree (members' roots),
 * then the closing brace of the component; tm__group_trees_aligned: two members' trees have
 * one shape (result_group.c folds only those). */
void tm__write_json_group_tree(tm__buf* b, const tm__result* r);
bool tm__group_trees_aligned(const tm__rnode* a, const tm__rnode* b);
int  tm__result_build_tree(int comp, tm__result* out);
void tm__result_free(tm__result* r);
/* Child comparisons made while merging (a test checks that merging N siblings is linear). */
extern size_t tm__result_probes;
/* Exclusive values of a tree node (inclusive minus children), OUTPUT.md §4. */
void tm__rnode_exclusive(int comp, const tm__rnode* n, int64_t accum[2], tm__stats* stats);
/* Sibling order of the results (setting sort_key): the order of first calls, or largest
 * first by inclusive value, self value or count (element 0; ties keep the call order), or by
 * label. tm__sort_key() reads the setting (settings_parse.c). */
enum { TM_SORT_NONE, TM_SORT_INCLUSIVE, TM_SORT_SELF, TM_SORT_COUNT, TM_SORT_NAME };
int tm__sort_key(void);
/* Reorders the children of every node of the tree (placeholder root) by key, without
 * recursion; a node whose children cannot be reordered (out of memory) keeps its order. */
void tm__rnode_sort(tm__rnode* root, int key);

/* Merges the tree `from` (children of its root) into `into`: children matched by (id, key)
 * under the same parent; laps, values and statistics summed; thread and process ids united.
 * Labels are copied. Iterative (no recursion on depth). TIMEMORY_ENOMEM when a node could
 * not be added (the rest is still merged). */
int tm__rnode_merge(int comp, tm__rnode* into, const tm__rnode* from);
/* Merges one thread's graph (the children of groot) into `into`, projected onto comp (nodes
 * without its record skipped, their children moved up); tid recorded. Returns the nodes
 * merged. Graphs locked. */
size_t tm__merge_graph(int comp, tm__rnode* into, const tm__node* groot, int tid);
void   tm__rnode_free(tm__rnode* n); /* frees what n owns (not n itself) */
/* Components with data in this process: the graphs' components in order of first use, then
 * components only adopted processes have. Returns the count (at most max). */
int tm__result_components(int* out, int max);

/* ------------------------------------------------------------------------------------------ */
/* other processes' data (exchange.c): the MPI gather to rank 0 and the hand-off of child     */
/* processes to their parent share one self-describing binary format                          */

/* One process's data: per component the merged tree over its threads (placeholder root) and
 * each thread's own (tm__thread_trees). */
typedef struct tm__proc_comp {
    int       comp;
    tm__rnode root;
    tm__rnode threads;
} tm__proc_comp;

typedef struct tm__proc_data {
    long           pid;
    int            rank;         /* the MPI rank that packed it, -1 without MPI */
    int            thread_count; /* threads that registered in that process */
    int            nchildren;    /* processes it had adopted itself (already merged in) */
    int            ncomps;
    tm__proc_comp* comps;
} tm__proc_data;

/* Packs every component with data in this process (its own threads merged, plus the
 * processes it adopted) as one blob; rank is written as given. */
int tm__exchange_pack(tm__buf* out, int rank);
/* Decodes a blob (strict: sizes, counts and strings checked; labels registered). On failure
 * TIMEMORY_EFORMAT with why filled and nothing kept. */
int  tm__exchange_unpack(const char* data, size_t len, tm__proc_data* out, char* why,
                         size_t why_len);
void tm__proc_data_free(tm__proc_data* p);
/* Adopted processes (children that handed their data over): merged into this process's
 * results by tm__result_build and packed along with it. tm__adopt takes a decoded blob
 * (ownership moves; *p is emptied). */
int    tm__adopt(tm__proc_data* p);
size_t tm__adopted_count(void);
long   tm__adopted_pid(size_t i);
void   tm__adopted_clear(void);
/* The adopted data of one component, or NULL (for tm__result_build): the merged tree, and
 * the per-thread trees (tm__thread_trees). */
const tm__rnode* tm__adopted_tree(size_t i, int comp);
const tm__rnode* tm__adopted_threads(size_t i, int comp);

/* ------------------------------------------------------------------------------------------ */
/* per-thread trees (result_threads.c): each thread's own tree beside the merged one, for the */
/* tree JSON (hatchet's layout for threads) and the hand-off / MPI exchange                   */

/* The per-thread trees of a merged tree (a result, an adopted process, an MPI element):
 * threads' children -- one placeholder root per thread id, ascending, each holding that
 * thread's nodes (one thread id each) -- when more than one thread id has data; else root
 * alone, its nodes all of one thread. Returns the count (0 when root has no children). */
size_t tm__thread_trees(const tm__rnode* root, const tm__rnode* threads, const tm__rnode** trees);
/* The thread id of one of those trees: the one id its nodes carry. */
int tm__thread_tree_tid(const tm__rnode* tree);

/* One thread's data to merge into its tree: a graph of this process or another process's
 * per-thread tree. */
typedef struct tm__thread_source {
    int              tid;
    const tm__graph* graph; /* or NULL: */
    const tm__rnode* tree;
    size_t           order; /* set by tm__threads_build: sources of one id stay in order */
} tm__thread_source;
/* Fills threads (empty on entry) with one placeholder root per thread id that has data, each
 * source merged into the root of its id; left empty when fewer than two ids have data (the
 * merged tree is then the one thread's). Sorts src. TIMEMORY_ENOMEM when a node could not be
 * added (the rest is kept). Graph sources need the graphs locked. */
int tm__threads_build(int comp, tm__rnode* threads, tm__thread_source* src, size_t n);
/* This process's per-thread trees into r->threads: its graphs, and the adopted processes'
 * per-thread trees (their thread t into thread t). Graphs locked. */
int tm__result_build_threads(int comp, tm__result* r);

/* ------------------------------------------------------------------------------------------ */
/* child processes hand their data to their parent (handoff.c)                                */

void tm__handoff_load(void);         /* library constructor: this process's folder, the env */
void tm__handoff_fork_prepare(void); /* atfork handlers (library.c) */
void tm__handoff_fork_parent(void);
void tm__handoff_fork_child(void); /* after tm__graph_after_fork */
void tm__handoff_collect(void);    /* children that made their last hand-off: adopted now */
void tm__handoff_discard(void);    /* ... discarded (timemory_clear) */
void tm__handoff_close(void);      /* every child collected for good (finalize, tests) */
/* finalize: children merged (lost ones counted), a child's last hand-off made. Returns
 * whether this process writes its own output. */
bool tm__handoff_finalize(void);
void tm__handoff_at_exit(void); /* the folder goes, also when a late child made it again */

/* ------------------------------------------------------------------------------------------ */
/* writers (output_text.c, output_json.c, output.c)                                           */

void tm__write_text(tm__buf* b, const tm__result* r);
/* Flat JSON document for several results ({"timemory":{...}}), OUTPUT.md §3. */
void tm__write_json_flat(tm__buf* b, const tm__result* const* r, size_t n);
/* Tree JSON document, OUTPUT.md §4 (graph_key "graph", or "mpi" with MPI). */
void tm__write_json_tree(tm__buf* b, const tm__result* const* r, size_t n);
/* Chrome trace-event JSON, OUTPUT.md §5. */
void tm__write_flamegraph(tm__buf* b, const tm__result* r);
/* Component metadata keys ("properties" .. "concurrency") shared by both JSON layouts. */
void tm__write_json_metadata(tm__buf* b, const tm__result* r);

/* Text in terminal columns (text_width.c): UTF-8 characters, one column each, a control or
 * invalid byte shown as '?'. tm__buf_fit appends text in at most cols columns -- whole, or its
 * start and end around "..." -- padded with spaces to cols when pad; returns the columns. */
size_t tm__text_columns(const char* text);
size_t tm__buf_fit(tm__buf* b, const char* text, size_t cols, bool pad);

/* What stdout shows after a run (output_summary.c): the whole table when cout_mode is
 * "full", or "auto" and the table has at most cout_max_rows rows; else the summary of r in
 * width columns (tm__summary_width(): summary_width, $COLUMNS, the terminal's, 80) -- the top
 * functions by self and inclusive value, the call tree pruned below summary_threshold % of
 * the total, and files[0 .. nfiles), the files written for r. */
bool tm__cout_whole_table(const tm__result* r);
int  tm__summary_width(void);
void tm__write_summary(tm__buf* b, const tm__result* r, const char* const* files, size_t nfiles,
                       int width);
/* The progress line of a long output phase on stderr (output_progress.c, output_progress):
 * begin/end bracket the phase, file names each file as it starts; util.c reports the bytes it
 * writes through tm__write_progress while a phase shows progress (NULL otherwise). */
void tm__progress_begin(void);
void tm__progress_file(const char* path);
void tm__progress_end(void);
extern void (*tm__write_progress)(size_t bytes);
/* Counts n bytes written to an output file (calls tm__write_progress when it is set). */
void           tm__progress_add(size_t n);
extern int64_t tm__progress_delay_ns; /* before the first line: 1 s (tests: 0) */

/* What the outputs say about the run (output_metadata.c). A written file is listed in
 * metadata.json under its kind; the launch time formatted by strftime; metadata.json's
 * document and functions.json's. */
enum { TM_OUTPUT_JSON = 0, TM_OUTPUT_TEXT = 1 };
void tm__output_record_file(int kind, const char* label, const char* path);
void tm__output_launch_strftime(const char* fmt, char* out, size_t len);
void tm__put_metadata(tm__buf* b);
void tm__write_functions(tm__buf* b);
/* output.c, for output_dart.c: a copy of a string setting's field (under the settings lock;
 * malloc'd); every pair (e.g. "__") in s made one character. */
char* tm__setting_string_copy(char* const* field);
void  tm__collapse_repeats(char* s, const char* pair);
/* The DartMeasurement tags of a result on stdout (output_dart.c; dart_output). */
void tm__dart(const tm__result* r);
/* File name of an output: <output_path>[/<time>]/<output_prefix><label><ext>. */
int tm__output_filename(const char* label, const char* ext, char* buf, size_t len);
/* Writes every file and the stdout table of one result (OUTPUT.md §1). */
int tm__output_result(const tm__result* r);
/* Every component with data, reverse creation order; then metadata.json/functions.json. */
int tm__output_all(void);

/* ------------------------------------------------------------------------------------------ */
/* library state (library.c)                                                                   */

extern volatile int tm__state; /* 0 loaded, 1 initialized, 2 finalizing, 3 finalized */

#include "json_diff.h"

/* ---- added by task "Results people can look at" (output_svg.c) ---- */
/* Self-contained SVG flame graph of r's merged tree (<label>.flamegraph.svg): widths
 * proportional to the first raw value, labels escaped for XML, hover titles, click-to-zoom. */
void tm__write_flamegraph_svg(tm__buf* b, const tm__result* r);
/* ---- end of block added by "Results people can look at" ---- */

/* ---- added by task "Output folders" (output_claim.c) ---- */
/* Claims the folder for the output phase now starting (output.c): locks
 * <requested>/.timemory.lock until tm__claim_release, and when the process that wrote there
 * last ran at the same time as this one, moves to <requested>-<pid> (one line on stderr says
 * why). A folder this process claimed before is taken again as it is. out = the folder to
 * write into. TIMEMORY_EIO when no folder could be made or locked (out is then the folder
 * the files' own writes will fail in, and report). */
int tm__claim_folder(const char* requested, char* out, size_t len);
/* Ends the phase's claim; when files were written, this process's stamp is left in the lock
 * file (final: the finalize output, after which it writes no more). */
void tm__claim_release(bool wrote, bool final);
/* A short lock of <dir>/.timemory.lock for a read-modify-write beside the claimed folder
 * (CTestNotes.txt); -1 when it cannot be taken or is the phase's own (held already). */
int  tm__folder_lock(const char* dir);
void tm__folder_unlock(int fd);
/* ---- end of block added by "Output folders" ---- */

#include "ranks.h"

#include "timeline.h"

/* ------------------------------------------------------------------------------------------ */
/* test hooks                                                                                  */

/* Injectable clock: when set, tm__record_set() and timemory_component_record() return
 * fn(comp, idx) for every element instead of reading the system. NULL restores the system. */
typedef int64_t (*tm__test_reader)(int comp, int idx);
void tm__set_test_reader(tm__test_reader fn);

/* ---- added by task "signals" (signals.c: the fatal-signal handler) ---- */
/* The process whose data this is: getpid(), except in the copy of a crashed process that
 * the fatal-signal handler makes to write the outputs, where it is the crashed process's. */
long tm__data_pid(void);
/* graph.c: fn runs on a thread at its first push, before its graph is made (NULL: nothing).
 * signals.c sets it when the handler is enabled: the thread gets an alternate signal stack --
 * a hook, so that the storage layer does not call up into the signal handler (which calls
 * timemory_finalize). */
void tm__graph_on_thread_start(void (*fn)(void));
/* ---- end of block added by "signals" ---- */
#endif /* TIMEMORY_INTERNAL_H */
