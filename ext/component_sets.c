/* component_sets.c -- component sets between Python and the library: a Python component mask
 * is an int with bit `id` set for each member (public ids: the table's 0..63 and any row after,
 * and registered components from TIMEMORY_COMPONENT_RUNTIME_FIRST), the library's is a
 * timemory_component_set. Conversions happen when a marker, the profiler or a query is set
 * up, never per event.
 */
#include "ext.h"

/* ids a mask can name: every table value and registered id is below this */
#define TM_PY_MASK_BITS (TIMEMORY_COMPONENT_RUNTIME_FIRST + TIMEMORY_COMPONENT_RUNTIME_MAX)

static int tm_py_add_bits(timemory_component_set* set, unsigned long long bits, int base)
{
    for(; bits; bits &= bits - 1)
    {
        int id = base + __builtin_ctzll(bits);
        if(timemory_component_set_add(set, id) != TIMEMORY_OK)
        {
            PyErr_Format(PyExc_ValueError, "component mask names no component at bit %d", id);
            return -1;
        }
    }
    return 0;
}

int tm_py_set_from_int(PyObject* obj, tm_py_set* out, const char* what)
{
    memset(out, 0, sizeof(*out));
    if(!PyLong_Check(obj))
    {
        PyErr_Format(PyExc_TypeError, "%s must be int, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    unsigned long long low = PyLong_AsUnsignedLongLong(obj);
    if(!(low == (unsigned long long)-1 && PyErr_Occurred()))
    {
        out->mask = low; /* the common case: the seed's ids, the compact form */
        out->set  = timemory_component_set_from_mask(low);
        return 0;
    }
    if(!PyErr_ExceptionMatches(PyExc_OverflowError)) return -1;
    PyErr_Clear();
    PyObject* zero = PyLong_FromLong(0);
    int       neg  = zero ? PyObject_RichCompareBool(obj, zero, Py_LT) : -1;
    Py_XDECREF(zero);
    if(neg != 0)
    {
        if(neg > 0) PyErr_Format(PyExc_ValueError, "%s must not be negative", what);
        return -1;
    }
    PyObject* len   = PyObject_CallMethod(obj, "bit_length", NULL);
    long      nbits = len ? PyLong_AsLong(len) : -1;
    Py_XDECREF(len);
    if(nbits < 0) return -1;
    if(nbits > TM_PY_MASK_BITS)
    {
        PyErr_Format(PyExc_ValueError, "%s has bit %ld set: no component has such an id", what,
                     nbits - 1);
        return -1;
    }
    out->wide = true;
    for(int base = 0; base < nbits; base += 64)
    {
        PyObject* shift   = PyLong_FromLong(base);
        PyObject* shifted = shift ? PyNumber_Rshift(obj, shift) : NULL;
        PyObject* all     = PyLong_FromUnsignedLongLong(~0ull);
        PyObject* word    = shifted && all ? PyNumber_And(shifted, all) : NULL;
        Py_XDECREF(shift);
        Py_XDECREF(shifted);
        Py_XDECREF(all);
        if(!word) return -1;
        unsigned long long bits = PyLong_AsUnsignedLongLong(word);
        Py_DECREF(word);
        if(bits == (unsigned long long)-1 && PyErr_Occurred()) return -1;
        if(base == 0) out->mask = bits;
        if(tm_py_add_bits(&out->set, bits, base) < 0) return -1;
    }
    return 0;
}

int tm_py_set_converter(PyObject* obj, void* out)
{
    return tm_py_set_from_int(obj, (tm_py_set*)out, "component mask") < 0 ? 0 : 1;
}

PyObject* tm_py_set_to_int(const timemory_component_set* set)
{
    PyObject* result = PyLong_FromLong(0);
    for(int id = timemory_component_set_next(set, -1); result && id >= 0;
        id     = timemory_component_set_next(set, id))
    {
        PyObject* one   = PyLong_FromLong(1);
        PyObject* shift = PyLong_FromLong(id);
        PyObject* bit   = one && shift ? PyNumber_Lshift(one, shift) : NULL;
        PyObject* next  = bit ? PyNumber_Or(result, bit) : NULL;
        Py_XDECREF(one);
        Py_XDECREF(shift);
        Py_XDECREF(bit);
        Py_DECREF(result);
        result = next;
    }
    return result;
}
