/* regions.c -- push/pop by key, regions by name, the region API's component sets and the
 * throttled trace library (trace_init ... reset_throttle).
 * Thin, as module.c: converts arguments, calls the library once, maps its error code. */
#include "ext.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* regions: push/pop are on the hot path of Python-side markers (METH_FASTCALL, no tuple)     */

static int tm_py_fast_u64(PyObject* obj, uint64_t* out, const char* what)
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

static PyObject* tm_py_push(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    (void)self;
    if(nargs < 2 || nargs > 3)
    {
        PyErr_Format(PyExc_TypeError, "push(key, mask, scope=0) takes 2 or 3 arguments (%zd given)",
                     nargs);
        return NULL;
    }
    uint64_t  key = 0, scope = 0;
    tm_py_set mask;
    if(tm_py_fast_u64(args[0], &key, "key") < 0 || tm_py_set_from_int(args[1], &mask, "mask") < 0 ||
       (nargs == 3 && tm_py_fast_u64(args[2], &scope, "scope") < 0))
        return NULL;
    int rc = mask.wide ? timemory_push_set(key, &mask.set, (unsigned)scope)
                       : timemory_push(key, mask.mask, (unsigned)scope);
    if(tm_py_check_region(rc, "push") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_pop(PyObject* self, PyObject* arg)
{
    (void)self;
    uint64_t key = 0;
    if(tm_py_fast_u64(arg, &key, "key") < 0) return NULL;
    if(tm_py_check_region(timemory_pop(key), "pop") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_push_region(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_push_region(name), "push_region") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_pop_region(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_pop_region(name), "pop_region") < 0) return NULL;
    Py_RETURN_NONE;
}

/* The component-set stack of the region API (timemory.region). */
static PyObject* tm_py_region_set(PyObject* arg, void (*fn)(const char*), const char* what)
{
    const char* text = tm_py_name_arg(arg, what);
    if(!text) return NULL;
    timemory_components_t mask = 0;
    const char*           bad  = NULL;
    if(timemory_components_parse(text, &mask, &bad) == TIMEMORY_EUNKNOWN)
        return PyErr_Format(PyExc_ValueError, "%s: unknown component '%s'", what, bad ? bad : "?");
    fn(text);
    Py_RETURN_NONE;
}

static PyObject* tm_py_set_default(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_set_default, "set_default");
}

static PyObject* tm_py_add_components_fn(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_add_components, "add_components");
}

static PyObject* tm_py_remove_components(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_remove_components, "remove_components");
}

static PyObject* tm_py_push_components(PyObject* self, PyObject* arg)
{
    (void)self;
    return tm_py_region_set(arg, timemory_push_components, "push_components");
}

static PyObject* tm_py_pop_components(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    timemory_pop_components();
    Py_RETURN_NONE;
}

static PyObject* tm_py_get_default_components(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromUnsignedLongLong(timemory_get_default_components());
}

/* ------------------------------------------------------------------------------------------ */
/* trace library                                                                               */

static PyObject* tm_py_trace_init(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static char* kwlist[]          = { "components", "read_command_line", "cmd", NULL };
    const char*  components        = "";
    int          read_command_line = 0;
    const char*  cmd               = "";
    (void)self;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "|sps:trace_init", kwlist, &components,
                                    &read_command_line, &cmd))
        return NULL;
    int rc = timemory_trace_init(components, read_command_line != 0, cmd);
    if(rc == TIMEMORY_EUNKNOWN)
    {
        timemory_components_t parsed = 0;
        const char*           bad    = NULL;
        if(timemory_components_parse(components, &parsed, &bad) == TIMEMORY_EUNKNOWN && bad)
        {
            tm_py_unknown_component(bad);
            return NULL;
        }
    }
    return tm_py_none_or_raise(rc, "trace_init");
}

static PyObject* tm_py_trace_finalize(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return tm_py_none_or_raise(timemory_trace_finalize(), "trace_finalize");
}

static PyObject* tm_py_trace_is_initialized(PyObject* self, PyObject* unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(timemory_trace_is_initialized());
}

static PyObject* tm_py_push_trace(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_push_trace(name), "push_trace") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_pop_trace(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name || tm_py_check_region(timemory_pop_trace(name), "pop_trace") < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* tm_py_is_throttled(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name) return NULL;
    return PyBool_FromLong(timemory_is_throttled(name));
}

static PyObject* tm_py_reset_throttle(PyObject* self, PyObject* arg)
{
    (void)self;
    const char* name = tm_py_name_arg(arg, "name");
    if(!name) return NULL;
    timemory_reset_throttle(name);
    Py_RETURN_NONE;
}

static PyMethodDef tm_py_regions_methods[] = {
    TM_PY_FASTCALL("push", tm_py_push,
                   "push(key, mask, scope=0)\n--\n\nPush key with the components of mask."),
    TM_PY_ONEARG("pop", tm_py_pop, "pop(key)\n--\n\nPop the innermost push of key."),
    TM_PY_ONEARG("push_region", tm_py_push_region,
                 "push_region(name)\n--\n\nPush a named region (default components)."),
    TM_PY_ONEARG("pop_region", tm_py_pop_region, "pop_region(name)\n--\n\nPop a named region."),
    TM_PY_ONEARG("set_default", tm_py_set_default,
                 "set_default(components)\n--\n\nDefault component list of the region API."),
    TM_PY_ONEARG("add_components", tm_py_add_components_fn,
                 "add_components(components)\n--\n\nAdd components to the current set."),
    TM_PY_ONEARG("remove_components", tm_py_remove_components,
                 "remove_components(components)\n--\n\nRemove components from the current set."),
    TM_PY_ONEARG("push_components", tm_py_push_components,
                 "push_components(components)\n--\n\nMake components the current set, keeping "
                 "the previous one on a stack."),
    TM_PY_NOARGS("pop_components", tm_py_pop_components,
                 "pop_components()\n--\n\nBack to the previous set (the last is never popped)."),
    TM_PY_NOARGS("get_default_components", tm_py_get_default_components,
                 "get_default_components()\n--\n\nMask of the region API's current set."),
    TM_PY_KWARGS("trace_init", tm_py_trace_init,
                 "trace_init(components='', read_command_line=False, cmd='')\n--\n\n"
                 "Initialize the trace library."),
    TM_PY_NOARGS("trace_finalize", tm_py_trace_finalize,
                 "trace_finalize()\n--\n\nFinalize the trace library."),
    TM_PY_NOARGS("trace_is_initialized", tm_py_trace_is_initialized,
                 "trace_is_initialized()\n--\n\n"),
    TM_PY_ONEARG("push_trace", tm_py_push_trace,
                 "push_trace(name)\n--\n\nPush a trace region (throttled)."),
    TM_PY_ONEARG("pop_trace", tm_py_pop_trace, "pop_trace(name)\n--\n\nPop a trace region."),
    TM_PY_ONEARG("is_throttled", tm_py_is_throttled,
                 "is_throttled(name)\n--\n\nWhether name is throttled on this thread."),
    TM_PY_ONEARG("reset_throttle", tm_py_reset_throttle,
                 "reset_throttle(name)\n--\n\nClear the throttle of name on this thread."),
    { NULL, NULL, 0, NULL }
};

int tm_py_add_regions(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_regions_methods);
}
