/* profiler.c -- the function profiler: C callbacks that push a node on the calling thread's
 * call-graph (timemory_hook_push, tagged by the call's code object or frame) when a selected
 * function starts and pop it when it returns, so profiled calls nest with markers, regions
 * and the tracer on the engine's one stack. 3.9-3.11: PyEval_SetProfile on every thread, or
 * (without C functions) a PEP 523 frame-evaluation hook, far cheaper there; 3.12+:
 * sys.monitoring. Policy: filters and labels are decided once per code object; per event
 * there is one table lookup and one push or pop -- no Python object, no allocation.
 * Files: profiler_state.h (shared state), profiler_legacy.c, profiler_frame.c and
 * profiler_monitoring.c (one per backend); this file owns the state, the per-code and
 * per-thread decisions, install/uninstall and the ProfilerSession type. */
#include "profiler_state.h"

/* ------------------------------------------------------------------------------------------ */
/* state                                                                                       */

static const char* const tm_prof_backend_names[] = { "auto", "legacy", "monitoring", "evalframe",
                                                     "scoped" };

tm_prof_state tm_prof_P;

TM_HOOK_TLS tm_prof_thread* tm_prof_tls;
TM_HOOK_TLS int             tm_prof_busy;
#if TM_PROF_HAVE_EVALFRAME
TM_HOOK_TLS tm_prof_code* tm_prof_current;
TM_HOOK_TLS uint32_t      tm_prof_current_epoch;
uint32_t                  tm_prof_epoch;
#endif

/* Returned for code objects whose entry could not be stored: skipped, never cached. */
tm_prof_code tm_prof_unrecorded = { .key = 0, .verdict = TM_HOOK_SKIP };

/* ------------------------------------------------------------------------------------------ */
/* slow paths: once per code object, once per thread                                          */

uint64_t tm_prof_register_label(PyCodeObject* code, const char* args)
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

tm_prof_code* tm_prof_decide(PyObject* code)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tm_prof_code* e = malloc(sizeof(tm_prof_code));
    if(e)
    {
        e->verdict = (uint8_t)tm_hook_filter(&P.cfg, (PyCodeObject*)code);
        e->key     = 0;
        e->mode    = TM_PROF_MODE_NEW;
        e->coro   = (((PyCodeObject*)code)->co_flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE)) != 0;
        e->sites  = NULL;
        e->nsites = 0;
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

static void tm_prof_thread_free(tm_thread_link* link)
{
    free(link);
}

tm_prof_thread* tm_prof_thread_slow(void)
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

/* The key of a call with include_args: the label carries this call's argument values. */
uint64_t tm_prof_args_key(PyCodeObject* code, PyObject* frame)
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

/* threading._shutdown: the interpreter is exiting; stop receiving events. */
void tm_prof_on_shutdown(void)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tm_prof_uninstall();
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
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
int tm_prof_uninstall(void)
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
    if(tm_hook_py_set_package_dir(&P.cfg, args, nargs, "ProfilerSession._init(package_dir=None)") <
       0)
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
        PyErr_SetString(PyExc_TypeError, "ProfilerSession._configure(mask: int, scope: int)");
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
                            "ProfilerSession._install: no components configured (_configure)");
            return NULL;
        }
        if(tm_prof_install() < 0) return NULL;
    }
    return PyUnicode_FromString(tm_prof_backend_names[P.backend]);
}

/* Returns the number of threads whose hook another tool had replaced (-1: an exception). */
static int tm_prof_stop(void)
{
    int replaced = tm_prof_uninstall();
    tm_thread_registry_reap(&P.threads, tm_prof_thread_free);
    return PyErr_Occurred() ? -1 : replaced;
}

static PyObject* tm_prof_py_stop(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int replaced = tm_prof_stop();
    return replaced < 0 ? NULL : PyLong_FromLong(replaced);
}

static int tm_prof_finalize(void)
{
    int replaced = tm_prof_uninstall();
    if(P.mallocp_id)
    {
        tm_mallocp_stop(P.mallocp_id);
        P.mallocp_id = 0;
    }
    if(P.initialized)
    {
        P.initialized = false;
        tm_prof_reset_codes();
    }
    tm_thread_registry_reap(&P.threads, tm_prof_thread_free);
    return PyErr_Occurred() ? -1 : replaced;
}

/* malloc_gotcha among the components: allocations are tracked until the session ends */
static PyObject* tm_prof_py_track_allocations(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    if(!P.mallocp_id && !(P.mallocp_id = tm_mallocp_start()) && PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_prof_py_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int replaced = tm_prof_finalize();
    return replaced < 0 ? NULL : PyLong_FromLong(replaced);
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
    if(tm_hook_py_config_set(&P.cfg, args, nargs, "ProfilerSession._config_set(name, value)") < 0)
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
        PyErr_Format(PyExc_TypeError,
                     "ProfilerSession._code_state: expected a code object, not %.100s",
                     Py_TYPE(code)->tp_name);
        return NULL;
    }
    const tm_prof_code* e = (const tm_prof_code*)tm_code_table_get(&P.codes, code);
    if(!e) Py_RETURN_NONE;
    if(e->verdict != TM_HOOK_SELECT) return PyUnicode_FromString("skipped");
    static const char* const modes[] = { "selected", "learning", "quiet", "calls C" };
    return PyUnicode_FromString(modes[e->mode]);
}

/* ------------------------------------------------------------------------------------------ */
/* ProfilerSession: Session (session.c) bound to these hooks                                  */

static bool tm_prof_is_active(void)
{
    return P.active;
}

static bool tm_prof_is_running(void)
{
    return P.initialized;
}

static PyObject* tm_prof_start(void)
{
    return tm_prof_py_start(NULL, NULL);
}

static const char* tm_prof_replaced_what(void)
{
    int backend = P.active ? P.backend : tm_prof_resolve_backend();
    switch(backend)
    {
    case TM_PROF_LEGACY:
        return "sys.setprofile / PyEval_SetProfile";
    case TM_PROF_EVALFRAME:
        return "the PEP 523 frame-evaluation hook";
    case TM_PROF_SCOPED:
        return "the PEP 523 frame-evaluation hook or sys.setprofile / PyEval_SetProfile";
    default:
        return tm_prof_backend_names[backend];
    }
}

static const char* tm_prof_package_dir(void)
{
    return P.cfg.internal_path;
}

static const tm_session_ops tm_prof_ops = {
    .tool          = "profiler",
    .class_name    = "Profiler",
    .trace         = false,
    .is_active     = tm_prof_is_active,
    .is_running    = tm_prof_is_running,
    .install       = tm_prof_start,
    .uninstall     = tm_prof_stop,
    .finalize      = tm_prof_finalize,
    .replaced_what = tm_prof_replaced_what,
    .package_dir   = tm_prof_package_dir,
};

static PyObject* tm_prof_session_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    (void)args;
    (void)kwargs;
    return tm_session_alloc(type, &tm_prof_ops);
}

static PyObject* tm_prof_py_replaced_what(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(tm_prof_replaced_what());
}

static PyObject* tm_prof_py_warn_replaced(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    return tm_session_py_warn_replaced(&tm_prof_ops, args, nargs);
}

#define TM_PROF_STATIC(flags) (flags | METH_STATIC)

static PyMethodDef tm_prof_methods[] = {
    { "_init", (PyCFunction)(void (*)(void))tm_prof_py_init, TM_PROF_STATIC(METH_FASTCALL),
      "_init(package_dir=None, /)\n--\n\nPrepare a profiling session: package_dir is the "
      "timemory package folder (skipped unless Config.include_internal)." },
    { "_configure", (PyCFunction)(void (*)(void))tm_prof_py_configure,
      TM_PROF_STATIC(METH_FASTCALL),
      "_configure(mask, scope, /)\n--\n\nComponents and scope of profiled calls." },
    { "_install", tm_prof_py_start, TM_PROF_STATIC(METH_NOARGS),
      "_install()\n--\n\nInstall the C hooks on every thread; returns the backend." },
    { "_uninstall", tm_prof_py_stop, TM_PROF_STATIC(METH_NOARGS),
      "_uninstall()\n--\n\nRemove the hooks and close this thread's open calls; returns "
      "how many threads had the hook replaced by another tool meanwhile." },
    { "_finalize", tm_prof_py_finalize, TM_PROF_STATIC(METH_NOARGS),
      "_finalize()\n--\n\nUninstall (returns as _uninstall) and forget the per-code "
      "decisions." },
    { "_track_allocations", tm_prof_py_track_allocations, TM_PROF_STATIC(METH_NOARGS),
      "_track_allocations()\n--\n\nStart allocation tracking (malloc_gotcha) until _finalize." },
    { "_is_running", tm_prof_py_is_running, TM_PROF_STATIC(METH_NOARGS),
      "_is_running()\n--\n\nBetween _init and _finalize." },
    { "_set_running", tm_prof_py_set_running, TM_PROF_STATIC(METH_O),
      "_set_running(flag, /)\n--\n\nConfig._is_running setter." },
    { "_is_active", tm_prof_py_is_active, TM_PROF_STATIC(METH_NOARGS),
      "_is_active()\n--\n\nWhether the hooks are installed." },
    { "_config", tm_prof_py_config, TM_PROF_STATIC(METH_NOARGS),
      "_config()\n--\n\nEvery Config field as a dict." },
    { "_config_get", tm_prof_py_config_get, TM_PROF_STATIC(METH_O),
      "_config_get(name, /)\n--\n\nOne Config field." },
    { "_config_set", (PyCFunction)(void (*)(void))tm_prof_py_config_set,
      TM_PROF_STATIC(METH_FASTCALL),
      "_config_set(name, value, /)\n--\n\nSet a field; list fields add to their set." },
    { "_config_clear", (PyCFunction)(void (*)(void))tm_prof_py_config_clear,
      TM_PROF_STATIC(METH_FASTCALL),
      "_config_clear(name=None, /)\n--\n\nEmpty one list field, or restore every "
      "default." },
    { "_set_backend", tm_prof_py_set_backend, TM_PROF_STATIC(METH_O),
      "_set_backend(name, /)\n--\n\n'auto', 'legacy' (PyEval_SetProfile), 'monitoring' "
      "(sys.monitoring, 3.12+), 'evalframe' (PEP 523, 3.9-3.11, not with Config.trace_c) or "
      "'scoped' (3.9-3.11: PEP 523, plus PyEval_SetProfile only in frames that may call C "
      "functions; the default with Config.trace_c); applies at the next start." },
    { "_backend", tm_prof_py_backend, TM_PROF_STATIC(METH_NOARGS),
      "_backend()\n--\n\nThe backend in use (or that the next start would use)." },
    { "_replaced_what", tm_prof_py_replaced_what, TM_PROF_STATIC(METH_NOARGS),
      "_replaced_what()\n--\n\nThe hook of that backend, as the replaced-hook warning names "
      "it." },
    { "_warn_replaced", (PyCFunction)(void (*)(void))tm_prof_py_warn_replaced,
      TM_PROF_STATIC(METH_FASTCALL),
      "_warn_replaced(tool, count, /)\n--\n\nThe RuntimeWarning for count threads whose hook "
      "another tool replaced." },
    { "_set_args_formatter", tm_prof_py_set_args_formatter, TM_PROF_STATIC(METH_O),
      "_set_args_formatter(func, /)\n--\n\nfunc(frame) -> str for Config.include_args." },
    { "_code_state", tm_prof_py_code_state, TM_PROF_STATIC(METH_O),
      "_code_state(code, /)\n--\n\nNone (never seen), 'skipped' (filtered out), or for a "
      "profiled code object 'selected', 'learning', 'quiet' or 'calls C' (the scoped backend's "
      "state: whether its frames run with the profile hook)." },
    { NULL, NULL, 0, NULL }
};

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
    return tm_session_add_type(
        module, TM_PY_MODULE_NAME ".ProfilerSession",
        "ProfilerSession(components=[], **kwargs) -- a Session bound to the function "
        "profiler's hooks (timemory.profiler.Profiler subclasses it); its static methods "
        "drive the process-wide hooks, _function is the hook in callable form.",
        tm_prof_session_new, tm_prof_methods, P.function, "_function");
}
