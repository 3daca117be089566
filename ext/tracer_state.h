/* tracer_state.h -- what the files of the line tracer share: its state (the struct T, defined in
 * tracer.c), the per-code and per-thread records, and the per-event helpers that every
 * backend inlines. tracer.c owns the state, the decisions, the flush into the call-graph,
 * install/uninstall and the line profiler's mode (tracer.h), tracer_session.c the
 * TracerSession type; each
 * backend has its file: tracer_legacy.c (PyEval_SetTrace), tracer_scoped.c (3.9-3.11: the
 * PEP 523 frame hook switching it) and tracer_monitoring.c (3.12+: sys.monitoring). Policy as
 * in tracer.c. */
#ifndef TIMEMORY_EXT_TRACER_STATE_H
#define TIMEMORY_EXT_TRACER_STATE_H

#include "hooks.h"
#include "tracer.h"

#include <stdlib.h>
#include <string.h>

/* one shared object: the tracer's symbols are its own (direct, not through the GOT) */
#pragma GCC visibility push(hidden)

/* ------------------------------------------------------------------------------------------ */
/* state                                                                                       */

#define TM_TR_MAXC 16 /* components in one tracer set */

typedef struct tm_tr_code {
    PyObject* code; /* strong */
    uint8_t   verdict;
    uint32_t  index;      /* order of first sight: output order, per-thread data index */
    int32_t   first_line; /* line of labels[0] */
    uint32_t  nlines;
    int32_t   def_line; /* the "def" line showing calls and inclusive time; -1 none */
    PyObject* labels;   /* tuple of str, nlines long (strong) */
    uint8_t*  listed;   /* lines shown even when never run */
    uint64_t* keys;     /* registered label hashes, 0 = not yet */
    uint64_t  call_key; /* "func/file.py:line": its calls in the timeline */
    bool      local_events;
} tm_tr_code;

/* One entry of a thread's shadow stack of traced frames. */
typedef struct tm_tr_frame {
    const void* id; /* legacy: the frame object; monitoring: the code object */
    tm_tr_code* entry;
    int64_t*    data;  /* this thread's data for entry */
    int64_t*    saved; /* the caller's line slot, resumed on return */
    int         tl;    /* the call in the timeline (timemory_timeline_begin's token) */
} tm_tr_frame;

typedef struct tm_tr_thread {
    tm_thread_link link;
    int64_t**      data; /* by code index: header + lines, see tm_tr_data_* */
    size_t         data_cap;
    int64_t*       cur; /* slot of the line being timed, NULL between lines */
    int64_t        t0[2 * TM_TR_MAXC];
    tm_tr_frame*   stack;
    size_t         depth;
    size_t         cap;
    int64_t*       starts; /* call readings, width per depth */
    size_t         starts_cap;
    uint32_t       session;
} tm_tr_thread;

enum {
    TM_TR_AUTO       = 0,
    TM_TR_LEGACY     = 1,
    TM_TR_MONITORING = 2,
    TM_TR_SCOPED     = 3, /* 3.9-3.11: PyEval_SetTrace switched on only in selected frames */
    TM_TR_REWRITE    = 4, /* 3.11, line profiler: rewritten bytecode calls in (line_rewrite.c) */
    TM_TR_NBACKENDS  = 5
};

#if PY_VERSION_HEX < 0x030C0000
#    define TM_TR_HAVE_SCOPED 1
#else
#    define TM_TR_HAVE_SCOPED 0
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#    define TM_TR_HAVE_REWRITE 1
#else
#    define TM_TR_HAVE_REWRITE 0
#endif

typedef struct tm_tr_state {
    tm_hook_config         cfg;
    tm_code_table          codes;
    tm_thread_registry     threads;
    tm_tr_code**           entries; /* every entry, owned here; selected ones by index */
    size_t                 nentries;
    size_t                 entries_cap;
    tm_tr_code**           selected;
    size_t                 nselected;
    size_t                 selected_cap;
    timemory_components_t  mask; /* the compact form of set */
    timemory_component_set set;
    int                    ids[TM_TR_MAXC];
    int                    ncomp;
    int                    width;    /* int64 values per reading: 2 per component */
    int                    stride;   /* per line: laps + width */
    bool                   fast;     /* wall_clock only: values are ticks (tm_hook_ticks) */
    bool                   tsc;      /* the ticks are time-stamp-counter ticks */
    bool                   timeline; /* the setting, at start: calls go to the timeline */
    bool                   initialized;
    bool                   active;
    int                    backend;
    int                    backend_choice;
    bool                   displaced; /* scoped: another tool's trace hook kept us out */
    /* benchmarks: the callbacks return at once (events received and dropped, hooks switched
     * as usual) -- what the interpreter's delivery of the events costs without our work */
    bool      calibrating;
    uint32_t  session;
    PyObject* function; /* tracer_function */
    PyObject* saved_thread_hook;
    PyObject* line_info; /* trace/tracer.py: code -> (first, def, labels, listed) */
    PyObject* claim;     /* trace/tracer.py: run as a Tracer session ends (line profiler) */
    /* the line profiler's mode (ext/line_profiler.c, tracer.h): a set of the code objects
     * selected (the filter is not asked); NULL in the tracer's own mode */
    PyObject* lines_select;
    bool      lines_rewrite; /* ... run as rewritten bytecode (TM_TR_REWRITE) */
#if TM_HOOKS_HAVE_MONITORING
    tm_monitor mon;
    int        mon_registered;
    int        local_events;
    bool       mon_used;
    /* the line profiler's pause (tm_tr_lines_stop): the hooks stay, events are ignored --
     * sys.monitoring re-instruments every code object that runs after a change of events */
    bool      parked;
    PyObject* cb_start;
    PyObject* cb_throw;
    PyObject* cb_resume;
    PyObject* cb_return;
    PyObject* cb_unwind;
    PyObject* cb_line;
#endif
} tm_tr_state;

extern tm_tr_state tm_tr_T;
#define T tm_tr_T

extern TM_HOOK_TLS tm_tr_thread* tm_tr_tls;
/* Set while this thread decides a code object (Python code runs): the frame hook passes. */
extern TM_HOOK_TLS int tm_tr_busy;

extern tm_tr_code tm_tr_unrecorded;

/* tracer.c: the slow paths (once per code object, once per thread), the removal */
tm_tr_code*   tm_tr_decide(PyObject* code);
tm_tr_thread* tm_tr_thread_slow(void);
int           tm_tr_uninstall(void);
void          tm_tr_on_shutdown(void);

/* tracer.c: what tracer_session.c drives */
extern const char* const tm_tr_backend_names[];
int                      tm_tr_resolve_backend(void);
int                      tm_tr_install(void);
void                     tm_tr_flush(void);
void                     tm_tr_reset_codes(void);
void                     tm_tr_close_parked(void);
void                     tm_tr_thread_release_data(tm_tr_thread* t);
void                     tm_tr_thread_free(tm_thread_link* link);
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
void tm_tr_find_trace_lines(void);
#endif

/* line_rewrite.c: the cached entries of its code ids dropped (tm_tr_reset_codes) */
void tm_lr_reset_entries(void);

/* tracer_legacy.c: the PyEval_SetTrace callback and its callable form */
int tm_tr_legacy(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg);
int tm_tr_entry(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg);

#if TM_TR_HAVE_SCOPED
/* tracer_scoped.c: the frame hook */
PyObject* tm_tr_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag);
#endif

#if TM_HOOKS_HAVE_MONITORING
/* tracer_monitoring.c: the sys.monitoring callbacks and their installation */
PyObject* tm_tr_mon_start(PyObject* const* args, size_t nargs);
PyObject* tm_tr_mon_resume(PyObject* const* args, size_t nargs);
PyObject* tm_tr_mon_return(PyObject* const* args, size_t nargs);
PyObject* tm_tr_mon_line(PyObject* const* args, size_t nargs);
int       tm_tr_monitor_install(void);
void      tm_tr_monitor_uninstall(void);
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
/* tracer.c: 3.11 keeps the frame struct private: its f_trace_lines member is found through
 * the type */
extern Py_ssize_t tm_tr_trace_lines_offset;
#endif

/* per-(thread, code) data: [0] active calls, [1] calls, [2, 2+width) inclusive values, then
 * per line [laps, values(width)] */
static inline size_t tm_tr_header(void)
{
    return 2 + (size_t)T.width;
}

static inline int64_t* tm_tr_slot(int64_t* data, uint32_t line)
{
    return data + tm_tr_header() + (size_t)line * (size_t)T.stride;
}

/* ------------------------------------------------------------------------------------------ */
/* readings                                                                                    */

static inline void tm_tr_read(int64_t* out)
{
    if(TM_HOOK_LIKELY(T.fast))
    {
        out[0] = tm_hook_ticks(T.tsc);
        return;
    }
    for(int i = 0; i < T.ncomp; ++i) timemory_component_record(T.ids[i], &out[2 * i]);
}

static inline void tm_tr_add(int64_t* acc, const int64_t* start, const int64_t* stop)
{
    if(TM_HOOK_LIKELY(T.fast))
    {
        acc[0] += stop[0] - start[0];
        return;
    }
    for(int i = 0; i < T.ncomp; ++i)
    {
        int64_t delta[2];
        timemory_component_delta(T.ids[i], &start[2 * i], &stop[2 * i], delta);
        timemory_component_accumulate(T.ids[i], &acc[2 * i], delta);
    }
}

static inline tm_tr_code* tm_tr_lookup(PyObject* code)
{
    tm_tr_code* e = (tm_tr_code*)tm_code_table_get(&T.codes, code);
    if(TM_HOOK_LIKELY(e != NULL)) return e;
    ++tm_tr_busy;
    e = tm_tr_decide(code);
    --tm_tr_busy;
    return e;
}

static inline tm_tr_thread* tm_tr_thread_get(void)
{
    tm_tr_thread* t = tm_tr_tls;
    if(TM_HOOK_LIKELY(t && t->session == T.session)) return t;
    return tm_tr_thread_slow();
}

/* This thread's data for a code object (allocated at its first call on the thread). */
static inline int64_t* tm_tr_data(tm_tr_thread* t, const tm_tr_code* e)
{
    if(TM_HOOK_LIKELY(e->index < t->data_cap && t->data[e->index])) return t->data[e->index];
    if(tm_hook_grow((void**)&t->data, &t->data_cap, (size_t)e->index + 1, sizeof(int64_t*)) < 0)
        return NULL;
    size_t   n        = tm_tr_header() + (size_t)e->nlines * (size_t)T.stride;
    int64_t* data     = calloc(n, sizeof(int64_t));
    t->data[e->index] = data;
    return data;
}

/* ------------------------------------------------------------------------------------------ */
/* per-event work                                                                              */

/* A traced call in the timeline (setting `timeline`), named "func/file.py:line": at the
 * reading just taken when it is in ticks (wall_clock alone), else at the engine's clock. */
static inline int tm_tr_timeline_begin(const tm_tr_code* e, const int64_t* now)
{
    if(!e->call_key) return 0;
    return timemory_timeline_begin(e->call_key, T.fast ? now[0] : TIMEMORY_TIMELINE_NOW);
}

static inline void tm_tr_timeline_end(const tm_tr_frame* f, const int64_t* now)
{
    timemory_timeline_end(f->entry->call_key, T.fast ? now[0] : TIMEMORY_TIMELINE_NOW, f->tl);
}

static inline void tm_tr_enter(tm_tr_thread* t, const void* id, tm_tr_code* e)
{
    int64_t* data = tm_tr_data(t, e);
    if(TM_HOOK_UNLIKELY(!data)) goto oom;
    if(TM_HOOK_UNLIKELY(t->depth == t->cap))
    {
        if(tm_hook_grow((void**)&t->stack, &t->cap, t->depth + 1, sizeof(tm_tr_frame)) < 0)
            goto oom;
    }
    size_t need = (t->depth + 1) * (size_t)T.width;
    if(TM_HOOK_UNLIKELY(need > t->starts_cap) &&
       tm_hook_grow((void**)&t->starts, &t->starts_cap, need, sizeof(int64_t)) < 0)
        goto oom;
    int64_t* now = &t->starts[t->depth * (size_t)T.width];
    tm_tr_read(now);
    if(t->cur) tm_tr_add(t->cur + 1, t->t0, now);
    tm_tr_frame* f = &t->stack[t->depth++];
    f->id          = id;
    f->entry       = e;
    f->data        = data;
    f->saved       = t->cur;
    f->tl          = TM_HOOK_UNLIKELY(T.timeline) ? tm_tr_timeline_begin(e, now) : 0;
    data[0] += 1; /* active */
    data[1] += 1; /* calls */
    t->cur = NULL;
    return;
oom:
    tm_hook_note_error();
}

static inline void tm_tr_exit(tm_tr_thread* t)
{
    int64_t now[2 * TM_TR_MAXC];
    tm_tr_read(now);
    if(t->cur) tm_tr_add(t->cur + 1, t->t0, now);
    tm_tr_frame* f = &t->stack[--t->depth];
    if(TM_HOOK_UNLIKELY(f->tl)) tm_tr_timeline_end(f, now);
    /* recursion: the outermost activation carries the inclusive time */
    if(--f->data[0] == 0) tm_tr_add(f->data + 2, &t->starts[t->depth * (size_t)T.width], now);
    /* the line profiler: a line's time runs to the next line of its frame, calls included */
    if(TM_HOOK_UNLIKELY(T.lines_select != NULL) && f->saved)
        tm_tr_add(f->saved + 1, &t->starts[t->depth * (size_t)T.width], now);
    t->cur = f->saved;
    if(t->cur) memcpy(t->t0, now, sizeof(int64_t) * (size_t)T.width);
}

static inline void tm_tr_line(tm_tr_thread* t, const tm_tr_frame* top, long lineno)
{
    int64_t now[2 * TM_TR_MAXC];
    tm_tr_read(now);
    if(t->cur) tm_tr_add(t->cur + 1, t->t0, now);
    uint32_t idx = (uint32_t)(lineno - top->entry->first_line);
    if(TM_HOOK_UNLIKELY(idx >= top->entry->nlines))
    {
        t->cur = NULL;
        return;
    }
    int64_t* slot = tm_tr_slot(top->data, idx);
    slot[0] += 1;
    t->cur = slot;
    if(TM_HOOK_LIKELY(T.fast))
        t->t0[0] = now[0];
    else
        memcpy(t->t0, now, sizeof(int64_t) * (size_t)T.width);
}

/* The thread whose innermost traced frame is id, or NULL. */
static inline tm_tr_thread* tm_tr_matching(const void* id)
{
    tm_tr_thread* t = tm_tr_tls;
    if(TM_HOOK_LIKELY(t && t->session == T.session && t->depth > 0 &&
                      t->stack[t->depth - 1].id == id))
        return t;
    return NULL;
}

static inline long tm_tr_frame_line(PyFrameObject* frame)
{
#if PY_VERSION_HEX >= 0x030A0000
    return PyFrame_GetLineNumber(frame); /* f_lineno is set while a line event is delivered */
#else
    return frame->f_lineno;
#endif
}

/* No line events from a frame that is not traced: the interpreter skips the call entirely. */
static inline void tm_tr_quiet_frame(PyFrameObject* frame)
{
#if PY_VERSION_HEX < 0x030B0000
    frame->f_trace_lines = 0;
#elif PY_VERSION_HEX < 0x030C0000
    if(tm_tr_trace_lines_offset > 0) *((char*)frame + tm_tr_trace_lines_offset) = 0;
#else
    (void)frame;
#endif
}

#pragma GCC visibility pop

#endif /* TIMEMORY_EXT_TRACER_STATE_H */
