/* component_ops.c -- the component classes' operators and text: + and - element-wise on value
 * and accumulator (+ also adds laps), str() as the library formats values, repr().
 */
#include "component_type.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* arithmetic: element-wise on value and accumulator; + also adds laps                        */

static PyObject* tm_py_component_combine(PyObject* a, PyObject* b, int sign, bool in_place)
{
    if(!tm_py_is_component(a) || !tm_py_is_component(b)) Py_RETURN_NOTIMPLEMENTED;
    tm_py_component* lhs = (tm_py_component*)a;
    tm_py_component* rhs = (tm_py_component*)b;
    if(lhs->id != rhs->id) Py_RETURN_NOTIMPLEMENTED;
    if(!lhs->available || !rhs->available) Py_RETURN_NONE;
    tm_py_component* out = lhs;
    if(in_place)
        Py_INCREF(out);
    else
    {
        PyTypeObject* type = Py_TYPE(a);
        out                = (tm_py_component*)type->tp_alloc(type, 0);
        if(!out) return NULL;
        out->id          = lhs->id;
        out->flags       = lhs->flags;
        out->nvalues     = lhs->nvalues;
        out->nout        = lhs->nout;
        out->available   = lhs->available;
        out->list_shape  = lhs->list_shape;
        out->hash        = lhs->hash;
        out->pushed_hash = lhs->hash;
        out->laps        = lhs->laps;
        memcpy(out->value, lhs->value, sizeof(out->value));
        memcpy(out->accum, lhs->accum, sizeof(out->accum));
        Py_INCREF(lhs->key);
        out->key = lhs->key;
    }
    for(int i = 0; i < 2; ++i)
    {
        out->value[i] += sign * rhs->value[i];
        out->accum[i] += sign * rhs->accum[i];
    }
    if(sign > 0) out->laps += rhs->laps;
    return (PyObject*)out;
}

PyObject* tm_py_component_add(PyObject* a, PyObject* b)
{
    return tm_py_component_combine(a, b, 1, false);
}
PyObject* tm_py_component_sub(PyObject* a, PyObject* b)
{
    return tm_py_component_combine(a, b, -1, false);
}
PyObject* tm_py_component_iadd(PyObject* a, PyObject* b)
{
    return tm_py_component_combine(a, b, 1, true);
}
PyObject* tm_py_component_isub(PyObject* a, PyObject* b)
{
    return tm_py_component_combine(a, b, -1, true);
}

/* ------------------------------------------------------------------------------------------ */
/* text                                                                                        */

/* ">>>  <key> : <value> <unit> <label> [laps: N]": the values as the library formats them
 * (timemory_component_format_values, the text table's width and precision). */
PyObject* tm_py_component_str(PyObject* op)
{
    tm_py_component* self = (tm_py_component*)op;
    if(!self->available) return PyUnicode_FromString("");
    double out[2] = { 0.0, 0.0 };
    int    n      = 0;
    if(self->nvalues > 0)
    {
        n = timemory_component_get(self->id, tm_py_current_raw(self), out);
        if(n < 0) return tm_py_raise(n, "str");
        if(n > 2) n = 2;
    }
    char values[512];
    int  rc = timemory_component_format_values(self->id, out, n, values, sizeof(values));
    if(rc < 0) return tm_py_raise(rc, "str");
    return PyUnicode_FromFormat(">>>  %U :%s%s [laps: %llu]", self->key, n > 0 ? " " : "", values,
                                (unsigned long long)self->laps);
}

/* __repr__: compact JSON when running a script (__main__.__file__) or when
 * timemory.component._print_repr_in_interactive is set, else "" (the original's rule). */
static bool tm_py_repr_wanted(void)
{
    PyObject* modules = PyImport_GetModuleDict();
    PyObject* main    = PyDict_GetItemString(modules, "__main__");
    if(main && PyObject_HasAttrString(main, "__file__")) return true;
    PyObject* component = PyDict_GetItemString(modules, "timemory.component");
    if(!component) return false;
    PyObject* flag = PyObject_GetAttrString(component, "_print_repr_in_interactive");
    if(!flag)
    {
        PyErr_Clear();
        return false;
    }
    int truth = PyObject_IsTrue(flag);
    Py_DECREF(flag);
    if(truth < 0) PyErr_Clear();
    return truth > 0;
}

PyObject* tm_py_component_repr(PyObject* op)
{
    tm_py_component* self = (tm_py_component*)op;
    if(!self->available || !tm_py_repr_wanted()) return PyUnicode_FromString("");
    timemory_component_info info;
    int                     rc = timemory_component_get_info(self->id, &info);
    if(rc < 0) return tm_py_raise(rc, "repr");
    PyObject* value = tm_py_display_object(self, tm_py_current_raw(self));
    PyObject* unit  = value ? tm_py_component_display_unit((PyObject*)Py_TYPE(op), NULL) : NULL;
    PyObject* body  = NULL;
    if(unit)
        body = Py_BuildValue("{s:O,s:K,s:O,s:O,s:s}", "key", self->key, "laps",
                             (unsigned long long)self->laps, "value", value, "unit", unit, "label",
                             info.label ? info.label : "");
    Py_XDECREF(value);
    Py_XDECREF(unit);
    if(!body) return NULL;
    PyObject* outer = Py_BuildValue("{s:N}", info.name, body);
    if(!outer) return NULL;
    PyObject* json = PyImport_ImportModule("json");
    PyObject* text = NULL;
    if(json)
    {
        PyObject* dumps = PyObject_GetAttrString(json, "dumps");
        PyObject* kw    = dumps ? Py_BuildValue("{s:(ss)}", "separators", ",", ":") : NULL;
        PyObject* args  = kw ? PyTuple_Pack(1, outer) : NULL;
        if(args) text = PyObject_Call(dumps, args, kw);
        Py_XDECREF(args);
        Py_XDECREF(kw);
        Py_XDECREF(dumps);
        Py_DECREF(json);
    }
    Py_DECREF(outer);
    return text;
}
