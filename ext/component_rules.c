/* component_rules.c -- the library's component rules as module functions for the package:
 * lookup and suggestions (component_find/_suggest), display format (component_format,
 * component_format_value) and get() of raw values (component_get), so that Python keeps no copy
 * of them (timemory_component_find/_suggest/_format/_format_value(s)/_get).
 */
#include "ext.h"

#define TM_PY_METHOD(name, func, flags, doc)                                                       \
    {                                                                                              \
        name, (PyCFunction)(void (*)(void))func, flags, doc                                        \
    }

/* ------------------------------------------------------------------------------------------ */
/* module functions: the library's component rules, for the package                          */

static int tm_py_component_arg(PyObject* obj, int* id)
{
    if(PyBool_Check(obj) || !PyIndex_Check(obj))
    {
        PyErr_Format(PyExc_TypeError, "component id must be int, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    long value = PyLong_AsLong(obj);
    if(value == -1 && PyErr_Occurred()) return -1;
    timemory_component_info info;
    if(value < 0 || value > INT_MAX || timemory_component_get_info((int)value, &info) != 0)
    {
        PyErr_Format(PyExc_ValueError, "unknown component id %ld", value);
        return -1;
    }
    *id = (int)value;
    return 0;
}

static PyObject* tm_py_component_find_fn(PyObject* module, PyObject* name)
{
    (void)module;
    if(!PyUnicode_Check(name))
    {
        PyErr_Format(PyExc_TypeError, "name must be str, not %.100s", Py_TYPE(name)->tp_name);
        return NULL;
    }
    const char* text = PyUnicode_AsUTF8(name);
    if(!text) return NULL;
    int id = timemory_component_find(text);
    if(id == TIMEMORY_EUNKNOWN) Py_RETURN_NONE;
    if(id < 0) return tm_py_raise(id, "component_find");
    return PyLong_FromLong(id);
}

static PyObject* tm_py_component_suggest_fn(PyObject* module, PyObject* args, PyObject* kwargs)
{
    (void)module;
    static char* kwlist[] = { "name", "max", NULL };
    const char*  name     = NULL;
    int          max      = 3;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "s|i:component_suggest", kwlist, &name, &max))
        return NULL;
    const char* found[TM_PY_NCOMPONENTS];
    if(max < 0) max = 0;
    if(max > TM_PY_NCOMPONENTS) max = TM_PY_NCOMPONENTS;
    int n = timemory_component_suggest(name, found, max);
    if(n < 0) return tm_py_raise(n, "component_suggest");
    PyObject* list = PyList_New(n);
    if(!list) return NULL;
    for(int i = 0; i < n; ++i)
    {
        PyObject* item = PyUnicode_FromString(found[i]);
        if(!item)
        {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

/* values: None (no value), a number, or a sequence of one or two numbers (a pair's dict form
 * {"first": a, "second": b} too, as the JSON of pairs has it) */
static int tm_py_display_values(PyObject* obj, double out[2])
{
    if(obj == Py_None) return 0;
    if(PyDict_Check(obj))
    {
        PyObject* first  = PyDict_GetItemString(obj, "first");
        PyObject* second = PyDict_GetItemString(obj, "second");
        if(!first || !second)
        {
            PyErr_SetString(PyExc_ValueError, "a pair dict needs 'first' and 'second'");
            return -1;
        }
        out[0] = PyFloat_AsDouble(first);
        if(out[0] == -1.0 && PyErr_Occurred()) return -1;
        out[1] = PyFloat_AsDouble(second);
        if(out[1] == -1.0 && PyErr_Occurred()) return -1;
        return 2;
    }
    if(PyNumber_Check(obj) && !PySequence_Check(obj))
    {
        out[0] = PyFloat_AsDouble(obj);
        if(out[0] == -1.0 && PyErr_Occurred()) return -1;
        return 1;
    }
    PyObject* seq = PySequence_Fast(obj, "values must be None, a number or a sequence");
    if(!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if(n > 2)
    {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError, "a component has at most 2 values, not %zd", n);
        return -1;
    }
    for(Py_ssize_t i = 0; i < n; ++i)
    {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
        if(out[i] == -1.0 && PyErr_Occurred())
        {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    return (int)n;
}

static PyObject* tm_py_component_format_fn(PyObject* module, PyObject* args, PyObject* kwargs)
{
    (void)module;
    static char* kwlist[] = { "component_id", "values", NULL };
    PyObject *   comp = NULL, *values = NULL;
    int          id = 0;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "OO:component_format", kwlist, &comp, &values))
        return NULL;
    if(tm_py_component_arg(comp, &id) < 0) return NULL;
    double v[2] = { 0.0, 0.0 };
    int    n    = tm_py_display_values(values, v);
    if(n < 0) return NULL;
    char text[512];
    int  rc = timemory_component_format_values(id, v, n, text, sizeof(text));
    if(rc < 0) return tm_py_raise(rc, "component_format");
    return PyUnicode_FromString(text);
}

static PyObject* tm_py_component_format_value_fn(PyObject* module, PyObject* args, PyObject* kwargs)
{
    (void)module;
    static char* kwlist[] = { "component_id", "value", "width", NULL };
    PyObject*    comp     = NULL;
    double       value    = 0.0;
    int          width = -1, id = 0;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "Od|i:component_format_value", kwlist, &comp,
                                    &value, &width))
        return NULL;
    if(tm_py_component_arg(comp, &id) < 0) return NULL;
    if(width < -1) width = -1;
    char text[320];
    int  rc = timemory_component_format_value(id, value, width, text, sizeof(text));
    if(rc < 0) return tm_py_raise(rc, "component_format_value");
    return PyUnicode_FromString(text);
}

/* Raw values in base units (ns, bytes, counts; (cpu ns, wall ns) for the utilizations;
 * (bytes, elapsed ns) for I/O) -> display values, as get() converts them (timemory_component_get:
 * the units settings, percentages, rates). */
static PyObject* tm_py_component_get_fn(PyObject* module, PyObject* args, PyObject* kwargs)
{
    (void)module;
    static char* kwlist[] = { "component_id", "raw", NULL };
    PyObject *   comp = NULL, *values = NULL;
    int          id = 0;
    if(!PyArg_ParseTupleAndKeywords(args, kwargs, "OO:component_get", kwlist, &comp, &values))
        return NULL;
    if(tm_py_component_arg(comp, &id) < 0) return NULL;
    PyObject* seq = PySequence_Fast(values, "raw must be a sequence of 1 or 2 ints");
    if(!seq) return NULL;
    Py_ssize_t n      = PySequence_Fast_GET_SIZE(seq);
    int64_t    raw[2] = { 0, 0 };
    if(n < 1 || n > 2)
    {
        Py_DECREF(seq);
        return PyErr_Format(PyExc_ValueError, "raw must hold 1 or 2 values, not %zd", n);
    }
    for(Py_ssize_t i = 0; i < n; ++i)
    {
        raw[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
        if(raw[i] == -1 && PyErr_Occurred())
        {
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    double out[2] = { 0.0, 0.0 };
    int    count  = timemory_component_get(id, raw, out);
    if(count < 0) return tm_py_raise(count, "component_get");
    PyObject* result = PyTuple_New(count);
    if(!result) return NULL;
    for(int i = 0; i < count; ++i)
    {
        PyObject* item = PyFloat_FromDouble(out[i]);
        if(!item)
        {
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, i, item);
    }
    return result;
}

static PyMethodDef tm_py_component_functions[] = {
    TM_PY_METHOD("component_find", tm_py_component_find_fn, METH_O,
                 "component_find(name)\n--\n\nThe enum value of a component name, alias, "
                 "class name or enum name (case-insensitive); None when unknown."),
    TM_PY_METHOD("component_suggest", tm_py_component_suggest_fn, METH_VARARGS | METH_KEYWORDS,
                 "component_suggest(name, max=3)\n--\n\nPrimary names of the components "
                 "closest to an unknown name, closest first."),
    TM_PY_METHOD("component_format", tm_py_component_format_fn, METH_VARARGS | METH_KEYWORDS,
                 "component_format(component_id, values)\n--\n\nDisplay values with units "
                 "and labels ('   6.534 sec wall'), as str() of a component prints them."),
    TM_PY_METHOD("component_format_value", tm_py_component_format_value_fn,
                 METH_VARARGS | METH_KEYWORDS,
                 "component_format_value(component_id, value, width=-1)\n--\n\nOne display "
                 "value as the text table prints it (width -1: the component's, 0: none)."),
    TM_PY_METHOD("component_get", tm_py_component_get_fn, METH_VARARGS | METH_KEYWORDS,
                 "component_get(component_id, raw)\n--\n\nDisplay values (a tuple) of raw "
                 "values in base units (ns, bytes, counts), as get() converts them."),
    { NULL, NULL, 0, NULL }
};

int tm_py_add_component_rules(PyObject* module)
{
    return PyModule_AddFunctions(module, tm_py_component_functions);
}
