/* line_profiler.c -- the Python face of the line profiler's mode of the tracer (tracer.h):
 * line_profiler_select(codes) puts the tracer in that mode (exactly these code objects, a
 * line's time up to the next line of its frame) or back in its own (None), and
 * line_profiler_take() hands over the per-line data gathered since the last take. The hooks
 * and the per-event work are the tracer's (tracer.c); this file only converts, never per
 * event. The package side is python/timemory/line_profiler. */
#include "tracer.h"

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
    return PyModule_AddFunctions(module, tm_lp_methods);
}
