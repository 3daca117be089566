/* tracer.c -- the line tracer: C callbacks that attribute the time between line events to the
 * line being executed, per thread and per line, in plain C arrays; stop() then pushes one
 * flat node per source line of every traced function (timemory_push with no components +
 * timemory_pop_values), lines never run included with no laps. 3.9-3.11 use PyEval_SetTrace,
 * switched on by a PEP 523 frame hook only while selected frames run ("scoped"; on every
 * thread throughout with the "legacy" backend); 3.12+ use sys.monitoring with LINE enabled only
 * on the selected code objects.
 * Policy: labels come from the package (trace/tracer.py) once per code object; per event
 * there is a compare, a clock read and two additions -- no Python object, no allocation. */
#include "hooks.h"
#include "tracer.h"

#include <structmember.h>

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* state                                                                                       */

#define TM_TR_MAXC 16 /* components in one tracer set */

typedef struct tm_tr_code
{
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
typedef struct tm_tr_frame
{
    const void* id; /* legacy: the frame object; monitoring: the code object */
    tm_tr_code* entry;
    int64_t*    data;  /* this thread's data for entry */
    int64_t*    saved; /* the caller's line slot, resumed on return */
    int         tl;    /* the call in the timeline (timemory_timeline_begin's token) */
} tm_tr_frame;

typedef struct tm_tr_thread
{
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

enum
{
    TM_TR_AUTO       = 0,
    TM_TR_LEGACY     = 1,
    TM_TR_MONITORING = 2,
    TM_TR_SCOPED     = 3, /* 3.9-3.11: PyEval_SetTrace switched on only in selected frames */
    TM_TR_NBACKENDS  = 4
};

static const char* const tm_tr_backend_names[] = {"auto", "legacy", "monitoring", "scoped"};

#if PY_VERSION_HEX < 0x030C0000
#    define TM_TR_HAVE_SCOPED 1
#else
#    define TM_TR_HAVE_SCOPED 0
#endif

static struct
{
    tm_hook_config        cfg;
    tm_code_table         codes;
    tm_thread_registry    threads;
    tm_tr_code**          entries; /* every entry, owned here; selected ones by index */
    size_t                nentries;
    size_t                entries_cap;
    tm_tr_code**          selected;
    size_t                nselected;
    size_t                selected_cap;
    timemory_components_t mask; /* the compact form of set */
    timemory_component_set set;
    int                   ids[TM_TR_MAXC];
    int                   ncomp;
    int                   width;  /* int64 values per reading: 2 per component */
    int                   stride; /* per line: laps + width */
    bool                  fast;   /* wall_clock only: values are ticks (tm_hook_ticks) */
    bool                  tsc;    /* the ticks are time-stamp-counter ticks */
    bool                  timeline; /* the setting, at start: calls go to the timeline */
    bool                  initialized;
    bool                  active;
    int                   backend;
    int                   backend_choice;
    bool                  displaced; /* scoped: another tool's trace hook kept us out */
    /* benchmarks: the callbacks return at once (events received and dropped, hooks switched
     * as usual) -- what the interpreter's delivery of the events costs without our work */
    bool      calibrating;
    uint32_t  session;
    PyObject* function; /* tracer_function */
    PyObject* saved_thread_hook;
    PyObject* line_info; /* trace/tracer.py: code -> (first, def, labels, listed) */
    /* the line profiler's mode (ext/line_profiler.c, tracer.h): a set of the code objects
     * selected (the filter is not asked); NULL in the tracer's own mode */
    PyObject* lines_select;
#if TM_HOOKS_HAVE_MONITORING
    tm_monitor mon;
    int        mon_registered;
    int        local_events;
    bool       mon_used;
    /* the line profiler's pause (tm_tr_lines_stop): the hooks stay, events are ignored --
     * sys.monitoring re-instruments every code object that runs after a change of events */
    bool parked;
    PyObject*  cb_start;
    PyObject*  cb_throw;
    PyObject*  cb_resume;
    PyObject*  cb_return;
    PyObject*  cb_unwind;
    PyObject*  cb_line;
#endif
} T;

static TM_HOOK_TLS tm_tr_thread* tm_tr_tls;
/* Set while this thread decides a code object (Python code runs): the frame hook passes. */
static TM_HOOK_TLS int tm_tr_busy;

static tm_tr_code tm_tr_unrecorded = {NULL, TM_HOOK_SKIP, 0, 0, 0, -1, NULL, NULL, NULL, 0, false};

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

/* ------------------------------------------------------------------------------------------ */
/* slow paths                                                                                  */

static int tm_tr_append(tm_tr_code*** arr, size_t* n, size_t* cap, tm_tr_code* e)
{
    if(tm_hook_grow((void**)arr, cap, *n + 1, sizeof(tm_tr_code*)) < 0) return -1;
    (*arr)[(*n)++] = e;
    return 0;
}

/* Asks the package for the lines of a selected code object. 0, or -1 with an exception. */
static int tm_tr_load_lines(tm_tr_code* e, PyObject* code)
{
    if(!T.line_info)
    {
        PyErr_SetString(PyExc_RuntimeError, "tracer: no line-information function set");
        return -1;
    }
    PyObject* info = PyObject_CallOneArg(T.line_info, code);
    if(!info) return -1;
    long      first = 0, def_line = -1;
    PyObject* labels = NULL;
    PyObject* listed = NULL;
    if(!PyArg_ParseTuple(info, "llOO;tracer line information: (first, def, labels, listed)", &first,
                         &def_line, &labels, &listed))
    {
        Py_DECREF(info);
        return -1;
    }
    PyObject* tuple = PySequence_Tuple(labels);
    PyObject* flags = PySequence_Tuple(listed);
    Py_DECREF(info);
    if(!tuple || !flags || PyTuple_GET_SIZE(tuple) != PyTuple_GET_SIZE(flags))
    {
        if(tuple && flags)
            PyErr_SetString(PyExc_ValueError, "tracer line information: sizes differ");
        Py_XDECREF(tuple);
        Py_XDECREF(flags);
        return -1;
    }
    size_t n  = (size_t)PyTuple_GET_SIZE(tuple);
    e->listed = calloc(n ? n : 1, 1);
    e->keys   = calloc(n ? n : 1, sizeof(uint64_t));
    if(!e->listed || !e->keys)
    {
        Py_DECREF(tuple);
        Py_DECREF(flags);
        PyErr_NoMemory();
        return -1;
    }
    for(size_t i = 0; i < n; ++i)
    {
        int truth = PyObject_IsTrue(PyTuple_GET_ITEM(flags, (Py_ssize_t)i));
        if(truth < 0 || !PyUnicode_Check(PyTuple_GET_ITEM(tuple, (Py_ssize_t)i)))
        {
            if(truth >= 0) PyErr_SetString(PyExc_TypeError, "tracer labels must be str");
            Py_DECREF(tuple);
            Py_DECREF(flags);
            return -1;
        }
        e->listed[i] = (uint8_t)truth;
    }
    Py_DECREF(flags);
    e->labels     = tuple;
    e->first_line = (int32_t)first;
    e->nlines     = (uint32_t)n;
    e->def_line   = (int32_t)def_line;
    /* its calls' name in the timeline, as the profiler names them */
    PyCodeObject* co   = (PyCodeObject*)code;
    const char*   file = PyUnicode_AsUTF8(co->co_filename);
    const char*   func = PyUnicode_AsUTF8(co->co_name);
    if(!file || !func) return -1;
    const char* slash = strrchr(file, '/');
    PyObject*   label = PyUnicode_FromFormat("%s/%s:%d", func, slash ? slash + 1 : file,
                                             co->co_firstlineno);
    const char* text  = label ? PyUnicode_AsUTF8(label) : NULL;
    if(text) e->call_key = timemory_add_hash_id(text);
    Py_XDECREF(label);
    if(!text) return -1;
    /* the shown lines are registered now: their hashes are what output will look up */
    for(size_t i = 0; i < n; ++i)
    {
        if(!e->listed[i]) continue;
        const char* text = PyUnicode_AsUTF8(PyTuple_GET_ITEM(tuple, (Py_ssize_t)i));
        if(!text) return -1;
        e->keys[i] = timemory_add_hash_id(text);
    }
    return 0;
}

static void tm_tr_free_entry(tm_tr_code* e)
{
    if(!e || e == &tm_tr_unrecorded) return;
    Py_XDECREF(e->code);
    Py_XDECREF(e->labels);
    free(e->listed);
    free(e->keys);
    free(e);
}

static int tm_tr_uninstall(void);

static tm_tr_code* tm_tr_decide(PyObject* code)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    uint32_t    session = T.session;
    tm_tr_code* e       = calloc(1, sizeof(tm_tr_code));
    if(!e) goto done;
    Py_INCREF(code);
    e->code     = code;
    e->def_line = -1;
    e->verdict  = (uint8_t)tm_hook_filter(&T.cfg, (PyCodeObject*)code);
    if(T.lines_select && e->verdict != TM_HOOK_SHUTDOWN)
        e->verdict = PySet_Contains(T.lines_select, code) > 0 ? TM_HOOK_SELECT : TM_HOOK_SKIP;
    /* the line labels come from Python code: another thread may run meanwhile, even stop
     * the tracer or reset its decisions -- nothing shared is touched before it returns */
    if(e->verdict == TM_HOOK_SELECT && tm_tr_load_lines(e, code) < 0)
    {
        if(T.cfg.verbosity > 0) PyErr_WriteUnraisable(code);
        PyErr_Clear();
        e->verdict = TM_HOOK_SKIP;
    }
    if(session != T.session)
    {
        tm_tr_free_entry(e); /* decided for a session that has ended: decide again later */
        PyErr_Clear();
        PyErr_Restore(exc_type, exc_value, exc_tb);
        return &tm_tr_unrecorded;
    }
    if(tm_tr_append(&T.entries, &T.nentries, &T.entries_cap, e) < 0)
    {
        tm_tr_free_entry(e);
        e = NULL;
        goto done;
    }
    if(e->verdict == TM_HOOK_SELECT)
    {
        if(tm_tr_append(&T.selected, &T.nselected, &T.selected_cap, e) < 0)
            e->verdict = TM_HOOK_SKIP;
        else
            e->index = (uint32_t)(T.nselected - 1);
#if TM_HOOKS_HAVE_MONITORING
        if(e->verdict == TM_HOOK_SELECT && T.active && T.backend == TM_TR_MONITORING)
        {
            if(tm_monitor_set_local(&T.mon, code, T.local_events) < 0)
            {
                PyErr_WriteUnraisable(code);
                e->verdict = TM_HOOK_SKIP;
            }
            else
                e->local_events = true;
        }
#endif
    }
    if(tm_code_table_put(&T.codes, code, e) < 0) e = NULL; /* owned by T.entries */
done:
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    if(!e)
    {
        tm_hook_note_error();
        return &tm_tr_unrecorded;
    }
    return e;
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

static void tm_tr_thread_release_data(tm_tr_thread* t)
{
    for(size_t i = 0; i < t->data_cap; ++i)
    {
        free(t->data[i]);
        t->data[i] = NULL;
    }
    t->cur   = NULL;
    t->depth = 0;
}

static void tm_tr_thread_free(tm_thread_link* link)
{
    tm_tr_thread* t = (tm_tr_thread*)link;
    tm_tr_thread_release_data(t);
    free(t->data);
    free(t->stack);
    free(t->starts);
    free(t);
}

static tm_tr_thread* tm_tr_thread_slow(void)
{
    tm_tr_thread* t = tm_tr_tls;
    if(!t)
    {
        t = calloc(1, sizeof(tm_tr_thread));
        if(!t || tm_thread_registry_add(&T.threads, &t->link) < 0)
        {
            free(t);
            tm_hook_note_error();
            return NULL;
        }
        tm_tr_tls = t;
    }
    t->cur     = NULL;
    t->depth   = 0;
    t->session = T.session;
    return t;
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

static void tm_tr_on_shutdown(void)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tm_tr_uninstall();
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

static inline long tm_tr_frame_line(PyFrameObject* frame)
{
#if PY_VERSION_HEX >= 0x030A0000
    return PyFrame_GetLineNumber(frame); /* f_lineno is set while a line event is delivered */
#else
    return frame->f_lineno;
#endif
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
/* 3.11 keeps the frame struct private: its f_trace_lines member is found through the type */
static Py_ssize_t tm_tr_trace_lines_offset = -1;

static void tm_tr_find_trace_lines(void)
{
    for(PyMemberDef* m = PyFrame_Type.tp_members; m && m->name; ++m)
        if(strcmp(m->name, "f_trace_lines") == 0 && m->type == T_BOOL)
            tm_tr_trace_lines_offset = m->offset;
}
#endif

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

/* PyEval_SetTrace callback */
static int tm_tr_legacy(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg)
{
    (void)obj;
    (void)arg;
    switch(what)
    {
    case PyTrace_LINE:
    {
        if(TM_HOOK_UNLIKELY(T.calibrating)) return 0;
        tm_tr_thread* t = tm_tr_matching(frame);
        if(TM_HOOK_LIKELY(t != NULL))
            tm_tr_line(t, &t->stack[t->depth - 1], tm_tr_frame_line(frame));
        return 0;
    }
    case PyTrace_CALL:
    {
        tm_tr_code* e = tm_tr_lookup((PyObject*)tm_hook_frame_code(frame));
        if(TM_HOOK_LIKELY(e->verdict != TM_HOOK_SELECT))
        {
            if(e->verdict == TM_HOOK_SHUTDOWN)
                tm_tr_on_shutdown();
            else
                tm_tr_quiet_frame(frame);
            return 0;
        }
        if(TM_HOOK_UNLIKELY(T.calibrating)) return 0;
        tm_tr_thread* t = tm_tr_thread_get();
        if(t) tm_tr_enter(t, frame, e);
        return 0;
    }
    case PyTrace_RETURN:
    {
        if(TM_HOOK_UNLIKELY(T.calibrating)) return 0;
        tm_tr_thread* t = tm_tr_matching(frame);
        if(t) tm_tr_exit(t);
        return 0;
    }
    default:
        return 0;
    }
}

#if TM_TR_HAVE_SCOPED
/* The scoped backend (3.9-3.11): a PEP 523 frame hook switches the thread's PyEval_SetTrace
 * hook on for the evaluation of a selected frame and off for any other, so the code a traced
 * function calls (numpy's Python code, say) runs without the interpreter's tracing mode --
 * which, paid on every instruction of every frame, is most of what a trace hook costs there.
 * A thread whose trace hook is another tool's is left alone. */
/* Switches the calling thread's hook on or off; false when that did not happen. */
static inline bool tm_tr_switch(bool on)
{
    return tm_hook_legacy_switch(true, on ? tm_tr_legacy : NULL, on ? T.function : NULL);
}

/* Deciding a code object runs Python code (line information): like code run by a trace
 * hook, it is muted for every hook, the profiler's included. */
static tm_tr_code* tm_tr_decide_muted(PyThreadState* tstate, PyObject* code)
{
#    if PY_VERSION_HEX >= 0x030B0000
    PyThreadState_EnterTracing(tstate);
    tm_tr_code* e = tm_tr_lookup(code);
    PyThreadState_LeaveTracing(tstate);
#    else
    ++tstate->tracing;
#        if PY_VERSION_HEX >= 0x030A0000
    tstate->cframe->use_tracing = 0;
#        else
    tstate->use_tracing = 0;
#        endif
    tm_tr_code* e               = tm_tr_lookup(code);
    --tstate->tracing;
    int use                     = tstate->c_tracefunc != NULL || tstate->c_profilefunc != NULL;
#        if PY_VERSION_HEX >= 0x030A0000
    tstate->cframe->use_tracing = use;
#        else
    tstate->use_tracing = use;
#        endif
#    endif
    return e;
}

/* 3.10-3.11: tracing mode is a flag of the caller's C frame that the frame evaluated next
 * copies. Inside a traced region (our hook installed, no profile hook, which needs the flag
 * too) an unselected callee is run untraced by clearing the flag, and a selected one inside
 * such a callee by setting it again -- far cheaper than PyEval_SetTrace, which audits and swaps
 * references. Entering and leaving the region itself still installs and removes the hook. */
#    if PY_VERSION_HEX >= 0x030B0000
#        define TM_TR_CAN_FLIP 1
#        define TM_TR_TRACING_ON 255
#    elif PY_VERSION_HEX >= 0x030A0000
#        define TM_TR_CAN_FLIP 1
#        define TM_TR_TRACING_ON 1
#    else
#        define TM_TR_CAN_FLIP 0
#    endif

/* Whether the region's flag may be flipped: our hook, and no profile hook, on this thread. */
static inline bool tm_tr_flippable(const PyThreadState* tstate)
{
    return tstate->c_tracefunc == tm_tr_legacy && tstate->c_profilefunc == NULL;
}

static PyObject* tm_tr_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag)
{
    PyObject*    code    = (PyObject*)TM_HOOK_EVAL_FRAME_CODE(frame);
    Py_tracefunc have_fn = tstate->c_tracefunc;
    if(TM_HOOK_UNLIKELY(!code || !PyCode_Check(code) || tm_tr_busy || tstate->tracing))
        return tm_hook_eval_default(tstate, frame, throwflag);
    if(TM_HOOK_UNLIKELY(have_fn != NULL && have_fn != tm_tr_legacy))
    {
        /* another tool's trace hook: a selected frame it keeps from us is counted (stop
         * warns that the hook was replaced) */
        tm_tr_code* seen = (tm_tr_code*)tm_code_table_get(&T.codes, code);
        if(seen && seen->verdict == TM_HOOK_SELECT) T.displaced = true;
        return tm_hook_eval_default(tstate, frame, throwflag);
    }
#    if TM_TR_CAN_FLIP
    bool flip = tm_tr_flippable(tstate);
    int  flag = tstate->cframe->use_tracing;
    bool have = have_fn != NULL && (!flip || flag != 0);
#    else
    bool have                   = have_fn != NULL;
#    endif
    tm_tr_code* e = (tm_tr_code*)tm_code_table_get(&T.codes, code);
    if(TM_HOOK_UNLIKELY(!e))
    {
        e = tm_tr_decide_muted(tstate, code);
#    if TM_TR_CAN_FLIP
        /* deciding recomputed the flag from the hooks installed: the region's state again */
        if(flip && tm_tr_flippable(tstate)) tstate->cframe->use_tracing = flag;
#    endif
    }
    if(TM_HOOK_UNLIKELY(e->verdict == TM_HOOK_SHUTDOWN))
    {
        tm_tr_on_shutdown();
        return tm_hook_eval_default(tstate, frame, throwflag);
    }
    bool want = e->verdict == TM_HOOK_SELECT;
    if(TM_HOOK_LIKELY(want == have) || !T.active)
        return tm_hook_eval_default(tstate, frame, throwflag);
#    if TM_TR_CAN_FLIP
    if(flip)
    {
        tstate->cframe->use_tracing = want ? TM_TR_TRACING_ON : 0;
        uint32_t  session           = T.session;
        PyObject* result            = tm_hook_eval_default(tstate, frame, throwflag);
        if(T.active && T.session == session && T.backend == TM_TR_SCOPED && tm_tr_flippable(tstate))
            tstate->cframe->use_tracing = have ? TM_TR_TRACING_ON : 0;
        return result;
    }
#    endif
    if(!tm_tr_switch(want)) return tm_hook_eval_default(tstate, frame, throwflag);
    uint32_t  session = T.session;
    PyObject* result  = tm_hook_eval_default(tstate, frame, throwflag);
    /* back to the caller's state, unless the tracer stopped (or another tool took the hook)
     * meanwhile */
    if(T.active && T.session == session && T.backend == TM_TR_SCOPED &&
       tstate->c_tracefunc == (want ? tm_tr_legacy : NULL))
        tm_tr_switch(have);
    return result;
}

#endif

#if TM_HOOKS_HAVE_MONITORING
/* PY_START (code, offset): discovers code objects; the others stop reporting */
static PyObject* tm_tr_mon_start(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*   code = args[0];
    tm_tr_code* e    = tm_tr_lookup(code);
    if(TM_HOOK_UNLIKELY(e->verdict != TM_HOOK_SELECT))
    {
        if(e->verdict == TM_HOOK_SHUTDOWN)
        {
            tm_tr_on_shutdown();
            Py_RETURN_NONE;
        }
        if(e == &tm_tr_unrecorded) Py_RETURN_NONE; /* undecided: ask again next time */
        Py_INCREF(T.mon.disable);
        return T.mon.disable;
    }
    if(TM_HOOK_UNLIKELY(T.calibrating || T.parked)) Py_RETURN_NONE;
    tm_tr_thread* t = tm_tr_thread_get();
    if(t) tm_tr_enter(t, code, e);
    Py_RETURN_NONE;
}

/* PY_RESUME (local, selected codes only) and PY_THROW (global) */
static PyObject* tm_tr_mon_resume(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*   code = args[0];
    tm_tr_code* e    = (tm_tr_code*)tm_code_table_get(&T.codes, code);
    if(e && e->verdict == TM_HOOK_SELECT && !T.calibrating && !T.parked)
    {
        tm_tr_thread* t = tm_tr_thread_get();
        if(t) tm_tr_enter(t, code, e);
    }
    Py_RETURN_NONE;
}

/* PY_RETURN, PY_YIELD (local), PY_UNWIND (global) */
static PyObject* tm_tr_mon_return(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    if(TM_HOOK_UNLIKELY(T.calibrating || T.parked)) Py_RETURN_NONE;
    tm_tr_thread* t = tm_tr_matching(args[0]);
    if(t) tm_tr_exit(t);
    Py_RETURN_NONE;
}

/* LINE (code, line_number): local, selected codes only */
static PyObject* tm_tr_mon_line(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    if(TM_HOOK_UNLIKELY(T.calibrating || T.parked)) Py_RETURN_NONE;
    tm_tr_thread* t = tm_tr_matching(args[0]);
    if(TM_HOOK_LIKELY(t != NULL))
    {
        /* a line number is a small int: read in place (PyLong_AsLong is a third of the
         * callback) */
        PyLongObject* number = (PyLongObject*)args[1];
        long lineno = PyUnstable_Long_IsCompact(number) ? (long)PyUnstable_Long_CompactValue(number)
                                                        : PyLong_AsLong(args[1]);
        tm_tr_line(t, &t->stack[t->depth - 1], lineno);
    }
    Py_RETURN_NONE;
}

static int tm_tr_monitor_install(void)
{
    if(tm_monitor_open(&T.mon, 4, "timemory.trace") < 0) return -1;
    if(T.mon_used && tm_monitor_restart(&T.mon) < 0) goto fail;
    const tm_mon_events* ev = &T.mon.ev;
    T.local_events          = ev->line | ev->py_return | ev->py_yield | ev->py_resume;
    struct
    {
        int       event;
        PyObject* cb;
        bool      global;
    } regs[]   = {{ev->py_start, T.cb_start, true},    {ev->py_throw, T.cb_resume, true},
                  {ev->py_unwind, T.cb_return, true},  {ev->py_resume, T.cb_resume, false},
                  {ev->py_return, T.cb_return, false}, {ev->py_yield, T.cb_return, false},
                  {ev->line, T.cb_line, false}};
    int global = 0;
    for(size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); ++i)
    {
        if(tm_monitor_register(&T.mon, regs[i].event, regs[i].cb) < 0) goto fail;
        T.mon_registered |= regs[i].event;
        if(regs[i].global) global |= regs[i].event;
    }
    if(tm_monitor_set_events(&T.mon, global) < 0) goto fail;
    /* code objects selected in an earlier session of this init */
    for(size_t i = 0; i < T.nselected; ++i)
    {
        tm_tr_code* e = T.selected[i];
        if(e->verdict != TM_HOOK_SELECT) continue;
        if(tm_monitor_set_local(&T.mon, e->code, T.local_events) < 0) goto fail;
        e->local_events = true;
    }
    T.mon_used = true;
    return 0;
fail:
    for(size_t i = 0; i < T.nselected; ++i) T.selected[i]->local_events = false;
    tm_monitor_close(&T.mon, T.mon_registered);
    T.mon_registered = 0;
    return -1;
}

static void tm_tr_monitor_uninstall(void)
{
    for(size_t i = 0; i < T.nselected; ++i)
    {
        tm_tr_code* e = T.selected[i];
        if(!e->local_events) continue;
        e->local_events = false;
        if(tm_monitor_set_local(&T.mon, e->code, 0) < 0) PyErr_WriteUnraisable(e->code);
    }
    tm_monitor_close(&T.mon, T.mon_registered);
    T.mon_registered = 0;
}
#endif

/* Removes the hooks that the line profiler's pause left installed. */
static void tm_tr_close_parked(void)
{
#if TM_HOOKS_HAVE_MONITORING
    if(!T.parked) return;
    T.parked = false;
    tm_tr_monitor_uninstall();
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* tracer_function: the callable form of the hook                                              */

static int tm_tr_entry(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg)
{
    if(!T.active || T.backend != TM_TR_LEGACY) return 0;
    if(!PyFrame_Check(frame))
    {
        PyErr_Format(PyExc_TypeError, "tracer_function: frame must be a frame, not %.100s",
                     Py_TYPE(frame)->tp_name);
        return -1;
    }
    int what = tm_hook_event_code(event);
    if(what < 0) return 0;
    /* reached through sys.settrace (a new thread): from now on C calls C directly */
    if(!tm_hook_legacy_installed(true, tm_tr_legacy))
    {
        PyEval_SetTrace(tm_tr_legacy, self);
        if(PyErr_Occurred()) return -1;
    }
    return tm_tr_legacy(self, (PyFrameObject*)frame, what, arg);
}

/* ------------------------------------------------------------------------------------------ */
/* output: one flat node per line                                                              */

static void tm_tr_flush(void)
{
    double  scale     = T.fast && T.tsc ? tm_hook_ticks_to_ns() : 1.0;
    int64_t laps_line = 0;
    int64_t values[2 * TM_TR_MAXC];
    for(size_t s = 0; s < T.nselected; ++s)
    {
        tm_tr_code* e = T.selected[s];
        if(e->verdict != TM_HOOK_SELECT) continue;
        for(uint32_t i = 0; i < e->nlines; ++i)
        {
            bool is_def = e->def_line >= 0 && (int32_t)i == e->def_line - e->first_line;
            laps_line   = 0;
            memset(values, 0, sizeof(values));
            for(tm_thread_link* l = T.threads.head; l; l = l->next)
            {
                tm_tr_thread* t = (tm_tr_thread*)l;
                if(e->index >= t->data_cap || !t->data[e->index]) continue;
                const int64_t* data = t->data[e->index];
                const int64_t* src  = is_def ? data + 2 : tm_tr_slot((int64_t*)data, i) + 1;
                laps_line += is_def ? data[1] : tm_tr_slot((int64_t*)data, i)[0];
                if(T.fast)
                    values[0] += src[0];
                else
                    for(int c = 0; c < T.ncomp; ++c)
                        timemory_component_accumulate(T.ids[c], &values[2 * c], &src[2 * c]);
            }
            if(laps_line == 0 && !e->listed[i]) continue;
            if(T.fast) values[0] = (int64_t)((double)values[0] * scale + 0.5);
            if(!e->keys[i])
            {
                const char* text = PyUnicode_AsUTF8(PyTuple_GET_ITEM(e->labels, (Py_ssize_t)i));
                if(!text)
                {
                    PyErr_Clear();
                    continue;
                }
                e->keys[i] = timemory_add_hash_id(text);
            }
            for(int c = 0; c < T.ncomp; ++c)
            {
                if(timemory_push(e->keys[i], 0, TIMEMORY_SCOPE_FLAT) != TIMEMORY_OK) break;
                timemory_pop_values(e->keys[i], T.ids[c], &values[2 * c], (uint64_t)laps_line);
            }
        }
    }
    for(tm_thread_link* l = T.threads.head; l; l = l->next)
        tm_tr_thread_release_data((tm_tr_thread*)l);
}

/* ------------------------------------------------------------------------------------------ */
/* install / uninstall                                                                         */

/* Removes the hooks; returns how many threads had their hook replaced by another tool
 * meanwhile (the package warns). */
static int tm_tr_uninstall(void)
{
    tm_tr_close_parked();
    if(!T.active) return 0;
    T.active     = false;
    int replaced = 0;
    if(T.backend == TM_TR_LEGACY)
    {
        replaced = tm_hook_legacy_remove_all(true, tm_tr_legacy);
        tm_hook_threading_restore(true, T.saved_thread_hook);
        T.saved_thread_hook = NULL;
    }
#if TM_TR_HAVE_SCOPED
    else if(T.backend == TM_TR_SCOPED)
    {
        PyInterpreterState* interp = PyThreadState_GetInterpreter(PyThreadState_Get());
        if(_PyInterpreterState_GetEvalFrameFunc(interp) == tm_tr_eval)
            _PyInterpreterState_SetEvalFrameFunc(interp, _PyEval_EvalFrameDefault);
        else
            replaced = 1;
        /* threads inside a selected frame have the hook on: switched off everywhere; a
         * thread whose hook another tool took while it ran selected code counts as replaced */
        (void)tm_hook_legacy_remove_all(true, tm_tr_legacy);
        replaced += T.displaced;
        T.displaced = false;
    }
#endif
#if TM_HOOKS_HAVE_MONITORING
    else
        tm_tr_monitor_uninstall();
#endif
    return replaced;
}

static int tm_tr_resolve_backend(void)
{
#if TM_HOOKS_HAVE_MONITORING
    return T.backend_choice == TM_TR_LEGACY ? TM_TR_LEGACY : TM_TR_MONITORING;
#else
    if(T.backend_choice == TM_TR_LEGACY) return TM_TR_LEGACY;
    /* the frame hook is the interpreter's one: taken (by the profiler, say), plain legacy */
    return (T.active ? T.backend == TM_TR_SCOPED : tm_hook_evalframe_free()) ? TM_TR_SCOPED
                                                                             : TM_TR_LEGACY;
#endif
}

static int tm_tr_install(void)
{
    tm_tr_close_parked();
    T.backend = tm_tr_resolve_backend();
    ++T.session;
#if TM_TR_HAVE_SCOPED
    if(T.backend == TM_TR_SCOPED)
    {
        PyInterpreterState* interp = PyThreadState_GetInterpreter(PyThreadState_Get());
        _PyInterpreterState_SetEvalFrameFunc(interp, tm_tr_eval);
        T.active = true;
        return 0;
    }
#endif
    if(T.backend == TM_TR_LEGACY)
    {
        if(tm_hook_threading_set(true, T.function, &T.saved_thread_hook) < 0) return -1;
        if(tm_hook_legacy_install_all(true, tm_tr_legacy, T.function) < 0)
        {
            tm_hook_threading_restore(true, T.saved_thread_hook);
            T.saved_thread_hook = NULL;
            return -1;
        }
    }
#if TM_HOOKS_HAVE_MONITORING
    else if(tm_tr_monitor_install() < 0)
        return -1;
#endif
    T.active = true;
    return 0;
}

static void tm_tr_reset_codes(void)
{
    tm_tr_close_parked(); /* its local events name the entries' code objects */
    /* nothing may point at the entries any more: per-thread data is indexed by them */
    for(tm_thread_link* l = T.threads.head; l; l = l->next)
        tm_tr_thread_release_data((tm_tr_thread*)l);
    ++T.session;
    tm_code_table_clear(&T.codes, NULL);
    size_t       n       = T.nentries;
    tm_tr_code** entries = T.entries;
    T.entries            = NULL;
    T.nentries = T.entries_cap = 0;
    T.nselected                = 0;
    for(size_t i = 0; i < n; ++i) tm_tr_free_entry(entries[i]);
    free(entries);
}

/* ------------------------------------------------------------------------------------------ */
/* the line profiler's mode (tracer.h)                                                         */

int tm_tr_lines_mode(PyObject* codes)
{
    if(T.active)
    {
        PyErr_SetString(PyExc_RuntimeError, "line profiler: the tracer is running");
        return -1;
    }
    Py_XINCREF(codes);
    Py_XDECREF(T.lines_select);
    T.lines_select = codes;
    tm_tr_reset_codes();
    tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    return 0;
}

int tm_tr_lines_start(void)
{
    if(T.active) return 0; /* the timeline setting stays as the last tracer_start read it */
#if TM_HOOKS_HAVE_MONITORING
    if(T.parked && tm_tr_resolve_backend() == TM_TR_MONITORING)
    {
        T.parked = false;
        ++T.session; /* as an install: the threads' shadow stacks start afresh */
        T.active = true;
        return 0;
    }
#endif
    return tm_tr_install();
}

int tm_tr_lines_stop(void)
{
#if TM_HOOKS_HAVE_MONITORING
    if(T.active && T.backend == TM_TR_MONITORING && T.lines_select)
    {
        T.active = false;
        T.parked = true;
        return 0;
    }
#endif
    return tm_tr_uninstall();
}

int tm_tr_lines_components(const int** ids)
{
    *ids = T.ids;
    return T.ncomp;
}

int tm_tr_lines_take(tm_tr_lines_fn fn, void* ctx)
{
    double  scale = T.fast && T.tsc ? tm_hook_ticks_to_ns() : 1.0;
    int64_t values[2 * TM_TR_MAXC];
    for(size_t s = 0; s < T.nselected; ++s)
    {
        const tm_tr_code* e = T.selected[s];
        for(uint32_t i = 0; i < e->nlines; ++i)
        {
            int64_t hits = 0, any = 0;
            memset(values, 0, sizeof(values));
            for(tm_thread_link* l = T.threads.head; l; l = l->next)
            {
                tm_tr_thread* t = (tm_tr_thread*)l;
                if(e->index >= t->data_cap || !t->data[e->index]) continue;
                const int64_t* slot = tm_tr_slot(t->data[e->index], i);
                hits += slot[0];
                for(int v = 0; v < T.width; ++v) any |= slot[1 + v];
                if(T.fast)
                    values[0] += slot[1];
                else
                    for(int c = 0; c < T.ncomp; ++c)
                        timemory_component_accumulate(T.ids[c], &values[2 * c], &slot[1 + 2 * c]);
            }
            if(hits == 0 && any == 0) continue;
            if(T.fast) values[0] = (int64_t)((double)values[0] * scale + 0.5);
            if(fn(ctx, e->code, (long)e->first_line + (long)i, hits, values) < 0) return -1;
        }
    }
    /* taken: zeroed in place, the active-call count (data[0]) kept */
    for(tm_thread_link* l = T.threads.head; l; l = l->next)
    {
        tm_tr_thread* t = (tm_tr_thread*)l;
        for(size_t s = 0; s < T.nselected && s < t->data_cap; ++s)
        {
            if(!t->data[s]) continue;
            size_t n = tm_tr_header() + (size_t)T.selected[s]->nlines * (size_t)T.stride;
            memset(t->data[s] + 1, 0, (n - 1) * sizeof(int64_t));
        }
    }
    tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Python functions                                                                            */

static PyObject* tm_tr_py_init(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_py_set_package_dir(&T.cfg, args, nargs, "tracer_init(package_dir=None)") < 0)
        return NULL;
    if(!T.initialized && !T.active)
    {
        tm_tr_reset_codes();
        T.initialized = true;
    }
    Py_RETURN_NONE;
}

static PyObject* tm_tr_py_configure(PyObject* self, PyObject* arg)
{
    (void)self;
    if(!PyLong_Check(arg))
    {
        PyErr_SetString(PyExc_TypeError, "tracer_configure(mask: int)");
        return NULL;
    }
    tm_py_set mask;
    if(tm_py_set_from_int(arg, &mask, "tracer_configure mask") < 0) return NULL;
    tm_tr_close_parked();
    if(T.active)
    {
        PyErr_SetString(PyExc_RuntimeError, "tracer_configure: the tracer is running");
        return NULL;
    }
    int n = 0;
    for(int id = timemory_component_set_next(&mask.set, -1); id >= 0;
        id     = timemory_component_set_next(&mask.set, id))
    {
        if(n == TM_TR_MAXC)
        {
            PyErr_Format(PyExc_ValueError, "the tracer takes at most %d components", TM_TR_MAXC);
            return NULL;
        }
        T.ids[n++] = id;
    }
    if(n != T.ncomp || memcmp(&mask.set, &T.set, sizeof(T.set)) != 0)
    {
        /* the per-thread data layout depends on the component count */
        for(tm_thread_link* l = T.threads.head; l; l = l->next)
            tm_tr_thread_release_data((tm_tr_thread*)l);
        ++T.session;
    }
    T.mask   = mask.mask;
    T.set    = mask.set;
    T.ncomp  = n;
    T.width  = 2 * n;
    T.stride = 1 + T.width;
    T.fast   = !mask.wide && mask.mask == TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    T.tsc    = T.fast && tm_hook_ticks_are_tsc();
    Py_RETURN_NONE;
}

static PyObject* tm_tr_py_start(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    if(!T.active)
    {
        if(T.ncomp == 0)
        {
            PyErr_SetString(PyExc_RuntimeError,
                            "tracer_start: no components configured (tracer_configure)");
            return NULL;
        }
        bool timeline = false;
        timemory_settings_get_bool("timeline", &timeline);
        T.timeline = timeline;
        if(tm_tr_install() < 0) return NULL;
    }
    return PyUnicode_FromString(T.backend == TM_TR_LEGACY ? "legacy" : "monitoring");
}

static PyObject* tm_tr_py_stop(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    bool was_active = T.active;
    int  replaced   = tm_tr_uninstall();
    if(was_active && !T.lines_select) tm_tr_flush();
    /* the line profiler's data (ended threads' too) stays until tm_tr_lines_take */
    if(!T.lines_select) tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    if(PyErr_Occurred()) return NULL;
    return PyLong_FromLong(replaced);
}

static PyObject* tm_tr_py_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    bool was_active = T.active;
    int  replaced   = tm_tr_uninstall();
    if(was_active && !T.lines_select) tm_tr_flush();
    if(T.initialized)
    {
        T.initialized = false;
        tm_tr_reset_codes();
    }
    tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    if(PyErr_Occurred()) return NULL;
    return PyLong_FromLong(replaced);
}

static PyObject* tm_tr_py_is_running(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(T.initialized);
}

static PyObject* tm_tr_py_set_running(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_hook_py_set_flag(&T.initialized, arg);
}

static PyObject* tm_tr_py_is_active(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(T.active);
}

static PyObject* tm_tr_py_config(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_hook_config_as_dict(&T.cfg);
}

static PyObject* tm_tr_py_config_get(PyObject* self, PyObject* name)
{
    (void)self;
    return tm_hook_config_get(&T.cfg, name);
}

/* Decisions already taken stay until the next init: a running tracer keeps its line data. */
static PyObject* tm_tr_py_config_set(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_py_config_set(&T.cfg, args, nargs, "tracer_config_set(name, value)") < 0)
        return NULL;
    if(!T.active) tm_tr_reset_codes();
    Py_RETURN_NONE;
}

static PyObject* tm_tr_py_config_clear(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_config_clear(&T.cfg, nargs > 0 ? args[0] : NULL, false) < 0) return NULL;
    if(!T.active) tm_tr_reset_codes();
    Py_RETURN_NONE;
}

static PyObject* tm_tr_py_set_line_info(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_hook_py_set_callable(&T.line_info, arg,
                                   "the line-information function must be callable");
}

static PyObject* tm_tr_py_backend(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(
        tm_tr_backend_names[T.active ? T.backend : tm_tr_resolve_backend()]);
}

static PyObject* tm_tr_py_calibrate(PyObject* self, PyObject* arg)
{
    (void)self;
    int flag = PyObject_IsTrue(arg);
    if(flag < 0) return NULL;
    if(T.active)
    {
        PyErr_SetString(PyExc_RuntimeError, "tracer_calibrate: the tracer is running");
        return NULL;
    }
    T.calibrating = flag != 0;
    Py_RETURN_NONE;
}

static PyObject* tm_tr_py_set_backend(PyObject* self, PyObject* arg)
{
    (void)self;
    for(int i = 0; i < TM_TR_NBACKENDS; ++i)
    {
        if(!PyUnicode_Check(arg) ||
           PyUnicode_CompareWithASCIIString(arg, tm_tr_backend_names[i]) != 0)
            continue;
        if((i == TM_TR_MONITORING && !TM_HOOKS_HAVE_MONITORING) ||
           (i == TM_TR_SCOPED && !TM_TR_HAVE_SCOPED))
        {
            PyErr_Format(PyExc_ValueError, "the %s tracer backend is not for this Python",
                         tm_tr_backend_names[i]);
            return NULL;
        }
        T.backend_choice = i;
        Py_RETURN_NONE;
    }
    PyErr_SetString(PyExc_ValueError, "backend must be 'auto', 'legacy', 'monitoring' (3.12+) "
                                      "or 'scoped' (3.9-3.11)");
    return NULL;
}

static PyMethodDef tm_tr_methods[] = {
    {"tracer_init", (PyCFunction)(void (*)(void))tm_tr_py_init, METH_FASTCALL,
     "tracer_init(package_dir=None)\n--\n\nPrepare a tracing session: package_dir is the "
     "timemory package folder (skipped unless Config.include_internal)."},
    {"tracer_configure", tm_tr_py_configure, METH_O,
     "tracer_configure(mask)\n--\n\nComponents measured per line."},
    {"tracer_start", tm_tr_py_start, METH_NOARGS,
     "tracer_start()\n--\n\nInstall the C hooks; returns the backend."},
    {"tracer_stop", tm_tr_py_stop, METH_NOARGS,
     "tracer_stop()\n--\n\nRemove the hooks and store one flat entry per traced line; returns "
     "how many threads had the hook replaced by another tool meanwhile."},
    {"tracer_finalize", tm_tr_py_finalize, METH_NOARGS,
     "tracer_finalize()\n--\n\nStop and forget the per-code decisions."},
    {"tracer_is_running", tm_tr_py_is_running, METH_NOARGS,
     "tracer_is_running()\n--\n\nBetween tracer_init and tracer_finalize."},
    {"tracer_set_running", tm_tr_py_set_running, METH_O,
     "tracer_set_running(flag)\n--\n\nConfig._is_running setter."},
    {"tracer_is_active", tm_tr_py_is_active, METH_NOARGS,
     "tracer_is_active()\n--\n\nWhether the hooks are installed."},
    {"tracer_config", tm_tr_py_config, METH_NOARGS,
     "tracer_config()\n--\n\nEvery Config field as a dict."},
    {"tracer_config_get", tm_tr_py_config_get, METH_O,
     "tracer_config_get(name)\n--\n\nOne Config field."},
    {"tracer_config_set", (PyCFunction)(void (*)(void))tm_tr_py_config_set, METH_FASTCALL,
     "tracer_config_set(name, value)\n--\n\nSet a field; list fields add to their set."},
    {"tracer_config_clear", (PyCFunction)(void (*)(void))tm_tr_py_config_clear, METH_FASTCALL,
     "tracer_config_clear(name=None)\n--\n\nEmpty one list field, or restore every default."},
    {"tracer_set_line_info", tm_tr_py_set_line_info, METH_O,
     "tracer_set_line_info(func)\n--\n\nfunc(code) -> (first_line, def_line, labels, listed), "
     "called once per traced code object."},
    {"tracer_backend", tm_tr_py_backend, METH_NOARGS,
     "tracer_backend()\n--\n\nThe backend in use (or that the next start would use): "
     "'scoped' (3.9-3.11: PyEval_SetTrace, switched on only inside selected frames by a PEP 523 "
     "frame hook), 'legacy' (PyEval_SetTrace everywhere) or 'monitoring' (3.12+)."},
    {"tracer_calibrate", tm_tr_py_calibrate, METH_O,
     "tracer_calibrate(flag)\n--\n\nFor benchmarks (not while running): with flag true the "
     "tracer's callbacks return at once -- the same hooks, switched the same way, receive the "
     "same events and record nothing -- so a run measures what the interpreter's delivery of "
     "the events costs, the floor below the tracer's own work."},
    {"tracer_set_backend", tm_tr_py_set_backend, METH_O,
     "tracer_set_backend(name)\n--\n\n'auto', 'legacy', 'monitoring' (3.12+) or 'scoped' "
     "(3.9-3.11); applies at the next start."},
    {NULL, NULL, 0, NULL}};

int tm_py_add_tracer(PyObject* module)
{
    if(!T.function)
    {
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
        tm_tr_find_trace_lines();
#endif
        if(tm_hook_config_init(&T.cfg, false) < 0) return -1;
        T.function = tm_hook_new_function(
            tm_tr_entry, "tracer_function",
            "tracer_function(frame, event, arg)\n--\n\nThe trace hook in callable form: "
            "sys.settrace(tracer_function) on a thread installs the C hook there while the "
            "tracer runs.");
        if(!T.function) return -1;
#if TM_HOOKS_HAVE_MONITORING
        T.cb_start  = tm_hook_new_callback(tm_tr_mon_start, "start");
        T.cb_throw  = tm_hook_new_callback(tm_tr_mon_resume, "throw");
        T.cb_resume = tm_hook_new_callback(tm_tr_mon_resume, "resume");
        T.cb_return = tm_hook_new_callback(tm_tr_mon_return, "return");
        T.cb_unwind = tm_hook_new_callback(tm_tr_mon_return, "unwind");
        T.cb_line   = tm_hook_new_callback(tm_tr_mon_line, "line");
        if(!T.cb_start || !T.cb_throw || !T.cb_resume || !T.cb_return || !T.cb_unwind || !T.cb_line)
            return -1;
#endif
    }
    return tm_hook_py_add(module, tm_tr_methods, T.function, "tracer_function");
}
