/* ert.c -- the ERT micro-kernels for timemory.ert (include/timemory/ert.h): ert_defaults(),
 * ert_run(config, callback), ert_cache_size(level), ert_isa(). The run releases the GIL; each
 * measured point is handed to the callback as a dict with the GIL taken again, and an
 * exception from it (KeyboardInterrupt too) stops the run and is raised by ert_run. */
#include "ext.h"
#include "timemory/ert.h"

static PyObject* tm_py_ert_config_dict(const timemory_ert_config* c)
{
    PyObject* dtypes = PyList_New(0);
    PyObject* ops    = PyList_New(0);
    if(!dtypes || !ops) goto fail;
    if(c->dtypes & TIMEMORY_ERT_FLOAT)
    {
        PyObject* s = PyUnicode_FromString("float");
        if(!s || PyList_Append(dtypes, s) < 0)
        {
            Py_XDECREF(s);
            goto fail;
        }
        Py_DECREF(s);
    }
    if(c->dtypes & TIMEMORY_ERT_DOUBLE)
    {
        PyObject* s = PyUnicode_FromString("double");
        if(!s || PyList_Append(dtypes, s) < 0)
        {
            Py_XDECREF(s);
            goto fail;
        }
        Py_DECREF(s);
    }
    for(unsigned i = 0; i < c->num_ops; ++i)
    {
        PyObject* v = PyLong_FromUnsignedLong(c->ops[i]);
        if(!v || PyList_Append(ops, v) < 0)
        {
            Py_XDECREF(v);
            goto fail;
        }
        Py_DECREF(v);
    }
    return Py_BuildValue(
        "{sKsKsKsKsKsKsNsN}", "min_working_set", (unsigned long long)c->min_working_set,
        "max_data_size", (unsigned long long)c->max_data_size, "num_threads",
        (unsigned long long)c->num_threads, "trials_min", (unsigned long long)c->trials_min,
        "repeats", (unsigned long long)c->repeats, "alignment", (unsigned long long)c->alignment,
        "dtypes", dtypes, "ops", ops);
fail:
    Py_XDECREF(dtypes);
    Py_XDECREF(ops);
    return NULL;
}

static PyObject* tm_py_ert_defaults(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_ert_config c;
    int                 rc = timemory_ert_config_init(&c);
    if(rc < 0) return tm_py_raise(rc, "ert_defaults");
    return tm_py_ert_config_dict(&c);
}

/* an unsigned integer entry of the config dict; 0 when present and valid, -1 with an error */
static int tm_py_ert_get_u64(PyObject* dict, const char* key, uint64_t* out)
{
    PyObject* v = PyDict_GetItemString(dict, key); /* borrowed */
    if(!v) return 0;
    unsigned long long x = PyLong_AsUnsignedLongLong(v);
    if(x == (unsigned long long)-1 && PyErr_Occurred())
    {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "ert: %s must be a non-negative integer", key);
        return -1;
    }
    *out = (uint64_t)x;
    return 0;
}

static int tm_py_ert_parse(PyObject* dict, timemory_ert_config* c)
{
    if(!PyDict_Check(dict))
    {
        PyErr_SetString(PyExc_TypeError, "ert_run: config must be a dict");
        return -1;
    }
    if(timemory_ert_config_init(c) < 0) return -1;
    if(tm_py_ert_get_u64(dict, "min_working_set", &c->min_working_set) < 0 ||
       tm_py_ert_get_u64(dict, "max_data_size", &c->max_data_size) < 0 ||
       tm_py_ert_get_u64(dict, "num_threads", &c->num_threads) < 0 ||
       tm_py_ert_get_u64(dict, "trials_min", &c->trials_min) < 0 ||
       tm_py_ert_get_u64(dict, "repeats", &c->repeats) < 0 ||
       tm_py_ert_get_u64(dict, "alignment", &c->alignment) < 0)
        return -1;
    PyObject* dtypes = PyDict_GetItemString(dict, "dtypes");
    if(dtypes)
    {
        PyObject* seq = PySequence_Fast(dtypes, "ert: dtypes must be a list of 'float'/'double'");
        if(!seq) return -1;
        c->dtypes = 0;
        for(Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i)
        {
            PyObject*   item = PySequence_Fast_GET_ITEM(seq, i);
            const char* name = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;
            if(name && strcmp(name, "float") == 0)
                c->dtypes |= TIMEMORY_ERT_FLOAT;
            else if(name && strcmp(name, "double") == 0)
                c->dtypes |= TIMEMORY_ERT_DOUBLE;
            else
            {
                Py_DECREF(seq);
                PyErr_Format(PyExc_ValueError, "ert: unknown dtype %R (float, double)", item);
                return -1;
            }
        }
        Py_DECREF(seq);
    }
    PyObject* ops = PyDict_GetItemString(dict, "ops");
    if(ops)
    {
        PyObject* seq = PySequence_Fast(ops, "ert: ops must be a list of integers");
        if(!seq) return -1;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if(n < 1 || n > TIMEMORY_ERT_MAX_KERNELS)
        {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "ert: ops must list 1 to %d kernels",
                         TIMEMORY_ERT_MAX_KERNELS);
            return -1;
        }
        c->num_ops = (unsigned)n;
        for(Py_ssize_t i = 0; i < n; ++i)
        {
            long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
            if((v == -1 && PyErr_Occurred()) || v < 1 || v > TIMEMORY_ERT_MAX_OPS)
            {
                PyErr_Clear();
                Py_DECREF(seq);
                PyErr_Format(PyExc_ValueError, "ert: ops must be integers from 1 to %d",
                             TIMEMORY_ERT_MAX_OPS);
                return -1;
            }
            c->ops[i] = (unsigned)v;
        }
        Py_DECREF(seq);
    }
    return 0;
}

typedef struct {
    PyObject* callback;
    int       failed; /* the callback raised: its exception is kept in these */
    PyObject *type, *value, *tb;
} tm_py_ert_call;

static int tm_py_ert_point(const timemory_ert_point* p, void* arg)
{
    tm_py_ert_call*  call  = (tm_py_ert_call*)arg;
    PyGILState_STATE gil   = PyGILState_Ensure();
    PyObject*        point = Py_BuildValue(
               "{sssIsKsKsKsKsKsKsKsK}", "dtype", p->dtype_name, "ops_per_set", p->ops_per_set,
               "working_set", (unsigned long long)p->working_set, "trials", (unsigned long long)p->trials,
               "total_bytes", (unsigned long long)p->total_bytes, "total_ops",
               (unsigned long long)p->total_ops, "elapsed_ns", (unsigned long long)p->elapsed_ns,
               "num_threads", (unsigned long long)p->num_threads, "index", (unsigned long long)p->index,
               "count", (unsigned long long)p->count);
    PyObject* ret = point ? PyObject_CallOneArg(call->callback, point) : NULL;
    Py_XDECREF(point);
    if(ret && PyErr_CheckSignals() < 0) Py_CLEAR(ret);
    int stop = ret == NULL;
    if(stop)
    {
        call->failed = 1;
        PyErr_Fetch(&call->type, &call->value, &call->tb);
    }
    Py_XDECREF(ret);
    PyGILState_Release(gil);
    return stop;
}

static PyObject* tm_py_ert_run(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs != 2)
    {
        PyErr_Format(PyExc_TypeError, "ert_run(config, callback) takes 2 arguments (%zd given)",
                     nargs);
        return NULL;
    }
    if(!PyCallable_Check(args[1]))
    {
        PyErr_SetString(PyExc_TypeError, "ert_run: callback must be callable");
        return NULL;
    }
    timemory_ert_config c;
    if(tm_py_ert_parse(args[0], &c) < 0) return NULL;
    tm_py_ert_call         call = { args[1], 0, NULL, NULL, NULL };
    int64_t                rc;
    Py_BEGIN_ALLOW_THREADS rc = timemory_ert_run(&c, tm_py_ert_point, &call);
    Py_END_ALLOW_THREADS if(call.failed)
    {
        PyErr_Restore(call.type, call.value, call.tb);
        return NULL;
    }
    if(rc < 0) return tm_py_raise((int)rc, "ert_run");
    return PyLong_FromLongLong((long long)rc);
}

static PyObject* tm_py_ert_count_points(PyObject* self, PyObject* config)
{
    (void)self;
    timemory_ert_config c;
    if(tm_py_ert_parse(config, &c) < 0) return NULL;
    int64_t rc = timemory_ert_count_points(&c);
    if(rc < 0) return tm_py_raise((int)rc, "ert_count_points");
    return PyLong_FromLongLong((long long)rc);
}

static PyObject* tm_py_ert_cache_size(PyObject* self, PyObject* arg)
{
    (void)self;
    long level = PyLong_AsLong(arg);
    if(level == -1 && PyErr_Occurred()) return NULL;
    unsigned shared = 0;
    uint64_t size   = timemory_ert_cache_size((int)level, &shared);
    return Py_BuildValue("(KI)", (unsigned long long)size, shared);
}

static PyObject* tm_py_ert_isa(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(timemory_ert_isa());
}

static PyMethodDef tm_py_ert_methods[] = {
    { "ert_defaults", tm_py_ert_defaults, METH_NOARGS,
      "ert_defaults()\n--\n\nThe ERT configuration the settings give (a dict)." },
    { "ert_run", (PyCFunction)(void (*)(void))tm_py_ert_run, METH_FASTCALL,
      "ert_run(config, callback, /)\n--\n\nRun the ERT kernels; callback(point) after each point. "
      "Returns the number of points." },
    { "ert_count_points", tm_py_ert_count_points, METH_O,
      "ert_count_points(config, /)\n--\n\nThe number of points a configuration measures." },
    { "ert_cache_size", tm_py_ert_cache_size, METH_O,
      "ert_cache_size(level, /)\n--\n\n(bytes, CPUs sharing it) of the level's data cache; 0 when "
      "unknown." },
    { "ert_isa", tm_py_ert_isa, METH_NOARGS,
      "ert_isa()\n--\n\nThe instruction set the ERT kernels run with." },
    { NULL, NULL, 0, NULL }
};

int tm_py_add_ert(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_ert_methods);
}
