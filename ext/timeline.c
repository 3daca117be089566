/* timeline.c -- the extension's part of the per-call timeline (src/timeline.c): Python thread
 * names. When a thread's timeline starts (its first event, inside a push) the engine calls
 * tm_py_timeline_thread_start, which looks the thread up in threading's table of running
 * threads -- a dict lookup and an instance attribute read in C, no Python code runs, so it is
 * safe inside the profiler's hooks -- and names it ("MainThread", "Thread-1 (work)", the name
 * given to Thread()). A thread whose first calls come before threading has registered it
 * (profiled code of threading itself) is asked again by the engine a few events later. C
 * threads keep the engine's "thread <tid>" (or their pthread name). timeline_counts() tells
 * how many events the timelines hold and dropped.
 */
#include "ext.h"

#include <pythread.h>

/* 1: named, or never will be (no interpreter state on this thread); 0: ask again later */
static int tm_py_timeline_thread_start(void)
{
    if(!Py_IsInitialized() || !PyGILState_Check()) return 1;
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    int       named     = 0;
    PyObject* modname   = PyUnicode_FromString("threading");
    PyObject* threading = modname ? PyImport_GetModule(modname) : NULL; /* imported, or NULL */
    Py_XDECREF(modname);
    if(threading)
    {
        PyObject*   active = PyObject_GetAttrString(threading, "_active");
        PyObject*   ident  = PyLong_FromUnsignedLong(PyThread_get_thread_ident());
        PyObject*   thread = active && ident && PyDict_Check(active)
                                 ? PyDict_GetItemWithError(active, ident) /* borrowed */
                                 : NULL;
        PyObject*   name   = thread ? PyObject_GetAttrString(thread, "_name") : NULL;
        const char* text   = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
        if(text) named = timemory_timeline_set_thread_name(text) == TIMEMORY_OK;
        Py_XDECREF(name);
        Py_XDECREF(ident);
        Py_XDECREF(active);
        Py_DECREF(threading);
    }
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    return named;
}

static PyObject* tm_py_timeline_counts(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    uint64_t recorded = 0, dropped = 0;
    timemory_timeline_counts(&recorded, &dropped);
    return Py_BuildValue("(KK)", (unsigned long long)recorded, (unsigned long long)dropped);
}

static PyMethodDef tm_py_timeline_methods[] = {
    { "timeline_counts", tm_py_timeline_counts, METH_NOARGS,
      "timeline_counts()\n--\n\n(events held, events dropped) of every thread's timeline "
      "(settings.timeline)." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_timeline(PyObject* module)
{
    timemory_timeline_set_thread_start(tm_py_timeline_thread_start);
    return PyModule_AddFunctions(module, tm_py_timeline_methods);
}
