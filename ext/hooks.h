/* hooks.h -- the shared base of the function profiler (profiler*.c) and the line tracer
 * (tracer.c): filter configuration, the code-object table, per-thread state plumbing, the C
 * callable types and the helpers that install hooks through either CPython event API.
 * Policy: everything here runs with the GIL held; the per-event paths never allocate, never
 * create a Python object and never raise (a failure is counted and the event is dropped). */
#ifndef TIMEMORY_EXT_HOOKS_H
#define TIMEMORY_EXT_HOOKS_H

#include "ext.h"

#include <frameobject.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#if PY_VERSION_HEX >= 0x030C0000
#    define TM_HOOKS_HAVE_MONITORING 1
#else
#    define TM_HOOKS_HAVE_MONITORING 0
#endif

#if defined(__GNUC__)
#    define TM_HOOK_TLS         _Thread_local __attribute__((tls_model("initial-exec")))
#    define TM_HOOK_LIKELY(x)   __builtin_expect(!!(x), 1)
#    define TM_HOOK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#    define TM_HOOK_TLS         _Thread_local
#    define TM_HOOK_LIKELY(x)   (x)
#    define TM_HOOK_UNLIKELY(x) (x)
#endif

/* ---------------------------------------------------------------------------------------- */
/* filter configuration (spec API.md §8.3 / §9.3)                                             */

typedef struct tm_strset {
    char** items;
    size_t count;
    size_t cap;
} tm_strset;

typedef struct tm_hook_config {
    bool      trace_c;
    bool      include_internal;
    bool      include_args;
    bool      include_line;
    bool      include_filename;
    bool      full_filepath;
    long      max_stack_depth;
    long      verbosity;
    tm_strset only_functions;
    tm_strset only_filenames;
    tm_strset skip_functions;
    tm_strset skip_filenames;
    char*     internal_path; /* the timemory package folder (include_internal) */
    bool      has_trace_c;   /* the profiler's Config has trace_c/max_stack_depth */
} tm_hook_config;

/* Defaults of the profiler (skip_module: "<module>" is skipped) or the tracer. */
int  tm_hook_config_init(tm_hook_config* cfg, bool profiler);
void tm_hook_config_free(tm_hook_config* cfg);
/* Python access by field name: a dict of every field; one field; set (list fields ADD). */
PyObject* tm_hook_config_as_dict(const tm_hook_config* cfg);
PyObject* tm_hook_config_get(const tm_hook_config* cfg, PyObject* name);
int       tm_hook_config_set(tm_hook_config* cfg, PyObject* name, PyObject* value);
/* Empties one list field (name) or restores every default (name NULL). */
int tm_hook_config_clear(tm_hook_config* cfg, PyObject* name, bool profiler);

typedef enum tm_hook_verdict {
    TM_HOOK_SKIP     = 0,
    TM_HOOK_SELECT   = 1,
    TM_HOOK_SHUTDOWN = 2 /* skipped, and the interpreter is shutting down: remove the hooks */
} tm_hook_verdict;

/* The filter decision for one code object (once per code object). */
tm_hook_verdict tm_hook_filter(const tm_hook_config* cfg, PyCodeObject* code);
/* "func[/file][:line]" of a code object into buf (profiler labels). Returns the length. */
size_t tm_hook_label(const tm_hook_config* cfg, PyCodeObject* code, const char* args, char* buf,
                     size_t len);

/* ---------------------------------------------------------------------------------------- */
/* code-object table: open addressing keyed by the code object's address. The table holds a
 * strong reference to every key, so an address is never reused while it is in the table.  */

typedef struct tm_code_slot {
    PyObject* code;
    void*     value;
} tm_code_slot;

typedef struct tm_code_table {
    tm_code_slot* slots;
    size_t        mask;
    size_t        count;
    unsigned      shift;
} tm_code_table;

static inline void* tm_code_table_get(const tm_code_table* t, const PyObject* code)
{
    if(TM_HOOK_UNLIKELY(!t->slots)) return NULL;
    size_t i = (size_t)(((uintptr_t)code * UINT64_C(0x9E3779B97F4A7C15)) >> t->shift);
    for(;;)
    {
        const tm_code_slot* s = &t->slots[i];
        if(s->code == code) return s->value;
        if(!s->code) return NULL;
        i = (i + 1) & t->mask;
    }
}

/* Inserts (code -> value), taking a reference to code. -1 on allocation failure. */
int tm_code_table_put(tm_code_table* t, PyObject* code, void* value);
/* Drops every entry (releasing the code references and freeing values with free_value). */
void tm_code_table_clear(tm_code_table* t, void (*free_value)(void*));

/* ---------------------------------------------------------------------------------------- */
/* C functions' labels (cfunc_labels.c): the key of a C call's row, "builtins.sum",
 * "list.append", registered once per C function. The table is keyed by the function's
 * PyMethodDef, which builtin functions, method descriptors and bound builtin methods share. */

typedef struct tm_cfunc_slot {
    const void* ml;
    uint64_t    key;
} tm_cfunc_slot;

typedef struct tm_cfunc_table {
    tm_cfunc_slot* slots;
    size_t         mask;
    size_t         count;
} tm_cfunc_table;

extern tm_cfunc_table tm_hook_cfuncs;
uint64_t              tm_hook_cfunc_key_slow(PyObject* callable, const void* ml);

static inline size_t tm_cfunc_hash(const void* ml, size_t mask)
{
    return (size_t)(((uintptr_t)ml * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & mask;
}

/* The key of a call of callable, a C function (PyCFunction) or a method descriptor. */
static inline uint64_t tm_hook_cfunc_key(PyObject* callable)
{
    const void*           ml = Py_IS_TYPE(callable, &PyMethodDescr_Type)
                                   ? (const void*)((PyMethodDescrObject*)callable)->d_method
                                   : (const void*)((PyCFunctionObject*)callable)->m_ml;
    const tm_cfunc_table* t  = &tm_hook_cfuncs;
    if(TM_HOOK_LIKELY(t->slots != NULL))
        for(size_t i = tm_cfunc_hash(ml, t->mask);; i = (i + 1) & t->mask)
        {
            if(t->slots[i].ml == ml) return t->slots[i].key;
            if(!t->slots[i].ml) break;
        }
    return tm_hook_cfunc_key_slow(callable, ml);
}

/* ---------------------------------------------------------------------------------------- */
/* per-thread state: each hook keeps a registry of its thread structs (GIL-protected); a
 * pthread key marks a struct dead when its thread exits, and dead ones are freed at stop.  */

typedef struct tm_thread_link {
    struct tm_thread_link* next;
    atomic_int             dead;
} tm_thread_link;

typedef struct tm_thread_registry {
    tm_thread_link* head;
    unsigned long   key; /* pthread_key_t */
    bool            key_ready;
} tm_thread_registry;

int tm_thread_registry_add(tm_thread_registry* reg, tm_thread_link* link);
/* Frees every dead thread struct (free_fn) and unlinks it; returns how many live remain. */
size_t tm_thread_registry_reap(tm_thread_registry* reg, void (*free_fn)(tm_thread_link*));

/* ---------------------------------------------------------------------------------------- */
/* C callables                                                                               */

/* A vectorcall object calling fn(args, nargs): the sys.monitoring callbacks. */
typedef PyObject* (*tm_hook_vectorfn)(PyObject* const* args, size_t nargs);
PyObject* tm_hook_new_callback(tm_hook_vectorfn fn, const char* name);

/* The legacy-event callable (profiler_function / tracer_function): calling it with
 * (frame, event, arg) from Python installs the direct C hook on the calling thread when the
 * hook is running and forwards the event, so threading.setprofile/settrace and sys.setprofile
 * reach C after one event. */
typedef int (*tm_hook_entry_fn)(PyObject* self, PyObject* frame, PyObject* event, PyObject* arg);
PyObject* tm_hook_new_function(tm_hook_entry_fn fn, const char* name, const char* doc);

/* PyTrace_* value of an event name, or -1. */
int tm_hook_event_code(PyObject* event);

/* ---------------------------------------------------------------------------------------- */
/* installation                                                                              */

/* Legacy hooks (PyEval_SetProfile / PyEval_SetTrace) on every thread of the interpreter. */
int tm_hook_legacy_install_all(bool trace, Py_tracefunc fn, PyObject* obj);
/* Removes fn from every thread that still has it; returns the number of threads whose hook
 * was replaced by another one (current thread included when replaced). */
int tm_hook_legacy_remove_all(bool trace, Py_tracefunc fn);
/* Installs fn (NULL: removes the hook) on the calling thread from inside a hook: a pending
 * exception is kept, a failure is counted (tm_hook_note_error). False when it did not happen. */
bool tm_hook_legacy_switch(bool trace, Py_tracefunc fn, PyObject* obj);
/* Whether the calling thread currently has fn installed. */
bool tm_hook_legacy_installed(bool trace, Py_tracefunc fn);
/* threading.setprofile / threading.settrace(hook); *saved receives the previous hook. */
int tm_hook_threading_set(bool trace, PyObject* hook, PyObject** saved);
/* Restores the saved threading hook (steals saved). */
void tm_hook_threading_restore(bool trace, PyObject* saved);

#if TM_HOOKS_HAVE_MONITORING
/* sys.monitoring: the event bits by name (read from sys.monitoring.events) */
typedef struct tm_mon_events {
    int py_start, py_resume, py_return, py_yield, call, line, py_unwind, py_throw, c_return,
        c_raise;
} tm_mon_events;

typedef struct tm_monitor {
    PyObject*     module;  /* sys.monitoring */
    PyObject*     disable; /* sys.monitoring.DISABLE */
    tm_mon_events ev;
    int           tool; /* -1 when none */
} tm_monitor;

/* Claims a tool id (preferred first, then any free one) under name. -1 + exception when
 * every id is taken. */
int tm_monitor_open(tm_monitor* m, int preferred, const char* name);
int tm_monitor_register(tm_monitor* m, int event, PyObject* callback);
int tm_monitor_set_events(tm_monitor* m, int events);
int tm_monitor_set_local(tm_monitor* m, PyObject* code, int events);
int tm_monitor_restart(tm_monitor* m);
/* Unregisters every callback given in events, clears the events and frees the tool id. */
void tm_monitor_close(tm_monitor* m, int registered_events);
#endif

/* ---------------------------------------------------------------------------------------- */
/* Python-facing plumbing shared by the profiler_* and tracer_* functions (never per event) */

/* <hook>_init(package_dir=None): stores package_dir (as a folder prefix ending in '/') in
 * cfg->internal_path; usage is the TypeError message for too many arguments. */
int tm_hook_py_set_package_dir(tm_hook_config* cfg, PyObject* const* args, Py_ssize_t nargs,
                               const char* usage);
/* <hook>_config_set(name, value) on cfg; usage is the TypeError message for a bad call. */
int tm_hook_py_config_set(tm_hook_config* cfg, PyObject* const* args, Py_ssize_t nargs,
                          const char* usage);
/* Sets *flag to the truth of arg (<hook>_set_running); None, or NULL + exception. */
PyObject* tm_hook_py_set_flag(bool* flag, PyObject* arg);
/* Replaces the callable held in *slot by arg (None clears it); not_callable is the
 * TypeError message for anything else. Returns None, or NULL + exception. */
PyObject* tm_hook_py_set_callable(PyObject** slot, PyObject* arg, const char* not_callable);

/* ---------------------------------------------------------------------------------------- */
/* the session type (session.c): Session, subclassed by ProfilerSession (profiler.c) and
 * TracerSession (tracer.c), which bind it to their hooks through this table               */

typedef struct tm_session_ops {
    const char* tool;           /* "profiler", "trace": timemory.<tool> in messages */
    const char* class_name;     /* "Profiler", "Tracer": "at <class_name>.stop" in the report */
    bool        trace;          /* the hook object is sys.gettrace()'s (else sys.getprofile()'s) */
    bool (*is_active)(void);    /* the hooks are installed */
    bool (*is_running)(void);   /* between init and finalize (Config._is_running) */
    PyObject* (*install)(void); /* the backend's name, or NULL + exception */
    int (*uninstall)(void);     /* threads whose hook another tool replaced; -1 + exception */
    int (*finalize)(void);      /* uninstall + forget the decisions; as uninstall */
    const char* (*replaced_what)(void); /* the hook named in the replaced-hook warning */
    const char* (*package_dir)(void);   /* the package folder (warnings skip its frames) */
} tm_session_ops;

/* A new session object of type bound to ops (a subtype's tp_new). */
PyObject* tm_session_alloc(PyTypeObject* type, const tm_session_ops* ops);
/* Adds the subtype `qualified` (a string literal: the module's name + "." + its name) of
 * Session with tp_new and methods (its hooks' static methods) to module, with the hook's
 * callable form as the class attribute function_name. */
int tm_session_add_type(PyObject* module, const char* qualified, const char* doc,
                        PyObject* (*tp_new)(PyTypeObject*, PyObject*, PyObject*),
                        PyMethodDef* methods, PyObject* function, const char* function_name);
/* The RuntimeWarning for count threads whose hook another tool replaced (timemory.<tool>: ...),
 * at the first caller outside the package; what names the hook (NULL: ops->replaced_what()).
 * 0, or -1 + exception. */
int tm_session_warn_replaced(const tm_session_ops* ops, const char* tool, long count,
                             const char* what);
/* <Kind>Session._warn_replaced(tool, count): the same from Python (the line profiler). */
PyObject* tm_session_py_warn_replaced(const tm_session_ops* ops, PyObject* const* args,
                                      Py_ssize_t nargs);

/* ---------------------------------------------------------------------------------------- */
/* small helpers                                                                             */

static inline int64_t tm_hook_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Ticks of the time-stamp counter where it is a usable wall clock (x86 with an invariant
 * TSC that the kernel itself uses as its clock source), else monotonic nanoseconds: the
 * tracer's per-line clock. tm_hook_ticks_to_ns converts a tick count (calibrated against
 * CLOCK_MONOTONIC over the life of the process). */
bool   tm_hook_ticks_are_tsc(void);
double tm_hook_ticks_to_ns(void);

static inline int64_t tm_hook_ticks(bool tsc)
{
#if defined(__x86_64__)
    if(TM_HOOK_LIKELY(tsc)) return (int64_t)__builtin_ia32_rdtsc();
#else
    (void)tsc;
#endif
    return tm_hook_now_ns();
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
/* 3.11's interpreter frame and frame object, their leading members (internal/pycore_frame.h),
 * unchanged through the 3.11 releases: the code object is a load or two away, without
 * PyFrame_GetCode's call and reference count */
typedef struct tm_hook_iframe311 {
    PyObject*     f_func;
    PyObject*     f_globals;
    PyObject*     f_builtins;
    PyObject*     f_locals;
    PyCodeObject* f_code;
    PyObject*     frame_obj;
    void*         previous;
    _Py_CODEUNIT* prev_instr;
} tm_hook_iframe311;

typedef struct tm_hook_frame311 {
    PyObject_HEAD PyFrameObject* f_back;
    tm_hook_iframe311*           f_frame;
} tm_hook_frame311;
#endif

#if PY_VERSION_HEX < 0x030C0000
/* What a PEP 523 frame-evaluation hook receives, and its code object. */
#    if PY_VERSION_HEX >= 0x030B0000
typedef struct _PyInterpreterFrame tm_hook_eval_frame;
#        define TM_HOOK_EVAL_FRAME_CODE(f) (((tm_hook_iframe311*)(void*)(f))->f_code)
#    else
typedef PyFrameObject tm_hook_eval_frame;
#        define TM_HOOK_EVAL_FRAME_CODE(f) ((f)->f_code)
#    endif

/* A frame hook evaluates frames through this: the default evaluation, on a fresh stack
 * segment when the thread's C stack runs low (ext/deep_stack.c) -- with a frame hook every
 * Python call is a C call, and deep recursions would otherwise exhaust the C stack. */
extern __thread uintptr_t tm_hook_stack_limit __attribute__((tls_model("initial-exec")));
PyObject* tm_hook_eval_deep(PyThreadState* tstate, tm_hook_eval_frame* frame, int throwflag);
static inline PyObject* tm_hook_eval_default(PyThreadState* tstate, tm_hook_eval_frame* frame,
                                             int throwflag)
{
    if(TM_HOOK_LIKELY((uintptr_t)__builtin_frame_address(0) > tm_hook_stack_limit))
        return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
    return tm_hook_eval_deep(tstate, frame, throwflag);
}

/* The interpreter-wide frame hook is free (nobody else evaluates frames). */
static inline bool tm_hook_evalframe_free(void)
{
    PyInterpreterState* interp = PyThreadState_GetInterpreter(PyThreadState_Get());
    return _PyInterpreterState_GetEvalFrameFunc(interp) == _PyEval_EvalFrameDefault;
}
#endif

/* The code object of a frame, borrowed (the frame keeps it alive). */
static inline PyCodeObject* tm_hook_frame_code(PyFrameObject* frame)
{
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    return ((tm_hook_frame311*)(void*)frame)->f_frame->f_code;
#elif PY_VERSION_HEX >= 0x030B0000
    PyCodeObject* code = PyFrame_GetCode(frame);
    Py_DECREF(code);
    return code;
#else
    return frame->f_code;
#endif
}

/* Counts a dropped event (allocation failure in a hook) in the library's sticky error state
 * (timemory_note_error), which take_errors() reads. */
void tm_hook_note_error(void);

/* Growth helper: *buf holds *cap elements of size elem; grows to hold need. -1 on failure. */
int tm_hook_grow(void** buf, size_t* cap, size_t need, size_t elem);

#endif /* TIMEMORY_EXT_HOOKS_H */
