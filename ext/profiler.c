/* profiler.c -- the function profiler: C callbacks that push a node on the calling thread's
 * call-graph (timemory_hook_push, tagged by the call's code object or frame) when a selected
 * function starts and pop it when it returns, so profiled calls nest with markers, regions
 * and the tracer on the engine's one stack. 3.9-3.11: PyEval_SetProfile on every thread, or
 * (without C functions) a PEP 523 frame-evaluation hook, far cheaper there; 3.12+:
 * sys.monitoring. Policy: filters and labels are decided once per code object; per event
 * there is one table lookup and one push or pop -- no Python object, no allocation. */
#include "hooks.h"

#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030C0000
#    include <opcode.h> /* call instructions (scoped backend) */
#endif

/* ------------------------------------------------------------------------------------------ */
/* state                                                                                       */

typedef struct tm_prof_code
{
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
#define TM_PROF_SITE_NONE 0xFE
#define TM_PROF_SITE_C 0xFF

/* What the scoped backend (3.9-3.11) does with a selected code object's frames: the profile
 * hook (the only source of C-call events there) is on while they run until the code object
 * is known not to call C functions. */
enum
{
    TM_PROF_MODE_NEW      = 0, /* call sites not yet listed */
    TM_PROF_MODE_LEARNING = 1, /* hook on; Python calls counted per call site */
    TM_PROF_MODE_QUIET    = 2, /* every call site learned (or none): hook off, frame hook only */
    TM_PROF_MODE_CALLS_C  = 3  /* called a C function: hook on for good */
};

/* A thread's profiling state. Its open calls are hook pushes on the engine's own stack,
 * tagged by what identifies the call (code object or frame, and the C function of a C call),
 * so the profiler keeps no stack of its own. */
typedef struct tm_prof_thread
{
    tm_thread_link link;
    long           depth; /* open hook pushes of this session (Config.max_stack_depth) */
    uint32_t       session;
} tm_prof_thread;

enum
{
    TM_PROF_AUTO       = 0,
    TM_PROF_LEGACY     = 1,
    TM_PROF_MONITORING = 2,
    TM_PROF_EVALFRAME  = 3,
    TM_PROF_SCOPED     = 4, /* 3.9-3.11 with C calls: frame hook + PyEval_SetProfile where needed */
    TM_PROF_NBACKENDS  = 5
};

static const char* const tm_prof_backend_names[] = {"auto", "legacy", "monitoring", "evalframe",
                                                    "scoped"};

#if PY_VERSION_HEX < 0x030C0000
#    define TM_PROF_HAVE_EVALFRAME 1
#else
#    define TM_PROF_HAVE_EVALFRAME 0
#endif

static struct
{
    tm_hook_config        cfg;
    tm_code_table         codes;
    tm_thread_registry    threads;
    timemory_components_t  mask; /* the compact form of set, unless wide */
    timemory_component_set set;
    bool                   wide;
    unsigned              scope;
    /* wall_clock alone: the node is pushed without components and the profiler times the
     * call with its own tick clock (the TSC where usable), handing the engine the delta */
    bool      own_clock;
    bool      tsc;
    double    ns_per_tick;
    bool      initialized; /* profiler_init .. profiler_finalize: Config._is_running */
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
} P;

static TM_HOOK_TLS tm_prof_thread* tm_prof_tls;
/* Set while this thread runs Python code for the profiler (Config.include_args): the frame
 * hook, unlike the event APIs, does not mute itself then. */
static TM_HOOK_TLS int tm_prof_busy;
#if TM_PROF_HAVE_EVALFRAME
/* scoped: the selected code object whose frame this thread's frame hook evaluates now */
static TM_HOOK_TLS tm_prof_code* tm_prof_current;
/* ... valid while it matches tm_prof_epoch: the decisions are freed when the Config changes */
static TM_HOOK_TLS uint32_t tm_prof_current_epoch;
static uint32_t             tm_prof_epoch;

static inline tm_prof_code* tm_prof_current_get(void)
{
    return tm_prof_current_epoch == tm_prof_epoch ? tm_prof_current : NULL;
}
#endif

/* Returned for code objects whose entry could not be stored: skipped, never cached. */
static tm_prof_code tm_prof_unrecorded = {.key = 0, .verdict = TM_HOOK_SKIP};

/* ------------------------------------------------------------------------------------------ */
/* slow paths: once per code object, once per thread                                          */

static uint64_t tm_prof_register_label(PyCodeObject* code, const char* args)
{
    char   stack_buf[512];
    char*  buf = stack_buf;
    size_t len = sizeof(stack_buf);
    if(args && strlen(args) + 256 > len)
    {
        len = strlen(args) + 1024;
        buf = malloc(len);
        if(!buf) return 0;
    }
    tm_hook_label(&P.cfg, code, args, buf, len);
    uint64_t key = timemory_add_hash_id(buf);
    if(buf != stack_buf) free(buf);
    return key;
}

static tm_prof_code* tm_prof_decide(PyObject* code)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tm_prof_code* e = malloc(sizeof(tm_prof_code));
    if(e)
    {
        e->verdict   = (uint8_t)tm_hook_filter(&P.cfg, (PyCodeObject*)code);
        e->key       = 0;
        e->mode      = TM_PROF_MODE_NEW;
        e->coro      = (((PyCodeObject*)code)->co_flags &
                   (CO_COROUTINE | CO_ITERABLE_COROUTINE)) != 0;
        e->sites     = NULL;
        e->nsites    = 0;
        e->unlearned = 0;
        e->code      = code;
        if(e->verdict == TM_HOOK_SELECT && !P.cfg.include_args)
            e->key = tm_prof_register_label((PyCodeObject*)code, NULL);
        if(tm_code_table_put(&P.codes, code, e) < 0)
        {
            free(e);
            e = NULL;
        }
    }
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    if(!e)
    {
        tm_hook_note_error();
        return &tm_prof_unrecorded;
    }
    return e;
}

static inline tm_prof_code* tm_prof_lookup(PyObject* code)
{
    tm_prof_code* e = (tm_prof_code*)tm_code_table_get(&P.codes, code);
    return TM_HOOK_LIKELY(e != NULL) ? e : tm_prof_decide(code);
}

static void tm_prof_thread_free(tm_thread_link* link)
{
    free(link);
}

static tm_prof_thread* tm_prof_thread_slow(void)
{
    tm_prof_thread* t = tm_prof_tls;
    if(!t)
    {
        t = calloc(1, sizeof(tm_prof_thread));
        if(!t || tm_thread_registry_add(&P.threads, &t->link) < 0)
        {
            free(t);
            tm_hook_note_error();
            return NULL;
        }
        tm_prof_tls = t;
    }
    /* calls of an earlier session left open on this thread when it stopped are not this
     * session's: they close unrecorded */
    if(t->session != P.session) timemory_hook_pop_all(0, 1.0, 0);
    t->depth   = 0;
    t->session = P.session;
    return t;
}

static inline tm_prof_thread* tm_prof_thread_get(void)
{
    tm_prof_thread* t = tm_prof_tls;
    if(TM_HOOK_LIKELY(t && t->session == P.session)) return t;
    return tm_prof_thread_slow();
}

/* The key of a call with include_args: the label carries this call's argument values. */
static uint64_t tm_prof_args_key(PyCodeObject* code, PyObject* frame)
{
    if(!P.args_formatter || !frame) return tm_prof_register_label(code, NULL);
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    uint64_t key = 0;
    ++tm_prof_busy;
    PyObject* text = PyObject_CallOneArg(P.args_formatter, frame);
    --tm_prof_busy;
    if(text && PyUnicode_Check(text))
    {
        const char* args = PyUnicode_AsUTF8(text);
        key              = tm_prof_register_label(code, args ? args : "");
    }
    else
        key = tm_prof_register_label(code, NULL);
    Py_XDECREF(text);
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    return key;
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
static bool tm_prof_frame_suspended(PyFrameObject* frame, PyObject* value)
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
    PyObject* gen = PyFrame_GetGenerator(frame);
    PyObject* flag = gen ? PyObject_GetAttrString(gen, "cr_suspended") : NULL;
    bool      suspended = flag == Py_True;
    Py_XDECREF(flag);
    Py_XDECREF(gen);
    if(!flag) PyErr_Clear();
    return suspended;
#endif
}

static int tm_prof_uninstall(void);

/* threading._shutdown: the interpreter is exiting; stop receiving events. */
static void tm_prof_on_shutdown(void)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tm_prof_uninstall();
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
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

/* PyEval_SetProfile callback. Calls are tagged by their frame object (unique while it runs). */
static int tm_prof_legacy(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg)
{
    (void)obj;
    if(what == PyTrace_CALL)
    {
        PyCodeObject* code = tm_hook_frame_code(frame);
        tm_prof_code* e    = tm_prof_lookup((PyObject*)code);
        if(TM_HOOK_UNLIKELY(e->verdict != TM_HOOK_SELECT))
        {
            if(e->verdict == TM_HOOK_SHUTDOWN) tm_prof_on_shutdown();
            return 0;
        }
        tm_prof_thread* t = tm_prof_thread_get();
        if(!t) return 0;
        if(TM_HOOK_UNLIKELY(e->coro) && tm_prof_resumed(t, frame)) return 0;
        uint64_t key = e->key ? e->key : tm_prof_args_key(code, (PyObject*)frame);
        tm_prof_enter(t, frame, NULL, key);
        return 0;
    }
    if(what == PyTrace_RETURN)
    {
        if(TM_HOOK_UNLIKELY(tm_hook_frame_code(frame)->co_flags &
                            (CO_COROUTINE | CO_ITERABLE_COROUTINE)) &&
           tm_prof_frame_suspended(frame, arg))
            tm_prof_suspend(frame, frame);
        else
            tm_prof_exit(frame, NULL);
        return 0;
    }
    if(what == PyTrace_C_CALL)
    {
        if(!P.cfg.trace_c) return 0;
        PyCodeObject* code = tm_hook_frame_code(frame);
        tm_prof_code* e    = tm_prof_lookup((PyObject*)code);
        if(e->verdict != TM_HOOK_SELECT) return 0;
        tm_prof_thread* t = tm_prof_thread_get();
        if(!t) return 0;
        tm_prof_enter(t, frame, arg, tm_prof_c_key(e, code, frame, arg));
        return 0;
    }
    if(what == PyTrace_C_RETURN || what == PyTrace_C_EXCEPTION) tm_prof_exit(frame, arg);
    return 0;
}

#if TM_PROF_HAVE_EVALFRAME
/* PEP 523: every evaluation of a Python frame (a call, or a generator resumed) passes through
 * here. The interpreter then makes no frame objects and runs no tracing machinery, which is
 * most of what a PyEval_SetProfile hook costs before 3.12. */
#    if PY_VERSION_HEX >= 0x030B0000
/* 3.11 evaluates a generator function's new frame once to create the generator (its
 * RETURN_GENERATOR): that is not a call of the function's body */
#        define TM_EVAL_FRAME_CREATES(f, code)                                                     \
            ((((PyCodeObject*)(code))->co_flags &                                                  \
              (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)) &&                               \
             ((tm_hook_iframe311*)(void*)(f))->prev_instr ==                                       \
                 (_Py_CODEUNIT*)((PyCodeObject*)(code))->co_code_adaptive - 1)
#    else
#        define TM_EVAL_FRAME_CREATES(f, code) 0
#    endif

static _PyFrameEvalFunction tm_prof_saved_eval;

/* Whether a coroutine's frame whose evaluation returned result stopped at an await. */
static inline bool tm_prof_eval_suspended(tm_hook_eval_frame* frame, PyObject* result)
{
#    if PY_VERSION_HEX >= 0x030B0000
    return result && _Py_OPCODE(*((tm_hook_iframe311*)(void*)frame)->prev_instr) == YIELD_VALUE;
#    else
    return tm_prof_frame_suspended(frame, result);
#    endif
}

/* The key of a call seen by the frame hook (3.11 gives it no frame object for argument
 * values: Config.include_args uses the legacy backend there). */
static inline uint64_t tm_prof_frame_key(const tm_prof_code* e, PyObject* code,
                                         tm_hook_eval_frame* frame)
{
    if(TM_HOOK_LIKELY(e->key)) return e->key;
#    if PY_VERSION_HEX >= 0x030B0000
    (void)frame;
    return tm_prof_register_label((PyCodeObject*)code, NULL);
#    else
    return tm_prof_args_key((PyCodeObject*)code, (PyObject*)frame);
#    endif
}

/* Calls are tagged by the interpreter frame evaluated (unique while it runs). */
static PyObject* tm_prof_eval(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag)
{
    PyObject* code = (PyObject*)TM_HOOK_EVAL_FRAME_CODE(frame);
    /* code run by a trace or profile function (ours included) is not the program's: the
     * event APIs mute themselves there, the frame hook must do it itself */
    if(TM_HOOK_UNLIKELY(!code || !PyCode_Check(code) || tm_prof_busy || tstate->tracing))
        return tm_hook_eval_default(tstate, frame, throwflag);
    tm_prof_code* e = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict != TM_HOOK_SELECT) || TM_EVAL_FRAME_CREATES(frame, code))
    {
        if(e->verdict == TM_HOOK_SHUTDOWN) tm_prof_on_shutdown();
        return tm_hook_eval_default(tstate, frame, throwflag);
    }
    tm_prof_thread* t = tm_prof_thread_get();
    if(!t) return tm_hook_eval_default(tstate, frame, throwflag);
    if(TM_HOOK_UNLIKELY(e->coro))
    {
        if(!tm_prof_resumed(t, frame))
            tm_prof_enter(t, frame, NULL, tm_prof_frame_key(e, code, frame));
        PyObject* result = tm_hook_eval_default(tstate, frame, throwflag);
        if(tm_prof_eval_suspended(frame, result))
            tm_prof_suspend(frame, frame);
        else
            tm_prof_exit(frame, NULL);
        return result;
    }
    tm_prof_enter(t, frame, NULL, tm_prof_frame_key(e, code, frame));
    PyObject* result = tm_hook_eval_default(tstate, frame, throwflag);
    tm_prof_exit(frame, NULL);
    return result;
}

/* ---- scoped: the frame hook above for Python calls, plus PyEval_SetProfile (the only
 * source of C-call events before 3.12) switched on only while frames that may call a C
 * function run. A selected code object starts "learning": the hook is on in its frames and
 * the Python calls each of its call sites makes are counted; once every call site has made
 * TM_PROF_SITE_LIMIT calls and none was a C call (or it has no call site at all) it is
 * "quiet" and its frames run with the hook off -- no tracing mode, no frame objects, no
 * events. One C call makes it "calls C" for good. As with 3.12+'s DISABLEd call sites, a
 * learned site that calls a C function later is not seen. */

#    if PY_VERSION_HEX >= 0x030B0000
#        define TM_PROF_IS_CALL_OP(op) ((op) == CALL || (op) == CALL_FUNCTION_EX)
#    else
#        define TM_PROF_IS_CALL_OP(op)                                                             \
            ((op) == CALL_FUNCTION || (op) == CALL_FUNCTION_KW || (op) == CALL_FUNCTION_EX ||      \
             (op) == CALL_METHOD)
#    endif

/* Lists the call instructions of a selected code object (once): learning, or quiet when
 * there are none. Anything failing leaves it "calls C" (the hook stays on: nothing lost). */
static void tm_prof_list_sites(tm_prof_code* e, PyObject* code)
{
    if(e == &tm_prof_unrecorded) return;
    e->mode = TM_PROF_MODE_CALLS_C;
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
#    if PY_VERSION_HEX >= 0x030B0000
    PyObject* bytes = PyCode_GetCode((PyCodeObject*)code); /* the unspecialised instructions */
#    else
    PyObject* bytes = ((PyCodeObject*)code)->co_code;
    Py_XINCREF(bytes);
#    endif
    if(bytes && PyBytes_Check(bytes))
    {
        size_t               n     = (size_t)PyBytes_GET_SIZE(bytes) / 2;
        const unsigned char* units = (const unsigned char*)PyBytes_AS_STRING(bytes);
        uint8_t*             sites = malloc(n ? n : 1);
        if(sites)
        {
            uint32_t count = 0;
            for(size_t i = 0; i < n; ++i)
            {
                bool call = TM_PROF_IS_CALL_OP(units[2 * i]);
                sites[i]  = call ? 0 : TM_PROF_SITE_NONE;
                count += call;
            }
            free(e->sites);
            e->sites     = sites;
            e->nsites    = n;
            e->unlearned = count;
            e->mode      = count ? TM_PROF_MODE_LEARNING : TM_PROF_MODE_QUIET;
        }
    }
    Py_XDECREF(bytes);
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

/* A Python call made by a learning code object's frame: counted at the caller's call site
 * (the instruction its frame executes now). Calls made from elsewhere (a C function the
 * frame called, an operator) land on no call site or on a C one. */
static void tm_prof_learn(PyThreadState* tstate, tm_hook_eval_frame* frame, tm_prof_code* caller)
{
#    if PY_VERSION_HEX >= 0x030B0000
    (void)frame;
    const tm_hook_iframe311* from = (const tm_hook_iframe311*)(void*)tstate->cframe->current_frame;
    if(!from || (const void*)from->f_code != caller->code) return;
    ptrdiff_t unit = from->prev_instr - (_Py_CODEUNIT*)from->f_code->co_code_adaptive;
#    else
    (void)tstate;
    const PyFrameObject* from = frame->f_back;
    if(!from || (const void*)from->f_code != caller->code) return;
#        if PY_VERSION_HEX >= 0x030A0000
    ptrdiff_t unit = from->f_lasti; /* instructions */
#        else
    ptrdiff_t unit = from->f_lasti / 2; /* bytes */
#        endif
#    endif
    if(unit < 0 || (size_t)unit >= caller->nsites) return;
    uint8_t* site = &caller->sites[unit];
    if(*site >= TM_PROF_SITE_LIMIT) return;
    if(++*site == TM_PROF_SITE_LIMIT && --caller->unlearned == 0 &&
       caller->mode == TM_PROF_MODE_LEARNING)
        caller->mode = TM_PROF_MODE_QUIET;
}

/* The scoped backend's PyEval_SetProfile callback: C calls only (the frame hook pushes and
 * pops every Python call). A C call is tagged by the caller's frame object and the C
 * function; the caller is almost always the frame the hook evaluates now. */
static int tm_prof_scoped_c(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg)
{
    (void)obj;
    if(what == PyTrace_C_CALL)
    {
        if(!P.cfg.trace_c) return 0;
        PyCodeObject* code = tm_hook_frame_code(frame);
        tm_prof_code* e    = tm_prof_current_get();
        if(!e || e->code != (const void*)code) e = tm_prof_lookup((PyObject*)code);
        if(e->verdict != TM_HOOK_SELECT) return 0;
        /* the profile hook stays on in this code object's frames from now on */
        if(e != &tm_prof_unrecorded) e->mode = TM_PROF_MODE_CALLS_C;
        tm_prof_thread* t = tm_prof_thread_get();
        if(!t) return 0;
        tm_prof_enter(t, frame, arg, tm_prof_c_key(e, code, frame, arg));
    }
    else if(what == PyTrace_C_RETURN || what == PyTrace_C_EXCEPTION)
        tm_prof_exit(frame, arg);
    return 0;
}

/* The calling thread's profile hook on or off (the pending exception, if any, kept). */
static inline bool tm_prof_switch(bool on)
{
    return tm_hook_legacy_switch(false, on ? tm_prof_scoped_c : NULL, on ? P.function : NULL);
}

static PyObject* tm_prof_scoped_eval(PyThreadState* tstate, tm_hook_eval_frame* frame,
                                     int throwflag)
{
    PyObject* code = (PyObject*)TM_HOOK_EVAL_FRAME_CODE(frame);
    if(TM_HOOK_UNLIKELY(!code || !PyCode_Check(code) || tm_prof_busy || tstate->tracing))
        return tm_hook_eval_default(tstate, frame, throwflag);
    tm_prof_code* saved       = tm_prof_current;
    uint32_t      saved_epoch = tm_prof_current_epoch;
    tm_prof_code* caller      = tm_prof_current_get();
    if(TM_HOOK_UNLIKELY(caller != NULL && caller->mode == TM_PROF_MODE_LEARNING))
        tm_prof_learn(tstate, frame, caller);
    tm_prof_code* e        = tm_prof_lookup(code);
    Py_tracefunc  hook     = tstate->c_profilefunc;
    bool          have     = hook == tm_prof_scoped_c;
    bool          selected = e->verdict == TM_HOOK_SELECT;
    if(TM_HOOK_UNLIKELY(!selected))
    {
        if(e->verdict == TM_HOOK_SHUTDOWN)
        {
            tm_prof_on_shutdown();
            return tm_hook_eval_default(tstate, frame, throwflag);
        }
        /* not profiled, and neither are its C calls: the hook is not needed while it runs */
        if(TM_HOOK_LIKELY(!have)) return tm_hook_eval_default(tstate, frame, throwflag);
    }
    else if(TM_HOOK_UNLIKELY(TM_EVAL_FRAME_CREATES(frame, code)))
        return tm_hook_eval_default(tstate, frame, throwflag);
    /* another tool's profile hook: left in place (the stop warns); calls are pushed here */
    bool foreign = hook != NULL && !have;
    if(TM_HOOK_UNLIKELY(foreign) && selected) P.displaced = true;
    if(TM_HOOK_UNLIKELY(selected && e->mode == TM_PROF_MODE_NEW)) tm_prof_list_sites(e, code);
    bool     want    = selected && !foreign && e->mode != TM_PROF_MODE_QUIET;
    bool     on      = have;
    uint32_t session = P.session;
    if(TM_HOOK_UNLIKELY(want != have) && !foreign && P.active && tm_prof_switch(want)) on = want;
    tm_prof_thread* t = selected ? tm_prof_thread_get() : NULL;
    /* e may be freed while the frame runs (Config changed: the decisions are made again) */
    bool coro = e->coro;
    if(t && !(TM_HOOK_UNLIKELY(coro) && tm_prof_resumed(t, frame)))
        tm_prof_enter(t, frame, NULL, tm_prof_frame_key(e, code, frame));
    if(selected)
    {
        tm_prof_current       = e;
        tm_prof_current_epoch = tm_prof_epoch;
    }
    PyObject* result = tm_hook_eval_default(tstate, frame, throwflag);
    if(selected)
    {
        tm_prof_current       = saved;
        tm_prof_current_epoch = saved_epoch;
    }
    if(t && TM_HOOK_UNLIKELY(coro) && tm_prof_eval_suspended(frame, result))
        tm_prof_suspend(frame, frame);
    else if(t)
        tm_prof_exit(frame, NULL);
    /* back to the caller's state, unless the profiler stopped (or another tool took the hook)
     * meanwhile */
    if(TM_HOOK_UNLIKELY(on != have) && P.active && P.session == session &&
       P.backend == TM_PROF_SCOPED && tstate->c_profilefunc == (on ? tm_prof_scoped_c : NULL))
        tm_prof_switch(have);
    return result;
}

#endif

#if TM_HOOKS_HAVE_MONITORING
/* Calls are tagged by their code object: a recursive call's push sits above its caller's, so
 * the innermost push of a code object is always the one that returns. */

/* DISABLE for a code object decided "not profiled" (an undecided one is asked again). */
static inline PyObject* tm_prof_disable(const tm_prof_code* e)
{
    if(e == &tm_prof_unrecorded) Py_RETURN_NONE;
    Py_INCREF(P.mon.disable);
    return P.mon.disable;
}

static inline PyObject* tm_prof_mon_enter(PyObject* code, const tm_prof_code* e, PyObject* callable)
{
    tm_prof_thread* t = tm_prof_thread_get();
    if(t)
    {
        uint64_t key = callable ? tm_hook_cfunc_key(callable)
                       : e->key ? e->key
                                : tm_prof_args_key((PyCodeObject*)code,
                                                   (PyObject*)PyEval_GetFrame());
        tm_prof_enter(t, code, callable, key);
    }
    Py_RETURN_NONE;
}

/* PY_START, PY_RESUME (code, offset) */
static PyObject* tm_prof_mon_start(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT)) return tm_prof_mon_enter(code, e, NULL);
    if(e->verdict == TM_HOOK_SHUTDOWN)
    {
        tm_prof_on_shutdown();
        Py_RETURN_NONE;
    }
    return tm_prof_disable(e);
}

/* The interpreter frame running now: a coroutine's, at its events (it lives inside the
 * coroutine object, so it names the coroutine for as long as it lives). */
static inline const void* tm_prof_mon_frame(void)
{
    PyThreadState* tstate = PyThreadState_Get();
#    if PY_VERSION_HEX < 0x030D0000
    return tstate->cframe ? (const void*)tstate->cframe->current_frame : NULL;
#    else
    return (const void*)tstate->current_frame;
#    endif
}

/* A selected code object's frame continues (PY_RESUME, PY_THROW): a coroutine's suspended
 * push comes back; anything else is a new push, as at PY_START. */
static inline PyObject* tm_prof_mon_continue(PyObject* code, const tm_prof_code* e)
{
    if(TM_HOOK_UNLIKELY(e->coro))
    {
        tm_prof_thread* t     = tm_prof_thread_get();
        const void*     owner = tm_prof_mon_frame();
        if(t && owner && tm_prof_resumed(t, owner)) Py_RETURN_NONE;
    }
    return tm_prof_mon_enter(code, e, NULL);
}

/* PY_RESUME (code, offset) */
static PyObject* tm_prof_mon_resume(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT)) return tm_prof_mon_continue(code, e);
    if(e->verdict == TM_HOOK_SHUTDOWN)
    {
        tm_prof_on_shutdown();
        Py_RETURN_NONE;
    }
    return tm_prof_disable(e);
}

/* PY_THROW (code, offset, exception): a generator resumed by throw(); cannot be disabled */
static PyObject* tm_prof_mon_throw(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(e->verdict == TM_HOOK_SELECT) return tm_prof_mon_continue(code, e);
    Py_RETURN_NONE;
}

/* PY_RETURN, PY_YIELD (code, offset, value) */
static PyObject* tm_prof_mon_return(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT))
    {
        tm_prof_exit(code, NULL);
        Py_RETURN_NONE;
    }
    return e->verdict == TM_HOOK_SKIP ? tm_prof_disable(e) : Py_NewRef(Py_None);
}

/* PY_YIELD (code, offset, value): a coroutine stops at an await (suspended), a generator
 * returns its value (popped) */
static PyObject* tm_prof_mon_yield(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_LIKELY(e->verdict == TM_HOOK_SELECT))
    {
        const void* owner = e->coro ? tm_prof_mon_frame() : NULL;
        if(owner)
            tm_prof_suspend(code, owner);
        else
            tm_prof_exit(code, NULL);
        Py_RETURN_NONE;
    }
    return e->verdict == TM_HOOK_SKIP ? tm_prof_disable(e) : Py_NewRef(Py_None);
}

/* PY_UNWIND (code, offset, exception): cannot be disabled */
static PyObject* tm_prof_mon_unwind(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    tm_prof_exit(args[0], NULL);
    Py_RETURN_NONE;
}

/* A learned call site (TM_PROF_SITE_LIMIT) stops reporting CALL events (DISABLE): the
 * interpreter's cost of the event, paid on every Python-to-Python call, is most of the
 * profiler's on 3.12+. A site that calls a C function even once keeps reporting. */

/* The counter of the call site at a byte offset, or NULL (allocated once per code object). */
static uint8_t* tm_prof_site(tm_prof_code* e, PyObject* code, PyObject* offset)
{
    if(TM_HOOK_UNLIKELY(!e->sites))
    {
        if(e == &tm_prof_unrecorded) return NULL;
        size_t n = (size_t)Py_SIZE(code); /* code units */
        e->sites = calloc(n ? n : 1, 1);
        if(!e->sites) return NULL;
        e->nsites = n;
    }
    PyLongObject* number = (PyLongObject*)offset; /* a small int: read in place */
    Py_ssize_t    bytes  = PyUnstable_Long_IsCompact(number) ? PyUnstable_Long_CompactValue(number)
                                                             : PyLong_AsSsize_t(offset);
    size_t        unit   = (size_t)bytes / 2;
    if(TM_HOOK_UNLIKELY(unit >= e->nsites))
    {
        PyErr_Clear();
        return NULL;
    }
    return &e->sites[unit];
}

/* CALL (code, offset, callable, arg0): C functions are pushed here (their Python callees get
 * PY_START) */
static PyObject* tm_prof_mon_call(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    PyObject*     code = args[0];
    tm_prof_code* e    = tm_prof_lookup(code);
    if(TM_HOOK_UNLIKELY(e->verdict != TM_HOOK_SELECT)) return tm_prof_disable(e);
    PyObject* callable = args[2];
    uint8_t*  site     = tm_prof_site(e, code, args[1]);
    if(tm_prof_is_c_function(callable))
    {
        if(site) *site = TM_PROF_SITE_C;
        return tm_prof_mon_enter(code, e, callable);
    }
    if(site && *site != TM_PROF_SITE_C && ++*site >= TM_PROF_SITE_LIMIT)
    {
        *site = TM_PROF_SITE_LIMIT;
        Py_INCREF(P.mon.disable);
        return P.mon.disable;
    }
    Py_RETURN_NONE;
}

/* C_RETURN, C_RAISE (code, offset, callable, arg0) */
static PyObject* tm_prof_mon_c_return(PyObject* const* args, size_t nargs)
{
    (void)nargs;
    tm_prof_exit(args[0], args[2]);
    Py_RETURN_NONE;
}

static int tm_prof_monitor_install(void)
{
    if(tm_monitor_open(&P.mon, 3, "timemory.profiler") < 0) return -1;
    if(P.mon_used && tm_monitor_restart(&P.mon) < 0) goto fail;
    const tm_mon_events* ev = &P.mon.ev;
    struct
    {
        int       event;
        PyObject* cb;
    } regs[] = {
        {ev->py_start, P.cb_start},   {ev->py_resume, P.cb_resume},  {ev->py_throw, P.cb_throw},
        {ev->py_return, P.cb_return}, {ev->py_yield, P.cb_yield},    {ev->py_unwind, P.cb_unwind},
        {ev->call, P.cb_call},        {ev->c_return, P.cb_c_return}, {ev->c_raise, P.cb_c_return}};
    int    events = 0;
    size_t nregs  = sizeof(regs) / sizeof(regs[0]);
    for(size_t i = 0; i < nregs; ++i)
    {
        bool c_event = regs[i].event == ev->call || regs[i].event == ev->c_return ||
                       regs[i].event == ev->c_raise;
        if(c_event && !P.cfg.trace_c) continue;
        if(tm_monitor_register(&P.mon, regs[i].event, regs[i].cb) < 0) goto fail;
        P.mon_registered |= regs[i].event;
        /* C_RETURN/C_RAISE follow CALL: they are not set on their own */
        if(regs[i].event != ev->c_return && regs[i].event != ev->c_raise) events |= regs[i].event;
    }
    if(tm_monitor_set_events(&P.mon, events) < 0) goto fail;
    P.mon_used = true;
    return 0;
fail:
    tm_monitor_close(&P.mon, P.mon_registered);
    P.mon_registered = 0;
    return -1;
}
#endif

/* ------------------------------------------------------------------------------------------ */
/* profiler_function: the callable form of the hook                                            */

static int tm_prof_entry(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg)
{
    if(!P.active || P.backend != TM_PROF_LEGACY) return 0;
    if(!PyFrame_Check(frame))
    {
        PyErr_Format(PyExc_TypeError, "profiler_function: frame must be a frame, not %.100s",
                     Py_TYPE(frame)->tp_name);
        return -1;
    }
    int what = tm_hook_event_code(event);
    if(what < 0) return 0;
    /* reached through sys.setprofile (a new thread): from now on C calls C directly */
    if(!tm_hook_legacy_installed(false, tm_prof_legacy))
    {
        PyEval_SetProfile(tm_prof_legacy, self);
        if(PyErr_Occurred()) return -1;
    }
    return tm_prof_legacy(self, (PyFrameObject*)frame, what, arg);
}

/* ------------------------------------------------------------------------------------------ */
/* install / uninstall                                                                         */

static int tm_prof_resolve_backend(void)
{
#if TM_HOOKS_HAVE_MONITORING
    return P.backend_choice == TM_PROF_LEGACY ? TM_PROF_LEGACY : TM_PROF_MONITORING;
#else
    if(P.backend_choice == TM_PROF_LEGACY) return TM_PROF_LEGACY;
    /* the frame hook is the interpreter's one (taken: by the tracer, a debugger), and (3.11)
     * gives no frame object for argument values */
    bool hook_free = P.active ? P.backend != TM_PROF_LEGACY : tm_hook_evalframe_free();
    if(!hook_free || (P.cfg.include_args && PY_VERSION_HEX >= 0x030B0000)) return TM_PROF_LEGACY;
    /* without C functions the frame hook alone; with them, the scoped profile hook too */
    if(!P.cfg.trace_c) return TM_PROF_EVALFRAME;
    return P.backend_choice == TM_PROF_EVALFRAME ? TM_PROF_LEGACY : TM_PROF_SCOPED;
#endif
}

/* The calling thread's open calls end with the session (recorded up to now). */
static void tm_prof_unwind_current(void)
{
    tm_prof_thread* t = tm_prof_tls;
    if(!t || t->session != P.session) return;
    timemory_hook_pop_all(P.own_clock ? tm_hook_ticks(P.tsc) : 0, P.ns_per_tick, 1);
    t->depth = 0;
}

/* Removes the hooks; returns how many threads had their hook replaced by another tool
 * meanwhile (the package warns). */
static int tm_prof_uninstall(void)
{
    if(!P.active) return 0;
    P.active     = false;
    int replaced = 0;
    if(P.backend == TM_PROF_LEGACY)
    {
        replaced = tm_hook_legacy_remove_all(false, tm_prof_legacy);
        tm_hook_threading_restore(false, P.saved_thread_hook);
        P.saved_thread_hook = NULL;
    }
#if TM_PROF_HAVE_EVALFRAME
    else if(P.backend == TM_PROF_EVALFRAME || P.backend == TM_PROF_SCOPED)
    {
        _PyFrameEvalFunction ours =
            P.backend == TM_PROF_SCOPED ? tm_prof_scoped_eval : tm_prof_eval;
        PyThreadState*      me     = PyThreadState_Get();
        PyInterpreterState* interp = PyThreadState_GetInterpreter(me);
        if(_PyInterpreterState_GetEvalFrameFunc(interp) == ours)
            _PyInterpreterState_SetEvalFrameFunc(interp, tm_prof_saved_eval);
        else
            replaced = 1;
        if(P.backend == TM_PROF_SCOPED)
        {
            /* threads running frames that may call C have the profile hook on: off
             * everywhere; a thread whose hook another tool holds counts as replaced */
            if(me->c_profilefunc != NULL && me->c_profilefunc != tm_prof_scoped_c)
                P.displaced = true;
            (void)tm_hook_legacy_remove_all(false, tm_prof_scoped_c);
            replaced += P.displaced;
            P.displaced = false;
        }
    }
#endif
#if TM_HOOKS_HAVE_MONITORING
    else
    {
        tm_monitor_close(&P.mon, P.mon_registered);
        P.mon_registered = 0;
    }
#endif
    tm_prof_unwind_current();
    return replaced;
}

static int tm_prof_install(void)
{
    P.backend     = tm_prof_resolve_backend();
    P.own_clock   = !P.wide && P.mask == TIMEMORY_COMPONENT_BIT(TIMEMORY_WALL_CLOCK);
    P.tsc         = P.own_clock && tm_hook_ticks_are_tsc();
    P.ns_per_tick = P.tsc ? tm_hook_ticks_to_ns() : 1.0;
    ++P.session;
    if(P.backend == TM_PROF_LEGACY)
    {
        if(tm_hook_threading_set(false, P.function, &P.saved_thread_hook) < 0) return -1;
        if(tm_hook_legacy_install_all(false, tm_prof_legacy, P.function) < 0)
        {
            tm_hook_threading_restore(false, P.saved_thread_hook);
            P.saved_thread_hook = NULL;
            return -1;
        }
    }
#if TM_PROF_HAVE_EVALFRAME
    else if(P.backend == TM_PROF_EVALFRAME || P.backend == TM_PROF_SCOPED)
    {
        /* scoped: frames already running (this thread's callers, other threads) may call C
         * functions; they keep the profile hook until they return */
        P.displaced = false;
        if(P.backend == TM_PROF_SCOPED &&
           tm_hook_legacy_install_all(false, tm_prof_scoped_c, P.function) < 0)
            return -1;
        PyInterpreterState* interp = PyThreadState_GetInterpreter(PyThreadState_Get());
        tm_prof_saved_eval         = _PyInterpreterState_GetEvalFrameFunc(interp);
        _PyInterpreterState_SetEvalFrameFunc(
            interp, P.backend == TM_PROF_SCOPED ? tm_prof_scoped_eval : tm_prof_eval);
    }
#endif
#if TM_HOOKS_HAVE_MONITORING
    else if(tm_prof_monitor_install() < 0)
        return -1;
#endif
    P.active = true;
    return 0;
}

static void tm_prof_free_code(void* p)
{
    if(p == &tm_prof_unrecorded) return;
    free(((tm_prof_code*)p)->sites);
    free(p);
}

static void tm_prof_reset_codes(void)
{
    tm_code_table_clear(&P.codes, tm_prof_free_code);
#if TM_PROF_HAVE_EVALFRAME
    ++tm_prof_epoch; /* every thread's tm_prof_current is stale */
#endif
    /* open hook pushes are tagged by code identity only; they stay valid */
#if TM_HOOKS_HAVE_MONITORING
    if(P.active && P.backend == TM_PROF_MONITORING && tm_monitor_restart(&P.mon) < 0)
        PyErr_WriteUnraisable(NULL);
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* Python functions                                                                            */

static PyObject* tm_prof_py_init(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_py_set_package_dir(&P.cfg, args, nargs, "profiler_init(package_dir=None)") < 0)
        return NULL;
    if(!P.initialized)
    {
        tm_prof_reset_codes();
        P.initialized = true;
    }
    Py_RETURN_NONE;
}

static PyObject* tm_prof_py_configure(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs != 2 || !PyLong_Check(args[0]) || !PyLong_Check(args[1]))
    {
        PyErr_SetString(PyExc_TypeError, "profiler_configure(mask: int, scope: int)");
        return NULL;
    }
    tm_py_set     mask;
    unsigned long scope = PyLong_AsUnsignedLong(args[1]);
    if(PyErr_Occurred() || tm_py_set_from_int(args[0], &mask, "profiler_configure mask") < 0)
        return NULL;
    P.mask  = mask.mask;
    P.set   = mask.set;
    P.wide  = mask.wide;
    P.scope = (unsigned)scope;
    Py_RETURN_NONE;
}

static PyObject* tm_prof_py_start(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    if(!P.active)
    {
        if(timemory_component_set_empty(&P.set))
        {
            PyErr_SetString(PyExc_RuntimeError,
                            "profiler_start: no components configured (profiler_configure)");
            return NULL;
        }
        if(tm_prof_install() < 0) return NULL;
    }
    return PyUnicode_FromString(tm_prof_backend_names[P.backend]);
}

/* Returns the number of threads whose hook another tool had replaced. */
static PyObject* tm_prof_py_stop(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int replaced = tm_prof_uninstall();
    tm_thread_registry_reap(&P.threads, tm_prof_thread_free);
    if(PyErr_Occurred()) return NULL;
    return PyLong_FromLong(replaced);
}

static PyObject* tm_prof_py_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int replaced = tm_prof_uninstall();
    if(P.initialized)
    {
        P.initialized = false;
        tm_prof_reset_codes();
    }
    tm_thread_registry_reap(&P.threads, tm_prof_thread_free);
    if(PyErr_Occurred()) return NULL;
    return PyLong_FromLong(replaced);
}

static PyObject* tm_prof_py_is_running(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(P.initialized);
}

static PyObject* tm_prof_py_is_active(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(P.active);
}

static PyObject* tm_prof_py_set_running(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_hook_py_set_flag(&P.initialized, arg);
}

static PyObject* tm_prof_py_config(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_hook_config_as_dict(&P.cfg);
}

static PyObject* tm_prof_py_config_get(PyObject* self, PyObject* name)
{
    (void)self;
    return tm_hook_config_get(&P.cfg, name);
}

static PyObject* tm_prof_py_config_set(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_py_config_set(&P.cfg, args, nargs, "profiler_config_set(name, value)") < 0)
        return NULL;
    tm_prof_reset_codes(); /* decisions depend on the configuration */
    Py_RETURN_NONE;
}

static PyObject* tm_prof_py_config_clear(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_config_clear(&P.cfg, nargs > 0 ? args[0] : NULL, true) < 0) return NULL;
    tm_prof_reset_codes();
    Py_RETURN_NONE;
}

static PyObject* tm_prof_py_set_backend(PyObject* self, PyObject* arg)
{
    (void)self;
    for(int i = 0; i < TM_PROF_NBACKENDS; ++i)
    {
        if(PyUnicode_Check(arg) &&
           PyUnicode_CompareWithASCIIString(arg, tm_prof_backend_names[i]) == 0)
        {
            if(i == TM_PROF_MONITORING && !TM_HOOKS_HAVE_MONITORING)
            {
                PyErr_SetString(PyExc_ValueError,
                                "the monitoring backend needs Python 3.12 or newer");
                return NULL;
            }
            if((i == TM_PROF_EVALFRAME || i == TM_PROF_SCOPED) && !TM_PROF_HAVE_EVALFRAME)
            {
                PyErr_Format(PyExc_ValueError,
                             "the %s backend is for Python 3.9-3.11 (3.12+ monitors)",
                             tm_prof_backend_names[i]);
                return NULL;
            }
            P.backend_choice = i;
            Py_RETURN_NONE;
        }
    }
    PyErr_SetString(PyExc_ValueError,
                    "backend must be 'auto', 'legacy', 'monitoring' (3.12+), 'evalframe' or "
                    "'scoped' (3.9-3.11)");
    return NULL;
}

static PyObject* tm_prof_py_backend(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(
        tm_prof_backend_names[P.active ? P.backend : tm_prof_resolve_backend()]);
}

static PyObject* tm_prof_py_set_args_formatter(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_hook_py_set_callable(&P.args_formatter, arg,
                                   "the argument formatter must be callable or None");
}

/* What the profiler has decided about a code object (tests, debugging). */
static PyObject* tm_prof_py_code_state(PyObject* self, PyObject* code)
{
    (void)self;
    if(!PyCode_Check(code))
    {
        PyErr_Format(PyExc_TypeError, "profiler_code_state: expected a code object, not %.100s",
                     Py_TYPE(code)->tp_name);
        return NULL;
    }
    const tm_prof_code* e = (const tm_prof_code*)tm_code_table_get(&P.codes, code);
    if(!e) Py_RETURN_NONE;
    if(e->verdict != TM_HOOK_SELECT) return PyUnicode_FromString("skipped");
    static const char* const modes[] = {"selected", "learning", "quiet", "calls C"};
    return PyUnicode_FromString(modes[e->mode]);
}

static PyMethodDef tm_prof_methods[] = {
    {"profiler_init", (PyCFunction)(void (*)(void))tm_prof_py_init, METH_FASTCALL,
     "profiler_init(package_dir=None)\n--\n\nPrepare a profiling session: package_dir is the "
     "timemory package folder (skipped unless Config.include_internal)."},
    {"profiler_configure", (PyCFunction)(void (*)(void))tm_prof_py_configure, METH_FASTCALL,
     "profiler_configure(mask, scope)\n--\n\nComponents and scope of profiled calls."},
    {"profiler_start", tm_prof_py_start, METH_NOARGS,
     "profiler_start()\n--\n\nInstall the C hooks on every thread; returns the backend."},
    {"profiler_stop", tm_prof_py_stop, METH_NOARGS,
     "profiler_stop()\n--\n\nRemove the hooks and close this thread's open calls; returns "
     "how many threads had the hook replaced by another tool meanwhile."},
    {"profiler_finalize", tm_prof_py_finalize, METH_NOARGS,
     "profiler_finalize()\n--\n\nStop (returns as profiler_stop) and forget the per-code "
     "decisions."},
    {"profiler_is_running", tm_prof_py_is_running, METH_NOARGS,
     "profiler_is_running()\n--\n\nBetween profiler_init and profiler_finalize."},
    {"profiler_set_running", tm_prof_py_set_running, METH_O,
     "profiler_set_running(flag)\n--\n\nConfig._is_running setter."},
    {"profiler_is_active", tm_prof_py_is_active, METH_NOARGS,
     "profiler_is_active()\n--\n\nWhether the hooks are installed."},
    {"profiler_config", tm_prof_py_config, METH_NOARGS,
     "profiler_config()\n--\n\nEvery Config field as a dict."},
    {"profiler_config_get", tm_prof_py_config_get, METH_O,
     "profiler_config_get(name)\n--\n\nOne Config field."},
    {"profiler_config_set", (PyCFunction)(void (*)(void))tm_prof_py_config_set, METH_FASTCALL,
     "profiler_config_set(name, value)\n--\n\nSet a field; list fields add to their set."},
    {"profiler_config_clear", (PyCFunction)(void (*)(void))tm_prof_py_config_clear, METH_FASTCALL,
     "profiler_config_clear(name=None)\n--\n\nEmpty one list field, or restore every "
     "default."},
    {"profiler_set_backend", tm_prof_py_set_backend, METH_O,
     "profiler_set_backend(name)\n--\n\n'auto', 'legacy' (PyEval_SetProfile), 'monitoring' "
     "(sys.monitoring, 3.12+), 'evalframe' (PEP 523, 3.9-3.11, not with Config.trace_c) or "
     "'scoped' (3.9-3.11: PEP 523, plus PyEval_SetProfile only in frames that may call C "
     "functions; the default with Config.trace_c); applies at the next start."},
    {"profiler_backend", tm_prof_py_backend, METH_NOARGS,
     "profiler_backend()\n--\n\nThe backend in use (or that the next start would use)."},
    {"profiler_set_args_formatter", tm_prof_py_set_args_formatter, METH_O,
     "profiler_set_args_formatter(func)\n--\n\nfunc(frame) -> str for Config.include_args."},
    {"profiler_code_state", tm_prof_py_code_state, METH_O,
     "profiler_code_state(code)\n--\n\nNone (never seen), 'skipped' (filtered out), or for a "
     "profiled code object 'selected', 'learning', 'quiet' or 'calls C' (the scoped backend's "
     "state: whether its frames run with the profile hook)."},
    {NULL, NULL, 0, NULL}};

int tm_py_add_profiler(PyObject* module)
{
    if(!P.function)
    {
        if(tm_hook_config_init(&P.cfg, true) < 0) return -1;
        P.function = tm_hook_new_function(
            tm_prof_entry, "profiler_function",
            "profiler_function(frame, event, arg)\n--\n\nThe profile hook in callable form: "
            "sys.setprofile(profiler_function) on a thread installs the C hook there while the "
            "profiler runs.");
        if(!P.function) return -1;
#if TM_HOOKS_HAVE_MONITORING
        P.cb_start    = tm_hook_new_callback(tm_prof_mon_start, "start");
        P.cb_resume   = tm_hook_new_callback(tm_prof_mon_resume, "resume");
        P.cb_yield    = tm_hook_new_callback(tm_prof_mon_yield, "yield");
        P.cb_throw    = tm_hook_new_callback(tm_prof_mon_throw, "throw");
        P.cb_return   = tm_hook_new_callback(tm_prof_mon_return, "return");
        P.cb_unwind   = tm_hook_new_callback(tm_prof_mon_unwind, "unwind");
        P.cb_call     = tm_hook_new_callback(tm_prof_mon_call, "call");
        P.cb_c_return = tm_hook_new_callback(tm_prof_mon_c_return, "c_return");
        if(!P.cb_start || !P.cb_resume || !P.cb_yield || !P.cb_throw || !P.cb_return ||
           !P.cb_unwind || !P.cb_call || !P.cb_c_return)
            return -1;
#endif
    }
    return tm_hook_py_add(module, tm_prof_methods, P.function, "profiler_function");
}
