/* hwcounters.c -- the extension's hardware-counter functions (timemory/hwcounters.h):
 * hwcounters_list() (every event known, tested on this machine), hwcounters_backend(),
 * hwcounters_reason(), and configuring/reading this thread's counters. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "timemory/hwcounters.h"
#include "timemory/timemory.h"

#include <stdlib.h>

static PyObject* tm_py_hwc_list(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int                      n;
    timemory_hwcounter_info* all  = NULL;
    PyThreadState*           save = PyEval_SaveThread(); /* the first call opens every event once */
    n                             = timemory_hwcounters_list(NULL, 0);
    if(n > 0)
    {
        all = calloc((size_t)n, sizeof(*all));
        if(all) n = timemory_hwcounters_list(all, n);
    }
    PyEval_RestoreThread(save);
    if(n > 0 && !all) return PyErr_NoMemory();
    PyObject* list = PyList_New(0);
    for(int i = 0; list && i < n; ++i)
    {
        PyObject* row =
            Py_BuildValue("{s:s,s:s,s:s,s:s,s:O}", "name", all[i].name, "description",
                          all[i].description, "units", all[i].units, "backend", all[i].backend,
                          "available", all[i].available ? Py_True : Py_False);
        if(!row || PyList_Append(list, row) < 0)
        {
            Py_XDECREF(row);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(row);
    }
    free(all);
    return list;
}

static PyObject* tm_py_hwc_text(const char* text)
{
    if(!text) Py_RETURN_NONE;
    return PyUnicode_FromString(text);
}

static PyObject* tm_py_hwc_backend(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_py_hwc_text(timemory_hwcounters_backend());
}

static PyObject* tm_py_hwc_reason(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_py_hwc_text(timemory_hwcounters_reason());
}

static PyObject* tm_py_hwc_configure(PyObject* self, PyObject* args)
{
    (void)self;
    const char* events        = NULL;
    int         fail_on_error = 0;
    if(!PyArg_ParseTuple(args, "s|p:hwcounters_configure", &events, &fail_on_error)) return NULL;
    int rc = timemory_hwcounters_configure(events, fail_on_error != 0);
    if(rc < 0)
    {
        PyErr_Format(PyExc_ValueError, "hwcounters_configure(%R): %s", PyTuple_GET_ITEM(args, 0),
                     timemory_strerror(rc));
        return NULL;
    }
    PyObject* names = PyList_New(0);
    for(int i = 0; names && i < rc; ++i)
    {
        PyObject* name = PyUnicode_FromString(timemory_hwcounters_name(i));
        if(!name || PyList_Append(names, name) < 0) Py_CLEAR(names);
        Py_XDECREF(name);
    }
    return names;
}

static PyObject* tm_py_hwc_read(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    int64_t values[64];
    int     n = timemory_hwcounters_read(values);
    if(n < 0)
    {
        PyErr_Format(PyExc_RuntimeError, "hwcounters_read: %s", timemory_strerror(n));
        return NULL;
    }
    PyObject* tuple = PyTuple_New(n);
    for(int i = 0; tuple && i < n; ++i)
    {
        PyObject* value = PyLong_FromLongLong((long long)values[i]);
        if(!value)
        {
            Py_CLEAR(tuple);
            break;
        }
        PyTuple_SET_ITEM(tuple, i, value);
    }
    return tuple;
}

static PyObject* tm_py_hwc_perf_code(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = PyUnicode_Check(arg) ? PyUnicode_AsUTF8(arg) : NULL;
    if(!name)
    {
        if(!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "hwcounters_perf_code(name: str)");
        return NULL;
    }
    uint32_t type   = 0;
    uint64_t config = 0;
    if(timemory_hwcounters_perf_code(name, &type, &config) != 0)
    {
        PyErr_Format(PyExc_ValueError, "hardware counter %R is unknown to perf_event", arg);
        return NULL;
    }
    return Py_BuildValue("(IK)", (unsigned int)type, (unsigned long long)config);
}

static PyMethodDef tm_py_hwc_methods[] = {
    { "hwcounters_perf_code", tm_py_hwc_perf_code, METH_O,
      "hwcounters_perf_code(name)\n--\n\n(perf_event type, config) of name (ValueError when "
      "perf_event does not know it)." },
    { "hwcounters_list", tm_py_hwc_list, METH_NOARGS,
      "hwcounters_list()\n--\n\nEvery hardware-counter event known (PAPI presets and native "
      "events when libpapi loads, perf_event's names): dicts of name, description, units, "
      "backend, available (opened on this machine)." },
    { "hwcounters_backend", tm_py_hwc_backend, METH_NOARGS,
      "hwcounters_backend()\n--\n\n'papi' or 'perf_event' once events are configured, else None." },
    { "hwcounters_reason", tm_py_hwc_reason, METH_NOARGS,
      "hwcounters_reason()\n--\n\nWhy PAPI is not the backend (None when it is)." },
    { "hwcounters_configure", tm_py_hwc_configure, METH_VARARGS,
      "hwcounters_configure(events, fail_on_error=False)\n--\n\nMakes events (comma or space "
      "separated) the hardware counters every thread counts; returns the names counted (one "
      "warning per event left out). ValueError with fail_on_error." },
    { "hwcounters_read", tm_py_hwc_read, METH_NOARGS,
      "hwcounters_read()\n--\n\nThis thread's counts of the configured events since its first "
      "read (a tuple of ints)." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_hwcounters(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_hwc_methods);
}
