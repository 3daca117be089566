/* line_profiler.c -- the Python face of the line profiler's mode of the tracer (tracer.h):
 * line_profiler_select(codes) puts the tracer in that mode (exactly these code objects, a
 * line's time up to the next line of its frame) or back in its own (None), and
 * line_profiler_take() hands over the per-line data gathered since the last take. The hooks
 * and the per-event work are the tracer's (tracer.c); this file only converts, never per
 * event. LineProfilerSwitch holds a LineProfiler's on/off state (enable count, enabled,
 * resumed through the ready mark) and LineProfilerWrapper is a decorated function: its calls
 * switch the profiler on and off in C, the package's Python running only on the slow paths.
 * The package side is python/timemory/line_profiler. */
#include "tracer.h"

#if PY_VERSION_HEX >= 0x030C0000
#    define TM_LP_T_PYSSIZET Py_T_PYSSIZET
#    define TM_LP_T_BOOL     Py_T_BOOL
#    define TM_LP_T_OBJECT   Py_T_OBJECT_EX
#    define TM_LP_READONLY   Py_READONLY
#else
#    include <structmember.h>
#    define TM_LP_T_PYSSIZET T_PYSSIZET
#    define TM_LP_T_BOOL     T_BOOL
#    define TM_LP_T_OBJECT   T_OBJECT_EX
#    define TM_LP_READONLY   READONLY
#endif

typedef struct tm_lp_take {
    PyObject* codes; /* {code: [(lineno, hits, v0, v1, ...), ...]} */
    int       nvalues;
} tm_lp_take;

static int tm_lp_add_line(void* ctx, PyObject* code, long lineno, int64_t hits,
                          const int64_t* values)
{
    tm_lp_take* take = (tm_lp_take*)ctx;
    PyObject*   row  = PyTuple_New(2 + take->nvalues);
    if(!row) return -1;
    PyTuple_SET_ITEM(row, 0, PyLong_FromLong(lineno));
    PyTuple_SET_ITEM(row, 1, PyLong_FromLongLong((long long)hits));
    for(int v = 0; v < take->nvalues; ++v)
        PyTuple_SET_ITEM(row, 2 + v, PyLong_FromLongLong((long long)values[v]));
    for(Py_ssize_t i = 0; i < PyTuple_GET_SIZE(row); ++i)
    {
        if(!PyTuple_GET_ITEM(row, i))
        {
            Py_DECREF(row);
            return -1;
        }
    }
    PyObject* lines = PyDict_GetItemWithError(take->codes, code); /* borrowed */
    if(!lines)
    {
        if(PyErr_Occurred() || !(lines = PyList_New(0)) ||
           PyDict_SetItem(take->codes, code, lines) < 0)
        {
            Py_XDECREF(lines);
            Py_DECREF(row);
            return -1;
        }
        Py_DECREF(lines); /* the dict holds it */
    }
    int rc = PyList_Append(lines, row);
    Py_DECREF(row);
    return rc;
}

static PyObject* tm_lp_py_select(PyObject* self, PyObject* codes)
{
    (void)self;
    if(codes != Py_None && !PyAnySet_Check(codes))
    {
        PyErr_Format(PyExc_TypeError,
                     "line_profiler_select(codes): a set of code objects or None, not %.100s",
                     Py_TYPE(codes)->tp_name);
        return NULL;
    }
    if(tm_tr_lines_mode(codes == Py_None ? NULL : codes) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_lp_py_take(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    const int* ids   = NULL;
    int        ncomp = tm_tr_lines_components(&ids);
    tm_lp_take take  = { PyDict_New(), 2 * ncomp };
    PyObject*  order = PyTuple_New(ncomp);
    if(!take.codes || !order) goto fail;
    for(int c = 0; c < ncomp; ++c)
    {
        PyObject* id = PyLong_FromLong(ids[c]);
        if(!id) goto fail;
        PyTuple_SET_ITEM(order, c, id);
    }
    if(tm_tr_lines_take(tm_lp_add_line, &take) < 0) goto fail;
    PyObject* result = PyTuple_Pack(2, order, take.codes);
    Py_DECREF(order);
    Py_DECREF(take.codes);
    return result;
fail:
    Py_XDECREF(take.codes);
    Py_XDECREF(order);
    return NULL;
}

/* The fast path of a profiler enabled and disabled again and again (a decorated function's
 * calls): the package marks the profiler that the tracer is set up for, alone, as ready (its
 * token); resuming with that token while nothing records installs the hooks, pausing removes
 * them -- one C call each, atomic under the GIL. Any other change goes through the package,
 * which first takes the ready mark back (line_profiler_ready(None)) and learns whether a
 * resumed session is running. */
static PyObject* tm_lp_ready_token; /* strong: its identity is compared */
static bool      tm_lp_resumed;

static PyObject* tm_lp_py_ready(PyObject* self, PyObject* token)
{
    (void)self;
    bool was      = tm_lp_resumed;
    tm_lp_resumed = false;
    Py_XDECREF(tm_lp_ready_token);
    tm_lp_ready_token = NULL;
    if(token != Py_None)
    {
        Py_INCREF(token);
        tm_lp_ready_token = token;
    }
    return PyBool_FromLong(was);
}

static PyObject* tm_lp_py_resume(PyObject* self, PyObject* token)
{
    (void)self;
    if(token != tm_lp_ready_token || tm_lp_resumed) Py_RETURN_FALSE;
    if(tm_tr_lines_start() < 0) return NULL;
    tm_lp_resumed = true;
    Py_RETURN_TRUE;
}

static PyObject* tm_lp_py_pause(PyObject* self, PyObject* token)
{
    (void)self;
    if(token != tm_lp_ready_token || !tm_lp_resumed) return PyLong_FromLong(-1);
    tm_lp_resumed = false;
    return PyLong_FromLong(tm_tr_lines_stop());
}

/* ------------------------------------------------------------------------------------------ */
/* LineProfilerSwitch: enable_by_count / disable_by_count                                      */

typedef struct tm_lp_switch {
    PyObject_HEAD PyObject* token; /* the profiler's ready-mark token */
    Py_ssize_t              count; /* enable_count */
    char                    enabled;
    char                    resumed; /* enabled through the ready mark */
} tm_lp_switch;

static PyTypeObject* tm_lp_switch_type;
static PyTypeObject* tm_lp_wrapper_type;

/* enable_by_count: the first one enables -- one C call when prof is the ready mark (the hooks
 * go in), else prof._enable_shared() (the package's shared path) says whether it did. */
static int tm_lp_enter(tm_lp_switch* sw, PyObject* prof)
{
    if(sw->count == 0 && !sw->enabled)
    {
        if(sw->token == tm_lp_ready_token && !tm_lp_resumed)
        {
            if(tm_tr_lines_start() < 0) return -1;
            tm_lp_resumed = true;
            sw->enabled = sw->resumed = 1;
        }
        else
        {
            PyObject* done = PyObject_CallMethod(prof, "_enable_shared", NULL);
            if(!done) return -1;
            int on = PyObject_IsTrue(done);
            Py_DECREF(done);
            if(on < 0) return -1;
            sw->enabled = (char)on;
        }
    }
    ++sw->count;
    return 0;
}

/* disable_by_count: the last one disables -- the hooks out in one C call for a session
 * resumed with the ready mark (prof._replaced(n) warns when other tools took n threads'
 * hooks), else prof.disable(). */
static int tm_lp_exit(tm_lp_switch* sw, PyObject* prof)
{
    if(sw->count > 1)
    {
        --sw->count;
        return 0;
    }
    if(sw->count < 1) return 0;
    sw->count = 0;
    if(sw->resumed && sw->enabled)
    {
        sw->enabled = sw->resumed = 0;
        if(sw->token == tm_lp_ready_token && tm_lp_resumed)
        {
            tm_lp_resumed = false;
            int replaced  = tm_tr_lines_stop();
            if(replaced == 0) return 0;
            PyObject* r = PyObject_CallMethod(prof, "_replaced", "i", replaced);
            Py_XDECREF(r);
            return r ? 0 : -1;
        }
        sw->enabled = 1; /* no longer the resumed session: the shared path */
    }
    PyObject* r = PyObject_CallMethod(prof, "disable", NULL);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

static PyObject* tm_lp_switch_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = { "token", NULL };
    PyObject*    token    = NULL;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "O:LineProfilerSwitch", kwlist, &token))
        return NULL;
    tm_lp_switch* self = (tm_lp_switch*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    Py_INCREF(token);
    self->token = token;
    return (PyObject*)self;
}

static int tm_lp_switch_traverse(PyObject* op, visitproc visit, void* arg)
{
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(((tm_lp_switch*)op)->token);
    return 0;
}

static int tm_lp_switch_clear(PyObject* op)
{
    Py_CLEAR(((tm_lp_switch*)op)->token);
    return 0;
}

static void tm_lp_switch_dealloc(PyObject* op)
{
    PyTypeObject* type = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    (void)tm_lp_switch_clear(op);
    type->tp_free(op);
    Py_DECREF(type);
}

static PyObject* tm_lp_switch_enter(PyObject* op, PyObject* prof)
{
    if(tm_lp_enter((tm_lp_switch*)op, prof) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_lp_switch_exit(PyObject* op, PyObject* prof)
{
    if(tm_lp_exit((tm_lp_switch*)op, prof) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef tm_lp_switch_methods[] = {
    { "enter", tm_lp_switch_enter, METH_O,
      "enter($self, prof, /)\n--\n\nprof.enable_by_count(): the count goes up; from 0, prof "
      "is enabled." },
    { "exit", tm_lp_switch_exit, METH_O,
      "exit($self, prof, /)\n--\n\nprof.disable_by_count(): the count goes down; at 0, prof "
      "is disabled." },
    { NULL, NULL, 0, NULL }
};

static PyMemberDef tm_lp_switch_members[] = {
    { "token", TM_LP_T_OBJECT, offsetof(tm_lp_switch, token), TM_LP_READONLY,
      "the profiler's identity for the ready mark" },
    { "count", TM_LP_T_PYSSIZET, offsetof(tm_lp_switch, count), 0, "enable_count" },
    { "enabled", TM_LP_T_BOOL, offsetof(tm_lp_switch, enabled), 0, "recording" },
    { "resumed", TM_LP_T_BOOL, offsetof(tm_lp_switch, resumed), 0,
      "enabled through the ready mark (line_profiler_resume)" },
    { NULL, 0, 0, 0, NULL }
};

static PyType_Slot tm_lp_switch_slots[] = {
    { Py_tp_doc, "LineProfilerSwitch(token)\n--\n\nThe on/off state of one LineProfiler." },
    { Py_tp_new, (void*)tm_lp_switch_new },
    { Py_tp_dealloc, (void*)tm_lp_switch_dealloc },
    { Py_tp_traverse, (void*)tm_lp_switch_traverse },
    { Py_tp_clear, (void*)tm_lp_switch_clear },
    { Py_tp_methods, tm_lp_switch_methods },
    { Py_tp_members, tm_lp_switch_members },
    { 0, NULL }
};

static PyType_Spec tm_lp_switch_spec = {
    .name      = TM_PY_MODULE_NAME ".LineProfilerSwitch",
    .basicsize = sizeof(tm_lp_switch),
    .itemsize  = 0,
    .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | TM_PY_TPFLAGS_IMMUTABLE,
    .slots     = tm_lp_switch_slots,
};

/* ------------------------------------------------------------------------------------------ */
/* LineProfilerWrapper: a decorated function                                                  */

typedef struct tm_lp_wrapper {
    PyObject_HEAD vectorcallfunc vectorcall;
    PyObject*                    func;
    vectorcallfunc               func_vectorcall; /* func's own entry (NULL: generic call) */
    PyObject*                    prof;
    tm_lp_switch*                sw;
    PyObject*                    wrapped; /* __wrapped__ (functools.update_wrapper) */
    PyObject*                    dict;
    PyObject*                    weakreflist;
} tm_lp_wrapper;

static PyObject* tm_lp_wrapper_call(PyObject* callable, PyObject* const* args, size_t nargsf,
                                    PyObject* kwnames)
{
    tm_lp_wrapper* self = (tm_lp_wrapper*)callable;
    if(!self->func || !self->prof || !self->sw)
    {
        PyErr_SetString(PyExc_RuntimeError, "LineProfilerWrapper was cleared");
        return NULL;
    }
    /* the references are held across the call: the function may drop the last others */
    PyObject*     func = self->func;
    PyObject*     prof = self->prof;
    tm_lp_switch* sw   = self->sw;
    Py_INCREF(func);
    Py_INCREF(prof);
    Py_INCREF(sw);
    PyObject* result = NULL;
    if(tm_lp_enter(sw, prof) == 0)
    {
        vectorcallfunc call = self->func_vectorcall;
        result              = call ? call(func, args, nargsf, kwnames)
                                   : PyObject_Vectorcall(func, args, nargsf, kwnames);
        /* disabled whether func returned or raised; an error of the disable wins, as in a
         * Python finally: block (func's exception is set aside only when there is one) */
        if(result)
        {
            if(tm_lp_exit(sw, prof) < 0) Py_CLEAR(result);
        }
        else
        {
            PyObject *type, *value, *tb;
            PyErr_Fetch(&type, &value, &tb);
            if(tm_lp_exit(sw, prof) < 0)
            {
                Py_XDECREF(type);
                Py_XDECREF(value);
                Py_XDECREF(tb);
            }
            else
                PyErr_Restore(type, value, tb);
        }
    }
    Py_DECREF(func);
    Py_DECREF(prof);
    Py_DECREF(sw);
    return result;
}

static PyObject* tm_lp_wrapper_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[] = { "func", "prof", "switch", NULL };
    PyObject *   func = NULL, *prof = NULL, *sw = NULL;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO!:LineProfilerWrapper", kwlist, &func, &prof,
                                    tm_lp_switch_type, &sw))
        return NULL;
    if(!PyCallable_Check(func))
    {
        PyErr_Format(PyExc_TypeError, "LineProfilerWrapper func must be callable, not %.100s",
                     Py_TYPE(func)->tp_name);
        return NULL;
    }
    tm_lp_wrapper* self = (tm_lp_wrapper*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    self->vectorcall = tm_lp_wrapper_call;
    Py_INCREF(func);
    self->func = func;
    /* only plain Python functions: their entry checks its own result */
    self->func_vectorcall = PyFunction_Check(func) ? PyVectorcall_Function(func) : NULL;
    Py_INCREF(prof);
    self->prof = prof;
    Py_INCREF(sw);
    self->sw = (tm_lp_switch*)sw;
    Py_INCREF(func);
    self->wrapped = func;
    return (PyObject*)self;
}

static int tm_lp_wrapper_traverse(PyObject* op, visitproc visit, void* arg)
{
    tm_lp_wrapper* self = (tm_lp_wrapper*)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(self->func);
    Py_VISIT(self->prof);
    Py_VISIT(self->sw);
    Py_VISIT(self->wrapped);
    Py_VISIT(self->dict);
    return 0;
}

static int tm_lp_wrapper_clear(PyObject* op)
{
    tm_lp_wrapper* self = (tm_lp_wrapper*)op;
    Py_CLEAR(self->func);
    Py_CLEAR(self->prof);
    Py_CLEAR(self->sw);
    Py_CLEAR(self->wrapped);
    Py_CLEAR(self->dict);
    return 0;
}

static void tm_lp_wrapper_dealloc(PyObject* op)
{
    tm_lp_wrapper* self = (tm_lp_wrapper*)op;
    PyTypeObject*  type = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    if(self->weakreflist) PyObject_ClearWeakRefs(op);
    (void)tm_lp_wrapper_clear(op);
    type->tp_free(op);
    Py_DECREF(type);
}

/* Binds like a function, so a decorated method receives self. */
static PyObject* tm_lp_wrapper_descr_get(PyObject* op, PyObject* obj, PyObject* type)
{
    (void)type;
    if(!obj || obj == Py_None)
    {
        Py_INCREF(op);
        return op;
    }
    return PyMethod_New(op, obj);
}

static PyObject* tm_lp_wrapper_repr(PyObject* op)
{
    tm_lp_wrapper* self = (tm_lp_wrapper*)op;
    if(!self->func) return PyUnicode_FromString("<LineProfilerWrapper (cleared)>");
    return PyUnicode_FromFormat("<LineProfilerWrapper of %R>", self->func);
}

static PyObject* tm_lp_wrapper_get_wrapped(PyObject* op, void* closure)
{
    (void)closure;
    PyObject* wrapped = ((tm_lp_wrapper*)op)->wrapped;
    wrapped           = wrapped ? wrapped : Py_None;
    Py_INCREF(wrapped);
    return wrapped;
}

static int tm_lp_wrapper_set_wrapped(PyObject* op, PyObject* value, void* closure)
{
    (void)closure;
    Py_XINCREF(value);
    Py_XSETREF(((tm_lp_wrapper*)op)->wrapped, value);
    return 0;
}

static PyObject* tm_lp_wrapper_get_func(PyObject* op, void* closure)
{
    (void)closure;
    PyObject* func = ((tm_lp_wrapper*)op)->func;
    func           = func ? func : Py_None;
    Py_INCREF(func);
    return func;
}

/* Pickled by reference, as the function it wraps (its __module__ and __qualname__). */
static PyObject* tm_lp_wrapper_reduce(PyObject* op, PyObject* unused)
{
    (void)unused;
    PyObject* name = PyObject_GetAttrString(op, "__qualname__");
    if(!name && PyErr_ExceptionMatches(PyExc_AttributeError))
    {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "cannot pickle %R: it has no __qualname__ naming it in its module", op);
    }
    return name;
}

static PyMethodDef tm_lp_wrapper_methods[] = {
    { "__reduce__", tm_lp_wrapper_reduce, METH_NOARGS,
      "Pickled by reference: the qualified name of the module attribute it is." },
    { NULL, NULL, 0, NULL }
};

static PyGetSetDef tm_lp_wrapper_getset[] = {
    { "__wrapped__", tm_lp_wrapper_get_wrapped, tm_lp_wrapper_set_wrapped,
      "the wrapped callable (as functools.update_wrapper sets it)", NULL },
    { "func", tm_lp_wrapper_get_func, NULL, "the callable this wrapper calls", NULL },
    { "__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyMemberDef tm_lp_wrapper_members[] = {
    { "__vectorcalloffset__", TM_LP_T_PYSSIZET, offsetof(tm_lp_wrapper, vectorcall), TM_LP_READONLY,
      NULL },
    { "__dictoffset__", TM_LP_T_PYSSIZET, offsetof(tm_lp_wrapper, dict), TM_LP_READONLY, NULL },
    { "__weaklistoffset__", TM_LP_T_PYSSIZET, offsetof(tm_lp_wrapper, weakreflist), TM_LP_READONLY,
      NULL },
    { NULL, 0, 0, 0, NULL }
};

static PyType_Slot tm_lp_wrapper_slots[] = {
    { Py_tp_doc, "LineProfilerWrapper(func, prof, switch)\n--\n\n"
                 "Calls func with prof recording (switch.enter(prof) before, switch.exit(prof) "
                 "after, in C); exceptions propagate unchanged." },
    { Py_tp_new, (void*)tm_lp_wrapper_new },
    { Py_tp_dealloc, (void*)tm_lp_wrapper_dealloc },
    { Py_tp_traverse, (void*)tm_lp_wrapper_traverse },
    { Py_tp_clear, (void*)tm_lp_wrapper_clear },
    { Py_tp_call, (void*)PyVectorcall_Call },
    { Py_tp_descr_get, (void*)tm_lp_wrapper_descr_get },
    { Py_tp_repr, (void*)tm_lp_wrapper_repr },
    { Py_tp_methods, tm_lp_wrapper_methods },
    { Py_tp_getset, tm_lp_wrapper_getset },
    { Py_tp_members, tm_lp_wrapper_members },
    { 0, NULL }
};

/* METHOD_DESCRIPTOR: obj.method(...) calls the wrapper with obj first, no bound method. */
static PyType_Spec tm_lp_wrapper_spec = {
    .name      = TM_PY_MODULE_NAME ".LineProfilerWrapper",
    .basicsize = sizeof(tm_lp_wrapper),
    .itemsize  = 0,
    .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
             Py_TPFLAGS_METHOD_DESCRIPTOR | TM_PY_TPFLAGS_IMMUTABLE,
    .slots = tm_lp_wrapper_slots,
};

static int tm_lp_add_type(PyObject* module, PyType_Spec* spec, const char* name,
                          PyTypeObject** slot)
{
    PyObject* type = PyType_FromModuleAndSpec(module, spec, NULL);
    if(!type) return -1;
    *slot = (PyTypeObject*)type; /* the module's reference keeps it (one module per process) */
    if(PyModule_AddObject(module, name, type) < 0)
    {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

static PyMethodDef tm_lp_methods[] = {
    { "line_profiler_ready", tm_lp_py_ready, METH_O,
      "line_profiler_ready(token)\n--\n\nMarks the profiler (its token; None: none) that the "
      "tracer is set up for alone; returns whether a session resumed for the previous mark is "
      "running (it goes on, now the caller's to stop)." },
    { "line_profiler_resume", tm_lp_py_resume, METH_O,
      "line_profiler_resume(token)\n--\n\nInstalls the hooks when token is the ready mark and "
      "no resumed session runs; returns whether it did." },
    { "line_profiler_pause", tm_lp_py_pause, METH_O,
      "line_profiler_pause(token)\n--\n\nEnds the session resumed with token: the number of "
      "threads whose hook another tool replaced meanwhile, or -1 when there is no such "
      "session (the package's own bookkeeping then applies)." },
    { "line_profiler_select", tm_lp_py_select, METH_O,
      "line_profiler_select(codes)\n--\n\nNot while the tracer runs: with a set of code objects, "
      "the tracer selects exactly those, a line's time runs to the next line of its frame "
      "(traced calls included, as line_profiler counts) and stopping keeps the data for "
      "line_profiler_take instead of storing it; with None, back to the tracer's own mode. "
      "Either way earlier decisions and data are dropped." },
    { "line_profiler_take", tm_lp_py_take, METH_NOARGS,
      "line_profiler_take()\n--\n\n(component ids, {code: [(lineno, hits, raw values...)]}): "
      "the lines that ran since the last take, summed over the threads -- two raw values per "
      "component, in the order of the ids (wall_clock: nanoseconds) -- and zeroes the counts." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_line_profiler(PyObject* module)
{
    if(tm_lp_add_type(module, &tm_lp_switch_spec, "LineProfilerSwitch", &tm_lp_switch_type) < 0 ||
       tm_lp_add_type(module, &tm_lp_wrapper_spec, "LineProfilerWrapper", &tm_lp_wrapper_type) < 0)
        return -1;
    return PyModule_AddFunctions(module, tm_lp_methods);
}
