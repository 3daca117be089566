/* hooks_install.c -- the C callable types of the hooks (sys.monitoring callbacks, the
 * legacy hook in callable form: profiler_function / tracer_function) and hook installation:
 * PyEval_SetProfile/SetTrace on every thread of the interpreter, threading.setprofile/settrace,
 * and sys.monitoring tool ids, callbacks and events. Policy: called with the GIL held; never
 * per event. */
#include "hooks.h"

#include <structmember.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x030D0000
/* 3.13 moved these to the internal headers; _PyEval_SetProfile is still exported. */
PyAPI_FUNC(int) _PyEval_SetProfile(PyThreadState* tstate, Py_tracefunc func, PyObject* arg);
#endif

/* ------------------------------------------------------------------------------------------ */
/* C callables                                                                                 */

typedef struct tm_callback_object {
    PyObject_HEAD vectorcallfunc vectorcall;
    tm_hook_vectorfn             fn;
} tm_callback_object;

static PyObject* tm_callback_vectorcall(PyObject* self, PyObject* const* args, size_t nargsf,
                                        PyObject* kwnames)
{
    (void)kwnames;
    return ((tm_callback_object*)self)->fn(args, (size_t)PyVectorcall_NARGS(nargsf));
}

static PyMemberDef tm_callback_members[] = { { "__vectorcalloffset__", T_PYSSIZET,
                                               offsetof(tm_callback_object, vectorcall), READONLY,
                                               NULL },
                                             { NULL, 0, 0, 0, NULL } };

static PyType_Slot tm_callback_slots[] = { { Py_tp_call, (void*)PyVectorcall_Call },
                                           { Py_tp_members, tm_callback_members },
                                           { Py_tp_doc,
                                             (void*)"A sys.monitoring callback implemented in C." },
                                           { 0, NULL } };

static PyType_Spec tm_callback_spec = {
    "timemory.libs.libpytimemory.MonitoringCallback", sizeof(tm_callback_object), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | TM_PY_TPFLAGS_IMMUTABLE, tm_callback_slots
};

static PyTypeObject* tm_callback_type;

PyObject* tm_hook_new_callback(tm_hook_vectorfn fn, const char* name)
{
    (void)name;
    if(!tm_callback_type)
    {
        tm_callback_type = (PyTypeObject*)PyType_FromSpec(&tm_callback_spec);
        if(!tm_callback_type) return NULL;
    }
    tm_callback_object* obj = PyObject_New(tm_callback_object, tm_callback_type);
    if(!obj) return NULL;
    obj->vectorcall = tm_callback_vectorcall;
    obj->fn         = fn;
    return (PyObject*)obj;
}

typedef struct tm_function_object {
    PyObject_HEAD vectorcallfunc vectorcall;
    tm_hook_entry_fn             fn;
    PyObject*                    name;
    PyObject*                    doc;
} tm_function_object;

static PyObject* tm_function_vectorcall(PyObject* self, PyObject* const* args, size_t nargsf,
                                        PyObject* kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if(nargs != 3 || (kwnames && PyTuple_GET_SIZE(kwnames) > 0))
    {
        PyErr_Format(PyExc_TypeError, "%U() takes exactly 3 arguments (frame, event, arg)",
                     ((tm_function_object*)self)->name);
        return NULL;
    }
    if(((tm_function_object*)self)->fn(self, args[0], args[1], args[2]) < 0) return NULL;
    Py_RETURN_NONE;
}

static void tm_function_dealloc(PyObject* self)
{
    PyTypeObject* tp = Py_TYPE(self);
    Py_XDECREF(((tm_function_object*)self)->name);
    Py_XDECREF(((tm_function_object*)self)->doc);
    PyObject_Free(self);
    Py_DECREF(tp);
}

static PyObject* tm_function_repr(PyObject* self)
{
    return PyUnicode_FromFormat("<built-in hook %U>", ((tm_function_object*)self)->name);
}

static PyMemberDef tm_function_members[] = {
    { "__vectorcalloffset__", T_PYSSIZET, offsetof(tm_function_object, vectorcall), READONLY,
      NULL },
    { "__name__", T_OBJECT, offsetof(tm_function_object, name), READONLY, NULL },
    { "__qualname__", T_OBJECT, offsetof(tm_function_object, name), READONLY, NULL },
    { "__doc__", T_OBJECT, offsetof(tm_function_object, doc), READONLY, NULL },
    { NULL, 0, 0, 0, NULL }
};

static PyType_Slot tm_function_slots[] = { { Py_tp_call, (void*)PyVectorcall_Call },
                                           { Py_tp_dealloc, (void*)tm_function_dealloc },
                                           { Py_tp_repr, (void*)tm_function_repr },
                                           { Py_tp_members, tm_function_members },
                                           { 0, NULL } };

static PyType_Spec tm_function_spec = {
    "timemory.libs.libpytimemory.HookFunction", sizeof(tm_function_object), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | TM_PY_TPFLAGS_IMMUTABLE, tm_function_slots
};

static PyTypeObject* tm_function_type;

PyObject* tm_hook_new_function(tm_hook_entry_fn fn, const char* name, const char* doc)
{
    if(!tm_function_type)
    {
        tm_function_type = (PyTypeObject*)PyType_FromSpec(&tm_function_spec);
        if(!tm_function_type) return NULL;
    }
    tm_function_object* obj = PyObject_New(tm_function_object, tm_function_type);
    if(!obj) return NULL;
    obj->vectorcall = tm_function_vectorcall;
    obj->fn         = fn;
    obj->name       = PyUnicode_FromString(name);
    obj->doc        = PyUnicode_FromString(doc);
    if(!obj->name || !obj->doc)
    {
        Py_DECREF(obj);
        return NULL;
    }
    return (PyObject*)obj;
}

int tm_hook_event_code(PyObject* event)
{
    static const struct {
        const char* name;
        int         what;
    } events[] = { { "call", PyTrace_CALL },
                   { "return", PyTrace_RETURN },
                   { "line", PyTrace_LINE },
                   { "exception", PyTrace_EXCEPTION },
                   { "c_call", PyTrace_C_CALL },
                   { "c_return", PyTrace_C_RETURN },
                   { "c_exception", PyTrace_C_EXCEPTION },
                   { "opcode", PyTrace_OPCODE } };
    if(!PyUnicode_Check(event)) return -1;
    for(size_t i = 0; i < sizeof(events) / sizeof(events[0]); ++i)
        if(PyUnicode_CompareWithASCIIString(event, events[i].name) == 0) return events[i].what;
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* legacy installation on every thread                                                         */

typedef int (*tm_set_hook_fn)(PyThreadState*, Py_tracefunc, PyObject*);

/* Sets a hook on any thread state (the GIL is held, the other thread is blocked on it). */
static int tm_set_thread_hook(bool trace, PyThreadState* ts, Py_tracefunc fn, PyObject* obj)
{
    if(ts == PyThreadState_Get())
    {
        if(trace)
            PyEval_SetTrace(fn, obj);
        else
            PyEval_SetProfile(fn, obj);
        return PyErr_Occurred() ? -1 : 0;
    }
#if PY_VERSION_HEX < 0x030D0000
    if(trace) return _PyEval_SetTrace(ts, fn, obj);
    /* declared as data by the 3.9-3.12 headers although it is the function */
    tm_set_hook_fn set_profile;
    void*          addr = (void*)&_PyEval_SetProfile;
    memcpy(&set_profile, &addr, sizeof(set_profile));
    return set_profile(ts, fn, obj);
#else
    if(trace) return 1; /* not reachable for another thread on 3.13: the tracer monitors */
    return _PyEval_SetProfile(ts, fn, obj);
#endif
}

int tm_hook_legacy_install_all(bool trace, Py_tracefunc fn, PyObject* obj)
{
    PyThreadState* me = PyThreadState_Get();
#if PY_VERSION_HEX >= 0x030C0000
    (void)me;
    if(trace)
        PyEval_SetTraceAllThreads(fn, obj);
    else
        PyEval_SetProfileAllThreads(fn, obj);
    return PyErr_Occurred() ? -1 : 0;
#else
    for(PyThreadState* ts = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(me)); ts;
        ts                = PyThreadState_Next(ts))
    {
        if(tm_set_thread_hook(trace, ts, fn, obj) < 0) return -1;
    }
    return 0;
#endif
}

bool tm_hook_legacy_switch(bool trace, Py_tracefunc fn, PyObject* obj)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    if(trace)
        PyEval_SetTrace(fn, obj);
    else
        PyEval_SetProfile(fn, obj);
    bool ok = !PyErr_Occurred();
    if(!ok)
    {
        PyErr_Clear();
        tm_hook_note_error();
    }
    PyErr_Restore(exc_type, exc_value, exc_tb);
    return ok;
}

bool tm_hook_legacy_installed(bool trace, Py_tracefunc fn)
{
    PyThreadState* me = PyThreadState_Get();
    return trace ? me->c_tracefunc == fn : me->c_profilefunc == fn;
}

int tm_hook_legacy_remove_all(bool trace, Py_tracefunc fn)
{
    PyThreadState* me       = PyThreadState_Get();
    int            replaced = 0;
    if((trace ? me->c_tracefunc : me->c_profilefunc) != fn) ++replaced;
    for(PyThreadState* ts = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(me)); ts;
        ts                = PyThreadState_Next(ts))
    {
        if((trace ? ts->c_tracefunc : ts->c_profilefunc) != fn) continue;
        if(tm_set_thread_hook(trace, ts, NULL, NULL) != 0)
        {
#if PY_VERSION_HEX >= 0x030C0000
            /* no per-thread setter: clear every thread (ours are the only ones left) */
            PyErr_Clear();
            if(trace)
                PyEval_SetTraceAllThreads(NULL, NULL);
            else
                PyEval_SetProfileAllThreads(NULL, NULL);
            break;
#else
            PyErr_WriteUnraisable(NULL);
#endif
        }
    }
    return replaced;
}

int tm_hook_threading_set(bool trace, PyObject* hook, PyObject** saved)
{
    PyObject* threading = PyImport_ImportModule("threading");
    if(!threading) return -1;
    PyObject* prev = PyObject_GetAttrString(threading, trace ? "_trace_hook" : "_profile_hook");
    if(!prev)
    {
        PyErr_Clear();
        prev = Py_None;
        Py_INCREF(prev);
    }
    PyObject* rc = PyObject_CallMethod(threading, trace ? "settrace" : "setprofile", "O", hook);
    Py_DECREF(threading);
    if(!rc)
    {
        Py_DECREF(prev);
        return -1;
    }
    Py_DECREF(rc);
    *saved = prev;
    return 0;
}

void tm_hook_threading_restore(bool trace, PyObject* saved)
{
    PyObject* threading = PyImport_ImportModule("threading");
    if(threading)
    {
        PyObject* rc = PyObject_CallMethod(threading, trace ? "settrace" : "setprofile", "O",
                                           saved ? saved : Py_None);
        Py_XDECREF(rc);
        Py_DECREF(threading);
    }
    if(PyErr_Occurred()) PyErr_WriteUnraisable(NULL);
    Py_XDECREF(saved);
}

/* ------------------------------------------------------------------------------------------ */
/* sys.monitoring                                                                              */

#if TM_HOOKS_HAVE_MONITORING
static int tm_monitor_event(PyObject* events, const char* name, int* out)
{
    PyObject* v = PyObject_GetAttrString(events, name);
    if(!v) return -1;
    long bit = PyLong_AsLong(v);
    Py_DECREF(v);
    if(bit == -1 && PyErr_Occurred()) return -1;
    *out = (int)bit;
    return 0;
}

int tm_monitor_open(tm_monitor* m, int preferred, const char* name)
{
    memset(m, 0, sizeof(*m));
    m->tool       = -1;
    PyObject* sys = PyImport_ImportModule("sys");
    if(!sys) return -1;
    m->module = PyObject_GetAttrString(sys, "monitoring");
    Py_DECREF(sys);
    if(!m->module) return -1;
    m->disable       = PyObject_GetAttrString(m->module, "DISABLE");
    PyObject* events = PyObject_GetAttrString(m->module, "events");
    if(!m->disable || !events) goto fail;
    if(tm_monitor_event(events, "PY_START", &m->ev.py_start) < 0 ||
       tm_monitor_event(events, "PY_RESUME", &m->ev.py_resume) < 0 ||
       tm_monitor_event(events, "PY_RETURN", &m->ev.py_return) < 0 ||
       tm_monitor_event(events, "PY_YIELD", &m->ev.py_yield) < 0 ||
       tm_monitor_event(events, "CALL", &m->ev.call) < 0 ||
       tm_monitor_event(events, "LINE", &m->ev.line) < 0 ||
       tm_monitor_event(events, "PY_UNWIND", &m->ev.py_unwind) < 0 ||
       tm_monitor_event(events, "PY_THROW", &m->ev.py_throw) < 0 ||
       tm_monitor_event(events, "C_RETURN", &m->ev.c_return) < 0 ||
       tm_monitor_event(events, "C_RAISE", &m->ev.c_raise) < 0)
        goto fail;
    Py_CLEAR(events);
    /* the preferred id first, then ids no convention claims, then any free one */
    int order[] = { preferred, 3, 4, 1, 0, 5, 2 };
    for(size_t i = 0; i < sizeof(order) / sizeof(order[0]); ++i)
    {
        PyObject* cur = PyObject_CallMethod(m->module, "get_tool", "i", order[i]);
        if(!cur) goto fail;
        bool is_free = cur == Py_None;
        Py_DECREF(cur);
        if(!is_free) continue;
        PyObject* rc = PyObject_CallMethod(m->module, "use_tool_id", "is", order[i], name);
        if(!rc)
        {
            PyErr_Clear();
            continue;
        }
        Py_DECREF(rc);
        m->tool = order[i];
        return 0;
    }
    PyErr_Format(PyExc_RuntimeError, "%s: every sys.monitoring tool id is in use by other tools",
                 name);
fail:
    Py_XDECREF(events);
    Py_CLEAR(m->disable);
    Py_CLEAR(m->module);
    return -1;
}

int tm_monitor_register(tm_monitor* m, int event, PyObject* callback)
{
    PyObject* rc =
        PyObject_CallMethod(m->module, "register_callback", "iiO", m->tool, event, callback);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

int tm_monitor_set_events(tm_monitor* m, int events)
{
    PyObject* rc = PyObject_CallMethod(m->module, "set_events", "ii", m->tool, events);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

int tm_monitor_set_local(tm_monitor* m, PyObject* code, int events)
{
    PyObject* rc = PyObject_CallMethod(m->module, "set_local_events", "iOi", m->tool, code, events);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

int tm_monitor_restart(tm_monitor* m)
{
    PyObject* rc = PyObject_CallMethod(m->module, "restart_events", NULL);
    if(!rc) return -1;
    Py_DECREF(rc);
    return 0;
}

void tm_monitor_close(tm_monitor* m, int registered_events)
{
    if(m->tool >= 0 && m->module)
    {
        PyObject* exc_type;
        PyObject* exc_value;
        PyObject* exc_tb;
        PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
        if(tm_monitor_set_events(m, 0) < 0) PyErr_WriteUnraisable(NULL);
        for(int bit = 1; bit > 0 && bit <= registered_events; bit <<= 1)
        {
            if(!(registered_events & bit)) continue;
            if(tm_monitor_register(m, bit, Py_None) < 0) PyErr_WriteUnraisable(NULL);
        }
        PyObject* rc = PyObject_CallMethod(m->module, "free_tool_id", "i", m->tool);
        if(!rc)
            PyErr_WriteUnraisable(NULL);
        else
            Py_DECREF(rc);
        PyErr_Restore(exc_type, exc_value, exc_tb);
    }
    m->tool = -1;
    Py_CLEAR(m->disable);
    Py_CLEAR(m->module);
}
#endif
