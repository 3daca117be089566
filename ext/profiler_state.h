/* profiler_state.h -- what the files of the function profiler share: its state (the struct P,
 * defined in profiler.c), the per-code and per-thread records, and the per-event helpers that
 * every backend inlines. profiler.c owns the state, the decisions, install/uninstall and the
 * ProfilerSession type; each backend has its file: profiler_legacy.c (PyEval_SetProfile),
 * profiler_frame.c (3.9-3.11: the PEP 523 frame hook, alone or scoped) and
 * profiler_monitoring.c (3.12+: sys.monitoring). Policy as in profiler.c. */
#ifndef TIMEMORY_EXT_PROFILER_STATE_H
#define TIMEMORY_EXT_PROFILER_STATE_H

#include "hooks.h"

#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030C0000
#    include <opcode.h> /* call instructions (scoped backend), YIELD_VALUE (3.11) */
#endif

/* one shared object: the profiler's symbols are its own (direct, not through the GOT) */
#pragma GCC visibility push(hidden)

/* ------------------------------------------------------------------------------------------ */
/* state                                                                                       */

typedef struct tm_prof_code {
    uint64_t key; /* hash of the label (0 with include_args: the label is per call) */
    uint8_t  verdict;
    uint8_t  mode; /* scoped backend: TM_PROF_MODE_* */
    bool     coro; /* a coroutine's code: its frame suspends at an await and continues */
    /* per CALL site (code unit): how many times it called something other than a C function
     * (TM_PROF_SITE_C: it called a C function once, so it is watched for good;
     * TM_PROF_SITE_NONE: no call instruction there) */
    uint8_t*    sites;
    size_t      nsites;
    uint32_t    unlearned; /* scoped: call sites below TM_PROF_SITE_LIMIT */
    const void* code;      /* scoped: the code object (borrowed; the table holds it) */
} tm_prof_code;

/* A call site that has called something other than a C function this many times, and never
 * a C function, is "learned": on 3.12+ it stops reporting CALL events (DISABLE); on 3.9-3.11
 * a code object whose call sites are all learned runs without the profile hook (scoped). */
#define TM_PROF_SITE_LIMIT 16
#define TM_PROF_SITE_NONE  0xFE
#define TM_PROF_SITE_C     0xFF

/* What the scoped backend (3.9-3.11) does with a selected code object's frames: the profile
 * hook (the only source of C-call events there) is on while they run until the code object
 * is known not to call C functions. */
enum {
    TM_PROF_MODE_NEW      = 0, /* call sites not yet listed */
    TM_PROF_MODE_LEARNING = 1, /* hook on; Python calls counted per call site */
    TM_PROF_MODE_QUIET    = 2, /* every call site learned (or none): hook off, frame hook only */
    TM_PROF_MODE_CALLS_C  = 3  /* called a C function: hook on for good */
};

/* A thread's profiling state. Its open calls are hook pushes on the engine's own stack,
 * tagged by what identifies the call (code object or frame, and the C function of a C call),
 * so the profiler keeps no stack of its own. */
typedef struct tm_prof_thread {
    tm_thread_link link;
    long           depth; /* open hook pushes of this session (Config.max_stack_depth) */
    uint32_t       session;
} tm_prof_thread;

enum {
    TM_PROF_AUTO       = 0,
    TM_PROF_LEGACY     = 1,
    TM_PROF_MONITORING = 2,
    TM_PROF_EVALFRAME  = 3,
    TM_PROF_SCOPED     = 4, /* 3.9-3.11 with C calls: frame hook + PyEval_SetProfile where needed */
    TM_PROF_NBACKENDS  = 5
};

#if PY_VERSION_HEX < 0x030C0000
#    define TM_PROF_HAVE_EVALFRAME 1
#else
#    define TM_PROF_HAVE_EVALFRAME 0
#endif

typedef struct tm_prof_state {
    tm_hook_config         cfg;
    tm_code_table          codes;
    tm_thread_registry     threads;
    timemory_components_t  mask; /* the compact form of set, unless wide */
    timemory_component_set set;
    bool                   wide;
    unsigned               scope;
    /* wall_clock alone: the node is pushed without components and the profiler times the
     * call with its own tick clock (the TSC where usable), handing the engine the delta */
    bool      own_clock;
    bool      tsc;
    double    ns_per_tick;
    bool      initialized; /* profiler_init .. profiler_finalize: Config._is_running */
    uint64_t  mallocp_id;  /* malloc_gotcha among the components: the session's start */
    bool      active;      /* hooks installed */
    int       backend_choice;
    int       backend; /* of the active session */
    uint32_t  session;
    PyObject* function; /* profiler_function */
    PyObject* saved_thread_hook;
    PyObject* args_formatter;
    bool      displaced; /* scoped: another tool's profile hook kept us out of a thread */
#if TM_HOOKS_HAVE_MONITORING
    tm_monitor mon;
    int        mon_registered;
    bool       mon_used; /* a session ran: DISABLEd locations need a restart */
    PyObject*  cb_start;
    PyObject*  cb_resume;
    PyObject*  cb_yield;
    PyObject*  cb_throw;
    PyObject*  cb_return;
    PyObject*  cb_unwind;
    PyObject*  cb_call;
    PyObject*  cb_c_return;
#endif
} tm_prof_state;

extern tm_prof_state tm_prof_P;
#define P tm_prof_P

extern TM_HOOK_TLS tm_prof_thread* tm_prof_tls;
/* Set while this thread runs Python code for the profiler (Config.include_args): the frame
 * hook, unlike the event APIs, does not mute itself then. */
extern TM_HOOK_TLS int tm_prof_busy;
#if TM_PROF_HAVE_EVALFRAME
/* scoped: the selected code object whose frame this thread's frame hook evaluates now */
extern TM_HOOK_TLS tm_prof_code* tm_prof_current;
/* ... valid while it matches tm_prof_epoch: the decisions are freed when the Config changes */
extern TM_HOOK_TLS uint32_t tm_prof_current_epoch;
extern uint32_t             tm_prof_epoch;

static inline tm_prof_code* tm_prof_current_get(void)
{
    return tm_prof_current_epoch == tm_prof_epoch ? tm_prof_current : NULL;
}

/* profiler_frame.c: the frame hooks, and the one they replaced */
extern _PyFrameEvalFunction tm_prof_saved_eval;
PyObject* tm_prof_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag);
PyObject* tm_prof_scoped_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag);
int       tm_prof_scoped_c(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg);
#endif

/* Returned for code objects whose entry could not be stored: skipped, never cached. */
extern tm_prof_code tm_prof_unrecorded;

/* profiler.c: the slow paths (once per code object, once per thread), the removal */
tm_prof_code*   tm_prof_decide(PyObject* code);
uint64_t        tm_prof_register_label(PyCodeObject* code, const char* args);
tm_prof_thread* tm_prof_thread_slow(void);
uint64_t        tm_prof_args_key(PyCodeObject* code, PyObject* frame);
int             tm_prof_uninstall(void);
void            tm_prof_on_shutdown(void);

/* profiler_legacy.c: the PyEval_SetProfile callback and its callable form */
int tm_prof_legacy(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg);
int tm_prof_entry(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg);

#if TM_HOOKS_HAVE_MONITORING
/* profiler_monitoring.c: the sys.monitoring callbacks and their installation */
PyObject* tm_prof_mon_start(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_resume(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_throw(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_return(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_yield(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_unwind(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_call(PyObject* const* args, size_t nargs);
PyObject* tm_prof_mon_c_return(PyObject* const* args, size_t nargs);
int       tm_prof_monitor_install(void);
#endif

static inline tm_prof_code* tm_prof_lookup(PyObject* code)
{
    tm_prof_code* e = (tm_prof_code*)tm_code_table_get(&P.codes, code);
    return TM_HOOK_LIKELY(e != NULL) ? e : tm_prof_decide(code);
}

static inline tm_prof_thread* tm_prof_thread_get(void)
{
    tm_prof_thread* t = tm_prof_tls;
    if(TM_HOOK_LIKELY(t && t->session == P.session)) return t;
    return tm_prof_thread_slow();
}

/* ------------------------------------------------------------------------------------------ */
/* per-event work                                                                              */

/* A selected call starts: a hook push tagged (tag, callable) -- the code object or frame,
 * and the C function of a C call. */
static inline void tm_prof_enter(tm_prof_thread* t, const void* tag, const void* callable,
                                 uint64_t key)
{
    unsigned scope = P.scope;
    if(TM_HOOK_UNLIKELY(t->depth >= P.cfg.max_stack_depth)) scope |= TIMEMORY_SCOPE_NONE;
    int rc;
    if(TM_HOOK_LIKELY(P.own_clock))
        rc = timemory_hook_push(key, 0, scope, tag, callable, tm_hook_ticks(P.tsc));
    else
        rc = TM_HOOK_UNLIKELY(P.wide) ? timemory_hook_push_set(key, &P.set, scope, tag, callable, 0)
                                      : timemory_hook_push(key, P.mask, scope, tag, callable, 0);
    t->depth += rc == TIMEMORY_OK;
}

/* A selected call ends: its hook push is popped (none when it started before the profiler or
 * while timemory was paused). */
static inline void tm_prof_exit(const void* tag, const void* callable)
{
    tm_prof_thread* t = tm_prof_tls;
    if(TM_HOOK_UNLIKELY(!t || t->session != P.session || t->depth <= 0)) return;
    int64_t end = P.own_clock ? tm_hook_ticks(P.tsc) : 0;
    if(timemory_hook_pop(tag, callable, end, P.ns_per_tick) == TIMEMORY_OK) --t->depth;
}

/* Coroutines: a coroutine's call is one entry from its start to its end, awaits included,
 * as pyinstrument shows it. At an await its push (and what it left open) is suspended off the
 * thread's stack -- other tasks run meanwhile and must not nest in it -- and when the
 * coroutine continues it comes back (timemory_coroutine_*), keyed by the frame, which lives
 * as long as the coroutine. Async generators and generators keep an entry per step. */

/* A coroutine's frame runs again: its suspended push comes back (true), or its call starts. */
static inline bool tm_prof_resumed(tm_prof_thread* t, const void* owner)
{
    if(timemory_coroutine_resume(owner) != TIMEMORY_OK) return false;
    ++t->depth;
    return true;
}

/* A coroutine's frame stopped at an await: its push leaves the thread's stack. */
static inline void tm_prof_suspend(const void* tag, const void* owner)
{
    tm_prof_thread* t = tm_prof_tls;
    if(TM_HOOK_UNLIKELY(!t || t->session != P.session || t->depth <= 0)) return;
    if(timemory_hook_coroutine_suspend(tag, NULL, owner) == TIMEMORY_OK) --t->depth;
}

/* Whether a coroutine's frame object, at its return event (value: what it returns or yields,
 * NULL when an exception leaves it), stopped at an await rather than ended. */
static inline bool tm_prof_frame_suspended(PyFrameObject* frame, PyObject* value)
{
    if(!value) return false;
#if PY_VERSION_HEX < 0x030A0000
    return frame->f_stacktop != NULL;
#elif PY_VERSION_HEX < 0x030B0000
    return frame->f_state == FRAME_SUSPENDED;
#elif PY_VERSION_HEX < 0x030C0000
    const tm_hook_iframe311* f = ((tm_hook_frame311*)(void*)frame)->f_frame;
    return _Py_OPCODE(*f->prev_instr) == YIELD_VALUE;
#else
    PyObject* gen       = PyFrame_GetGenerator(frame);
    PyObject* flag      = gen ? PyObject_GetAttrString(gen, "cr_suspended") : NULL;
    bool      suspended = flag == Py_True;
    Py_XDECREF(flag);
    Py_XDECREF(gen);
    if(!flag) PyErr_Clear();
    return suspended;
#endif
}

static inline bool tm_prof_is_c_function(PyObject* callable)
{
    return PyCFunction_Check(callable) || Py_IS_TYPE(callable, &PyMethodDescr_Type);
}

/* The key of a C call: the C function's own label ("builtins.sum", cfunc_labels.c); a callable
 * of another kind, which the interpreter does not report as a C call, keeps its caller's. */
static inline uint64_t tm_prof_c_key(const tm_prof_code* e, PyCodeObject* code,
                                     PyFrameObject* frame, PyObject* callable)
{
    if(TM_HOOK_LIKELY(callable && tm_prof_is_c_function(callable)))
        return tm_hook_cfunc_key(callable);
    return e->key ? e->key : tm_prof_args_key(code, (PyObject*)frame);
}

#pragma GCC visibility pop

#endif /* TIMEMORY_EXT_PROFILER_STATE_H */
