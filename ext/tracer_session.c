/* tracer_session.c -- the line tracer's Python face: TracerSession, the Session (session.c)
 * bound to the tracer's hooks, with the hooks' static methods (_install, _configure,
 * _config_get, _set_backend ...) and the module registration (tm_py_add_tracer). */
#include "tracer_state.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Python functions                                                                            */

static PyObject* tm_tr_py_init(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(tm_hook_py_set_package_dir(&T.cfg, args, nargs, "TracerSession._init(package_dir=None)") < 0)
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
        PyErr_SetString(PyExc_TypeError, "TracerSession._configure(mask: int)");
        return NULL;
    }
    tm_py_set mask;
    if(tm_py_set_from_int(arg, &mask, "tracer_configure mask") < 0) return NULL;
    tm_tr_close_parked();
    if(T.active)
    {
        PyErr_SetString(PyExc_RuntimeError, "TracerSession._configure: the tracer is running");
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
                            "TracerSession._install: no components configured (_configure)");
            return NULL;
        }
        bool timeline = false;
        timemory_settings_get_bool("timeline", &timeline);
        T.timeline = timeline;
        if(tm_tr_install() < 0) return NULL;
    }
    return PyUnicode_FromString(tm_tr_backend_names[T.backend]);
}

/* Returns the number of threads whose hook another tool had replaced (-1: an exception). */
static int tm_tr_stop(void)
{
    bool was_active = T.active;
    int  replaced   = tm_tr_uninstall();
    if(was_active && !T.lines_select) tm_tr_flush();
    /* the line profiler's data (ended threads' too) stays until tm_tr_lines_take */
    if(!T.lines_select) tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    return PyErr_Occurred() ? -1 : replaced;
}

static PyObject* tm_tr_py_stop(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int replaced = tm_tr_stop();
    return replaced < 0 ? NULL : PyLong_FromLong(replaced);
}

static int tm_tr_finalize(void)
{
    bool was_active = T.active;
    int  replaced   = tm_tr_uninstall();
    if(was_active && !T.lines_select) tm_tr_flush();
    if(T.initialized)
    {
        T.initialized = false;
        tm_tr_reset_codes();
    }
    tm_thread_registry_reap(&T.threads, tm_tr_thread_free);
    return PyErr_Occurred() ? -1 : replaced;
}

static PyObject* tm_tr_py_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int replaced = tm_tr_finalize();
    return replaced < 0 ? NULL : PyLong_FromLong(replaced);
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
    if(tm_hook_py_config_set(&T.cfg, args, nargs, "TracerSession._config_set(name, value)") < 0)
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
        PyErr_SetString(PyExc_RuntimeError, "TracerSession._calibrate: the tracer is running");
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
           (i == TM_TR_SCOPED && !TM_TR_HAVE_SCOPED) || i == TM_TR_REWRITE)
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

/* ------------------------------------------------------------------------------------------ */
/* TracerSession: Session (session.c) bound to these hooks                                    */

static bool tm_tr_is_active(void)
{
    return T.active;
}

static bool tm_tr_is_running(void)
{
    return T.initialized;
}

static PyObject* tm_tr_start(void)
{
    return tm_tr_py_start(NULL, NULL);
}

/* The session's end: the line profiler's hand-over first (timemory/trace/tracer.py), as at
 * the start of a session. */
static int tm_tr_session_finalize(void)
{
    if(T.claim)
    {
        PyObject* r = PyObject_CallObject(T.claim, NULL);
        if(!r) return -1;
        Py_DECREF(r);
    }
    return tm_tr_finalize();
}

static const char* tm_tr_replaced_what(void)
{
    int backend = T.active ? T.backend : tm_tr_resolve_backend();
    switch(backend)
    {
    case TM_TR_LEGACY:
        return "sys.settrace / PyEval_SetTrace";
    case TM_TR_SCOPED:
        return "the PEP 523 frame-evaluation hook";
    case TM_TR_REWRITE:
        return "the rewritten functions' code";
    default:
        return tm_tr_backend_names[backend];
    }
}

static const char* tm_tr_package_dir(void)
{
    return T.cfg.internal_path;
}

static const tm_session_ops tm_tr_ops = {
    .tool          = "trace",
    .class_name    = "Tracer",
    .trace         = true,
    .is_active     = tm_tr_is_active,
    .is_running    = tm_tr_is_running,
    .install       = tm_tr_start,
    .uninstall     = tm_tr_stop,
    .finalize      = tm_tr_session_finalize,
    .replaced_what = tm_tr_replaced_what,
    .package_dir   = tm_tr_package_dir,
};

static PyObject* tm_tr_session_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    (void)args;
    (void)kwargs;
    return tm_session_alloc(type, &tm_tr_ops);
}

static PyObject* tm_tr_py_set_claim(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_hook_py_set_callable(&T.claim, arg, "the claim function must be callable or None");
}

static PyObject* tm_tr_py_replaced_what(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(tm_tr_replaced_what());
}

static PyObject* tm_tr_py_warn_replaced(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    return tm_session_py_warn_replaced(&tm_tr_ops, args, nargs);
}

#define TM_TR_STATIC(flags) (flags | METH_STATIC)

static PyMethodDef tm_tr_methods[] = {
    { "_init", (PyCFunction)(void (*)(void))tm_tr_py_init, TM_TR_STATIC(METH_FASTCALL),
      "_init(package_dir=None, /)\n--\n\nPrepare a tracing session: package_dir is the "
      "timemory package folder (skipped unless Config.include_internal)." },
    { "_configure", tm_tr_py_configure, TM_TR_STATIC(METH_O),
      "_configure(mask, /)\n--\n\nComponents measured per line." },
    { "_install", tm_tr_py_start, TM_TR_STATIC(METH_NOARGS),
      "_install()\n--\n\nInstall the C hooks; returns the backend." },
    { "_uninstall", tm_tr_py_stop, TM_TR_STATIC(METH_NOARGS),
      "_uninstall()\n--\n\nRemove the hooks and store one flat entry per traced line; "
      "returns how many threads had the hook replaced by another tool meanwhile." },
    { "_finalize", tm_tr_py_finalize, TM_TR_STATIC(METH_NOARGS),
      "_finalize()\n--\n\nUninstall and forget the per-code decisions." },
    { "_is_running", tm_tr_py_is_running, TM_TR_STATIC(METH_NOARGS),
      "_is_running()\n--\n\nBetween _init and _finalize." },
    { "_set_running", tm_tr_py_set_running, TM_TR_STATIC(METH_O),
      "_set_running(flag, /)\n--\n\nConfig._is_running setter." },
    { "_is_active", tm_tr_py_is_active, TM_TR_STATIC(METH_NOARGS),
      "_is_active()\n--\n\nWhether the hooks are installed." },
    { "_config", tm_tr_py_config, TM_TR_STATIC(METH_NOARGS),
      "_config()\n--\n\nEvery Config field as a dict." },
    { "_config_get", tm_tr_py_config_get, TM_TR_STATIC(METH_O),
      "_config_get(name, /)\n--\n\nOne Config field." },
    { "_config_set", (PyCFunction)(void (*)(void))tm_tr_py_config_set, TM_TR_STATIC(METH_FASTCALL),
      "_config_set(name, value, /)\n--\n\nSet a field; list fields add to their set." },
    { "_config_clear", (PyCFunction)(void (*)(void))tm_tr_py_config_clear,
      TM_TR_STATIC(METH_FASTCALL),
      "_config_clear(name=None, /)\n--\n\nEmpty one list field, or restore every default." },
    { "_set_line_info", tm_tr_py_set_line_info, TM_TR_STATIC(METH_O),
      "_set_line_info(func, /)\n--\n\nfunc(code) -> (first_line, def_line, labels, listed), "
      "called once per traced code object." },
    { "_set_claim", tm_tr_py_set_claim, TM_TR_STATIC(METH_O),
      "_set_claim(func, /)\n--\n\nfunc() runs when a Tracer session ends (the line profiler's "
      "hand-over)." },
    { "_backend", tm_tr_py_backend, TM_TR_STATIC(METH_NOARGS),
      "_backend()\n--\n\nThe backend in use (or that the next start would use): "
      "'scoped' (3.9-3.11: PyEval_SetTrace, switched on only inside selected frames by a PEP 523 "
      "frame hook), 'legacy' (PyEval_SetTrace everywhere) or 'monitoring' (3.12+)." },
    { "_replaced_what", tm_tr_py_replaced_what, TM_TR_STATIC(METH_NOARGS),
      "_replaced_what()\n--\n\nThe hook of that backend, as the replaced-hook warning names "
      "it." },
    { "_warn_replaced", (PyCFunction)(void (*)(void))tm_tr_py_warn_replaced,
      TM_TR_STATIC(METH_FASTCALL),
      "_warn_replaced(tool, count, /)\n--\n\nThe RuntimeWarning for count threads whose hook "
      "another tool replaced." },
    { "_calibrate", tm_tr_py_calibrate, TM_TR_STATIC(METH_O),
      "_calibrate(flag, /)\n--\n\nFor benchmarks (not while running): with flag true the "
      "tracer's callbacks return at once -- the same hooks, switched the same way, receive the "
      "same events and record nothing -- so a run measures what the interpreter's delivery of "
      "the events costs, the floor below the tracer's own work." },
    { "_set_backend", tm_tr_py_set_backend, TM_TR_STATIC(METH_O),
      "_set_backend(name, /)\n--\n\n'auto', 'legacy', 'monitoring' (3.12+) or 'scoped' "
      "(3.9-3.11); applies at the next start." },
    { NULL, NULL, 0, NULL }
};

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
    return tm_session_add_type(
        module, TM_PY_MODULE_NAME ".TracerSession",
        "TracerSession(components=[], **kwargs) -- a Session bound to the line tracer's hooks "
        "(timemory.trace.Tracer subclasses it); its static methods drive the process-wide "
        "hooks, _function is the hook in callable form.",
        tm_tr_session_new, tm_tr_methods, T.function, "_function");
}
