/* ext.h -- shared by the files of the CPython extension (ext/): each file adds its types and
 * functions to the module from the module's exec slot (ext/module.c calls these), and keeps
 * the heap types it creates in the module state below so they die with the module.
 * The extension includes only the public C headers: policy lives in the library or the package.
 */
#ifndef TIMEMORY_EXT_H
#define TIMEMORY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "timemory/library.h"
#include "timemory/timemory.h"

/* 3.9 has vectorcall under the public name; older spellings are not needed (3.9 is the floor). */
#if PY_VERSION_HEX < 0x03090000
#    error "timemory needs CPython 3.9 or newer"
#endif

/* Py_TPFLAGS_IMMUTABLETYPE (3.10+) keeps a Python-side __call__ assignment from bypassing the
 * vectorcall slot; on 3.9 heap types are simply mutable. */
#ifdef Py_TPFLAGS_IMMUTABLETYPE
#    define TM_PY_TPFLAGS_IMMUTABLE Py_TPFLAGS_IMMUTABLETYPE
#else
#    define TM_PY_TPFLAGS_IMMUTABLE 0
#endif

#define TM_PY_MODULE_NAME "timemory.libs.libpytimemory"
/* Public component ids of the table are below this (its values; registered ids are above). */
#define TM_PY_NCOMPONENTS TIMEMORY_COMPONENT_RUNTIME_FIRST

/* The module state: the heap types of components.c and marker.c, owned by the module.
 * (profiler.c and tracer.c keep their own process-wide hook state.) */
typedef struct tm_py_state
{
    PyTypeObject* component_base;                     /* Component */
    PyTypeObject* component_types[TM_PY_NCOMPONENTS]; /* WallClock ...; NULL: no table row */
    PyTypeObject* function_marker_type;               /* FunctionMarker */
    PyTypeObject* scoped_marker_type;                 /* ScopedMarker */
} tm_py_state;

/* ext/module.c: the state of a module object of this extension. */
tm_py_state* tm_py_get_state(PyObject* module);

/* ext/module.c: raises the matching Python exception for a TIMEMORY_E* code; returns NULL.
 * context names what failed ("settings.verbose", "push"); may be NULL. */
PyObject* tm_py_raise(int code, const char* context);

/* ext/module.c: checks the result of a push/pop-like call: paused, throttled or finalized
 * record nothing and are not errors; an unbalanced pop warns (RuntimeWarning). Returns 0, or -1
 * with an exception set. */
int tm_py_check_region(int rc, const char* context);

/* ext/component_sets.c: a Python component mask (int, bit = public id) as a set; `mask` is
 * its low 64 bits (the compact form), `wide` whether it names more. */
typedef struct tm_py_set
{
    timemory_component_set set;
    timemory_components_t  mask;
    bool                   wide;
} tm_py_set;
int       tm_py_set_from_int(PyObject* obj, tm_py_set* out, const char* what);
int       tm_py_set_converter(PyObject* obj, void* out); /* "O&": tm_py_set* */
PyObject* tm_py_set_to_int(const timemory_component_set* set);

/* ext/component_rules.c: component_find, _suggest, _format, _format_value, _get */
int tm_py_add_component_rules(PyObject* module);
/* ext/components.c: the component classes and component.id values */
int tm_py_add_components(PyObject* module);
/* ext/marker.c: the C decorator wrapper and context-manager types */
int tm_py_add_markers(PyObject* module);
/* ext/coroutines.c: CoroutineRegion, the awaitable under the decorators on `async def` */
int tm_py_add_coroutines(PyObject* module);
/* ext/profiler.c: the function profiler (C callbacks) */
int tm_py_add_profiler(PyObject* module);
/* ext/tracer.c: the line tracer (C callbacks) */
int tm_py_add_tracer(PyObject* module);
/* ext/processes.c: child processes' hand-off to their parent (_handoff_* functions) */
int tm_py_add_processes(PyObject* module);

#endif
