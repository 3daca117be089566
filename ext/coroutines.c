/* coroutines.c -- CoroutineRegion: the awaitable under the package's decorators on `async def`
 * (timemory/util). It runs a coroutine as `await coro` would -- send, throw and close passed
 * through -- with a region around it from its first step to its end, awaits included: the
 * push (key/mask) and the begin/end callables run at the first step and at the end, and
 * between two steps the pushes the coroutine left open are suspended (timemory_coroutine_*),
 * so that the tasks that run meanwhile on the thread do not nest inside them. A context
 * variable holds the innermost region of the running coroutine: a task created there (asyncio
 * copies the context) has its first push under that region when the event loop runs it; a
 * coroutine awaited directly, while that region's step runs, pushes where the thread is.
 * Policy: no Python object per step beyond what the coroutine protocol makes; the region's
 * pushes and pops are the library's (paused, finalized and unbalanced as for any marker).
 */
#include "ext.h"

#if PY_VERSION_HEX >= 0x030C0000
#    define TM_CO_T_ULONGLONG Py_T_ULONGLONG
#    define TM_CO_READONLY    Py_READONLY
#else
#    include <structmember.h>
#    define TM_CO_T_ULONGLONG T_ULONGLONG
#    define TM_CO_READONLY    READONLY
#endif

enum {
    TM_CO_NEW     = 0, /* not started */
    TM_CO_RUNNING = 1, /* started: running or suspended */
    TM_CO_DONE    = 2
};

typedef struct tm_py_coroutine {
    PyObject_HEAD PyObject* coro; /* what it awaits: a coroutine (anything with send/throw) */
    PyObject*               begin;
    PyObject*               end;
    PyObject*               token; /* of the context variable, while it runs */
    PyObject*               here;  /* its value: tm_co_here bytes (a bytearray) */
    uint64_t                key;
    timemory_components_t   mask;
    timemory_component_set  set; /* mask as a set (a wide one: ids past 63) */
    bool                    wide;
    unsigned                scope;
    int                     state;
    bool                    pushed;
    timemory_position       prev; /* the thread's position before the first step */
} tm_py_coroutine;

/* The context variable's value: where the region is, and whether one of its steps runs now
 * (a bytearray, read and written by this file only). */
typedef struct tm_co_here {
    timemory_position position;
    char              running;
} tm_co_here;

static PyObject* tm_co_var;   /* ContextVar: the innermost region's tm_co_here */
static PyObject* tm_co_throw; /* "throw" */
static PyObject* tm_co_close; /* "close" */
static PyObject* tm_co_send;  /* "send" */

/* ------------------------------------------------------------------------------------------ */
/* the region                                                                                  */

/* The first step: under the creating coroutine's region when there is one (a position of this
 * thread), the push and begin(); the position of the region for what this coroutine creates. */
static int tm_co_begin(tm_py_coroutine* self)
{
    self->prev       = timemory_get_position();
    PyObject* parent = NULL;
    if(PyContextVar_Get(tm_co_var, NULL, &parent) < 0) return -1;
    if(parent)
    {
        /* a task's first step, run by the event loop: under the region that created it
         * (another thread's position is refused: pushed where this thread is) */
        if(PyByteArray_Check(parent) && PyByteArray_GET_SIZE(parent) == sizeof(tm_co_here))
        {
            tm_co_here at;
            memcpy(&at, PyByteArray_AS_STRING(parent), sizeof(at));
            if(!at.running) (void)timemory_set_position(at.position);
        }
        Py_DECREF(parent);
    }
    if(self->mask || self->wide)
    {
        int rc       = self->wide ? timemory_push_set(self->key, &self->set, self->scope)
                                  : timemory_push(self->key, self->mask, self->scope);
        self->pushed = rc == TIMEMORY_OK || rc == TIMEMORY_EDISABLED;
    }
    if(self->begin)
    {
        PyObject* r = PyObject_CallNoArgs(self->begin);
        if(!r)
        {
            if(self->pushed) (void)timemory_pop(self->key);
            self->pushed = false;
            (void)timemory_set_position(self->prev);
            return -1;
        }
        Py_DECREF(r);
    }
    tm_co_here here = { timemory_get_position(), 1 };
    self->here      = PyByteArray_FromStringAndSize((const char*)&here, sizeof(here));
    self->token     = self->here ? PyContextVar_Set(tm_co_var, self->here) : NULL;
    if(!self->token) PyErr_Clear(); /* tasks it creates go under the loop's region instead */
    return 0;
}

/* Whether one of the region's steps runs now (a coroutine awaited inside it then nests at the
 * thread's position). */
static inline void tm_co_running(tm_py_coroutine* self, bool running)
{
    if(self->here) ((tm_co_here*)(void*)PyByteArray_AS_STRING(self->here))->running = running;
}

/* The coroutine ended (returned, raised or was closed): end() and the pop; the exception in
 * flight, if any, is kept (one that end() raises then is reported as unraisable). */
static int tm_co_finish(tm_py_coroutine* self)
{
    self->state = TM_CO_DONE;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    int rc = 0;
    if(self->end)
    {
        PyObject* r = PyObject_CallNoArgs(self->end);
        if(r)
            Py_DECREF(r);
        else if(type)
            PyErr_WriteUnraisable(self->end);
        else
            rc = -1;
    }
    if(self->pushed) (void)timemory_pop(self->key);
    self->pushed = false;
    if(self->token)
    {
        /* the same context as the first step, unless something drove the coroutine from
         * another one: then the variable is left to that context */
        PyObject *t2, *v2, *tb2;
        PyErr_Fetch(&t2, &v2, &tb2);
        if(PyContextVar_Reset(tm_co_var, self->token) < 0) PyErr_Clear();
        PyErr_Restore(t2, v2, tb2);
        Py_CLEAR(self->token);
    }
    if(type) PyErr_Restore(type, value, tb);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* one step                                                                                    */

/* The value of the StopIteration in flight (cleared), or None. */
static PyObject* tm_co_stop_value(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject* result = value ? PyObject_GetAttrString(value, "value") : NULL;
    if(!result)
    {
        PyErr_Clear();
        result = Py_None;
        Py_INCREF(result);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return result;
}

/* Sends value into the coroutine, or throws exc, or closes it: 1 and *out = what it yielded,
 * 0 and *out = what it returned, -1 with an exception. */
static int tm_co_inner(PyObject* coro, PyObject* value, PyObject* exc, bool closing, PyObject** out)
{
    PyObject* r;
    if(closing)
        r = PyObject_CallMethodNoArgs(coro, tm_co_close);
    else if(exc)
        r = PyObject_CallMethodOneArg(coro, tm_co_throw, exc);
    else
    {
#if PY_VERSION_HEX >= 0x030A0000
        PySendResult s = PyIter_Send(coro, value, out);
        return s == PYGEN_NEXT ? 1 : s == PYGEN_RETURN ? 0 : -1;
#else
        r = PyObject_CallMethodOneArg(coro, tm_co_send, value);
#endif
    }
    if(r)
    {
        *out = r;
        return closing ? 0 : 1;
    }
    if(!PyErr_ExceptionMatches(PyExc_StopIteration)) return -1;
    *out = tm_co_stop_value();
    return 0;
}

/* One step of the coroutine, with the region around it. Returns as tm_co_inner. */
static int tm_co_step(tm_py_coroutine* self, PyObject* value, PyObject* exc, bool closing,
                      PyObject** out)
{
    *out = NULL;
    if(self->state == TM_CO_DONE)
    {
        if(closing)
        {
            *out = Py_None;
            Py_INCREF(*out);
            return 0;
        }
        PyErr_SetString(PyExc_RuntimeError, "cannot reuse already awaited coroutine");
        return -1;
    }
    if(!self->coro)
    {
        PyErr_SetString(PyExc_RuntimeError, "CoroutineRegion was cleared");
        return -1;
    }
    bool first = self->state == TM_CO_NEW;
    if(first && closing)
    {
        /* never started: nothing measured */
        self->state = TM_CO_DONE;
        return tm_co_inner(self->coro, NULL, NULL, true, out);
    }
    uint64_t mark = timemory_coroutine_mark();
    if(first)
    {
        if(tm_co_begin(self) < 0)
        {
            self->state = TM_CO_DONE;
            return -1;
        }
        self->state = TM_CO_RUNNING;
    }
    else
        (void)timemory_coroutine_resume(self); /* TIMEMORY_ENOTFOUND: nothing was left open */
    tm_co_running(self, true);
    int rc = tm_co_inner(self->coro, value, exc, closing, out);
    tm_co_running(self, false);
    if(rc == 1)
        (void)timemory_coroutine_suspend(self, mark);
    else if(tm_co_finish(self) < 0)
    {
        Py_CLEAR(*out);
        rc = -1;
    }
    /* the first step ran under the creating coroutine's region: back to the thread's own */
    if(first) (void)timemory_set_position(self->prev);
    return rc;
}

/* tp_iternext and send(): a yielded value, or NULL with StopIteration(result) / an error. */
static PyObject* tm_co_next_value(tm_py_coroutine* self, PyObject* value, PyObject* exc,
                                  bool closing)
{
    PyObject* out = NULL;
    int       rc  = tm_co_step(self, value, exc, closing, &out);
    if(rc != 0) return out; /* yielded, or NULL with the error */
    if(closing) return out;
    if(out == Py_None)
        PyErr_SetNone(PyExc_StopIteration);
    else
    {
        PyObject* stop = PyObject_CallOneArg(PyExc_StopIteration, out);
        if(stop)
        {
            PyErr_SetObject(PyExc_StopIteration, stop);
            Py_DECREF(stop);
        }
    }
    Py_DECREF(out);
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* the type                                                                                    */

static PyObject* tm_co_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
    static char*       kwlist[] = { "coro", "key", "mask", "scope", "begin", "end", NULL };
    PyObject *         coro = NULL, *begin = Py_None, *end = Py_None;
    unsigned long long key      = 0;
    PyObject*          mask_obj = NULL;
    unsigned int       scope    = 0;
    tm_py_set          mask     = { { { 0 } }, 0, false };
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "O|KOIOO:CoroutineRegion", kwlist, &coro, &key,
                                    &mask_obj, &scope, &begin, &end))
        return NULL;
    if(mask_obj && tm_py_set_from_int(mask_obj, &mask, "CoroutineRegion mask") < 0) return NULL;
    if((begin != Py_None && !PyCallable_Check(begin)) || (end != Py_None && !PyCallable_Check(end)))
    {
        PyErr_SetString(PyExc_TypeError, "CoroutineRegion begin and end must be callable or None");
        return NULL;
    }
    tm_py_coroutine* self = (tm_py_coroutine*)type->tp_alloc(type, 0);
    if(!self) return NULL;
    Py_INCREF(coro);
    self->coro = coro;
    Py_XINCREF(begin);
    Py_XINCREF(end);
    self->begin = begin != Py_None ? begin : NULL;
    self->end   = end != Py_None ? end : NULL;
    if(begin == Py_None) Py_DECREF(begin);
    if(end == Py_None) Py_DECREF(end);
    self->key   = (uint64_t)key;
    self->mask  = mask.mask;
    self->set   = mask.set;
    self->wide  = mask.wide;
    self->scope = scope;
    return (PyObject*)self;
}

static int tm_co_traverse(PyObject* op, visitproc visit, void* arg)
{
    tm_py_coroutine* self = (tm_py_coroutine*)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(self->coro);
    Py_VISIT(self->begin);
    Py_VISIT(self->end);
    Py_VISIT(self->token);
    Py_VISIT(self->here);
    return 0;
}

static int tm_co_clear(PyObject* op)
{
    tm_py_coroutine* self = (tm_py_coroutine*)op;
    Py_CLEAR(self->coro);
    Py_CLEAR(self->begin);
    Py_CLEAR(self->end);
    Py_CLEAR(self->token);
    Py_CLEAR(self->here);
    return 0;
}

static void tm_co_dealloc(PyObject* op)
{
    tm_py_coroutine* self = (tm_py_coroutine*)op;
    PyTypeObject*    type = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    /* dropped while suspended without being closed: what it left open ends now, recorded */
    if(self->state == TM_CO_RUNNING) (void)timemory_coroutine_end(self, 1);
    (void)tm_co_clear(op);
    type->tp_free(op);
    Py_DECREF(type);
}

static PyObject* tm_co_self(PyObject* op)
{
    Py_INCREF(op);
    return op;
}

static PyObject* tm_co_iternext(PyObject* op)
{
    return tm_co_next_value((tm_py_coroutine*)op, Py_None, NULL, false);
}

static PyObject* tm_co_send_method(PyObject* op, PyObject* value)
{
    return tm_co_next_value((tm_py_coroutine*)op, value, NULL, false);
}

/* throw(exc) or throw(type[, value[, traceback]]), as a generator takes it */
static PyObject* tm_co_throw_method(PyObject* op, PyObject* const* args, Py_ssize_t nargs)
{
    if(nargs < 1 || nargs > 3)
    {
        PyErr_SetString(PyExc_TypeError, "throw expected 1 to 3 arguments");
        return NULL;
    }
    PyObject* type = args[0];
    PyObject* val  = nargs > 1 ? args[1] : Py_None;
    PyObject* tb   = nargs > 2 ? args[2] : Py_None;
    PyObject* exc  = NULL;
    if(PyExceptionInstance_Check(type))
    {
        exc = type;
        Py_INCREF(exc);
    }
    else if(PyExceptionClass_Check(type) && PyExceptionInstance_Check(val))
    {
        exc = val;
        Py_INCREF(exc);
    }
    else if(PyExceptionClass_Check(type))
        exc = val == Py_None ? PyObject_CallNoArgs(type) : PyObject_CallOneArg(type, val);
    else
    {
        PyErr_SetString(PyExc_TypeError,
                        "exceptions must be classes or instances deriving from BaseException");
        return NULL;
    }
    if(!exc) return NULL;
    if(tb != Py_None && PyException_SetTraceback(exc, tb) < 0)
    {
        Py_DECREF(exc);
        return NULL;
    }
    PyObject* result = tm_co_next_value((tm_py_coroutine*)op, NULL, exc, false);
    Py_DECREF(exc);
    return result;
}

static PyObject* tm_co_close_method(PyObject* op, PyObject* unused)
{
    (void)unused;
    tm_py_coroutine* self = (tm_py_coroutine*)op;
    if(self->state != TM_CO_RUNNING && self->state != TM_CO_NEW) Py_RETURN_NONE;
    return tm_co_next_value(self, NULL, NULL, true);
}

#if PY_VERSION_HEX >= 0x030A0000
/* am_send: what `await` uses on every step (no StopIteration object made at the end). */
static PySendResult tm_co_am_send(PyObject* op, PyObject* arg, PyObject** result)
{
    int rc = tm_co_step((tm_py_coroutine*)op, arg, NULL, false, result);
    return rc > 0 ? PYGEN_NEXT : rc == 0 ? PYGEN_RETURN : PYGEN_ERROR;
}
#endif

static PyObject* tm_co_get_started(PyObject* op, void* closure)
{
    (void)closure;
    return PyBool_FromLong(((tm_py_coroutine*)op)->state != TM_CO_NEW);
}

static PyObject* tm_co_get_done(PyObject* op, void* closure)
{
    (void)closure;
    return PyBool_FromLong(((tm_py_coroutine*)op)->state == TM_CO_DONE);
}

static PyMethodDef tm_co_methods[] = {
    { "send", tm_co_send_method, METH_O,
      "send($self, value, /)\n--\n\nOne step of the coroutine with value sent in: what it "
      "yields, or StopIteration(result)." },
    { "throw", (PyCFunction)(void (*)(void))tm_co_throw_method, METH_FASTCALL,
      "throw($self, typ, val=None, tb=None, /)\n--\n\nOne step of the coroutine with an "
      "exception raised at its await: typ an exception instance, or a class with val its "
      "argument or instance (as generator.throw)." },
    { "close", tm_co_close_method, METH_NOARGS,
      "close($self, /)\n--\n\nCloses the coroutine (GeneratorExit at its await); the region "
      "ends." },
    { NULL, NULL, 0, NULL }
};

static PyGetSetDef tm_co_getset[] = {
    { "started", tm_co_get_started, NULL, "the first step ran", NULL },
    { "done", tm_co_get_done, NULL, "the coroutine ended (the region is closed)", NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyMemberDef tm_co_members[] = { { "key", TM_CO_T_ULONGLONG, offsetof(tm_py_coroutine, key),
                                         TM_CO_READONLY, "hash of the key" },
                                       { "mask", TM_CO_T_ULONGLONG, offsetof(tm_py_coroutine, mask),
                                         TM_CO_READONLY, "component mask (0: no push of its own)" },
                                       { NULL, 0, 0, 0, NULL } };

static PyType_Slot tm_co_slots[] = {
    { Py_tp_doc,
      "CoroutineRegion(coro, key=0, mask=0, scope=0, begin=None, end=None)\n--\n\n"
      "Awaitable: awaits coro with a region from its first step to its end, awaits included "
      "(a push of key with the components of mask, and/or the begin/end callables). Between "
      "two steps the pushes coro left open are suspended, so concurrent tasks do not nest in "
      "them; tasks created inside have their first push under this region." },
    { Py_tp_new, (void*)tm_co_new },
    { Py_tp_dealloc, (void*)tm_co_dealloc },
    { Py_tp_traverse, (void*)tm_co_traverse },
    { Py_tp_clear, (void*)tm_co_clear },
    { Py_tp_iter, (void*)tm_co_self },
    { Py_tp_iternext, (void*)tm_co_iternext },
    { Py_am_await, (void*)tm_co_self },
#if PY_VERSION_HEX >= 0x030A0000
    { Py_am_send, (void*)tm_co_am_send },
#endif
    { Py_tp_methods, tm_co_methods },
    { Py_tp_getset, tm_co_getset },
    { Py_tp_members, tm_co_members },
    { 0, NULL }
};

static PyType_Spec tm_co_spec = {
    .name      = TM_PY_MODULE_NAME ".CoroutineRegion",
    .basicsize = sizeof(tm_py_coroutine),
    .itemsize  = 0,
    .flags     = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | TM_PY_TPFLAGS_IMMUTABLE,
    .slots     = tm_co_slots,
};

int tm_py_add_coroutines(PyObject* module)
{
    if(!tm_co_var)
    {
        tm_co_var   = PyContextVar_New("timemory_coroutine_region", NULL);
        tm_co_throw = PyUnicode_InternFromString("throw");
        tm_co_close = PyUnicode_InternFromString("close");
        tm_co_send  = PyUnicode_InternFromString("send");
        if(!tm_co_var || !tm_co_throw || !tm_co_close || !tm_co_send) return -1;
    }
    PyObject* type = PyType_FromModuleAndSpec(module, &tm_co_spec, NULL);
    if(!type) return -1;
    if(PyModule_AddObject(module, "CoroutineRegion", type) < 0)
    {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}
