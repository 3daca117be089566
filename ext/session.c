/* session.c -- the session type of the function profiler and the line tracer (cProfile's
 * shape: one C type that the package's Profiler and Tracer subclass). `Session` holds what one
 * profiling or tracing session object owns -- its components, whether it installed the hooks,
 * how many start() calls it has open, the hook found when it was made -- and the lifecycle:
 * start/stop (nesting), __enter__/__exit__, run/runctx/runcall, condition/is_enabled. Its
 * subtypes ProfilerSession (profiler.c) and TracerSession (tracer.c) bind it to their
 * process-wide hooks through a tm_session_ops table and carry the hooks' own static methods.
 * Every step calls the other steps as methods of the object (start() calls self.is_enabled()
 * and self.configure(), __exit__ calls self.stop() ...), so a Python subclass that overrides
 * one of them is obeyed everywhere. At the last stop the hooks' dropped events and the
 * library's sticky errors are reported (RuntimeWarning at the first caller outside the
 * package), as is a hook that another tool replaced meanwhile. Nothing here runs per event. */
#include "hooks.h"

#include <string.h>

#include <structmember.h>

typedef struct tm_session {
    PyObject_HEAD const tm_session_ops* ops;
    PyObject*                           components;
    PyObject*                           original_hook; /* sys.getprofile()/gettrace() at init */
    Py_ssize_t                          depth;         /* start() calls not yet stopped */
    char                                debug;
    char                                owner; /* this object installed the hooks */
} tm_session;

/* ------------------------------------------------------------------------------------------ */
/* helpers                                                                                     */

/* sys.getprofile() or sys.gettrace(): the calling thread's hook object (new reference). */
static PyObject* tm_session_current_hook(const tm_session_ops* ops)
{
    PyObject* getter = PySys_GetObject(ops->trace ? "gettrace" : "getprofile"); /* borrowed */
    if(!getter)
    {
        PyErr_SetString(PyExc_RuntimeError, "sys.getprofile/sys.gettrace is missing");
        return NULL;
    }
    return PyObject_CallObject(getter, NULL);
}

/* The timemory package's folder with a trailing '/' (new reference), from its __path__ (the
 * hooks' own copy is set only by a session's init), or NULL. */
static PyObject* tm_session_package_prefix(void)
{
    PyObject* modules = PySys_GetObject("modules"); /* borrowed */
    PyObject* package = modules ? PyDict_GetItemString(modules, "timemory") : NULL;
    PyObject* path    = package ? PyObject_GetAttrString(package, "__path__") : NULL;
    PyObject* first =
        path && PyList_Check(path) && PyList_GET_SIZE(path) > 0 ? PyList_GET_ITEM(path, 0) : NULL;
    PyObject* prefix = first && PyUnicode_Check(first) ? PyUnicode_FromFormat("%U/", first) : NULL;
    Py_XDECREF(path);
    if(!prefix) PyErr_Clear();
    return prefix;
}

/* The warnings stack level of the first frame outside the timemory package (1: the frame
 * that called into C now). */
static int tm_session_stacklevel(const tm_session_ops* ops)
{
    const char* pkg   = ops->package_dir ? ops->package_dir() : NULL;
    PyObject*   held  = NULL;
    int         level = 1;
    if(!pkg || !*pkg)
    {
        held = tm_session_package_prefix();
        pkg  = held ? PyUnicode_AsUTF8(held) : NULL;
        if(!pkg)
        {
            PyErr_Clear();
            Py_XDECREF(held);
            return level;
        }
    }
    size_t         npkg  = strlen(pkg);
    PyFrameObject* frame = PyEval_GetFrame(); /* borrowed */
    Py_XINCREF(frame);
    while(frame)
    {
        PyCodeObject* code = PyFrame_GetCode(frame);
        const char*   file =
            PyUnicode_Check(code->co_filename) ? PyUnicode_AsUTF8(code->co_filename) : NULL;
        Py_DECREF(code);
        if(!file)
        {
            PyErr_Clear();
            break;
        }
        if(strncmp(file, pkg, npkg) != 0) break;
        PyFrameObject* back = PyFrame_GetBack(frame);
        Py_DECREF(frame);
        frame = back;
        ++level;
    }
    Py_XDECREF(frame);
    Py_XDECREF(held);
    return level;
}

int tm_session_warn_replaced(const tm_session_ops* ops, const char* tool, long count,
                             const char* what)
{
    if(count <= 0) return 0;
    PyObject* text = PyUnicode_FromFormat(
        "timemory.%s: another tool replaced the timemory hook (%s) on %ld thread%s while it was "
        "running; events after that point were not recorded and the other tool's hook was left "
        "in place",
        tool, what ? what : ops->replaced_what(), count, count > 1 ? "s" : "");
    if(!text) return -1;
    int rc = PyErr_WarnEx(PyExc_RuntimeWarning, PyUnicode_AsUTF8(text), tm_session_stacklevel(ops));
    Py_DECREF(text);
    return rc;
}

/* The library's sticky errors (failed pushes/pops, events the hooks dropped) since the last
 * report, as one RuntimeWarning (the same text as timemory/libs/_errors.py). */
static int tm_session_report_errors(const tm_session_ops* ops)
{
    int first = 0;
    int count = timemory_take_errors(&first);
    if(count <= 0) return 0;
    PyObject* text = PyUnicode_FromFormat(
        "timemory: %d push/pop or hook call%s failed since the last report (at %s.stop); the "
        "first: %s",
        count, count == 1 ? "" : "s", ops->class_name, timemory_strerror(first));
    if(!text) return -1;
    int rc = PyErr_WarnEx(PyExc_RuntimeWarning, PyUnicode_AsUTF8(text), tm_session_stacklevel(ops));
    Py_DECREF(text);
    return rc;
}

static int tm_session_truth_of_call(PyObject* self, const char* method)
{
    PyObject* result = PyObject_CallMethod(self, method, NULL);
    if(!result) return -1;
    int truth = PyObject_IsTrue(result);
    Py_DECREF(result);
    return truth;
}

static PyObject* tm_session_call_method(PyObject* self, const char* method)
{
    return PyObject_CallMethod(self, method, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* the type                                                                                    */

PyObject* tm_session_alloc(PyTypeObject* type, const tm_session_ops* ops)
{
    tm_session* self = (tm_session*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    self->ops = ops;
    return (PyObject*)self;
}

static PyObject* tm_session_abstract_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    (void)args;
    (void)kwargs;
    PyErr_Format(PyExc_TypeError,
                 "%s cannot be instantiated: use timemory.profiler.Profiler or "
                 "timemory.trace.Tracer (or a subclass)",
                 type->tp_name);
    return NULL;
}

/* Session(components=[], **kwargs): debug=True prints what start() and configure() do; other
 * keywords are the subclass's (ignored here). */
static int tm_session_init(PyObject* op, PyObject* args, PyObject* kwargs)
{
    tm_session* self = (tm_session*)op;
    Py_ssize_t  n    = PyTuple_GET_SIZE(args);
    if(n > 1)
    {
        PyErr_Format(PyExc_TypeError, "%s() takes at most 1 positional argument (%zd given)",
                     Py_TYPE(op)->tp_name, n);
        return -1;
    }
    PyObject* components = n > 0 ? PyTuple_GET_ITEM(args, 0) : NULL;
    PyObject* debug      = NULL;
    if(kwargs)
    {
        PyObject* given = PyDict_GetItemString(kwargs, "components"); /* borrowed */
        if(given && components)
        {
            PyErr_SetString(PyExc_TypeError, "components given twice");
            return -1;
        }
        if(given) components = given;
        debug = PyDict_GetItemString(kwargs, "debug");
    }
    PyObject* value = components ? (Py_INCREF(components), components) : PyList_New(0);
    if(!value) return -1;
    Py_XSETREF(self->components, value);
    int flag = debug ? PyObject_IsTrue(debug) : 0;
    if(flag < 0) return -1;
    self->debug    = (char)flag;
    PyObject* hook = tm_session_current_hook(self->ops);
    if(!hook) return -1;
    Py_XSETREF(self->original_hook, hook);
    self->depth = 0;
    self->owner = 0;
    return 0;
}

static int tm_session_traverse(PyObject* op, visitproc visit, void* arg)
{
    tm_session* self = (tm_session*)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(self->components);
    Py_VISIT(self->original_hook);
    return 0;
}

static int tm_session_clear(PyObject* op)
{
    tm_session* self = (tm_session*)op;
    Py_CLEAR(self->components);
    Py_CLEAR(self->original_hook);
    return 0;
}

/* A session object dropped while it holds the hooks stops them (every open start). */
static void tm_session_finalize(PyObject* op)
{
    tm_session* self = (tm_session*)op;
    if(!self->owner || self->depth <= 0) return;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    while(self->owner && self->depth > 0)
    {
        PyObject* r = tm_session_call_method(op, "stop");
        if(!r)
        {
            PyErr_Clear(); /* interpreter shutdown: nothing to tell */
            break;
        }
        Py_DECREF(r);
    }
    PyErr_Restore(type, value, tb);
}

static void tm_session_dealloc(PyObject* op)
{
    PyTypeObject* tp = Py_TYPE(op);
    if(PyObject_CallFinalizerFromDealloc(op) < 0) return; /* resurrected */
    PyObject_GC_UnTrack(op);
    tm_session_clear(op);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* ------------------------------------------------------------------------------------------ */
/* methods                                                                                     */

static PyObject* tm_session_start(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_session*           self = (tm_session*)op;
    const tm_session_ops* ops  = self->ops;
    if(!self->owner && !ops->is_active() && !ops->is_running())
    {
        int enabled = tm_session_truth_of_call(op, "is_enabled");
        if(enabled < 0) return NULL;
        PyObject* hook = enabled ? tm_session_current_hook(ops) : NULL;
        if(enabled && !hook) return NULL;
        bool ours = hook && hook == self->original_hook;
        Py_XDECREF(hook);
        if(ours)
        {
            PyObject* r = tm_session_call_method(op, "configure");
            if(!r) return NULL;
            Py_DECREF(r);
            PyObject* backend = ops->install();
            if(!backend)
            {
                PyObject *type, *value, *tb;
                PyErr_Fetch(&type, &value, &tb);
                if(ops->finalize() < 0) PyErr_Clear();
                PyErr_Restore(type, value, tb);
                return NULL;
            }
            self->owner = 1;
            if(self->debug) PySys_FormatStderr("[timemory.%s]> started (%U)\n", ops->tool, backend);
            Py_DECREF(backend);
        }
    }
    return PyLong_FromSsize_t(++self->depth);
}

static PyObject* tm_session_stop(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_session*           self = (tm_session*)op;
    const tm_session_ops* ops  = self->ops;
    if(self->depth > 0) --self->depth;
    if(self->depth == 0 && self->owner)
    {
        self->owner          = 0;
        const char* what     = ops->replaced_what(); /* the hook of the session that ends */
        int         replaced = ops->uninstall();
        /* the session ends however the hooks came off */
        PyObject *type = NULL, *value = NULL, *tb = NULL;
        if(replaced < 0) PyErr_Fetch(&type, &value, &tb);
        int finalized = ops->finalize();
        if(type)
        {
            if(finalized < 0) PyErr_Clear();
            PyErr_Restore(type, value, tb);
            return NULL;
        }
        if(finalized < 0) return NULL;
        if(tm_session_report_errors(ops) < 0) return NULL;
        if(tm_session_warn_replaced(ops, ops->tool, (long)replaced + finalized, what) < 0)
            return NULL;
    }
    return PyLong_FromSsize_t(self->depth);
}

static PyObject* tm_session_enter(PyObject* op, PyObject* args, PyObject* kwargs)
{
    (void)args;
    (void)kwargs;
    PyObject* r = tm_session_call_method(op, "start");
    if(!r) return NULL;
    Py_DECREF(r);
    Py_INCREF(op);
    return op;
}

static PyObject* tm_session_exit(PyObject* op, PyObject* args)
{
    (void)args;
    PyObject* r = tm_session_call_method(op, "stop");
    if(!r) return NULL;
    Py_DECREF(r);
    Py_RETURN_FALSE;
}

/* self.stop() after a call that returned result (NULL: raised): the call's exception wins. */
static PyObject* tm_session_stop_after(PyObject* op, PyObject* result)
{
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    if(!result) PyErr_Fetch(&type, &value, &tb);
    PyObject* r = tm_session_call_method(op, "stop");
    if(type)
    {
        if(!r) PyErr_Clear();
        Py_XDECREF(r);
        PyErr_Restore(type, value, tb);
        return NULL;
    }
    if(!r)
    {
        Py_DECREF(result);
        return NULL;
    }
    Py_DECREF(r);
    return result;
}

static PyObject* tm_session_runctx(PyObject* op, PyObject* args)
{
    PyObject *cmd, *globals, *locals;
    if(!PyArg_ParseTuple(args, "OOO:runctx", &cmd, &globals, &locals)) return NULL;
    PyObject* exec = PyDict_GetItemString(PyEval_GetBuiltins(), "exec"); /* borrowed */
    if(!exec)
    {
        PyErr_SetString(PyExc_RuntimeError, "builtins.exec is missing");
        return NULL;
    }
    Py_INCREF(exec);
    PyObject* r = tm_session_call_method(op, "start");
    if(!r)
    {
        Py_DECREF(exec);
        return NULL;
    }
    Py_DECREF(r);
    PyObject* result = PyObject_CallFunctionObjArgs(exec, cmd, globals, locals, NULL);
    Py_DECREF(exec);
    result = tm_session_stop_after(op, result);
    if(!result) return NULL;
    Py_DECREF(result);
    Py_INCREF(op);
    return op;
}

static PyObject* tm_session_run(PyObject* op, PyObject* cmd)
{
    PyObject* main = PyImport_ImportModule("__main__");
    if(!main) return NULL;
    PyObject* ns = PyModule_GetDict(main); /* borrowed */
    PyObject* r  = PyObject_CallMethod(op, "runctx", "OOO", cmd, ns, ns);
    Py_DECREF(main);
    return r;
}

static PyObject* tm_session_runcall(PyObject* op, PyObject* args, PyObject* kwargs)
{
    if(PyTuple_GET_SIZE(args) < 1)
    {
        PyErr_SetString(PyExc_TypeError, "runcall(func, /, *args, **kwargs): func is missing");
        return NULL;
    }
    PyObject* rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
    if(!rest) return NULL;
    PyObject* r = tm_session_call_method(op, "start");
    if(!r)
    {
        Py_DECREF(rest);
        return NULL;
    }
    Py_DECREF(r);
    PyObject* result = PyObject_Call(PyTuple_GET_ITEM(args, 0), rest, kwargs);
    Py_DECREF(rest);
    return tm_session_stop_after(op, result);
}

/* condition(functor): cls._conditional_functor = staticmethod(functor) */
static PyObject* tm_session_condition(PyObject* cls, PyObject* functor)
{
    PyObject* method = PyStaticMethod_New(functor);
    if(!method) return NULL;
    int rc = PyObject_SetAttrString(cls, "_conditional_functor", method);
    Py_DECREF(method);
    if(rc < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_session_is_enabled(PyObject* cls, PyObject* unused)
{
    (void)unused;
    PyObject* functor = PyObject_GetAttrString(cls, "_conditional_functor");
    if(!functor)
    {
        if(!PyErr_ExceptionMatches(PyExc_AttributeError)) return NULL;
        PyErr_Clear();
        Py_RETURN_TRUE;
    }
    PyObject* result = PyObject_CallObject(functor, NULL);
    Py_DECREF(functor);
    int truth = result ? PyObject_IsTrue(result) : -1;
    Py_XDECREF(result);
    if(truth < 0)
    {
        PyErr_Clear(); /* a failing predicate means "do not run" */
        Py_RETURN_FALSE;
    }
    return PyBool_FromLong(truth);
}

static PyObject* tm_session_configure(PyObject* op, PyObject* unused)
{
    (void)unused;
    PyErr_Format(PyExc_NotImplementedError,
                 "%s.configure(): a session subclass prepares its hooks there",
                 Py_TYPE(op)->tp_name);
    return NULL;
}

static PyObject* tm_session_get_depth(PyObject* op, void* closure)
{
    (void)closure;
    return PyLong_FromSsize_t(((tm_session*)op)->depth);
}

static PyObject* tm_session_get_owner(PyObject* op, void* closure)
{
    (void)closure;
    return PyBool_FromLong(((tm_session*)op)->owner);
}

static PyMethodDef tm_session_methods[] = {
    { "start", tm_session_start, METH_NOARGS,
      "start($self, /)\n--\n\nInstall the hooks (when no session runs, is_enabled() is true and no "
      "other "
      "tool holds the hook), after self.configure(); nests: returns the number of open "
      "starts." },
    { "stop", tm_session_stop, METH_NOARGS,
      "stop($self, /)\n--\n\nUndo one start(); the last one removes the hooks and ends the session "
      "(failures dropped meanwhile and a hook replaced by another tool are warned about). "
      "Returns the number of starts still open." },
    { "configure", tm_session_configure, METH_NOARGS,
      "configure($self, /)\n--\n\nPrepare the hooks for a session (start() calls it; subclasses "
      "define it)." },
    { "__enter__", (PyCFunction)(void (*)(void))tm_session_enter, METH_VARARGS | METH_KEYWORDS,
      "__enter__($self, /, *args, **kwargs)\n--\n\nself.start(); returns self." },
    { "__exit__", tm_session_exit, METH_VARARGS,
      "__exit__($self, /, *exc_info)\n--\n\nself.stop(); False." },
    { "run", tm_session_run, METH_O,
      "run($self, cmd, /)\n--\n\nself.runctx(cmd) in __main__'s namespace; returns self." },
    { "runctx", tm_session_runctx, METH_VARARGS,
      "runctx($self, cmd, globals, locals, /)\n--\n\nexec(cmd, globals, locals) between "
      "self.start() and "
      "self.stop(); returns self." },
    { "runcall", (PyCFunction)(void (*)(void))tm_session_runcall, METH_VARARGS | METH_KEYWORDS,
      "runcall($self, func, /, *args, **kwargs)\n--\n\nfunc(*args, **kwargs) between self.start() "
      "and self.stop(); returns its result." },
    { "condition", tm_session_condition, METH_O | METH_CLASS,
      "condition($cls, functor, /)\n--\n\nA zero-argument predicate deciding whether start() "
      "installs "
      "the hooks (default: always); set on the class it is called on." },
    { "is_enabled", tm_session_is_enabled, METH_NOARGS | METH_CLASS,
      "is_enabled($cls, /)\n--\n\nThe class's condition() predicate (True without one; False when "
      "it "
      "raises)." },
    { NULL, NULL, 0, NULL }
};

static PyMemberDef tm_session_members[] = {
    { "components", T_OBJECT_EX, offsetof(tm_session, components), 0,
      "the components asked for (a list, a name, or a callable returning them)" },
    { "debug", T_BOOL, offsetof(tm_session, debug), 0, "print what start() and configure() do" },
    { NULL, 0, 0, 0, NULL }
};

static PyGetSetDef tm_session_getset[] = {
    { "depth", tm_session_get_depth, NULL, "start() calls not yet stopped", NULL },
    { "owner", tm_session_get_owner, NULL, "whether this object installed the hooks", NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyType_Slot tm_session_slots[] = {
    { Py_tp_new, (void*)tm_session_abstract_new },
    { Py_tp_init, (void*)tm_session_init },
    { Py_tp_dealloc, (void*)tm_session_dealloc },
    { Py_tp_finalize, (void*)tm_session_finalize },
    { Py_tp_traverse, (void*)tm_session_traverse },
    { Py_tp_clear, (void*)tm_session_clear },
    { Py_tp_methods, tm_session_methods },
    { Py_tp_members, tm_session_members },
    { Py_tp_getset, tm_session_getset },
    { Py_tp_doc, (void*)"Session(components=[], **kwargs) -- the session of a hook (the function "
                        "profiler's or the line tracer's); subclassed by ProfilerSession and "
                        "TracerSession, whose subclasses are timemory.profiler.Profiler and "
                        "timemory.trace.Tracer." },
    { 0, NULL }
};

static PyType_Spec tm_session_spec = { TM_PY_MODULE_NAME ".Session", sizeof(tm_session), 0,
                                       Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE |
                                           Py_TPFLAGS_HAVE_GC,
                                       tm_session_slots };

int tm_py_add_session(PyObject* module)
{
    PyObject* type = PyType_FromModuleAndSpec(module, &tm_session_spec, NULL);
    if(!type) return -1;
    if(PyModule_AddObject(module, "Session", type) < 0)
    {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

int tm_session_add_type(PyObject* module, const char* qualified, const char* doc,
                        PyObject* (*tp_new)(PyTypeObject*, PyObject*, PyObject*),
                        PyMethodDef* methods, PyObject* function, const char* function_name)
{
    const char* name = strrchr(qualified, '.') + 1;
    PyObject*   base = PyObject_GetAttrString(module, "Session");
    if(!base) return -1;
    PyType_Slot slots[] = { { Py_tp_new, (void*)tp_new },
                            { Py_tp_methods, methods },
                            { Py_tp_doc, (void*)doc },
                            { 0, NULL } };
    /* the garbage collector's flag and functions come from Session */
    PyType_Spec spec = { qualified, sizeof(tm_session), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                         slots };
    /* the bases as a tuple: CPython 3.9 takes nothing else */
    PyObject* bases = PyTuple_Pack(1, base);
    Py_DECREF(base);
    if(!bases) return -1;
    PyObject* type = PyType_FromModuleAndSpec(module, &spec, bases);
    Py_DECREF(bases);
    if(!type) return -1;
    if(PyObject_SetAttrString(type, function_name, function) < 0 ||
       PyModule_AddObject(module, name, type) < 0)
    {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

PyObject* tm_session_py_warn_replaced(const tm_session_ops* ops, PyObject* const* args,
                                      Py_ssize_t nargs)
{
    const char* tool  = nargs == 2 && PyUnicode_Check(args[0]) ? PyUnicode_AsUTF8(args[0]) : NULL;
    long        count = tool && PyLong_Check(args[1]) ? PyLong_AsLong(args[1]) : -1;
    if(!tool || (count == -1 && PyErr_Occurred()))
    {
        if(!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "_warn_replaced(tool: str, count: int)");
        return NULL;
    }
    if(tm_session_warn_replaced(ops, tool, count, NULL) < 0) return NULL;
    Py_RETURN_NONE;
}
