/* marker.c -- the C types under the package's decorators and context managers:
 * FunctionMarker (wraps a callable: push, call, pop) and ScopedMarker (push on enter, pop on
 * exit). Both hold a pre-computed key hash, component mask and scope; the package builds keys.
 * Policy: these are on the hot path of every decorated call, so they create no Python object
 * and never raise from push/pop (failures are the library's sticky errors, see take_errors()).
 */
#include "ext.h"

#if PY_VERSION_HEX >= 0x030C0000
#    define TM_PY_T_PYSSIZET  Py_T_PYSSIZET
#    define TM_PY_T_ULONGLONG Py_T_ULONGLONG
#    define TM_PY_T_UINT      Py_T_UINT
#    define TM_PY_READONLY    Py_READONLY
#else
#    include <structmember.h>
#    define TM_PY_T_PYSSIZET  T_PYSSIZET
#    define TM_PY_T_ULONGLONG T_ULONGLONG
#    define TM_PY_T_UINT      T_UINT
#    define TM_PY_READONLY    READONLY
#endif

/* ------------------------------------------------------------------------------------------ */
/* shared argument parsing                                                                     */

static int tm_py_u64_arg(PyObject* obj, uint64_t* out, const char* what)
{
    if(!PyLong_Check(obj))
    {
        PyErr_Format(PyExc_TypeError, "%s must be int, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if(value == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    *out = (uint64_t)value;
    return 0;
}

/* (key, mask, scope=0) starting at args[first] of a constructor call. */
static int tm_py_marker_args(const char* type_name, PyObject* args, PyObject* kwargs,
                             Py_ssize_t first, PyObject** func, uint64_t* key, tm_py_set* mask,
                             unsigned* scope)
{
    static char* kwlist_func[] = { "func", "key", "mask", "scope", NULL };
    static char* kwlist[]      = { "key", "mask", "scope", NULL };
    PyObject *   key_obj = NULL, *mask_obj = NULL, *scope_obj = NULL;
    int          ok;
    if(first == 1)
        ok = PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|O", kwlist_func, func, &key_obj,
                                         &mask_obj, &scope_obj);
    else
        ok = PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O", kwlist, &key_obj, &mask_obj,
                                         &scope_obj);
    if(!ok) return -1;
    uint64_t scope64 = 0;
    if(tm_py_u64_arg(key_obj, key, "key") < 0 || tm_py_set_from_int(mask_obj, mask, "mask") < 0 ||
       (scope_obj && tm_py_u64_arg(scope_obj, &scope64, "scope") < 0))
        return -1;
    if(scope64 > (TIMEMORY_SCOPE_TREE | TIMEMORY_SCOPE_FLAT | TIMEMORY_SCOPE_TIMELINE))
    {
        PyErr_Format(PyExc_ValueError,
                     "%s scope must be 0 or a combination of SCOPE_TREE, SCOPE_FLAT and "
                     "SCOPE_TIMELINE, not %llu",
                     type_name, (unsigned long long)scope64);
        return -1;
    }
    *scope = (unsigned)scope64;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* FunctionMarker                                                                              */

typedef struct tm_py_function_marker {
    PyObject_HEAD vectorcallfunc vectorcall;
    PyObject*                    func;
    vectorcallfunc               func_vectorcall; /* func's own entry (NULL: generic call) */
    PyObject*             wrapped; /* __wrapped__: informational (functools), not what is called */
    PyObject*             dict;
    PyObject*             weakreflist;
    uint64_t              key;
    timemory_components_t mask;   /* the compact set */
    timemory_component_set* wide; /* the set, when it names an id past 63 (else NULL) */
    unsigned                scope;
} tm_py_function_marker;

/* The marker's set for its push: the compact form unless it holds more. */
#define TM_PY_MARKER_PUSH(self)                                                                    \
    (__builtin_expect((self)->wide != NULL, 0)                                                     \
         ? timemory_push_set((self)->key, (self)->wide, (self)->scope)                             \
         : timemory_push((self)->key, (self)->mask, (self)->scope))

/* A copy of a wide set for a marker (NULL and no error for a compact one). */
static int tm_py_marker_set(const tm_py_set* mask, timemory_component_set** out)
{
    *out = NULL;
    if(!mask->wide) return 0;
    *out = PyMem_Malloc(sizeof(**out));
    if(!*out)
    {
        PyErr_NoMemory();
        return -1;
    }
    **out = mask->set;
    return 0;
}

static PyObject* tm_py_marker_mask(timemory_components_t mask, const timemory_component_set* wide)
{
    if(wide) return tm_py_set_to_int(wide);
    return PyLong_FromUnsignedLongLong(mask);
}

/* the library's enabled flag, read without a call on every decorated call */
static const volatile bool* tm_py_enabled;

static PyObject* tm_py_function_marker_call(PyObject* callable, PyObject* const* args,
                                            size_t nargsf, PyObject* kwnames)
{
    tm_py_function_marker* self = (tm_py_function_marker*)callable;
    PyObject*              func = self->func;
    if(!func)
    {
        PyErr_SetString(PyExc_RuntimeError, "FunctionMarker was cleared");
        return NULL;
    }
    /* calling func's vectorcall entry directly skips the generic dispatch of every call */
    vectorcallfunc call = self->func_vectorcall;
    if(!*tm_py_enabled)
        return call ? call(func, args, nargsf, kwnames)
                    : PyObject_Vectorcall(func, args, nargsf, kwnames);
    /* paused since the check: the push is remembered as skipped and its pop forgets it */
    int       rc     = TM_PY_MARKER_PUSH(self);
    int       pushed = rc == TIMEMORY_OK || rc == TIMEMORY_EDISABLED;
    PyObject* result =
        call ? call(func, args, nargsf, kwnames) : PyObject_Vectorcall(func, args, nargsf, kwnames);
    /* pop whether func returned or raised; the pending exception is left untouched. A failed
     * pop (unbalanced, out of memory) is counted by the library where it happens, in the
     * sticky state the next get()/stop()/finalize() reports: nothing is lost by not raising */
    if(pushed) (void)timemory_pop(self->key);
    return result;
}

static PyObject* tm_py_function_marker_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    PyObject* func = NULL;
    uint64_t  key  = 0;
    tm_py_set mask;
    unsigned  scope = 0;
    if(tm_py_marker_args("FunctionMarker", args, kwargs, 1, &func, &key, &mask, &scope) < 0)
        return NULL;
    if(!PyCallable_Check(func))
    {
        PyErr_Format(PyExc_TypeError, "FunctionMarker func must be callable, not %.100s",
                     Py_TYPE(func)->tp_name);
        return NULL;
    }
    tm_py_function_marker* self = (tm_py_function_marker*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    self->vectorcall = tm_py_function_marker_call;
    Py_INCREF(func);
    self->func = func;
    /* only plain Python functions: their entry checks its own result; others go through
     * PyObject_Vectorcall, which checks results of C callables */
    self->func_vectorcall = PyFunction_Check(func) ? PyVectorcall_Function(func) : NULL;
    Py_INCREF(func);
    self->wrapped = func;
    self->key     = key;
    self->mask    = mask.mask;
    self->scope   = scope;
    if(tm_py_marker_set(&mask, &self->wide) < 0)
    {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject*)self;
}

static int tm_py_function_marker_traverse(PyObject* op, visitproc visit, void* arg)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(self->func);
    Py_VISIT(self->wrapped);
    Py_VISIT(self->dict);
    return 0;
}

static int tm_py_function_marker_clear(PyObject* op)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    Py_CLEAR(self->func);
    Py_CLEAR(self->wrapped);
    Py_CLEAR(self->dict);
    return 0;
}

static void tm_py_function_marker_dealloc(PyObject* op)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    PyTypeObject*          type = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    if(self->weakreflist) PyObject_ClearWeakRefs(op);
    (void)tm_py_function_marker_clear(op);
    PyMem_Free(self->wide);
    type->tp_free(op);
    Py_DECREF(type);
}

/* Binds like a function, so a decorated method receives self. */
static PyObject* tm_py_function_marker_descr_get(PyObject* op, PyObject* obj, PyObject* type)
{
    (void)type;
    if(!obj || obj == Py_None)
    {
        Py_INCREF(op);
        return op;
    }
    return PyMethod_New(op, obj);
}

static PyObject* tm_py_function_marker_repr(PyObject* op)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    if(!self->func) return PyUnicode_FromString("<FunctionMarker (cleared)>");
    return PyUnicode_FromFormat("<FunctionMarker of %R key=%llu>", self->func,
                                (unsigned long long)self->key);
}

static PyObject* tm_py_function_marker_get_wrapped(PyObject* op, void* closure)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    (void)closure;
    PyObject* wrapped = self->wrapped ? self->wrapped : Py_None;
    Py_INCREF(wrapped);
    return wrapped;
}

static int tm_py_function_marker_set_wrapped(PyObject* op, PyObject* value, void* closure)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    (void)closure;
    Py_XINCREF(value);
    Py_XSETREF(self->wrapped, value);
    return 0;
}

static PyObject* tm_py_function_marker_get_func(PyObject* op, void* closure)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    (void)closure;
    PyObject* func = self->func ? self->func : Py_None;
    Py_INCREF(func);
    return func;
}

/* Pickled by reference, as the function it wraps is: __module__ and __qualname__ (copied
 * from the function by functools.update_wrapper) name the module attribute, which pickle
 * checks is this very object -- so a decorated module-level function goes to multiprocessing
 * workers, and a lambda or a nested function fails with the error a plain one gives. */
static PyObject* tm_py_function_marker_reduce(PyObject* op, PyObject* unused)
{
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    (void)unused;
    PyObject* name = PyObject_GetAttrString(op, "__qualname__");
    if(name || !PyErr_ExceptionMatches(PyExc_AttributeError)) return name;
    PyErr_Clear();
    if(self->func) name = PyObject_GetAttrString(self->func, "__qualname__");
    if(!name && (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_AttributeError)))
    {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "cannot pickle %R: it has no __qualname__ naming it in its module", op);
    }
    return name;
}

static PyMethodDef tm_py_function_marker_methods[] = {
    { "__reduce__", tm_py_function_marker_reduce, METH_NOARGS,
      "Pickled by reference: the qualified name of the module attribute it is." },
    { NULL, NULL, 0, NULL }
};

static PyObject* tm_py_function_marker_get_mask(PyObject* op, void* closure)
{
    (void)closure;
    tm_py_function_marker* self = (tm_py_function_marker*)op;
    return tm_py_marker_mask(self->mask, self->wide);
}

static PyGetSetDef tm_py_function_marker_getset[] = {
    { "mask", tm_py_function_marker_get_mask, NULL, "component mask (bit = component id)", NULL },
    { "__wrapped__", tm_py_function_marker_get_wrapped, tm_py_function_marker_set_wrapped,
      "the wrapped callable (as functools.update_wrapper sets it)", NULL },
    { "func", tm_py_function_marker_get_func, NULL, "the callable this marker calls", NULL },
    { "__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyMemberDef tm_py_function_marker_members[] = {
    { "key", TM_PY_T_ULONGLONG, offsetof(tm_py_function_marker, key), TM_PY_READONLY,
      "hash of the key" },
    { "scope", TM_PY_T_UINT, offsetof(tm_py_function_marker, scope), TM_PY_READONLY,
      "scope bits (0: settings decide)" },
    { "__vectorcalloffset__", TM_PY_T_PYSSIZET, offsetof(tm_py_function_marker, vectorcall),
      TM_PY_READONLY, NULL },
    { "__dictoffset__", TM_PY_T_PYSSIZET, offsetof(tm_py_function_marker, dict), TM_PY_READONLY,
      NULL },
    { "__weaklistoffset__", TM_PY_T_PYSSIZET, offsetof(tm_py_function_marker, weakreflist),
      TM_PY_READONLY, NULL },
    { NULL, 0, 0, 0, NULL }
};

static PyType_Slot tm_py_function_marker_slots[] = {
    { Py_tp_doc, "FunctionMarker(func, key, mask, scope=0)\n--\n\n"
                 "Calls func between a push and a pop of key with the components of mask; "
                 "exceptions propagate unchanged. When timemory is disabled, calls func "
                 "directly." },
    { Py_tp_new, (void*)tm_py_function_marker_new },
    { Py_tp_dealloc, (void*)tm_py_function_marker_dealloc },
    { Py_tp_traverse, (void*)tm_py_function_marker_traverse },
    { Py_tp_clear, (void*)tm_py_function_marker_clear },
    { Py_tp_call, (void*)PyVectorcall_Call },
    { Py_tp_descr_get, (void*)tm_py_function_marker_descr_get },
    { Py_tp_repr, (void*)tm_py_function_marker_repr },
    { Py_tp_methods, tm_py_function_marker_methods },
    { Py_tp_getset, tm_py_function_marker_getset },
    { Py_tp_members, tm_py_function_marker_members },
    { 0, NULL }
};

/* METHOD_DESCRIPTOR: obj.method(...) calls the marker with obj first, without creating a
 * bound method per call (the __get__ above gives the same result when one is created). */
static PyType_Spec tm_py_function_marker_spec = {
    .name      = TM_PY_MODULE_NAME ".FunctionMarker",
    .basicsize = sizeof(tm_py_function_marker),
    .itemsize  = 0,
    .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
             Py_TPFLAGS_METHOD_DESCRIPTOR | TM_PY_TPFLAGS_IMMUTABLE,
    .slots = tm_py_function_marker_slots,
};

/* ------------------------------------------------------------------------------------------ */
/* ScopedMarker                                                                                */

typedef struct tm_py_scoped_marker {
    PyObject_HEAD uint64_t  key;
    timemory_components_t   mask;
    timemory_component_set* wide; /* as FunctionMarker's */
    unsigned                scope;
    bool                    started;
} tm_py_scoped_marker;

static PyObject* tm_py_scoped_marker_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    uint64_t  key = 0;
    tm_py_set mask;
    unsigned  scope = 0;
    if(tm_py_marker_args("ScopedMarker", args, kwargs, 0, NULL, &key, &mask, &scope) < 0)
        return NULL;
    tm_py_scoped_marker* self = (tm_py_scoped_marker*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    self->key   = key;
    self->mask  = mask.mask;
    self->scope = scope;
    if(tm_py_marker_set(&mask, &self->wide) < 0)
    {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject*)self;
}

static void tm_py_scoped_marker_dealloc(PyObject* op)
{
    PyTypeObject* type = Py_TYPE(op);
    PyMem_Free(((tm_py_scoped_marker*)op)->wide);
    type->tp_free(op);
    Py_DECREF(type);
}

static void tm_py_scoped_marker_begin(tm_py_scoped_marker* self)
{
    if(self->started) return;
    /* a push made while paused is remembered by the library as skipped: it is popped too, so
     * that the library forgets it (and the pop never takes an open push of the same key) */
    int rc        = TM_PY_MARKER_PUSH(self);
    self->started = rc == TIMEMORY_OK || rc == TIMEMORY_EDISABLED;
}

static void tm_py_scoped_marker_end(tm_py_scoped_marker* self)
{
    if(!self->started) return;
    self->started = false;
    (void)timemory_pop(self->key); /* a failure is counted in the sticky state (see above) */
}

static PyObject* tm_py_scoped_marker_enter(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_py_scoped_marker_begin((tm_py_scoped_marker*)op);
    Py_INCREF(op);
    return op;
}

static PyObject* tm_py_scoped_marker_exit(PyObject* op, PyObject* const* args, Py_ssize_t nargs)
{
    (void)args;
    (void)nargs;
    tm_py_scoped_marker_end((tm_py_scoped_marker*)op);
    Py_RETURN_FALSE;
}

static PyObject* tm_py_scoped_marker_start(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_py_scoped_marker_begin((tm_py_scoped_marker*)op);
    Py_RETURN_NONE;
}

static PyObject* tm_py_scoped_marker_stop(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_py_scoped_marker_end((tm_py_scoped_marker*)op);
    Py_RETURN_NONE;
}

static PyObject* tm_py_scoped_marker_get_started(PyObject* op, void* closure)
{
    (void)closure;
    return PyBool_FromLong(((tm_py_scoped_marker*)op)->started);
}

static PyMethodDef tm_py_scoped_marker_methods[] = {
    { "__enter__", (PyCFunction)(void (*)(void))tm_py_scoped_marker_enter, METH_NOARGS,
      "__enter__($self, /)\n--\n\nPush (unless already started); returns self." },
    { "__exit__", (PyCFunction)(void (*)(void))tm_py_scoped_marker_exit, METH_FASTCALL,
      "__exit__($self, *exc_info)\n--\n\nPop (if started); returns False." },
    { "start", (PyCFunction)(void (*)(void))tm_py_scoped_marker_start, METH_NOARGS,
      "start($self, /)\n--\n\nPush (a second start while started is ignored)." },
    { "stop", (PyCFunction)(void (*)(void))tm_py_scoped_marker_stop, METH_NOARGS,
      "stop($self, /)\n--\n\nPop (if started)." },
    { NULL, NULL, 0, NULL }
};

static PyObject* tm_py_scoped_marker_get_mask(PyObject* op, void* closure)
{
    (void)closure;
    tm_py_scoped_marker* self = (tm_py_scoped_marker*)op;
    return tm_py_marker_mask(self->mask, self->wide);
}

static PyGetSetDef tm_py_scoped_marker_getset[] = {
    { "mask", tm_py_scoped_marker_get_mask, NULL, "component mask (bit = component id)", NULL },
    { "started", tm_py_scoped_marker_get_started, NULL,
      "True between start and stop (also when started while paused: the stop forgets the "
      "skipped push)",
      NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyMemberDef tm_py_scoped_marker_members[] = {
    { "key", TM_PY_T_ULONGLONG, offsetof(tm_py_scoped_marker, key), TM_PY_READONLY,
      "hash of the key" },
    { "scope", TM_PY_T_UINT, offsetof(tm_py_scoped_marker, scope), TM_PY_READONLY,
      "scope bits (0: settings decide)" },
    { NULL, 0, 0, 0, NULL }
};

static PyType_Slot tm_py_scoped_marker_slots[] = {
    { Py_tp_doc, "ScopedMarker(key, mask, scope=0)\n--\n\n"
                 "Context manager: __enter__ pushes key with the components of mask, __exit__ "
                 "pops. Reusable, not re-entrant." },
    { Py_tp_new, (void*)tm_py_scoped_marker_new },
    { Py_tp_dealloc, (void*)tm_py_scoped_marker_dealloc },
    { Py_tp_methods, tm_py_scoped_marker_methods },
    { Py_tp_getset, tm_py_scoped_marker_getset },
    { Py_tp_members, tm_py_scoped_marker_members },
    { 0, NULL }
};

static PyType_Spec tm_py_scoped_marker_spec = {
    .name      = TM_PY_MODULE_NAME ".ScopedMarker",
    .basicsize = sizeof(tm_py_scoped_marker),
    .itemsize  = 0,
    .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots     = tm_py_scoped_marker_slots,
};

/* ------------------------------------------------------------------------------------------ */

static int tm_py_add_type(PyObject* module, PyType_Spec* spec, const char* name,
                          PyTypeObject** slot)
{
    PyObject* type = PyType_FromModuleAndSpec(module, spec, NULL);
    if(!type) return -1;
    *slot = (PyTypeObject*)type;
    Py_INCREF(type);
    if(PyModule_AddObject(module, name, type) < 0)
    {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

int tm_py_add_markers(PyObject* module)
{
    tm_py_enabled      = timemory_enabled_flag();
    tm_py_state* state = tm_py_get_state(module);
    if(tm_py_add_type(module, &tm_py_function_marker_spec, "FunctionMarker",
                      &state->function_marker_type) < 0 ||
       tm_py_add_type(module, &tm_py_scoped_marker_spec, "ScopedMarker",
                      &state->scoped_marker_type) < 0)
        return -1;
    return 0;
}
