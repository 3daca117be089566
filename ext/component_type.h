/* component_type.h -- the instance of the component classes (ext/components.c), shared with
 * the file of their operators and text (ext/component_ops.c). Private to the extension.
 */
#ifndef TIMEMORY_EXT_COMPONENT_TYPE_H
#define TIMEMORY_EXT_COMPONENT_TYPE_H

#include "ext.h"

typedef struct tm_py_component {
    PyObject_HEAD int id;
    unsigned          flags;   /* TIMEMORY_CFLAG_* of the row */
    int               nvalues; /* raw values: 0 marker, 1 scalar, 2 pair */
    int               nout;    /* values get() returns */
    bool              available;
    bool              list_shape; /* results are lists (2-arrays), not tuples (pairs) */
    bool              running;
    bool              pushed;
    PyObject*         key; /* str */
    uint64_t          hash;
    uint64_t          pushed_hash; /* the node pop() must close, even after rekey() */
    uint64_t          laps;
    int64_t           start[2];
    int64_t           value[2];
    int64_t           accum[2];
} tm_py_component;

/* components.c */
bool           tm_py_is_component(PyObject* obj);
const int64_t* tm_py_current_raw(const tm_py_component* self);
PyObject*      tm_py_display_object(const tm_py_component* self, const int64_t raw[2]);
PyObject*      tm_py_component_display_unit(PyObject* cls, PyObject* unused);

/* component_ops.c: the type's slots */
PyObject* tm_py_component_add(PyObject* a, PyObject* b);
PyObject* tm_py_component_sub(PyObject* a, PyObject* b);
PyObject* tm_py_component_iadd(PyObject* a, PyObject* b);
PyObject* tm_py_component_isub(PyObject* a, PyObject* b);
PyObject* tm_py_component_str(PyObject* op);
PyObject* tm_py_component_repr(PyObject* op);

#endif /* TIMEMORY_EXT_COMPONENT_TYPE_H */
